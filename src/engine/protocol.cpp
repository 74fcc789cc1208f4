// The protocol's JSON (protocol.hpp), both ways, and the diff summary.
//
// Writing is plain. Reading goes through In: a JSON value with its path in the message
// ("run.report.steps[2].ms"), so that JSON which is not what to_json writes gives an
// Error naming the field. Within this file a bad field throws FieldError (the readers
// nest six deep, and a Result at every field would bury their structure); each public
// *_from_json catches it, and anything nlohmann throws, and returns an Error. Nothing
// thrown leaves this file.
//
// Every string crosses as text(): a JSON string when it is valid UTF-8, otherwise
// {"base64": ...}, so the data's bytes (a Text value that is not UTF-8, a table name in
// Latin-1) come back identical and dumping never throws. Doubles cross as JSON numbers
// (nlohmann writes 17 significant digits: they parse back to the same double), the
// non-finite ones, which JSON cannot hold, as "inf", "-inf", "nan".
#include "engine/protocol.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

#include "core/diff/diff_schema.hpp"

namespace redline::engine {

using nlohmann::json;
using nlohmann::ordered_json;

// ---- The diff summary ------------------------------------------------------------

std::size_t TableSummary::count(diff::RowChange kind) const {
  switch (kind) {
    case diff::RowChange::Added: return added;
    case diff::RowChange::Removed: return removed;
    case diff::RowChange::Changed: return changed;
  }
  return 0;
}

diff::TableDiff TableSummary::shape() const {
  diff::TableDiff t;
  t.name = name;
  t.presence = presence;
  t.key_kind = key_kind;
  t.before = before;
  t.after = after;
  t.columns = columns;
  t.cells_changed = cells_changed;
  return t;
}

const TableSummary* DiffSummary::table(std::string_view name) const {
  for (const auto& t : tables)
    if (diff::detail::same_ident(t.name, name)) return &t;
  return nullptr;
}

DiffSummary summarize(const diff::DiffResult& d) {
  DiffSummary s;
  s.schema = d.schema;
  s.tables.reserve(d.tables.size());
  for (const diff::TableDiff& t : d.tables) {
    TableSummary ts;
    ts.name = t.name;
    ts.presence = t.presence;
    ts.key_kind = t.key_kind;
    ts.before = t.before;
    ts.after = t.after;
    ts.columns = t.columns;
    ts.added = t.added.size();
    ts.removed = t.removed.size();
    ts.changed = t.changed.size();
    ts.cells_changed = t.cells_changed;
    s.tables.push_back(std::move(ts));
  }
  return s;
}

namespace {

// ---- Text and numbers ------------------------------------------------------------

// UTF-8 as RFC 3629 has it (what nlohmann's dump accepts): no overlong forms, no
// surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (i + len > n || p[i + 1] < lo || p[i + 1] > hi) return false;
    for (std::size_t k = 2; k < len; ++k)
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return false;
    i += len;
  }
  return true;
}

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t{p[i]} << 16) | (std::uint32_t{p[i + 1]} << 8) | p[i + 2];
    out += kBase64[v >> 18];
    out += kBase64[(v >> 12) & 63];
    out += kBase64[(v >> 6) & 63];
    out += kBase64[v & 63];
  }
  if (i < in.size()) {
    const bool two = i + 1 < in.size();
    const std::uint32_t v = (std::uint32_t{p[i]} << 16) | (two ? std::uint32_t{p[i + 1]} << 8 : 0);
    out += kBase64[v >> 18];
    out += kBase64[(v >> 12) & 63];
    out += two ? kBase64[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// False when `in` is not base64 as base64() writes it.
bool unbase64(std::string_view in, std::string& out) {
  if (in.size() % 4) return false;
  out.clear();
  out.reserve(in.size() / 4 * 3);
  for (std::size_t i = 0; i < in.size(); i += 4) {
    std::uint32_t v = 0;
    int pad = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const char c = in[i + k];
      std::uint32_t d = 0;
      if (c == '=' && i + 4 == in.size() && k >= 2) {
        ++pad;
      } else if (pad) {
        return false;  // data after padding
      } else if (const char* f = c ? std::strchr(kBase64, c) : nullptr) {
        d = static_cast<std::uint32_t>(f - kBase64);
      } else {
        return false;
      }
      v = (v << 6) | d;
    }
    out += static_cast<char>(v >> 16);
    if (pad < 2) out += static_cast<char>((v >> 8) & 0xFF);
    if (pad < 1) out += static_cast<char>(v & 0xFF);
  }
  return true;
}

json text(std::string_view s) {
  if (valid_utf8(s)) return json(std::string(s));
  return json{{"base64", base64(s)}};
}

json number(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  return d;
}

// Free-form JSON of the core (a hazard's details, the report's options) keeps its key
// order as text; nlohmann::json would sort the keys.
json ordered_text(const ordered_json& j) { return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace); }

template <typename T>
json texts(const std::vector<T>& v) {
  json a = json::array();
  for (const auto& s : v) a.push_back(text(s));
  return a;
}

json counts(const std::map<std::string, std::int64_t>& m) {
  json a = json::array();
  for (const auto& [k, n] : m) a.push_back(json::array({text(k), n}));
  return a;
}

// ---- Reading ---------------------------------------------------------------------

struct FieldError {
  std::string path;
  std::string what;
};

class In {
 public:
  In(const json& j, std::string path) : j_(j), path_(std::move(path)) {}

  In operator[](const char* key) const {
    if (!j_.is_object()) fail(std::string("expected an object, found ") + j_.type_name());
    auto it = j_.find(key);
    std::string path = path_ + "." + key;
    if (it == j_.end()) throw FieldError{std::move(path), "missing"};
    return In(*it, std::move(path));
  }
  bool is_null() const { return j_.is_null(); }
  const json& raw() const { return j_; }

  std::string str() const {
    if (j_.is_string()) return j_.get<std::string>();
    if (j_.is_object() && j_.size() == 1 && j_.contains("base64")) {
      const json& b = j_["base64"];
      std::string out;
      if (b.is_string() && unbase64(b.get<std::string>(), out)) return out;
      fail("expected base64 text");
    }
    fail(std::string("expected a string, found ") + j_.type_name());
  }
  bool boolean() const {
    if (!j_.is_boolean()) fail(std::string("expected true or false, found ") + j_.type_name());
    return j_.get<bool>();
  }
  std::int64_t i64() const {
    if (j_.is_number_unsigned() && j_.get<std::uint64_t>() > std::uint64_t(std::numeric_limits<std::int64_t>::max()))
      fail("integer out of range");
    if (!j_.is_number_integer()) fail(std::string("expected an integer, found ") + j_.type_name());
    return j_.get<std::int64_t>();
  }
  std::uint64_t u64() const {
    if (!j_.is_number_unsigned()) {
      if (j_.is_number_integer()) fail("expected a count, found a negative number");
      fail(std::string("expected a count, found ") + j_.type_name());
    }
    return j_.get<std::uint64_t>();
  }
  std::size_t size() const {
    const std::uint64_t v = u64();
    if (v > std::numeric_limits<std::size_t>::max()) fail("count out of range");
    return static_cast<std::size_t>(v);
  }
  double real() const {
    if (j_.is_number()) return j_.get<double>();
    if (j_.is_string()) {
      const std::string s = j_.get<std::string>();
      if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
      if (s == "inf") return std::numeric_limits<double>::infinity();
      if (s == "-inf") return -std::numeric_limits<double>::infinity();
    }
    fail(std::string("expected a number, found ") + j_.type_name());
  }
  ordered_json ordered() const {
    const std::string s = str();
    ordered_json j = ordered_json::parse(s, nullptr, false);
    if (j.is_discarded()) fail("expected JSON text");
    return j;
  }
  // The elements of an array, each read by f.
  template <typename F>
  auto list(F f) const {
    if (!j_.is_array()) fail(std::string("expected an array, found ") + j_.type_name());
    std::vector<decltype(f(std::declval<In>()))> out;
    out.reserve(j_.size());
    for (std::size_t i = 0; i < j_.size(); ++i) out.push_back(f(at(i)));
    return out;
  }
  In at(std::size_t i) const {
    if (!j_.is_array() || i >= j_.size()) fail("expected an array of at least " + std::to_string(i + 1));
    return In(j_[i], path_ + "[" + std::to_string(i) + "]");
  }
  // An enum written by its to_string().
  template <typename E, std::size_t N>
  E named(const E (&all)[N], const char* (*name)(E)) const {
    const std::string s = str();
    for (E e : all)
      if (s == name(e)) return e;
    fail("unknown value '" + s + "'");
  }
  std::map<std::string, std::int64_t> counts() const {
    std::map<std::string, std::int64_t> m;
    for (auto& [k, n] : list([](const In& p) { return std::pair(p.at(0).str(), p.at(1).i64()); })) m[k] = n;
    return m;
  }
  std::vector<std::string> strs() const { return list([](const In& x) { return x.str(); }); }
  std::vector<std::int64_t> ids() const { return list([](const In& x) { return x.i64(); }); }
  std::vector<std::size_t> sizes() const { return list([](const In& x) { return x.size(); }); }

  [[noreturn]] void fail(std::string what) const { throw FieldError{path_, std::move(what)}; }

 private:
  const json& j_;
  std::string path_;
};

// Runs a reader on `j` (named `root` in messages); a field that is not right, and
// anything thrown, becomes an Error naming where.
template <typename F>
auto read(const json& j, const char* root, F f) -> Result<decltype(f(std::declval<In>()))> {
  using R = Result<decltype(f(std::declval<In>()))>;
  try {
    return f(In(j, root));
  } catch (const FieldError& e) {
    return R::failure(make_error(ErrorCode::BadInput, "a message between the page and its engine is not as expected: " + e.path +
                                               ": " + e.what,
                      e.path));
  } catch (const std::exception& e) {
    return R::failure(make_error(ErrorCode::BadInput,
                      std::string("a message between the page and its engine could not be read: ") + e.what(), root));
  }
}

// ---- Enums -----------------------------------------------------------------------

const ErrorCode kErrorCodes[] = {ErrorCode::Io,    ErrorCode::BadInput, ErrorCode::Unsupported, ErrorCode::Sqlite,
                                 ErrorCode::Usage, ErrorCode::Hazard,   ErrorCode::Cancelled,   ErrorCode::Internal};
const Format kFormats[] = {Format::Sqlite,   Format::SqliteDump, Format::PgDump, Format::DumpData,
                           Format::PgCustom, Format::Compressed, Format::Unknown};
const Severity kSeverities[] = {Severity::Info, Severity::Warning, Severity::Blocker};
const CheckStatus kCheckStatuses[] = {CheckStatus::Pass, CheckStatus::Fail, CheckStatus::Warn, CheckStatus::Manual};
const diff::RowChange kRowChanges[] = {diff::RowChange::Added, diff::RowChange::Removed, diff::RowChange::Changed};
const diff::KeyKind kKeyKinds[] = {diff::KeyKind::Rowid, diff::KeyKind::Columns, diff::KeyKind::None};
const diff::SchemaChangeKind kSchemaKinds[] = {
    diff::SchemaChangeKind::TableAdded,   diff::SchemaChangeKind::TableDropped,      diff::SchemaChangeKind::ColumnAdded,
    diff::SchemaChangeKind::ColumnDropped, diff::SchemaChangeKind::ColumnType,       diff::SchemaChangeKind::ColumnNullability,
    diff::SchemaChangeKind::PrimaryKey,   diff::SchemaChangeKind::IndexAdded,        diff::SchemaChangeKind::IndexDropped,
    diff::SchemaChangeKind::IndexChanged, diff::SchemaChangeKind::IndexRenamed};
const diff::TablePresence kPresences[] = {diff::TablePresence::Both, diff::TablePresence::AddedTable,
                                          diff::TablePresence::DroppedTable};
const char* presence_name(diff::TablePresence p) {
  switch (p) {
    case diff::TablePresence::Both: return "both";
    case diff::TablePresence::AddedTable: return "added";
    case diff::TablePresence::DroppedTable: return "dropped";
  }
  return "both";
}
const char* row_change_name(diff::RowChange k) { return diff::to_string(k); }
const char* key_kind_name(diff::KeyKind k) { return diff::to_string(k); }
const char* schema_kind_name(diff::SchemaChangeKind k) { return diff::to_string(k); }

// ---- Each struct -----------------------------------------------------------------

json put(const Error& e) { return {{"code", to_string(e.code)}, {"message", text(e.message)}, {"context", text(e.context)}}; }
Error get_error(const In& in) {
  return Error{in["code"].named(kErrorCodes, to_string), in["message"].str(), in["context"].str()};
}
json put(const std::optional<Error>& e) { return e ? put(*e) : json(nullptr); }
std::optional<Error> get_optional_error(const In& in) {
  if (in.is_null()) return std::nullopt;
  return get_error(in);
}

json put(const JobView& v) {
  return {{"active", v.active}, {"title", text(v.title)}, {"phase", text(v.phase)}, {"stage", text(v.stage)},
          {"fraction", number(v.fraction)}};
}
JobView get_job(const In& in) {
  JobView v;
  v.active = in["active"].boolean();
  v.title = in["title"].str();
  v.phase = in["phase"].str();
  v.stage = in["stage"].str();
  v.fraction = in["fraction"].real();
  return v;
}

json put(const LoadSummary& s) {
  return {{"name", text(s.name)},   {"format", format_name(s.format)},  {"tables", counts(s.tables)},
          {"skipped", counts(s.skipped)}, {"warnings", texts(s.warnings)}, {"wal", text(s.wal)},
          {"ms", number(s.ms)},     {"bytes", s.bytes},                 {"kind", text(s.kind)},
          {"recognition", text(s.recognition)}};
}
LoadSummary get_summary(const In& in) {
  LoadSummary s;
  s.name = in["name"].str();
  s.format = in["format"].named(kFormats, format_name);
  s.tables = in["tables"].counts();
  s.skipped = in["skipped"].counts();
  s.warnings = in["warnings"].strs();
  s.wal = in["wal"].str();
  s.ms = in["ms"].real();
  s.bytes = in["bytes"].u64();
  s.kind = in["kind"].str();
  s.recognition = in["recognition"].str();
  return s;
}

json put(const ReportInput& r) {
  return {{"name", text(r.name)}, {"format", text(r.format)}, {"sha256", text(r.sha256)}, {"tables", counts(r.tables)}};
}
ReportInput get_input(const In& in) {
  return ReportInput{in["name"].str(), in["format"].str(), in["sha256"].str(), in["tables"].counts()};
}

// A hazard's details (every affected row with its values: 130 KB for one hazard of a
// 300k-row snapshot, in the load's view and again in the run's report) stay in the
// worker: the UI draws the kind, message and ids, and the report's text and downloads
// come from the worker. Parsing them on the page's main thread was a long task.
json put(const Hazard& h) {
  return {{"kind", text(h.kind)}, {"severity", to_string(h.severity)}, {"table", text(h.table)},
          {"ids", h.ids},         {"message", text(h.message)}};
}
Hazard get_hazard(const In& in) {
  Hazard h;
  h.kind = in["kind"].str();
  h.severity = in["severity"].named(kSeverities, to_string);
  h.table = in["table"].str();
  h.ids = in["ids"].ids();
  h.message = in["message"].str();
  return h;
}
json put(const std::vector<Hazard>& hs) {
  json a = json::array();
  for (const auto& h : hs) a.push_back(put(h));
  return a;
}

json put(const LoadedView& v) {
  return {{"summary", put(v.summary)}, {"total_rows", v.total_rows}, {"is_demo", v.is_demo}, {"input", put(v.input)},
          {"hazards", put(v.hazards)}, {"preflight_error", put(v.preflight_error)}};
}
LoadedView get_loaded(const In& in) {
  LoadedView v;
  v.summary = get_summary(in["summary"]);
  v.total_rows = in["total_rows"].i64();
  v.is_demo = in["is_demo"].boolean();
  v.input = get_input(in["input"]);
  v.hazards = in["hazards"].list(get_hazard);
  v.preflight_error = get_optional_error(in["preflight_error"]);
  return v;
}

json put(const StepRecord& s) {
  return {{"id", text(s.id)}, {"title", text(s.title)}, {"status", text(s.status)}, {"sql", texts(s.sql)},
          {"rows_affected", s.rows_affected}, {"ms", number(s.ms)}, {"note", text(s.note)}};
}
StepRecord get_step(const In& in) {
  StepRecord s;
  s.id = in["id"].str();
  s.title = in["title"].str();
  s.status = in["status"].str();
  s.sql = in["sql"].strs();
  s.rows_affected = in["rows_affected"].i64();
  s.ms = in["ms"].real();
  s.note = in["note"].str();
  return s;
}

json put(const CarriedColumn& c) {
  return {{"table", text(c.table)}, {"column", text(c.column)}, {"type", text(c.type)}, {"not_null", c.not_null}};
}
CarriedColumn get_carried(const In& in) {
  return CarriedColumn{in["table"].str(), in["column"].str(), in["type"].str(), in["not_null"].boolean()};
}

json put(const Report& r) {
  json steps = json::array(), carried = json::array();
  for (const auto& s : r.steps) steps.push_back(put(s));
  for (const auto& c : r.carried) carried.push_back(put(c));
  return {{"input", put(r.input)},           {"options", ordered_text(r.options)}, {"hazards", put(r.hazards)},
          {"steps", std::move(steps)},       {"diff", ordered_text(r.diff)},       {"checks", ordered_text(r.checks)},
          {"carried", std::move(carried)},   {"status", text(r.status)},           {"error", put(r.error)},
          {"timings", r.timings}};
}
Report get_report(const In& in) {
  Report r;
  r.input = get_input(in["input"]);
  r.options = in["options"].ordered();
  r.hazards = in["hazards"].list(get_hazard);
  r.steps = in["steps"].list(get_step);
  r.diff = in["diff"].ordered();
  r.checks = in["checks"].ordered();
  r.carried = in["carried"].list(get_carried);
  r.status = in["status"].str();
  r.error = get_optional_error(in["error"]);
  r.timings = in["timings"].boolean();
  return r;
}

// Rows of a table behind an item: {table, count, ids}, without "ids" when they stay
// in the worker (the run's view: CheckIdsPage brings them).
json put(const CheckRows& r, bool with_ids) {
  json j = {{"table", text(r.table)}, {"count", r.ids.empty() ? r.count : r.ids.size()}};
  if (with_ids) j["ids"] = r.ids;
  return j;
}
CheckRows get_check_rows(const In& in) {
  CheckRows r{in["table"].str(), {}, in["count"].size()};
  if (in.raw().contains("ids")) {
    r.ids = in["ids"].ids();
    if (r.ids.size() != r.count) in["ids"].fail("expected " + std::to_string(r.count) + " ids");
  }
  return r;
}

// An item; `with_rows` false: its rows' ids and the lossless item's "lost" values stay
// behind (the run's view, RunView says why).
json put(const CheckItem& c, bool with_rows = true) {
  json rows = json::array();
  for (const auto& r : c.rows) rows.push_back(put(r, with_rows));
  ordered_json extra = c.extra;
  if (!with_rows) extra.erase("lost");
  return {{"id", text(c.id)},         {"group", text(c.group)}, {"title", text(c.title)},
          {"status", to_string(c.status)}, {"detail", text(c.detail)}, {"rows", std::move(rows)},
          {"extra", ordered_text(extra)}};
}
CheckItem get_check(const In& in) {
  CheckItem c;
  c.id = in["id"].str();
  c.group = in["group"].str();
  c.title = in["title"].str();
  c.status = in["status"].named(kCheckStatuses, to_string);
  c.detail = in["detail"].str();
  c.rows = in["rows"].list(get_check_rows);
  c.extra = in["extra"].ordered();
  return c;
}

json put(const diff::TableSide& s) {
  return {{"present", s.present},   {"name", text(s.name)}, {"without_rowid", s.without_rowid},
          {"primary_key", texts(s.primary_key)}, {"rows", s.rows}};
}
diff::TableSide get_side(const In& in) {
  diff::TableSide s;
  s.present = in["present"].boolean();
  s.name = in["name"].str();
  s.without_rowid = in["without_rowid"].boolean();
  s.primary_key = in["primary_key"].strs();
  s.rows = in["rows"].i64();
  return s;
}

json put(const diff::ColumnInfo& c) {
  return {{"name", text(c.name)}, {"in_before", c.in_before},           {"in_after", c.in_after},
          {"key", c.key},         {"before_type", text(c.before_type)}, {"after_type", text(c.after_type)}};
}
diff::ColumnInfo get_column(const In& in) {
  diff::ColumnInfo c;
  c.name = in["name"].str();
  c.in_before = in["in_before"].boolean();
  c.in_after = in["in_after"].boolean();
  c.key = in["key"].boolean();
  c.before_type = in["before_type"].str();
  c.after_type = in["after_type"].str();
  return c;
}

json put(const TableSummary& t) {
  json columns = json::array();
  for (const auto& c : t.columns) columns.push_back(put(c));
  return {{"name", text(t.name)},   {"presence", presence_name(t.presence)}, {"key_kind", diff::to_string(t.key_kind)},
          {"before", put(t.before)}, {"after", put(t.after)},                 {"columns", std::move(columns)},
          {"added", t.added},       {"removed", t.removed},                  {"changed", t.changed},
          {"cells_changed", t.cells_changed}};
}
TableSummary get_table(const In& in) {
  TableSummary t;
  t.name = in["name"].str();
  t.presence = in["presence"].named(kPresences, presence_name);
  t.key_kind = in["key_kind"].named(kKeyKinds, key_kind_name);
  t.before = get_side(in["before"]);
  t.after = get_side(in["after"]);
  t.columns = in["columns"].list(get_column);
  t.added = in["added"].size();
  t.removed = in["removed"].size();
  t.changed = in["changed"].size();
  t.cells_changed = in["cells_changed"].i64();
  return t;
}

json put(const diff::SchemaChange& c) {
  return {{"kind", diff::to_string(c.kind)}, {"table", text(c.table)}, {"name", text(c.name)},
          {"before", text(c.before)},        {"after", text(c.after)}};
}
diff::SchemaChange get_schema_change(const In& in) {
  diff::SchemaChange c;
  c.kind = in["kind"].named(kSchemaKinds, schema_kind_name);
  c.table = in["table"].str();
  c.name = in["name"].str();
  c.before = in["before"].str();
  c.after = in["after"].str();
  return c;
}

json put(const DiffSummary& d) {
  json schema = json::array(), tables = json::array();
  for (const auto& c : d.schema) schema.push_back(put(c));
  for (const auto& t : d.tables) tables.push_back(put(t));
  return {{"schema", std::move(schema)}, {"tables", std::move(tables)}};
}
DiffSummary get_diff(const In& in) {
  DiffSummary d;
  d.schema = in["schema"].list(get_schema_change);
  d.tables = in["tables"].list(get_table);
  return d;
}

// The report's checks are checks_json(v.checks) once the run is reviewed (fill_review):
// then they cross once, as the items without their rows' ids, and the UI makes the
// report's part from them (the run's view at 300k rows was 0.9 MB, a third of it the
// checklist twice, parsed on the page's main thread; then 400 KB, most of it the
// checklist's row ids and lost values).
json put(const RunView& v) {
  json checks = json::array();
  for (const auto& c : v.checks) checks.push_back(put(c, false));
  json report = put(v.report);
  // Its hazards without their ids, as without their details (49 KB at 300k rows): the UI
  // never draws the run's (the Hazards panel draws the load's, LoadedView).
  for (json& h : report["hazards"]) h["ids"] = json::array();
  const bool derived = !v.checks.empty() && v.report.checks == checks_json(v.checks);
  if (derived) report["checks"] = "[]";
  return {{"report", std::move(report)},
          {"report_checks_from_items", derived},
          {"diff", v.diff ? put(*v.diff) : json(nullptr)},
          {"ok", v.ok},
          {"reviewed", v.reviewed},
          {"checks", std::move(checks)},
          {"strict", v.strict}};
}
RunView get_run(const In& in) {
  RunView v;
  v.report = get_report(in["report"]);
  if (!in["diff"].is_null()) v.diff = std::make_shared<const DiffSummary>(get_diff(in["diff"]));
  v.ok = in["ok"].boolean();
  v.reviewed = in["reviewed"].boolean();
  v.checks = in["checks"].list(get_check);
  if (in["report_checks_from_items"].boolean()) v.report.checks = checks_json(v.checks);
  v.strict = in["strict"].boolean();
  return v;
}

// A value, compactly (a page is 256 rows of up to 60 columns, twice): NULL as null,
// an integer as a JSON integer, a finite real as a JSON number with a fraction or an
// exponent (nlohmann always writes one), text as text(), and the rest as objects.
json put(const diff::Value& v) {
  using T = diff::Value::Type;
  switch (v.type) {
    case T::Absent: return json{{"absent", true}};
    case T::Null: return nullptr;
    case T::Integer: return v.integer;
    case T::Real: return std::isfinite(v.real) ? json(v.real) : json{{"real", number(v.real)}};
    case T::Text: return text(v.bytes);
    case T::Blob: return json{{"blob", base64(v.bytes)}};
  }
  return nullptr;
}
diff::Value get_value(const In& in) {
  using T = diff::Value::Type;
  const json& j = in.raw();
  diff::Value v;
  if (j.is_null()) {
    v.type = T::Null;
  } else if (j.is_number_integer()) {
    v.type = T::Integer;
    v.integer = in.i64();
  } else if (j.is_number_float()) {
    v.type = T::Real;
    v.real = j.get<double>();
  } else if (j.is_object() && j.contains("absent")) {
    v.type = T::Absent;
  } else if (j.is_object() && j.contains("real")) {
    v.type = T::Real;
    v.real = in["real"].real();
  } else if (j.is_object() && j.contains("blob")) {
    v.type = T::Blob;
    if (!unbase64(in["blob"].str(), v.bytes)) in["blob"].fail("expected base64");
  } else {
    v.type = T::Text;
    v.bytes = in.str();
  }
  return v;
}

json put(const diff::RowEntry& r) {
  json before = json::array(), after = json::array();
  for (const auto& v : r.before) before.push_back(put(v));
  for (const auto& v : r.after) after.push_back(put(v));
  return {{"kind", diff::to_string(r.kind)}, {"before_id", r.before_id}, {"after_id", r.after_id},
          {"before", std::move(before)},     {"after", std::move(after)}, {"changed", r.changed_columns}};
}

diff::RowEntry get_entry(const In& in) {
  diff::RowEntry r;
  r.kind = in["kind"].named(kRowChanges, row_change_name);
  r.before_id = in["before_id"].i64();
  r.after_id = in["after_id"].i64();
  r.before = in["before"].list(get_value);
  r.after = in["after"].list(get_value);
  r.changed_columns = in["changed"].sizes();
  return r;
}

json put(const std::vector<diff::RowEntry>& rows) {
  json a = json::array();
  for (const auto& r : rows) a.push_back(put(r));
  return a;
}
json floats(const std::vector<float>& v) {
  json a = json::array();
  for (float f : v) a.push_back(number(f));
  return a;
}
std::vector<float> get_floats(const In& in) {
  return in.list([](const In& x) { return static_cast<float>(x.real()); });
}
}  // namespace

// ---- The public functions --------------------------------------------------------

json to_json(const Error& e) { return put(e); }
Result<Error> error_from_json(const json& j) { return read(j, "error", get_error); }
json to_json(const JobView& v) { return put(v); }
Result<JobView> job_from_json(const json& j) { return read(j, "job", get_job); }
json to_json(const LoadedView& v) { return put(v); }
Result<LoadedView> loaded_from_json(const json& j) { return read(j, "loaded", get_loaded); }
json to_json(const RunView& v) { return put(v); }
Result<RunView> run_from_json(const json& j) { return read(j, "run", get_run); }
json to_json(const DiffSummary& d) { return put(d); }
Result<DiffSummary> summary_from_json(const json& j) { return read(j, "diff", get_diff); }

const CheckRows* CheckIdsPage::table(std::string_view name) const {
  for (const auto& r : rows)
    if (r.table == name) return &r;
  return nullptr;
}

json to_json(const CheckIdsPage& p) {
  json rows = json::array();
  for (const auto& r : p.rows) {
    json j = put(r, true);
    j["count"] = r.count;  // the table's, of which `ids` is a page
    rows.push_back(std::move(j));
  }
  return {{"check", text(p.check)}, {"offset", p.offset}, {"limit", p.limit}, {"rows", std::move(rows)}};
}
Result<CheckIdsPage> check_ids_from_json(const json& j) {
  return read(j, "check_ids", [](const In& in) {
    CheckIdsPage p;
    p.check = in["check"].str();
    p.offset = in["offset"].size();
    p.limit = in["limit"].size();
    p.rows = in["rows"].list([](const In& r) { return CheckRows{r["table"].str(), r["ids"].ids(), r["count"].size()}; });
    return p;
  });
}

json to_json(const diff::RowPage& p) {
  return {{"table", text(p.table)}, {"kind", diff::to_string(p.kind)}, {"offset", p.offset},
          {"total", p.total},       {"rows", put(p.rows)}};
}
Result<diff::RowPage> page_from_json(const json& j) {
  return read(j, "page", [](const In& in) {
    diff::RowPage p;
    p.table = in["table"].str();
    p.kind = in["kind"].named(kRowChanges, row_change_name);
    p.offset = in["offset"].size();
    p.total = in["total"].size();
    p.rows = in["rows"].list(get_entry);
    return p;
  });
}

json to_json(const diff::SearchResult& r) {
  return {{"table", text(r.table)}, {"kind", diff::to_string(r.kind)}, {"query", text(r.query)},
          {"scanned", r.scanned},   {"total", r.total},                {"matches", r.matches},
          {"indices", r.indices},   {"rows", put(r.rows)},             {"done", r.done}};
}
Result<diff::SearchResult> search_from_json(const json& j) {
  return read(j, "search", [](const In& in) {
    diff::SearchResult r;
    r.table = in["table"].str();
    r.kind = in["kind"].named(kRowChanges, row_change_name);
    r.query = in["query"].str();
    r.scanned = in["scanned"].size();
    r.total = in["total"].size();
    r.matches = in["matches"].size();
    r.indices = in["indices"].sizes();
    r.rows = in["rows"].list(get_entry);
    r.done = in["done"].boolean();
    return r;
  });
}

json to_json(const diff::ChangeDensity& d) {
  return {{"table", text(d.table)},    {"lo", d.lo},
          {"hi", d.hi},                {"buckets", d.buckets},
          {"added", floats(d.added)},  {"removed", floats(d.removed)},
          {"changed", floats(d.changed)}};
}
Result<diff::ChangeDensity> density_from_json(const json& j) {
  return read(j, "density", [](const In& in) {
    diff::ChangeDensity d;
    d.table = in["table"].str();
    d.lo = in["lo"].i64();
    d.hi = in["hi"].i64();
    d.buckets = in["buckets"].size();
    d.added = get_floats(in["added"]);
    d.removed = get_floats(in["removed"]);
    d.changed = get_floats(in["changed"]);
    return d;
  });
}

json to_json(const VerifyView& v) {
  json mismatches = json::array();
  for (const auto& m : v.result.mismatches)
    mismatches.push_back({{"table", text(m.table)}, {"key", text(m.key)}, {"column", text(m.column)},
                          {"predicted", text(m.predicted)}, {"actual", text(m.actual)}});
  json checks = json::array();
  for (const auto& c : v.result.checks) checks.push_back(put(c));
  return {{"name", text(v.name)},
          {"error", v.error ? put(*v.error) : json(nullptr)},
          {"verified", v.verified()},
          {"equal", v.result.equal()},
          {"mismatch_count", v.result.mismatch_count},
          {"mismatches", std::move(mismatches)},
          {"checks", std::move(checks)}};
}
Result<VerifyView> verify_from_json(const json& j) {
  return read(j, "verify", [](const In& in) {
    VerifyView v;
    v.name = in["name"].str();
    if (!in["error"].is_null()) v.error = get_error(in["error"]);
    v.result.mismatch_count = in["mismatch_count"].i64();
    v.result.mismatches = in["mismatches"].list([](const In& m) {
      return Mismatch{m["table"].str(), m["key"].str(), m["column"].str(), m["predicted"].str(), m["actual"].str()};
    });
    v.result.checks = in["checks"].list(get_check);
    return v;
  });
}

json to_json(const RowsView& v) {
  json rows = json::array();
  for (const auto& r : v.rows) rows.push_back(texts(r));
  return {{"table", text(v.table)}, {"source", text(v.source)}, {"columns", texts(v.columns)},
          {"rows", std::move(rows)}, {"asked", v.asked}};
}
Result<RowsView> rows_from_json(const json& j) {
  return read(j, "rows", [](const In& in) {
    RowsView v;
    v.table = in["table"].str();
    v.source = in["source"].str();
    v.columns = in["columns"].strs();
    v.rows = in["rows"].list([](const In& r) { return r.strs(); });
    v.asked = in["asked"].size();
    return v;
  });
}

json to_json(const RowDetail& d) {
  json lines = json::array();
  for (const auto& l : d.lines) {
    lines.push_back({{"column", text(l.column)}, {"before", text(l.before)}, {"after", text(l.after)},
                     {"changed", l.changed}, {"moved", text(l.moved)}});
  }
  return {{"table", text(d.table)}, {"kind", diff::to_string(d.kind)}, {"before_id", d.before_id},
          {"after_id", d.after_id}, {"key", text(d.key)},              {"lines", std::move(lines)}};
}
Result<RowDetail> detail_from_json(const json& j) {
  return read(j, "detail", [](const In& in) {
    RowDetail d;
    d.table = in["table"].str();
    d.kind = in["kind"].named(kRowChanges, row_change_name);
    d.before_id = in["before_id"].i64();
    d.after_id = in["after_id"].i64();
    d.key = in["key"].str();
    d.lines = in["lines"].list([](const In& l) {
      return DetailLine{l["column"].str(), l["before"].str(), l["after"].str(), l["changed"].boolean(),
                        l["moved"].str()};
    });
    return d;
  });
}

json to_json(const RowLocation& l) {
  return {{"table", text(l.table)}, {"id", l.id},       {"any_kind", l.any_kind}, {"kind", diff::to_string(l.kind)},
          {"index", l.index},       {"found", l.found}};
}
Result<RowLocation> location_from_json(const json& j) {
  return read(j, "location", [](const In& in) {
    RowLocation l;
    l.table = in["table"].str();
    l.id = in["id"].i64();
    l.any_kind = in["any_kind"].boolean();
    l.kind = in["kind"].named(kRowChanges, row_change_name);
    l.index = in["index"].size();
    l.found = in["found"].boolean();
    return l;
  });
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

Result<json> parse(std::string_view text) {
  json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded()) {
    return make_error(ErrorCode::BadInput, "a message between the page and its engine is not JSON",
                      std::to_string(text.size()) + " bytes");
  }
  return j;
}

}  // namespace redline::engine
