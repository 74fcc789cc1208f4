// The normalization steps as SQL, and the job that runs them. Every step reads the
// database's current shape first, so a snapshot that is half-migrated gets only the
// work it still needs; the statements each step ran are kept for the report.
#include "core/migrate/normalize.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "core/migrate/crm_schema.hpp"
#include "core/migrate/normalize_sql.hpp"
#include "core/migrate/steps.hpp"

namespace redline {

namespace {

using Clock = std::chrono::steady_clock;

// The name in "CREATE [UNIQUE] INDEX name ON ..." (quoted or not).
std::string index_name(const std::string& create_index) {
  auto at = create_index.find("INDEX ");
  if (at == std::string::npos) return {};
  at += 6;
  if (at < create_index.size() && create_index[at] == '"') {
    auto end = create_index.find('"', at + 1);
    return create_index.substr(at + 1, end - at - 1);
  }
  auto end = create_index.find(' ', at);
  return create_index.substr(at, end - at);
}

bool is_redline_index(const std::string& name) { return name.rfind("idx_", 0) == 0; }

// An index or trigger a table rebuild puts back: its DDL, and when the old table's
// index is kept rather than built again, that index's name.
struct Remade {
  std::string ddl;
  std::string kept;
};

// The run's transaction: a SAVEPOINT, so it nests inside a caller's transaction.
// When it is the outermost one, undoing it is a plain ROLLBACK: "ROLLBACK TO; RELEASE"
// would commit an empty transaction and bump the file change counter in the header,
// and the snapshot would no longer be byte-identical to what was loaded.
class RunTransaction {
 public:
  static Result<RunTransaction> begin(sql::Database& db) {
    bool outermost = sqlite3_get_autocommit(db.handle()) != 0;
    REDLINE_TRY(db.exec("SAVEPOINT redline_normalize"));
    return RunTransaction(&db, outermost);
  }
  RunTransaction(RunTransaction&& o) noexcept : db_(o.db_), outermost_(o.outermost_) { o.db_ = nullptr; }
  RunTransaction& operator=(RunTransaction&&) = delete;
  ~RunTransaction() { (void)rollback(); }

  Status release() {
    if (!db_) return ok_status();
    sql::Database* db = db_;
    db_ = nullptr;
    return db->exec("RELEASE redline_normalize");
  }
  Status rollback() {
    if (!db_) return ok_status();
    sql::Database* db = db_;
    db_ = nullptr;
    return db->exec(outermost_ ? "ROLLBACK" : "ROLLBACK TO redline_normalize; RELEASE redline_normalize");
  }

 private:
  RunTransaction(sql::Database* db, bool outermost) : db_(db), outermost_(outermost) {}
  sql::Database* db_;
  bool outermost_;
};

// The steps (ids, titles, order): the one table the PostgreSQL script reads too.
// run_step() and already() below follow its order.
const std::vector<StepDef>& kSteps = normalization_steps();
const std::size_t kStepCount = kSteps.size();
// Units of work: the preflight, the steps, the final checks and commit.
const std::size_t kUnits = kStepCount + 2;

}  // namespace

struct NormalizeJob::Impl {
  sql::Database& db;
  NormalizeOptions opt;
  std::vector<Hazard> hazards;
  std::vector<StepRecord> steps;
  norm::Done done;
  norm::DbState cur;               // the shape right now (refreshed by each step)
  std::optional<RunTransaction> sp;
  bool restore_foreign_keys = false;
  bool undo = true;                // false: set_no_undo()
  std::string journal_mode;        // the database's own, while the run keeps no undo
  std::int64_t content_types_at_start = 0;  // largest django_content_type id before the run
  bool m1_ran = false;
  std::vector<CarriedColumn> carried;  // the CRM tables' extra columns, at the start
  std::unique_ptr<HazardJob> preflight_job;  // while the preflight runs
  struct Adopted {
    std::vector<Hazard> hazards;
    bool m1_plan = false, votes = false;
  };
  std::optional<Adopted> adopted;  // adopt_preflight()'s, until the preflight takes it
  bool m1_plan_ready = false;      // temp.redline_m1 filled by the preflight
  bool votes_ready = false;        // temp.redline_votes filled by the preflight
  StepQueue queue;                 // the rest of the current unit's work
  bool in_unit = false;            // the current unit has started

  std::size_t next = 0;            // next unit
  bool ended = false;
  std::string status;              // "", ok, refused, failed, cancelled
  std::string phase = "not started";
  StatementHook hook;
  CommitCheck check;

  Impl(sql::Database& d, NormalizeOptions o) : db(d), opt(std::move(o)) {
    if (opt.now.empty()) opt.now = current_utc_timestamp();
    for (const auto& s : kSteps) {
      StepRecord r;
      r.id = s.id;
      r.title = s.title;
      r.status = "pending";
      steps.push_back(std::move(r));
    }
  }

  // ---- running statements ---------------------------------------------------------

  // Run one statement as part of `rec`: recorded (even when it fails), its row
  // changes counted (unless it only fills a scratch table in temp), then the test hook.
  enum class Rows { Count, Scratch };
  Status run(StepRecord& rec, const std::string& sql, Rows rows = Rows::Count) {
    rec.sql.push_back(sql);
    auto before = sqlite3_total_changes64(db.handle());
    REDLINE_TRY(db.exec(sql));
    if (rows == Rows::Count) rec.rows_affected += sqlite3_total_changes64(db.handle()) - before;
    if (hook) REDLINE_TRY(hook(rec.id, rec.sql.size() - 1, sql));
    return ok_status();
  }

  // Queue a statement of `rec` as a slice of its own.
  void stmt(StepRecord& rec, std::string sql, Rows rows = Rows::Count) {
    queue.then([this, &rec, sql = std::move(sql), rows]() -> Result<bool> {
      REDLINE_TRY(run(rec, sql, rows));
      return true;
    });
  }

  // Queue a statement that only serves another (a scratch table's): not recorded, as
  // it is not part of what the step amounts to.
  void quiet(std::string sql) {
    queue.then([this, sql = std::move(sql)]() -> Result<bool> {
      REDLINE_TRY(db.exec(sql));
      return true;
    });
  }

  // Queue a ranged statement of `rec` (see norm::Ranged): recorded once, as the one
  // statement its slices amount to, its changes summed over the slices, the hook
  // called after the last.
  void ranged(StepRecord& rec, norm::Ranged r, Rows rows = Rows::Count) {
    auto index = std::make_shared<std::size_t>(static_cast<std::size_t>(-1));
    std::function<std::string()> shown = r.shown;
    if (!shown) shown = [sql = r.sql] { return sql; };
    auto user_after = std::move(r.after);
    r.after = [&rec, user_after, rows](std::int64_t n) -> Status {
      if (rows == Rows::Count) rec.rows_affected += n;
      return user_after ? user_after(n) : ok_status();
    };
    r.done = [this, &rec, index]() -> Status {
      if (hook && *index < rec.sql.size()) REDLINE_TRY(hook(rec.id, *index, rec.sql[*index]));
      return ok_status();
    };
    queue.then([&rec, index, shown, task = norm::ranged_task(db, std::move(r))]() -> Result<bool> {
      if (*index == static_cast<std::size_t>(-1)) {
        rec.sql.push_back(shown());
        *index = rec.sql.size() - 1;
      }
      return task();
    });
  }

  // Queue work that decides what to do when its turn comes.
  void later(std::function<Status()> f) {
    queue.then([f = std::move(f)]() -> Result<bool> {
      REDLINE_TRY(f());
      return true;
    });
  }

  // Is `id` the table's rowid (so that rowid order is id order)?
  bool id_is_rowid(std::string_view table) const { return norm::is_rowid_key(cur, table, "id"); }

  // A query a step makes to decide what to do (recorded too: "the exact SQL it ran").
  Result<std::optional<std::int64_t>> query_int(StepRecord& rec, const std::string& sql) {
    rec.sql.push_back(sql);
    auto r = db.query_int(sql);
    if (r && hook) REDLINE_TRY(hook(rec.id, rec.sql.size() - 1, sql));
    return r;
  }

  Result<std::optional<std::string>> query_text(StepRecord& rec, const std::string& sql) {
    rec.sql.push_back(sql);
    auto st = db.prepare(sql);
    if (!st) return st.error();
    auto r = st->step();
    if (!r) return r.error();
    std::optional<std::string> out;
    if (*r == sql::StepResult::Row && !st->column_is_null(0)) out = st->column_text(0);
    if (hook) REDLINE_TRY(hook(rec.id, rec.sql.size() - 1, sql));
    return out;
  }

  Status refresh() {
    auto s = norm::inspect(db);
    if (!s) return s.error();
    cur = std::move(s.value());
    return ok_status();
  }

  // ---- the 12-step table rebuild (sqlite.org/lang_altertable.html#otheralter) -------
  //
  // SQLite cannot drop NOT NULL, add it, or drop columns that indexes use, so the table
  // is recreated: the target DDL under a temporary name, the rows copied, the old table
  // dropped, the new one renamed, its indexes and triggers recreated. Foreign key
  // enforcement is off for the whole run (set before the savepoint: the pragma is a
  // no-op inside a transaction), which is what lets the old table be dropped while
  // other tables reference it; the final checks verify the keys afterwards.
  Status rebuild(StepRecord& rec, const crm::TableDef& def, const std::string& create_sql) {
    // Planned when its turn comes: an earlier rebuild changes what inspect() sees.
    later([this, &rec, &def, create_sql]() { return rebuild_now(rec, def, create_sql); });
    return ok_status();
  }

  Status rebuild_now(StepRecord& rec, const crm::TableDef& def, const std::string& create_sql) {
    const std::string& table = def.name;
    const std::string tmp = "new__" + table;
    const std::string prefix = "CREATE TABLE " + sql::quote_ident(table) + " (";
    if (create_sql.rfind(prefix, 0) != 0)
      return make_error(ErrorCode::Internal, "unexpected DDL for " + table, create_sql.substr(0, 80));
    REDLINE_TRY(refresh());
    if (cur.table(tmp))
      return make_error(ErrorCode::BadInput, "a table named " + tmp + " already exists; Redline needs that name",
                        "table " + tmp);
    const norm::TableInfo* have = cur.table(table);
    if (!have) return make_error(ErrorCode::Internal, "table " + table + " is missing");

    // The new table: the target's columns and the old table's extra ones (the
    // project's own, spec §1), each with its definition as written. In the order
    // Django's _remake_table gives (checked against Django 3.2): the old table's
    // order less the dropped columns, then the columns whose nullability this rebuild
    // changes (AlterField) and any the old table lacks, at the end in the target's order.
    auto old_sql = table_sql(table);
    if (!old_sql) return old_sql.error();
    std::vector<std::string> old_names, new_names;
    for (const auto& c : have->columns) old_names.push_back(c.name);
    for (const auto& c : def.columns) new_names.push_back(c.name);
    auto old_parts = norm::split_table_sql(*old_sql, old_names);
    if (!old_parts) return old_parts.error();
    auto new_parts = norm::split_table_sql(create_sql, new_names);
    if (!new_parts) return new_parts.error();
    std::set<std::string> extra;
    for (const auto* c : norm::extra_columns(cur, table)) extra.insert(c->name);

    std::vector<std::string> defs;
    std::vector<bool> placed(def.columns.size(), false);
    std::string cols;  // copied from the old table
    for (std::size_t k = 0; k < have->columns.size(); ++k) {
      const auto& c = have->columns[k];
      std::size_t at = 0;
      while (at < def.columns.size() && def.columns[at].name != c.name) ++at;
      const bool target = at < def.columns.size();
      if (!target && !extra.count(c.name)) continue;  // dropped by this rebuild
      cols += (cols.empty() ? "" : ", ") + sql::quote_ident(c.name);
      if (!target) {
        defs.push_back(old_parts->columns[k]);
      } else if (def.columns[at].not_null == c.not_null) {
        defs.push_back(new_parts->columns[at]);
        placed[at] = true;
      }
    }
    for (std::size_t at = 0; at < def.columns.size(); ++at)
      if (!placed[at]) defs.push_back(new_parts->columns[at]);
    // Table constraints: the target's, then the old table's own (none in Django's DDL).
    for (const auto& tc : new_parts->constraints) defs.push_back(tc);
    for (const auto& tc : old_parts->constraints)
      if (std::find(new_parts->constraints.begin(), new_parts->constraints.end(), tc) == new_parts->constraints.end())
        defs.push_back(tc);
    std::string body;
    for (const auto& d : defs) body += (body.empty() ? "" : ", ") + d;

    // The indexes and triggers to recreate: the old table's own, except indexes on a
    // column that goes away; then the target's indexes it lacks (Django recreates
    // those from the model). The guide's idx_ indexes are I1's business.
    //
    // An old index whose content cannot change is kept instead of rebuilt: the copy
    // keeps every rowid (the INTEGER PRIMARY KEY is copied) and every value, so an index
    // over columns whose type and collation stay has, on the new table, the very b-tree
    // the old table has. Building it again is one statement SQLite cannot slice (the
    // longest of the run at 1M rows, #13's cancel line); re-pointing its schema row
    // costs nothing. Expression and partial indexes, collations, a table whose rowid is
    // not its id and auto-vacuum files (which move root pages) are built again.
    const bool keeps_rowids = id_is_rowid(table) && def.column("id") && norm::ascii_lower(def.column("id")->type) == "integer" &&
                              norm::ascii_lower(create_sql).find("\"id\" integer not null primary key") != std::string::npos;
    auto vacuum = db.query_int("PRAGMA main.auto_vacuum");
    if (!vacuum) return vacuum.error();
    const bool can_keep = keeps_rowids && vacuum->value_or(1) == 0;
    auto collates = [](const std::string& column_def) { return norm::ascii_lower(column_def).find("collate") != std::string::npos; };
    // Does index `name` have the same content on the new table?
    auto same_content = [&](const std::string& name) -> Result<bool> {
      if (!can_keep) return false;
      auto pl = db.prepare("SELECT partial FROM pragma_index_list(?1) WHERE name = ?2");
      if (!pl) return pl.error();
      REDLINE_TRY(pl->bind_text(1, table));
      REDLINE_TRY(pl->bind_text(2, name));
      auto pr = pl->step();
      if (!pr) return pr.error();
      if (*pr != sql::StepResult::Row || pl->column_int(0) != 0) return false;
      auto ix = db.prepare("SELECT cid, name FROM pragma_index_xinfo(?1) WHERE key = 1");
      if (!ix) return ix.error();
      REDLINE_TRY(ix->bind_text(1, name));
      for (;;) {
        auto r = ix->step();
        if (!r) return r.error();
        if (*r == sql::StepResult::Done) return true;
        const auto cid = ix->column_int(0);
        if (cid == -1) continue;  // the rowid
        if (cid < 0 || ix->column_is_null(1)) return false;  // an expression
        const std::string c = ix->column_text(1);
        std::size_t k = 0;
        while (k < have->columns.size() && have->columns[k].name != c) ++k;
        if (k == have->columns.size() || collates(old_parts->columns[k])) return false;
        std::size_t at = 0;
        while (at < def.columns.size() && def.columns[at].name != c) ++at;
        if (at == def.columns.size()) continue;  // the project's own column, copied as it is
        if (norm::ascii_lower(def.columns[at].type) != norm::ascii_lower(have->columns[k].type) || collates(new_parts->columns[at]))
          return false;
      }
    };
    std::vector<Remade> recreate;
    std::vector<std::string> kept_names;
    auto st = db.prepare(
        "SELECT s.type, s.name, s.sql FROM sqlite_schema AS s WHERE s.tbl_name = ?1 "
        "AND s.type IN ('index', 'trigger') AND s.sql IS NOT NULL ORDER BY s.rowid");
    if (!st) return st.error();
    REDLINE_TRY(st->bind_text(1, table));
    std::vector<std::pair<std::string, std::string>> found;  // name, sql; type index/trigger
    std::vector<std::string> types;
    for (;;) {
      auto r = st->step();
      if (!r) return r.error();
      if (*r == sql::StepResult::Done) break;
      types.push_back(st->column_text(0));
      found.emplace_back(st->column_text(1), st->column_text(2));
    }
    for (std::size_t k = 0; k < found.size(); ++k) {
      const auto& [name, ddl] = found[k];
      bool keep = false;
      if (types[k] == "index") {
        auto ic = db.prepare("SELECT name FROM pragma_index_info(?1)");
        if (!ic) return ic.error();
        REDLINE_TRY(ic->bind_text(1, name));
        bool drops = false;
        for (;;) {
          auto r = ic->step();
          if (!r) return r.error();
          if (*r == sql::StepResult::Done) break;
          if (!ic->column_is_null(0) && !def.column(ic->column_text(0)) && !extra.count(ic->column_text(0)))
            drops = true;
        }
        if (drops) {
          rec.note += (rec.note.empty() ? "" : "; ") + ("index " + name + " dropped with its column");
          continue;
        }
        auto same = same_content(name);
        if (!same) return same.error();
        keep = *same;
      }
      recreate.push_back({ddl, keep ? name : std::string()});
      kept_names.push_back(name);
    }
    for (const auto& idx : def.index_sql) {
      std::string name = index_name(idx);
      if (is_redline_index(name)) continue;
      if (std::find(kept_names.begin(), kept_names.end(), name) == kept_names.end()) recreate.push_back({idx, {}});
    }

    // The rows in slices of rowids (in rowid order, as one INSERT ... SELECT would
    // copy them); each index not kept is built once, after the rows, a slice of its own.
    stmt(rec, "CREATE TABLE " + sql::quote_ident(tmp) + " (" + body + ")");
    norm::Ranged copy;
    copy.table = table;
    const std::string whole =
        "INSERT INTO " + sql::quote_ident(tmp) + " (" + cols + ") SELECT " + cols + " FROM " + sql::quote_ident(table);
    copy.sql = whole + " WHERE rowid BETWEEN ?1 AND ?2";
    copy.shown = [whole] { return whole; };
    ranged(rec, std::move(copy));
    // The kept indexes leave the old table's schema before it is dropped (DROP TABLE
    // frees the b-trees of the indexes it has), their root pages noted; each comes back
    // where its CREATE INDEX would have run, so sqlite_schema's order stays Django's.
    auto roots = std::make_shared<std::map<std::string, std::int64_t>>();
    for (const auto& r : recreate) {
      if (r.kept.empty()) continue;
      later([this, roots, name = r.kept]() -> Status {
        auto row = detach_index(name);
        if (!row) return row.error();
        (*roots)[name] = row->first;
        return ok_status();
      });
    }
    stmt(rec, "DROP TABLE " + sql::quote_ident(table));
    stmt(rec, "ALTER TABLE " + sql::quote_ident(tmp) + " RENAME TO " + sql::quote_ident(table));
    for (const auto& r : recreate) {
      if (r.kept.empty()) {
        stmt(rec, r.ddl);
        continue;
      }
      later([this, &rec, roots, table, r]() -> Status {
        return attach_index(rec, r.kept, table, roots->at(r.kept), r.ddl, r.ddl);
      });
    }
    return ok_status();
  }

  // The CREATE TABLE text of `table` in main ("" when there is none).
  Result<std::string> table_sql(const std::string& table) {
    auto q = db.prepare("SELECT sql FROM main.sqlite_schema WHERE type = 'table' AND name = ?1");
    if (!q) return q.error();
    REDLINE_TRY(q->bind_text(1, table));
    auto r = q->step();
    if (!r) return r.error();
    return *r == sql::StepResult::Row ? q->column_text(0) : std::string();
  }

  // Index `name` leaves sqlite_schema, its b-tree left as it is (a DROP TABLE then
  // does not free it): its root page and DDL, for attach_index().
  Result<std::pair<std::int64_t, std::string>> detach_index(const std::string& name) {
    std::pair<std::int64_t, std::string> out;
    {  // finalized before the schema changes under it
      auto q = db.prepare("SELECT rootpage, sql FROM main.sqlite_schema WHERE type = 'index' AND name = ?1");
      if (!q) return q.error();
      REDLINE_TRY(q->bind_text(1, name));
      auto row = q->step();
      if (!row) return row.error();
      if (*row != sql::StepResult::Row) return make_error(ErrorCode::Internal, "index " + name + " is missing");
      out = {q->column_int(0), q->column_text(1)};
    }
    REDLINE_TRY(edit_schema("DELETE FROM main.sqlite_schema WHERE type = 'index' AND name = " + sql::quote_literal(name)));
    return out;
  }

  // An index b-tree (root page `root`, filled already) becomes index `name` of `table`:
  // its schema row, added last as CREATE INDEX would add it. The step records `shown`,
  // the CREATE INDEX this amounts to (as a ranged statement records the one statement
  // its slices amount to): the report's SQL, replayed, gives the same database.
  Status attach_index(StepRecord& rec, const std::string& name, const std::string& table, std::int64_t root,
                      const std::string& ddl, const std::string& shown) {
    REDLINE_TRY(edit_schema("INSERT INTO main.sqlite_schema (type, name, tbl_name, rootpage, sql) VALUES ('index', " +
                            sql::quote_literal(name) + ", " + sql::quote_literal(table) + ", " + std::to_string(root) +
                            ", " + sql::quote_literal(ddl) + ")"));
    rec.sql.push_back(shown);
    if (hook) REDLINE_TRY(hook(rec.id, rec.sql.size() - 1, shown));
    return ok_status();
  }

  // One change to sqlite_schema itself, made as the table rebuild's documented procedure
  // does (sqlite.org/lang_altertable.html#otheralter): defensive mode lifted for it
  // alone, writable_schema, then the schema reloaded and schema_version bumped (which
  // also marks the transaction as changing the schema, so that a rollback reloads it).
  Status edit_schema(const std::string& sql) {
    auto version = db.query_int("PRAGMA main.schema_version");
    if (!version) return version.error();
    return undefended([&] {
      Status done = db.exec("PRAGMA writable_schema = ON; " + sql + "; PRAGMA writable_schema = RESET; PRAGMA main.schema_version = " +
                            std::to_string(version->value_or(0) + 1));
      if (!done) (void)db.exec("PRAGMA writable_schema = RESET");
      return done;
    });
  }

  // `f` run with defensive mode lifted (and then put back as it was): for what the
  // run does that defensive mode refuses to ordinary SQL.
  template <typename F>
  Status undefended(F f) {
    int defensive = 1;
    sqlite3_db_config(db.handle(), SQLITE_DBCONFIG_DEFENSIVE, -1, &defensive);
    sqlite3_db_config(db.handle(), SQLITE_DBCONFIG_DEFENSIVE, 0, nullptr);
    Status done = f();
    sqlite3_db_config(db.handle(), SQLITE_DBCONFIG_DEFENSIVE, defensive, nullptr);
    return done;
  }

  // ---- without undo (set_no_undo) ----------------------------------------------------
  //
  // The run's transaction then keeps no rollback journal. SQLite would copy into it, in
  // memory beside the before and the after, the original of every page the run
  // rewrites, above all the pages of the tables E3, C1 and C2 drop, which the rebuilt
  // tables reuse: ~89 MiB at ~1M rows (134 MiB file), most of what the whole run held
  // above its two databases. With journal_mode=OFF the SAVEPOINT's statement journal
  // keeps nothing either. Defensive mode refuses journal_mode=OFF (ordinary SQL could
  // corrupt a database without its journal): lifted for the pragma alone. The
  // database's own mode comes back when the run ends, before anything else writes to
  // it (the review rolls its writes back).
  //
  // And the temp database, where the preflight and M2 stage rows (M1's plan, the
  // addresses: 23 MiB at ~1M rows), gives its pages back when the run commits: an
  // in-memory database keeps every page it ever had until its connection closes (in
  // the page, the whole session), unless auto-vacuum truncates it at a commit, which
  // can only be turned on while it holds no table (a caller's own temp tables leave
  // it off). Nothing of the temp database is in the after image.
  Status without_undo() {
    {  // finalized before the mode changes
      auto st = db.prepare("PRAGMA main.journal_mode");
      if (!st) return st.error();
      auto r = st->step();
      if (!r) return r.error();
      if (*r == sql::StepResult::Row) journal_mode = st->column_text(0);
    }
    REDLINE_TRY(db.exec("PRAGMA temp.auto_vacuum = FULL"));
    return undefended([&] { return db.exec("PRAGMA main.journal_mode = OFF"); });
  }

  void journal_back() {
    if (journal_mode.empty()) return;
    (void)db.exec("PRAGMA main.journal_mode = " + journal_mode);
    journal_mode.clear();
  }

  // ---- E: expand ------------------------------------------------------------------

  Status e1(StepRecord& rec) {
    REDLINE_TRY(refresh());
    for (const char* t : {"addresses", "addressables"}) {
      if (cur.table(t)) {
        rec.note += (rec.note.empty() ? "" : "; ") + std::string(t) + " existed already";
        continue;
      }
      const auto* def = crm::find_table(crm::Shape::After, t);
      stmt(rec, def->create_sql);
      for (const auto& idx : def->index_sql) {
        std::string name = index_name(idx);
        if (!is_redline_index(name) && !cur.indexes.count(name)) stmt(rec, idx);
      }
    }
    return ok_status();
  }

  Status e2(StepRecord& rec) {
    REDLINE_TRY(refresh());
    if (cur.has("organizations", "default_currency")) return ok_status();
    // A nullable column without default: SQLite adds it without touching a row. The
    // column text is the after shape's, so the table's DDL ends as Django's does.
    return run(rec, "ALTER TABLE \"organizations\" ADD COLUMN \"default_currency\" varchar(3) NULL");
  }

  Status e3(StepRecord& rec) {
    REDLINE_TRY(refresh());
    for (const char* t : {"deals", "orders", "payments"}) {
      const auto* c = cur.table(t)->col("currency");
      if (c && !c->not_null) {
        rec.note += (rec.note.empty() ? "" : "; ") + std::string(t) + ".currency was nullable already";
        continue;
      }
      const auto* def = crm::find_table(crm::Shape::After, t);
      REDLINE_TRY(rebuild(rec, *def, def->create_sql));
    }
    return ok_status();
  }

  // ---- M: migrate data -----------------------------------------------------------

  Status m1(StepRecord& rec) {
    REDLINE_TRY(refresh());
    m1_ran = true;
    // The plan (who gets which user) is materialized once, by the preflight, which
    // reports its hazards from it; the three writes read it. (E1-E3 touch neither
    // users nor employees, so it is still the plan now.)
    const std::string create = norm::kM1PlanCreate, fill = norm::m1_plan_insert_sql(cur, opt.username_collision);
    if (m1_plan_ready) {
      rec.sql.push_back("-- run by the preflight:\n" + create);
      rec.sql.push_back("-- run by the preflight:\n" + fill);
    } else {
      REDLINE_TRY(run(rec, create, Rows::Scratch));
      REDLINE_TRY(run(rec, fill, Rows::Scratch));
    }

    // A suffixed username can itself be taken; say so rather than let UNIQUE fail.
    auto still = query_text(rec,
        "SELECT group_concat(emp_id, ', ') FROM (SELECT p.emp_id, p.username, "
        "count(*) OVER (PARTITION BY p.username) AS n FROM temp.redline_m1 AS p WHERE p.kind = 'create') AS q "
        "WHERE q.n > 1 OR EXISTS (SELECT 1 FROM users AS u WHERE u.username = q.username)");
    if (!still) return still.error();
    if (*still) {
      return make_error(ErrorCode::Hazard,
                        "username collision not resolved by '" + std::string(to_string(opt.username_collision)) +
                            "': the usernames of employees " + **still + " are still taken",
                        "users.username");
    }

    stmt(rec,
        "INSERT INTO users (id, password, last_login, is_superuser, username, first_name, last_name, email, "
        "is_staff, is_active, date_joined, phone)\n"
        "SELECT target, '', NULL, 0, username, fn, ln, "
        "CASE WHEN em <> '' THEN em ELSE 'employee_' || emp_id || '@temp.com' END, 0, 1, " +
            sql::quote_literal(opt.now) + ", ph\n"
        "FROM temp.redline_m1 WHERE kind = 'create' ORDER BY emp_id");

    if (opt.contact_overwrite != OverwriteResolution::UserWins) {
      // Every employee of a user applies its values in employee id order, as the
      // guide's loop does: with employee_wins the last non-empty value wins; with
      // fill_blanks the user's own value if non-empty, else the first non-empty one.
      // Most users have one such employee: a plain join does them; the few with
      // several get the windowed form.
      const bool ew = opt.contact_overwrite == OverwriteResolution::EmployeeWins;
      const std::string members = "kind IN ('update', 'link', 'link_new')";
      const std::string multi =
          "(SELECT target FROM temp.redline_m1 WHERE " + members + " GROUP BY target HAVING count(*) > 1)";
      // The new value of users.<col> given the employees' value expression `e`.
      auto merged = [&](const std::string& e, const char* col, const std::string& u) {
        return ew ? "CASE WHEN " + e + " <> '' THEN " + e + " ELSE " + u + "." + col + " END"
                  : "CASE WHEN coalesce(" + u + "." + col + ", '') <> '' THEN " + u + "." + col + " ELSE " + e + " END";
      };
      const char* cols[] = {"first_name", "last_name", "email", "phone"};
      const char* vals[] = {"fn", "ln", "em", "ph"};
      std::string set_one, changed_one;
      for (int f = 0; f < 4; ++f) {
        std::string v = merged(std::string("p.") + vals[f], cols[f], "users");
        set_one += (f ? ", " : "") + std::string(cols[f]) + " = " + v;
        changed_one += (f ? " OR " : "") + std::string("users.") + cols[f] + " IS NOT (" + v + ")";
      }
      stmt(rec,
          "UPDATE users SET " + set_one + "\nFROM temp.redline_m1 AS p\n"
          "WHERE users.id = p.target AND p." + members + " AND p.target NOT IN " + multi + "\n  AND (" +
              changed_one + ")");

      const char* order = ew ? "emp_id DESC" : "emp_id";
      auto pick = [&](const char* f) {
        return std::string("first_value(") + f + ") OVER (PARTITION BY target ORDER BY " + f + " <> '' DESC, " +
               order + ") AS " + f;
      };
      std::string merge_many;
      for (int f = 0; f < 4; ++f)
        merge_many += (f ? ", " : "") + merged(std::string("m.") + vals[f], cols[f], "u") + " AS " + vals[f];
      stmt(rec,
          "UPDATE users SET first_name = a.fn, last_name = a.ln, email = a.em, phone = a.ph\n"
          "FROM (SELECT m.target, " + merge_many + "\n"
          "      FROM (SELECT DISTINCT target, " + pick("fn") + ", " + pick("ln") + ", " + pick("em") + ", " +
              pick("ph") + "\n"
          "            FROM temp.redline_m1 WHERE " + members + " AND target IN " + multi + ") AS m\n"
          "      JOIN users AS u ON u.id = m.target) AS a\n"
          "WHERE users.id = a.target AND (users.first_name IS NOT a.fn OR users.last_name IS NOT a.ln "
          "OR users.email IS NOT a.em OR users.phone IS NOT a.ph)");
    }
    stmt(rec,
        "UPDATE employees SET user_id = p.target FROM temp.redline_m1 AS p "
        "WHERE employees.id = p.emp_id AND p.kind <> 'update'");
    stmt(rec, "DROP TABLE temp.redline_m1", Rows::Scratch);
    return ok_status();
  }

  Status m2(StepRecord& rec) {
    REDLINE_TRY(refresh());
    // Django's get_for_model() creates a missing content type for each model, in order.
    std::string values;
    int order = 0;
    for (const auto& at : norm::address_tables()) {
      values += (values.empty() ? "" : ", ") + std::string("(") + std::to_string(++order) + ", " +
                sql::quote_literal(at.model) + ")";
    }
    REDLINE_TRY(run(rec,
        "INSERT INTO django_content_type (app_label, model) SELECT 'crmApp', v.column2 FROM (VALUES " + values +
            ") AS v WHERE NOT EXISTS (SELECT 1 FROM django_content_type AS ct WHERE ct.app_label = 'crmApp' "
            "AND ct.model = v.column2) ORDER BY v.column1"));

    // Half-migrated input: rows that already have an address link are left alone.
    auto linked = query_int(rec, "SELECT EXISTS (SELECT 1 FROM addressables)");
    if (!linked) return linked.error();
    const bool skip_linked = linked->value_or(0) != 0;

    // The rows to migrate, numbered once in M2's order (tables in order, rows in id
    // order) by the staging table's rowid, a slice of a table at a time.
    REDLINE_TRY(run(rec,
        "CREATE TEMP TABLE redline_m2 (rn INTEGER PRIMARY KEY, oid INTEGER NOT NULL, ct INTEGER, "
        "line1, city, state, postal, country)"));
    bool any_table = false;
    for (const auto& at : norm::address_tables()) {
      std::vector<std::string> have;
      for (const auto& c : norm::address_columns(at.table))
        if (cur.has(at.table, c)) have.push_back(c);
      if (have.empty()) {
        rec.note += (rec.note.empty() ? "" : "; ") + std::string(at.table) + " has no address columns left";
        continue;
      }
      any_table = true;
      // A row has address data by the guide's test, which skips zip_code unless the
      // zip_only_address resolution keeps zip-only vendors.
      auto col = [&](const char* c) { return norm::text_or_empty(cur, at.table, c, "t"); };
      const std::string any =
          norm::has_address_data_sql(cur, at.table, "t", opt.zip_only_address == ZipOnlyResolution::Keep);
      // postal_code if non-empty, else zip_code (vendors have only the latter).
      std::string postal = cur.has(at.table, "postal_code") && cur.has(at.table, "zip_code")
                               ? "CASE WHEN " + col("postal_code") + " <> '' THEN " + col("postal_code") +
                                     " ELSE " + col("zip_code") + " END"
                               : cur.has(at.table, "zip_code") ? col("zip_code") : col("postal_code");
      std::string ct = "(SELECT id FROM django_content_type WHERE app_label = 'crmApp' AND model = " +
                       sql::quote_literal(at.model) + ")";
      std::string where = any;
      if (skip_linked)
        where += " AND NOT EXISTS (SELECT 1 FROM addressables AS x WHERE x.content_type_id = " + ct +
                 " AND x.object_id = t.id)";
      const std::string head = "INSERT INTO temp.redline_m2 (oid, ct, line1, city, state, postal, country)\n"
                               "SELECT t.id, " + ct + ", " + col("address") + ", " + col("city") + ", " +
                               col("state") + ", " + postal + ", " + col("country") + " FROM " +
                               sql::quote_ident(at.table) + " AS t WHERE ";
      norm::Ranged stage;
      stage.table = at.table;
      // Slices by rowid keep id order only where id is the rowid; otherwise one slice.
      stage.whole = !id_is_rowid(at.table);
      stage.sql = head + "t.rowid BETWEEN ?1 AND ?2 AND " + where + " ORDER BY t.id";
      stage.shown = [whole = head + where + " ORDER BY t.id"] { return whole; };
      ranged(rec, std::move(stage), Rows::Scratch);
    }
    if (!any_table) return run(rec, "DROP TABLE temp.redline_m2");

    // Ids continue where AUTOINCREMENT would (Django inserts one by one, address then
    // its link), so address n and its addressable are numbered alike: base + n.
    auto next_id = [&](const char* t) {
      return query_int(rec, std::string("SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = '") + t +
                                "'), 0), coalesce((SELECT max(id) FROM " + t + "), 0))");
    };
    auto a0 = next_id("addresses");
    if (!a0) return a0.error();
    auto l0 = next_id("addressables");
    if (!l0) return l0.error();
    std::string abase = std::to_string(a0->value_or(0)), lbase = std::to_string(l0->value_or(0));

    const std::string addresses =
        "INSERT INTO addresses (id, address_line1, address_line2, city, state, postal_code, country, "
        "address_type, is_primary)\n"
        "SELECT " + abase + " + rn, line1, '', city, state, postal, country, 'primary', 1 FROM temp.redline_m2";
    norm::Ranged addr;
    addr.table = "temp.redline_m2";
    addr.sql = addresses + " WHERE rn BETWEEN ?1 AND ?2 ORDER BY rn";
    addr.shown = [whole = addresses + " ORDER BY rn"] { return whole; };
    ranged(rec, std::move(addr));
    const std::string links = "INSERT INTO addressables (id, object_id, address_id, content_type_id)\n"
                              "SELECT " + lbase + " + rn, oid, " + abase + " + rn, ct FROM temp.redline_m2";
    norm::Ranged link;
    link.table = "temp.redline_m2";
    link.sql = links + " WHERE rn BETWEEN ?1 AND ?2 ORDER BY rn";
    link.shown = [whole = links + " ORDER BY rn"] { return whole; };
    ranged(rec, std::move(link));
    stmt(rec, "DROP TABLE temp.redline_m2", Rows::Scratch);
    return ok_status();
  }

  Status m3(StepRecord& rec) {
    REDLINE_TRY(refresh());
    // The vote: deals with a currency counted per organization and code (by the
    // preflight, in slices over deals, into temp.redline_votes; its tie hazard reads
    // the same counts), ranked per organization by count, ties to the smallest code
    // (byte order, the column's BINARY collation).
    if (!votes_ready) return make_error(ErrorCode::Internal, "the preflight did not count the currency votes");
    rec.sql.push_back(std::string("-- run by the preflight (in slices of deals):\n") + norm::kVotesCreate);
    rec.sql.push_back(std::string("-- run by the preflight (in slices of deals):\n") + norm::kVotesFill);
    stmt(rec,
        "UPDATE organizations SET default_currency = v.cur\n"
        "FROM (SELECT org, cur, row_number() OVER (PARTITION BY org ORDER BY n DESC, cur) AS rk\n"
        "      FROM temp.redline_votes) AS v\n"
        "WHERE organizations.id = v.org AND v.rk = 1 AND organizations.default_currency IS NULL");
    stmt(rec, "UPDATE organizations SET default_currency = 'USD' WHERE default_currency IS NULL");
    stmt(rec, "DROP TABLE temp.redline_votes", Rows::Scratch);
    return ok_status();
  }

  // ---- C: contract ----------------------------------------------------------------

  Status c1(StepRecord& rec) {
    REDLINE_TRY(refresh());
    const auto* def = crm::find_table(crm::Shape::After, "employees");
    std::string ddl = def->create_sql;
    const auto* uid = cur.table("employees")->col("user_id");
    if (uid && !uid->not_null) {
      // Until C3, user_id stays nullable: the after DDL with that one column relaxed.
      const std::string strict_col = "\"user_id\" integer NOT NULL REFERENCES";
      auto at = ddl.find(strict_col);
      if (at == std::string::npos) return make_error(ErrorCode::Internal, "after DDL of employees changed", ddl);
      ddl.replace(at, strict_col.size(), "\"user_id\" integer NULL REFERENCES");
    }
    return rebuild(rec, *def, ddl);
  }

  Status c2(StepRecord& rec) {
    REDLINE_TRY(refresh());
    for (const char* t : {"organizations", "customers", "vendors", "leads"}) {
      bool any = false;
      for (const auto& c : norm::dropped_columns(t)) any = any || cur.has(t, c);
      if (!any) {
        rec.note += (rec.note.empty() ? "" : "; ") + std::string(t) + " had no address columns left";
        continue;
      }
      const auto* def = crm::find_table(crm::Shape::After, t);
      REDLINE_TRY(rebuild(rec, *def, def->create_sql));
    }
    return ok_status();
  }

  Status c3(StepRecord& rec) {
    REDLINE_TRY(refresh());
    const auto* uid = cur.table("employees")->col("user_id");
    if (uid && uid->not_null) return ok_status();
    auto missing = query_text(rec,
        "SELECT count(*) || ' (ids ' || group_concat(id, ', ') || ')' FROM (SELECT id FROM employees "
        "WHERE user_id IS NULL ORDER BY id LIMIT 20) HAVING count(*) > 0");
    if (!missing) return missing.error();
    if (*missing)
      return make_error(ErrorCode::BadInput, "employees without a user remain: " + **missing, "employees.user_id");
    const auto* def = crm::find_table(crm::Shape::After, "employees");
    return rebuild(rec, *def, def->create_sql);
  }

  // ---- I, P ------------------------------------------------------------------------

  Status i1(StepRecord& rec) {
    REDLINE_TRY(refresh());
    for (const char* t : {"addressables", "addresses", "employees"}) {
      for (const auto& idx : crm::find_table(crm::Shape::After, t)->index_sql) {
        std::string name = index_name(idx);
        if (is_redline_index(name) && !cur.indexes.count(name)) REDLINE_TRY(build_index(rec, t, idx));
      }
    }
    return ok_status();
  }

  // CREATE INDEX in slices. One CREATE INDEX is one statement SQLite cannot split
  // (~100 ms at 1M rows, over #13's cancel line), so the index is built on a scratch
  // table instead: created empty on it, then filled as the table's rows are copied
  // into it in rowid slices (rowids and values as they are, so the b-tree ends with
  // the content CREATE INDEX would give it); then its schema row moves to the table,
  // with the text CREATE INDEX would have stored, and the scratch table goes. Falls
  // back to the one statement where the scratch copy could differ: an auto-vacuum file
  // (it moves root pages), a table whose columns have a collation, or a table without
  // rowids.
  Status build_index(StepRecord& rec, const std::string& table, const std::string& ddl) {
    static const std::string scratch = "redline_index_build";
    const norm::TableInfo* t = cur.table(table);
    auto vacuum = db.query_int("PRAGMA main.auto_vacuum");
    if (!vacuum) return vacuum.error();
    auto sql_of = table_sql(table);
    if (!sql_of) return sql_of.error();
    const std::string ddl_of = norm::ascii_lower(*sql_of);
    // The "ON table" of the DDL, to point it at the scratch table and back.
    const std::string on_bare = " ON " + table + "(", on_quoted = " ON " + sql::quote_ident(table) + " (";
    std::string on = ddl.find(on_bare) != std::string::npos ? on_bare : on_quoted;
    const auto at = ddl.find(on);
    bool sliced = t && !cur.table(scratch) && vacuum->value_or(1) == 0 && at != std::string::npos &&
                  ddl_of.find("collate") == std::string::npos && ddl_of.find("without rowid") == std::string::npos;
    if (!sliced) {
      stmt(rec, ddl);
      return ok_status();
    }
    const std::string scratch_on = " ON " + sql::quote_ident(scratch) + (on == on_bare ? "(" : " (");
    std::string scratch_ddl = ddl;
    scratch_ddl.replace(at, on.size(), scratch_on);
    // Only the columns the index can name (its text after ON mentions them): less to copy.
    const std::string used = norm::ascii_lower(ddl.substr(at + on.size()));
    std::string cols, defs;
    for (const auto& c : t->columns) {
      if (used.find(norm::ascii_lower(c.name)) == std::string::npos) continue;
      cols += (cols.empty() ? "" : ", ") + sql::quote_ident(c.name);
      defs += (defs.empty() ? "" : ", ") + sql::quote_ident(c.name) + " " + c.type;
    }
    if (cols.empty()) {
      stmt(rec, ddl);
      return ok_status();
    }
    quiet("CREATE TABLE main." + sql::quote_ident(scratch) + " (" + defs + ")");
    quiet(scratch_ddl);
    norm::Ranged copy;
    copy.table = table;
    const std::string whole = "INSERT INTO main." + sql::quote_ident(scratch) + " (rowid, " + cols + ") SELECT rowid, " +
                              cols + " FROM " + sql::quote_ident(table);
    copy.sql = whole + " WHERE rowid BETWEEN ?1 AND ?2";
    copy.shown = [whole] { return whole; };
    queue.then(norm::ranged_task(db, std::move(copy)));
    const std::string name = index_name(ddl);
    auto moved = std::make_shared<std::pair<std::int64_t, std::string>>();  // root page, stored DDL
    later([this, moved, name, on, scratch_on]() -> Status {
      auto row = detach_index(name);
      if (!row) return row.error();
      *moved = std::move(*row);
      const auto back = moved->second.find(scratch_on);
      if (back == std::string::npos) return make_error(ErrorCode::Internal, "index " + name + " has other DDL", moved->second);
      moved->second.replace(back, scratch_on.size(), on);
      return ok_status();
    });
    quiet("DROP TABLE main." + sql::quote_ident(scratch));
    later([this, &rec, moved, name, table, ddl]() -> Status {
      return attach_index(rec, name, table, moved->first, moved->second, ddl);
    });
    return ok_status();
  }

  Status p1(StepRecord& rec) {
    REDLINE_TRY(refresh());
    // What Django's migrate leaves besides the schema and data: the migration records
    // (one per migration of the guide), and from its post_migrate signal the content
    // types of the new models and the default permissions of every content type this
    // run created.
    if (cur.table("django_migrations")) {
      std::string values;
      for (std::size_t k = 0; k < 4; ++k)
        values += (k ? ", " : "") + ("(" + std::to_string(k) + ", " + sql::quote_literal(norm::kMigrationNames[k]) + ")");
      REDLINE_TRY(run(rec,
          "INSERT INTO django_migrations (app, name, applied) SELECT 'crmApp', v.column2, " +
              sql::quote_literal(opt.now) + " FROM (VALUES " + values +
              ") AS v WHERE NOT EXISTS (SELECT 1 FROM django_migrations AS m WHERE m.app = 'crmApp' "
              "AND m.name = v.column2) ORDER BY v.column1"));
    }
    REDLINE_TRY(run(rec,
        "INSERT INTO django_content_type (app_label, model) SELECT 'crmApp', v.column2 FROM "
        "(VALUES (1, 'address'), (2, 'addressable')) AS v WHERE NOT EXISTS (SELECT 1 FROM django_content_type "
        "AS ct WHERE ct.app_label = 'crmApp' AND ct.model = v.column2) ORDER BY v.column1"));
    if (cur.has("auth_permission", "codename")) {
      REDLINE_TRY(run(rec,
          "INSERT INTO auth_permission (content_type_id, codename, name)\n"
          "SELECT ct.id, p.column2 || '_' || ct.model, 'Can ' || p.column2 || ' ' || ct.model\n"
          "FROM django_content_type AS ct, (VALUES (1, 'add'), (2, 'change'), (3, 'delete'), (4, 'view')) AS p\n"
          "WHERE ct.id > " + std::to_string(content_types_at_start) +
              " AND NOT EXISTS (SELECT 1 FROM auth_permission AS ap WHERE ap.content_type_id = ct.id "
              "AND ap.codename = p.column2 || '_' || ct.model)\n"
              "ORDER BY ct.id, p.column1"));
    }
    return ok_status();
  }

  Status run_step(std::size_t k, StepRecord& rec) {
    switch (k) {
      case 0: return e1(rec);
      case 1: return e2(rec);
      case 2: return e3(rec);
      case 3: return m1(rec);
      case 4: return m2(rec);
      case 5: return m3(rec);
      case 6: return c1(rec);
      case 7: return c2(rec);
      case 8: return c3(rec);
      case 9: return i1(rec);
      case 10: return p1(rec);
    }
    return make_error(ErrorCode::Internal, "no such step");
  }

  // Was step k done by the snapshot already? (and why, for the report)
  bool already(std::size_t k, std::string& why) const {
    switch (k) {
      case 0: why = "addresses and addressables exist"; return done.e1;
      case 1: why = "organizations.default_currency exists"; return done.e2;
      case 2: why = "deals, orders and payments currency are nullable"; return done.e3;
      case 3: why = done.migrate_reason; return done.m1;
      case 4: why = done.migrate_reason; return done.m2;
      case 5: why = "every organization has a default currency"; return done.m3;
      case 6: why = "employees has none of the dropped columns"; return done.c1;
      case 7: why = "organizations, customers, vendors and leads have no address columns"; return done.c2;
      case 8: why = "employees.user_id is NOT NULL"; return done.c3;
      case 9: why = "the three indexes exist"; return done.i1;
      case 10: why = "the migrations are recorded and the content types exist"; return done.p1;
    }
    return false;
  }

  // ---- units ------------------------------------------------------------------------

  Status preflight() {
    if (!is_valid_timestamp(opt.now))
      return make_error(ErrorCode::Usage, "the run's timestamp '" + opt.now +
                                              "' is not 'YYYY-MM-DD HH:MM:SS[.ffffff]'", "option now");
    REDLINE_TRY(refresh());
    REDLINE_TRY(norm::check_is_crm(cur));
    for (const auto& [name, t] : cur.tables)
      for (const auto* c : norm::extra_columns(cur, name)) carried.push_back({name, c->name, c->type, c->not_null});
    auto d = norm::already_done(db, cur);
    if (!d) return d.error();
    done = std::move(d.value());

    auto ct = db.query_int("SELECT max(id) FROM django_content_type");
    if (!ct) return ct.error();
    content_types_at_start = ct->value_or(0);

    // Foreign keys off before the transaction (see rebuild()).
    auto fk = db.query_int("PRAGMA foreign_keys");
    if (!fk) return fk.error();
    if (fk->value_or(0) != 0) {
      if (!sqlite3_get_autocommit(db.handle()))
        return make_error(ErrorCode::Usage,
                          "foreign key enforcement is on inside an open transaction; the table rebuilds need it "
                          "off (commit first or turn PRAGMA foreign_keys off)");
      REDLINE_TRY(db.exec("PRAGMA foreign_keys = OFF"));
      restore_foreign_keys = true;
    }
    if (!undo) REDLINE_TRY(without_undo());
    auto s = RunTransaction::begin(db);
    if (!s) return s.error();
    sp.emplace(std::move(s.value()));
    if (adopted) {
      queue.then([this]() -> Result<bool> {
        hazards = std::move(adopted->hazards);
        m1_plan_ready = adopted->m1_plan;
        votes_ready = adopted->votes;
        adopted.reset();
        return hazards_found();
      });
      return ok_status();
    }
    // The hazards, in slices, inside the run's transaction: the temp tables it leaves
    // (M1's plan, M3's vote) are the run's, and go with a rollback.
    preflight_job = std::make_unique<HazardJob>(db, opt, true);
    queue.then([this]() -> Result<bool> {
          Progress p = preflight_job->step(0);  // one slice
          auto finished = outcome(p);
          if (!finished || !*finished) return finished;
          hazards = preflight_job->hazards();
          m1_plan_ready = preflight_job->kept_m1_plan();
          votes_ready = preflight_job->kept_votes();
          preflight_job.reset();
          return hazards_found();
        });
    return ok_status();
  }

  // The preflight's end: resolution 'stop' stops the run here.
  Result<bool> hazards_found() {
    if (opt.username_collision == CollisionResolution::Stop) {
      for (const auto& hz : hazards) {
        if (hz.kind != "username_collision") continue;
        status = "refused";
        return make_error(ErrorCode::Hazard, "stopped before any change: " + hz.message, "resolution 'stop'");
      }
    }
    return true;
  }

  // The result against the after shape (columns, types, nullability, keys, indexes)
  // and the keys the run wrote; a mismatch is a bug, and rolls the run back.
  Status verify() {
    REDLINE_TRY(refresh());
    std::string problems;
    for (const auto& def : crm::tables(crm::Shape::After)) {
      const norm::TableInfo* have = cur.table(def.name);
      if (!have) {
        problems += "; table " + def.name + " is missing";
        continue;
      }
      // The after shape's columns in its order, the carried ones aside.
      std::vector<const norm::ColumnInfo*> known;
      for (const auto& c : have->columns)
        if (def.column(c.name) || !crm::find_table(crm::Shape::Before, def.name) ||
            crm::find_table(crm::Shape::Before, def.name)->column(c.name))
          known.push_back(&c);
      bool same = known.size() == def.columns.size();
      for (std::size_t k = 0; same && k < def.columns.size(); ++k) {
        const auto& a = *known[k];
        const auto& b = def.columns[k];
        same = a.name == b.name && a.type == b.type && a.not_null == b.not_null && a.pk == b.primary_key;
      }
      if (!same) problems += "; table " + def.name + " does not have the after shape's columns";
      for (const auto& idx : def.index_sql)
        if (!cur.indexes.count(index_name(idx))) problems += "; index " + index_name(idx) + " is missing";
    }
    // Every carried column is still there, as it was.
    for (const auto& c : carried) {
      const norm::ColumnInfo* now = cur.table(c.table) ? cur.table(c.table)->col(c.column) : nullptr;
      if (!now || now->type != c.type || now->not_null != c.not_null)
        problems += "; the project's column " + c.table + "." + c.column + " was not carried as it was";
    }
    auto bad_links = db.query_int("SELECT count(*) FROM pragma_foreign_key_check('addressables')");
    if (!bad_links) return bad_links.error();
    if (bad_links->value_or(0) > 0)
      problems += "; " + std::to_string(*bad_links.value()) + " addressables point at missing rows";
    if (m1_ran) {
      auto bad_users = db.query_int(
          "SELECT count(*) FROM employees AS e WHERE NOT EXISTS (SELECT 1 FROM users AS u WHERE u.id = e.user_id)");
      if (!bad_users) return bad_users.error();
      if (bad_users->value_or(0) > 0)
        problems += "; " + std::to_string(*bad_users.value()) + " employees point at missing users";
    }
    if (!problems.empty())
      return make_error(ErrorCode::Internal, "the result failed verification: " + problems.substr(2));
    return ok_status();
  }

  Status finish() {
    later([this]() { return verify(); });
    later([this]() { return commit(); });
    return ok_status();
  }

  Status commit() {
    if (opt.strict && has_blocker(hazards)) {
      std::string kinds;
      for (const auto& h : hazards)
        if (h.severity == Severity::Blocker) kinds += (kinds.empty() ? "" : ", ") + h.kind;
      status = "refused";
      return make_error(ErrorCode::Hazard, "refused (--strict): blocker hazards remain: " + kinds);
    }
    if (check) {
      Status c = check(db);
      if (!c) {
        status = "refused";
        return c.error();
      }
    }
    REDLINE_TRY(sp->release());
    sp.reset();
    restore_settings();
    return ok_status();
  }

  // Foreign keys and the journal as they were before the run.
  void restore_settings() {
    if (restore_foreign_keys) {
      (void)db.exec("PRAGMA foreign_keys = ON");
      restore_foreign_keys = false;
    }
    journal_back();
  }

  // Undo everything: the savepoint rolls the database back to the loaded snapshot.
  void roll_back() {
    queue.clear();
    preflight_job.reset();
    if (sp) {
      (void)sp->rollback();
      sp.reset();
      for (auto& s : steps)
        if (s.status == "done") s.status = "rolled_back";
    }
    // Temp tables are inside the savepoint too; nothing else to clean.
    restore_settings();
  }

  // The job ends in `e` (an error or a cancel): everything is undone.
  void abandon(const Error& e) {
    roll_back();
    if (status.empty()) status = e.code == ErrorCode::Cancelled ? "cancelled" : "failed";
    ended = true;
  }

  // Run one slice of unit `next`; true when the last unit is done. A unit plans its
  // work when it starts (into `queue`), then runs it a slice per call.
  Result<bool> unit() {
    StepRecord* rec = nullptr;
    if (!in_unit) {
      in_unit = true;
      Status s = ok_status();
      if (next == 0) {
        phase = "preflight";
        s = preflight();
      } else if (next <= kStepCount) {
        std::size_t k = next - 1;
        rec = &steps[k];
        phase = rec->id + " " + rec->title;
        std::string why;
        if (already(k, why)) {
          rec->status = "already_done";
          rec->note = why;
          in_unit = false;
          ++next;
          return false;
        }
        queue.then([this, k, rec]() -> Result<bool> {
          REDLINE_TRY(run_step(k, *rec));
          return true;
        });
      } else {
        phase = "final checks and commit";
        s = finish();
      }
      if (!s) return unit_failed(s.error(), rec);
    } else if (next >= 1 && next <= kStepCount) {
      rec = &steps[next - 1];
    }
    auto t0 = Clock::now();
    Status s = queue.run_one();
    if (rec) rec->ms += ms_since(t0);
    if (!s) return unit_failed(s.error(), rec);
    if (!queue.empty()) return false;
    in_unit = false;
    if (rec) rec->status = "done";
    if (next > kStepCount) {
      status = "ok";
      phase = "done";
      ended = true;
      ++next;
      return true;
    }
    ++next;
    return false;
  }

  Error unit_failed(Error e, StepRecord* rec) {
    if (rec) {
      rec->status = "failed";
      e.message = "step " + rec->id + " (" + rec->title + ") failed: " + e.message;
    }
    return e;
  }

  Position position() const {
    return {ended && status == "ok" ? 1.0 : static_cast<double>(next) / static_cast<double>(kUnits), phase};
  }
};

NormalizeJob::NormalizeJob(sql::Database& db, NormalizeOptions options)
    : impl_(std::make_unique<Impl>(db, std::move(options))) {}

NormalizeJob::~NormalizeJob() {
  if (impl_ && !impl_->ended) impl_->roll_back();
}

Result<bool> NormalizeJob::work(double budget_ms) {
  Impl& m = *impl_;
  auto t0 = Clock::now();
  for (;;) {
    auto finished = m.unit();
    if (!finished || *finished) return finished;
    if (ms_since(t0) >= budget_ms) return false;
  }
}

Position NormalizeJob::position() const { return impl_->position(); }
void NormalizeJob::abandon(const Error& why) { impl_->abandon(why); }
Error NormalizeJob::cancelled() const {
  return make_error(ErrorCode::Cancelled, "cancelled: the snapshot is unchanged", impl_->phase);
}

const NormalizeOptions& NormalizeJob::options() const { return impl_->opt; }
const std::vector<Hazard>& NormalizeJob::hazards() const { return impl_->hazards; }
const std::vector<StepRecord>& NormalizeJob::steps() const { return impl_->steps; }
void NormalizeJob::set_statement_hook(StatementHook hook) { impl_->hook = std::move(hook); }
void NormalizeJob::set_commit_check(CommitCheck check) { impl_->check = std::move(check); }
void NormalizeJob::set_no_undo() { impl_->undo = false; }
void NormalizeJob::adopt_preflight(std::vector<Hazard> hazards, bool m1_plan, bool votes) {
  impl_->adopted = Impl::Adopted{std::move(hazards), m1_plan, votes};
}

void NormalizeJob::fill_report(Report& report) const {
  const Impl& m = *impl_;
  report.options = options_to_json(m.opt);
  report.hazards = m.hazards;
  report.carried = m.carried;
  report.steps = m.steps;
  report.status = m.status;
  report.error = error();
  report.timings = m.opt.record_timings;
}

Report normalize(sql::Database& db, const NormalizeOptions& options, ReportInput input) {
  Report r;
  r.input = std::move(input);
  NormalizeJob job(db, options);
  Progress p;
  do {
    p = job.step(1e300);
  } while (p.state == JobState::More);
  job.fill_report(r);
  return r;
}

}  // namespace redline
