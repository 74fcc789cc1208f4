// Reading a diff back for people: a page of changed rows with their before/after
// values (read from each side's own connection by row id), the CSV export built on
// those pages, and the JSON summary of spec §5.
#include <sqlite3.h>

#include <algorithm>
#include <unordered_map>

#include "core/diff/diff.hpp"
#include "core/diff/diff_schema.hpp"

namespace redline::diff {

namespace {

constexpr std::size_t kCsvPage = 512;

std::string q(std::string_view ident) { return sql::quote_ident(ident); }

std::string hex_blob(const std::string& bytes) {
  static const char* digits = "0123456789ABCDEF";
  std::string out = "X'";
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out + "'";
}

std::string real_text(double r) {
  // SQLite's own rendering ("%!.15g": 1.0 keeps its ".0").
  char buf[64];
  sqlite3_snprintf(sizeof buf, buf, "%!.15g", r);
  return buf;
}

Value read_value(const sql::Statement& st, int i) {
  Value v;
  switch (st.column_type(i)) {
    case SQLITE_INTEGER:
      v.type = Value::Type::Integer;
      v.integer = st.column_int(i);
      break;
    case SQLITE_FLOAT:
      v.type = Value::Type::Real;
      v.real = st.column_double(i);
      // Keep SQLite's text of the real too: what the sqlite3 shell would show.
      v.bytes = st.column_text(i);
      break;
    case SQLITE_TEXT:
      v.type = Value::Type::Text;
      v.bytes = st.column_text(i);
      break;
    case SQLITE_BLOB: {
      v.type = Value::Type::Blob;
      auto b = st.column_blob(i);
      v.bytes.assign(b.begin(), b.end());
      break;
    }
    default: v.type = Value::Type::Null; break;
  }
  return v;
}

// The name that reaches a rowid table's rowid (see diff.cpp), given the side's
// column names.
std::string rowid_name(const TableDiff& t, bool before_side) {
  for (const char* n : {"rowid", "_rowid_", "oid"}) {
    bool taken = false;
    for (const auto& c : t.columns)
      if ((before_side ? c.in_before : c.in_after) && detail::same_ident(c.name, n)) taken = true;
    if (!taken) return n;
  }
  return "rowid";
}

// The values of rows `ids` (handles on that side) of one side of `t`: handle ->
// one Value per TableDiff::columns entry (Absent where the side lacks the column).
Result<std::unordered_map<std::int64_t, std::vector<Value>>> read_side(sql::Database& db, const TableDiff& t,
                                                                        bool before_side,
                                                                        const std::vector<std::int64_t>& ids) {
  std::unordered_map<std::int64_t, std::vector<Value>> rows;
  if (ids.empty()) return rows;
  const TableSide& side = before_side ? t.before : t.after;
  if (!side.present)
    return make_error(ErrorCode::Internal, "no " + std::string(before_side ? "before" : "after") + " side",
                      "table " + t.name);
  std::vector<std::size_t> cols;
  std::string select;
  for (std::size_t i = 0; i < t.columns.size(); ++i) {
    if (!(before_side ? t.columns[i].in_before : t.columns[i].in_after)) continue;
    cols.push_back(i);
    select += ", " + q(t.columns[i].name);
  }
  std::string list = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) list += (i ? "," : "") + std::to_string(ids[i]);
  list += "]";
  std::string from = "main." + q(side.name);
  std::string sql;
  // The id list travels as one JSON parameter, so a page has no size limit from
  // SQLite's host parameters.
  if (side.without_rowid) {
    std::string pk;
    for (const auto& k : side.primary_key) pk += (pk.empty() ? "" : ", ") + q(k);
    sql = "SELECT \"redline$h\"" + select + " FROM (SELECT row_number() OVER (ORDER BY " + pk +
          ") AS \"redline$h\", * FROM " + from + ") WHERE \"redline$h\" IN (SELECT value FROM json_each(?1))";
  } else {
    std::string h = t.key_kind == KeyKind::Rowid && !side.primary_key.empty() ? q(side.primary_key[0])
                                                                             : rowid_name(t, before_side);
    sql = "SELECT " + h + select + " FROM " + from + " WHERE " + h + " IN (SELECT value FROM json_each(?1))";
  }
  auto st = db.prepare(sql);
  if (!st) return st.error();
  REDLINE_TRY(st->bind_text(1, list));
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (*r == sql::StepResult::Done) break;
    std::vector<Value> values(t.columns.size());
    for (std::size_t k = 0; k < cols.size(); ++k) values[cols[k]] = read_value(*st, static_cast<int>(k) + 1);
    rows.emplace(st->column_int(0), std::move(values));
  }
  return rows;
}

bool needs_quotes(std::string_view s) { return s.find_first_of(",\"\r\n") != std::string_view::npos; }

std::string csv_field(std::string_view s, bool force_quotes = false) {
  if (!force_quotes && !needs_quotes(s)) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_value(const Value& v) {
  switch (v.type) {
    case Value::Type::Absent:
    case Value::Type::Null: return "";
    // An empty text is "" so that it differs from NULL (an empty field).
    case Value::Type::Text: return csv_field(v.bytes, v.bytes.empty());
    default: return csv_field(v.display());
  }
}

}  // namespace

// ---- Value -------------------------------------------------------------------------

std::string Value::display() const {
  switch (type) {
    case Type::Absent: return "";
    case Type::Null: return "NULL";
    case Type::Integer: return std::to_string(integer);
    case Type::Real: return bytes.empty() ? real_text(real) : bytes;
    case Type::Text: return bytes;
    case Type::Blob: return hex_blob(bytes);
  }
  return "";
}

std::string Value::sql_literal() const {
  switch (type) {
    case Type::Text: return sql::quote_literal(bytes);
    default: return display();
  }
}

bool Value::operator==(const Value& o) const {
  if (type != o.type) return false;
  switch (type) {
    case Type::Absent:
    case Type::Null: return true;
    case Type::Integer: return integer == o.integer;
    case Type::Real: return real == o.real;
    case Type::Text:
    case Type::Blob: return bytes == o.bytes;
  }
  return false;
}

// ---- fetch_rows ----------------------------------------------------------------------

Result<RowPage> fetch_rows(sql::Database& before, sql::Database& after, const TableDiff& table, RowChange kind,
                           std::size_t offset, std::size_t limit) {
  RowPage page;
  page.table = table.name;
  page.kind = kind;
  page.offset = offset;
  page.total = table.count(kind);
  if (offset >= page.total || limit == 0) return page;
  const std::size_t n = std::min(limit, page.total - offset);

  std::vector<std::int64_t> bids, aids;
  for (std::size_t i = offset; i < offset + n; ++i) {
    switch (kind) {
      case RowChange::Added: aids.push_back(table.added[i]); break;
      case RowChange::Removed: bids.push_back(table.removed[i]); break;
      case RowChange::Changed:
        bids.push_back(table.changed.before_id(i));
        aids.push_back(table.changed.after_id(i));
        break;
    }
  }
  auto bvals = read_side(before, table, true, bids);
  if (!bvals) return bvals.error();
  auto avals = read_side(after, table, false, aids);
  if (!avals) return avals.error();

  auto missing = [&](const char* side, std::int64_t id) {
    return make_error(ErrorCode::BadInput,
                      std::string("row ") + std::to_string(id) + " is no longer in the " + side +
                          " database: it changed after the diff",
                      "table " + table.name);
  };
  page.rows.reserve(n);
  for (std::size_t i = offset; i < offset + n; ++i) {
    RowEntry e;
    e.kind = kind;
    e.before.resize(table.columns.size());
    e.after.resize(table.columns.size());
    if (kind != RowChange::Added) {
      e.before_id = kind == RowChange::Removed ? table.removed[i] : table.changed.before_id(i);
      auto it = bvals->find(e.before_id);
      if (it == bvals->end()) return missing("before", e.before_id);
      e.before = it->second;
    }
    if (kind != RowChange::Removed) {
      e.after_id = kind == RowChange::Added ? table.added[i] : table.changed.after_id(i);
      auto it = avals->find(e.after_id);
      if (it == avals->end()) return missing("after", e.after_id);
      e.after = it->second;
    }
    if (kind == RowChange::Changed) e.changed_columns = table.changed.changed_columns(i);
    page.rows.push_back(std::move(e));
  }
  return page;
}

Result<RowPage> fetch_rows(sql::Database& before, sql::Database& after, const DiffResult& diff,
                           std::string_view table, RowChange kind, std::size_t offset, std::size_t limit) {
  const TableDiff* t = diff.table(table);
  if (!t) return make_error(ErrorCode::Usage, "no table " + std::string(table) + " in the diff");
  return fetch_rows(before, after, *t, kind, offset, limit);
}

std::string row_key_text(const TableDiff& table, const RowEntry& row) {
  const bool from_after = row.kind == RowChange::Added;
  const std::int64_t id = from_after ? row.after_id : row.before_id;
  if (table.key_kind == KeyKind::Rowid) return std::to_string(id);
  if (table.key_kind == KeyKind::None) return "#" + std::to_string(id);
  const std::vector<Value>& values = from_after ? row.after : row.before;
  std::vector<const Value*> key;
  for (std::size_t i = 0; i < table.columns.size() && i < values.size(); ++i)
    if (table.columns[i].key) key.push_back(&values[i]);
  if (key.size() == 1) return key[0]->display();
  std::string out = "(";
  for (std::size_t i = 0; i < key.size(); ++i) out += (i ? ", " : "") + key[i]->sql_literal();
  return out + ")";
}

// ---- CSV -----------------------------------------------------------------------------

Status export_csv(sql::Database& before, sql::Database& after, const TableDiff& table, const TextSink& sink) {
  std::string header = "change,key";
  for (const auto& c : table.columns) {
    header += ',';
    header += csv_field(c.name + " (before)");
    header += ',';
    header += csv_field(c.name + " (after)");
  }
  REDLINE_TRY(sink(header + "\r\n"));
  for (RowChange kind : {RowChange::Changed, RowChange::Added, RowChange::Removed}) {
    const std::size_t total = table.count(kind);
    for (std::size_t offset = 0; offset < total; offset += kCsvPage) {
      auto page = fetch_rows(before, after, table, kind, offset, kCsvPage);
      if (!page) return page.error();
      std::string chunk;
      for (const auto& row : page->rows) {
        chunk += to_string(kind);
        chunk += ",";
        chunk += csv_field(row_key_text(table, row));
        for (std::size_t i = 0; i < table.columns.size(); ++i) {
          chunk += ',';
          chunk += csv_value(row.before[i]);
          chunk += ',';
          chunk += csv_value(row.after[i]);
        }
        chunk += "\r\n";
      }
      REDLINE_TRY(sink(chunk));
    }
  }
  return ok_status();
}

Result<std::string> export_csv_string(sql::Database& before, sql::Database& after, const TableDiff& table) {
  std::string out;
  Status s = export_csv(before, after, table, [&](std::string_view piece) {
    out.append(piece);
    return ok_status();
  });
  if (!s) return s.error();
  return out;
}

// ---- JSON ----------------------------------------------------------------------------

Result<nlohmann::ordered_json> summary_json(const DiffResult& diff) {
  using nlohmann::ordered_json;
  try {
    ordered_json j;
    ordered_json tables = ordered_json::object();
    for (const auto& t : diff.tables) {
      tables[t.name] = ordered_json{{"added", t.added.size()},
                                    {"removed", t.removed.size()},
                                    {"changed", t.changed.size()},
                                    {"cells_changed", t.cells_changed}};
    }
    j["tables"] = std::move(tables);
    ordered_json schema = ordered_json::array();
    auto text_or_null = [](const std::string& s) { return s.empty() ? ordered_json(nullptr) : ordered_json(s); };
    for (const auto& c : diff.schema) {
      schema.push_back(ordered_json{{"kind", to_string(c.kind)},
                                    {"table", c.table},
                                    {"name", text_or_null(c.name)},
                                    {"before", text_or_null(c.before)},
                                    {"after", text_or_null(c.after)}});
    }
    j["schema"] = std::move(schema);
    return j;
  } catch (const std::exception& e) {
    return make_error(ErrorCode::Internal, std::string("cannot build the diff summary: ") + e.what());
  }
}

Result<std::string> summary_json_text(const DiffResult& diff, int indent) {
  auto j = summary_json(diff);
  if (!j) return j.error();
  try {
    return j->dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  } catch (const std::exception& e) {
    return make_error(ErrorCode::Internal, std::string("cannot write the diff summary: ") + e.what());
  }
}

}  // namespace redline::diff
