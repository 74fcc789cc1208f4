// The Django dumpdata JSON loader: streams a list of {"model", "pk", "fields"}
// objects through nlohmann/json's SAX interface (one object in memory at a time,
// plus a short batch of rows per table waiting for SQLite) into the CRM's tables,
// created with the exact DDL Django uses on SQLite, writing values as Django's
// SQLite backend would (spec §1, canonical form). Every error names the file, the
// byte offset (with line and column) and the object (index, model, pk).
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <limits>
#include <map>
#include <new>
#include <optional>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "core/crm_schema.hpp"
#include "core/load/dumpdata_models.hpp"
#include "core/load/dumpdata_values.hpp"
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

// What the sliced load says when the file is not laid out for it (or it failed): the
// caller, LoadJob, then loads the file in one piece, whose message is the reference.
Error loaded_in_one_piece(const std::string& name) {
  return make_error(ErrorCode::Unsupported, "the file is loaded in one piece", name + ", format: dumpdata");
}

// Iterates '[' + the bytes [*cursor, stop) + ']': a batch of the file's top-level
// objects handed to nlohmann as a list of its own, so that parsing can stop between
// batches (nlohmann's SAX parser cannot pause). The position is the handler's cursor,
// as with TrackedIterator; copies share it.
struct BatchInput {
  const char** cursor = nullptr;
  const char* stop = nullptr;
  int phase = 0;  // 0: at '[', 1: in the bytes, 2: at ']', 3: past the end
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
    if (in_->phase == 1) {
      if (++*in_->cursor == in_->stop) in_->phase = 2;
    } else if (in_->phase == 0) {
      in_->phase = *in_->cursor == in_->stop ? 2 : 1;
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
enum class VType : std::uint8_t { Null, Bool, Int, Uint, Float, String, List };

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
  const ModelInfo* info = nullptr;
  struct Table* table = nullptr;  // set by the model's first object
  bool skipped = false;
};

// A value waiting in a table's batch, already in the form SQLite gets.
struct Param {
  enum class Kind : std::uint8_t { Null, Int, Text };
  Kind kind = Kind::Null;
  std::int64_t i = 0;             // Int
  std::size_t off = 0, len = 0;   // Text: a range of Table::text
};

// The object a waiting row came from, to name it if SQLite refuses the row.
struct RowOrigin {
  std::int64_t obj_index = 0;
  std::size_t offset = 0;
  std::int64_t pk = 0;
  const Model* model = nullptr;
  const ManyToMany* m2m = nullptr;  // a junction row: owner pk, then target
  std::int64_t target = 0;
};

// Rows go to SQLite kBatch at a time, in one multi-row INSERT: an INSERT into an
// AUTOINCREMENT table reads and writes sqlite_sequence once per statement, which
// one-row statements paid for every row.
constexpr std::size_t kBatch = 32;

struct Table {
  const crm::TableDef* def = nullptr;
  std::vector<ColumnKind> kinds;  // per column of def
  int id_column = -1;
  sql::Statement insert;          // one row, every column in def order
  sql::Statement batch;           // kBatch rows (prepared when first needed)
  std::vector<Slot> slots;        // in the field order of the model's first object
  std::int64_t next_id = 1;       // junction tables: Django's numbering 1..
  // The batch being filled.
  std::vector<Param> params;      // rows x columns
  std::string text;               // the text values of params
  std::vector<RowOrigin> origins; // one per row
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
    case VType::List: return "list";
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
    if (const void* nul = end_ == begin_ ? nullptr : std::memchr(begin_, '\0', static_cast<std::size_t>(end_ - begin_))) {
      std::size_t at = static_cast<std::size_t>(static_cast<const char*>(nul) - begin_);
      return make_error(ErrorCode::BadInput,
                        "NUL byte in the file: JSON text never contains one (binary or corrupt file?)",
                        where(at));
    }
    const char* end_pos = end_;
    bool parsed = json::sax_parse(TrackedIterator(&cursor_), TrackedIterator(&end_pos), this,
                                  json::input_format_t::json, /*strict=*/true);
    if (error_) {
      // Rows still waiting in batches come before the error in the file: if SQLite
      // refuses one of them, that is the first problem (row_failed keeps the earliest).
      (void)flush_all();
      return *error_;
    }
    if (!parsed || state_ != State::Done) {
      return make_error(ErrorCode::Internal, "the JSON parser stopped without saying why",
                        context(offset(), false));
    }
    REDLINE_TRY(finish());
    if (error_) return *error_;
    return sp->release();
  }

  // The same load in slices (LoadJob). Only a file laid out as dumpdata writes it
  // (optional blanks, '[', objects separated by commas, ']') is sliced; anything else,
  // and every error, is reported as an error here, and the caller loads the file
  // again with run(), whose messages (line, byte offset) are the reference.
  Status begin() {
    auto sp = sql::Savepoint::begin(db_, "redline_dumpdata");
    if (!sp) return sp.error();
    savepoint_.emplace(std::move(sp.value()));
    if (end_ != begin_ && std::memchr(begin_, '\0', static_cast<std::size_t>(end_ - begin_))) return not_sliceable();
    scan_ = skip_blank(begin_);
    if (scan_ == end_ || *scan_ != '[') return not_sliceable();
    scan_ = skip_blank(scan_ + 1);
    if (scan_ != end_ && *scan_ == ']') {
      list_closed_ = true;
      if (skip_blank(scan_ + 1) != end_) return not_sliceable();
    }
    return ok_status();
  }

  Result<bool> step(std::chrono::steady_clock::time_point deadline) {
    constexpr std::size_t kBatchBytes = 64 << 10;
    while (!list_closed_) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      // scan_ is at the '{' of the next object; take objects up to kBatchBytes.
      const char* first = scan_;
      const char* last_end = nullptr;
      while (!list_closed_ && (last_end == nullptr || last_end - first < static_cast<std::ptrdiff_t>(kBatchBytes))) {
        const char* e = object_end(scan_);
        if (!e) return not_sliceable();
        last_end = e;
        const char* q = skip_blank(e);
        if (q == end_) return not_sliceable();
        if (*q == ']') {
          if (skip_blank(q + 1) != end_) return not_sliceable();
          list_closed_ = true;
        } else if (*q == ',') {
          scan_ = skip_blank(q + 1);
        } else {
          return not_sliceable();
        }
      }
      cursor_ = first;
      BatchInput in{&cursor_, last_end, 0};
      BatchInput done{&cursor_, last_end, 3};
      state_ = State::Start;
      bool parsed = json::sax_parse(BatchIterator(&in), BatchIterator(&done), this, json::input_format_t::json,
                                    /*strict=*/true);
      if (error_ || !parsed || state_ != State::Done) return not_sliceable();
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
    return !error_;
  }
  bool boolean(bool b) {
    Value* v = scalar("boolean");
    if (v) {
      v->type = VType::Bool;
      v->b = b;
    }
    return !error_;
  }
  bool number_integer(json::number_integer_t i) {
    Value* v = scalar("number");
    if (v) {
      v->type = VType::Int;
      v->i = i;
    }
    return !error_;
  }
  bool number_unsigned(json::number_unsigned_t u) {
    Value* v = scalar("number");
    if (v) {
      v->type = VType::Uint;
      v->u = u;
    }
    return !error_;
  }
  bool number_float(json::number_float_t, const json::string_t& raw) {
    Value* v = scalar("number");
    if (v) {
      v->type = VType::Float;
      v->text = raw;
    }
    return !error_;
  }
  bool string(json::string_t& s) {
    Value* v = scalar("string");
    if (v) {
      v->type = VType::String;
      // nlohmann hands over its token buffer, which it clears before reuse:
      // swapping buffers avoids a copy per string.
      v->text.swap(s);
    }
    return !error_;
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
        return fail("field '" + shown(current_field().name) +
                        "' holds a list with an object in it; expected a list of pks",
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
      case State::FieldList:
        return fail("field '" + shown(current_field().name) +
                        "' holds a list of lists: natural keys (dumpdata --natural-foreign) "
                        "are not supported; dump with plain pks",
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
    std::string what = ex.what();
    // "[json.exception.parse_error.101] parse error at line 3, column 5: DETAIL"
    if (auto p = what.find("parse error"); p != std::string::npos) {
      if (auto colon = what.find(": ", p); colon != std::string::npos) what = what.substr(colon + 2);
    }
    what = ascii_only(what);
    std::string message;
    // An error at the very end of the input is a file cut short, whatever the
    // parser was in the middle of (a string, a list, a number).
    if (at >= size) {
      message = "the file ends in the middle of the JSON (truncated?): " + what;
    } else if (what.find("UTF-8") != std::string::npos) {
      message = "invalid UTF-8 in a JSON string: " + what;
    } else {
      message = "JSON syntax error: " + what;
    }
    return fail(std::move(message), at, in_object_);
  }

 private:
  enum class State { Start, List, Object, Fields, FieldList, Skip, Done };
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
      case State::Skip: return &discard_;
      case State::Done: break;
    }
    fail("unexpected JSON after the end of the list", offset(), false);
    return nullptr;
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
    std::string cols, params;
    for (std::size_t i = 0; i < def->columns.size(); ++i) {
      const auto& c = def->columns[i];
      t.kinds.push_back(column_kind(c.type));
      if (c.name == "id") t.id_column = static_cast<int>(i);
      cols += (i ? ", " : "") + sql::quote_ident(c.name);
      params += (i ? ", ?" : "?");
    }
    auto st = db_.prepare("INSERT INTO " + sql::quote_ident(def->name) + " (" + cols + ") VALUES (" +
                          params + ")");
    if (!st) return st.error();
    t.insert = std::move(st.value());
    t.batch = sql::Statement();
    return ok_status();
  }

  Status prepare_batch(Table& t) {
    std::string cols, row, rows;
    for (std::size_t i = 0; i < t.def->columns.size(); ++i) {
      cols += (i ? ", " : "") + sql::quote_ident(t.def->columns[i].name);
      row += (i ? ", ?" : "(?");
    }
    row += ")";
    for (std::size_t r = 0; r < kBatch; ++r) rows += (r ? ", " : "") + row;
    auto st = db_.prepare("INSERT INTO " + sql::quote_ident(t.def->name) + " (" + cols + ") VALUES " + rows);
    if (!st) return st.error();
    t.batch = std::move(st.value());
    return ok_status();
  }

  // ---- batches -----------------------------------------------------------------

  // A new row of `t`, all NULL; returns its first parameter.
  Param* begin_row(Table& t, const RowOrigin& origin) {
    t.origins.push_back(origin);
    std::size_t base = t.params.size();
    t.params.resize(base + t.kinds.size());
    return &t.params[base];
  }

  static void set_int(Param* row, int column, std::int64_t v) {
    row[column].kind = Param::Kind::Int;
    row[column].i = v;
  }

  static void set_text(Table& t, Param* row, int column, std::string_view v) {
    row[column].kind = Param::Kind::Text;
    row[column].off = t.text.size();
    row[column].len = v.size();
    t.text.append(v);
  }

  bool end_row(Table& t) { return t.origins.size() < kBatch || flush(t); }

  void bind_row(Table& t, sqlite3_stmt* st, std::size_t row, int first_param) {
    std::size_t n = t.kinds.size();
    for (std::size_t c = 0; c < n; ++c) {
      const Param& p = t.params[row * n + c];
      int i = first_param + static_cast<int>(c);
      // The batch's text outlives the statement's step: no copy needed.
      if (p.kind == Param::Kind::Int) sqlite3_bind_int64(st, i, p.i);
      else if (p.kind == Param::Kind::Text)
        sqlite3_bind_text64(st, i, t.text.data() + p.off, p.len, SQLITE_STATIC, SQLITE_UTF8);
      else sqlite3_bind_null(st, i);
    }
  }

  // Send the waiting rows of `t` to SQLite: all at once when the batch is full;
  // one by one for a partial batch, or to find the row SQLite refused the batch for
  // (a failed statement leaves no row behind).
  bool flush(Table& t) {
    std::size_t rows = t.origins.size();
    if (rows == 0) return true;
    bool done = false;
    if (rows == kBatch) {
      if (!t.batch.handle()) {
        auto r = prepare_batch(t);
        if (!r) return fail_sql(r.error());
      }
      sqlite3_stmt* st = t.batch.handle();
      for (std::size_t r = 0; r < rows; ++r) bind_row(t, st, r, static_cast<int>(r * t.kinds.size()) + 1);
      done = sqlite3_step(st) == SQLITE_DONE;
      sqlite3_reset(st);
    }
    bool ok = true;
    if (!done) {
      sqlite3_stmt* st = t.insert.handle();
      for (std::size_t r = 0; r < rows && ok; ++r) {
        bind_row(t, st, r, 1);
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) ok = row_failed(t, t.origins[r]);
      }
    }
    // The rows are used up either way: a failed batch is never sent again.
    t.params.clear();
    t.text.clear();
    t.origins.clear();
    return ok;
  }

  bool flush_all() {
    bool ok = true;
    for (auto& [name, t] : tables_) ok = flush(t) && ok;  // every table: the earliest failure wins
    return ok;
  }

  bool row_failed(const Table& t, const RowOrigin& o) {
    std::string what = o.model->label + " pk " + std::to_string(o.pk);
    if (o.m2m) what += ": " + std::string(o.m2m->field) + " " + std::to_string(o.target);
    std::string message = what + " cannot be stored in " + t.def->name + ": " + sqlite3_errmsg(db_.handle());
    std::string context = where(o.offset) + object_part(o.obj_index, "model " + o.model->label + ", pk " +
                                                                         std::to_string(o.pk));
    // Rows wait in batches, so a later object may have failed first: the earliest
    // problem in the file is the one reported.
    if (!error_ || o.offset < error_at_) {
      error_ = make_error(ErrorCode::BadInput, std::move(message), std::move(context));
      error_at_ = o.offset;
    }
    return false;
  }

  // Recreate table `t` with the definition of the other shape, keeping its rows: for
  // a table whose fields fit both shapes, loaded before the file showed its shape.
  Status rebuild(Table& t, const crm::TableDef* def) {
    if (!flush(t)) return *error_;
    std::string name = sql::quote_ident(def->name);
    std::string cols;
    for (const auto& c : def->columns) cols += (cols.empty() ? "" : ", ") + sql::quote_ident(c.name);
    t.insert = sql::Statement();  // a prepared statement would keep the table locked
    t.batch = sql::Statement();
    REDLINE_TRY(db_.exec("CREATE TEMP TABLE redline_stash AS SELECT * FROM " + name + "; DROP TABLE " + name));
    REDLINE_TRY(db_.exec(def->create_sql));
    REDLINE_TRY(create_indexes(*def, /*unique=*/true));
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
    const crm::TableDef* before = crm::find_table(crm::Shape::Before, m.info->table);
    const crm::TableDef* after = crm::find_table(crm::Shape::After, m.info->table);
    std::vector<std::string> columns{"id"};
    for (std::size_t i = 0; i < n_fields_; ++i) {
      const std::string& f = fields_[i].name;
      if (m.info->find_m2m(f)) continue;
      std::string c = column_for(f, before, after);
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
    // Slots in this object's field order: later objects of the model normally list
    // their fields in the same order, so lookups hit on the first try.
    for (std::size_t i = 0; i < n_fields_; ++i) (void)find_slot(*m.table, m, fields_[i].name, i);
    return true;
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

  // The slot of field `name` in table `t`, created on first sight; nullptr if the
  // name is not a column (nor a many-to-many field) of the table.
  const Slot* find_slot(Table& t, const Model& m, const std::string& name, std::size_t position) {
    if (position < t.slots.size() && t.slots[position].field == name) return &t.slots[position];
    for (const auto& s : t.slots)
      if (s.field == name) return &s;
    Slot s;
    s.field = name;
    if ((s.m2m = m.info->find_m2m(name)) == nullptr) {
      std::string c = column_for(name, t.def, nullptr);
      const auto& cols = t.def->columns;
      for (std::size_t i = 0; i < cols.size(); ++i)
        if (cols[i].name == c) s.column = static_cast<int>(i);
      if (s.column < 0) return nullptr;
    }
    t.slots.push_back(std::move(s));
    return &t.slots.back();
  }

  // ---- objects -----------------------------------------------------------------

  Model* model_of(const std::string& label) {
    if (last_model_ && last_model_key_ == label) return last_model_;
    auto it = models_.find(label);
    if (it == models_.end()) {
      Model m;
      m.label = normalize_label(label);
      m.info = find_model(m.label);
      m.skipped = is_skipped_model(m.label);
      if (!m.info && !m.skipped) {
        fail("unknown model \"" + shown(label) +
                 "\": not a model of the CRM (crmApp.*, auth.permission, auth.group, "
                 "contenttypes.contenttype)",
             model_offset_);
        return nullptr;
      }
      it = models_.emplace(label, std::move(m)).first;
    }
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
    if (m->skipped) {
      ++summary_.skipped[m->label];
      return true;
    }
    if (!has_fields_) return fail("the object has no \"fields\"", obj_offset_);
    std::int64_t pk = 0;
    if (!has_pk_ || pk_.type == VType::Null)
      return fail("the object has no \"pk\" (natural primary keys, dumpdata --natural-primary, "
                  "are not supported)",
                  obj_offset_);
    if (!integer_of(pk_, pk))
      return fail("\"pk\" is " + describe(pk_) + ", not an integer id", pk_offset_);
    if (!m->table && !init_model_table(*m)) return false;
    Table& t = *m->table;

    Param* row = begin_row(t, RowOrigin{obj_index_, obj_offset_, pk, m, nullptr, 0});
    set_int(row, t.id_column, pk);
    bool has_m2m = false;
    if (!fill_row(t, row, *m, has_m2m)) {
      // Drop the half-made row, so that flushing after the error cannot store it.
      t.origins.pop_back();
      t.params.resize(t.params.size() - t.kinds.size());
      return false;
    }
    if (!end_row(t)) return false;
    if (has_m2m && !store_m2m(t, *m, pk)) return false;
    return true;
  }

  bool fill_row(Table& t, Param* row, const Model& m, bool& has_m2m) {
    for (std::size_t i = 0; i < n_fields_; ++i) {
      const Field& f = fields_[i];
      const Slot* s = find_slot(t, m, f.name, i);
      if (!s) {
        return fail("field '" + shown(f.name) + "' of " + m.label + " is not a column of table " + t.def->name,
                    f.offset);
      }
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
      msg += "; a list where a single value belongs (natural keys are not supported)";
    return fail(std::move(msg), f.offset);
  }

  // Set one field as Django's SQLite backend would write it to this column.
  bool bind(Table& t, Param* row, int column, const Field& f, const Model& m) {
    const Value& v = f.value;
    if (v.type == VType::Null) return true;  // rows start all NULL
    switch (t.kinds[static_cast<std::size_t>(column)]) {
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
        set_text(t, row, column, scratch_);
        return true;
      }
      case ColumnKind::Date: {
        if (v.type != VType::String) return bad_value(f, m, "a date string such as \"2023-07-23\"");
        if (const char* why = canonical_date(v.text, scratch_))
          return bad_value(f, m, "a date such as \"2023-07-23\"", why);
        set_text(t, row, column, scratch_);
        return true;
      }
      case ColumnKind::Decimal: {
        // Django writes decimals as text ("123421.30"); the column's NUMERIC
        // affinity turns it into 123421.3 (REAL) or 5000 (INTEGER) exactly as it does
        // for Django, so the text is handed over unchanged.
        if (v.type == VType::String) {
          if (!is_decimal_literal(v.text)) return bad_value(f, m, "a decimal number such as \"123.45\"");
          set_text(t, row, column, v.text);
        } else if (v.type == VType::Int) {
          set_int(row, column, v.i);
        } else if (v.type == VType::Uint) {
          set_text(t, row, column, std::to_string(v.u));
        } else if (v.type == VType::Float) {
          set_text(t, row, column, v.text);
        } else {
          return bad_value(f, m, "a decimal number such as \"123.45\"");
        }
        return true;
      }
      case ColumnKind::Text: {
        if (v.type == VType::String) set_text(t, row, column, v.text);
        // CharField.to_python(5) is "5".
        else if (v.type == VType::Int) set_text(t, row, column, std::to_string(v.i));
        else if (v.type == VType::Uint) set_text(t, row, column, std::to_string(v.u));
        else return bad_value(f, m, "a string");
        return true;
      }
    }
    return true;
  }

  bool store_m2m(Table& owner, const Model& m, std::int64_t pk) {
    for (std::size_t i = 0; i < n_fields_; ++i) {
      const Field& f = fields_[i];
      const Slot* s = find_slot(owner, m, f.name, i);
      if (!s || !s->m2m) continue;
      if (f.value.type != VType::List) return bad_value(f, m, "a list of pks");
      auto jt = create_table(def_for(s->m2m->table));
      if (!jt) return fail_sql(jt.error());
      Table& j = *jt.value();
      int owner_col = -1, target_col = -1;
      for (std::size_t c = 0; c < j.def->columns.size(); ++c) {
        if (j.def->columns[c].name == s->m2m->owner_column) owner_col = static_cast<int>(c);
        if (j.def->columns[c].name == s->m2m->target_column) target_col = static_cast<int>(c);
      }
      for (std::size_t k = f.value.list_begin; k < f.value.list_end; ++k) {
        std::int64_t target;
        if (!integer_of(items_[k], target)) {
          return fail("field '" + shown(f.name) + "' of " + m.label + ": expected a list of pks, found " +
                          describe(items_[k]) + " in it",
                      f.offset);
        }
        Param* row = begin_row(j, RowOrigin{obj_index_, f.offset, pk, &m, s->m2m, target});
        set_int(row, j.id_column, j.next_id++);
        set_int(row, owner_col, pk);
        set_int(row, target_col, target);
        if (!end_row(j)) return false;
      }
    }
    return true;
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
        finish_table_ = tables_.begin();
        finish_stage_ = 1;
        return false;
      }
      case 1: {
        if (finish_table_ != tables_.end()) {
          Table& t = finish_table_->second;
          ++finish_table_;
          t.insert = sql::Statement();
          t.batch = sql::Statement();
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
        if (naive_datetimes_ > 0) {
          summary_.warnings.push_back(std::to_string(naive_datetimes_) +
                                      " datetime value(s) had no time zone; they were taken as UTC");
        }
        finish_stage_ = 2;
        return true;
      }
      default: return true;
    }
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
  Error not_sliceable() const { return loaded_in_one_piece(name_); }
  std::optional<sql::Savepoint> savepoint_;
  const char* scan_ = nullptr;
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
  std::unordered_map<std::string, Model> models_;
  std::string last_model_key_;
  Model* last_model_ = nullptr;
  std::map<std::string, Table, std::less<>> tables_;  // std::map: stable addresses
  int finish_stage_ = 0;                               // finish_part(): how far it got
  std::map<std::string, Table, std::less<>>::iterator finish_table_;
  std::optional<crm::Shape> shape_;
  std::string shape_model_;  // the model whose table decided the shape
  std::vector<Table*> provisional_;  // tables made before the shape was known

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
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::Io, "out of memory while loading the dumpdata file",
                      name + ", format: dumpdata");
  } catch (const std::exception& e) {
    return make_error(ErrorCode::Internal, std::string("unexpected failure loading dumpdata: ") + e.what(),
                      name + ", format: dumpdata");
  }
}

Result<std::unique_ptr<SlicedLoader>> start_dumpdata(const std::vector<std::uint8_t>& bytes,
                                                     const std::string& name, sql::Database& db,
                                                     LoadSummary& summary) {
  // What throws here is left to the blocking loader, which says exactly what failed.
  return start_sliced<Loader>(bytes, name, db, summary,
                              [](const std::exception&, const std::string& n) { return loaded_in_one_piece(n); });
}

}  // namespace redline::detail
