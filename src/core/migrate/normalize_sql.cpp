#include "core/migrate/normalize_sql.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <memory>

#include <sqlite3.h>

#include "core/migrate/crm_schema.hpp"

namespace redline::norm {

const char* const kContactColumns[4] = {"first_name", "last_name", "email", "phone"};
const char* const kMigrationNames[4] = {"0002_expand", "0003_migrate_redundant_data", "0004_contract",
                                        "0005_indexes"};

namespace {

// The CRM tables a snapshot must have; everything else is carried through.
const char* const kCrmTables[] = {"users",  "employees", "organizations", "customers", "vendors",
                                  "leads",  "deals",     "orders",        "payments",  "django_content_type"};

}  // namespace

const ColumnInfo* TableInfo::col(std::string_view c) const {
  for (const auto& x : columns)
    if (x.name == c) return &x;
  return nullptr;
}

std::string ascii_lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

bool is_rowid_key(const DbState& s, std::string_view table, std::string_view column) {
  const TableInfo* t = s.table(table);
  if (!t) return false;
  const ColumnInfo* pk = nullptr;
  for (const auto& c : t->columns) {
    if (!c.pk) continue;
    if (pk) return false;
    pk = &c;
  }
  if (!pk || (!column.empty() && column != pk->name)) return false;
  return ascii_lower(pk->type) == "integer";
}

const TableInfo* DbState::table(std::string_view t) const {
  auto it = tables.find(std::string(t));
  return it == tables.end() ? nullptr : &it->second;
}

bool DbState::has(std::string_view t, std::string_view c) const {
  const TableInfo* ti = table(t);
  return ti && ti->has(c);
}

Result<DbState> inspect(sql::Database& db) {
  DbState s;
  // One query for every column of every table (table-valued pragma joined to the schema).
  auto cols = db.prepare(
      "SELECT m.name, p.name, p.type, p.\"notnull\", p.pk FROM sqlite_schema AS m "
      "JOIN pragma_table_info(m.name) AS p WHERE m.type = 'table' ORDER BY m.name, p.cid");
  if (!cols) return cols.error();
  for (;;) {
    auto r = cols->step();
    if (!r) return r.error();
    if (*r == sql::StepResult::Done) break;
    auto& t = s.tables[cols->column_text(0)];
    t.name = cols->column_text(0);
    t.columns.push_back({cols->column_text(1), cols->column_text(2), cols->column_int(3) != 0,
                         cols->column_int(4) != 0});
  }
  auto idx = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index'");
  if (!idx) return idx.error();
  for (;;) {
    auto r = idx->step();
    if (!r) return r.error();
    if (*r == sql::StepResult::Done) break;
    s.indexes.insert(idx->column_text(0));
  }
  if (s.has("django_migrations", "app") && s.has("django_migrations", "name")) {
    auto mig = db.prepare("SELECT name FROM django_migrations WHERE app = 'crmApp'");
    if (!mig) return mig.error();
    for (;;) {
      auto r = mig->step();
      if (!r) return r.error();
      if (*r == sql::StepResult::Done) break;
      s.crm_migrations.insert(mig->column_text(0));
    }
  }
  return s;
}

Status check_is_crm(const DbState& s) {
  std::vector<std::string> missing_tables, missing_columns, unknown_columns;
  for (const char* t : kCrmTables) {
    const TableInfo* have = s.table(t);
    if (!have) {
      missing_tables.push_back(t);
      continue;
    }
    const auto* before = crm::find_table(crm::Shape::Before, t);
    const auto* after = crm::find_table(crm::Shape::After, t);
    // Required: the columns both shapes have. The others come and go with the steps.
    for (const auto& c : before->columns)
      if (after->column(c.name) && !have->has(c.name)) missing_columns.push_back(std::string(t) + "." + c.name);
  }
  // The new tables, when present, must be the ones the after shape defines.
  for (const char* t : {"addresses", "addressables"}) {
    const TableInfo* have = s.table(t);
    if (!have) continue;
    const auto* after = crm::find_table(crm::Shape::After, t);
    for (const auto& c : after->columns)
      if (!have->has(c.name)) missing_columns.push_back(std::string(t) + "." + c.name);
    for (const auto& c : have->columns)
      if (!after->column(c.name)) unknown_columns.push_back(std::string(t) + "." + c.name);
  }
  if (missing_tables.empty() && missing_columns.empty() && unknown_columns.empty()) return ok_status();

  auto list = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& x : v) out += (out.empty() ? "" : ", ") + x;
    return out;
  };
  std::string msg = "this is not a snapshot of the CRM Redline normalizes";
  if (!missing_tables.empty()) msg += "; missing tables: " + list(missing_tables);
  if (!missing_columns.empty()) msg += "; missing columns: " + list(missing_columns);
  if (!unknown_columns.empty())
    msg += "; columns addresses and addressables do not have in the CRM (M2 could not write their rows): " +
           list(unknown_columns);
  return make_error(ErrorCode::BadInput, msg);
}

std::vector<const ColumnInfo*> extra_columns(const DbState& s, std::string_view table) {
  std::vector<const ColumnInfo*> out;
  const TableInfo* have = s.table(table);
  const auto* before = crm::find_table(crm::Shape::Before, table);
  const auto* after = crm::find_table(crm::Shape::After, table);
  if (!have || (!before && !after)) return out;
  for (const auto& c : have->columns)
    if (!(before && before->column(c.name)) && !(after && after->column(c.name))) out.push_back(&c);
  return out;
}

namespace {

// SQLite's identifier comparison: ASCII case-insensitive.
bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lo = [](char ch) { return ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch; };
    if (lo(a[i]) != lo(b[i])) return false;
  }
  return true;
}

// The name a column definition starts with, unquoted ("" if it starts otherwise).
std::string leading_name(std::string_view def) {
  if (def.empty()) return {};
  const char open = def[0];
  const char close = open == '[' ? ']' : open;
  if (open == '"' || open == '`' || open == '\'' || open == '[') {
    std::string out;
    for (std::size_t i = 1; i < def.size(); ++i) {
      if (def[i] == close) {
        if (close != ']' && i + 1 < def.size() && def[i + 1] == close) {  // doubled: one quote
          out += close;
          ++i;
          continue;
        }
        return out;
      }
      out += def[i];
    }
    return {};
  }
  std::size_t end = 0;
  while (end < def.size() && !std::isspace(static_cast<unsigned char>(def[end])) && def[end] != '(') ++end;
  return std::string(def.substr(0, end));
}

}  // namespace

Result<TableSql> split_table_sql(const std::string& create_sql, const std::vector<std::string>& names) {
  auto fail = [&](const std::string& why) {
    return make_error(ErrorCode::BadInput, "cannot read a table's column definitions: " + why,
                      create_sql.substr(0, 120));
  };
  std::vector<std::string> parts;
  std::string piece;
  int depth = 0;
  bool closed = false;
  for (std::size_t i = 0; i < create_sql.size() && !closed; ++i) {
    const char ch = create_sql[i];
    std::size_t skip_to = i;  // the last byte of a quoted run or a comment
    if (ch == '\'' || ch == '"' || ch == '`' || ch == '[') {
      const char close = ch == '[' ? ']' : ch;
      skip_to = i + 1;
      for (;; ++skip_to) {
        if (skip_to >= create_sql.size()) return fail("a quote is not closed");
        if (create_sql[skip_to] != close) continue;
        if (close != ']' && skip_to + 1 < create_sql.size() && create_sql[skip_to + 1] == close) {
          ++skip_to;  // a doubled quote inside
          continue;
        }
        break;
      }
    } else if (ch == '-' && i + 1 < create_sql.size() && create_sql[i + 1] == '-') {
      skip_to = create_sql.find('\n', i);
      if (skip_to == std::string::npos) skip_to = create_sql.size() - 1;
    } else if (ch == '/' && i + 1 < create_sql.size() && create_sql[i + 1] == '*') {
      skip_to = create_sql.find("*/", i + 2);
      if (skip_to == std::string::npos) return fail("a comment is not closed");
      ++skip_to;
    } else if (ch == '(') {
      if (++depth == 1) continue;
    } else if (ch == ')') {
      if (--depth == 0) {
        parts.push_back(piece);
        closed = true;
        continue;
      }
    } else if (ch == ',' && depth == 1) {
      parts.push_back(piece);
      piece.clear();
      continue;
    }
    if (depth >= 1) piece.append(create_sql, i, skip_to - i + 1);
    i = skip_to;
  }
  if (!closed) return fail("no closing parenthesis");
  for (auto& p : parts) {
    std::size_t a = 0, b = p.size();
    while (a < b && std::isspace(static_cast<unsigned char>(p[a]))) ++a;
    while (b > a && std::isspace(static_cast<unsigned char>(p[b - 1]))) --b;
    p = p.substr(a, b - a);
  }
  if (parts.size() < names.size()) return fail("fewer definitions than columns");
  TableSql out;
  for (std::size_t k = 0; k < parts.size(); ++k) {
    if (k < names.size()) {
      if (!same_name(leading_name(parts[k]), names[k]))
        return fail("definition " + std::to_string(k + 1) + " is not column " + names[k]);
      out.columns.push_back(std::move(parts[k]));
    } else {
      out.constraints.push_back(std::move(parts[k]));
    }
  }
  return out;
}

const std::vector<AddressTable>& address_tables() {
  static const std::vector<AddressTable> t = {{"organizations", "organization"},
                                              {"customers", "customer"},
                                              {"vendors", "vendor"},
                                              {"leads", "lead"},
                                              {"employees", "employee"}};
  return t;
}

std::vector<std::string> dropped_columns(std::string_view table) {
  std::vector<std::string> out;
  const auto* before = crm::find_table(crm::Shape::Before, table);
  const auto* after = crm::find_table(crm::Shape::After, table);
  if (!before || !after) return out;
  for (const auto& c : before->columns)
    if (!after->column(c.name)) out.push_back(c.name);
  return out;
}

std::vector<std::string> address_columns(std::string_view table) {
  std::vector<std::string> out;
  for (const auto& c : dropped_columns(table))
    if (c == "address" || c == "city" || c == "state" || c == "country" || c == "postal_code" ||
        c == "zip_code")
      out.push_back(c);
  return out;
}

Result<Done> already_done(sql::Database& db, const DbState& s) {
  Done d;
  d.e1 = s.table("addresses") && s.table("addressables");
  d.e2 = s.has("organizations", "default_currency");
  d.e3 = true;
  for (const char* t : {"deals", "orders", "payments"}) {
    const TableInfo* ti = s.table(t);
    const ColumnInfo* c = ti ? ti->col("currency") : nullptr;
    if (c && c->not_null) d.e3 = false;
  }

  // M1 and M2 change data in ways the data cannot show afterwards, so they count as
  // done when Django recorded the data migration, or when the contract has started
  // (a column the contract drops is gone: the contract only runs after them).
  bool recorded = s.crm_migrations.count(kMigrationNames[1]) > 0;
  std::string contract_started;
  for (const auto& at : address_tables()) {
    for (const auto& c : dropped_columns(at.table)) {
      if (!s.has(at.table, c)) {
        contract_started = std::string(at.table) + "." + c;
        break;
      }
    }
    if (!contract_started.empty()) break;
  }
  if (recorded) d.migrate_reason = "django_migrations records crmApp.0003_migrate_redundant_data";
  else if (!contract_started.empty())
    d.migrate_reason = "the contract has started (" + contract_started + " is gone)";
  d.m1 = d.m2 = !d.migrate_reason.empty();

  // M3 only fills NULLs, so the data tells: done when every organization has one.
  if (d.e2) {
    auto nulls = db.query_int("SELECT count(*) FROM organizations WHERE default_currency IS NULL");
    if (!nulls) return nulls.error();
    d.m3 = nulls->value_or(0) == 0;
  }

  d.c1 = true;
  for (const auto& c : dropped_columns("employees"))
    if (s.has("employees", c)) d.c1 = false;
  d.c2 = true;
  for (const char* t : {"organizations", "customers", "vendors", "leads"})
    for (const auto& c : dropped_columns(t))
      if (s.has(t, c)) d.c2 = false;
  const ColumnInfo* uid = s.table("employees") ? s.table("employees")->col("user_id") : nullptr;
  d.c3 = uid && uid->not_null;

  d.i1 = true;
  for (const char* i : {"idx_addressables_content_type", "idx_addresses_is_primary", "idx_employees_user"})
    if (!s.indexes.count(i)) d.i1 = false;

  d.p1 = true;
  for (const char* m : kMigrationNames)
    if (!s.crm_migrations.count(m)) d.p1 = false;
  if (d.p1) {
    auto cts = db.query_int(
        "SELECT count(*) FROM django_content_type WHERE app_label = 'crmApp' AND model IN ('address', 'addressable')");
    if (!cts) return cts.error();
    d.p1 = cts->value_or(0) == 2;
  }
  return d;
}

std::string text_or_empty(const DbState& s, std::string_view table, std::string_view col,
                          std::string_view alias) {
  if (!s.has(table, col)) return "''";
  return "coalesce(" + std::string(alias) + "." + sql::quote_ident(col) + ", '')";
}

std::string has_address_data_sql(const DbState& s, std::string_view table, std::string_view alias, bool zip_too) {
  std::string any;
  for (const auto& c : address_columns(table)) {
    if (!s.has(table, c) || (c == "zip_code" && !zip_too)) continue;
    any += (any.empty() ? "" : " OR ") + text_or_empty(s, table, c, alias) + " <> ''";
  }
  return any.empty() ? "0" : "(" + any + ")";
}

std::string zip_only_sql(const DbState& s, std::string_view alias) {
  if (!s.has("vendors", "zip_code")) return "0";
  return "(" + text_or_empty(s, "vendors", "zip_code", alias) + " <> '' AND NOT " +
         has_address_data_sql(s, "vendors", alias, false) + ")";
}

std::string m1_plan_sql(const DbState& s, CollisionResolution resolution, std::string_view last_user_id) {
  const bool link = resolution == CollisionResolution::Link;
  const bool suffix = resolution == CollisionResolution::Suffix;
  std::string fn = text_or_empty(s, "employees", "first_name", "e");
  std::string ln = text_or_empty(s, "employees", "last_name", "e");
  std::string em = text_or_empty(s, "employees", "email", "e");
  std::string ph = text_or_empty(s, "employees", "phone", "e");
  // The largest id AUTOINCREMENT has handed out: Django's next user gets this + 1.
  std::string base =
      "max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'users'), 0), "
      "coalesce((SELECT max(id) FROM users), 0))";
  if (!s.table("sqlite_sequence")) base = "coalesce((SELECT max(id) FROM users), 0)";
  if (!last_user_id.empty()) base = std::string(last_user_id);

  std::string q;
  q += "WITH e AS (\n";
  // A user_id pointing at a missing user counts as no user (decision: the employee
  // gets a new user, so its contact data is kept).
  q += "  SELECT e.id AS emp_id, u.id AS uid, " + fn + " AS fn, " + ln + " AS ln, " + em + " AS em, " + ph +
       " AS ph\n";
  q += "  FROM employees AS e LEFT JOIN users AS u ON u.id = e.user_id\n";
  q += "), c AS (\n";
  q += "  SELECT emp_id, CASE WHEN em <> '' THEN em ELSE 'employee_' || emp_id END AS want FROM e WHERE uid IS NULL\n";
  q += "), g AS (\n";
  q += "  SELECT c.emp_id, c.want, (SELECT u.id FROM users AS u WHERE u.username = c.want) AS taken_by,\n";
  q += "         row_number() OVER (PARTITION BY c.want ORDER BY c.emp_id) AS rn,\n";
  q += "         count(*) OVER (PARTITION BY c.want) AS grp_n,\n";
  q += "         min(c.emp_id) OVER (PARTITION BY c.want) AS first_id\n";
  q += "  FROM c\n";
  q += "), k AS (\n";
  q += "  SELECT e.emp_id, e.uid, e.fn, e.ln, e.em, e.ph, g.want, g.taken_by, g.grp_n, g.first_id,\n";
  q += "    CASE WHEN e.uid IS NOT NULL THEN 'update'\n";
  if (link) {
    q += "         WHEN g.taken_by IS NOT NULL THEN 'link'\n";
    q += "         WHEN g.rn > 1 THEN 'link_new'\n";
  }
  q += "         ELSE 'create' END AS kind,\n";
  if (suffix) {
    q += "    CASE WHEN e.uid IS NULL AND (g.taken_by IS NOT NULL OR g.rn > 1) THEN g.want || '-' || e.emp_id\n";
    q += "         ELSE g.want END AS username\n";
  } else {
    q += "    g.want AS username\n";
  }
  q += "  FROM e LEFT JOIN g ON g.emp_id = e.emp_id\n";
  q += "), n AS (\n";
  q += "  SELECT emp_id, (SELECT " + base + ") + row_number() OVER (ORDER BY emp_id) AS new_uid\n";
  q += "  FROM k WHERE kind = 'create'\n";
  q += ")\n";
  q += "SELECT k.emp_id, k.kind,\n";
  q += "  CASE k.kind WHEN 'update' THEN k.uid WHEN 'link' THEN k.taken_by WHEN 'create' THEN n.new_uid\n";
  q += "    ELSE (SELECT n2.new_uid FROM n AS n2 WHERE n2.emp_id = k.first_id) END AS target,\n";
  q += "  CASE WHEN k.kind = 'create' THEN k.username END AS username,\n";
  q += "  k.fn, k.ln, k.em, k.ph, k.want, k.taken_by, k.grp_n\n";
  q += "FROM k LEFT JOIN n ON n.emp_id = k.emp_id\n";
  return q;
}

const char* const kM1PlanTable = "temp.redline_m1";
const char* const kM1PlanCreate =
    "CREATE TEMP TABLE redline_m1 (emp_id INTEGER PRIMARY KEY, kind TEXT NOT NULL, target INTEGER, "
    "username TEXT, fn TEXT NOT NULL, ln TEXT NOT NULL, em TEXT NOT NULL, ph TEXT NOT NULL, want TEXT, "
    "taken_by INTEGER, grp_n INTEGER)";
const char* const kVotesTable = "temp.redline_votes";
const char* const kVotesCreate = "CREATE TEMP TABLE redline_votes (org, cur, n INTEGER)";
const char* const kVotesFill =
    "INSERT INTO temp.redline_votes (org, cur, n) SELECT organization_id, currency, count(*) FROM deals "
    "WHERE currency IS NOT NULL GROUP BY organization_id, currency ORDER BY organization_id, currency";

std::string m1_plan_insert_sql(const DbState& s, CollisionResolution resolution) {
  return "INSERT INTO temp.redline_m1 (emp_id, kind, target, username, fn, ln, em, ph, want, taken_by, grp_n)\n"
         "SELECT emp_id, kind, target, username, fn, ln, em, ph, want, taken_by, grp_n FROM (\n" +
         m1_plan_sql(s, resolution) + ") ORDER BY emp_id";
}

StepQueue::Task ranged_task(sql::Database& db, Ranged r) {
  struct State {
    bool started = false;
    bool finished = false;
    std::int64_t lo = 0;
    sql::Statement main, bound;
  };
  auto st = std::make_shared<State>();
  return [&db, r = std::move(r), st]() -> Result<bool> {
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    const std::string table = r.table.rfind("temp.", 0) == 0 ? "temp." + sql::quote_ident(r.table.substr(5))
                                                              : sql::quote_ident(r.table);
    if (!st->started) {
      st->started = true;
      auto lo = db.query_int("SELECT min(rowid) FROM " + table);
      if (!lo) return lo.error();
      if (!*lo) {  // no rows: nothing to run
        st->finished = true;
        if (r.done) REDLINE_TRY(r.done());
        return true;
      }
      st->lo = r.whole ? std::numeric_limits<std::int64_t>::min() : **lo;
      auto m = db.prepare(r.sql);
      if (!m) return m.error();
      st->main = std::move(m.value());
      auto b = db.prepare("SELECT rowid FROM " + table + " WHERE rowid >= ?1 ORDER BY rowid LIMIT 1 OFFSET " +
                          std::to_string(kSliceRows - 1));
      if (!b) return b.error();
      st->bound = std::move(b.value());
    }
    // The slice ends at the kSliceRows-th row from `lo` (rowids may have gaps).
    std::int64_t hi = kMax;
    if (!r.whole) {
      REDLINE_TRY(st->bound.reset());
      REDLINE_TRY(st->bound.bind_int(1, st->lo));
      auto b = st->bound.step();
      if (!b) return b.error();
      if (*b == sql::StepResult::Row) hi = st->bound.column_int(0);
      REDLINE_TRY(st->bound.reset());
    }
    sql::Statement& m = st->main;
    REDLINE_TRY(m.reset());
    REDLINE_TRY(m.bind_int(1, st->lo));
    REDLINE_TRY(m.bind_int(2, hi));
    if (r.bind) REDLINE_TRY(r.bind(m));
    auto before = sqlite3_total_changes64(db.handle());
    for (;;) {
      auto s = m.step();
      if (!s) return s.error();
      if (*s == sql::StepResult::Done) break;
      if (r.row) REDLINE_TRY(r.row(m));
    }
    REDLINE_TRY(m.reset());
    if (r.after) REDLINE_TRY(r.after(sqlite3_total_changes64(db.handle()) - before));
    if (hi == kMax) {
      st->main = sql::Statement();
      st->bound = sql::Statement();
      if (r.done) REDLINE_TRY(r.done());
      return true;
    }
    st->lo = hi + 1;
    return false;
  };
}

}  // namespace redline::norm
