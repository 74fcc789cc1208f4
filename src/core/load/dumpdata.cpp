// The Django dumpdata JSON loader: streams a list of {"model", "pk", "fields"}
// objects (or JSON Lines, one object per line: dumpdata --format jsonl) through
// nlohmann/json's SAX interface (one object in memory at a time, plus a short batch
// of rows per table waiting for SQLite) into the CRM's tables, created with the
// exact DDL Django uses on SQLite, writing values as Django's SQLite backend would
// (spec §1, canonical form). Django's contrib models go to their real tables; other
// models, and fields the CRM's schema does not name, to tables and columns inferred
// from the values. Natural keys (dumpdata --natural-foreign) are resolved at the
// end, when every object they may name has been loaded. Every error names the
// file, the byte offset (with line and column) and the object (index, model, pk).
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <iterator>
#include <limits>
#include <map>
#include <new>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "core/migrate/crm_schema.hpp"
#include "core/load/dumpdata_models.hpp"
#include "core/load/dumpdata_values.hpp"
#include "core/load/inserter.hpp"
#include "core/load/loaders.hpp"

namespace redline::detail {

namespace {

using namespace dumpdata;
using json = nlohmann::json;

// An input iterator over the file whose position lives in a variable owned by the
// handler: nlohmann's SAX events carry no position, and error messages must say
// where in the file they are. Copies share the position, which is all nlohmann's
// adapter needs (it only ever advances one iterator).
class TrackedIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  explicit TrackedIterator(const char** pos) : pos_(pos) {}
  reference operator*() const { return **pos_; }
  TrackedIterator& operator++() {
    ++*pos_;
    return *this;
  }
  TrackedIterator operator++(int) {
    TrackedIterator old = *this;
    ++*pos_;
    return old;
  }
  bool operator==(const TrackedIterator& o) const { return *pos_ == *o.pos_; }
  bool operator!=(const TrackedIterator& o) const { return *pos_ != *o.pos_; }

 private:
  const char** pos_;
};

// What a throw inside the loader (blocking or sliced) is reported as.
Error thrown_error(const std::exception& e, const std::string& name) {
  if (dynamic_cast<const std::bad_alloc*>(&e)) {
    return make_error(ErrorCode::Io, "out of memory while loading the dumpdata file", name + ", format: dumpdata");
  }
  return make_error(ErrorCode::Internal, std::string("unexpected failure loading dumpdata: ") + e.what(),
                    name + ", format: dumpdata");
}

// Iterates '[' + the bytes [*cursor, stop) + ']': a batch of the file's top-level
// objects handed to nlohmann as a list of its own, so that parsing can stop between
// batches (nlohmann's SAX parser cannot pause). The position is the handler's cursor,
// as with TrackedIterator; copies share it.
struct BatchInput {
  const char** cursor = nullptr;
  const char* stop = nullptr;
  int phase = 0;  // 0: at '[', 1: in the bytes, 2: at ']', 3: past the end
  bool close = true;  // false: no ']' after the bytes (they run to the file's end)
};
class BatchIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  explicit BatchIterator(BatchInput* in) : in_(in) {}
  reference operator*() const {
    static const char open = '[', close = ']';
    return in_->phase == 0 ? open : in_->phase == 1 ? **in_->cursor : close;
  }
  BatchIterator& operator++() {
    const int after = in_->close ? 2 : 3;
    if (in_->phase == 1) {
      if (++*in_->cursor == in_->stop) in_->phase = after;
    } else if (in_->phase == 0) {
      in_->phase = *in_->cursor == in_->stop ? after : 1;
    } else {
      in_->phase = 3;
    }
    return *this;
  }
  BatchIterator operator++(int) {
    BatchIterator old = *this;
    ++*this;
    return old;
  }
  bool operator==(const BatchIterator& o) const {
    return in_->phase == o.in_->phase && (in_->phase != 1 || *in_->cursor == *o.in_->cursor);
  }
  bool operator!=(const BatchIterator& o) const { return !(*this == o); }

 private:
  BatchInput* in_;
};

// One JSON value of the current object, buffered until the object is complete
// (its keys may come in any order). Strings keep their capacity between objects.
// NatKey: a natural key inside a many-to-many list ([["anna"], ["bob"]]), its parts
// in `text` separated by kKeySep.
enum class VType : std::uint8_t { Null, Bool, Int, Uint, Float, String, List, NatKey };
constexpr char kKeySep = '\x1f';

struct Value {
  VType type = VType::Null;
  bool b = false;
  std::int64_t i = 0;
  std::uint64_t u = 0;
  std::string text;  // String: the decoded text; Float: the number as written
  std::size_t list_begin = 0, list_end = 0;  // List: a range of Loader::items_
};

struct Field {
  std::string name;
  Value value;
  std::size_t offset = 0;  // where its name starts in the file
};

// Where an object field goes in its table: a column or a many-to-many list.
struct Slot {
  std::string field;
  int column = -1;  // index in TableDef::columns
  const ManyToMany* m2m = nullptr;
};

struct Model {
  std::string label;              // normalized: "crmApp.user"
  const ModelInfo* info = nullptr;  // nullptr: a model outside the CRM, table inferred
  std::string table_name;         // the table Django names by default, for inferred models
  std::vector<const ManyToMany*> inferred_m2m;
  struct Table* table = nullptr;  // set by the model's first object

  const ManyToMany* find_m2m(std::string_view field) const {
    if (info) return info->find_m2m(field);
    for (const ManyToMany* m : inferred_m2m)
      if (m->field == field) return m;
    return nullptr;
  }
};

// What a natural key (dumpdata --natural-foreign) names, in the order they are
// resolved: a permission's key holds its content type's.
// UserOrGroup: a one-element key in a field Redline inferred, which may name a
// user (by username) or a group (by name); the file's objects decide which.
enum class NatKind : std::uint8_t { ContentType, User, Group, Permission, UserOrGroup };

// A natural key met in the file, resolved at the end of the load: until then its
// column holds kPlaceholderBase - index.
struct NaturalRef {
  NatKind kind;
  std::string parts[3];
  const Model* model;
  std::string field;
  std::int64_t obj_index;
  std::size_t offset;
  std::size_t site;  // index in Loader::sites_: the table and column its placeholder is in
};

// A column that holds natural keys' placeholders.
struct NatSite {
  std::string table, column;
};
constexpr std::int64_t kPlaceholderBase = -(std::int64_t{1} << 62);

// The object a waiting row came from, to name it if SQLite refuses the row.
struct RowOrigin {
  std::int64_t obj_index = 0;
  std::size_t offset = 0;
  std::int64_t pk = 0;
  std::string pk_text;              // the pk of a table whose pk is text (django_session)
  const Model* model = nullptr;
  const ManyToMany* m2m = nullptr;  // a junction row: owner pk, then target
  std::int64_t target = 0;
};

// Rows go to SQLite through the loaders' shared batched inserter (inserter.hpp),
// kBatchRows at a time in one multi-row INSERT; a partial batch (before a column is
// added, at the end) is written row by row.
constexpr std::size_t kBatchRows = 32;

enum : std::uint8_t { kDtNone, kDtAll, kDtNot };

struct Table {
  const crm::TableDef* def = nullptr;
  crm::TableDef* own = nullptr;   // the loader's own copy of def, to which it adds columns
  std::size_t declared = 0;       // columns whose kind comes from their declared type; the rest are inferred (Any)
  bool text_pk = false;
  std::vector<ColumnKind> kinds;  // per column of def
  // Per inferred (Any) column: whether every non-null value so far is a datetime
  // as dumpdata writes it (kDtNone: no value yet), to store them as Django does at
  // the end of the load (convert_datetimes).
  std::vector<std::uint8_t> dt;
  int id_column = -1;
  // Every column in def order; none while the table must be unlocked (a column
  // being added, a rebuild, the end of the load).
  std::optional<Inserter> ins;
  std::vector<Slot> slots;        // in the field order of the model's first object
  std::int64_t next_id = 1;       // junction tables: Django's numbering 1..
  std::vector<RowOrigin> origins; // one per row waiting in ins (its tag is the index)
};

// Tables whose rows Django's own migrations copy while rebuilding them on SQLite:
// an INSERT into an AUTOINCREMENT table writes its sqlite_sequence row even when it
// copies nothing, so a Django-made database has a row (0) for these even when they
// are empty (auth_group in the fixtures). Before: contenttypes 0002 and auth 0002 and
// 0010. After: the normalization rebuilds these crmApp tables too.
const char* const kRebuiltBefore[] = {"django_content_type", "auth_permission", "auth_group"};
const char* const kRebuiltAfter[] = {"organizations", "customers", "vendors", "leads",
                                     "employees",     "deals",     "orders",  "payments"};

constexpr std::size_t kMaxShown = 60;  // bytes of a user's value quoted in a message

// `s` cut to at most kMaxShown bytes without splitting a UTF-8 sequence, with
// control characters shown as \xNN so messages stay one printable line.
std::string shown(std::string_view s) {
  std::string out;
  std::size_t n = s.size();
  bool cut = false;
  if (n > kMaxShown) {
    n = kMaxShown;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    cut = true;
  }
  for (std::size_t i = 0; i < n; ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (cut) out += "...";
  return out;
}

// Like shown(), but for text that may not be UTF-8 at all (nlohmann's "last read"
// token after an encoding error): every byte outside printable ASCII is escaped.
std::string ascii_only(std::string_view s) {
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out;
}

std::string describe(const Value& v) {
  switch (v.type) {
    case VType::Null: return "null";
    case VType::Bool: return v.b ? "true" : "false";
    case VType::Int: return std::to_string(v.i);
    case VType::Uint: return std::to_string(v.u);
    case VType::Float: return v.text;
    case VType::String: return "\"" + shown(v.text) + "\"";
    case VType::List: return "a list";
    case VType::NatKey: {
      std::string out = "[\"";
      for (char c : v.text) out += c == kKeySep ? std::string("\", \"") : std::string(1, c);
      return shown(out + "\"]");
    }
  }
  return "?";
}

const char* type_name(VType t) {
  switch (t) {
    case VType::Null: return "null";
    case VType::Bool: return "boolean";
    case VType::Int:
    case VType::Uint:
    case VType::Float: return "number";
    case VType::String: return "string";
    case VType::List:
    case VType::NatKey: return "list";
  }
  return "value";
}

// The SAX handler and the loader in one: nlohmann calls the event methods below
// (their names and signatures are its SAX interface); complete objects go to SQLite.
class Loader {
 public:
  Loader(const std::vector<std::uint8_t>& bytes, const std::string& name, sql::Database& db,
         LoadSummary& summary)
      : begin_(reinterpret_cast<const char*>(bytes.data())),
        end_(begin_ + bytes.size()),
        cursor_(begin_),
        name_(name),
        db_(db),
        summary_(summary) {}

  Status run() {
    auto sp = sql::Savepoint::begin(db_, "redline_dumpdata");
    if (!sp) return sp.error();
    // nlohmann's lexer reads a NUL byte as the end of the input, so "[...]\0more"
    // would load without what follows the NUL. JSON text never holds a raw NUL.
    if (auto e = nul_error()) return *e;
    bool parsed;
    if (json_lines()) {
      parsed = parse_lines();
    } else {
      const char* end_pos = end_;
      parsed = json::sax_parse(TrackedIterator(&cursor_), TrackedIterator(&end_pos), this,
                               json::input_format_t::json, /*strict=*/true);
    }
    if (error_ || !parsed || state_ != State::Done) return stopped();
    REDLINE_TRY(finish());
    if (error_) return *error_;
    return sp->release();
  }

  // nlohmann's lexer reads a NUL byte as the end of the input, so "[...]\0more"
  // would load without what follows the NUL. JSON text never holds a raw NUL.
  std::optional<Error> nul_error() const {
    const void* nul = end_ == begin_ ? nullptr : std::memchr(begin_, '\0', static_cast<std::size_t>(end_ - begin_));
    if (!nul) return std::nullopt;
    std::size_t at = static_cast<std::size_t>(static_cast<const char*>(nul) - begin_);
    return make_error(ErrorCode::BadInput, "NUL byte in the file: JSON text never contains one (binary or corrupt file?)",
                      where(at));
  }

  // The error a parse that stopped ends the load with.
  Error stopped() {
    if (error_) {
      // Rows still waiting in batches come before the error in the file: if SQLite
      // refuses one of them, that is the first problem (row_failed keeps the earliest).
      (void)flush_all();
      return *error_;
    }
    return make_error(ErrorCode::Internal, "the JSON parser stopped without saying why", context(offset(), false));
  }

  // JSON Lines (dumpdata --format jsonl): the file starts with an object, not a list.
  bool json_lines() const {
    const char* p = skip_bom(begin_);
    p = skip_blank(p);
    return p != end_ && *p == '{';
  }
  const char* skip_bom(const char* p) const {
    return end_ - p >= 3 && std::memcmp(p, "\xEF\xBB\xBF", 3) == 0 ? p + 3 : p;
  }

  // Each line of a JSON Lines file parsed as a list of its own ('[' line ']'),
  // errors placed in the file (see parse_error).
  bool parse_lines() {
    const char* p = skip_bom(begin_);
    while (p < end_)
      if (!parse_line(p)) return false;
    line_begin_ = nullptr;
    cursor_ = end_;
    state_ = State::Done;
    return true;
  }

  // The line at p (if not blank), p then past it.
  bool parse_line(const char*& p) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end_ - p)));
    const char* e = nl ? nl : end_;
    const char* a = p;
    while (a < e && blank(*a)) ++a;
    const char* b = e;
    while (b > a && blank(b[-1])) --b;
    p = nl ? nl + 1 : end_;
    if (a == b) return true;
    cursor_ = a;
    line_begin_ = a;
    line_end_ = b;
    BatchInput in{&cursor_, b, 0};
    BatchInput done{&cursor_, b, 3};
    state_ = State::Start;
    bool parsed = json::sax_parse(BatchIterator(&in), BatchIterator(&done), this, json::input_format_t::json,
                                  /*strict=*/true);
    cursor_ = p;
    return !error_ && parsed && state_ == State::Done;
  }

  // The same load in slices (LoadJob), with the same result and the same errors as
  // run(). A file laid out as dumpdata writes it (optional blanks, '[', objects
  // separated by commas, ']') is parsed a batch of objects at a time, each batch as a
  // list of its own; a JSON Lines file a line at a time. Where the batches cannot go
  // on (a syntax error, a file cut short, something after the list, a file that is
  // not a list), the rest of the file is parsed in one go as run() parses it
  // (parse_rest): nlohmann stops at the first error, which lies in that batch, so the
  // error is run()'s, at the same place, for the cost of one batch.
  Status begin() {
    auto sp = sql::Savepoint::begin(db_, "redline_dumpdata");
    if (!sp) return sp.error();
    savepoint_.emplace(std::move(sp.value()));
    if (auto e = nul_error()) return *e;
    if (json_lines()) {
      lines_ = true;
      scan_ = skip_bom(begin_);
      return ok_status();
    }
    scan_ = skip_blank(skip_bom(begin_));
    if (scan_ == end_ || *scan_ != '[') {
      rest_ = begin_;  // not a list: run()'s parse says what it is
      return ok_status();
    }
    scan_ = skip_blank(scan_ + 1);
    if (scan_ != end_ && *scan_ == ']') {
      list_closed_ = true;
      if (skip_blank(scan_ + 1) != end_) {
        list_closed_ = false;
        rest_ = begin_;
      }
    }
    return ok_status();
  }

  // The file from `from` to its end parsed in one go: from the start as run() does
  // (`in_list` false), or from an object of the top-level list, after a '[' of our own
  // (in_list) that stands for the list's, so the parser is in the state run()'s is in
  // there. Parse errors are placed in the file (see parse_error).
  Status parse_rest(const char* from, bool in_list) {
    state_ = State::Start;
    cursor_ = from;
    bool parsed;
    if (in_list) {
      batch_begin_ = from;
      BatchInput in{&cursor_, end_, 0, false};
      BatchInput done{&cursor_, end_, 3, false};
      parsed = json::sax_parse(BatchIterator(&in), BatchIterator(&done), this, json::input_format_t::json,
                               /*strict=*/true);
      batch_begin_ = nullptr;
    } else {
      const char* end_pos = end_;
      parsed = json::sax_parse(TrackedIterator(&cursor_), TrackedIterator(&end_pos), this,
                               json::input_format_t::json, /*strict=*/true);
    }
    if (error_ || !parsed || state_ != State::Done) return stopped();
    list_closed_ = true;
    return ok_status();
  }

  Result<bool> step(std::chrono::steady_clock::time_point deadline) {
    constexpr std::size_t kBatchBytes = 64 << 10;
    while (lines_ && scan_ < end_) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      const char* first = scan_;
      while (scan_ < end_ && scan_ - first < static_cast<std::ptrdiff_t>(kBatchBytes))
        if (!parse_line(scan_)) return stopped();
    }
    if (lines_) list_closed_ = true;
    if (rest_) REDLINE_TRY(parse_rest(rest_, false));
    while (!list_closed_) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      // scan_ is at the '{' of the next object; take objects up to kBatchBytes.
      const char* first = scan_;
      const char* last_end = nullptr;
      bool laid_out = true;  // as dumpdata writes it, so far
      while (laid_out && !list_closed_ &&
             (last_end == nullptr || last_end - first < static_cast<std::ptrdiff_t>(kBatchBytes))) {
        const char* e = object_end(scan_);
        const char* q = e ? skip_blank(e) : end_;
        if (q == end_ || (*q == ']' && skip_blank(q + 1) != end_) || (*q != ']' && *q != ',')) {
          laid_out = false;
          break;
        }
        last_end = e;
        if (*q == ']') list_closed_ = true;
        else scan_ = skip_blank(q + 1);
      }
      if (!laid_out) {
        REDLINE_TRY(parse_rest(first, true));
        break;
      }
      cursor_ = first;
      batch_begin_ = first;
      BatchInput in{&cursor_, last_end, 0};
      BatchInput done{&cursor_, last_end, 3};
      state_ = State::Start;
      bool parsed = json::sax_parse(BatchIterator(&in), BatchIterator(&done), this, json::input_format_t::json,
                                    /*strict=*/true);
      batch_begin_ = nullptr;
      if (error_ || !parsed || state_ != State::Done) return stopped();
      cursor_ = last_end;
    }
    cursor_ = end_;
    for (;;) {
      auto r = finish_part();
      if (!r) return r.error();
      if (*r) break;
      if (std::chrono::steady_clock::now() >= deadline) return false;
    }
    if (error_) return *error_;
    REDLINE_TRY(savepoint_->release());
    return true;
  }

  std::size_t consumed() const { return offset(); }
  std::string current_table() const { return last_model_ ? last_model_->label : std::string(); }

  // ---- nlohmann SAX interface ------------------------------------------------

  bool null() {
    Value* v = scalar("null");
    if (v) v->type = VType::Null;
    return scalar_done();
  }
  bool boolean(bool b) {
    Value* v = scalar("boolean");
    if (v) {
      v->type = VType::Bool;
      v->b = b;
    }
    return scalar_done();
  }
  bool number_integer(json::number_integer_t i) {
    Value* v = scalar("number");
    if (v) {
      v->type = VType::Int;
      v->i = i;
    }
    return scalar_done();
  }
  bool number_unsigned(json::number_unsigned_t u) {
    Value* v = scalar("number");
    if (v) {
      v->type = VType::Uint;
      v->u = u;
    }
    return scalar_done();
  }
  bool number_float(json::number_float_t, const json::string_t& raw) {
    Value* v = scalar("number");
    if (v) {
      v->type = VType::Float;
      v->text = raw;
    }
    return scalar_done();
  }
  bool string(json::string_t& s) {
    Value* v = scalar("string");
    if (v) {
      v->type = VType::String;
      // nlohmann hands over its token buffer, which it clears before reuse:
      // swapping buffers avoids a copy per string.
      v->text.swap(s);
    }
    return scalar_done();
  }
  bool binary(json::binary_t&) { return fail("binary values are not JSON", offset()); }

  bool start_object(std::size_t) {
    switch (state_) {
      case State::Start:
        return fail("the file is one JSON object, not the list of objects dumpdata writes",
                    offset() - 1, false);
      case State::List:
        begin_object();
        return true;
      case State::Object:
        if (obj_key_ == Key::Fields) {
          has_fields_ = true;
          n_fields_ = 0;  // a repeated "fields" replaces the first, as in Python
          n_items_ = 0;
          state_ = State::Fields;
          return true;
        }
        if (obj_key_ == Key::Other) return begin_skip();
        return fail(std::string("\"") + key_name(obj_key_) + "\" is an object", key_offset_);
      case State::Fields:
        return fail("field '" + shown(current_field().name) +
                        "' holds an object; a field holds a value, or a list of pks",
                    current_field().offset);
      case State::FieldList:
      case State::NatKey:
        return fail("field '" + shown(current_field().name) +
                        "' holds a list with an object in it; expected a list of pks or of natural keys",
                    current_field().offset);
      case State::Skip:
        ++skip_depth_;
        return true;
      case State::Done: break;
    }
    return fail("unexpected JSON after the end of the list", offset());
  }

  bool end_object() {
    switch (state_) {
      case State::Object:
        state_ = State::List;
        if (!end_object_and_store()) return false;
        ++obj_index_;
        in_object_ = false;
        return true;
      case State::Fields:
        state_ = State::Object;
        return true;
      case State::Skip:
        if (--skip_depth_ == 0) state_ = State::Object;
        return true;
      default: break;
    }
    return fail("unbalanced JSON object", offset());
  }

  bool start_array(std::size_t) {
    switch (state_) {
      case State::Start:
        state_ = State::List;
        return true;
      case State::List:
        return fail("object index " + std::to_string(obj_index_) +
                        " is a list, not an object {\"model\", \"pk\", \"fields\"}",
                    offset() - 1, false);
      case State::Object:
        if (obj_key_ == Key::Other) return begin_skip();
        return fail(std::string("\"") + key_name(obj_key_) + "\" is a list" +
                        (obj_key_ == Key::Fields ? ", not an object" : ""),
                    key_offset_);
      case State::Fields: {
        Field& f = current_field();
        f.value.type = VType::List;
        f.value.list_begin = f.value.list_end = n_items_;
        state_ = State::FieldList;
        return true;
      }
      case State::FieldList: {
        // A natural key in a many-to-many list: [["codename", "app", "model"], ...].
        if (n_items_ == items_.size()) items_.emplace_back();
        Value& item = items_[n_items_++];
        item.type = VType::NatKey;
        item.text.clear();
        item.i = 0;
        state_ = State::NatKey;
        return true;
      }
      case State::NatKey:
        return fail("field '" + shown(current_field().name) +
                        "' holds lists nested three deep; a natural key is a list of values",
                    current_field().offset);
      case State::Skip:
        ++skip_depth_;
        return true;
      case State::Done: break;
    }
    return fail("unexpected JSON after the end of the list", offset());
  }

  bool end_array() {
    switch (state_) {
      case State::List:
        state_ = State::Done;
        return true;
      case State::FieldList:
        current_field().value.list_end = n_items_;
        state_ = State::Fields;
        return true;
      case State::NatKey:
        state_ = State::FieldList;
        return true;
      case State::Skip:
        if (--skip_depth_ == 0) state_ = State::Object;
        return true;
      default: break;
    }
    return fail("unbalanced JSON list", offset());
  }

  bool key(json::string_t& k) {
    // The key's closing quote was just read: its opening quote is len + 2 back
    // (exact unless the name has escapes, which Django's field names never do).
    std::size_t at = offset();
    at = at >= k.size() + 2 ? at - k.size() - 2 : 0;
    if (state_ == State::Object) {
      key_offset_ = at;
      if (k == "model") {
        obj_key_ = Key::Model;
        model_offset_ = at;
      } else if (k == "pk") {
        obj_key_ = Key::Pk;
        pk_offset_ = at;
      } else if (k == "fields") {
        obj_key_ = Key::Fields;
      } else {
        obj_key_ = Key::Other;  // Django's deserializer ignores other keys too
      }
    } else if (state_ == State::Fields) {
      if (n_fields_ == fields_.size()) fields_.emplace_back();
      Field& f = fields_[n_fields_++];
      f.name.swap(k);
      f.value.type = VType::Null;
      f.offset = at;
    }
    return true;
  }

  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& ex) {
    // nlohmann counts characters read, the bad one included: its 0-based offset is
    // one less. At the end of input it counts one past the end.
    std::size_t size = static_cast<std::size_t>(end_ - begin_);
    std::size_t at = position > 0 ? position - 1 : 0;
    if (at > size) at = size;
    bool line_cut = false;
    if (batch_begin_) {
      // A batch of the list's objects, parsed after a '[' of our own: nlohmann counts
      // from that '['.
      at = static_cast<std::size_t>(batch_begin_ - begin_) + (at > 0 ? at - 1 : 0);
      if (at > size) at = size;
    } else if (line_begin_) {
      // A JSON Lines line, parsed as '[' + line + ']': nlohmann counts from the '['.
      std::size_t first = static_cast<std::size_t>(line_begin_ - begin_);
      std::size_t last = static_cast<std::size_t>(line_end_ - begin_);
      at = first + (at > 0 ? at - 1 : 0);
      if (at >= last) {
        at = last;
        line_cut = last < size;
      }
    }
    std::string what = ex.what();
    // "[json.exception.parse_error.101] parse error at line 3, column 5: DETAIL"
    if (auto p = what.find("parse error"); p != std::string::npos) {
      if (auto colon = what.find(": ", p); colon != std::string::npos) what = what.substr(colon + 2);
    }
    what = ascii_only(what);
    std::string message;
    // An error at the very end of the input is a file cut short, whatever the
    // parser was in the middle of (a string, a list, a number).
    if (line_cut) {
      message = "the line ends in the middle of the JSON: a JSON Lines file (dumpdata --format jsonl) holds one "
                "whole object per line; for a file of one pretty-printed object, export the list dumpdata writes: "
                "python manage.py dumpdata --indent 1 > FILE.json";
    } else if (at >= size) {
      message = "the file ends in the middle of the JSON (truncated?): " + what;
    } else if (what.find("UTF-8") != std::string::npos) {
      message = "invalid UTF-8 in a JSON string: " + what;
    } else {
      message = "JSON syntax error: " + what;
    }
    return fail(std::move(message), at, in_object_);
  }

 private:
  enum class State { Start, List, Object, Fields, FieldList, NatKey, Skip, Done };
  enum class Key { Model, Pk, Fields, Other };

  static const char* key_name(Key k) {
    switch (k) {
      case Key::Model: return "model";
      case Key::Pk: return "pk";
      case Key::Fields: return "fields";
      case Key::Other: break;
    }
    return "?";
  }

  std::size_t offset() const { return static_cast<std::size_t>(cursor_ - begin_); }
  Field& current_field() { return fields_[n_fields_ - 1]; }

  // ---- errors ----------------------------------------------------------------

  // "<file>, format: dumpdata, byte offset N (line L, column C), object index K
  //  (model crmApp.deal, pk 5)"
  std::string context(std::size_t at, bool with_object) const {
    std::string c = where(at);
    if (with_object) {
      std::string about;
      if (has_model_ && model_.type == VType::String) about = "model " + shown(model_.text);
      if (has_pk_) about += std::string(about.empty() ? "" : ", ") + "pk " + describe(pk_);
      c += object_part(obj_index_, about);
    }
    return c;
  }

  static std::string object_part(std::int64_t index, const std::string& about) {
    return ", object index " + std::to_string(index) + (about.empty() ? "" : " (" + about + ")");
  }

  // "<file>, format: dumpdata, byte offset N (line L, column C)"
  std::string where(std::size_t at) const {
    std::size_t size = static_cast<std::size_t>(end_ - begin_);
    if (at > size) at = size;
    // Lines are counted only here, on the error path, to keep parsing fast.
    std::size_t line = 1 + static_cast<std::size_t>(std::count(begin_, begin_ + at, '\n'));
    const char* line_start = begin_ + at;
    while (line_start > begin_ && line_start[-1] != '\n') --line_start;
    std::size_t column = static_cast<std::size_t>(begin_ + at - line_start) + 1;
    return name_ + ", format: dumpdata, byte offset " + std::to_string(at) + " (line " + std::to_string(line) +
           ", column " + std::to_string(column) + ")";
  }

  bool fail(std::string message, std::size_t at, bool with_object = true) {
    if (!error_) {
      error_ = make_error(ErrorCode::BadInput, std::move(message), context(at, with_object && in_object_));
      error_at_ = at;
    }
    return false;
  }

  // ---- structure ---------------------------------------------------------------

  // Where the scalar just read goes, or nullptr when it is ignored or wrong.
  Value* scalar(const char* what) {
    switch (state_) {
      case State::Start:
        fail(std::string("the file is a single JSON ") + what +
                 ", not the list of objects dumpdata writes",
             0, false);
        return nullptr;
      case State::List:
        fail("object index " + std::to_string(obj_index_) + " is a " + what +
                 ", not an object {\"model\", \"pk\", \"fields\"}",
             offset(), false);
        return nullptr;
      case State::Object:
        switch (obj_key_) {
          case Key::Model:
            has_model_ = true;
            return &model_;
          case Key::Pk:
            has_pk_ = true;
            return &pk_;
          case Key::Fields:
            fail(std::string("\"fields\" is a ") + what + ", not an object", key_offset_);
            return nullptr;
          case Key::Other: return &discard_;
        }
        return nullptr;
      case State::Fields: return &current_field().value;
      case State::FieldList: {
        if (n_items_ == items_.size()) items_.emplace_back();
        return &items_[n_items_++];
      }
      case State::NatKey: return &discard_;  // appended to the key by scalar_done()
      case State::Skip: return &discard_;
      case State::Done: break;
    }
    fail("unexpected JSON after the end of the list", offset(), false);
    return nullptr;
  }

  // After a scalar: a part of a natural key in a many-to-many list joins its key.
  bool scalar_done() {
    if (state_ == State::NatKey && !error_) {
      Value& key = items_[n_items_ - 1];
      if (key.i++ > 0) key.text += kKeySep;
      key.text += discard_.type == VType::String ? discard_.text : describe(discard_);
    }
    return !error_;
  }

  void begin_object() {
    state_ = State::Object;
    in_object_ = true;
    obj_offset_ = offset() - 1;
    model_offset_ = pk_offset_ = obj_offset_;
    obj_key_ = Key::Other;
    has_model_ = has_pk_ = has_fields_ = false;
    model_.type = pk_.type = VType::Null;
    n_fields_ = 0;
    n_items_ = 0;
  }

  bool begin_skip() {
    state_ = State::Skip;
    skip_depth_ = 1;
    return true;
  }

  // ---- tables ------------------------------------------------------------------

  // The table `def` describes, created (with its indexes) on first use.
  Result<Table*> create_table(const crm::TableDef* def) {
    auto [it, fresh] = tables_.try_emplace(def->name);
    Table& t = it->second;
    if (!fresh) return &t;
    REDLINE_TRY(db_.exec(def->create_sql));
    REDLINE_TRY(create_indexes(*def, /*unique=*/true));
    REDLINE_TRY(prepare_insert(t, def));
    return &t;
  }

  // Unique indexes are made with the table, so a duplicate is reported with the
  // object that brings it; plain indexes are made at the end, sorted in one go,
  // which is faster than growing them row by row.
  Status create_indexes(const crm::TableDef& def, bool unique) {
    for (const auto& idx : def.index_sql)
      if ((idx.rfind("CREATE UNIQUE", 0) == 0) == unique) REDLINE_TRY(db_.exec(idx));
    return ok_status();
  }

  Status prepare_insert(Table& t, const crm::TableDef* def) {
    t.def = def;
    t.kinds.clear();
    if (!t.own) t.declared = def->columns.size();
    std::vector<std::string> names;
    for (std::size_t i = 0; i < def->columns.size(); ++i) {
      const auto& c = def->columns[i];
      t.kinds.push_back(i < t.declared ? column_kind(c.type) : ColumnKind::Any);
      if (c.primary_key) {
        t.id_column = static_cast<int>(i);
        t.text_pk = column_kind(c.type) != ColumnKind::Integer;
      }
      names.push_back(c.name);
    }
    t.dt.resize(t.kinds.size(), kDtNone);  // columns are only ever added at the end
    t.ins.reset();
    Inserter::Options options;
    options.max_rows = kBatchRows;
    Table* tp = &t;  // tables_ is a std::map: the address stays
    auto ins = Inserter::make(db_, def->name, names, options,
                              [this, tp](const RowFailure& f) { return row_failed(*tp, tp->origins[f.tag], f.message); });
    if (!ins) return ins.error();
    t.ins.emplace(std::move(*ins));
    return ok_status();
  }

  // ---- batches -----------------------------------------------------------------

  // A new row of `t`, all NULL, waiting in its inserter until end_row().
  Inserter& begin_row(Table& t, const RowOrigin& origin) {
    t.origins.push_back(origin);
    for (std::size_t c = 0; c < t.kinds.size(); ++c) t.ins->set_null(c);
    return *t.ins;
  }

  static void set_int(Inserter& row, int column, std::int64_t v) { row.set_int(static_cast<std::size_t>(column), v); }

  static void set_real(Inserter& row, int column, double v) { row.set_real(static_cast<std::size_t>(column), v); }

  // Text is copied into the column's own buffer: the parser reuses its strings
  // object after object, and rows wait in the batch.
  static void set_text(Inserter& row, int column, std::string_view v) {
    const auto c = static_cast<std::size_t>(column);
    std::string& buf = row.scratch(c);
    buf.assign(v.data(), v.size());
    row.set_text(c, buf);
    row.add_scratch_bytes(v.size());
  }

  bool end_row(Table& t) { return settle(t, t.ins->end_row(t.origins.size() - 1)); }

  // Send the waiting rows of `t` to SQLite.
  bool flush(Table& t) { return !t.ins || settle(t, t.ins->flush()); }

  // After the inserter wrote (or refused) rows: their origins are used up either
  // way (a refused batch is never sent again). A refused row already set error_
  // (row_failed, through the inserter's blame); anything else is SQLite's error.
  bool settle(Table& t, Status st) {
    if (t.ins->pending() == 0) t.origins.clear();
    if (st.ok()) return true;
    if (!error_) fail_sql(st.error());
    return false;
  }

  bool flush_all() {
    bool ok = true;
    for (auto& [name, t] : tables_) ok = flush(t) && ok;  // every table: the earliest failure wins
    return ok;
  }

  // The error of a row SQLite refused (`why`: its message), kept in error_ when it
  // is the earliest problem in the file: rows wait in batches, so a later object
  // may have failed first.
  Error row_failed(const Table& t, const RowOrigin& o, const std::string& why) {
    std::string pk = o.pk_text.empty() ? std::to_string(o.pk) : "\"" + shown(o.pk_text) + "\"";
    std::string what = o.model->label + " pk " + pk;
    if (o.m2m) what += ": " + o.m2m->field + " " + std::to_string(o.target);
    std::string message = what + " cannot be stored in " + t.def->name + ": " + why;
    std::string context = where(o.offset) + object_part(o.obj_index, "model " + o.model->label + ", pk " + pk);
    Error e = make_error(ErrorCode::BadInput, std::move(message), std::move(context));
    if (!error_ || o.offset < error_at_) {
      error_ = e;
      error_at_ = o.offset;
    }
    return e;
  }

  // Recreate table `t` with the definition of the other shape, keeping its rows: for
  // a table whose fields fit both shapes, loaded before the file showed its shape.
  Status rebuild(Table& t, const crm::TableDef* def) {
    if (!flush(t)) return *error_;
    std::string name = sql::quote_ident(def->name);
    std::string cols;
    for (const auto& c : def->columns) cols += (cols.empty() ? "" : ", ") + sql::quote_ident(c.name);
    t.ins.reset();  // a prepared statement would keep the table locked
    REDLINE_TRY(db_.exec("CREATE TEMP TABLE redline_stash AS SELECT * FROM " + name + "; DROP TABLE " + name));
    REDLINE_TRY(db_.exec(def->create_sql));
    REDLINE_TRY(create_indexes(*def, /*unique=*/true));
    if (t.own) {
      // Columns the loader added (fields the schema does not name) come along.
      crm::TableDef& d = owned_defs_.emplace_back(*def);
      for (std::size_t i = t.declared; i < t.own->columns.size(); ++i) {
        const auto& c = t.own->columns[i];
        REDLINE_TRY(db_.exec("ALTER TABLE " + name + " ADD COLUMN " + sql::quote_ident(c.name) + " " + c.type));
        cols += ", " + sql::quote_ident(c.name);
        d.columns.push_back(c);
      }
      t.declared = def->columns.size();
      t.own = &d;
      def = &d;
    }
    REDLINE_TRY(db_.exec("INSERT INTO " + name + " (" + cols + ") SELECT " + cols +
                         " FROM temp.redline_stash; DROP TABLE temp.redline_stash"));
    REDLINE_TRY(prepare_insert(t, def));
    // Column positions differ between the shapes.
    for (auto& s : t.slots) {
      if (s.m2m) continue;
      std::string c = column_for(s.field, def, nullptr);
      for (std::size_t i = 0; i < def->columns.size(); ++i)
        if (def->columns[i].name == c) s.column = static_cast<int>(i);
    }
    return ok_status();
  }

  static bool same_columns(const crm::TableDef* def, const std::vector<std::string>& columns) {
    if (!def || def->columns.size() != columns.size()) return false;
    for (const auto& c : columns)
      if (!def->column(c)) return false;
    return true;
  }

  // The definition of a table that is the same in both shapes or belongs to the
  // snapshot's shape (junction tables, and the tables created empty at the end).
  const crm::TableDef* def_for(std::string_view table) const {
    return crm::find_table(shape_.value_or(crm::Shape::Before), table);
  }

  // The column a dumpdata field name stands for in `table`: the name itself, or
  // name + "_id" for a foreign key ("organization" -> organization_id).
  static std::string column_for(std::string_view field, const crm::TableDef* a,
                                const crm::TableDef* b) {
    for (const auto* d : {a, b})
      if (d && d->column(field)) return std::string(field);
    std::string fk = std::string(field) + "_id";
    for (const auto* d : {a, b})
      if (d && d->column(fk)) return fk;
    return std::string(field);
  }

  // First object of a model: pick the table's shape from the fields it has.
  bool init_model_table(Model& m) {
    if (!m.info) return init_inferred_table(m);
    const crm::TableDef* before = crm::find_table(crm::Shape::Before, m.info->table);
    const crm::TableDef* after = crm::find_table(crm::Shape::After, m.info->table);
    if (!before && !after) {
      // A contrib model whose table the CRM's schema does not hold (admin, sessions).
      auto t = create_table(contrib_table(m.info->table));
      if (!t) return fail_sql(t.error());
      m.table = t.value();
      return true;
    }
    std::vector<std::string> columns{"id"};
    for (std::size_t i = 0; i < n_fields_; ++i) {
      const std::string& f = fields_[i].name;
      if (m.info->find_m2m(f)) continue;
      std::string c = column_for(f, before, after);
      // A field of the project's own (a later migration's column): added to the
      // table when its slot is made, it has no say in the table's shape.
      if (!(before && before->column(c)) && !(after && after->column(c))) continue;
      if (std::find(columns.begin(), columns.end(), c) == columns.end()) columns.push_back(c);
    }
    const crm::TableDef* def = crm::match_table(m.info->table, columns);
    if (!def) return fail(shape_mismatch(m, columns, before, after), obj_offset_);

    bool both = same_columns(before, columns) && same_columns(after, columns);
    bool neutral = both && before->create_sql == after->create_sql && before->index_sql == after->index_sql;
    bool provisional = false;
    if (both && !neutral) {
      // deals, orders, payments: the same columns in both shapes, in another order
      // and nullability. The other tables say which shape this is; until one has,
      // the table is made in the before shape and rebuilt if that proves wrong.
      def = shape_ == crm::Shape::After ? after : before;
      provisional = !shape_;
    } else if (!neutral) {
      crm::Shape shape = def == before ? crm::Shape::Before : crm::Shape::After;
      if (shape_ && *shape_ != shape) {
        return fail(m.label + " has the " + shape_name(shape) + " shape of table " + def->name +
                        ", but " + shape_model_ + " had the " + shape_name(*shape_) +
                        " shape: a snapshot is all one or all the other",
                    obj_offset_);
      }
      if (!shape_) {
        shape_ = shape;
        shape_model_ = m.label;
        for (Table* p : provisional_) {
          const crm::TableDef* right = crm::find_table(shape, p->def->name);
          if (right != p->def) {
            auto r = rebuild(*p, right);
            if (!r) return fail_sql(r.error());
          }
        }
        provisional_.clear();
      }
    }
    auto t = create_table(def);
    if (!t) return fail_sql(t.error());
    m.table = t.value();
    if (provisional) provisional_.push_back(m.table);
    return true;
  }

  // A model outside the CRM: the table Django names by default, with an "id"
  // primary key (text when the pks are), the fields' columns added as they come.
  bool init_inferred_table(Model& m) {
    std::int64_t ignored;
    bool text = pk_.type == VType::String && !parse_int64(pk_.text, ignored);
    if (tables_.count(m.table_name) || crm::find_table(crm::Shape::Before, m.table_name) ||
        crm::find_table(crm::Shape::After, m.table_name) || contrib_table(m.table_name))
      return fail(m.label + " would go to table " + m.table_name + ", which is a table of the CRM", model_offset_);
    crm::TableDef& d = owned_defs_.emplace_back();
    d.name = m.table_name;
    d.create_sql = "CREATE TABLE " + sql::quote_ident(d.name) +
                   (text ? " (\"id\" text NOT NULL PRIMARY KEY)" : " (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT)");
    d.columns.push_back(crm::ColumnDef{"id", text ? "text" : "integer", true, true});
    auto t = create_table(&d);
    if (!t) return fail_sql(t.error());
    m.table = t.value();
    m.table->own = &d;
    inferred_.push_back(m.label + " -> table " + d.name);
    return true;
  }

  // The declared type of a column added for a field, from the field's first value
  // (SQLite keeps each value's own type whatever the column says).
  static const char* inferred_type(const Value& v) {
    switch (v.type) {
      case VType::Bool: return "bool";
      case VType::Int:
      case VType::Uint: return "integer";
      case VType::Float: return "real";
      case VType::String: return "text";
      case VType::List: return "integer";  // a natural key: a foreign key
      default: return "";
    }
  }

  // Add a column for field `f` to `t` (NULL allowed, type from the value).
  bool add_column(Table& t, const Model& m, const Field& f) {
    for (const auto& c : t.def->columns) {
      // SQLite's column names ignore ASCII case: "Name" cannot sit beside "name".
      if (equal_ignoring_case(c.name, f.name))
        return fail("field '" + shown(f.name) + "' of " + m.label + " differs only in case from column '" + c.name +
                        "' of table " + t.def->name + ", which SQLite cannot keep apart",
                    f.offset);
    }
    if (!flush(t)) return false;
    if (!t.own) {
      t.own = &owned_defs_.emplace_back(*t.def);
      t.def = t.own;
    }
    std::string type = inferred_type(f.value);
    std::string sql = "ALTER TABLE " + sql::quote_ident(t.def->name) + " ADD COLUMN " + sql::quote_ident(f.name) +
                      (type.empty() ? "" : " " + type);
    t.ins.reset();
    if (auto r = db_.exec(sql); !r) return fail_sql(r.error());
    t.own->columns.push_back(crm::ColumnDef{f.name, type, false, false});
    if (auto r = prepare_insert(t, t.def); !r) return fail_sql(r.error());
    if (m.info) added_.push_back(t.def->name + "." + f.name + (type.empty() ? "" : " " + type) + " (" + m.label + ")");
    return true;
  }

  // Whether the first value of a field of an inferred model makes it a
  // many-to-many field: a list of pks or of natural keys (a list of strings is one
  // natural key, a foreign key).
  bool is_m2m_list(const Value& v) const {
    if (v.type != VType::List) return false;
    for (std::size_t k = v.list_begin; k < v.list_end; ++k)
      if (items_[k].type != VType::Int && items_[k].type != VType::Uint && items_[k].type != VType::NatKey) return false;
    return true;
  }

  // The junction table of a many-to-many field of an inferred model, named as
  // Django names it: <table>_<field> (id, <model>_id, <target>_id); the target
  // model is the one its natural keys name, else the field name less a plural "s".
  const ManyToMany* infer_m2m(Model& m, const Field& f) {
    std::string model = m.label.substr(m.label.find('.') + 1);
    std::string target = f.name;
    if (f.value.list_end > f.value.list_begin && items_[f.value.list_begin].type == VType::NatKey) {
      // One element: a user or a group, known once the keys are resolved
      // (name_natural_columns renames the column then).
      static const char* const kByArity[] = {"", "user", "contenttype", "permission"};
      auto arity = static_cast<std::size_t>(items_[f.value.list_begin].i);
      if (arity < std::size(kByArity)) target = kByArity[arity];
    } else if (target.size() > 1 && target.back() == 's') {
      target.pop_back();
    }
    ManyToMany& j = inferred_m2m_.emplace_back();
    j.field = f.name;
    j.table = m.table_name + "_" + f.name;
    j.owner_column = model + "_id";
    j.target_column = target + "_id";
    if (model == target) {
      j.owner_column = "from_" + j.owner_column;
      j.target_column = "to_" + j.target_column;
    }
    m.inferred_m2m.push_back(&j);
    m2m_note_[&j] = inferred_.size();
    inferred_.push_back(m.label + "." + f.name + " -> junction table " + j.table + " (" + j.owner_column + ", " +
                        j.target_column + ")");
    return &j;
  }

  // The definition of a junction table: the CRM's, or one made for an inferred model.
  const crm::TableDef* m2m_def(const ManyToMany& j) {
    if (const crm::TableDef* d = def_for(j.table)) return d;
    if (auto it = tables_.find(j.table); it != tables_.end()) return it->second.def;
    crm::TableDef& d = owned_defs_.emplace_back();
    d.name = j.table;
    d.create_sql = "CREATE TABLE " + sql::quote_ident(d.name) +
                   " (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, " + sql::quote_ident(j.owner_column) +
                   " integer NOT NULL, " + sql::quote_ident(j.target_column) + " integer NOT NULL)";
    d.columns = {{"id", "integer", true, true}, {j.owner_column, "integer", true, false},
                 {j.target_column, "integer", true, false}};
    return &d;
  }

  static const char* shape_name(crm::Shape s) { return s == crm::Shape::Before ? "before" : "after"; }

  std::string shape_mismatch(const Model& m, const std::vector<std::string>& columns,
                             const crm::TableDef* before, const crm::TableDef* after) const {
    std::string msg = "the fields of " + m.label + " do not match table " + m.info->table;
    for (auto [def, shape] : {std::pair{before, crm::Shape::Before}, std::pair{after, crm::Shape::After}}) {
      if (!def) continue;
      std::string unknown, missing;
      for (const auto& c : columns)
        if (!def->column(c)) unknown += (unknown.empty() ? "" : ", ") + shown(c);
      for (const auto& c : def->columns)
        if (std::find(columns.begin(), columns.end(), c.name) == columns.end())
          missing += (missing.empty() ? "" : ", ") + c.name;
      msg += std::string("; ") + shape_name(shape) + " shape:";
      if (!unknown.empty()) msg += " not columns: " + unknown;
      if (!missing.empty()) msg += std::string(unknown.empty() ? "" : ";") + " missing: " + missing;
    }
    return msg;
  }

  // The slot of field `f` in table `t`, created on first sight: a column of the
  // table (added if the table has none for the field) or a many-to-many list.
  // nullptr after an error.
  const Slot* find_slot(Table& t, Model& m, const Field& f, std::size_t position) {
    if (position < t.slots.size() && t.slots[position].field == f.name) return &t.slots[position];
    for (const auto& s : t.slots)
      if (s.field == f.name) return &s;
    Slot s;
    s.field = f.name;
    s.m2m = m.find_m2m(f.name);
    if (!s.m2m && !m.info && is_m2m_list(f.value)) s.m2m = infer_m2m(m, f);
    if (!s.m2m) {
      std::string c = column_for(f.name, t.def, nullptr);
      const auto& cols = t.def->columns;
      for (std::size_t i = 0; i < cols.size(); ++i)
        if (cols[i].name == c) s.column = static_cast<int>(i);
      if (s.column < 0) {
        if (!add_column(t, m, f)) return nullptr;
        s.column = static_cast<int>(t.def->columns.size() - 1);
      }
    }
    t.slots.push_back(std::move(s));
    return &t.slots.back();
  }

  // ---- objects -----------------------------------------------------------------

  Model* model_of(const std::string& label) {
    if (last_model_ && last_model_key_ == label) return last_model_;
    auto spelled = spellings_.find(label);
    if (spelled != spellings_.end()) {
      last_model_key_ = label;
      return last_model_ = spelled->second;
    }
    // "crmApp.User" and "crmApp.user" are one model.
    std::string normalized = normalize_label(label);
    auto it = models_.find(normalized);
    if (it == models_.end()) {
      Model m;
      m.label = normalized;
      m.info = find_model(m.label);
      auto dot = m.label.find('.');
      if (dot == std::string::npos || dot == 0 || dot + 1 == m.label.size() ||
          m.label.find('.', dot + 1) != std::string::npos) {
        fail("\"model\" is \"" + shown(label) + "\", not a Django model label \"app_label.model\"",
             model_offset_);
        return nullptr;
      }
      // A model outside the CRM goes to the table Django names by default (its
      // app label as written, the model name in lower case).
      if (!m.info) m.table_name = m.label.substr(0, dot) + "_" + m.label.substr(dot + 1);
      note_app(m.label.substr(0, dot), m.label);
      it = models_.emplace(normalized, std::move(m)).first;
    }
    spellings_.emplace(label, &it->second);
    last_model_key_ = label;
    last_model_ = &it->second;
    return last_model_;
  }

  bool end_object_and_store() {
    if (!has_model_) return fail("the object has no \"model\"", obj_offset_);
    if (model_.type != VType::String)
      return fail(std::string("\"model\" is a ") + type_name(model_.type) + ", not a string", model_offset_);
    Model* m = model_of(model_.text);
    if (!m) return false;
    if (!has_fields_) return fail("the object has no \"fields\"", obj_offset_);
    if (!has_pk_ || pk_.type == VType::Null)
      return fail("the object has no \"pk\": the file was made with dumpdata --natural-primary, which "
                  "leaves out the primary keys the snapshot needs; export it again without that option: "
                  "python manage.py dumpdata --natural-foreign --indent 1 > FILE.json",
                  obj_offset_);
    // The pk is checked before the first object makes the table: a wrong pk is the
    // first thing wrong with the object.
    std::int64_t pk = 0;
    bool text_pk = m->table ? m->table->text_pk
                   : m->info ? std::string_view(m->info->pk_column) != "id"
                             : pk_.type == VType::String && !parse_int64(pk_.text, pk);
    if (text_pk) {
      if (pk_.type != VType::String && pk_.type != VType::Int && pk_.type != VType::Uint)
        return fail("\"pk\" is " + describe(pk_) + ", not a string key", pk_offset_);
    } else if (!integer_of(pk_, pk)) {
      return fail("\"pk\" is " + describe(pk_) + ", not an integer id", pk_offset_);
    }
    if (!m->table && !init_model_table(*m)) return false;
    Table& t = *m->table;
    // Every field's slot first: a field the table lacks adds a column, which
    // changes the width of the rows waiting in the batch.
    for (std::size_t i = 0; i < n_fields_; ++i)
      if (!find_slot(t, *m, fields_[i], i)) return false;

    RowOrigin origin{obj_index_, obj_offset_, pk, {}, m, nullptr, 0};
    if (t.text_pk) origin.pk_text = pk_.type == VType::String ? pk_.text : describe(pk_);
    Inserter& row = begin_row(t, origin);
    if (t.text_pk) set_text(row, t.id_column, origin.pk_text);
    else set_int(row, t.id_column, pk);
    bool has_m2m = false;
    if (!fill_row(t, row, *m, has_m2m)) {
      // The half-made row never reached end_row(): flushing after the error cannot
      // store it.
      t.origins.pop_back();
      return false;
    }
    if (!end_row(t)) return false;
    if (has_m2m && !store_m2m(t, *m, pk)) return false;
    return true;
  }

  bool fill_row(Table& t, Inserter& row, Model& m, bool& has_m2m) {
    for (std::size_t i = 0; i < n_fields_; ++i) {
      const Field& f = fields_[i];
      const Slot* s = find_slot(t, m, f, i);
      if (!s) return false;
      if (s->m2m) {
        has_m2m = true;
        continue;
      }
      if (!bind(t, row, s->column, f, m)) return false;
    }
    return true;
  }

  static bool integer_of(const Value& v, std::int64_t& out) {
    switch (v.type) {
      case VType::Int: out = v.i; return true;
      case VType::Uint:
        if (v.u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return false;
        out = static_cast<std::int64_t>(v.u);
        return true;
      case VType::String: return parse_int64(v.text, out);  // Django's to_python takes "5"
      default: return false;
    }
  }

  bool bad_value(const Field& f, const Model& m, const char* expected, const char* why = nullptr) {
    std::string msg = "field '" + shown(f.name) + "' of " + m.label + ": expected " + expected +
                      ", got " + describe(f.value);
    if (why) msg += std::string(" (") + why + ")";
    if (f.value.type == VType::List)
      msg += "; a list where a single value belongs (a natural key fits only a foreign key to a user, "
             "group, permission or content type)";
    return fail(std::move(msg), f.offset);
  }

  // Set one field as Django's SQLite backend would write it to this column.
  bool bind(Table& t, Inserter& row, int column, const Field& f, const Model& m) {
    const Value& v = f.value;
    if (v.type == VType::Null) return true;  // rows start all NULL
    if (v.type == VType::List) {
      // A natural key (dumpdata --natural-foreign) in a foreign key: ["anna"].
      const std::string& col = t.def->columns[static_cast<std::size_t>(column)].name;
      auto kind = natural_kind(col, v.list_end - v.list_begin, t.kinds[static_cast<std::size_t>(column)]);
      if (!kind) {
        ColumnKind k = t.kinds[static_cast<std::size_t>(column)];
        return bad_value(f, m, k == ColumnKind::Integer ? "an integer" : k == ColumnKind::Text ? "a string" : "a single value");
      }
      Value key;
      key.type = VType::NatKey;
      for (std::size_t k = v.list_begin; k < v.list_end; ++k) {
        const Value& part = items_[k];
        if (part.type != VType::String && part.type != VType::Int && part.type != VType::Uint)
          return bad_value(f, m, "a natural key: a list of strings");
        if (k > v.list_begin) key.text += kKeySep;
        key.text += part.type == VType::String ? part.text : describe(part);
      }
      set_int(row, column, natural_ref(*kind, key, m, f, t, column));
      t.dt[static_cast<std::size_t>(column)] = kDtNot;
      return true;
    }
    switch (t.kinds[static_cast<std::size_t>(column)]) {
      case ColumnKind::Any: {
        std::uint8_t& dt = t.dt[static_cast<std::size_t>(column)];
        if (dt != kDtNot) dt = v.type == VType::String && is_serialized_datetime(v.text) ? kDtAll : kDtNot;
        switch (v.type) {
          case VType::Bool: set_int(row, column, v.b ? 1 : 0); break;
          case VType::Int: set_int(row, column, v.i); break;
          case VType::Uint:
            if (v.u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) set_text(row, column, std::to_string(v.u));
            else set_int(row, column, static_cast<std::int64_t>(v.u));
            break;
          case VType::Float: set_real(row, column, std::strtod(v.text.c_str(), nullptr)); break;
          case VType::String: set_text(row, column, v.text); break;
          default: return bad_value(f, m, "a single value");
        }
        return true;
      }
      case ColumnKind::Integer: {
        std::int64_t i;
        if (!integer_of(v, i)) return bad_value(f, m, "an integer");
        set_int(row, column, i);
        return true;
      }
      case ColumnKind::Bool: {
        if (v.type == VType::Bool) set_int(row, column, v.b ? 1 : 0);
        else if (v.type == VType::Int && (v.i == 0 || v.i == 1)) set_int(row, column, v.i);
        else if (v.type == VType::Uint && v.u <= 1) set_int(row, column, static_cast<std::int64_t>(v.u));
        else return bad_value(f, m, "true or false");
        return true;
      }
      case ColumnKind::DateTime: {
        if (v.type != VType::String) return bad_value(f, m, "a datetime string such as \"2023-02-21T21:44:10Z\"");
        bool naive = false;
        if (const char* why = canonical_datetime(v.text, scratch_, naive))
          return bad_value(f, m, "a datetime such as \"2023-02-21T21:44:10Z\"", why);
        if (naive) ++naive_datetimes_;
        set_text(row, column, scratch_);
        return true;
      }
      case ColumnKind::Date: {
        if (v.type != VType::String) return bad_value(f, m, "a date string such as \"2023-07-23\"");
        if (const char* why = canonical_date(v.text, scratch_))
          return bad_value(f, m, "a date such as \"2023-07-23\"", why);
        set_text(row, column, scratch_);
        return true;
      }
      case ColumnKind::Decimal: {
        // Django writes decimals as text ("123421.30"); the column's NUMERIC
        // affinity turns it into 123421.3 (REAL) or 5000 (INTEGER) exactly as it does
        // for Django, so the text is handed over unchanged.
        if (v.type == VType::String) {
          if (!is_decimal_literal(v.text)) return bad_value(f, m, "a decimal number such as \"123.45\"");
          set_text(row, column, v.text);
        } else if (v.type == VType::Int) {
          set_int(row, column, v.i);
        } else if (v.type == VType::Uint) {
          set_text(row, column, std::to_string(v.u));
        } else if (v.type == VType::Float) {
          set_text(row, column, v.text);
        } else {
          return bad_value(f, m, "a decimal number such as \"123.45\"");
        }
        return true;
      }
      case ColumnKind::Text: {
        if (v.type == VType::String) set_text(row, column, v.text);
        // CharField.to_python(5) is "5".
        else if (v.type == VType::Int) set_text(row, column, std::to_string(v.i));
        else if (v.type == VType::Uint) set_text(row, column, std::to_string(v.u));
        else return bad_value(f, m, "a string");
        return true;
      }
    }
    return true;
  }

  bool store_m2m(Table& owner, Model& m, std::int64_t pk) {
    for (std::size_t i = 0; i < n_fields_; ++i) {
      const Field& f = fields_[i];
      const Slot* s = find_slot(owner, m, f, i);
      if (!s || !s->m2m) continue;
      if (f.value.type != VType::List) return bad_value(f, m, "a list of pks");
      auto jt = create_table(m2m_def(*s->m2m));
      if (!jt) return fail_sql(jt.error());
      Table& j = *jt.value();
      int owner_col = -1, target_col = -1;
      for (std::size_t c = 0; c < j.def->columns.size(); ++c) {
        if (j.def->columns[c].name == s->m2m->owner_column) owner_col = static_cast<int>(c);
        if (j.def->columns[c].name == s->m2m->target_column) target_col = static_cast<int>(c);
      }
      for (std::size_t k = f.value.list_begin; k < f.value.list_end; ++k) {
        std::int64_t target;
        if (items_[k].type == VType::NatKey) {
          // An inferred junction's target column is only a guess until the keys are
          // resolved: its keys go by their length, as in any inferred column.
          auto kind = m.info ? natural_kind(s->m2m->target_column, static_cast<std::size_t>(items_[k].i),
                                            ColumnKind::Integer)
                             : natural_kind({}, static_cast<std::size_t>(items_[k].i), ColumnKind::Any);
          if (!kind) {
            return fail("field '" + shown(f.name) + "' of " + m.label + ": the natural key " + describe(items_[k]) +
                            " names no user, group, permission or content type",
                        f.offset);
          }
          target = natural_ref(*kind, items_[k], m, f, j, target_col);
        } else if (!integer_of(items_[k], target)) {
          return fail("field '" + shown(f.name) + "' of " + m.label + ": expected a list of pks or natural keys, found " +
                          describe(items_[k]) + " in it",
                      f.offset);
        }
        Inserter& row = begin_row(j, RowOrigin{obj_index_, f.offset, pk, {}, &m, s->m2m, target});
        set_int(row, j.id_column, j.next_id++);
        set_int(row, owner_col, pk);
        set_int(row, target_col, target);
        if (!end_row(j)) return false;
      }
    }
    return true;
  }

  // ---- natural keys ----------------------------------------------------------------

  // What a natural key in `column` names: by the column Django gives the foreign
  // key, or, in a column Redline inferred, by the key's length. Nothing when the key
  // does not fit.
  static std::optional<NatKind> natural_kind(const std::string& column, std::size_t arity, ColumnKind kind) {
    struct ByColumn {
      const char* column;
      NatKind kind;
      std::size_t arity;
    };
    static const ByColumn kColumns[] = {{"content_type_id", NatKind::ContentType, 2},
                                        {"user_id", NatKind::User, 1},
                                        {"group_id", NatKind::Group, 1},
                                        {"permission_id", NatKind::Permission, 3}};
    for (const auto& c : kColumns)
      if (column == c.column) return arity == c.arity ? std::optional<NatKind>(c.kind) : std::nullopt;
    if (kind == ColumnKind::Any) {
      if (arity == 1) return NatKind::UserOrGroup;
      if (arity == 2) return NatKind::ContentType;
      if (arity == 3) return NatKind::Permission;
    }
    return std::nullopt;
  }

  // Record natural key `key` (parts separated by kKeySep) for table.column; returns
  // the placeholder the column holds until finish() resolves it.
  std::int64_t natural_ref(NatKind kind, const Value& key, const Model& m, const Field& f, const Table& t, int column) {
    NaturalRef& r = natural_.emplace_back();
    r.kind = kind;
    std::size_t part = 0;
    for (char c : key.text) {
      if (c == kKeySep) ++part;
      else if (part < std::size(r.parts)) r.parts[part] += c;
    }
    r.model = &m;
    r.field = f.name;
    r.obj_index = obj_index_;
    r.offset = f.offset;
    if (kind == NatKind::ContentType) note_app(r.parts[0], "");
    const std::string& col = t.def->columns[static_cast<std::size_t>(column)].name;
    auto [site, fresh] = site_index_.try_emplace({t.def->name, col}, sites_.size());
    if (fresh) sites_.push_back({t.def->name, col});
    r.site = site->second;
    natural_columns_.insert({static_cast<int>(kind), t.def->name, col});
    return kPlaceholderBase - static_cast<std::int64_t>(natural_.size() - 1);
  }

  // Replace every placeholder with the pk its natural key names, now that all
  // objects are in; a key that names nothing is an error naming its object.
  Status resolve_natural_keys() {
    if (natural_.empty()) return ok_status();
    REDLINE_TRY(db_.exec("CREATE TEMP TABLE redline_natref (ph INTEGER PRIMARY KEY, kind INTEGER NOT NULL, "
                         "k1 TEXT, k2 TEXT, k3 TEXT, site INTEGER NOT NULL, target INTEGER, alt INTEGER, model TEXT)"));
    {
      auto ins = db_.prepare("INSERT INTO temp.redline_natref (ph, kind, k1, k2, k3, site) VALUES (?, ?, ?, ?, ?, ?)");
      if (!ins) return ins.error();
      for (std::size_t i = 0; i < natural_.size(); ++i) {
        const NaturalRef& r = natural_[i];
        REDLINE_TRY(ins->bind_int(1, kPlaceholderBase - static_cast<std::int64_t>(i)));
        REDLINE_TRY(ins->bind_int(2, static_cast<int>(r.kind)));
        for (int k = 0; k < 3; ++k) REDLINE_TRY(ins->bind_text(3 + k, r.parts[k]));
        REDLINE_TRY(ins->bind_int(6, static_cast<std::int64_t>(r.site)));
        auto st = ins->step();
        if (!st) return st.error();
        REDLINE_TRY(ins->reset());
      }
    }
    struct Lookup {
      NatKind kind;
      const char* sql;  // the pk for k1..k3
      const char* model;
      const char* names;
      const char* alt_sql = nullptr;  // UserOrGroup: the group's pk (sql: the user's)
    };
    static const char* const kUser = "SELECT id FROM users WHERE username = k1";
    static const char* const kGroup = "SELECT id FROM auth_group WHERE name = k1";
    static const Lookup kLookups[] = {
        {NatKind::ContentType, "SELECT id FROM django_content_type WHERE app_label = k1 AND model = k2",
         "contenttypes.contenttype", "contenttypes.contenttype (app_label, model)"},
        {NatKind::User, kUser, "crmApp.user", "crmApp.user (username)"},
        {NatKind::Group, kGroup, "auth.group", "auth.group (name)"},
        {NatKind::UserOrGroup, kUser, "crmApp.user", "crmApp.user (username) or auth.group (name)", kGroup},
        {NatKind::Permission,
         "SELECT p.id FROM auth_permission p JOIN django_content_type c ON c.id = p.content_type_id "
         "WHERE p.codename = k1 AND c.app_label = k2 AND c.model = k3",
         "auth.permission", "auth.permission (codename, app_label, model)"},
    };
    for (const auto& l : kLookups) {
      std::string kind = std::to_string(static_cast<int>(l.kind));
      REDLINE_TRY(db_.exec(std::string("UPDATE temp.redline_natref SET target = (") + l.sql + "), model = " +
                           sql::quote_literal(l.model) + (l.alt_sql ? std::string(", alt = (") + l.alt_sql + ")" : "") +
                           " WHERE kind = " + kind));
      if (l.alt_sql) {
        // A one-element key of an inferred field: a user and a group of that name
        // leave no way to tell which the field refers to; never a guess.
        auto both = db_.query_int("SELECT max(ph) FROM temp.redline_natref WHERE target IS NOT NULL AND alt IS NOT NULL "
                                  "AND kind = " + kind);
        if (!both) return both.error();
        if (*both) {
          const NaturalRef& r = natural_[static_cast<std::size_t>(kPlaceholderBase - **both)];
          auto user = db_.query_int("SELECT target FROM temp.redline_natref WHERE ph = " + std::to_string(**both));
          auto group = db_.query_int("SELECT alt FROM temp.redline_natref WHERE ph = " + std::to_string(**both));
          if (!user) return user.error();
          if (!group) return group.error();
          return make_error(ErrorCode::BadInput,
                            "field '" + shown(r.field) + "' of " + r.model->label + ": the natural key [\"" +
                                shown(r.parts[0]) + "\"] names both crmApp.user pk " + std::to_string(user->value_or(0)) +
                                " (username) and auth.group pk " + std::to_string(group->value_or(0)) +
                                " (name), and the file does not say which model the field refers to; export plain "
                                "pks: python manage.py dumpdata --indent 1 > FILE.json",
                            where(r.offset) + object_part(r.obj_index, "model " + r.model->label));
        }
        REDLINE_TRY(db_.exec("UPDATE temp.redline_natref SET model = 'auth.group', target = alt WHERE target IS NULL "
                             "AND alt IS NOT NULL AND kind = " + kind));
      }
      auto missing = db_.query_int("SELECT max(ph) FROM temp.redline_natref WHERE target IS NULL AND kind = " + kind);
      if (!missing) return missing.error();
      if (*missing) {
        // The first such key in the file (placeholders count down).
        const NaturalRef& r = natural_[static_cast<std::size_t>(kPlaceholderBase - **missing)];
        std::string key;
        for (const auto& p : r.parts)
          if (!p.empty()) key += (key.empty() ? "[\"" : "\", \"") + shown(p);
        return make_error(ErrorCode::BadInput,
                          "field '" + shown(r.field) + "' of " + r.model->label + ": the natural key " + key +
                              "\"] names no " + l.names + " in the file; export the objects it refers to too, "
                              "or export plain pks: python manage.py dumpdata --indent 1 > FILE.json",
                          where(r.offset) + object_part(r.obj_index, "model " + r.model->label));
      }
      for (const auto& [k, table, column] : natural_columns_) {
        if (k != static_cast<int>(l.kind)) continue;
        std::string c = sql::quote_ident(column);
        REDLINE_TRY(db_.exec("UPDATE " + sql::quote_ident(table) + " SET " + c +
                             " = (SELECT target FROM temp.redline_natref WHERE ph = " + c + ") WHERE " + c +
                             " <= " + std::to_string(kPlaceholderBase)));
      }
    }
    REDLINE_TRY(name_natural_columns());
    REDLINE_TRY(db_.exec("DROP TABLE temp.redline_natref"));
    summary_.warnings.push_back(std::to_string(natural_.size()) +
                                " natural key(s) (dumpdata --natural-foreign) were resolved to the pks they name");
    return ok_status();
  }

  // Columns Redline inferred that hold natural keys, named as Django names them
  // now that the keys are resolved: a field whose values are natural keys naming
  // objects of one model is certainly a foreign key to it, so its column is
  // <field>_id, and an inferred junction's target column is <target model>_id.
  // Keys naming objects of two models in one field are an error.
  Status name_natural_columns() {
    auto models = db_.prepare("SELECT model, max(ph) FROM temp.redline_natref WHERE site = ? GROUP BY model "
                              "ORDER BY max(ph) DESC");
    if (!models) return models.error();
    for (std::size_t i = 0; i < sites_.size(); ++i) {
      const NatSite& site = sites_[i];
      auto t = tables_.find(site.table);
      if (t == tables_.end()) continue;
      ManyToMany* junction = nullptr;
      for (auto& j : inferred_m2m_)
        if (j.table == site.table && j.target_column == site.column) junction = &j;
      int column = -1;
      const auto& cols = t->second.def->columns;
      for (std::size_t c = 0; c < cols.size(); ++c)
        if (cols[c].name == site.column) column = static_cast<int>(c);
      const bool inferred_fk = column >= 0 && t->second.kinds[static_cast<std::size_t>(column)] == ColumnKind::Any;
      if (!junction && !inferred_fk) continue;  // a column of Django's: named already
      REDLINE_TRY(models->bind_int(1, static_cast<std::int64_t>(i)));
      std::vector<std::pair<std::string, std::int64_t>> found;
      for (;;) {
        auto r = models->step();
        if (!r) return r.error();
        if (*r == sql::StepResult::Done) break;
        found.emplace_back(models->column_text(0), models->column_int(1));
      }
      REDLINE_TRY(models->reset());
      if (found.empty()) continue;
      if (found.size() > 1) {
        const NaturalRef& r = natural_[static_cast<std::size_t>(kPlaceholderBase - found[1].second)];
        return make_error(ErrorCode::BadInput,
                          "field '" + shown(r.field) + "' of " + r.model->label + ": its natural keys name objects of two models, " +
                              found[0].first + " and " + found[1].first +
                              "; a foreign key or many-to-many field refers to one model. Export plain pks: "
                              "python manage.py dumpdata --indent 1 > FILE.json",
                          where(r.offset) + object_part(r.obj_index, "model " + r.model->label));
      }
      const std::string target = found[0].first.substr(found[0].first.find('.') + 1);
      if (junction) {
        REDLINE_TRY(name_junction(*junction, target));
      } else {
        const std::string to = site.column + "_id";
        bool taken = false;
        for (const auto& c : cols) taken = taken || equal_ignoring_case(c.name, to);
        if (taken) {
          // The file has a field of that name too: the column keeps the field's name.
          renamed_.push_back(site.table + "." + site.column + " kept (a column " + to + " exists; " + found[0].first +
                             ")");
          continue;
        }
        REDLINE_TRY(rename_column(t->second, site.column, to));
        renamed_.push_back(site.table + "." + site.column + " -> " + to + " (" + found[0].first + ")");
      }
    }
    return ok_status();
  }

  // Junction `j` of an inferred model, its columns named as Django names them for
  // target model `target`: <model>_id and <target>_id, from_/to_ when they are one.
  Status name_junction(ManyToMany& j, const std::string& target) {
    std::string model;
    for (const auto& [label, m] : models_)
      if (std::find(m.inferred_m2m.begin(), m.inferred_m2m.end(), &j) != m.inferred_m2m.end())
        model = label.substr(label.find('.') + 1);
    std::string owner = model + "_id", to = target + "_id";
    if (model == target) {
      owner = "from_" + owner;
      to = "to_" + to;
    }
    if (owner == j.owner_column && to == j.target_column) return ok_status();
    Table& t = tables_.at(j.table);
    // Through a name of its own: the new owner name may be the old target's.
    REDLINE_TRY(rename_column(t, j.target_column, "redline_target_id"));
    REDLINE_TRY(rename_column(t, j.owner_column, owner));
    REDLINE_TRY(rename_column(t, "redline_target_id", to));
    j.owner_column = owner;
    j.target_column = to;
    if (auto n = m2m_note_.find(&j); n != m2m_note_.end()) {
      std::string& note = inferred_[n->second];
      note = note.substr(0, note.rfind(" (")) + " (" + owner + ", " + to + ")";
    }
    return ok_status();
  }

  // Column `from` of `t` renamed `to` (nothing when they are the same).
  Status rename_column(Table& t, const std::string& from, const std::string& to) {
    if (from == to) return ok_status();
    crm::TableDef* def = t.own;
    if (!def) {
      for (auto& d : owned_defs_)
        if (&d == t.def) def = &d;
    }
    if (!def) return make_error(ErrorCode::Internal, "renaming a column of a table Redline did not make", t.def->name);
    for (const auto& c : def->columns)
      if (c.name != from && equal_ignoring_case(c.name, to))
        return make_error(ErrorCode::BadInput,
                          "column " + from + " of table " + def->name + " would be named " + to +
                              " as Django names a foreign key's column, but the table has a column " + c.name +
                              " already",
                          name_ + ", format: dumpdata");
    REDLINE_TRY(db_.exec("ALTER TABLE " + sql::quote_ident(def->name) + " RENAME COLUMN " + sql::quote_ident(from) +
                         " TO " + sql::quote_ident(to)));
    for (auto& c : def->columns)
      if (c.name == from) c.name = to;
    return ok_status();
  }

  static bool equal_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
  }

  // The apps and models the file holds, in first-seen order: what `migrate` would
  // have made content types for.
  void note_app(const std::string& app, const std::string& label) {
    apps_.insert(app);
    if (!label.empty() && std::find(labels_.begin(), labels_.end(), label) == labels_.end()) labels_.push_back(label);
  }

  bool seen(std::string_view label) const { return std::find(labels_.begin(), labels_.end(), label) != labels_.end(); }

  // A file without content types or permissions (dumpdata -e contenttypes -e
  // auth.Permission, or a dump of some apps only): they are created as `migrate`
  // creates them on a fresh database, which is what loading the file with
  // `loaddata` gives.
  Status create_missing_types(crm::Shape shape) {
    if (obj_index_ == 0) return ok_status();
    if (!seen("contenttypes.contenttype")) {
      std::vector<std::string> others;
      for (const auto& l : labels_) {
        std::string app = l.substr(0, l.find('.'));
        if (app != "admin" && app != "auth" && app != "contenttypes" && app != "sessions" && app != "crmApp")
          others.push_back(l);
      }
      auto types = migrate_content_types(shape, apps_.count("admin") > 0, apps_.count("sessions") > 0, others);
      auto ins = db_.prepare("INSERT INTO django_content_type (app_label, model) VALUES (?, ?)");
      if (!ins) return ins.error();
      std::string apps, last_app;
      for (const auto& t : types) {
        REDLINE_TRY(ins->bind_text(1, t.app_label));
        REDLINE_TRY(ins->bind_text(2, t.model));
        auto st = ins->step();
        if (!st) return st.error();
        REDLINE_TRY(ins->reset());
        if (t.app_label != last_app) apps += (apps.empty() ? "" : ", ") + t.app_label;
        last_app = t.app_label;
      }
      summary_.warnings.push_back(
          "the file has no contenttypes.contenttype objects (dumpdata -e contenttypes?): " +
          std::to_string(types.size()) + " content types were created as `manage.py migrate` creates them on a "
          "fresh database (apps in this order: " + apps + "); ids in the original database may differ if its "
          "INSTALLED_APPS are in another order");
    }
    if (!seen("auth.permission")) {
      auto cts = db_.prepare("SELECT id, app_label, model FROM django_content_type ORDER BY id");
      if (!cts) return cts.error();
      auto ins = db_.prepare("INSERT INTO auth_permission (content_type_id, codename, name) VALUES (?, ?, ?)");
      if (!ins) return ins.error();
      std::int64_t n = 0;
      for (;;) {
        auto row = cts->step();
        if (!row) return row.error();
        if (*row == sql::StepResult::Done) break;
        std::string model = cts->column_text(2), verbose = verbose_name(cts->column_text(1), model);
        for (const char* action : {"add", "change", "delete", "view"}) {
          REDLINE_TRY(ins->bind_int(1, cts->column_int(0)));
          REDLINE_TRY(ins->bind_text(2, std::string(action) + "_" + model));
          REDLINE_TRY(ins->bind_text(3, std::string("Can ") + action + " " + verbose));
          auto st = ins->step();
          if (!st) return st.error();
          REDLINE_TRY(ins->reset());
          ++n;
        }
      }
      summary_.warnings.push_back("the file has no auth.permission objects (dumpdata -e auth.Permission?): " +
                                  std::to_string(n) + " permissions (add, change, delete, view per content type) "
                                  "were created as `manage.py migrate` creates them");
    }
    return ok_status();
  }

  bool fail_sql(const Error& e) {
    if (!error_) {
      error_ = e;
      error_->context += (error_->context.empty() ? "" : "; ") + context(obj_offset_, in_object_);
    }
    return false;
  }

  // ---- end of file ---------------------------------------------------------------

  // The end of the load: the last rows, Django's whole table set, each table's
  // indexes, sqlite_sequence. In parts, one table's indexes per part, so that the
  // page's slice stays short on large tables; finish() does it all at once.
  Result<bool> finish_part() {
    switch (finish_stage_) {
      case 0: {
        if (!flush_all()) return *error_;
        crm::Shape shape = shape_.value_or(crm::Shape::Before);
        // The loaded database has Django's table set, whatever the file held rows for.
        for (const auto& def : crm::tables(shape)) {
          auto t = create_table(&def);
          if (!t) return t.error();
        }
        for (auto& [name, t] : tables_) {
          t.ins.reset();  // the updates below need the tables unlocked
        }
        REDLINE_TRY(create_missing_types(shape));
        REDLINE_TRY(resolve_natural_keys());
        for (auto& [name, t] : tables_)
          for (std::size_t c = 0; c < t.dt.size(); ++c)
            if (t.dt[c] == kDtAll) dt_work_.push_back({name, t.def->columns[c].name, 0, 0});
        finish_table_ = tables_.begin();
        finish_stage_ = 1;
        return false;
      }
      case 1: {
        if (dt_next_ < dt_work_.size()) {
          REDLINE_TRY(convert_datetimes_part(dt_work_[dt_next_]));
          return false;
        }
        finish_stage_ = 2;
        return false;
      }
      case 2: {
        if (finish_table_ != tables_.end()) {
          Table& t = finish_table_->second;
          ++finish_table_;
          t.ins.reset();
          REDLINE_TRY(create_indexes(*t.def, /*unique=*/false));
          return false;
        }
        crm::Shape shape = shape_.value_or(crm::Shape::Before);
        std::vector<const char*> rebuilt(std::begin(kRebuiltBefore), std::end(kRebuiltBefore));
        if (shape == crm::Shape::After) rebuilt.insert(rebuilt.end(), std::begin(kRebuiltAfter), std::end(kRebuiltAfter));
        for (const char* t : rebuilt) {
          REDLINE_TRY(db_.exec("INSERT INTO sqlite_sequence (name, seq) SELECT " + sql::quote_literal(t) +
                               ", 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = " +
                               sql::quote_literal(t) + ")"));
        }
        summary_.warnings.push_back(
            "dumpdata does not carry django_migrations: the table is created empty, so the "
            "migration history of the original database is not known");
        if (!inferred_.empty()) {
          std::string list;
          for (const auto& i : inferred_) list += (list.empty() ? "" : "; ") + i;
          summary_.warnings.push_back("models outside the CRM were loaded into the tables Django names by default, "
                                      "columns inferred from the values (a foreign key given as a pk keeps its field's name): " +
                                      list);
        }
        if (!renamed_.empty()) {
          std::string list;
          for (const auto& a : renamed_) list += (list.empty() ? "" : ", ") + a;
          summary_.warnings.push_back("fields whose values are natural keys of one model are foreign keys to it: their "
                                      "columns are named <field>_id, as Django names them: " + list);
        }
        if (!added_.empty()) {
          std::string list;
          for (const auto& a : added_) list += (list.empty() ? "" : ", ") + a;
          summary_.warnings.push_back("fields the CRM's schema does not name were added as columns (NULL allowed, "
                                      "type from the values): " + list);
        }
        if (!dt_work_.empty()) {
          std::string list;
          for (const auto& w : dt_work_)
            list += (list.empty() ? "" : ", ") + w.table + "." + w.column + " (" + std::to_string(w.converted) + ")";
          summary_.warnings.push_back(
              "columns Redline inferred whose every value is a datetime as dumpdata writes one "
              "(\"2025-03-01T09:30:00Z\") were stored as Django stores datetimes, naive UTC "
              "\"YYYY-MM-DD HH:MM:SS[.ffffff]\": " + list);
        }
        if (naive_datetimes_ > 0) {
          summary_.warnings.push_back(std::to_string(naive_datetimes_) +
                                      " datetime value(s) had no time zone; they were taken as UTC");
        }
        finish_stage_ = 3;
        return true;
      }
      default: return true;
    }
  }
  // A column Redline inferred whose every value is a datetime as dumpdata writes
  // one: its values rewritten as Django's SQLite backend stores them (spec §1). The
  // column is only known to qualify once the whole file is in, so this is a pass
  // over the table at the end, kDtRows rows per call to keep the page's slices short.
  struct DtWork {
    std::string table, column;
    std::int64_t after_rowid;  // rows up to here are done
    std::int64_t converted;
  };
  Status convert_datetimes_part(DtWork& w) {
    constexpr int kDtRows = 2048;
    const std::string qt = sql::quote_ident(w.table), qc = sql::quote_ident(w.column);
    std::vector<std::pair<std::int64_t, std::string>> rows;
    {
      auto sel = db_.prepare("SELECT rowid, " + qc + " FROM " + qt + " WHERE rowid > ? AND " + qc +
                             " IS NOT NULL ORDER BY rowid LIMIT " + std::to_string(kDtRows));
      if (!sel) return sel.error();
      REDLINE_TRY(sel->bind_int(1, w.after_rowid));
      for (;;) {
        auto r = sel->step();
        if (!r) return r.error();
        if (*r == sql::StepResult::Done) break;
        rows.emplace_back(sel->column_int(0), sel->column_text(1));
      }
    }
    auto upd = db_.prepare("UPDATE " + qt + " SET " + qc + " = ? WHERE rowid = ?");
    if (!upd) return upd.error();
    for (const auto& [rowid, text] : rows) {
      bool naive = false;
      if (canonical_datetime(text, scratch_, naive) != nullptr)  // checked when loaded: cannot happen
        return make_error(ErrorCode::Internal, "a datetime checked at load no longer parses", w.table + "." + w.column);
      REDLINE_TRY(upd->bind_text(1, scratch_));
      REDLINE_TRY(upd->bind_int(2, rowid));
      auto r = upd->step();
      if (!r) return r.error();
      REDLINE_TRY(upd->reset());
    }
    w.converted += static_cast<std::int64_t>(rows.size());
    if (rows.size() < static_cast<std::size_t>(kDtRows)) ++dt_next_;
    else w.after_rowid = rows.back().first;
    return ok_status();
  }

  Status finish() {
    for (;;) {
      auto r = finish_part();
      if (!r) return r.error();
      if (*r) return ok_status();
    }
  }

  // Slicing (begin/step).
  static bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
  const char* skip_blank(const char* p) const {
    while (p != end_ && blank(*p)) ++p;
    return p;
  }
  // One past the '}' closing the object that starts at p, or null (not an object, or
  // the file ends first). Strings are skipped with their escapes.
  const char* object_end(const char* p) const {
    if (p == end_ || *p != '{') return nullptr;
    int depth = 0;
    while (p != end_) {
      char c = *p++;
      if (c == '"') {
        while (p < end_ && *p != '"') p += *p == '\\' ? 2 : 1;
        if (p >= end_) return nullptr;
        ++p;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) return p;
      }
    }
    return nullptr;
  }
  std::optional<sql::Savepoint> savepoint_;
  const char* scan_ = nullptr;
  const char* rest_ = nullptr;        // set: parse_rest(rest_, false) next (not a list)
  const char* batch_begin_ = nullptr; // the batch being parsed after a '[' of our own
  bool lines_ = false;                // a JSON Lines file, sliced by lines
  const char* line_begin_ = nullptr;  // the JSON Lines line being parsed
  const char* line_end_ = nullptr;
  bool list_closed_ = false;

  // Input.
  const char* begin_;
  const char* end_;
  const char* cursor_;  // advanced by TrackedIterator
  const std::string& name_;
  sql::Database& db_;
  LoadSummary& summary_;

  // Parse state.
  State state_ = State::Start;
  Key obj_key_ = Key::Other;
  int skip_depth_ = 0;
  bool in_object_ = false;
  std::int64_t obj_index_ = 0;
  std::size_t obj_offset_ = 0;
  std::size_t key_offset_ = 0;
  std::size_t model_offset_ = 0;  // where the current object's "model" key is
  std::size_t pk_offset_ = 0;

  // The current object.
  Value model_, pk_, discard_;
  bool has_model_ = false, has_pk_ = false, has_fields_ = false;
  std::vector<Field> fields_;
  std::size_t n_fields_ = 0;
  std::vector<Value> items_;  // list elements of many-to-many fields
  std::size_t n_items_ = 0;

  // Models and tables seen so far.
  std::unordered_map<std::string, Model> models_;      // by normalized label
  std::unordered_map<std::string, Model*> spellings_;  // each label as the file writes it
  std::string last_model_key_;
  Model* last_model_ = nullptr;
  std::map<std::string, Table, std::less<>> tables_;  // std::map: stable addresses
  int finish_stage_ = 0;                               // finish_part(): how far it got
  std::vector<DtWork> dt_work_;                        // finish_part(): datetime columns to convert
  std::size_t dt_next_ = 0;
  std::map<std::string, Table, std::less<>>::iterator finish_table_;
  std::optional<crm::Shape> shape_;
  std::string shape_model_;  // the model whose table decided the shape
  std::vector<Table*> provisional_;  // tables made before the shape was known

  std::deque<crm::TableDef> owned_defs_;     // tables inferred or grown (std::deque: stable addresses)
  std::deque<ManyToMany> inferred_m2m_;
  std::vector<std::string> inferred_, added_, renamed_;  // for the summary
  std::vector<NaturalRef> natural_;
  std::set<std::tuple<int, std::string, std::string>> natural_columns_;  // kind, table, column
  std::vector<NatSite> sites_;
  std::map<std::pair<std::string, std::string>, std::size_t> site_index_;
  std::map<const ManyToMany*, std::size_t> m2m_note_;  // an inferred junction's entry in inferred_
  std::set<std::string> apps_;
  std::vector<std::string> labels_;

  std::string scratch_;
  std::int64_t naive_datetimes_ = 0;
  std::optional<Error> error_;
  std::size_t error_at_ = 0;  // the byte offset error_ is about
};

}  // namespace

Status load_dumpdata(const std::vector<std::uint8_t>& bytes, const std::string& name, sql::Database& db,
                     LoadSummary& summary) {
  try {
    Loader loader(bytes, name, db, summary);
    return loader.run();
  } catch (const std::exception& e) {
    return thrown_error(e, name);
  }
}

Result<std::unique_ptr<SlicedLoader>> start_dumpdata(const std::vector<std::uint8_t>& bytes,
                                                     const std::string& name, sql::Database& db,
                                                     LoadSummary& summary) {
  return start_sliced<Loader>(bytes, name, db, summary, thrown_error);
}

}  // namespace redline::detail
