// The verification checklist on the data. Each item is a few set-based queries on
// one side (or a streamed comparison of both sides by id: the API items), so the two
// databases never need to share a connection.
#include "core/review/checks.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <iterator>
#include <limits>
#include <memory>
#include <optional>
#include <set>

#include "core/migrate/crm_schema.hpp"
#include "core/migrate/normalize_sql.hpp"

namespace redline {

const char* to_string(CheckStatus s) {
  switch (s) {
    case CheckStatus::Pass: return "pass";
    case CheckStatus::Fail: return "fail";
    case CheckStatus::Warn: return "warn";
    case CheckStatus::Manual: return "manual";
  }
  return "fail";
}

namespace {

using nlohmann::ordered_json;
using norm::DbState;

constexpr const char* kData = "data_integrity";
constexpr const char* kApi = "api_compatibility";
constexpr const char* kPerf = "performance";
constexpr const char* kFront = "frontend";

struct ManualDef {
  const char* id;
  const char* group;
  const char* title;
};
constexpr ManualDef kManual[] = {
    {"perf_response_times", kPerf, "API response times acceptable"},
    {"perf_n_plus_one", kPerf, "No N+1 query issues (employee name/email/address now read through joins)"},
    {"perf_memory", kPerf, "Memory usage normal"},
    {"frontend_employee_list", kFront, "Employee list displays correctly"},
    {"frontend_employee_create", kFront, "Employee creation flow works (POST /users/, then POST /employees/ with user_id)"},
    {"frontend_org_settings", kFront, "Organization settings save correctly (default_currency)"},
    {"frontend_deal_order_forms", kFront, "Deal/Order forms work (currency may be empty: resolved from the organization)"},
    {"frontend_address_fields", kFront, "Address fields display/edit correctly"},
};

std::string text_of(const sql::Statement& st, int c) { return st.column_is_null(c) ? std::string() : st.column_text(c); }

Result<std::vector<std::int64_t>> ids_of(sql::Database& db, const std::string& q) {
  auto ids = sql::int_column(db, q);
  if (!ids) return ids.error();
  std::vector<std::int64_t> out = std::move(*ids);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string id_list(const std::vector<std::int64_t>& ids, std::size_t max = 8) {
  std::string out;
  for (std::size_t k = 0; k < ids.size() && k < max; ++k) out += (k ? ", " : "") + std::to_string(ids[k]);
  if (ids.size() > max) out += ", ...";
  return out;
}

// Quoted for a one-line detail: control characters shown as escapes, long values cut.
std::string shown(const std::string& v) {
  std::string o = "'";
  std::size_t n = 0;
  for (unsigned char c : v) {
    if (++n > 60) {
      o += "...";
      break;
    }
    if (c == '\n') o += "\\n";
    else if (c == '\t') o += "\\t";
    else if (c == '\r') o += "\\r";
    else o += static_cast<char>(c);
  }
  return o + "'";
}

void add_rows(CheckItem& it, const std::string& table, std::vector<std::int64_t> ids) {
  if (ids.empty()) return;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  for (auto& r : it.rows) {
    if (r.table != table) continue;
    r.ids.insert(r.ids.end(), ids.begin(), ids.end());
    std::sort(r.ids.begin(), r.ids.end());
    r.ids.erase(std::unique(r.ids.begin(), r.ids.end()), r.ids.end());
    r.count = r.ids.size();
    return;
  }
  const std::size_t n = ids.size();
  it.rows.push_back({table, std::move(ids), n});
}

std::size_t row_count(const CheckItem& it) {
  std::size_t n = 0;
  for (const auto& r : it.rows) n += r.ids.size();
  return n;
}

CheckItem item(const char* id, const char* group, const char* title) {
  CheckItem it;
  it.id = id;
  it.group = group;
  it.title = title;
  return it;
}

CheckItem missing_item(const char* id, const char* group, const char* title, const std::string& why) {
  CheckItem it = item(id, group, title);
  it.status = CheckStatus::Fail;
  it.detail = "cannot be checked: " + why;
  return it;
}

// A transaction that is always undone: the POST checks write into the after database
// and take it all back. When it is the outermost transaction the undo is a plain
// ROLLBACK (ROLLBACK TO + RELEASE would commit an empty transaction and bump the
// file change counter, so the after image would no longer be byte-identical).
class Scratch {
 public:
  static Result<Scratch> begin(sql::Database& db) {
    const bool outer = sqlite3_get_autocommit(db.handle()) != 0;
    REDLINE_TRY(db.exec(outer ? "BEGIN" : "SAVEPOINT redline_check"));
    return Scratch(&db, outer);
  }
  Scratch(Scratch&& o) noexcept : db_(o.db_), outer_(o.outer_) { o.db_ = nullptr; }
  Scratch& operator=(Scratch&&) = delete;
  ~Scratch() {
    if (db_) (void)db_->exec(outer_ ? "ROLLBACK" : "ROLLBACK TO redline_check; RELEASE redline_check");
  }

 private:
  Scratch(sql::Database* db, bool outer) : db_(db), outer_(outer) {}
  sql::Database* db_;
  bool outer_;
};

// ---- what the API returns, as SQL over either side's schema -----------------------------

const char* const kAddressApiFields[5] = {"address", "city", "state", "postal_code", "country"};
const char* const kAddressTargets[5] = {"address_line1", "city", "state", "postal_code", "country"};

bool has_addresses(const DbState& s) {
  return s.has("addresses", "is_primary") && s.has("addressables", "object_id") && s.table("django_content_type");
}

// The primary address of row `alias`.id of `model`: the first (by id) primary address
// linked to it, as the models' address properties read it.
std::string primary_address_join(const std::string& model, const std::string& alias) {
  return " LEFT JOIN addresses AS a ON a.id = (SELECT x.address_id FROM addressables AS x JOIN addresses AS p "
         "ON p.id = x.address_id WHERE x.content_type_id = (SELECT id FROM django_content_type WHERE "
         "app_label = 'crmApp' AND model = " + sql::quote_literal(model) + ") AND x.object_id = " + alias +
         ".id AND coalesce(p.is_primary, 0) <> 0 ORDER BY p.id LIMIT 1)";
}

// GET /employees/ contact fields: the columns while the table has them, else the user's.
std::string api_employee_contact(const DbState& s) {
  std::string q = "SELECT e.id";
  const bool via_user = s.has("employees", "user_id") && s.table("users");
  for (const char* f : norm::kContactColumns) {
    if (s.has("employees", f)) q += ", coalesce(e." + sql::quote_ident(f) + ", '')";
    else if (via_user && s.has("users", f)) q += ", coalesce(u." + sql::quote_ident(f) + ", '')";
    else q += ", ''";
  }
  q += " FROM employees AS e";
  if (via_user) q += " LEFT JOIN users AS u ON u.id = e.user_id";
  return q + " ORDER BY e.id";
}

// GET address fields of `table` (model `model`); `extra` adds after-only columns.
std::string api_address(const DbState& s, const std::string& table, const std::string& model,
                        const std::string& extra = {}) {
  std::string q = "SELECT o.id";
  const bool addr = has_addresses(s);
  for (int k = 0; k < 5; ++k) {
    const char* f = kAddressApiFields[k];
    if (s.has(table, f)) q += ", coalesce(o." + sql::quote_ident(f) + ", '')";
    else if (addr) q += ", coalesce(a." + std::string(kAddressTargets[k]) + ", '')";
    else q += ", ''";
  }
  q += extra + " FROM " + sql::quote_ident(table) + " AS o";
  if (addr) q += primary_address_join(model, "o");
  return q + " ORDER BY o.id";
}

std::string resolved_currency(const DbState& s, const std::string& alias) {
  if (!s.has("organizations", "default_currency")) return alias + ".currency";
  return "CASE WHEN coalesce(" + alias + ".currency, '') <> '' THEN " + alias +
         ".currency ELSE (SELECT o.default_currency FROM organizations AS o WHERE o.id = " + alias +
         ".organization_id) END";
}

// GET /deals/ currency (old) / resolved_currency (new); `twice` repeats it as the
// column that must not be empty.
std::string api_deals(const DbState& s, bool twice = false) {
  const std::string r = resolved_currency(s, "d");
  return "SELECT d.id, " + r + (twice ? ", " + r : std::string()) + " FROM deals AS d ORDER BY d.id";
}

struct ApiResult {
  std::vector<std::int64_t> failing;  // rows whose non-empty old value the new API does not return
  std::vector<std::int64_t> missing;  // rows the after lacks
  std::int64_t rows = 0, identical = 0, filled = 0;
  ordered_json examples = ordered_json::array();  // up to 5: {id, field, old, new}
};

// An API comparison in progress: its two cursors and what it found so far. It reads
// kApiRows rows of the before per call (a whole table took up to ~18 ms at 200k rows).
struct ApiScan {
  std::optional<sql::Statement> b, a;
  bool more_b = false, more_a = false;
  ApiResult out;
};
constexpr std::int64_t kApiRows = 4096;

// Compare the old API (`bq` over before: id, n values) with the new (`aq` over after:
// id, n values, then `required` more that must be non-empty), row by row by id; a part
// per call, true when done (the result in s.out).
Result<bool> compare_api(ApiScan& s, sql::Database& before, const std::string& bq, sql::Database& after,
                         const std::string& aq, const std::vector<std::string>& fields,
                         const std::vector<std::string>& required = {}) {
  auto step = [](sql::Statement& st) -> Result<bool> {
    auto r = st.step();
    if (!r) return r.error();
    return *r == sql::StepResult::Row;
  };
  if (!s.b) {
    auto b = before.prepare(bq);
    if (!b) return b.error();
    auto a = after.prepare(aq);
    if (!a) return a.error();
    s.b.emplace(std::move(b.value()));
    s.a.emplace(std::move(a.value()));
    auto hb = step(*s.b);
    if (!hb) return hb.error();
    auto ha = step(*s.a);
    if (!ha) return ha.error();
    s.more_b = *hb;
    s.more_a = *ha;
    return false;
  }
  sql::Statement* b = &*s.b;
  sql::Statement* a = &*s.a;
  ApiResult& out = s.out;
  bool& more_b = s.more_b;
  bool& more_a = s.more_a;
  const int n = static_cast<int>(fields.size());
  for (std::int64_t rows = 0; more_b && rows < kApiRows; ++rows) {
    const std::int64_t id = b->column_int(0);
    while (more_a && a->column_int(0) < id) {
      auto r = step(*a);
      if (!r) return r.error();
      more_a = *r;
    }
    ++out.rows;
    if (!more_a || a->column_int(0) != id) {
      out.missing.push_back(id);
    } else {
      bool bad = false, same = true;
      for (int c = 1; c <= n; ++c) {
        std::string ov = text_of(*b, c), nv = text_of(*a, c);
        if (ov == nv) continue;
        same = false;
        if (ov.empty()) {
          continue;
        }
        bad = true;
        if (out.examples.size() < 5)
          out.examples.push_back({{"id", id}, {"field", fields[static_cast<std::size_t>(c - 1)]}, {"old", ov}, {"new", nv}});
      }
      for (std::size_t k = 0; k < required.size(); ++k) {
        const int c = n + 1 + static_cast<int>(k);
        if (!text_of(*a, c).empty()) continue;
        bad = true;
        if (out.examples.size() < 5)
          out.examples.push_back({{"id", id}, {"field", required[k]}, {"old", nullptr}, {"new", a->column_is_null(c) ? ordered_json(nullptr) : ordered_json("")}});
      }
      if (bad) out.failing.push_back(id);
      else if (same) ++out.identical;
      else ++out.filled;
    }
    auto r = step(*b);
    if (!r) return r.error();
    more_b = *r;
  }
  if (more_b) return false;
  s.a.reset();
  s.b.reset();
  return true;
}

CheckItem api_item(const char* id, const char* title, const char* endpoint, const char* table, ApiResult r) {
  CheckItem it = item(id, kApi, title);
  add_rows(it, table, r.failing);
  add_rows(it, table, r.missing);
  it.status = it.rows.empty() ? CheckStatus::Pass : CheckStatus::Fail;
  const std::string n = std::to_string(r.rows);
  if (it.rows.empty()) {
    it.detail = std::string(endpoint) + ": all " + n + " rows compatible (" + std::to_string(r.identical) +
                " identical, " + std::to_string(r.filled) + " with empty old values now filled)";
  } else {
    it.detail = std::string(endpoint) + ": " + plural(r.failing.size(), "row returns", "rows return") +
                " other values than before";
    if (!r.missing.empty()) it.detail += ", " + plural(r.missing.size(), "row is", "rows are") + " gone";
    if (!r.examples.empty()) {
      const auto& e = r.examples[0];
      it.detail += " (e.g. " + std::string(table) + " " + std::to_string(e["id"].get<std::int64_t>()) + " " +
                   e["field"].get<std::string>() + ": " +
                   (e["old"].is_null() ? std::string("-") : shown(e["old"].get<std::string>())) + " -> " +
                   (e["new"].is_null() ? std::string("NULL") : shown(e["new"].get<std::string>())) + ")";
    }
  }
  if (!r.examples.empty()) it.extra["examples"] = std::move(r.examples);
  return it;
}

// ---- the checklist ------------------------------------------------------------------------

// One declared key of a table: the condition (over alias c) under which a row's key
// points at no row, and its column when the key has one column (else empty).
struct DanglingKey {
  std::string cond;
  std::string column;
  // A one-column key to a parent's INTEGER PRIMARY KEY: its walk joins the parent
  // (`join`, at most one row each) and reads `dangles` instead of evaluating `cond`'s
  // NOT EXISTS per row, whose subquery seeks from the root every time; the join's
  // cursor stays where the last row left it, and in key order the next parent is
  // mostly the same row or the one after it (~1.5-2x fewer cycles).
  std::string join, dangles;
};

// The key values a walk of one key in key order has reached: the last value and rowid
// looked at (a copy of SQLite's value, kept as stored: the next call compares with it).
using ValueRef = std::shared_ptr<sqlite3_value>;

// How far foreign_keys_intact has got: it looks at one table at a time, and at a
// large table a bounded number of rows per call, since the largest tables' lookups
// take longer than the page's slice.
struct ForeignKeyScan {
  bool started = false;
  std::vector<std::pair<std::string, std::vector<DanglingKey>>> now;  // table -> its keys in the after
  std::map<std::string, std::string> was;                             // table -> dangling condition in the before
  std::size_t next = 0;
  // Within table `next`: `planned` once its keys are split into walks and the rest.
  bool planned = false;
  // Keys walked in key order through an index on their column (the parent probed in
  // key order: the same parent pages again and again, ~4x fewer cycles than rowid order).
  std::vector<DanglingKey> walks;
  std::size_t walk = 0;
  ValueRef at;             // unset before the walk's first row
  std::int64_t at_rowid = 0;
  std::int64_t walked = 0;  // rows the walk looked at, against count(column) when it ends
  // The other keys (no index, several columns), combined, looked at by rowid ranges:
  // the next rowid to look at and the table's largest (unset before its first range).
  std::string rest;
  std::int64_t from = 0;
  std::optional<std::int64_t> last;
  bool rest_done = false;
  // The table's dangling rowids found so far; then looked up in the before in order.
  std::vector<std::int64_t> found;
  bool sorted = false;
  std::size_t probed = 0;
  std::map<std::string, std::vector<std::int64_t>> broken, old;
  // Then the addressables: 0 their content types, 1.. each address table's objects.
  std::size_t link_part = 0;
  std::vector<std::int64_t> bad_links;
};

// Rows per call of foreign_keys_intact: at 200k rows a whole table's anti-joins took
// up to ~25 ms; this many rows take a few.
constexpr std::int64_t kForeignKeyRange = 8192;

// How far currency_codes_valid has got: one table per call (each ~4 ms at 200k rows).
struct CurrencyScan {
  std::size_t next = 0;
  std::string where;
  std::vector<std::pair<std::string, std::vector<std::int64_t>>> found;
};

struct Ctx {
  sql::Database& before;
  sql::Database& after;
  const ChecksInput& in;
  DbState sb, sa;
  ForeignKeyScan fk;
  CurrencyScan cur;
  ApiScan api;
};

Result<CheckItem> employees_have_users(Ctx& c) {
  const char* title = "All employees have user accounts";
  if (!c.sa.has("employees", "user_id") || !c.sa.table("users"))
    return missing_item("employees_have_users", kData, title, "employees.user_id or users is missing");
  CheckItem it = item("employees_have_users", kData, title);
  auto ids = ids_of(c.after, "SELECT e.id FROM employees AS e WHERE e.user_id IS NULL OR NOT EXISTS "
                             "(SELECT 1 FROM users AS u WHERE u.id = e.user_id)");
  if (!ids) return ids.error();
  add_rows(it, "employees", *ids);
  auto total = c.after.query_int("SELECT count(*) FROM employees");
  if (!total) return total.error();
  it.status = ids->empty() ? CheckStatus::Pass : CheckStatus::Fail;
  it.detail = ids->empty() ? "all " + std::to_string(total->value_or(0)) + " employees point at an existing user"
                           : plural(ids->size(), "employee has", "employees have") + " no user (" + id_list(*ids) + ")";
  return it;
}

Result<CheckItem> addresses_migrated(Ctx& c) {
  CheckItem it = item("addresses_migrated", kData, "All address data migrated");
  const Moves& mv = *c.in.moves;
  std::int64_t with_data = 0, ok = 0;
  std::string tables;
  for (const auto& t : mv.address_tables) {
    std::vector<std::int64_t> bad;
    for (const auto& r : t.moved) {
      if (!r.has_data) continue;
      if (mv.zip_only_skipped(r)) {
        --with_data;  // not address data by the guide's test (lossless lists its zip code)
        continue;
      }
      bool good = r.primaries == 1;
      for (std::size_t k = 0; k < t.columns.size(); ++k) good = good && r.fields[k] != Fate::Lost;
      if (good) ++ok;
      else bad.push_back(r.object_id);
    }
    with_data += t.rows_with_data;
    tables += (tables.empty() ? "" : ", ") + t.table;
    add_rows(it, t.table, bad);
  }
  if (mv.address_tables.empty()) {
    it.detail = "the before has no address columns: nothing to migrate";
    return it;
  }
  it.status = it.rows.empty() ? CheckStatus::Pass : CheckStatus::Fail;
  if (it.rows.empty()) {
    it.detail = "all " + std::to_string(with_data) + " rows with address data (" + tables +
                ") have exactly one primary address with their values";
  } else {
    it.detail = plural(row_count(it), "row with address data lacks", "rows with address data lack") +
                " exactly one primary address with its values (" + it.rows.front().table + " " +
                id_list(it.rows.front().ids) + ")";
  }
  return it;
}

Result<CheckItem> orgs_have_currency(Ctx& c) {
  const char* title = "All organizations have default_currency";
  if (!c.sa.has("organizations", "default_currency"))
    return missing_item("orgs_have_currency", kData, title, "organizations.default_currency does not exist");
  CheckItem it = item("orgs_have_currency", kData, title);
  auto none = ids_of(c.after, "SELECT id FROM organizations WHERE coalesce(default_currency, '') = ''");
  if (!none) return none.error();
  auto odd = ids_of(c.after,
                    "SELECT id FROM organizations WHERE coalesce(default_currency, '') <> '' AND NOT "
                    "(length(default_currency) = 3 AND CAST(default_currency AS TEXT) GLOB '[A-Z][A-Z][A-Z]')");
  if (!odd) return odd.error();
  auto total = c.after.query_int("SELECT count(*) FROM organizations");
  if (!total) return total.error();
  add_rows(it, "organizations", *none);
  add_rows(it, "organizations", *odd);
  if (!none->empty()) {
    it.status = CheckStatus::Fail;
    it.detail = plural(none->size(), "organization has", "organizations have") + " no default currency (" +
                id_list(*none) + ")";
  } else if (!odd->empty()) {
    it.status = CheckStatus::Warn;
    it.detail = plural(odd->size(), "organization's default currency is", "organizations' default currencies are") +
                " not three upper-case letters (" + id_list(*odd) + ")";
  } else {
    it.detail = "all " + std::to_string(total->value_or(0)) + " organizations have a three-letter default currency";
  }
  return it;
}

Result<CheckItem> required_not_null(Ctx& c) {
  CheckItem it = item("required_not_null", kData, "No NULL values in required fields");
  std::size_t columns = 0;
  for (const auto& def : crm::tables(crm::Shape::After)) {
    const norm::TableInfo* have = c.sa.table(def.name);
    if (!have || !have->has("id")) continue;
    std::string cond;
    for (const auto& col : def.columns) {
      if (!col.not_null || col.primary_key || !have->has(col.name)) continue;
      cond += (cond.empty() ? "" : " OR ") + sql::quote_ident(col.name) + " IS NULL";
      ++columns;
    }
    if (cond.empty()) continue;
    auto ids = ids_of(c.after, "SELECT id FROM " + sql::quote_ident(def.name) + " WHERE " + cond);
    if (!ids) return ids.error();
    add_rows(it, def.name, *ids);
  }
  // Currency became nullable: what the API returns must still resolve to one.
  std::size_t unresolved = 0;
  if (c.sa.has("organizations", "default_currency")) {
    for (const char* t : {"deals", "orders", "payments"}) {
      if (!c.sa.has(t, "currency") || !c.sa.has(t, "organization_id")) continue;
      auto ids = ids_of(c.after, std::string("SELECT x.id FROM ") + t +
                                     " AS x WHERE coalesce(x.currency, '') = '' AND coalesce((SELECT o.default_currency "
                                     "FROM organizations AS o WHERE o.id = x.organization_id), '') = ''");
      if (!ids) return ids.error();
      unresolved += ids->size();
      add_rows(it, t, *ids);
    }
  }
  it.status = it.rows.empty() ? CheckStatus::Pass : CheckStatus::Fail;
  if (it.rows.empty()) {
    it.detail = "no NULL in the " + std::to_string(columns) +
                " NOT NULL columns of the new schema; every deal, order and payment resolves to a currency";
  } else {
    it.detail = plural(row_count(it), "row lacks", "rows lack") + " a required value (" + it.rows.front().table +
                " " + id_list(it.rows.front().ids) + ")";
    if (unresolved) it.detail += "; " + std::to_string(unresolved) + " without a resolvable currency";
  }
  return it;
}

// For each table, its declared foreign keys and the condition (over alias c) under which
// each points at no row: what PRAGMA foreign_key_check reports, as anti-joins (the
// pragma itself is several times slower on large tables).
Result<std::map<std::string, std::vector<DanglingKey>>> dangling_keys(sql::Database& db, const DbState& s) {
  std::map<std::string, std::vector<DanglingKey>> out;
  for (const auto& [table, info] : s.tables) {
    if (table.rfind("sqlite_", 0) == 0) continue;
    auto fks = db.prepare("SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1) ORDER BY id, seq");
    if (!fks) return fks.error();
    REDLINE_TRY(fks->bind_text(1, table));
    // One key may span several columns: id -> (parent, [(from, to)]).
    std::map<std::int64_t, std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> keys;
    for (;;) {
      auto r = fks->step();
      if (!r) return r.error();
      if (*r == sql::StepResult::Done) break;
      auto& k = keys[fks->column_int(0)];
      k.first = text_of(*fks, 1);
      k.second.emplace_back(text_of(*fks, 2), fks->column_is_null(3) ? std::string() : fks->column_text(3));
    }
    std::vector<DanglingKey> conds;
    for (const auto& [id, key] : keys) {
      (void)id;
      const auto& [parent, cols] = key;
      std::string set, match;
      for (const auto& [from, to] : cols) {
        set += (set.empty() ? "" : " AND ") + ("c." + sql::quote_ident(from) + " IS NOT NULL");
        match += (match.empty() ? "" : " AND ") +
                 ("p." + (to.empty() ? std::string("rowid") : sql::quote_ident(to)) + " = c." + sql::quote_ident(from));
      }
      std::string cond = set;
      if (s.table(parent)) cond += " AND NOT EXISTS (SELECT 1 FROM " + sql::quote_ident(parent) + " AS p WHERE " + match + ")";
      DanglingKey k{std::move(cond), cols.size() == 1 ? cols[0].first : std::string(), {}, {}};
      if (cols.size() == 1 && !cols[0].second.empty() && norm::is_rowid_key(s, parent, cols[0].second)) {
        k.join = " LEFT JOIN " + sql::quote_ident(parent) + " AS p ON " + match;
        k.dangles = "p." + sql::quote_ident(cols[0].second) + " IS NULL";
      }
      conds.push_back(std::move(k));
    }
    if (!conds.empty()) out[table] = std::move(conds);
  }
  return out;
}

// Any of the keys dangles.
std::string any_dangling(const std::vector<DanglingKey>& keys) {
  std::string any;
  for (const auto& k : keys) any += (any.empty() ? "(" : " OR (") + k.cond + ")";
  return any;
}

// The rows of `table` in the order of `column` (then rowid), non-NULL only, with the
// key's dangling condition: from the start, or from the row after (value, rowid).
std::string walk_sql(const std::string& table, const DanglingKey& k, int from) {
  const std::string col = "c." + sql::quote_ident(k.column);
  std::string q = "SELECT c.rowid, " + col + ", (" + (k.join.empty() ? k.cond : k.dangles) + ") FROM " +
                  sql::quote_ident(table) + " AS c" + k.join + " WHERE ";
  // 0: the first rows; 1: the rest of the value the last call stopped in (an index
  // seek on (value, rowid)); 2: the values after it.
  if (from == 0) q += col + " IS NOT NULL ORDER BY " + col + ", c.rowid";
  else if (from == 1) q += col + " = ?1 AND c.rowid > ?2 ORDER BY c.rowid";
  else q += col + " > ?1 ORDER BY " + col + ", c.rowid";
  return q + " LIMIT ?3";  // the rows left of the call's budget
}

// Whether SQLite walks `table` by an index on `column` for walk_sql (else every call
// would scan and sort the table: such a key is looked at by rowid ranges instead).
Result<bool> walks_by_index(sql::Database& db, const std::string& table, const DanglingKey& k) {
  bool index = false;
  for (int from = 0; from < 3; ++from) {
    auto plan = db.prepare("EXPLAIN QUERY PLAN " + walk_sql(table, k, from));
    if (!plan) return plan.error();
    bool outer_by_index = false;
    for (;;) {
      auto r = plan->step();
      if (!r) return r.error();
      if (*r == sql::StepResult::Done) break;
      const std::string detail = text_of(*plan, 3);
      if (detail.find("TEMP B-TREE") != std::string::npos) return false;
      if ((detail.rfind("SEARCH c USING ", 0) == 0 || detail.rfind("SCAN c USING ", 0) == 0) &&
          detail.find("INDEX") != std::string::npos)
        outer_by_index = true;
    }
    index = outer_by_index;
    if (!index) return false;
  }
  return index;
}

// One call of a key's walk: up to kForeignKeyRange rows; true once the key is done.
Result<bool> walk_key(sql::Database& db, const std::string& table, ForeignKeyScan& f) {
  const DanglingKey& k = f.walks[f.walk];
  std::int64_t budget = kForeignKeyRange;
  // From the start, or the rest of the last value, then the values after it.
  for (int from = f.at ? 1 : 0; from < 3 && budget > 0; from += (from == 0 ? 3 : 1)) {
    auto st = db.prepare(walk_sql(table, k, from));
    if (!st) return st.error();
    if (from > 0 && sqlite3_bind_value(st->handle(), 1, f.at.get()) != SQLITE_OK)
      return make_error(ErrorCode::Internal, "foreign_keys_intact: cannot bind a key value", table + "." + k.column);
    if (from == 1) REDLINE_TRY(st->bind_int(2, f.at_rowid));
    REDLINE_TRY(st->bind_int(3, budget));
    std::int64_t n = 0;
    for (;;) {
      auto r = st->step();
      if (!r) return r.error();
      if (*r == sql::StepResult::Done) break;
      ++n;
      const std::int64_t rowid = st->column_int(0);
      if (st->column_int(2)) f.found.push_back(rowid);
      f.at_rowid = rowid;
      if (n == budget) {
        sqlite3_value* v = sqlite3_value_dup(sqlite3_column_value(st->handle(), 1));
        if (!v) return make_error(ErrorCode::Internal, "foreign_keys_intact: out of memory", table + "." + k.column);
        f.at = ValueRef(v, sqlite3_value_free);
      }
    }
    f.walked += n;
    budget -= n;
  }
  if (budget == 0) return false;  // more may follow: the next call resumes after (at, at_rowid)
  // The walk saw every non-NULL value once if the order is total; if not (a value whose
  // comparison does not round-trip), the key is looked at by rowid ranges instead.
  auto all = db.query_int("SELECT count(" + sql::quote_ident(k.column) + ") FROM " + sql::quote_ident(table));
  if (!all) return all.error();
  if (all->value_or(0) != f.walked) f.rest += (f.rest.empty() ? "(" : " OR (") + k.cond + ")";
  f.at.reset();
  f.walked = 0;
  return true;
}

// In parts: the conditions, then each table's keys a bounded number of rows per call,
// then the addressables and the verdict; nothing (no item yet) until the last part.
Result<std::optional<CheckItem>> foreign_keys_intact(Ctx& c) {
  // Every dangling row of the after; each then looked up in the before: dangling
  // there already (a warning: the run did not break it) or broken by the run.
  ForeignKeyScan& f = c.fk;
  if (!f.started) {
    auto now = dangling_keys(c.after, c.sa);
    if (!now) return now.error();
    auto was = dangling_keys(c.before, c.sb);
    if (!was) return was.error();
    f.now.assign(now->begin(), now->end());
    for (const auto& [table, keys] : *was) f.was[table] = any_dangling(keys);
    f.started = true;
    return std::optional<CheckItem>();
  }
  if (f.next < f.now.size()) {
    const std::string table = f.now[f.next].first;
    if (!f.planned) {
      f.walks.clear();
      f.rest.clear();
      for (const auto& k : f.now[f.next].second) {
        bool by_index = false;
        if (!k.column.empty()) {
          auto w = walks_by_index(c.after, table, k);
          if (!w) return w.error();
          by_index = *w;
        }
        if (by_index) f.walks.push_back(k);
        else f.rest += (f.rest.empty() ? "(" : " OR (") + k.cond + ")";
      }
      f.walk = 0;
      f.rest_done = false;
      f.found.clear();
      f.sorted = false;
      f.probed = 0;
      f.planned = true;
      return std::optional<CheckItem>();
    }
    if (f.walk < f.walks.size()) {
      auto done = walk_key(c.after, table, f);
      if (!done) return done.error();
      if (*done) ++f.walk;
      return std::optional<CheckItem>();
    }
    if (!f.rest.empty() && !f.rest_done) {
      if (!f.last) {
        auto last = c.after.query_int("SELECT max(rowid) FROM " + sql::quote_ident(table));
        if (!last) return last.error();
        f.from = std::numeric_limits<std::int64_t>::min();
        f.last = last->value_or(std::numeric_limits<std::int64_t>::min());
        // Rowids may be negative or sparse: the first range starts at the smallest.
        auto first = c.after.query_int("SELECT min(rowid) FROM " + sql::quote_ident(table));
        if (!first) return first.error();
        if (*first) f.from = **first;
      }
      // This call's range [from, to]; the table is done once `to` reaches its last rowid.
      const std::int64_t to = static_cast<std::uint64_t>(*f.last) - static_cast<std::uint64_t>(f.from) < kForeignKeyRange
                                  ? *f.last
                                  : f.from + (kForeignKeyRange - 1);
      auto ids = ids_of(c.after, "SELECT c.rowid FROM " + sql::quote_ident(table) + " AS c WHERE c.rowid BETWEEN " +
                                     std::to_string(f.from) + " AND " + std::to_string(to) + " AND (" + f.rest + ")");
      if (!ids) return ids.error();
      f.found.insert(f.found.end(), ids->begin(), ids->end());
      if (to >= *f.last) {
        f.rest_done = true;
        f.last.reset();
      } else {
        f.from = to + 1;
      }
      return std::optional<CheckItem>();
    }
    // The table's dangling rows in rowid order (a row whose several keys dangle once),
    // each looked up in the before, a bounded number per call.
    if (!f.sorted) {
      std::sort(f.found.begin(), f.found.end());
      f.found.erase(std::unique(f.found.begin(), f.found.end()), f.found.end());
      f.sorted = true;
    }
    const std::size_t end = std::min(f.found.size(), f.probed + static_cast<std::size_t>(kForeignKeyRange));
    auto before_cond = f.was.find(table);
    if (before_cond == f.was.end()) {
      if (end > f.probed) {
        auto& b = f.broken[table];
        b.insert(b.end(), f.found.begin() + static_cast<std::ptrdiff_t>(f.probed),
                 f.found.begin() + static_cast<std::ptrdiff_t>(end));
      }
    } else if (end > f.probed) {
      auto st = c.before.prepare("SELECT EXISTS (SELECT 1 FROM " + sql::quote_ident(table) + " AS c WHERE c.rowid = ?1 AND (" +
                                 before_cond->second + "))");
      if (!st) return st.error();
      for (std::size_t k = f.probed; k < end; ++k) {
        REDLINE_TRY(st->reset());
        REDLINE_TRY(st->bind_int(1, f.found[k]));
        auto r = st->step();
        if (!r) return r.error();
        (st->column_int(0) ? f.old : f.broken)[table].push_back(f.found[k]);
      }
    }
    f.probed = end;
    if (f.probed >= f.found.size()) {
      ++f.next;
      f.planned = false;
      f.found.clear();
    }
    return std::optional<CheckItem>();
  }
  // Addressables: a generic key the schema cannot declare. One query per call (each
  // scans the addressables, ~10 ms at 200k rows).
  const bool links = c.sa.has("addressables", "content_type_id") && c.sa.table("django_content_type");
  const auto& tables = norm::address_tables();
  if (links && f.link_part == 0) {
    ++f.link_part;
    std::string models;
    for (const auto& at : tables) models += (models.empty() ? "" : ", ") + sql::quote_literal(at.model);
    // An addressable whose content type is missing or not one of the address tables'
    // models (the condition NULL counts as neither, as in a join's WHERE): the content
    // types that are not odd are listed once, not joined per addressable (~4x less CPU).
    auto odd = ids_of(c.after,
                      "SELECT x.id FROM addressables AS x WHERE x.content_type_id IS NULL OR x.content_type_id NOT IN "
                      "(SELECT ct.id FROM django_content_type AS ct WHERE (ct.app_label <> 'crmApp' OR ct.model NOT IN (" +
                          models + ")) IS NOT TRUE)");
    if (!odd) return odd.error();
    f.bad_links = std::move(odd.value());
    return std::optional<CheckItem>();
  }
  if (links && f.link_part <= tables.size()) {
    const auto& at = tables[f.link_part - 1];
    ++f.link_part;
    if (c.sa.table(at.table)) {
      auto gone = ids_of(c.after, "SELECT x.id FROM addressables AS x JOIN django_content_type AS ct ON ct.id = "
                                  "x.content_type_id AND ct.app_label = 'crmApp' AND ct.model = " +
                                      sql::quote_literal(at.model) + " WHERE NOT EXISTS (SELECT 1 FROM " +
                                      sql::quote_ident(at.table) + " AS o WHERE o.id = x.object_id)");
      if (!gone) return gone.error();
      f.bad_links.insert(f.bad_links.end(), gone->begin(), gone->end());
    }
    return std::optional<CheckItem>();
  }
  CheckItem it = item("foreign_keys_intact", kData, "Foreign key relationships intact");
  const auto& broken = f.broken;
  const auto& old = f.old;
  const auto& bad_links = f.bad_links;
  std::size_t n_broken = bad_links.size(), n_old = 0;
  for (const auto& [t, ids] : broken) {
    n_broken += ids.size();
    add_rows(it, t, ids);
  }
  add_rows(it, "addressables", bad_links);
  for (const auto& [t, ids] : old) {
    n_old += ids.size();
    add_rows(it, t, ids);
  }
  if (n_broken) {
    it.status = CheckStatus::Fail;
    it.detail = plural(n_broken, "row points", "rows point") + " at a missing row (" + it.rows.front().table + " " +
                id_list(it.rows.front().ids) + ")";
    if (n_old) it.detail += "; " + std::to_string(n_old) + " more dangled before the run already";
  } else if (n_old) {
    it.status = CheckStatus::Warn;
    it.detail = plural(n_old, "row points", "rows point") + " at a missing row, as before the run (" +
                it.rows.front().table + " " + id_list(it.rows.front().ids) + ")";
  } else {
    it.detail = "every foreign key and every addressable points at an existing row";
  }
  return std::optional<CheckItem>(std::move(it));
}

Result<CheckItem> usernames_unique(Ctx& c) {
  const char* title = "Usernames unique";
  if (!c.sa.has("users", "username")) return missing_item("usernames_unique", kData, title, "users.username is missing");
  CheckItem it = item("usernames_unique", kData, title);
  auto same = ids_of(c.after, "SELECT id FROM users WHERE username IN (SELECT username FROM users GROUP BY username "
                              "HAVING count(*) > 1)");
  if (!same) return same.error();
  auto folded = ids_of(c.after, "SELECT id FROM users WHERE lower(username) IN (SELECT lower(username) FROM users "
                                "GROUP BY lower(username) HAVING count(DISTINCT username) > 1)");
  if (!folded) return folded.error();
  auto total = c.after.query_int("SELECT count(*) FROM users");
  if (!total) return total.error();
  add_rows(it, "users", *same);
  add_rows(it, "users", *folded);
  if (!same->empty()) {
    it.status = CheckStatus::Fail;
    it.detail = plural(same->size(), "user shares", "users share") + " a username (" + id_list(*same) + ")";
  } else if (!folded->empty()) {
    it.status = CheckStatus::Warn;
    it.detail = plural(folded->size(), "user has", "users have") + " a username equal to another's but for case (" +
                id_list(*folded) + ")";
  } else {
    it.detail = "all " + std::to_string(total->value_or(0)) + " usernames are distinct, also ignoring case";
  }
  return it;
}

// In parts: deals, orders, payments, one per call; the item with the last.
Result<std::optional<CheckItem>> currency_codes_valid(Ctx& c) {
  static const char* const kTables[] = {"deals", "orders", "payments"};
  CurrencyScan& f = c.cur;
  const char* t = kTables[f.next++];
  if (c.sa.has(t, "currency")) {
    auto ids = ids_of(c.after, std::string("SELECT id FROM ") + t +
                                   " WHERE currency IS NOT NULL AND NOT (length(currency) = 3 AND "
                                   "CAST(currency AS TEXT) GLOB '[A-Z][A-Z][A-Z]')");
    if (!ids) return ids.error();
    if (!ids->empty()) f.where += (f.where.empty() ? "" : ", ") + std::to_string(ids->size()) + " " + t;
    f.found.emplace_back(t, std::move(ids.value()));
  }
  if (f.next < std::size(kTables)) return std::optional<CheckItem>();
  CheckItem it = item("currency_codes_valid", kData, "Currency codes are three upper-case letters");
  for (auto& [table, ids] : f.found) add_rows(it, table, std::move(ids));
  it.status = it.rows.empty() ? CheckStatus::Pass : CheckStatus::Warn;
  it.detail = it.rows.empty() ? "every stored currency is NULL or three upper-case letters"
                              : "currencies that are not three upper-case letters (blank included): " + f.where +
                                    " (" + it.rows.front().table + " " + id_list(it.rows.front().ids) + ")";
  return std::optional<CheckItem>(std::move(it));
}

Result<CheckItem> lossless(Ctx& c) {
  CheckItem it = item("lossless", kData, "No data lost: every old value is in the new structure or listed as lost");
  const Moves& mv = *c.in.moves;
  auto lost = fetch_lost(c.before, c.after, mv);
  if (!lost) return lost.error();
  ordered_json list = ordered_json::array();
  std::map<std::string, std::vector<std::int64_t>> unexplained;
  std::size_t expected = 0, zip_lost = 0;
  for (const auto& v : *lost) {
    ordered_json j = ordered_json::object();
    j["table"] = v.cell.table;
    j["id"] = v.cell.id;
    j["column"] = v.cell.column;
    j["old"] = v.old_value;
    j["now"] = v.now_value;
    j["to"] = v.cell.to_table.empty() ? ordered_json(nullptr)
                                      : ordered_json(v.cell.to_table + "." + std::to_string(v.cell.to_id));
    j["by_employee"] = v.cell.by_employee ? ordered_json(v.cell.by_employee) : ordered_json(nullptr);
    j["expected"] = v.cell.expected;
    j["reason"] = v.reason;
    list.push_back(std::move(j));
    // The plan explains two kinds of loss: M1's replaced contact values, and the zip
    // code of a zip-only vendor under the guide's address test.
    if (v.cell.expected && v.cell.table == "vendors" && v.cell.column == "zip_code") ++zip_lost;
    else if (v.cell.expected) ++expected;
    else unexplained[v.cell.table].push_back(v.cell.id);
  }

  // Kept columns (with a diff): a changed or removed old value must be one M1's plan
  // changed; the only columns the run drops are the ones the moves follow.
  std::size_t other = 0;
  std::string kept_note = "; kept columns not compared (no diff given)";
  if (c.in.diff) {
    kept_note.clear();
    std::set<std::string> followed;
    if (mv.has_m1)
      for (const char* f : norm::kContactColumns) followed.insert(std::string("employees.") + f);
    for (const auto& t : mv.address_tables)
      for (const auto& col : t.columns) followed.insert(t.table + "." + col);
    for (const auto& ch : c.in.diff->schema) {
      if (ch.kind == diff::SchemaChangeKind::ColumnDropped && !followed.count(ch.table + "." + ch.name)) {
        auto ids = ids_of(c.before, "SELECT id FROM " + sql::quote_ident(ch.table) + " WHERE coalesce(" +
                                        sql::quote_ident(ch.name) + ", '') <> ''");
        if (!ids) return ids.error();
        other += ids->size();
        unexplained[ch.table].insert(unexplained[ch.table].end(), ids->begin(), ids->end());
      }
    }
    for (const auto& t : c.in.diff->tables) {
      if (t.presence == diff::TablePresence::DroppedTable || !t.removed.empty()) {
        other += t.removed.size();
        unexplained[t.name].insert(unexplained[t.name].end(), t.removed.begin(), t.removed.end());
      }
      if (t.changed.size() == 0) continue;
      const bool users = t.name == "users" && mv.has_m1;
      for (std::size_t off = 0; off < t.changed.size(); off += 512) {
        auto page = diff::fetch_rows(c.before, c.after, t, diff::RowChange::Changed, off, 512);
        if (!page) return page.error();
        for (const auto& row : page->rows) {
          for (std::size_t col : row.changed_columns) {
            const std::string& name = t.columns[col].name;
            const diff::Value& old = row.before[col];
            if (old.type == diff::Value::Type::Null || (old.type == diff::Value::Type::Text && old.bytes.empty()))
              continue;  // nothing was there to lose
            int f = -1;
            for (int k = 0; k < 4; ++k)
              if (name == norm::kContactColumns[k]) f = k;
            if (users && f >= 0) {
              const UserMove* u = mv.user(row.before_id);
              if (u && u->fields[static_cast<std::size_t>(f)] == Fate::Lost) continue;  // listed above
            }
            if (mv.has_m1 && t.name == "employees" && name == "user_id") {
              // A user_id that pointed at no user: M1's plan gives the employee a user.
              const EmployeeMove* e = mv.employee(row.before_id);
              if (e && e->link != UserLink::Updated && !e->plan_mismatch && !e->removed) {
                const std::string now = row.after[col].display();
                list.push_back({{"table", "employees"}, {"id", row.before_id}, {"column", "user_id"},
                                {"old", old.display()}, {"now", now}, {"to", "employees." + std::to_string(row.before_id)},
                                {"by_employee", nullptr}, {"expected", true},
                                {"reason", "pointed at no existing user; M1 gave the employee user " + now}});
                ++expected;
                continue;
              }
            }
            ++other;
            unexplained[t.name].push_back(row.before_id);
          }
        }
      }
    }
  }
  for (auto& [t, ids] : unexplained) add_rows(it, t, ids);
  it.extra["lost"] = std::move(list);
  std::int64_t moved = 0, unchanged = 0;
  for (const auto& s : mv.summaries()) {
    moved += s.moved;
    unchanged += s.unchanged;
  }
  if (it.rows.empty()) {
    it.detail = std::to_string(moved) + " values moved, " + std::to_string(unchanged) + " already in place; " +
                plural(expected, "value", "values") + " lost by M1's resolution" +
                (zip_lost ? ", " + plural(zip_lost, "zip code", "zip codes") +
                                " of zip-only vendors lost by the guide's address test (zip_only_address 'guide')"
                          : std::string()) +
                ", listed" + kept_note;
    // A value the guide loses in M2 is not a choice between two values, as M1's are:
    // warn, so the loss is seen (resolution 'keep' avoids it).
    if (zip_lost) it.status = CheckStatus::Warn;
  } else {
    it.status = CheckStatus::Fail;
    it.detail = plural(row_count(it), "row has", "rows have") + " a value lost that M1's plan does not explain (" +
                it.rows.front().table + " " + id_list(it.rows.front().ids) + ")" +
                (other ? "; " + std::to_string(other) + " of them in columns the run keeps" : std::string()) + kept_note;
  }
  return it;
}

// ---- API items ----------------------------------------------------------------------------

// The API items, in parts (see ApiScan): nothing until the last.
using Part = Result<std::optional<CheckItem>>;

// The scan's result, the scan reset for the next item.
ApiResult take_api(Ctx& c) {
  ApiResult r = std::move(c.api.out);
  c.api = ApiScan{};
  return r;
}

Part api_employees_contact(Ctx& c) {
  const char* title = "GET /employees/ returns contact info";
  if (!c.sb.table("employees") || !c.sa.table("employees"))
    return std::optional(missing_item("api_employees_contact", kApi, title, "employees is missing"));
  auto r = compare_api(c.api, c.before, api_employee_contact(c.sb), c.after, api_employee_contact(c.sa),
                       {"first_name", "last_name", "email", "phone"});
  if (!r) return r.error();
  if (!*r) return std::optional<CheckItem>();
  return std::optional(
      api_item("api_employees_contact", title, "first_name, last_name, email, phone", "employees", take_api(c)));
}

Part api_employees_address(Ctx& c) {
  const char* title = "GET /employees/ returns address info";
  if (!c.sb.table("employees") || !c.sa.table("employees"))
    return std::optional(missing_item("api_employees_address", kApi, title, "employees is missing"));
  auto r = compare_api(c.api, c.before, api_address(c.sb, "employees", "employee"), c.after,
                       api_address(c.sa, "employees", "employee"),
                       {"address", "city", "state", "postal_code", "country"});
  if (!r) return r.error();
  if (!*r) return std::optional<CheckItem>();
  return std::optional(api_item("api_employees_address", title, "address, city, state, postal_code, country",
                                "employees", take_api(c)));
}

Part api_organizations(Ctx& c) {
  const char* title = "GET /organizations/ returns address info and default_currency";
  if (!c.sb.table("organizations") || !c.sa.table("organizations"))
    return std::optional(missing_item("api_organizations", kApi, title, "organizations is missing"));
  std::string extra = c.sa.has("organizations", "default_currency") ? ", o.default_currency" : ", NULL";
  auto r = compare_api(c.api, c.before, api_address(c.sb, "organizations", "organization"), c.after,
                       api_address(c.sa, "organizations", "organization", extra),
                       {"address", "city", "state", "postal_code", "country"}, {"default_currency"});
  if (!r) return r.error();
  if (!*r) return std::optional<CheckItem>();
  return std::optional(
      api_item("api_organizations", title, "address fields, default_currency", "organizations", take_api(c)));
}

Part api_deals_currency(Ctx& c) {
  const char* title = "GET /deals/ returns resolved currency";
  if (!c.sb.has("deals", "currency") || !c.sa.has("deals", "currency"))
    return std::optional(missing_item("api_deals_currency", kApi, title, "deals.currency is missing"));
  auto r = compare_api(c.api, c.before, api_deals(c.sb), c.after, api_deals(c.sa, true), {"currency"},
                       {"resolved_currency"});
  if (!r) return r.error();
  if (!*r) return std::optional<CheckItem>();
  return std::optional(api_item("api_deals_currency", title, "currency -> resolved_currency", "deals", take_api(c)));
}

// INSERT INTO table with the given values for the columns the table has; columns the
// table has and `values` lacks get nothing (so a NOT NULL column without a default
// the new API cannot fill fails the insert, as it would in Django).
Result<std::int64_t> insert_row(sql::Database& db, const DbState& s, const std::string& table,
                                const std::vector<std::pair<std::string, std::string>>& values,
                                std::vector<std::string>& statements) {
  const norm::TableInfo* t = s.table(table);
  if (!t) return make_error(ErrorCode::BadInput, "table " + table + " does not exist");
  std::string cols, vals;
  for (const auto& [col, lit] : values) {
    if (!t->has(col)) continue;
    cols += (cols.empty() ? "" : ", ") + sql::quote_ident(col);
    vals += (vals.empty() ? "" : ", ") + lit;
  }
  std::string q = "INSERT INTO " + sql::quote_ident(table) + " (" + cols + ") VALUES (" + vals + ")";
  statements.push_back(q);
  REDLINE_TRY(db.exec(q));
  return db.last_insert_rowid();
}

// Every declared foreign key of the row `rowid` of `table` points at an existing row
// (checked directly: enforcement may be off, and the keys are deferred anyway).
Status check_row_keys(sql::Database& db, const std::string& table, std::int64_t rowid) {
  auto fks = db.prepare("SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1)");
  if (!fks) return fks.error();
  REDLINE_TRY(fks->bind_text(1, table));
  std::vector<std::array<std::string, 3>> keys;
  for (;;) {
    auto r = fks->step();
    if (!r) return r.error();
    if (*r == sql::StepResult::Done) break;
    keys.push_back({text_of(*fks, 0), text_of(*fks, 1), fks->column_is_null(2) ? "rowid" : fks->column_text(2)});
  }
  for (const auto& [parent, from, to] : keys) {
    auto ok = db.prepare("SELECT c." + sql::quote_ident(from) + " IS NULL OR EXISTS (SELECT 1 FROM " +
                         sql::quote_ident(parent) + " AS p WHERE p." + sql::quote_ident(to) + " = c." +
                         sql::quote_ident(from) + ") FROM " + sql::quote_ident(table) + " AS c WHERE c.rowid = ?1");
    if (!ok) return ok.error();
    REDLINE_TRY(ok->bind_int(1, rowid));
    auto r = ok->step();
    if (!r) return r.error();
    if (*r != sql::StepResult::Row || ok->column_int(0) == 0)
      return make_error(ErrorCode::BadInput, table + "." + from + " of the new row points at no row of " + parent);
  }
  return ok_status();
}

Result<std::int64_t> content_type(sql::Database& db, const DbState& s, const std::string& model,
                                  std::vector<std::string>& statements) {
  auto q = db.prepare("SELECT id FROM django_content_type WHERE app_label = 'crmApp' AND model = ?1");
  if (!q) return q.error();
  REDLINE_TRY(q->bind_text(1, model));
  auto r = q->step();
  if (!r) return r.error();
  if (*r == sql::StepResult::Row) return q->column_int(0);
  // Django's ContentType.objects.get_for_model() creates a missing one.
  return insert_row(db, s, "django_content_type", {{"app_label", "'crmApp'"}, {"model", sql::quote_literal(model)}},
                    statements);
}

// Read one row of an API projection (`q` ordered by id) for `id`.
Result<std::vector<std::string>> api_row(sql::Database& db, const std::string& q, std::int64_t id) {
  // The projections end in ORDER BY; wrap them and filter on their first column.
  auto w = db.prepare("SELECT * FROM (" + q + ") AS v WHERE v.id = ?1");
  if (!w) return w.error();
  REDLINE_TRY(w->bind_int(1, id));
  auto r = w->step();
  if (!r) return r.error();
  std::vector<std::string> out;
  if (*r != sql::StepResult::Row) return out;
  for (int k = 0; k < w->column_count(); ++k) out.push_back(text_of(*w, k));
  return out;
}

Result<CheckItem> api_post_employee(Ctx& c) {
  CheckItem it = item("api_post_employee", kApi, "POST /employees/ with user_id works");
  std::vector<std::string> statements;
  const std::string now = sql::quote_literal(c.in.now);
  Status s = [&]() -> Status {
    auto tx = Scratch::begin(c.after);
    if (!tx) return tx.error();
    // The frontend's step 1: POST /users/.
    auto taken = c.after.query_int("SELECT count(*) FROM users WHERE username LIKE 'redline-post-check%'");
    if (!taken) return taken.error();
    const std::string username = "redline-post-check-" + std::to_string(taken->value_or(0) + 1);
    auto uid = insert_row(c.after, c.sa, "users",
                          {{"password", "''"}, {"last_login", "NULL"}, {"is_superuser", "0"},
                           {"username", sql::quote_literal(username)}, {"first_name", "'Zoë'"},
                           {"last_name", "'O''Brien <check>'"}, {"email", "'zoe.check@example.invalid'"},
                           {"is_staff", "0"}, {"is_active", "1"}, {"date_joined", now}, {"phone", "'+1 555 0100'"}},
                          statements);
    if (!uid) return uid.error();
    REDLINE_TRY(check_row_keys(c.after, "users", *uid));
    // Step 2: POST /employees/ with user_id and the fields the new form sends; the
    // backend turns its address fields into an address.
    auto org = c.after.query_int("SELECT min(id) FROM organizations");
    if (!org) return org.error();
    if (!org->has_value()) return make_error(ErrorCode::BadInput, "no organization to attach the employee to");
    auto eid = insert_row(c.after, c.sa, "employees",
                          {{"employee_code", "'CHK-0001'"}, {"department", "'Quality'"}, {"job_title", "'Checker'"},
                           {"hire_date", "NULL"}, {"salary", "NULL"}, {"status", "'active'"},
                           {"emergency_contact_name", "''"}, {"emergency_contact_phone", "'+1 555 0199'"},
                           {"created_at", now}, {"organization_id", std::to_string(**org)},
                           {"user_id", std::to_string(*uid)}},
                          statements);
    if (!eid) return eid.error();
    REDLINE_TRY(check_row_keys(c.after, "employees", *eid));
    auto ct = content_type(c.after, c.sa, "employee", statements);
    if (!ct) return ct.error();
    auto aid = insert_row(c.after, c.sa, "addresses",
                          {{"address_line1", "'1 Check Street'"}, {"address_line2", "''"}, {"city", "'Zürich'"},
                           {"state", "'ZH'"}, {"postal_code", "'8001'"}, {"country", "''"},
                           {"address_type", "'primary'"}, {"is_primary", "1"}},
                          statements);
    if (!aid) return aid.error();
    auto xid = insert_row(c.after, c.sa, "addressables",
                          {{"object_id", std::to_string(*eid)}, {"address_id", std::to_string(*aid)},
                           {"content_type_id", std::to_string(*ct)}},
                          statements);
    if (!xid) return xid.error();
    REDLINE_TRY(check_row_keys(c.after, "addressables", *xid));
    // GET it back through the new properties.
    auto contact = api_row(c.after, api_employee_contact(c.sa), *eid);
    if (!contact) return contact.error();
    auto addr = api_row(c.after, api_address(c.sa, "employees", "employee"), *eid);
    if (!addr) return addr.error();
    const std::vector<std::string> want_contact{std::to_string(*eid), "Zoë", "O'Brien <check>",
                                                "zoe.check@example.invalid", "+1 555 0100"};
    const std::vector<std::string> want_addr{std::to_string(*eid), "1 Check Street", "Zürich", "ZH", "8001", ""};
    if (*contact != want_contact) return make_error(ErrorCode::BadInput, "the new employee's contact info does not read back from its user");
    if (*addr != want_addr) return make_error(ErrorCode::BadInput, "the new employee's address does not read back from its primary address");
    return ok_status();
  }();
  it.extra["statements"] = statements;
  if (s) {
    it.detail = "a user, then an employee with its user_id and an address, inserted into the new schema, "
                "read back through the properties, rolled back";
  } else {
    it.status = CheckStatus::Fail;
    it.detail = "the new schema refuses it: " + s.error().message;
  }
  return it;
}

Result<CheckItem> api_post_organization(Ctx& c) {
  CheckItem it = item("api_post_organization", kApi, "POST /organizations/ with address works");
  std::vector<std::string> statements;
  const std::string now = sql::quote_literal(c.in.now);
  Status s = [&]() -> Status {
    auto tx = Scratch::begin(c.after);
    if (!tx) return tx.error();
    auto oid = insert_row(c.after, c.sa, "organizations",
                          {{"name", "'Redline Check & Co'"}, {"email", "'org.check@example.invalid'"},
                           {"phone", "'+44 20 7946 0000'"}, {"website", "''"}, {"created_at", now},
                           {"default_currency", "'EUR'"}},
                          statements);
    if (!oid) return oid.error();
    REDLINE_TRY(check_row_keys(c.after, "organizations", *oid));
    auto ct = content_type(c.after, c.sa, "organization", statements);
    if (!ct) return ct.error();
    auto aid = insert_row(c.after, c.sa, "addresses",
                          {{"address_line1", "'2 Check Road\nUnit 5'"}, {"address_line2", "''"},
                           {"city", "'東京'"}, {"state", "'Tokyo'"}, {"postal_code", "'100-0001'"},
                           {"country", "'Japan'"}, {"address_type", "'primary'"}, {"is_primary", "1"}},
                          statements);
    if (!aid) return aid.error();
    auto xid = insert_row(c.after, c.sa, "addressables",
                          {{"object_id", std::to_string(*oid)}, {"address_id", std::to_string(*aid)},
                           {"content_type_id", std::to_string(*ct)}},
                          statements);
    if (!xid) return xid.error();
    REDLINE_TRY(check_row_keys(c.after, "addressables", *xid));
    std::string extra = c.sa.has("organizations", "default_currency") ? ", o.default_currency" : ", NULL";
    auto got = api_row(c.after, api_address(c.sa, "organizations", "organization", extra), *oid);
    if (!got) return got.error();
    const std::vector<std::string> want{std::to_string(*oid), "2 Check Road\nUnit 5", "東京", "Tokyo", "100-0001",
                                        "Japan", "EUR"};
    if (*got != want)
      return make_error(ErrorCode::BadInput, "the new organization's address or default currency does not read back");
    return ok_status();
  }();
  it.extra["statements"] = statements;
  if (s) {
    it.detail = "an organization with default_currency and a primary address inserted into the new schema, "
                "read back through the properties, rolled back";
  } else {
    it.status = CheckStatus::Fail;
    it.detail = "the new schema refuses it: " + s.error().message;
  }
  return it;
}

// ---- performance --------------------------------------------------------------------------

struct IndexDef {
  const char* id;
  const char* name;
  const char* table;
  const char* columns;  // "a, b", as pragma index_info lists them
  const char* lookup;   // the query it serves
  const char* serves;   // for people
};
constexpr IndexDef kIndexes[] = {
    {"index_addressables_content_type", "idx_addressables_content_type", "addressables", "content_type_id, object_id",
     "SELECT address_id FROM addressables WHERE content_type_id = ?1 AND object_id = ?2",
     "the addresses of one object"},
    {"index_addresses_is_primary", "idx_addresses_is_primary", "addresses", "is_primary",
     "SELECT id FROM addresses WHERE is_primary = true", "the primary addresses"},
    {"index_employees_user", "idx_employees_user", "employees", "user_id",
     "SELECT id FROM employees WHERE user_id = ?1", "the employee of a user"},
};

Result<CheckItem> index_item(Ctx& c, const IndexDef& d) {
  CheckItem it = item(d.id, kPerf, (std::string("Index ") + d.name + " exists and serves " + d.serves).c_str());
  it.extra["query"] = d.lookup;
  auto cols = c.after.prepare("SELECT name FROM pragma_index_info(?1) ORDER BY seqno");
  if (!cols) return cols.error();
  REDLINE_TRY(cols->bind_text(1, d.name));
  std::string have;
  for (;;) {
    auto r = cols->step();
    if (!r) return r.error();
    if (*r == sql::StepResult::Done) break;
    have += (have.empty() ? "" : ", ") + text_of(*cols, 0);
  }
  auto on = c.after.prepare("SELECT tbl_name FROM sqlite_schema WHERE type = 'index' AND name = ?1");
  if (!on) return on.error();
  REDLINE_TRY(on->bind_text(1, d.name));
  auto r = on->step();
  if (!r) return r.error();
  if (*r != sql::StepResult::Row) {
    it.status = CheckStatus::Fail;
    it.detail = std::string("index ") + d.name + " does not exist";
    return it;
  }
  if (text_of(*on, 0) != d.table || have != d.columns) {
    it.status = CheckStatus::Fail;
    it.detail = std::string("index ") + d.name + " is on " + text_of(*on, 0) + " (" + have + "), not " + d.table +
                " (" + d.columns + ")";
    return it;
  }
  if (!c.sa.table(d.table)) {
    it.status = CheckStatus::Fail;
    it.detail = std::string("table ") + d.table + " is missing";
    return it;
  }
  auto plan = c.after.prepare(std::string("EXPLAIN QUERY PLAN ") + d.lookup);
  if (!plan) return plan.error();
  ordered_json lines = ordered_json::array();
  bool used = false;
  const std::string needle = std::string("INDEX ") + d.name;
  for (;;) {
    auto s = plan->step();
    if (!s) return s.error();
    if (*s == sql::StepResult::Done) break;
    std::string line = text_of(*plan, 3);
    auto at = line.find(needle);
    if (at != std::string::npos && (at + needle.size() == line.size() || line[at + needle.size()] == ' ')) used = true;
    lines.push_back(line);
  }
  it.extra["plan"] = lines;
  std::string plan_text;
  for (const auto& l : lines) plan_text += (plan_text.empty() ? "" : "; ") + l.get<std::string>();
  if (used) {
    it.detail = std::string("used by ") + d.lookup + " (" + plan_text + ")";
    if (std::string_view(d.name) == "idx_addresses_is_primary")
      it.detail += "; SQLite uses this partial index only for the spelling is_primary = true";
  } else {
    it.status = CheckStatus::Fail;
    it.detail = std::string("not used by ") + d.lookup + " (" + plan_text + ")";
  }
  return it;
}

CheckItem manual_item(const ManualDef& d, const ManualTicks* ticks) {
  CheckItem it = item(d.id, d.group, d.title);
  it.status = CheckStatus::Manual;
  const ManualTick* t = nullptr;
  if (ticks) {
    auto f = ticks->find(d.id);
    if (f != ticks->end()) t = &f->second;
  }
  if (t && t->ticked) {
    it.detail = "ticked" + (t->by.empty() ? std::string() : " by " + t->by) + (t->at.empty() ? std::string() : " on " + t->at) +
                (t->note.empty() ? std::string() : ": " + t->note);
  } else {
    it.detail = "to be checked by a person in the running application; not ticked";
  }
  ordered_json tick = ordered_json::object();
  tick["ticked"] = t && t->ticked;
  tick["by"] = t ? t->by : "";
  tick["at"] = t ? t->at : "";
  tick["note"] = t ? t->note : "";
  it.extra["tick"] = std::move(tick);
  return it;
}

}  // namespace

// ---- public ---------------------------------------------------------------------------------

std::vector<std::int64_t> CheckItem::ids() const {
  std::vector<std::int64_t> out;
  for (const auto& r : rows) out.insert(out.end(), r.ids.begin(), r.ids.end());
  return out;
}

nlohmann::ordered_json CheckItem::to_json() const {
  ordered_json j = ordered_json::object();
  j["id"] = id;
  j["group"] = group;
  j["title"] = title;
  j["status"] = to_string(status);
  j["detail"] = detail;
  j["ids"] = ids();
  j["table"] = rows.size() == 1 ? ordered_json(rows[0].table) : ordered_json(nullptr);
  ordered_json r = ordered_json::object();
  for (const auto& x : rows) r[x.table] = x.ids;
  j["rows"] = std::move(r);
  for (auto e = extra.begin(); e != extra.end(); ++e) j[e.key()] = e.value();
  return j;
}

nlohmann::ordered_json checks_json(const std::vector<CheckItem>& items) {
  ordered_json a = ordered_json::array();
  for (const auto& it : items) a.push_back(it.to_json());
  return a;
}

CheckCounts count_checks(const std::vector<CheckItem>& items) {
  CheckCounts c;
  for (const auto& it : items) {
    switch (it.status) {
      case CheckStatus::Pass: ++c.pass; break;
      case CheckStatus::Fail: ++c.fail; break;
      case CheckStatus::Warn: ++c.warn; break;
      case CheckStatus::Manual: ++c.manual; break;
    }
  }
  return c;
}

Status strict_verdict(const std::vector<CheckItem>& items) {
  std::string failed;
  for (const auto& it : items)
    if (it.status == CheckStatus::Fail) failed += (failed.empty() ? "" : ", ") + it.id;
  if (failed.empty()) return ok_status();
  return make_error(ErrorCode::Hazard, "refused (--strict): failed checks: " + failed);
}

void apply_ticks(std::vector<CheckItem>& items, const ManualTicks* ticks) {
  for (auto& it : items) {
    if (it.status != CheckStatus::Manual) continue;
    for (const auto& m : kManual)
      if (it.id == m.id) it = manual_item(m, ticks);
  }
}

std::vector<std::string> manual_check_ids() {
  std::vector<std::string> out;
  for (const auto& m : kManual) out.emplace_back(m.id);
  return out;
}

nlohmann::ordered_json ticks_to_json(const ManualTicks& ticks) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [id, t] : ticks) j[id] = {{"ticked", t.ticked}, {"by", t.by}, {"at", t.at}, {"note", t.note}};
  return j;
}

Result<ManualTicks> ticks_from_json(std::string_view text, const std::string& name) {
  try {
    auto j = nlohmann::json::parse(text.begin(), text.end());
    if (!j.is_object()) return make_error(ErrorCode::Usage, "ticks must be a JSON object", name);
    ManualTicks out;
    const auto known = manual_check_ids();
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (std::find(known.begin(), known.end(), it.key()) == known.end()) {
        std::string list;
        for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
        return make_error(ErrorCode::Usage, "'" + it.key() + "' is not a manual check (known: " + list + ")", name);
      }
      ManualTick t;
      const auto& v = it.value();
      if (v.is_boolean()) {
        t.ticked = v.get<bool>();
      } else if (v.is_object()) {
        for (auto f = v.begin(); f != v.end(); ++f) {
          if (f.key() == "ticked" && f.value().is_boolean()) t.ticked = f.value().get<bool>();
          else if ((f.key() == "by" || f.key() == "at" || f.key() == "note") && f.value().is_string())
            (f.key() == "by" ? t.by : f.key() == "at" ? t.at : t.note) = f.value().get<std::string>();
          else
            return make_error(ErrorCode::Usage, "tick '" + it.key() + "': '" + f.key() +
                                                    "' must be ticked (true/false), by, at or note (strings)", name);
        }
      } else {
        return make_error(ErrorCode::Usage, "tick '" + it.key() + "' must be true, false or an object", name);
      }
      out[it.key()] = std::move(t);
    }
    return out;
  } catch (const nlohmann::json::parse_error& e) {
    return make_error(ErrorCode::Usage, std::string("ticks are not valid JSON: ") + e.what(),
                      name + ", byte " + std::to_string(e.byte));
  } catch (const std::exception& e) {
    return make_error(ErrorCode::Usage, std::string("cannot read ticks: ") + e.what(), name);
  }
}

struct ChecksJob::Impl {
  ChecksInput in;
  std::unique_ptr<Ctx> ctx;
  // One per item; an item checked in parts gives nothing until its last part.
  std::vector<std::function<Result<std::optional<CheckItem>>(Ctx&)>> tasks;
  std::size_t next = 0;
  std::vector<CheckItem> out;

  // Reads both databases' structure, and lists the items in checklist order.
  Status start() {
    if (!in.before || !in.after || !in.moves)
      return make_error(ErrorCode::Usage, "the checks need the before and after databases and the moves");
    auto sb = norm::inspect(*in.before);
    if (!sb) return sb.error();
    auto sa = norm::inspect(*in.after);
    if (!sa) return sa.error();
    ctx.reset(new Ctx{*in.before, *in.after, in, std::move(sb.value()), std::move(sa.value()), {}, {}, {}});
    using Fn = Result<CheckItem> (*)(Ctx&);
    auto whole = [](Result<CheckItem> r) -> Result<std::optional<CheckItem>> {
      if (!r) return r.error();
      return std::optional<CheckItem>(std::move(r.value()));
    };
    const Fn first[] = {employees_have_users, addresses_migrated, orgs_have_currency, required_not_null};
    using PartFn = Result<std::optional<CheckItem>> (*)(Ctx&);
    const PartFn api[] = {api_employees_contact, api_employees_address, api_organizations, api_deals_currency};
    const Fn rest[] = {api_post_employee, api_post_organization};
    for (Fn f : first) tasks.emplace_back([f, whole](Ctx& c) { return whole(f(c)); });
    tasks.emplace_back(foreign_keys_intact);
    tasks.emplace_back([whole](Ctx& c) { return whole(usernames_unique(c)); });
    tasks.emplace_back(currency_codes_valid);
    tasks.emplace_back([whole](Ctx& c) { return whole(lossless(c)); });
    for (PartFn f : api) tasks.emplace_back(f);
    for (Fn f : rest) tasks.emplace_back([f, whole](Ctx& c) { return whole(f(c)); });
    for (const auto& d : kIndexes) tasks.emplace_back([&d, whole](Ctx& c) { return whole(index_item(c, d)); });
    return ok_status();
  }
};

ChecksJob::ChecksJob(ChecksInput input) : impl_(std::make_unique<Impl>()) { impl_->in = std::move(input); }
ChecksJob::~ChecksJob() = default;

Result<bool> ChecksJob::work(double budget_ms) {
  Impl& m = *impl_;
  const auto deadline = deadline_after(budget_ms);
  if (!m.ctx) REDLINE_TRY(m.start());
  // One item at a time (each is a few queries over the whole tables).
  while (std::chrono::steady_clock::now() < deadline) {
    if (m.next == m.tasks.size()) {
      for (const auto& d : kManual) m.out.push_back(manual_item(d, m.in.ticks));
      return true;
    }
    auto it = m.tasks[m.next](*m.ctx);
    if (!it) return it.error();
    if (!*it) continue;  // an item checked in parts: its next part
    ++m.next;
    m.out.push_back(std::move(**it));
  }
  return false;
}

Position ChecksJob::position() const {
  const Impl& m = *impl_;
  return {m.tasks.empty() ? 0.0 : static_cast<double>(m.next) / static_cast<double>(m.tasks.size()), "checks"};
}

std::vector<CheckItem> ChecksJob::take_result() { return std::move(impl_->out); }

Result<std::vector<CheckItem>> run_checks(const ChecksInput& input) {
  ChecksJob job(input);
  for (;;) {
    Progress p = job.step(1e9);
    if (p.state == JobState::Error) return *p.error;
    if (p.state == JobState::Done) return job.take_result();
  }
}

}  // namespace redline
