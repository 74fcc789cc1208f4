#include "core/migrate/hazards.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <optional>

#include "core/migrate/normalize_sql.hpp"

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

bool same_preflight(const NormalizeOptions& a, const NormalizeOptions& b) {
  // Every option but those the preflight does not read, so that an option added later
  // counts until it is known not to.
  auto preflight_part = [](NormalizeOptions o) {
    o.now.clear();
    o.strict = false;
    o.record_timings = false;
    return options_to_json(o);
  };
  return preflight_part(a) == preflight_part(b);
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

Status m1_hazards(sql::Database& db, const NormalizeOptions& o, std::vector<Hazard>& out) {
  // One pass over the plan (temp.redline_m1, which M1 reads too) gives every row the
  // three M1 hazards need:
  //  'c' rows: employees without a user whose username is taken (by an existing user,
  //      or by another employee created in the same run), or whose created user gets
  //      the placeholder email;
  //  'o' rows: employees that apply their values to a user (M1's update branch),
  //      with the value each field has before them, when something differs. Where a
  //      user has several such employees ('multi'), all of them come back, and the
  //      guide's loop (employees in id order, each replacing the current value) is
  //      replayed below; alone, the user's value is the one replaced. A user created
  //      in this run (only under "link") starts from its creator's values.
  const bool link = o.username_collision == CollisionResolution::Link;
  auto base = [&](const char* ucol, const std::string& created) {
    return link ? "coalesce(u." + std::string(ucol) + ", " + created + ")" : "u." + std::string(ucol);
  };
  const std::string b1 = base("first_name", "c.fn"), b2 = base("last_name", "c.ln"),
                    b3 = base("email", "CASE WHEN c.em <> '' THEN c.em ELSE 'employee_' || c.emp_id || '@temp.com' END"),
                    b4 = base("phone", "c.ph");
  auto differs = [](const std::string& mine, const std::string& theirs) {
    return "(m." + mine + " <> '' AND coalesce(" + theirs + ", '') <> '' AND m." + mine + " IS NOT " + theirs + ")";
  };
  const std::string q =
      "WITH m AS MATERIALIZED (SELECT emp_id, target, fn, ln, em, ph FROM temp.redline_m1 "
      "WHERE kind IN ('update', 'link', 'link_new')),\n"
      "multi AS MATERIALIZED (SELECT target FROM m GROUP BY target HAVING count(*) > 1)\n"
      "SELECT 'c', emp_id, target, want, taken_by, kind, username, grp_n, em = '', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL\n"
      "FROM temp.redline_m1 WHERE kind <> 'update' AND (taken_by IS NOT NULL OR grp_n > 1 OR (kind = 'create' AND em = ''))\n"
      "UNION ALL\n"
      "SELECT 'o', m.emp_id, m.target, NULL, NULL, NULL, NULL, NULL, NULL, m.fn, " + b1 + ", m.ln, " + b2 + ", m.em, " + b3 +
      ", m.ph, " + b4 + "\n"
      "FROM m LEFT JOIN users AS u ON u.id = m.target\n" +
      (link ? "LEFT JOIN temp.redline_m1 AS c ON c.kind = 'create' AND c.target = m.target\n" : "") +
      "WHERE m.target IN multi OR " + differs("fn", b1) + " OR " + differs("ln", b2) + " OR " + differs("em", b3) +
      " OR " + differs("ph", b4) + "\n"
      "ORDER BY 1, 3, 2";
  auto all = rows_of(db, q);
  if (!all) return all.error();
  std::vector<Row> coll, placeholder, members;
  for (auto& r : *all) {
    if (r.s(0) == "o") {
      members.push_back(r);
      continue;
    }
    if (r.i(8) != 0 && r.s(5) == "create") placeholder.push_back(r);
    if (!r.null(4) || r.i(7) > 1) coll.push_back(r);
  }
  // Without the tag, a 'c' row starts with emp_id; in employee id order.
  for (auto* v : {&coll, &placeholder}) {
    for (auto& r : *v) {
      r.v.erase(r.v.begin());
      r.n.erase(r.n.begin());
    }
    std::sort(v->begin(), v->end(), [](const Row& a, const Row& b) { return a.i(0) < b.i(0); });
  }
  if (!coll.empty()) {
    Hazard h;
    h.kind = "username_collision";
    h.severity = Severity::Blocker;
    h.table = "employees";
    std::map<std::string, std::vector<std::int64_t>> by_name;
    for (const auto& r : coll) by_name[r.s(2)].push_back(r.i(0));
    std::size_t with_existing = 0;
    for (const auto& r : coll) {
      std::int64_t emp = r.i(0);
      h.ids.push_back(emp);
      nlohmann::ordered_json d = nlohmann::ordered_json::object();
      d["employee_id"] = emp;
      d["username"] = r.s(2);
      d["taken_by_user"] = r.null(3) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.i(3));
      if (!r.null(3)) ++with_existing;
      nlohmann::ordered_json others = nlohmann::ordered_json::array();
      for (auto other : by_name[r.s(2)])
        if (other != emp) others.push_back(other);
      d["same_username_as_employees"] = others;
      std::string kind = r.s(4);
      if (o.username_collision == CollisionResolution::Stop) d["resolution"] = "stop";
      else if (kind == "create") d["resolution"] = "create user '" + r.s(5) + "'";
      else d["resolution"] = "link to user " + r.s(1);
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

  // contact_overwrite: replay M1's update branch (the guide's semantics) on the
  // selected members, user by user, employees in id order: a non-empty employee value
  // replaces the current one; replacing a different non-empty value is the hazard.
  struct Overwrite {
    std::int64_t emp, user;
    int field;
    std::string old_val, new_val;
  };
  std::vector<Overwrite> conflicts;
  for (std::size_t k = 0; k < members.size();) {
    std::int64_t target = members[k].i(2);
    std::string current[4];
    for (int f = 0; f < 4; ++f) current[f] = members[k].s(10 + 2 * f);
    for (; k < members.size() && members[k].i(2) == target; ++k) {
      const Row& r = members[k];
      for (int f = 0; f < 4; ++f) {
        std::string mine = r.s(9 + 2 * f);
        if (mine.empty()) continue;
        if (!current[f].empty() && current[f] != mine) conflicts.push_back({r.i(1), target, f + 1, current[f], mine});
        current[f] = mine;
      }
    }
  }
  std::sort(conflicts.begin(), conflicts.end(), [](const Overwrite& a, const Overwrite& b) {
    return a.emp != b.emp ? a.emp < b.emp : a.field < b.field;
  });
  const auto* over = &conflicts;
  if (!over->empty()) {
    static const char* kField[] = {"", "first_name", "last_name", "email", "phone"};
    Hazard h;
    h.kind = "contact_overwrite";
    h.severity = Severity::Warning;
    h.table = "employees";
    for (const auto& c : *over) {
      h.ids.push_back(c.emp);
      nlohmann::ordered_json d = nlohmann::ordered_json::object();
      d["employee_id"] = c.emp;
      d["user_id"] = c.user;
      d["field"] = kField[c.field];
      d["old"] = c.old_val;
      d["new"] = c.new_val;
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
  if (!placeholder.empty()) {
    Hazard h;
    h.kind = "placeholder_email";
    h.severity = Severity::Info;
    h.table = "employees";
    for (const auto& r : placeholder) {
      h.ids.push_back(r.i(0));
      h.details.push_back({{"employee_id", r.i(0)}, {"email", "employee_" + std::to_string(r.i(0)) + "@temp.com"}});
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
  // The counts are M3's own (temp.redline_votes).
  std::string which = s.has("organizations", "default_currency") ? " WHERE o.default_currency IS NULL" : "";
  auto rows = rows_of(db,
      "WITH c AS (SELECT v.org, v.cur, v.n FROM temp.redline_votes AS v JOIN organizations AS o ON o.id = v.org" +
          which + "),\n"
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

// Three upper-case ASCII letters; GLOB compares bytes, so 'É' or 'usd' fail.
std::string bad_currency_sql(const char* table) {
  return std::string("SELECT id, currency FROM ") + table +
         " WHERE rowid BETWEEN ?1 AND ?2 AND currency IS NOT NULL AND NOT (length(currency) = 3 AND "
         "CAST(currency AS TEXT) GLOB '[A-Z][A-Z][A-Z]')";
}

void currency_hazard(const char* t, const std::vector<Row>& rows, std::vector<Hazard>& out) {
  if (rows.empty()) return;
  Hazard h;
  h.kind = "nonstandard_currency";
  h.severity = Severity::Warning;
  h.table = t;
  std::map<std::string, std::int64_t> values;
  for (const auto& r : rows) {
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

// ---- dangling foreign keys ------------------------------------------------------------

// One table's broken keys, (column, parent, rowid) rows, as hazards: one per column.
void dangling_hazards(const std::string& table, std::vector<Row> rows, std::vector<Hazard>& out) {
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return a.s(0) != b.s(0) ? a.s(0) < b.s(0) : a.i(2) < b.i(2);
  });
  for (std::size_t k = 0; k < rows.size();) {
    std::string column = rows[k].s(0), parent = rows[k].s(1);
    Hazard h;
    h.kind = "dangling_reference";
    h.severity = Severity::Warning;
    h.table = table;
    for (; k < rows.size() && rows[k].s(0) == column; ++k)
      if (!rows[k].null(2)) h.ids.push_back(rows[k].i(2));
    sort_unique(h.ids);
    h.details.push_back({{"column", column}, {"references", parent}, {"rows", h.ids.size()}});
    h.message = table + "." + column + ": " + plural(h.ids.size(), "row points", "rows point") + " at a row of " +
                parent + " that does not exist (ids " + id_list(h.ids) + ")";
    if (table == "employees" && column == "user_id") h.message += "; M1 gives these employees a new user";
    out.push_back(std::move(h));
  }
}

// ---- M2: zip-only vendors ---------------------------------------------------------------

void zip_only_hazard(std::vector<std::int64_t> ids, ZipOnlyResolution resolution, std::vector<Hazard>& out) {
  if (ids.empty()) return;
  Hazard h;
  h.kind = "zip_only_address";
  h.severity = Severity::Warning;
  h.table = "vendors";
  h.ids = std::move(ids);
  sort_unique(h.ids);
  h.details.push_back({{"column", "zip_code"}, {"rows", h.ids.size()}});
  h.message = plural(h.ids.size(), "vendor has", "vendors have") + " a zip code and no other address value (ids " +
              id_list(h.ids) + "): the guide's test for address data does not look at zip_code, so " +
              (resolution == ZipOnlyResolution::Keep
                   ? "by resolution 'keep' each still gets an address with the zip code as its postal code"
                   : "they get no address and the zip code is lost (resolution 'guide'; 'keep' creates their address)");
  out.push_back(std::move(h));
}

Row text_row(sql::Statement& st, int columns) {
  Row row;
  for (int c = 0; c < columns; ++c) {
    if (st.column_is_null(c)) row.v.emplace_back(std::nullopt);
    else row.v.emplace_back(st.column_text(c));
    row.n.push_back(st.column_int(c));
  }
  return row;
}

// A table's foreign keys as SQLite's own check sees them, whatever PRAGMA foreign_keys
// says: (column, parent, rowid) of each row whose key has no parent row.
Status foreign_key_check(sql::Database& db, const std::string& table, std::vector<Row>& rows) {
  auto st = db.prepare(
      "SELECT fl.\"from\", fk.parent, fk.rowid FROM pragma_foreign_key_check(?1) AS fk\n"
      "JOIN pragma_foreign_key_list(?1) AS fl ON fl.id = fk.fkid AND fl.seq = 0");
  if (!st) return st.error();
  REDLINE_TRY(st->bind_text(1, table));
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (*r == sql::StepResult::Done) break;
    rows.push_back(text_row(*st, 3));
  }
  return ok_status();
}

}  // namespace

// ---- the job -------------------------------------------------------------------------

struct HazardJob::Impl {
  sql::Database& db;
  NormalizeOptions opt;
  bool keep;
  StepQueue queue;
  DbState state;
  std::vector<Hazard> out;
  bool m1_plan = false, votes = false;
  bool started = false, ended = false;
  std::size_t queued = 0, ran = 0;  // tasks, for the progress bar
  std::string phase = "not started";

  Impl(sql::Database& d, NormalizeOptions o, bool k) : db(d), opt(std::move(o)), keep(k) {}

  void task(const char* what, StepQueue::Task t) {
    ++queued;
    queue.then([this, what, t = std::move(t)]() -> Result<bool> {
      phase = what;
      auto r = t();
      if (r && *r) ++ran;
      return r;
    });
  }

  Status drop_scratch() {
    return db.exec("DROP TABLE IF EXISTS temp.redline_m1; DROP TABLE IF EXISTS temp.redline_vote_parts; "
                   "DROP TABLE IF EXISTS temp.redline_votes");
  }

  // What the snapshot is, then the queries, each kind in spec §3's order.
  Status plan() {
    auto s = norm::inspect(db);
    if (!s) return s.error();
    state = std::move(s.value());
    REDLINE_TRY(norm::check_is_crm(state));
    auto done = norm::already_done(db, state);
    if (!done) return done.error();
    REDLINE_TRY(drop_scratch());

    if (!done->m1) {
      task("M1's plan", [this]() -> Result<bool> {
        REDLINE_TRY(db.exec(norm::kM1PlanCreate));
        REDLINE_TRY(db.exec(norm::m1_plan_insert_sql(state, opt.username_collision)));
        m1_plan = true;
        return true;
      });
      task("username collisions and contact overwrites", [this]() -> Result<bool> {
        REDLINE_TRY(m1_hazards(db, opt, out));
        return true;
      });
    }
    if (!done->m3) {
      // The vote, counted slice by slice over deals, then summed per organization and code.
      task("currency votes", [this]() -> Result<bool> {
        REDLINE_TRY(db.exec("CREATE TEMP TABLE redline_vote_parts (org, cur, n INTEGER)"));
        return true;
      });
      norm::Ranged r;
      r.table = "deals";
      r.sql = "INSERT INTO temp.redline_vote_parts (org, cur, n) SELECT organization_id, currency, count(*) "
              "FROM deals WHERE rowid BETWEEN ?1 AND ?2 AND currency IS NOT NULL GROUP BY organization_id, currency";
      task("currency votes", norm::ranged_task(db, std::move(r)));
      task("currency votes", [this]() -> Result<bool> {
        REDLINE_TRY(db.exec(
            std::string(norm::kVotesCreate) + ";\n"
            "INSERT INTO temp.redline_votes (org, cur, n) SELECT org, cur, sum(n) FROM temp.redline_vote_parts "
            "GROUP BY org, cur ORDER BY org, cur;\n"
            "DROP TABLE temp.redline_vote_parts"));
        votes = true;
        return true;
      });
      task("currency ties", [this]() -> Result<bool> {
        REDLINE_TRY(tie_hazards(db, state, out));
        return true;
      });
    }
    for (const char* t : {"deals", "orders", "payments"}) {
      if (!state.has(t, "currency")) continue;
      auto rows = std::make_shared<std::vector<Row>>();
      norm::Ranged r;
      r.table = t;
      r.sql = bad_currency_sql(t);
      r.row = [rows](sql::Statement& st) -> Status {
        Row row;
        for (int c = 0; c < 2; ++c) {
          if (st.column_is_null(c)) row.v.emplace_back(std::nullopt);
          else row.v.emplace_back(st.column_text(c));
          row.n.push_back(st.column_int(c));
        }
        rows->push_back(std::move(row));
        return ok_status();
      };
      r.done = [this, t, rows]() -> Status {
        currency_hazard(t, *rows, out);
        return ok_status();
      };
      task("currency codes", norm::ranged_task(db, std::move(r)));
    }
    // Every table with a foreign key, in name order. A key on one column that points
    // at its parent's INTEGER PRIMARY KEY is checked by a lookup by rowid (what
    // SQLite's check does for such a key, value for value): when an index of the table
    // starts with the column, once per distinct value, in the index's order (most keys
    // here point at one of a few organizations), then the rows holding the values
    // without a parent; otherwise row by row, in slices of the table's rows. A table
    // with any other kind of key gets SQLite's check, whole.
    auto fks = db.prepare(
        "SELECT m.name, fl.id, fl.seq, fl.\"table\", fl.\"from\", fl.\"to\",\n"
        "  EXISTS (SELECT 1 FROM pragma_index_list(m.name) AS il JOIN pragma_index_xinfo(il.name) AS ix\n"
        "          WHERE il.partial = 0 AND ix.seqno = 0 AND ix.name = fl.\"from\" AND ix.coll = 'BINARY')\n"
        "FROM main.sqlite_schema AS m JOIN pragma_foreign_key_list(m.name) AS fl WHERE m.type = 'table'\n"
        "ORDER BY m.name, fl.id, fl.seq");
    if (!fks) return fks.error();
    struct Key {
      std::int64_t id;
      int columns;
      std::string parent, from, to;
      bool indexed;
    };
    std::map<std::string, std::vector<Key>> keys;
    for (;;) {
      auto r = fks->step();
      if (!r) return r.error();
      if (*r == sql::StepResult::Done) break;
      auto& v = keys[fks->column_text(0)];
      std::int64_t id = fks->column_int(1);
      if (!v.empty() && v.back().id == id) {
        ++v.back().columns;
        continue;
      }
      v.push_back({id, 1, fks->column_text(3), fks->column_text(4),
                   fks->column_is_null(5) ? std::string() : fks->column_text(5), fks->column_int(6) != 0});
    }
    for (const auto& [table, ks] : keys) {
      bool sliced = true;
      for (const auto& k : ks) sliced = sliced && k.columns == 1 && norm::is_rowid_key(state, k.parent, k.to);
      auto rows = std::make_shared<std::vector<Row>>();
      const std::string t = table;
      if (!sliced) {
        task("dangling references", [this, t, rows]() -> Result<bool> {
          REDLINE_TRY(foreign_key_check(db, t, *rows));
          dangling_hazards(t, std::move(*rows), out);
          return true;
        });
        continue;
      }
      for (std::size_t k = 0; k < ks.size(); ++k) {
        const bool last = k + 1 == ks.size();
        const std::string from = sql::quote_ident(ks[k].from), parent = sql::quote_ident(ks[k].parent);
        const std::string tag = sql::quote_literal(ks[k].from) + ", " + sql::quote_literal(ks[k].parent);
        if (ks[k].indexed) {
          const std::string q =
              "SELECT " + tag + ", c.rowid FROM " + sql::quote_ident(table) + " AS c WHERE c." + from +
              " IN (SELECT v FROM (SELECT DISTINCT d." + from + " AS v FROM " + sql::quote_ident(table) + " AS d WHERE d." +
              from + " IS NOT NULL) WHERE NOT EXISTS (SELECT 1 FROM " + parent + " AS p WHERE p.rowid = v))";
          task("dangling references", [this, t, rows, q, last]() -> Result<bool> {
            auto st = db.prepare(q);
            if (!st) return st.error();
            for (;;) {
              auto r = st->step();
              if (!r) return r.error();
              if (*r == sql::StepResult::Done) break;
              rows->push_back(text_row(*st, 3));
            }
            if (last) dangling_hazards(t, std::move(*rows), out);
            return true;
          });
          continue;
        }
        norm::Ranged r;
        r.table = table;
        r.sql = "SELECT " + sql::quote_literal(ks[k].from) + ", " + sql::quote_literal(ks[k].parent) +
                ", c.rowid FROM " + sql::quote_ident(table) + " AS c WHERE c.rowid BETWEEN ?1 AND ?2 AND c." +
                sql::quote_ident(ks[k].from) + " IS NOT NULL AND NOT EXISTS (SELECT 1 FROM " +
                sql::quote_ident(ks[k].parent) + " AS p WHERE p.rowid = c." + sql::quote_ident(ks[k].from) + ")";
        r.row = [rows](sql::Statement& st) -> Status {
          rows->push_back(text_row(st, 3));
          return ok_status();
        };
        if (last) {
          r.done = [this, t, rows]() -> Status {
            dangling_hazards(t, std::move(*rows), out);
            return ok_status();
          };
        }
        task("dangling references", norm::ranged_task(db, std::move(r)));
      }
    }
    if (!done->m2 && state.has("vendors", "zip_code")) {
      auto ids = std::make_shared<std::vector<std::int64_t>>();
      norm::Ranged r;
      r.table = "vendors";
      r.sql = "SELECT v.id FROM vendors AS v WHERE v.rowid BETWEEN ?1 AND ?2 AND " + norm::zip_only_sql(state, "v");
      r.row = [ids](sql::Statement& st) -> Status {
        ids->push_back(st.column_int(0));
        return ok_status();
      };
      r.done = [this, ids]() -> Status {
        zip_only_hazard(std::move(*ids), opt.zip_only_address, out);
        return ok_status();
      };
      task("zip-only vendors", norm::ranged_task(db, std::move(r)));
    }
    return ok_status();
  }

  // The end, done or not (`failed`): the scratch tables go unless the normalizer
  // keeps them.
  void end(bool failed) {
    ended = true;
    queue.clear();
    if (failed || !keep) {
      (void)drop_scratch();
      m1_plan = votes = false;
    }
  }

  Position position() const {
    return {ended ? 1.0 : queued ? static_cast<double>(ran) / static_cast<double>(queued + 1) : 0.0, phase};
  }

  Result<bool> work(double budget_ms) {
    using Clock = std::chrono::steady_clock;
    auto t0 = Clock::now();
    for (;;) {
      if (!started) {
        started = true;
        phase = "what the snapshot is";
        REDLINE_TRY(plan());
      } else {
        REDLINE_TRY(queue.run_one());
        if (queue.empty()) {
          end(false);
          return true;
        }
      }
      if (ms_since(t0) >= budget_ms) return false;
    }
  }
};

HazardJob::HazardJob(sql::Database& db, NormalizeOptions options, bool keep_scratch)
    : impl_(std::make_unique<Impl>(db, std::move(options), keep_scratch)) {}

HazardJob::~HazardJob() {
  if (impl_ && !impl_->ended) impl_->end(true);
}

Result<bool> HazardJob::work(double budget_ms) { return impl_->work(budget_ms); }
Position HazardJob::position() const { return impl_->position(); }
void HazardJob::abandon(const Error&) { impl_->end(true); }

const std::vector<Hazard>& HazardJob::hazards() const { return impl_->out; }
bool HazardJob::kept_m1_plan() const { return impl_->m1_plan; }
bool HazardJob::kept_votes() const { return impl_->votes; }

Result<std::vector<Hazard>> find_hazards(sql::Database& db, const NormalizeOptions& options) {
  HazardJob job(db, options);
  Progress p;
  do {
    p = job.step(1e300);
  } while (p.state == JobState::More);
  if (p.state == JobState::Error) return p.error.value_or(make_error(ErrorCode::Internal, "preflight failed"));
  return job.hazards();
}

}  // namespace redline
