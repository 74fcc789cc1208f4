// The diff engine's run: attach both databases to a private connection, compare
// their schemas, then find the row changes of every table with set-based SQL (a
// LEFT JOIN on the key with IS NOT per column, NOT EXISTS for the added rows, a
// GROUP BY over both sides for keyless tables), in budgeted steps.
#include "core/diff/diff.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <limits>
#include <optional>

#include "core/diff/diff_schema.hpp"

namespace redline::diff {

using detail::Affinity;
using detail::fold;
using detail::same_ident;
using detail::SchemaImage;
using detail::TableSchema;

namespace {

constexpr const char* kBefore = "redline_before";
constexpr const char* kAfter = "redline_after";
// The column name of the row handle in subqueries over WITHOUT ROWID tables.
constexpr const char* kHandle = "\"redline$h\"";

std::string q(std::string_view ident) { return sql::quote_ident(ident); }

std::string join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

Error sqlite_error(sqlite3* db, const std::string& what, const std::string& context = {}) {
  return make_error(ErrorCode::Sqlite, what + ": " + sqlite3_errmsg(db), context);
}

// A name that reaches the rowid of a rowid table: rowid, _rowid_ and oid all do
// unless a real column has taken the name.
std::optional<std::string> rowid_name(const TableSchema& t) {
  for (const char* n : {"rowid", "_rowid_", "oid"})
    if (!t.column(n)) return std::string(n);
  return std::nullopt;
}

// One side of a table in a query: what to select FROM, and the expression of the
// row handle (rowid, or the position in key order for WITHOUT ROWID tables).
struct Source {
  std::string from;    // "schema"."t" AS x, or a subquery AS x
  std::string handle;  // x.rowid / x."redline$h"
};

Result<Source> source_of(const TableSchema& t, const char* schema, const char* alias) {
  std::string table = std::string(q(schema)) + "." + q(t.name);
  if (t.without_rowid) {
    std::vector<std::string> pk;
    for (const auto& k : t.primary_key) pk.push_back(q(k));
    return Source{"(SELECT row_number() OVER (ORDER BY " + join(pk, ", ") + ") AS " + kHandle + ", * FROM " +
                      table + ") AS " + alias,
                  std::string(alias) + "." + kHandle};
  }
  auto rid = rowid_name(t);
  if (!rid)
    return make_error(ErrorCode::Unsupported,
                      "table " + t.name + " has columns named rowid, _rowid_ and oid: its rows cannot be addressed");
  return Source{table + " AS " + alias, std::string(alias) + "." + *rid};
}

// The handle expression inside a plain SELECT over the table (no alias).
Result<std::string> bare_handle(const TableSchema& t) {
  if (t.without_rowid) {
    std::vector<std::string> pk;
    for (const auto& k : t.primary_key) pk.push_back(q(k));
    return "row_number() OVER (ORDER BY " + join(pk, ", ") + ")";
  }
  auto rid = rowid_name(t);
  if (!rid)
    return make_error(ErrorCode::Unsupported,
                      "table " + t.name + " has columns named rowid, _rowid_ and oid: its rows cannot be addressed");
  return *rid;
}

// Does comparing this column need typeof() besides IS NOT? Only when an integer
// and a real of the same value can meet: the affinities differ, or the column keeps
// values as given (no affinity, STRICT ANY). In a column of one INTEGER, NUMERIC,
// REAL or TEXT affinity on both sides, SQLite's storage rules make 1 and 1.0 the same
// stored type, so the extra call per cell would find nothing (only a file written
// around those rules, e.g. with writable_schema, could hold both).
bool needs_typeof(Affinity b, Affinity a) {
  return b != a || b == Affinity::Blob || b == Affinity::Any;
}

struct Plan {
  enum class Mode { OneSide, RowidSlices, Keyed, Multiset } mode = Mode::OneSide;
  std::size_t table = 0;  // index into DiffResult::tables
  const TableSchema* before = nullptr;
  const TableSchema* after = nullptr;
  double weight = 1;
  // RowidSlices: the left statement (removed + changed) and the added statement
  // over the key range [?1, ?2], prepared on the first slice.
  bool started = false;
  sql::Statement left, added, next;
  std::int64_t lo = 0, first = 0, last = 0;
  double span = 0;
  double covered = 0;  // fraction of [first, last] done, for progress
};

}  // namespace

// ---- SchemaChange / enums ------------------------------------------------------------

const char* to_string(SchemaChangeKind kind) {
  switch (kind) {
    case SchemaChangeKind::TableAdded: return "table_added";
    case SchemaChangeKind::TableDropped: return "table_dropped";
    case SchemaChangeKind::ColumnAdded: return "column_added";
    case SchemaChangeKind::ColumnDropped: return "column_dropped";
    case SchemaChangeKind::ColumnType: return "column_type";
    case SchemaChangeKind::ColumnNullability: return "column_nullability";
    case SchemaChangeKind::PrimaryKey: return "primary_key";
    case SchemaChangeKind::IndexAdded: return "index_added";
    case SchemaChangeKind::IndexDropped: return "index_dropped";
    case SchemaChangeKind::IndexChanged: return "index_changed";
    case SchemaChangeKind::IndexRenamed: return "index_renamed";
  }
  return "unknown";
}

const char* to_string(KeyKind kind) {
  switch (kind) {
    case KeyKind::Rowid: return "rowid";
    case KeyKind::Columns: return "columns";
    case KeyKind::None: return "none";
  }
  return "none";
}

const char* to_string(RowChange kind) {
  switch (kind) {
    case RowChange::Added: return "added";
    case RowChange::Removed: return "removed";
    case RowChange::Changed: return "changed";
  }
  return "changed";
}

std::string SchemaChange::describe() const {
  auto paren = [](const std::string& s) { return s.empty() ? std::string() : " (" + s + ")"; };
  auto or_none = [](const std::string& s) { return s.empty() ? std::string("none") : s; };
  switch (kind) {
    case SchemaChangeKind::TableAdded: return "table " + table + " added";
    case SchemaChangeKind::TableDropped: return "table " + table + " dropped";
    case SchemaChangeKind::ColumnAdded: return "column " + table + "." + name + " added" + paren(after);
    case SchemaChangeKind::ColumnDropped: return "column " + table + "." + name + " dropped" + paren(before);
    case SchemaChangeKind::ColumnType:
      return "column " + table + "." + name + " type " + before + " -> " + after;
    case SchemaChangeKind::ColumnNullability: return "column " + table + "." + name + " " + before + " -> " + after;
    case SchemaChangeKind::PrimaryKey:
      return "table " + table + " primary key " + or_none(before) + " -> " + or_none(after);
    case SchemaChangeKind::IndexAdded: return "index " + name + " added: " + after;
    case SchemaChangeKind::IndexDropped: return "index " + name + " dropped: " + before;
    case SchemaChangeKind::IndexChanged: return "index " + name + " changed: " + before + " -> " + after;
    case SchemaChangeKind::IndexRenamed: return "index " + before + " renamed to " + after + " on " + table;
  }
  return name;
}

bool ChangedRows::column_changed(std::size_t i, std::size_t column) const {
  std::size_t w = column / 64;
  if (w >= words_per_row) return false;
  return (masks[i * words_per_row + w] >> (column % 64)) & 1u;
}

std::vector<std::size_t> ChangedRows::changed_columns(std::size_t i) const {
  std::vector<std::size_t> out;
  for (std::size_t w = 0; w < words_per_row; ++w) {
    std::uint64_t m = masks[i * words_per_row + w];
    while (m) {
      int bit = std::countr_zero(m);
      out.push_back(w * 64 + static_cast<std::size_t>(bit));
      m &= m - 1;
    }
  }
  return out;
}

std::size_t TableDiff::count(RowChange kind) const {
  switch (kind) {
    case RowChange::Added: return added.size();
    case RowChange::Removed: return removed.size();
    case RowChange::Changed: return changed.size();
  }
  return 0;
}

const TableDiff* DiffResult::table(std::string_view name) const {
  for (const auto& t : tables)
    if (same_ident(t.name, name)) return &t;
  return nullptr;
}

bool DiffResult::identical() const {
  if (!schema.empty()) return false;
  for (const auto& t : tables)
    if (t.has_row_changes()) return false;
  return true;
}

// ---- The job -------------------------------------------------------------------------

struct DiffJob::Impl {
  enum class Phase { Open, Copy, Schema, Rows, Finished };

  sql::Database* before_db;
  sql::Database* after_db;
  DiffOptions options;
  // The connection the diff's SQL runs on: its own, with both databases attached; or,
  // when the after is an in-memory database that is not one contiguous image (the
  // run's copy), the after's own connection with the before attached, so the after is
  // read in place instead of copied whole (a third image of the data at the run's
  // peak). Either way the SQL only reads.
  sql::Database owned;
  sql::Database* on = nullptr;
  bool borrowed = false;
  const char* after_schema = kAfter;
  sql::Database& work() { return *on; }
  Phase phase = Phase::Open;

  // Copies of in-memory databases that are not one contiguous image.
  struct Copy {
    sqlite3_backup* backup = nullptr;
    const char* schema = nullptr;
  };
  std::vector<Copy> copies;
  double copy_fraction = 0;

  SchemaImage schema_before, schema_after;
  DiffResult result;
  std::vector<Plan> plans;
  std::size_t plan_index = 0;
  double total_weight = 0, done_weight = 0;
  double budget_ms = 0;

  Impl(sql::Database& b, sql::Database& a, DiffOptions o) : before_db(&b), after_db(&a), options(o) {}
  ~Impl() { release(); }

  void release() {
    plans.clear();  // statements first, then the connection they belong to
    for (auto& c : copies)
      if (c.backup) sqlite3_backup_finish(c.backup);
    copies.clear();
    if (borrowed && on && on->valid()) {
      // The after's connection as it was: writable, without the before attached.
      (void)on->exec("PRAGMA query_only = 0");
      (void)on->exec(std::string("DETACH ") + q(kBefore));
    }
    borrowed = false;
    on = nullptr;
    owned = sql::Database();
  }

  // ---- attaching ----

  Status attach(sql::Database& src, const char* schema) {
    if (!src.valid()) return make_error(ErrorCode::Usage, "the database to diff is not open", schema);
    sqlite3* s = src.handle();
    sqlite3* w = work().handle();
    const char* file = sqlite3_db_filename(s, "main");
    if (file && *file) {
      // A database file: attach it by name, nothing copied (query_only keeps it
      // unwritten). The OS page cache makes a second open of it cheap.
      auto st = work().prepare("ATTACH ?1 AS " + q(schema));
      if (!st) return st.error();
      REDLINE_TRY(st->bind_text(1, file));
      auto r = st->step();
      if (!r) return r.error();
      // Map the file instead of reading it page by page into the cache.
      REDLINE_TRY(work().exec("PRAGMA " + q(schema) + ".mmap_size = 2147418112"));
      return ok_status();
    }
    REDLINE_TRY(work().exec("ATTACH ':memory:' AS " + q(schema)));
    // A deserialized database is one contiguous image: read it in place, read-only,
    // without a copy. The caller must not change it while the job runs.
    sqlite3_int64 size = 0;
    unsigned char* image = sqlite3_serialize(s, "main", &size, SQLITE_SERIALIZE_NOCOPY);
    if (image && size > 0) {
      int rc = sqlite3_deserialize(w, schema, image, size, size, SQLITE_DESERIALIZE_READONLY);
      if (rc != SQLITE_OK) return sqlite_error(w, "cannot read the database image", schema);
      return ok_status();
    }
    // Any other in-memory database is copied page by page (in steps, see Copy).
    auto page_size = src.query_int("PRAGMA main.page_size");
    if (!page_size) return page_size.error();
    // An in-memory destination must have the source's page size before the copy.
    REDLINE_TRY(work().exec("PRAGMA " + q(schema) + ".page_size = " + std::to_string(page_size->value_or(4096))));
    sqlite3_backup* b = sqlite3_backup_init(w, schema, s, "main");
    if (!b) return sqlite_error(w, "cannot start copying the database", schema);
    copies.push_back({b, schema});
    return ok_status();
  }

  // An in-memory database whose pages are not one image (a plain ":memory:" one).
  static bool paged_in_memory(sql::Database& db) {
    if (!db.valid()) return false;
    const char* file = sqlite3_db_filename(db.handle(), "main");
    if (file && *file) return false;
    sqlite3_int64 size = 0;
    return sqlite3_serialize(db.handle(), "main", &size, SQLITE_SERIALIZE_NOCOPY) == nullptr;
  }

  Status open() {
    if (before_db != after_db && paged_in_memory(*after_db)) {
      // Its hardening (DEFENSIVE, no trusted schema) is the copy's own (RunJob).
      on = after_db;
      borrowed = true;
      after_schema = "main";
      return attach(*before_db, kBefore);
    }
    auto opened = sql::Database::open_memory();
    if (!opened) return opened.error();
    owned = std::move(opened.value());
    on = &owned;
    // The databases may come from anyone: no functions run from their schema.
    sqlite3_db_config(work().handle(), SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    sqlite3_db_config(work().handle(), SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
    REDLINE_TRY(attach(*before_db, kBefore));
    REDLINE_TRY(attach(*after_db, kAfter));
    return ok_status();
  }

  // Copy some pages of the first unfinished copy; true when every copy is done.
  Result<bool> copy_some() {
    for (auto& c : copies) {
      if (!c.backup) continue;
      int rc = sqlite3_backup_step(c.backup, 4096);
      if (rc != SQLITE_OK && rc != SQLITE_DONE) {
        sqlite3_backup_finish(c.backup);
        c.backup = nullptr;
        return sqlite_error(work().handle(), "cannot copy the database", c.schema);
      }
      if (rc == SQLITE_DONE) {
        rc = sqlite3_backup_finish(c.backup);
        c.backup = nullptr;
        if (rc != SQLITE_OK) return sqlite_error(work().handle(), "cannot copy the database", c.schema);
      }
      break;  // one bite per call, so the step budget is respected
    }
    double total = 0, left = 0;
    for (auto& c : copies) {
      if (!c.backup) continue;
      total += sqlite3_backup_pagecount(c.backup);
      left += sqlite3_backup_remaining(c.backup);
    }
    copy_fraction = total > 0 ? 1.0 - left / total : 1.0;
    for (auto& c : copies)
      if (c.backup) return false;
    return true;
  }

  // ---- schema and plans ----

  Result<std::int64_t> count_rows(const char* schema, const std::string& table) {
    auto n = work().query_int("SELECT count(*) FROM " + q(schema) + "." + q(table));
    if (!n) return n.error();
    return n->value_or(0);
  }

  Status read_schemas() {
    // Nothing may write through this connection from here on.
    REDLINE_TRY(work().exec("PRAGMA query_only = 1"));
    auto b = detail::read_schema(work(), kBefore);
    if (!b) return b.error();
    auto a = detail::read_schema(work(), after_schema);
    if (!a) return a.error();
    schema_before = std::move(b.value());
    schema_after = std::move(a.value());
    result.schema = detail::compare_schemas(schema_before, schema_after);

    // Every table of either side, by name.
    std::vector<std::pair<const TableSchema*, const TableSchema*>> pairs;
    for (const auto& t : schema_before.tables) pairs.emplace_back(&t, schema_after.table(t.name));
    for (const auto& t : schema_after.tables)
      if (!schema_before.table(t.name)) pairs.emplace_back(nullptr, &t);
    std::sort(pairs.begin(), pairs.end(), [](const auto& x, const auto& y) {
      const std::string& nx = x.first ? x.first->name : x.second->name;
      const std::string& ny = y.first ? y.first->name : y.second->name;
      return fold(nx) < fold(ny);
    });

    for (const auto& [bt, at] : pairs) {
      TableDiff td;
      td.name = bt ? bt->name : at->name;
      td.presence = bt && at ? TablePresence::Both : (bt ? TablePresence::DroppedTable : TablePresence::AddedTable);
      auto fill_side = [&](TableSide& side, const TableSchema* t, const char* schema) -> Status {
        if (!t) return ok_status();
        side.present = true;
        side.name = t->name;
        side.without_rowid = t->without_rowid;
        side.primary_key = t->primary_key;
        if (options.rows) {
          auto n = count_rows(schema, t->name);
          if (!n) return n.error();
          side.rows = *n;
        }
        return ok_status();
      };
      REDLINE_TRY(fill_side(td.before, bt, kBefore));
      REDLINE_TRY(fill_side(td.after, at, after_schema));

      // Columns: before's in order, then after-only ones.
      if (bt) {
        for (const auto& c : bt->columns) {
          ColumnInfo ci;
          ci.name = c.name;
          ci.in_before = true;
          ci.before_type = c.type;
          if (at) {
            if (const auto* ac = at->column(c.name)) {
              ci.in_after = true;
              ci.after_type = ac->type;
            }
          }
          td.columns.push_back(std::move(ci));
        }
      }
      if (at) {
        for (const auto& c : at->columns) {
          if (bt && bt->column(c.name)) continue;
          ColumnInfo ci;
          ci.name = c.name;
          ci.in_after = true;
          ci.after_type = c.type;
          td.columns.push_back(std::move(ci));
        }
      }

      // The key: the same primary key on both sides (one side: its own), else none.
      const TableSchema* one = bt ? bt : at;
      auto same_pk = [](const TableSchema& x, const TableSchema& y) {
        if (x.primary_key.size() != y.primary_key.size()) return false;
        for (std::size_t i = 0; i < x.primary_key.size(); ++i)
          if (!same_ident(x.primary_key[i], y.primary_key[i])) return false;
        return true;
      };
      if (bt && at) {
        if (bt->rowid_alias && at->rowid_alias && same_pk(*bt, *at))
          td.key_kind = KeyKind::Rowid;
        else if (!bt->primary_key.empty() && same_pk(*bt, *at))
          td.key_kind = KeyKind::Columns;
        else
          td.key_kind = KeyKind::None;
      } else {
        td.key_kind = one->rowid_alias ? KeyKind::Rowid
                                       : (one->primary_key.empty() ? KeyKind::None : KeyKind::Columns);
      }
      if (td.key_kind != KeyKind::None)
        for (auto& c : td.columns)
          for (const auto& k : one->primary_key)
            if (same_ident(c.name, k)) c.key = true;
      td.changed.words_per_row = std::max<std::size_t>(1, (td.columns.size() + 63) / 64);

      Plan p;
      p.table = result.tables.size();
      p.before = bt;
      p.after = at;
      p.weight = static_cast<double>(td.before.rows + td.after.rows) + 1.0;
      if (!bt || !at)
        p.mode = Plan::Mode::OneSide;
      else if (td.key_kind == KeyKind::Rowid)
        p.mode = Plan::Mode::RowidSlices;
      else if (td.key_kind == KeyKind::Columns)
        p.mode = Plan::Mode::Keyed;
      else
        p.mode = Plan::Mode::Multiset;
      result.tables.push_back(std::move(td));
      if (options.rows) {
        total_weight += p.weight;
        plans.push_back(std::move(p));
      }
    }
    return ok_status();
  }

  // ---- SQL pieces ----

  // The "differs" test of column `c` between b and a. Unary + strips type affinity
  // (so 1 and '1' stay apart across a type change); COLLATE BINARY overrides a
  // column's NOCASE/RTRIM collation; typeof() catches 1 vs 1.0 where it can occur.
  static std::string differs(const Plan& p, const std::string& c) {
    const auto* bc = p.before->column(c);
    const auto* ac = p.after->column(c);
    std::string e = "(+b." + q(c) + " IS NOT +a." + q(c) + " COLLATE BINARY";
    if (needs_typeof(detail::affinity_of(bc->type, p.before->strict), detail::affinity_of(ac->type, p.after->strict)))
      e += " OR typeof(b." + q(c) + ") IS NOT typeof(a." + q(c) + ")";
    return e + ")";
  }

  // The compared columns (on both sides, not key): their indexes in td.columns.
  static std::vector<std::size_t> compared(const TableDiff& td) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < td.columns.size(); ++i)
      if (td.columns[i].in_before && td.columns[i].in_after && !td.columns[i].key) out.push_back(i);
    return out;
  }

  // "cond" (any compared column differs) and the mask expressions, one per word.
  static void change_exprs(const Plan& p, const TableDiff& td, std::string& cond, std::vector<std::string>& masks) {
    std::vector<std::size_t> cols = compared(td);
    std::vector<std::string> any;
    masks.assign(td.changed.words_per_row, "");
    for (std::size_t i : cols) {
      std::string d = differs(p, td.columns[i].name);
      any.push_back(d);
      std::string& m = masks[i / 64];
      m += (m.empty() ? "" : " | ") + ("(" + d + " << " + std::to_string(i % 64) + ")");
    }
    for (auto& m : masks)
      if (m.empty()) m = "0";
    cond = any.empty() ? std::string("0") : join(any, " OR ");
  }

  // Step through a statement whose rows are (before handle, removed?, after handle,
  // mask words...) and sort them into removed/changed.
  Status collect_left(sql::Statement& st, TableDiff& td, bool has_after_handle) {
    const int first_mask = has_after_handle ? 3 : 2;
    for (;;) {
      auto r = st.step();
      if (!r) return r.error();
      if (*r == sql::StepResult::Done) break;
      std::int64_t bh = st.column_int(0);
      if (st.column_int(1) != 0) {
        td.removed.push_back(bh);
        continue;
      }
      td.changed.before_ids.push_back(bh);
      if (has_after_handle) td.changed.after_ids.push_back(st.column_int(2));
      for (std::size_t w = 0; w < td.changed.words_per_row; ++w) {
        auto m = static_cast<std::uint64_t>(st.column_int(first_mask + static_cast<int>(w)));
        td.changed.masks.push_back(m);
        td.cells_changed += std::popcount(m);
      }
    }
    return st.reset();
  }

  Status collect_ids(sql::Statement& st, std::vector<std::int64_t>& out) {
    for (;;) {
      auto r = st.step();
      if (!r) return r.error();
      if (*r == sql::StepResult::Done) break;
      out.push_back(st.column_int(0));
    }
    return st.reset();
  }

  // ---- row work, one unit per call ----

  Status one_side(Plan& p) {
    TableDiff& td = result.tables[p.table];
    const bool added = p.after != nullptr;
    const TableSchema& t = added ? *p.after : *p.before;
    std::vector<std::int64_t>& ids = added ? td.added : td.removed;
    if (t.without_rowid) {
      std::int64_t n = added ? td.after.rows : td.before.rows;
      ids.reserve(static_cast<std::size_t>(n));
      for (std::int64_t i = 1; i <= n; ++i) ids.push_back(i);
      return ok_status();
    }
    auto h = bare_handle(t);
    if (!h) return h.error();
    auto st = work().prepare("SELECT " + *h + " FROM " + q(added ? after_schema : kBefore) + "." + q(t.name) + " ORDER BY 1");
    if (!st) return st.error();
    ids.reserve(static_cast<std::size_t>(added ? td.after.rows : td.before.rows));
    return collect_ids(*st, ids);
  }

  Result<bool> rowid_slice(Plan& p) {
    TableDiff& td = result.tables[p.table];
    const std::string bt = q(kBefore) + "." + q(p.before->name);
    const std::string at = q(after_schema) + "." + q(p.after->name);
    // The key column itself is the rowid: a column named "rowid" cannot shadow it.
    const std::string key = q(p.before->primary_key[0]);
    if (!p.started) {
      p.started = true;
      auto lo_b = work().query_int("SELECT min(" + key + ") FROM " + bt);
      auto lo_a = work().query_int("SELECT min(" + key + ") FROM " + at);
      auto hi_b = work().query_int("SELECT max(" + key + ") FROM " + bt);
      auto hi_a = work().query_int("SELECT max(" + key + ") FROM " + at);
      if (!lo_b) return lo_b.error();
      if (!lo_a) return lo_a.error();
      if (!hi_b) return hi_b.error();
      if (!hi_a) return hi_a.error();
      if (!lo_b->has_value() && !lo_a->has_value()) {  // both empty
        done_weight += p.weight;
        return true;
      }
      p.first = std::min(lo_b->value_or(std::numeric_limits<std::int64_t>::max()),
                         lo_a->value_or(std::numeric_limits<std::int64_t>::max()));
      p.last = std::max(hi_b->value_or(std::numeric_limits<std::int64_t>::min()),
                        hi_a->value_or(std::numeric_limits<std::int64_t>::min()));
      p.lo = p.first;
      double range = static_cast<double>(p.last) - static_cast<double>(p.first) + 1.0;
      double rows = static_cast<double>(std::max(td.before.rows, td.after.rows));
      if (options.slice_keys > 0)
        p.span = static_cast<double>(options.slice_keys);
      else  // start with about 4,096 rows a slice (a few ms natively; 50,000 took ~25 ms
            // in one piece at 200k rows); adapted to the budget below
        p.span = std::max(1.0, range * 4096.0 / std::max(rows, 1.0));

      std::string cond;
      std::vector<std::string> masks;
      change_exprs(p, td, cond, masks);
      auto left = work().prepare("SELECT b." + key + ", a." + key + " IS NULL, " + join(masks, ", ") + " FROM " + bt +
                               " AS b LEFT JOIN " + at + " AS a ON a." + key + " = b." + key + " WHERE b." + key +
                               " BETWEEN ?1 AND ?2 AND (a." + key + " IS NULL OR " + cond + ")");
      if (!left) return left.error();
      auto added = work().prepare("SELECT a." + key + " FROM " + at + " AS a WHERE a." + key +
                                " BETWEEN ?1 AND ?2 AND NOT EXISTS (SELECT 1 FROM " + bt + " AS b WHERE b." + key +
                                " = a." + key + ")");
      if (!added) return added.error();
      // The smallest key after a slice on either side: empty key ranges (sparse or
      // far-apart keys) are skipped instead of walked.
      auto next = work().prepare("SELECT min(x) FROM (SELECT min(" + key + ") AS x FROM " + bt + " WHERE " + key +
                               " > ?1 UNION ALL SELECT min(" + key + ") FROM " + at + " WHERE " + key + " > ?1)");
      if (!next) return next.error();
      p.left = std::move(left.value());
      p.added = std::move(added.value());
      p.next = std::move(next.value());
    }

    // [lo, hi], without overflow at the ends of the int64 range.
    auto remaining = static_cast<std::uint64_t>(p.last) - static_cast<std::uint64_t>(p.lo);
    auto span = static_cast<std::uint64_t>(std::clamp(p.span, 1.0, 9.0e18));
    std::int64_t hi = span - 1 >= remaining ? p.last : static_cast<std::int64_t>(static_cast<std::uint64_t>(p.lo) + span - 1);

    const auto t0 = std::chrono::steady_clock::now();
    for (sql::Statement* st : {&p.left, &p.added}) {
      REDLINE_TRY(st->bind_int(1, p.lo));
      REDLINE_TRY(st->bind_int(2, hi));
    }
    REDLINE_TRY(collect_left(p.left, td, false));
    REDLINE_TRY(collect_ids(p.added, td.added));
    double ms = ms_since(t0);

    double range = static_cast<double>(p.last) - static_cast<double>(p.first) + 1.0;
    double covered = std::min(1.0, (static_cast<double>(hi) - static_cast<double>(p.first) + 1.0) / range);
    done_weight += p.weight * (covered - p.covered);
    p.covered = covered;
    if (hi == p.last) return true;
    REDLINE_TRY(p.next.reset());
    REDLINE_TRY(p.next.bind_int(1, hi));
    auto r = p.next.step();
    if (!r) return r.error();
    if (*r == sql::StepResult::Done || p.next.column_is_null(0)) {
      done_weight += p.weight * (1.0 - p.covered);
      return true;
    }
    p.lo = p.next.column_int(0);
    REDLINE_TRY(p.next.reset());
    if (options.slice_keys <= 0) {
      // Aim for slices of about half the step budget (at most 250 ms, so a run to
      // completion still reports progress), by the time the last slice took.
      double target = std::clamp(budget_ms * 0.5, 5.0, 250.0);
      p.span *= std::clamp(target / std::max(ms, 0.05), 0.25, 4.0);
    }
    return false;
  }

  Status keyed(Plan& p) {
    TableDiff& td = result.tables[p.table];
    auto bs = source_of(*p.before, kBefore, "b");
    if (!bs) return bs.error();
    auto as = source_of(*p.after, after_schema, "a");
    if (!as) return as.error();
    std::vector<std::string> on, on_raw;
    for (const auto& k : p.before->primary_key) {
      on.push_back("a." + q(k) + " IS b." + q(k));
      on_raw.push_back("b." + q(k) + " IS a." + q(k));
    }
    std::string cond;
    std::vector<std::string> masks;
    change_exprs(p, td, cond, masks);
    auto left = work().prepare("SELECT " + bs->handle + ", " + as->handle + " IS NULL, " + as->handle + ", " +
                             join(masks, ", ") + " FROM " + bs->from + " LEFT JOIN " + as->from + " ON " +
                             join(on, " AND ") + " WHERE " + as->handle + " IS NULL OR " + cond + " ORDER BY 1");
    if (!left) return left.error();
    REDLINE_TRY(collect_left(*left, td, true));
    auto added = work().prepare("SELECT " + as->handle + " FROM " + as->from + " WHERE NOT EXISTS (SELECT 1 FROM " +
                              q(kBefore) + "." + q(p.before->name) + " AS b WHERE " + join(on_raw, " AND ") +
                              ") ORDER BY 1");
    if (!added) return added.error();
    return collect_ids(*added, td.added);
  }

  // Keyless: both sides as multisets of whole rows. Each row is numbered among its
  // identical rows (row_number over a partition by every column), so k copies on
  // one side and j on the other leave |k - j| unmatched; a GROUP BY over both sides
  // finds the (row, number) pairs present on one side only.
  Status multiset(Plan& p) {
    TableDiff& td = result.tables[p.table];
    auto bh = bare_handle(*p.before);
    if (!bh) return bh.error();
    auto ah = bare_handle(*p.after);
    if (!ah) return ah.error();
    std::vector<std::string> b_cols, a_cols, part_b, part_a, names;
    int g = 0;
    for (std::size_t i : compared(td)) {
      const std::string& c = td.columns[i].name;
      std::string gn = "g" + std::to_string(g++);
      b_cols.push_back(q(c) + " COLLATE BINARY AS " + gn);
      a_cols.push_back(q(c) + " COLLATE BINARY");
      part_b.push_back(q(c) + " COLLATE BINARY");
      names.push_back(gn + " COLLATE BINARY");
      const auto* bc = p.before->column(c);
      const auto* ac = p.after->column(c);
      if (needs_typeof(detail::affinity_of(bc->type, p.before->strict), detail::affinity_of(ac->type, p.after->strict))) {
        std::string tn = "g" + std::to_string(g++);
        b_cols.push_back("typeof(" + q(c) + ") AS " + tn);
        a_cols.push_back("typeof(" + q(c) + ")");
        part_b.push_back("typeof(" + q(c) + ")");
        names.push_back(tn);
      }
    }
    // Copies of a row are numbered in handle order; a WITHOUT ROWID table's handle is
    // itself a window function, so its key is the order there.
    auto over = [&](const TableSchema& t, const std::string& handle) {
      std::string order = handle;
      if (t.without_rowid) {
        std::vector<std::string> pk;
        for (const auto& k : t.primary_key) pk.push_back(q(k));
        order = join(pk, ", ");
      }
      return "row_number() OVER (" + (part_b.empty() ? std::string() : "PARTITION BY " + join(part_b, ", ")) +
             " ORDER BY " + order + ")";
    };
    std::string extra_b = b_cols.empty() ? "" : ", " + join(b_cols, ", ");
    std::string extra_a = a_cols.empty() ? "" : ", " + join(a_cols, ", ");
    std::string group = "n" + (names.empty() ? std::string() : ", " + join(names, ", "));
    auto st = work().prepare("SELECT max(bh), max(ah) FROM (SELECT " + *bh + " AS bh, NULL AS ah, " + over(*p.before, *bh) +
                           " AS n" + extra_b + " FROM " + q(kBefore) + "." + q(p.before->name) +
                           " UNION ALL SELECT NULL, " + *ah + ", " + over(*p.after, *ah) + extra_a + " FROM " + q(after_schema) +
                           "." + q(p.after->name) + ") GROUP BY " + group + " HAVING count(*) = 1");
    if (!st) return st.error();
    for (;;) {
      auto r = st->step();
      if (!r) return r.error();
      if (*r == sql::StepResult::Done) break;
      if (!st->column_is_null(0)) td.removed.push_back(st->column_int(0));
      if (!st->column_is_null(1)) td.added.push_back(st->column_int(1));
    }
    std::sort(td.removed.begin(), td.removed.end());
    std::sort(td.added.begin(), td.added.end());
    return ok_status();
  }

  // ---- driving ----

  Position position() const {
    switch (phase) {
      case Phase::Open: return {0, "opening"};
      case Phase::Copy: return {0.05 * copy_fraction, "copying"};
      case Phase::Schema: return {0.05, "schema"};
      case Phase::Rows:
        return {0.1 + 0.9 * (total_weight > 0 ? std::min(1.0, done_weight / total_weight) : 1.0),
                plan_index < plans.size() ? result.tables[plans[plan_index].table].name : "rows"};
      case Phase::Finished: return {1, "done"};
    }
    return {};
  }

  // One unit of work; errors end the job.
  Status advance() {
    switch (phase) {
      case Phase::Open:
        REDLINE_TRY(open());
        phase = copies.empty() ? Phase::Schema : Phase::Copy;
        return ok_status();
      case Phase::Copy: {
        auto done = copy_some();
        if (!done) return done.error();
        if (*done) phase = Phase::Schema;
        return ok_status();
      }
      case Phase::Schema:
        REDLINE_TRY(read_schemas());
        phase = Phase::Rows;
        return ok_status();
      case Phase::Rows: {
        if (plan_index >= plans.size()) {
          release();  // detaches both databases
          phase = Phase::Finished;
          return ok_status();
        }
        Plan& p = plans[plan_index];
        bool table_done = true;
        switch (p.mode) {
          case Plan::Mode::OneSide: REDLINE_TRY(one_side(p)); break;
          case Plan::Mode::Keyed: REDLINE_TRY(keyed(p)); break;
          case Plan::Mode::Multiset: REDLINE_TRY(multiset(p)); break;
          case Plan::Mode::RowidSlices: {
            auto r = rowid_slice(p);
            if (!r) return r.error();
            table_done = *r;
            break;
          }
        }
        if (table_done) {
          if (p.mode != Plan::Mode::RowidSlices) done_weight += p.weight;
          p.left = sql::Statement();
          p.added = sql::Statement();
          p.next = sql::Statement();
          ++plan_index;
        }
        return ok_status();
      }
      case Phase::Finished: return ok_status();
    }
    return ok_status();
  }

  Result<bool> run_slice(double budget) {
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    budget_ms = budget;
    for (;;) {
      if (phase == Phase::Finished) return true;
      Status s = advance();
      if (!s) {
        Error e = s.error();
        if (phase == Phase::Rows && plan_index < plans.size()) {
          const std::string& t = result.tables[plans[plan_index].table].name;
          e.context = "table " + t + (e.context.empty() ? "" : "; " + e.context);
        }
        return e;
      }
      if (phase == Phase::Finished) return true;
      if (ms_since(start) >= budget) return false;
    }
  }
};

DiffJob::DiffJob(sql::Database& before, sql::Database& after, DiffOptions options)
    : impl_(std::make_unique<Impl>(before, after, options)) {}
DiffJob::~DiffJob() = default;

Result<bool> DiffJob::work(double budget_ms) { return impl_->run_slice(budget_ms); }
Position DiffJob::position() const { return impl_->position(); }
void DiffJob::abandon(const Error&) { impl_->release(); }
Error DiffJob::cancelled() const { return make_error(ErrorCode::Cancelled, "the diff was cancelled"); }
const DiffResult& DiffJob::result() const { return impl_->result; }
DiffResult DiffJob::take_result() { return std::move(impl_->result); }

Result<DiffResult> diff_databases(sql::Database& before, sql::Database& after, const DiffOptions& options) {
  DiffJob job(before, after, options);
  for (;;) {
    Progress p = job.step(std::numeric_limits<double>::infinity());
    if (p.state == JobState::Done) return job.take_result();
    if (p.state == JobState::Error)
      return p.error ? *p.error : make_error(ErrorCode::Internal, "the diff failed without saying why");
  }
}

}  // namespace redline::diff
