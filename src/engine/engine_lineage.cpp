// The engine's answers about single rows of the last run's diff, between frames: one
// row's detail (its values, and where the normalization moved them, from Moves) and
// where a row is in a table's lists of changes. The UI holds neither the diff's row
// ids nor the moves; it asks for these by request.
//
// Lineage (issue #15): one row of ANY table of the last run, before or after, with
// per column where its value lives now (or that it was lost, and why) or where it
// came from: also for tables whose only change is columns dropped (customers,
// vendors, leads, organizations), which have no rows in the diff.
#include <algorithm>
#include <cctype>

#include "core/sqlite.hpp"
#include "engine/engine.hpp"

namespace redline::engine {

namespace {

// The ids of one kind of change of `t`, ascending: the order pages and searches use.
const std::vector<std::int64_t>& kind_ids(const diff::TableDiff& t, diff::RowChange k) {
  return k == diff::RowChange::Added ? t.added : k == diff::RowChange::Removed ? t.removed : t.changed.before_ids;
}

std::string shown_value(const diff::Value& v) { return v.type == diff::Value::Type::Absent ? "(none)" : v.display(); }

// Per column of `row`, its before and after and where its value went (or came from);
// what changed or moved first, since that is what the user opened the row for.
RowDetail detail_of(const diff::TableDiff& t, const diff::RowEntry& row, const Moves* moves) {
  RowDetail d;
  d.table = t.name;
  d.kind = row.kind;
  d.before_id = row.before_id;
  d.after_id = row.after_id;
  d.key = diff::row_key_text(t, row);
  std::vector<ValueSource> sources;
  if (moves && row.kind != diff::RowChange::Removed) sources = moves->sources_of(t.name, row.after_id);
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    DetailLine l;
    l.column = t.columns[c].name;
    l.before = shown_value(row.before[c]);
    l.after = shown_value(row.after[c]);
    l.changed = std::find(row.changed_columns.begin(), row.changed_columns.end(), c) != row.changed_columns.end();
    if (moves && row.kind != diff::RowChange::Added) {
      if (auto w = moves->where_went(t.name, row.before_id, l.column); w && w->fate != Fate::Blank) {
        l.moved = std::string(to_string(w->fate)) +
                  (w->to_table.empty() ? std::string()
                                       : " -> " + w->to_table + " #" + std::to_string(w->to_id) + "." + w->to_column);
        if (!w->note.empty()) l.moved += " (" + w->note + ")";
      }
    }
    for (const ValueSource& s : sources) {
      if (s.column != l.column || s.from_table.empty()) continue;
      if (!l.moved.empty()) l.moved += "; ";
      l.moved += "<- " + s.from_table + " #" + std::to_string(s.from_id) + "." + s.from_column;
      if (!s.note.empty()) l.moved += " (" + s.note + ")";
    }
    d.lines.push_back(std::move(l));
  }
  std::stable_partition(d.lines.begin(), d.lines.end(),
                        [](const DetailLine& l) { return l.changed || !l.moved.empty(); });
  return d;
}

using nlohmann::ordered_json;

Result<bool> has_table(sql::Database& db, const std::string& table) {
  auto tables = sql::user_tables(db);
  if (!tables) return tables.error();
  return std::find(tables->begin(), tables->end(), table) != tables->end();
}

// The columns of `table` of `db` and whether it has an integer key `id`.
Result<std::vector<std::string>> table_columns(sql::Database& db, const std::string& table) {
  auto st = db.prepare("SELECT * FROM main." + sql::quote_ident(table) + " LIMIT 0");
  if (!st) return st.error();
  std::vector<std::string> cols;
  for (int i = 0; i < st->column_count(); ++i) cols.push_back(st->column_name(i));
  return cols;
}

// Rows of `table` whose id is `query` or whose text contains it (case-insensitive),
// by id, at most `limit`: [{key, label}] with the first matching text as the label.
Result<ordered_json> find_rows(sql::Database& db, const std::string& table, const std::vector<std::string>& cols,
                               const std::string& query, std::size_t limit) {
  std::string where = "CAST(id AS TEXT) = ?1";
  for (const auto& c : cols) where += " OR instr(lower(CAST(" + sql::quote_ident(c) + " AS TEXT)), lower(?1)) > 0";
  std::string label = "NULL";
  for (auto it = cols.rbegin(); it != cols.rend(); ++it) {
    const std::string q = sql::quote_ident(*it);
    label = "CASE WHEN instr(lower(CAST(" + q + " AS TEXT)), lower(?1)) > 0 THEN " + sql::quote_literal(*it) +
            " || ': ' || CAST(" + q + " AS TEXT) ELSE " + label + " END";
  }
  auto st = db.prepare("SELECT id, " + label + " FROM main." + sql::quote_ident(table) + " WHERE " + where +
                       " ORDER BY id LIMIT " + std::to_string(limit));
  if (!st) return st.error();
  REDLINE_TRY(st->bind_text(1, query));
  ordered_json out = ordered_json::array();
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (*r == sql::StepResult::Done) return out;
    out.push_back({{"key", st->column_int(0)}, {"label", st->column_is_null(1) ? "id" : st->column_text(1)}});
  }
}

ordered_json row_of(sql::Database& db, const std::string& table, std::int64_t id) {
  auto r = row_as_json(db, "main." + sql::quote_ident(table), "id", id);
  return r ? std::move(r.value()) : ordered_json(nullptr);
}

ordered_json value_at(const ordered_json& row, const std::string& column) {
  return row.is_object() && row.contains(column) ? row[column] : ordered_json(nullptr);
}

std::string shown(const ordered_json& v) {
  if (v.is_null()) return "NULL";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

}  // namespace

Result<nlohmann::ordered_json> Engine::lineage(const std::string& table, const std::string& side,
                                               std::optional<std::int64_t> key, const std::string& query) {
  if (!diff_ready() || !moves_) {
    return make_error(ErrorCode::Usage, "there is no finished run to trace: run the normalization first");
  }
  if (side != "before" && side != "after") {
    return make_error(ErrorCode::Usage, "unknown side '" + side + "' (before: a source row; after: a new row)");
  }
  sql::Database& before = *db_;
  sql::Database& after = run_->after();
  sql::Database& db = side == "before" ? before : after;
  auto exists = has_table(db, table);
  if (!exists) return exists.error();
  if (!*exists) {
    return make_error(ErrorCode::Usage, "no table '" + table + "' in the " + side + " database",
                      side == "before" ? "the new tables (addresses, addressables) are in the after: side 'after'"
                                       : "a table the run removed is in the before: side 'before'");
  }
  auto cols = table_columns(db, table);
  if (!cols) return cols.error();
  if (std::find(cols->begin(), cols->end(), "id") == cols->end()) {
    return make_error(ErrorCode::Usage, "table '" + table + "' has no id column to look rows up by", side);
  }
  ordered_json out = {{"table", table}, {"side", side}, {"query", query}, {"matches", ordered_json::array()}};
  if (!key && !query.empty()) {
    auto found = find_rows(db, table, *cols, query, 20);
    if (!found) return found.error();
    out["matches"] = std::move(found.value());
    if (!out["matches"].empty()) key = out["matches"][0]["key"].get<std::int64_t>();
  }
  out["found"] = false;
  if (!key) return out;
  out["key"] = *key;
  const ordered_json row = row_of(db, table, *key);
  if (row.is_null()) return out;
  out["found"] = true;
  // The row on the other side, by the same id (tables keep their ids through the run).
  auto other_has = has_table(side == "before" ? after : before, table);
  if (!other_has) return other_has.error();
  const ordered_json other = *other_has ? row_of(side == "before" ? after : before, table, *key) : ordered_json(nullptr);
  std::vector<ValueSource> sources;
  if (side == "after") sources = moves_->sources_of(table, *key);
  ordered_json lines = ordered_json::array();
  for (const auto& col : *cols) {
    ordered_json l = {{"column", col}, {"value", value_at(row, col)}};
    const ordered_json v = l["value"];  // a copy: l grows below (ordered_json is a vector)
    const bool blank = v.is_null() || (v.is_string() && v.get<std::string>().empty());
    if (side == "before") {
      if (auto w = moves_->where_went(table, *key, col)) {
        l["fate"] = to_string(w->fate);
        l["step"] = w->step;
        l["note"] = w->note;
        if (!w->to_table.empty()) {
          const ordered_json dest = row_of(after, w->to_table, w->to_id);
          l["to_table"] = w->to_table;
          l["to_id"] = w->to_id;
          l["to_column"] = w->to_column;
          l["now_value"] = value_at(dest, w->to_column);
          std::string where = w->to_table + " #" + std::to_string(w->to_id) + "." + w->to_column;
          if (w->to_table == "addresses") {
            // The link M2 wrote between the row and its address.
            for (const auto& t : moves_->address_tables) {
              if (t.table != table) continue;
              auto st = after.prepare(
                  "SELECT id FROM addressables WHERE address_id = ?1 AND object_id = ?2 AND content_type_id = ?3 "
                  "ORDER BY id LIMIT 1");
              if (!st) return st.error();
              REDLINE_TRY(st->bind_int(1, w->to_id));
              REDLINE_TRY(st->bind_int(2, *key));
              REDLINE_TRY(st->bind_int(3, t.content_type_id));
              auto r = st->step();
              if (!r) return r.error();
              if (*r == sql::StepResult::Row) {
                l["via_table"] = "addressables";
                l["via_id"] = st->column_int(0);
                where += " via addressables #" + std::to_string(st->column_int(0));
              }
            }
          }
          l["where"] = where;
        }
      } else if (other.is_null()) {
        l["fate"] = blank ? "blank" : "lost";
        l["note"] = *other_has ? "the row is not in the after database" : "the table is not in the after database";
      } else if (!other.contains(col)) {
        l["fate"] = blank ? "blank" : "lost";
        l["note"] = "the column is not in the after database";
      } else {
        l["now_value"] = other[col];
        l["fate"] = other[col] == v ? "kept" : "changed";
        l["where"] = table + " #" + std::to_string(*key) + "." + col;
        l["note"] = other[col] == v ? "the same row keeps it" : "changed to " + shown(other[col]);
      }
    } else {
      auto s = std::find_if(sources.begin(), sources.end(), [&](const ValueSource& x) { return x.column == col; });
      if (s != sources.end()) {
        l["fate"] = to_string(s->fate);
        l["note"] = s->note;
        if (!s->from_table.empty()) {
          l["from_table"] = s->from_table;
          l["from_id"] = s->from_id;
          l["from_column"] = s->from_column;
          l["was_value"] = value_at(row_of(before, s->from_table, s->from_id), s->from_column);
          l["where"] = s->from_table + " #" + std::to_string(s->from_id) + "." + s->from_column;
        }
      } else if (!other.is_null() && other.contains(col)) {
        l["was_value"] = other[col];
        l["fate"] = other[col] == v ? "kept" : "changed";
        l["where"] = table + " #" + std::to_string(*key) + "." + col;
        l["note"] = other[col] == v ? "the same row held it before" : "was " + shown(other[col]);
      } else {
        l["fate"] = "new";
        l["note"] = other.is_null() ? "the run created this row; this value has no source row"
                                    : "a column the run added";
      }
    }
    lines.push_back(std::move(l));
  }
  out["lines"] = std::move(lines);
  return out;
}

void Engine::serve_lineage() {
  if (!diff_ready()) return;
  if (detail_request_ && !(detail_served_ && *detail_served_ == *detail_request_)) {
    detail_served_ = detail_request_;
    const DetailRequest& r = *detail_request_;
    detail_.reset();
    const diff::TableDiff* t = diff_->table(r.table);
    const std::int64_t id = r.kind == diff::RowChange::Added ? r.after_id : r.before_id;
    std::optional<std::size_t> index;
    if (t) {
      const auto& ids = kind_ids(*t, r.kind);
      auto it = std::lower_bound(ids.begin(), ids.end(), id);
      if (it != ids.end() && *it == id) index = static_cast<std::size_t>(it - ids.begin());
    }
    if (!index) {
      error_ = make_error(ErrorCode::Usage, "no " + std::string(diff::to_string(r.kind)) + " row #" +
                                                std::to_string(id) + " in table '" + r.table + "' of the diff");
    } else {
      auto page = diff::fetch_rows(*db_, run_->after(), *t, r.kind, *index, 1);
      if (!page) {
        error_ = page.error();
      } else if (!page->rows.empty()) {
        detail_ = std::make_shared<const RowDetail>(detail_of(*t, page->rows.front(), moves_.get()));
      }
    }
  }
  if (locate_request_ && !(locate_served_ && *locate_served_ == *locate_request_)) {
    locate_served_ = locate_request_;
    const LocateRequest& r = *locate_request_;
    RowLocation l;
    l.table = r.table;
    l.id = r.id;
    l.any_kind = r.any_kind;
    l.kind = r.kind;
    if (const diff::TableDiff* t = diff_->table(r.table)) {
      for (auto k : {diff::RowChange::Changed, diff::RowChange::Added, diff::RowChange::Removed}) {
        if (!r.any_kind && k != r.kind) continue;
        const auto& ids = kind_ids(*t, k);
        const auto idx = static_cast<std::size_t>(std::lower_bound(ids.begin(), ids.end(), r.id) - ids.begin());
        if (r.any_kind ? idx < ids.size() && ids[idx] == r.id : !ids.empty()) {
          l.kind = k;
          l.index = std::min(idx, ids.size() - 1);
          l.found = true;
          break;
        }
      }
    }
    location_ = std::make_shared<const RowLocation>(std::move(l));
  }
}

}  // namespace redline::engine
