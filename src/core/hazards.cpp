#include "core/hazards.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include "core/normalize_sql.hpp"

namespace redline {

const char* to_string(Severity s) {
  switch (s) {
    case Severity::Info: return "info";
    case Severity::Warning: return "warning";
    case Severity::Blocker: return "blocker";
  }
  return "warning";
}

nlohmann::ordered_json Hazard::to_json() const {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["kind"] = kind;
  j["severity"] = to_string(severity);
  j["table"] = table;
  j["ids"] = ids;
  j["message"] = message;
  j["details"] = details;
  return j;
}

bool has_blocker(const std::vector<Hazard>& hazards) {
  return std::any_of(hazards.begin(), hazards.end(),
                     [](const Hazard& h) { return h.severity == Severity::Blocker; });
}

namespace {

using norm::DbState;

// A row of a query result: every column as text or NULL, read once.
struct Row {
  std::vector<std::optional<std::string>> v;
  std::vector<std::int64_t> n;
  std::int64_t i(std::size_t k) const { return n[k]; }
  std::string s(std::size_t k) const { return v[k].value_or(""); }
  bool null(std::size_t k) const { return !v[k]; }
};

Result<std::vector<Row>> rows_of(sql::Database& db, const std::string& q) {
  auto st = db.prepare(q);
  if (!st) return st.error();
  std::vector<Row> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (*r == sql::StepResult::Done) break;
    Row row;
    for (int c = 0; c < st->column_count(); ++c) {
      if (st->column_is_null(c)) row.v.emplace_back(std::nullopt);
      else row.v.emplace_back(st->column_text(c));
      row.n.push_back(st->column_int(c));
    }
    out.push_back(std::move(row));
  }
  return out;
}

std::string id_list(const std::vector<std::int64_t>& ids, std::size_t max = 10) {
  std::string out;
  for (std::size_t k = 0; k < ids.size() && k < max; ++k) out += (k ? ", " : "") + std::to_string(ids[k]);
  if (ids.size() > max) out += ", ... (" + std::to_string(ids.size()) + " in all)";
  return out;
}

void sort_unique(std::vector<std::int64_t>& ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// ---- M1: username collisions, contact overwrites, placeholder emails ---------------

Status m1_hazards(sql::Database& db, const DbState& s, const NormalizeOptions& o, std::vector<Hazard>& out) {
  const std::string plan = norm::m1_plan_sql(s, o.username_collision);

  // username_collision: employees without a user whose username is taken, by an
  // existing user or by another employee created in the same run.
  auto coll = rows_of(db, "SELECT emp_id, want, taken_by, kind, username, target FROM (" + plan +
                              ") WHERE kind <> 'update' AND (taken_by IS NOT NULL OR grp_n > 1) ORDER BY emp_id");
  if (!coll) return coll.error();
  if (!coll->empty()) {
    Hazard h;
    h.kind = "username_collision";
    h.severity = Severity::Blocker;
    h.table = "employees";
    std::map<std::string, std::vector<std::int64_t>> by_name;
    for (const auto& r : *coll) by_name[r.s(1)].push_back(r.i(0));
    std::size_t with_existing = 0;
    for (const auto& r : *coll) {
      std::int64_t emp = r.i(0);
      h.ids.push_back(emp);
      nlohmann::ordered_json d = nlohmann::ordered_json::object();
      d["employee_id"] = emp;
      d["username"] = r.s(1);
      d["taken_by_user"] = r.null(2) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.i(2));
      if (!r.null(2)) ++with_existing;
      nlohmann::ordered_json others = nlohmann::ordered_json::array();
      for (auto other : by_name[r.s(1)])
        if (other != emp) others.push_back(other);
      d["same_username_as_employees"] = others;
      std::string kind = r.s(3);
      if (o.username_collision == CollisionResolution::Stop) d["resolution"] = "stop";
      else if (kind == "create") d["resolution"] = "create user '" + r.s(4) + "'";
      else d["resolution"] = "link to user " + r.s(5);
      h.details.push_back(std::move(d));
    }
    sort_unique(h.ids);
    h.message = plural(h.ids.size(), "employee", "employees") + " without a user would get a username that is taken (" +
                std::to_string(with_existing) + " by an existing user, the others by another created user): employees " +
                id_list(h.ids) + "; the guide's script crashes here. Resolution '" + to_string(o.username_collision) +
                "': " +
                (o.username_collision == CollisionResolution::Suffix
                     ? "the username gets the suffix -<employee id>"
                     : o.username_collision == CollisionResolution::Link
                           ? "the employee is linked to the user that has the username"
                           : "the run stops");
    out.push_back(std::move(h));
  }

  // contact_overwrite: M1 (the guide's semantics, employees in id order) replaces a
  // non-empty user value with a different one. The value replaced is the user's, or
  // the one an earlier employee of the same user wrote (lag over the members), or,
  // for a user created in this run and linked to again, its creator's.
  std::string ow =
      "WITH plan AS MATERIALIZED (" + plan + "),\n"
      "m AS (SELECT emp_id, target, kind, fn, ln, em, ph FROM plan WHERE kind IN ('update', 'link', 'link_new')),\n"
      "v(emp_id, target, fi, val) AS (\n"
      "  SELECT emp_id, target, 1, fn FROM m WHERE fn <> '' UNION ALL\n"
      "  SELECT emp_id, target, 2, ln FROM m WHERE ln <> '' UNION ALL\n"
      "  SELECT emp_id, target, 3, em FROM m WHERE em <> '' UNION ALL\n"
      "  SELECT emp_id, target, 4, ph FROM m WHERE ph <> ''),\n"
      "b(target, fi, val) AS (\n"
      "  SELECT u.id, 1, u.first_name FROM users AS u WHERE u.id IN (SELECT target FROM m) UNION ALL\n"
      "  SELECT u.id, 2, u.last_name FROM users AS u WHERE u.id IN (SELECT target FROM m) UNION ALL\n"
      "  SELECT u.id, 3, u.email FROM users AS u WHERE u.id IN (SELECT target FROM m) UNION ALL\n"
      "  SELECT u.id, 4, u.phone FROM users AS u WHERE u.id IN (SELECT target FROM m) UNION ALL\n"
      "  SELECT p.target, 1, p.fn FROM plan AS p WHERE p.kind = 'create' AND p.target IN (SELECT target FROM m) UNION ALL\n"
      "  SELECT p.target, 2, p.ln FROM plan AS p WHERE p.kind = 'create' AND p.target IN (SELECT target FROM m) UNION ALL\n"
      "  SELECT p.target, 3, CASE WHEN p.em <> '' THEN p.em ELSE 'employee_' || p.emp_id || '@temp.com' END\n"
      "    FROM plan AS p WHERE p.kind = 'create' AND p.target IN (SELECT target FROM m) UNION ALL\n"
      "  SELECT p.target, 4, p.ph FROM plan AS p WHERE p.kind = 'create' AND p.target IN (SELECT target FROM m)),\n"
      "s AS (SELECT v.emp_id, v.target, v.fi, v.val AS new_val,\n"
      "        coalesce(lag(v.val) OVER (PARTITION BY v.target, v.fi ORDER BY v.emp_id), b.val) AS old_val\n"
      "      FROM v LEFT JOIN b ON b.target = v.target AND b.fi = v.fi)\n"
      "SELECT emp_id, target, fi, old_val, new_val FROM s\n"
      "WHERE coalesce(old_val, '') <> '' AND old_val IS NOT new_val ORDER BY emp_id, fi";
  auto over = rows_of(db, ow);
  if (!over) return over.error();
  if (!over->empty()) {
    static const char* kField[] = {"", "first_name", "last_name", "email", "phone"};
    Hazard h;
    h.kind = "contact_overwrite";
    h.severity = Severity::Warning;
    h.table = "employees";
    for (const auto& r : *over) {
      h.ids.push_back(r.i(0));
      nlohmann::ordered_json d = nlohmann::ordered_json::object();
      d["employee_id"] = r.i(0);
      d["user_id"] = r.i(1);
      d["field"] = kField[r.i(2)];
      d["old"] = r.s(3);
      d["new"] = r.s(4);
      h.details.push_back(std::move(d));
    }
    sort_unique(h.ids);
    const char* what = "";
    switch (o.contact_overwrite) {
      case OverwriteResolution::EmployeeWins: what = "the employee's value replaces the user's (the user's is lost)"; break;
      case OverwriteResolution::UserWins: what = "users are left as they are (the employee's value is lost)"; break;
      case OverwriteResolution::FillBlanks: what = "the user's value is kept, only empty user values are filled"; break;
    }
    h.message = plural(over->size(), "user value differs", "user values differ") + " from the employee's (" +
                plural(h.ids.size(), "employee", "employees") + ": " + id_list(h.ids) + "). Resolution '" +
                to_string(o.contact_overwrite) + "': " + what;
    out.push_back(std::move(h));
  }

  // placeholder_email: a created user gets employee_<id>@temp.com.
  auto ph = rows_of(db, "SELECT emp_id FROM (" + plan + ") WHERE kind = 'create' AND em = '' ORDER BY emp_id");
  if (!ph) return ph.error();
  if (!ph->empty()) {
    Hazard h;
    h.kind = "placeholder_email";
    h.severity = Severity::Info;
    h.table = "employees";
    for (const auto& r : *ph) {
      h.ids.push_back(r.i(0));
      h.details.push_back({{"employee_id", r.i(0)}, {"email", "employee_" + r.s(0) + "@temp.com"}});
    }
    sort_unique(h.ids);
    h.message = plural(h.ids.size(), "employee has", "employees have") +
                " no email: the user created for it gets the placeholder employee_<id>@temp.com (employees " +
                id_list(h.ids) + ")";
    out.push_back(std::move(h));
  }
  return ok_status();
}

// ---- M3: tied votes ------------------------------------------------------------------

Status tie_hazards(sql::Database& db, const DbState& s, std::vector<Hazard>& out) {
  // Only organizations M3 will set: all of them before E2, those still NULL after it.
  std::string which = s.has("organizations", "default_currency") ? " AND o.default_currency IS NULL" : "";
  auto rows = rows_of(db,
      "WITH c AS (SELECT d.organization_id AS org, d.currency AS cur, count(*) AS n\n"
      "           FROM deals AS d JOIN organizations AS o ON o.id = d.organization_id\n"
      "           WHERE d.currency IS NOT NULL" + which + " GROUP BY d.organization_id, d.currency),\n"
      "r AS (SELECT org, cur, n, rank() OVER (PARTITION BY org ORDER BY n DESC) AS rk FROM c),\n"
      "top AS (SELECT org, cur, n FROM r WHERE rk = 1)\n"
      "SELECT org, cur, n FROM top WHERE org IN (SELECT org FROM top GROUP BY org HAVING count(*) > 1)\n"
      "ORDER BY org, cur");
  if (!rows) return rows.error();
  if (rows->empty()) return ok_status();
  Hazard h;
  h.kind = "currency_tie";
  h.severity = Severity::Warning;
  h.table = "organizations";
  std::string detail_text;
  for (std::size_t k = 0; k < rows->size();) {
    std::int64_t org = (*rows)[k].i(0);
    nlohmann::ordered_json codes = nlohmann::ordered_json::array();
    std::int64_t n = (*rows)[k].i(2);
    std::string chosen = (*rows)[k].s(1);  // ORDER BY cur: the smallest code comes first
    for (; k < rows->size() && (*rows)[k].i(0) == org; ++k) codes.push_back((*rows)[k].s(1));
    h.ids.push_back(org);
    h.details.push_back({{"organization_id", org}, {"tied", codes}, {"deals_each", n}, {"chosen", chosen}});
  }
  sort_unique(h.ids);
  h.message = plural(h.ids.size(), "organization has", "organizations have") +
              " a tied currency vote (organizations " + id_list(h.ids) +
              "): the default currency is the smallest tied code";
  out.push_back(std::move(h));
  return ok_status();
}

// ---- currency codes --------------------------------------------------------------------

Status currency_hazards(sql::Database& db, const DbState& s, std::vector<Hazard>& out) {
  for (const char* t : {"deals", "orders", "payments"}) {
    if (!s.has(t, "currency")) continue;
    // Three upper-case ASCII letters; GLOB compares bytes, so 'É' or 'usd' fail.
    auto rows = rows_of(db, std::string("SELECT id, currency FROM ") + t +
                                " WHERE currency IS NOT NULL AND NOT (length(currency) = 3 AND "
                                "CAST(currency AS TEXT) GLOB '[A-Z][A-Z][A-Z]') ORDER BY id");
    if (!rows) return rows.error();
    if (rows->empty()) continue;
    Hazard h;
    h.kind = "nonstandard_currency";
    h.severity = Severity::Warning;
    h.table = t;
    std::map<std::string, std::int64_t> values;
    for (const auto& r : *rows) {
      h.ids.push_back(r.i(0));
      ++values[r.s(1)];
    }
    for (const auto& [v, n] : values) h.details.push_back({{"currency", v}, {"rows", n}});
    sort_unique(h.ids);
    std::string shown;
    for (const auto& [v, n] : values) shown += (shown.empty() ? "" : ", ") + ("'" + v + "'");
    h.message = std::string(t) + ": " + plural(h.ids.size(), "row", "rows") +
                " with a currency that is not three upper-case letters (" + shown + "): ids " + id_list(h.ids);
    out.push_back(std::move(h));
  }
  return ok_status();
}

// ---- dangling foreign keys ------------------------------------------------------------

Status dangling_hazards(sql::Database& db, std::vector<Hazard>& out) {
  // SQLite's own foreign key check, whatever PRAGMA foreign_keys says, joined to the
  // key's definition for the column name.
  auto rows = rows_of(db,
      "SELECT fk.\"table\", fl.\"from\", fk.parent, fk.rowid FROM pragma_foreign_key_check AS fk\n"
      "JOIN pragma_foreign_key_list(fk.\"table\") AS fl ON fl.id = fk.fkid AND fl.seq = 0\n"
      "ORDER BY 1, 2, 4");
  if (!rows) return rows.error();
  for (std::size_t k = 0; k < rows->size();) {
    std::string table = (*rows)[k].s(0), column = (*rows)[k].s(1), parent = (*rows)[k].s(2);
    Hazard h;
    h.kind = "dangling_reference";
    h.severity = Severity::Warning;
    h.table = table;
    for (; k < rows->size() && (*rows)[k].s(0) == table && (*rows)[k].s(1) == column; ++k)
      if (!(*rows)[k].null(3)) h.ids.push_back((*rows)[k].i(3));
    sort_unique(h.ids);
    h.details.push_back({{"column", column}, {"references", parent}, {"rows", h.ids.size()}});
    h.message = table + "." + column + ": " + plural(h.ids.size(), "row points", "rows point") + " at a row of " +
                parent + " that does not exist (ids " + id_list(h.ids) + ")";
    if (table == "employees" && column == "user_id") h.message += "; M1 gives these employees a new user";
    out.push_back(std::move(h));
  }
  return ok_status();
}

}  // namespace

Result<std::vector<Hazard>> find_hazards(sql::Database& db, const NormalizeOptions& options) {
  auto state = norm::inspect(db);
  if (!state) return state.error();
  REDLINE_TRY(norm::check_is_crm(*state));
  auto done = norm::already_done(db, *state);
  if (!done) return done.error();

  std::vector<Hazard> out;
  if (!done->m1) REDLINE_TRY(m1_hazards(db, *state, options, out));
  if (!done->m3) REDLINE_TRY(tie_hazards(db, *state, out));
  REDLINE_TRY(currency_hazards(db, *state, out));
  REDLINE_TRY(dangling_hazards(db, out));
  return out;
}

}  // namespace redline
