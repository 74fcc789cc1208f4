// Moves: merges of sorted streams, one statement on each database, so the two
// databases never need to be attached to one connection and nothing but ids and one
// byte per cell is kept. M1: M1's plan over the before (norm::m1_plan_sql, the very
// query the run executes) joined with the before's users, against the after's
// employees joined with their users, both ordered by (user, employee): the employees
// of one user arrive together, so each user's fate is decided from its group alone.
// M2: each address table against its addressables rows in the after, by object id.
#include "core/review/moves.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <unordered_map>

#include "core/migrate/normalize_sql.hpp"

namespace redline {

const char* to_string(Fate f) {
  switch (f) {
    case Fate::Blank: return "blank";
    case Fate::Moved: return "moved";
    case Fate::Unchanged: return "unchanged";
    case Fate::Lost: return "lost";
  }
  return "blank";
}

const char* to_string(UserLink k) {
  switch (k) {
    case UserLink::Updated: return "updated";
    case UserLink::Created: return "created";
    case UserLink::Linked: return "linked";
  }
  return "updated";
}

MovesOptions moves_options(const NormalizeOptions& options) {
  MovesOptions m;
  m.resolution = options.username_collision == CollisionResolution::Stop ? CollisionResolution::Suffix
                                                                          : options.username_collision;
  m.overwrite = options.contact_overwrite;
  m.zip_only = options.zip_only_address;
  return m;
}

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::int64_t kNoKey = std::numeric_limits<std::int64_t>::min();

// The old address column -> the addresses column M2 writes it to.
const char* address_target(std::string_view col) {
  if (col == "address") return "address_line1";
  if (col == "zip_code") return "postal_code";
  return col == "city" ? "city" : col == "state" ? "state" : col == "country" ? "country" : "postal_code";
}

int contact_index(std::string_view col) {
  for (int i = 0; i < static_cast<int>(kContactFields); ++i)
    if (col == norm::kContactColumns[i]) return i;
  return -1;
}

std::string text_of(const sql::Statement& st, int c) { return st.column_is_null(c) ? std::string() : st.column_text(c); }

// A forward-only cursor over a prepared statement.
struct Cursor {
  sql::Statement st;
  bool row = false;
  Status next() {
    auto r = st.step();
    if (!r) return r.error();
    row = *r == sql::StepResult::Row;
    return ok_status();
  }
};

Result<Cursor> open_cursor(sql::Database& db, const std::string& q) {
  auto st = db.prepare(q);
  if (!st) return st.error();
  Cursor c{std::move(st.value())};
  REDLINE_TRY(c.next());
  return c;
}

// One employee of M1's plan, as read from the before (its values are kept only while
// its user's group is being decided).
struct PlanRow {
  std::int64_t emp = 0;
  std::int64_t target = kNoKey;
  UserLink link = UserLink::Updated;
  std::array<std::string, kContactFields> ev;
  bool user_before = false;  // the target existed before (updated / linked to an old user)
  std::array<std::string, kContactFields> uv0;
};

struct AfterRow {
  std::int64_t emp = 0;
  std::int64_t user = kNoKey;
  bool user_after = false;
  std::array<std::string, kContactFields> uv1;
};

UserLink link_of(const std::string& kind) {
  if (kind == "update") return UserLink::Updated;
  if (kind == "create") return UserLink::Created;
  return UserLink::Linked;
}

}  // namespace

// ---- lookups ----------------------------------------------------------------------------

const AddressRowMove* AddressTableMoves::find(std::int64_t object_id) const {
  auto it = std::lower_bound(moved.begin(), moved.end(), object_id,
                             [](const AddressRowMove& r, std::int64_t id) { return r.object_id < id; });
  return it != moved.end() && it->object_id == object_id ? &*it : nullptr;
}

const EmployeeMove* Moves::employee(std::int64_t id) const {
  auto it = std::lower_bound(employees.begin(), employees.end(), id,
                             [](const EmployeeMove& r, std::int64_t v) { return r.employee_id < v; });
  return it != employees.end() && it->employee_id == id ? &*it : nullptr;
}

const UserMove* Moves::user(std::int64_t id) const {
  auto it = std::lower_bound(users.begin(), users.end(), id,
                             [](const UserMove& r, std::int64_t v) { return r.user_id < v; });
  return it != users.end() && it->user_id == id ? &*it : nullptr;
}

// ---- the job ----------------------------------------------------------------------------

struct MovesJob::Impl {
  sql::Database& before;
  sql::Database& after;
  MovesOptions opt;
  Moves out;
  std::size_t next = 0;  // 0: M1, 1..: address tables; then done
  norm::DbState sb, sa;

  Impl(sql::Database& b, sql::Database& a, MovesOptions o) : before(b), after(a), opt(o) {
    out.zip_only_address = opt.zip_only;
  }

  // ---- M1 ----

  // Decide one user's group: its employees (plan rows and their after rows, pairwise;
  // all point at the same user) and the user's own old values.
  void decide(const std::vector<PlanRow>& group, const std::vector<AfterRow>& afters) {
    const PlanRow& first = group.front();
    const bool existed = first.user_before;
    const bool present = afters.front().user_after;
    std::array<std::string, kContactFields> uv1;
    if (present) uv1 = afters.front().uv1;
    const auto ow = opt.overwrite;

    for (std::size_t i = 0; i < group.size(); ++i) {
      const PlanRow& p = group[i];
      EmployeeMove m;
      m.employee_id = p.emp;
      m.user_id = afters[i].user == kNoKey ? 0 : afters[i].user;
      m.link = p.link;
      for (std::size_t f = 0; f < kContactFields; ++f) {
        const std::string& ev = p.ev[f];
        if (ev.empty()) {
          m.fields[f] = Fate::Blank;
        } else if (present && ev == uv1[f]) {
          m.fields[f] = existed && p.uv0[f] == ev ? Fate::Unchanged : Fate::Moved;
        } else {
          m.fields[f] = Fate::Lost;
          bool other = false;
          for (std::size_t j = 0; j < group.size() && present; ++j)
            if (j != i && !uv1[f].empty() && group[j].ev[f] == uv1[f]) other = true;
          const bool kept = present && existed && uv1[f] == p.uv0[f];
          const bool explained =
              other || (kept && (!ow || *ow == OverwriteResolution::UserWins ||
                                 (*ow == OverwriteResolution::FillBlanks && !p.uv0[f].empty())));
          if (!explained) m.unexpected |= static_cast<std::uint8_t>(1u << f);
        }
      }
      ++out.links[static_cast<std::size_t>(m.link)];
      out.employees.push_back(m);
    }

    if (!existed) return;
    UserMove u;
    u.user_id = first.target;
    for (std::size_t f = 0; f < kContactFields; ++f) {
      const std::string& old = first.uv0[f];
      if (old.empty()) {
        u.fields[f] = Fate::Blank;
      } else if (present && uv1[f] == old) {
        u.fields[f] = Fate::Unchanged;
      } else {
        u.fields[f] = Fate::Lost;
        LostCell c;
        c.table = "users";
        c.id = u.user_id;
        c.column = norm::kContactColumns[f];
        c.to_table = present ? "users" : "";
        c.to_id = present ? u.user_id : 0;
        for (const auto& p : group)
          if (present && p.ev[f] == uv1[f]) c.by_employee = p.emp;  // the last one wins
        c.expected = c.by_employee != 0 && (!ow || *ow == OverwriteResolution::EmployeeWins);
        out.user_losses.push_back(std::move(c));
      }
    }
    out.users.push_back(u);
  }

  Status read_plan_row(Cursor& c, PlanRow& p) {
    const auto& st = c.st;
    p.emp = st.column_int(0);
    p.link = link_of(text_of(st, 1));
    p.target = st.column_is_null(2) ? kNoKey : st.column_int(2);
    for (std::size_t f = 0; f < kContactFields; ++f) p.ev[f] = text_of(st, 3 + static_cast<int>(f));
    p.user_before = st.column_int(7) != 0;
    for (std::size_t f = 0; f < kContactFields; ++f) p.uv0[f] = text_of(st, 8 + static_cast<int>(f));
    return c.next();
  }

  Status read_after_row(Cursor& c, AfterRow& a) {
    const auto& st = c.st;
    a.emp = st.column_int(0);
    a.user = st.column_is_null(1) ? kNoKey : st.column_int(1);
    a.user_after = st.column_int(2) != 0;
    for (std::size_t f = 0; f < kContactFields; ++f) a.uv1[f] = text_of(st, 3 + static_cast<int>(f));
    return c.next();
  }

  std::string before_sql(CollisionResolution r) const {
    return "SELECT p.emp_id, p.kind, p.target, p.fn, p.ln, p.em, p.ph, u.id IS NOT NULL, u.first_name, "
           "u.last_name, u.email, u.phone\nFROM (" + norm::m1_plan_sql(sb, r) +
           ") AS p LEFT JOIN users AS u ON u.id = p.target AND p.kind IN ('update', 'link')\n"
           "ORDER BY p.target, p.emp_id";
  }

  static std::string after_sql() {
    return "SELECT e.id, e.user_id, u.id IS NOT NULL, u.first_name, u.last_name, u.email, u.phone "
           "FROM employees AS e LEFT JOIN users AS u ON u.id = e.user_id ORDER BY e.user_id, e.id";
  }

  // How many employees' after links differ from the plan under `r` (a cheap merge on
  // ids only), to pick the resolution a run made elsewhere used.
  Result<std::int64_t> mismatches(CollisionResolution r) {
    auto b = open_cursor(before, "SELECT emp_id, target FROM (" + norm::m1_plan_sql(sb, r) + ") ORDER BY emp_id");
    if (!b) return b.error();
    auto a = open_cursor(after, "SELECT id, user_id FROM employees ORDER BY id");
    if (!a) return a.error();
    std::int64_t n = 0;
    while (b->row && a->row) {
      std::int64_t be = b->st.column_int(0), ae = a->st.column_int(0);
      if (be < ae) {
        REDLINE_TRY(b->next());
      } else if (ae < be) {
        REDLINE_TRY(a->next());
      } else {
        if (b->st.column_is_null(1) || a->st.column_is_null(1) || b->st.column_int(1) != a->st.column_int(1)) ++n;
        REDLINE_TRY(b->next());
        REDLINE_TRY(a->next());
      }
    }
    return n;
  }

  // M1 in parts, each a slice of its own (the whole took ~18 ms at 200k rows): the
  // structure, the resolution's two guesses, then the merge.
  int m1_part = 0;
  bool m1_skip = false;
  std::optional<std::int64_t> suffix_mismatches;

  // One part of M1; true when M1 is over.
  Result<bool> m1_step() {
    if (m1_part == 0) {
      ++m1_part;
      REDLINE_TRY(m1_start());
      return m1_skip;
    }
    if (m1_part == 1) {
      ++m1_part;
      if (opt.resolution) return false;
      auto suffix = mismatches(CollisionResolution::Suffix);
      if (!suffix) return suffix.error();
      suffix_mismatches = *suffix;
      return false;
    }
    if (m1_part == 2) {
      ++m1_part;
      CollisionResolution r = opt.resolution.value_or(CollisionResolution::Suffix);
      if (!opt.resolution && *suffix_mismatches > 0) {
        auto link = mismatches(CollisionResolution::Link);
        if (!link) return link.error();
        if (*link < *suffix_mismatches) r = CollisionResolution::Link;
      }
      out.resolution = r;
      return false;
    }
    if (m1_part == 3) {
      ++m1_part;
      auto b = open_cursor(before, before_sql(out.resolution));
      if (!b) return b.error();
      m1_b.emplace(std::move(b.value()));
      return false;
    }
    if (m1_part == 4) {
      ++m1_part;
      auto a = open_cursor(after, after_sql());
      if (!a) return a.error();
      m1_a.emplace(std::move(a.value()));
      return false;
    }
    REDLINE_TRY(m1_merge());
    m1_b.reset();
    m1_a.reset();
    return true;
  }

  Status m1_start() {
    auto s = norm::inspect(before);
    if (!s) return s.error();
    sb = std::move(s.value());
    auto t = norm::inspect(after);
    if (!t) return t.error();
    sa = std::move(t.value());
    bool any_contact = false;
    for (const char* c : norm::kContactColumns) any_contact = any_contact || sb.has("employees", c);
    m1_skip = true;
    if (!any_contact || !sb.table("users") || !sb.has("employees", "user_id") || !sa.has("employees", "user_id") ||
        !sa.table("users"))
      return ok_status();
    auto steps_done = norm::already_done(before, sb);
    if (!steps_done) return steps_done.error();
    if (steps_done->m1) return ok_status();
    m1_skip = false;
    out.has_m1 = true;
    return ok_status();
  }

  // The merge's two cursors, each opened in a part of its own (opening one sorts its
  // rows: most of M1's time).
  std::optional<Cursor> m1_b, m1_a;

  Status m1_merge() {
    Cursor* b = &*m1_b;
    Cursor* a = &*m1_a;

    std::vector<PlanRow> group;
    std::vector<AfterRow> group_after;
    std::vector<PlanRow> lone_before;  // plan rows whose (user, employee) the after lacks
    std::vector<AfterRow> lone_after;
    PlanRow pr;
    AfterRow ar;
    bool have_b = false, have_a = false;
    auto flush = [&]() {
      if (group.empty()) return;
      decide(group, group_after);
      group.clear();
      group_after.clear();
    };
    for (;;) {
      if (!have_b && b->row) {
        REDLINE_TRY(read_plan_row(*b, pr));
        have_b = true;
      }
      if (!have_a && a->row) {
        REDLINE_TRY(read_after_row(*a, ar));
        have_a = true;
      }
      if (!have_b && !have_a) break;
      auto bkey = std::make_pair(pr.target, pr.emp);
      auto akey = std::make_pair(ar.user, ar.emp);
      if (have_b && (!have_a || bkey < akey)) {
        lone_before.push_back(std::move(pr));
        have_b = false;
      } else if (have_a && (!have_b || akey < bkey)) {
        lone_after.push_back(std::move(ar));
        have_a = false;
      } else {
        if (!group.empty() && group.front().target != pr.target) flush();
        group.push_back(std::move(pr));
        group_after.push_back(std::move(ar));
        have_b = have_a = false;
      }
    }
    flush();
    REDLINE_TRY(resolve_lone(lone_before, lone_after));

    std::sort(out.employees.begin(), out.employees.end(),
              [](const EmployeeMove& x, const EmployeeMove& y) { return x.employee_id < y.employee_id; });
    std::sort(out.users.begin(), out.users.end(),
              [](const UserMove& x, const UserMove& y) { return x.user_id < y.user_id; });
    std::sort(out.user_losses.begin(), out.user_losses.end(), [](const LostCell& x, const LostCell& y) {
      return std::make_pair(x.id, contact_index(x.column)) < std::make_pair(y.id, contact_index(y.column));
    });
    out.employees_by_user.reserve(out.employees.size());
    for (std::size_t i = 0; i < out.employees.size(); ++i)
      if (out.employees[i].user_id != 0)
        out.employees_by_user.emplace_back(out.employees[i].user_id, static_cast<std::uint32_t>(i));
    std::sort(out.employees_by_user.begin(), out.employees_by_user.end());
    return ok_status();
  }

  // Employees whose after link is not the plan's (or that are gone): each decided on
  // its own against the user it actually points at.
  Status resolve_lone(std::vector<PlanRow>& lb, std::vector<AfterRow>& la) {
    if (lb.empty()) return ok_status();
    std::sort(lb.begin(), lb.end(), [](const PlanRow& x, const PlanRow& y) { return x.emp < y.emp; });
    std::sort(la.begin(), la.end(), [](const AfterRow& x, const AfterRow& y) { return x.emp < y.emp; });
    auto old_user = before.prepare("SELECT first_name, last_name, email, phone FROM users WHERE id = ?1");
    if (!old_user) return old_user.error();
    for (auto& p : lb) {
      auto it = std::lower_bound(la.begin(), la.end(), p.emp, [](const AfterRow& x, std::int64_t e) { return x.emp < e; });
      if (it == la.end() || it->emp != p.emp) {
        EmployeeMove m;
        m.employee_id = p.emp;
        m.link = p.link;
        m.removed = true;
        for (std::size_t f = 0; f < kContactFields; ++f) {
          m.fields[f] = p.ev[f].empty() ? Fate::Blank : Fate::Lost;
          if (!p.ev[f].empty()) m.unexpected |= static_cast<std::uint8_t>(1u << f);
        }
        ++out.links[static_cast<std::size_t>(m.link)];
        out.employees.push_back(m);
        continue;
      }
      // The user it points at now, with that user's values before (if it existed).
      p.target = it->user;
      p.user_before = false;
      p.uv0 = {};
      if (it->user != kNoKey) {
        REDLINE_TRY(old_user->reset());
        REDLINE_TRY(old_user->bind_int(1, it->user));
        auto r = old_user->step();
        if (!r) return r.error();
        if (*r == sql::StepResult::Row) {
          p.user_before = true;
          for (std::size_t f = 0; f < kContactFields; ++f) p.uv0[f] = text_of(*old_user, static_cast<int>(f));
        }
      }
      std::vector<PlanRow> one{p};
      std::vector<AfterRow> one_after{*it};
      const std::size_t at = out.employees.size();
      const std::size_t losses_at = out.user_losses.size();
      decide(one, one_after);
      out.employees[at].plan_mismatch = true;
      for (std::size_t f = 0; f < kContactFields; ++f)
        if (out.employees[at].fields[f] == Fate::Lost) out.employees[at].unexpected |= static_cast<std::uint8_t>(1u << f);
      for (std::size_t k = losses_at; k < out.user_losses.size(); ++k) out.user_losses[k].expected = false;
    }
    return ok_status();
  }

  // ---- M2 ----

  // One address table's merge in progress: it may span several slices (a table of the
  // 200k-row demo took ~30 ms in one piece), so its cursors and partial result live here.
  struct M2Table {
    AddressTableMoves tm;
    std::optional<Cursor> b, a;
    std::vector<int> vi;  // the after query's column of each old column
  };
  std::optional<M2Table> m2;

  // Open one address table's two cursors; false when the table has nothing to compare.
  Result<bool> m2_begin(const norm::AddressTable& at) {
    std::vector<std::string> cols;
    for (const auto& c : norm::address_columns(at.table))
      if (sb.has(at.table, c)) cols.push_back(c);
    if (cols.empty() || cols.size() > kAddressFields) return false;
    M2Table st;
    AddressTableMoves& tm = st.tm;
    tm.table = at.table;
    tm.model = at.model;
    tm.columns = cols;
    for (const auto& c : cols) tm.targets.emplace_back(address_target(c));

    if (sa.table("django_content_type")) {
      auto ct = after.prepare("SELECT id FROM django_content_type WHERE app_label = 'crmApp' AND model = ?1");
      if (!ct) return ct.error();
      REDLINE_TRY(ct->bind_text(1, at.model));
      auto r = ct->step();
      if (!r) return r.error();
      if (*r == sql::StepResult::Row) tm.content_type_id = ct->column_int(0);
    }

    // One entry per row at most, reserved: grown by doubling, the largest table's
    // entries (~24 bytes a row) would hold up to twice their size at the review's peak.
    auto rows = before.query_int("SELECT count(*) FROM " + sql::quote_ident(at.table));
    if (!rows) return rows.error();
    tm.moved.reserve(static_cast<std::size_t>(std::max<std::int64_t>(0, rows->value_or(0))));

    std::string q = "SELECT id";
    for (const auto& c : cols) q += ", " + norm::text_or_empty(sb, at.table, c, "t");
    q += " FROM " + sql::quote_ident(at.table) + " AS t ORDER BY id";
    auto b = open_cursor(before, q);
    if (!b) return b.error();
    st.b.emplace(std::move(b.value()));
    const bool linked = sa.table("addressables") && sa.table("addresses");
    std::string aq = linked ? "SELECT x.object_id, a.id, coalesce(a.is_primary, 0) <> 0, a.address_line1, a.city, "
                              "a.state, a.postal_code, a.country FROM addressables AS x LEFT JOIN addresses AS a "
                              "ON a.id = x.address_id WHERE x.content_type_id = ?1 ORDER BY x.object_id"
                            : "SELECT NULL WHERE 0";
    auto ast = after.prepare(aq);
    if (!ast) return ast.error();
    if (linked) REDLINE_TRY(ast->bind_int(1, tm.content_type_id));
    st.a.emplace(Cursor{std::move(ast.value())});
    REDLINE_TRY(st.a->next());

    // The addresses column index of each old column (in the after query's order:
    // address_line1, city, state, postal_code, country).
    auto value_index = [](const std::string& target) {
      if (target == "address_line1") return 3;
      if (target == "city") return 4;
      if (target == "state") return 5;
      if (target == "postal_code") return 6;
      return 7;
    };
    for (const auto& t : tm.targets) st.vi.push_back(value_index(t));
    m2.emplace(std::move(st));
    return true;
  }

  // Merge rows of the open table until `deadline`; true when the table is finished.
  Result<bool> m2_rows(Clock::time_point deadline) {
    AddressTableMoves& tm = m2->tm;
    Cursor& b = *m2->b;
    Cursor& a = *m2->a;
    const std::size_t ncols = tm.columns.size();
    std::array<std::string, kAddressFields> v;
    for (int n = 0; b.row; ++n) {
      // The clock is cheap next to a row's two statement steps, but not free.
      if ((n & 63) == 63 && Clock::now() >= deadline) return false;
      const std::int64_t id = b.st.column_int(0);
      AddressRowMove m;
      m.object_id = id;
      bool other = false;  // a non-empty address value besides zip_code
      for (std::size_t k = 0; k < ncols; ++k) {
        v[k] = text_of(b.st, static_cast<int>(k) + 1);
        m.has_data = m.has_data || !v[k].empty();
        if (!v[k].empty() && tm.columns[k] != "zip_code") other = true;
      }
      m.zip_only = m.has_data && !other;
      ++tm.rows;
      if (m.has_data) ++tm.rows_with_data;
      // Skip links of objects the before does not have (foreign_keys_intact's business).
      while (a.row && a.st.column_int(0) < id) REDLINE_TRY(a.next());
      bool compared = false;
      for (; a.row && a.st.column_int(0) == id;) {
        if (m.links < 255) ++m.links;
        if (a.st.column_int(2) != 0) {
          if (m.primaries < 255) ++m.primaries;
          // The primary with the lowest id is the one compared. (Ordering the links by
          // it in SQL made SQLite sort a whole table's links before the first row,
          // ~14 ms in one piece at 200k rows; by object_id alone the index serves them.)
          if (!compared || a.st.column_int(1) < m.address_id) {
            compared = true;
            m.address_id = a.st.column_int(1);
            for (std::size_t k = 0; k < ncols; ++k) {
              if (v[k].empty()) m.fields[k] = Fate::Blank;
              else m.fields[k] = text_of(a.st, m2->vi[k]) == v[k] ? Fate::Moved : Fate::Lost;
            }
          }
        }
        REDLINE_TRY(a.next());
      }
      if (!compared)
        for (std::size_t k = 0; k < ncols; ++k) m.fields[k] = v[k].empty() ? Fate::Blank : Fate::Lost;
      if (m.has_data || m.links > 0) tm.moved.push_back(m);
      REDLINE_TRY(b.next());
    }
    out.address_tables.push_back(std::move(tm));
    m2.reset();
    return true;
  }

  // One piece of work, stopping inside an address table at `deadline`; true when the
  // job is done.
  Result<bool> unit(Clock::time_point deadline) {
    const auto& tables = norm::address_tables();
    bool finished = true;  // the current unit (M1 or one address table) is over
    if (next == 0) {
      auto r = m1_step();
      if (!r) return r.error();
      finished = *r;
    } else if (next <= tables.size()) {
      if (!m2 && sb.table(tables[next - 1].table)) REDLINE_TRY(m2_begin(tables[next - 1]));
      if (m2) {
        auto r = m2_rows(deadline);
        if (!r) return r.error();
        finished = *r;
      }
    }
    if (!finished) return false;
    ++next;
    if (next > tables.size()) {
      // The address index, its size known first (reserved, not grown by doubling).
      std::size_t n = 0;
      for (const auto& tm : out.address_tables)
        for (const auto& m : tm.moved) n += m.address_id != 0;
      out.address_index.reserve(n);
      for (std::size_t ti = 0; ti < out.address_tables.size(); ++ti) {
        const auto& moved = out.address_tables[ti].moved;
        for (std::size_t r = 0; r < moved.size(); ++r)
          if (moved[r].address_id != 0) out.address_index.emplace_back(moved[r].address_id, std::uint64_t{ti} << 32 | r);
      }
      std::sort(out.address_index.begin(), out.address_index.end());
      return true;
    }
    return false;
  }

  Position position() const {
    return {static_cast<double>(next) / static_cast<double>(norm::address_tables().size() + 1),
            next == 0 ? "moves: employees to users" : "moves: addresses"};
  }
};

MovesJob::MovesJob(sql::Database& before, sql::Database& after, MovesOptions options)
    : impl_(std::make_unique<Impl>(before, after, options)) {}
MovesJob::~MovesJob() = default;

Result<bool> MovesJob::work(double budget_ms) {
  const auto deadline = deadline_after(budget_ms);
  for (;;) {
    auto finished = impl_->unit(deadline);
    if (!finished || *finished) return finished;
    if (Clock::now() >= deadline) return false;
  }
}

Position MovesJob::position() const { return impl_->position(); }

Moves MovesJob::take_result() { return std::move(impl_->out); }

Result<Moves> compute_moves(sql::Database& before, sql::Database& after, const MovesOptions& options) {
  MovesJob job(before, after, options);
  Progress p;
  do {
    p = job.step(1e300);
  } while (p.state == JobState::More);
  if (p.state == JobState::Error) return *p.error;
  return job.take_result();
}

// ---- summaries --------------------------------------------------------------------------

nlohmann::ordered_json MoveSummary::to_json() const {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["from"] = from;
  j["to"] = to;
  j["via"] = via;
  j["step"] = step;
  j["moved"] = moved;
  j["unchanged"] = unchanged;
  j["lost"] = lost;
  j["blank"] = blank;
  j["lost_ids"] = lost_ids;
  return j;
}

namespace {
void count(MoveSummary& s, Fate f, std::int64_t id) {
  switch (f) {
    case Fate::Blank: ++s.blank; break;
    case Fate::Moved: ++s.moved; break;
    case Fate::Unchanged: ++s.unchanged; break;
    case Fate::Lost:
      ++s.lost;
      s.lost_ids.push_back(id);
      break;
  }
}
}  // namespace

std::vector<MoveSummary> Moves::summaries() const {
  std::vector<MoveSummary> out;
  if (has_m1) {
    for (std::size_t f = 0; f < kContactFields; ++f) {
      MoveSummary s;
      s.from = std::string("employees.") + norm::kContactColumns[f];
      s.to = std::string("users.") + norm::kContactColumns[f];
      s.via = "employees.user_id";
      s.step = "M1";
      for (const auto& e : employees) count(s, e.fields[f], e.employee_id);
      out.push_back(std::move(s));
    }
    for (std::size_t f = 0; f < kContactFields; ++f) {
      MoveSummary s;
      s.from = std::string("users.") + norm::kContactColumns[f];
      s.to = s.from;
      s.via = "users written by M1 (their own old values)";
      s.step = "M1";
      for (const auto& u : users) count(s, u.fields[f], u.user_id);
      out.push_back(std::move(s));
    }
  }
  for (const auto& t : address_tables) {
    for (std::size_t k = 0; k < t.columns.size(); ++k) {
      MoveSummary s;
      s.from = t.table + "." + t.columns[k];
      s.to = "addresses." + t.targets[k];
      s.via = "addressables (crmApp." + t.model + ")";
      s.step = "M2";
      for (const auto& r : t.moved) count(s, r.fields[k], r.object_id);
      s.blank = t.rows - s.moved - s.unchanged - s.lost;
      out.push_back(std::move(s));
    }
  }
  return out;
}

nlohmann::ordered_json Moves::to_json() const {
  nlohmann::ordered_json a = nlohmann::ordered_json::array();
  for (const auto& s : summaries()) {
    auto j = s.to_json();
    if (s.from.rfind("employees.", 0) == 0 && s.step == "M1") {
      j["links"] = nlohmann::ordered_json{{"updated", links[0]}, {"created", links[1]}, {"linked", links[2]}};
    }
    a.push_back(std::move(j));
  }
  return a;
}

// ---- lost cells -------------------------------------------------------------------------

std::vector<LostCell> Moves::lost() const {
  std::vector<LostCell> out;
  for (const auto& e : employees) {
    for (std::size_t f = 0; f < kContactFields; ++f) {
      if (e.fields[f] != Fate::Lost) continue;
      LostCell c;
      c.table = "employees";
      c.id = e.employee_id;
      c.column = norm::kContactColumns[f];
      c.to_table = e.user_id ? "users" : "";
      c.to_id = e.user_id;
      c.expected = !((e.unexpected >> f) & 1u);
      out.push_back(std::move(c));
    }
  }
  out.insert(out.end(), user_losses.begin(), user_losses.end());
  for (const auto& t : address_tables) {
    for (const auto& r : t.moved) {
      for (std::size_t k = 0; k < t.columns.size(); ++k) {
        if (r.fields[k] != Fate::Lost) continue;
        LostCell c;
        c.table = t.table;
        c.id = r.object_id;
        c.column = t.columns[k];
        c.to_table = r.address_id ? "addresses" : "";
        c.to_id = r.address_id;
        // M2 copies every value: a loss is never part of the plan, except the zip code
        // of a zip-only vendor the guide's test skips.
        c.expected = zip_only_skipped(r);
        out.push_back(std::move(c));
      }
    }
  }
  return out;
}

std::size_t Moves::unexpected_lost_count() const {
  std::size_t n = 0;
  for (const auto& c : lost()) n += !c.expected;
  return n;
}

// ---- where values went / came from -------------------------------------------------------

std::optional<CellDestination> Moves::where_went(std::string_view table, std::int64_t id,
                                                 std::string_view column) const {
  const int f = contact_index(column);
  if (has_m1 && table == "employees" && f >= 0) {
    const EmployeeMove* e = employee(id);
    if (!e) return std::nullopt;
    CellDestination d;
    d.fate = e->fields[static_cast<std::size_t>(f)];
    d.step = "M1";
    if (e->user_id) {
      d.to_table = "users";
      d.to_id = e->user_id;
      d.to_column = std::string(column);
    }
    const std::string user = "user " + std::to_string(e->user_id);
    switch (d.fate) {
      case Fate::Blank: d.note = "blank: nothing to move (" + std::string(to_string(e->link)) + " " + user + ")"; break;
      case Fate::Moved:
        d.note = std::string(e->link == UserLink::Created ? "copied to the created " : e->link == UserLink::Linked ? "written to the linked " : "written to the updated ") + user;
        break;
      case Fate::Unchanged: d.note = user + " already had this value"; break;
      case Fate::Lost:
        d.note = e->removed ? "lost: the employee row is gone"
                            : "lost: " + user + " holds another value" +
                                  (((e->unexpected >> f) & 1u) ? " (not explained by M1's plan)" : "");
        if (e->removed) d.to_table.clear();
        break;
    }
    return d;
  }
  if (has_m1 && table == "users" && f >= 0) {
    const UserMove* u = user(id);
    if (!u) return std::nullopt;
    CellDestination d;
    d.fate = u->fields[static_cast<std::size_t>(f)];
    d.step = "M1";
    d.to_table = "users";
    d.to_id = id;
    d.to_column = std::string(column);
    switch (d.fate) {
      case Fate::Blank: d.note = "was blank (M1 may have filled it from an employee)"; break;
      case Fate::Unchanged: d.note = "kept"; break;
      case Fate::Moved: d.note = "kept"; break;
      case Fate::Lost: {
        d.note = "lost: overwritten";
        for (const auto& c : user_losses)
          if (c.id == id && c.column == column) {
            d.note = c.by_employee ? "lost: overwritten by employee " + std::to_string(c.by_employee) + "'s value"
                                   : "lost: changed, not by M1's plan";
          }
        break;
      }
    }
    return d;
  }
  for (const auto& t : address_tables) {
    if (t.table != table) continue;
    auto col = std::find(t.columns.begin(), t.columns.end(), column);
    if (col == t.columns.end()) return std::nullopt;
    const std::size_t k = static_cast<std::size_t>(col - t.columns.begin());
    CellDestination d;
    d.step = "M2";
    const AddressRowMove* r = t.find(id);
    if (!r) {
      d.fate = Fate::Blank;
      d.note = "blank: the row had no address data";
      return d;
    }
    d.fate = r->fields[k];
    if (r->address_id) {
      d.to_table = "addresses";
      d.to_id = r->address_id;
      d.to_column = t.targets[k];
    }
    d.note = d.fate == Fate::Moved   ? "in primary address " + std::to_string(r->address_id)
             : d.fate == Fate::Blank ? std::string("blank: nothing to move")
             : r->address_id         ? "lost: primary address " + std::to_string(r->address_id) + " holds another value"
                                     : std::string("lost: no primary address links this row");
    return d;
  }
  return std::nullopt;
}

std::vector<ValueSource> Moves::sources_of(std::string_view table, std::int64_t id) const {
  std::vector<ValueSource> out;
  if (table == "users" && has_m1) {
    auto lo = std::lower_bound(employees_by_user.begin(), employees_by_user.end(), std::make_pair(id, std::uint32_t{0}));
    std::vector<const EmployeeMove*> emps;
    for (auto it = lo; it != employees_by_user.end() && it->first == id; ++it) emps.push_back(&employees[it->second]);
    if (emps.empty()) return out;
    const UserMove* u = user(id);
    const bool created = !u && emps.front()->link != UserLink::Updated;
    for (std::size_t f = 0; f < kContactFields; ++f) {
      ValueSource s;
      s.column = norm::kContactColumns[f];
      const EmployeeMove* from = nullptr;
      for (const auto* e : emps)
        if (e->fields[f] == Fate::Moved || e->fields[f] == Fate::Unchanged) from = e;  // the last writer
      if (from) {
        s.from_table = "employees";
        s.from_id = from->employee_id;
        s.from_column = s.column;
        s.fate = from->fields[f];
        s.note = from->fields[f] == Fate::Unchanged ? "the user's own value, the same as the employee's"
                                                    : "from employee " + std::to_string(from->employee_id);
      } else if (u && u->fields[f] == Fate::Unchanged) {
        s.from_table = "users";
        s.from_id = id;
        s.from_column = s.column;
        s.fate = Fate::Unchanged;
        s.note = "the user's own value, kept";
      } else if (created && f == 2) {
        s.fate = Fate::Blank;
        s.note = "placeholder employee_<id>@temp.com: employee " + std::to_string(emps.front()->employee_id) +
                 " had no email";
      } else {
        s.fate = Fate::Blank;
        s.note = "blank";
      }
      out.push_back(std::move(s));
    }
    if (created) {
      ValueSource s;
      s.column = "username";
      s.from_table = "employees";
      s.from_id = emps.front()->employee_id;
      s.from_column = "email";
      s.note = "created by M1: the employee's email, else employee_<id>; a taken name gets -<employee id> "
               "(resolution suffix)";
      out.push_back(std::move(s));
    }
    return out;
  }
  if (table == "addresses") {
    auto it = std::lower_bound(address_index.begin(), address_index.end(), std::make_pair(id, std::uint64_t{0}));
    if (it == address_index.end() || it->first != id) return out;
    const AddressTableMoves& t = address_tables[it->second >> 32];
    const AddressRowMove& r = t.moved[it->second & 0xffffffffu];
    for (const char* col : {"address_line1", "address_line2", "city", "state", "postal_code", "country", "address_type",
                            "is_primary"}) {
      ValueSource s;
      s.column = col;
      auto k = std::find(t.targets.begin(), t.targets.end(), col);
      if (k != t.targets.end()) {
        const std::size_t i = static_cast<std::size_t>(k - t.targets.begin());
        s.from_table = t.table;
        s.from_id = r.object_id;
        s.from_column = t.columns[i];
        s.fate = r.fields[i];
        s.note = "from " + t.table + " " + std::to_string(r.object_id) + "." + t.columns[i];
      } else {
        s.fate = Fate::Blank;
        s.note = std::string(col) == "address_type" ? "constant 'primary'"
                 : std::string(col) == "is_primary" ? "constant 1"
                                                     : "'' (" + t.table + " has no such column)";
      }
      out.push_back(std::move(s));
    }
  }
  return out;
}

// ---- values of lost cells ---------------------------------------------------------------

Result<std::vector<LostValue>> fetch_lost(sql::Database& before, sql::Database& after, const Moves& moves,
                                          std::size_t offset, std::size_t limit) {
  std::vector<LostCell> cells = moves.lost();
  std::vector<LostValue> out;
  if (offset >= cells.size()) return out;
  const std::size_t end = cells.size() - offset < limit ? cells.size() : offset + limit;
  // Prepared once per (database, table, column).
  std::map<std::string, sql::Statement> cache;
  auto read = [&](sql::Database& db, const char* side, const std::string& table, const std::string& column,
                  std::int64_t id) -> Result<std::string> {
    std::string key = std::string(side) + "\x1f" + table + "\x1f" + column;
    auto it = cache.find(key);
    if (it == cache.end()) {
      auto st = db.prepare("SELECT " + sql::quote_ident(column) + " FROM " + sql::quote_ident(table) + " WHERE id = ?1");
      if (!st) return st.error();
      it = cache.emplace(key, std::move(st.value())).first;
    }
    sql::Statement& st = it->second;
    REDLINE_TRY(st.reset());
    REDLINE_TRY(st.bind_int(1, id));
    auto r = st.step();
    if (!r) return r.error();
    return *r == sql::StepResult::Row ? text_of(st, 0) : std::string();
  };
  for (std::size_t i = offset; i < end; ++i) {
    LostValue v;
    v.cell = cells[i];
    auto old = read(before, "b", v.cell.table, v.cell.column, v.cell.id);
    if (!old) return old.error();
    v.old_value = *old;
    std::string to_col = v.cell.column;
    if (v.cell.to_table == "addresses") to_col = address_target(v.cell.column);
    if (!v.cell.to_table.empty() && v.cell.to_id) {
      auto now = read(after, "a", v.cell.to_table, to_col, v.cell.to_id);
      if (!now) return now.error();
      v.now_value = *now;
    }
    const LostCell& c = v.cell;
    if (c.table == "users") {
      v.reason = c.by_employee ? "overwritten by employee " + std::to_string(c.by_employee) + "'s value (M1)"
                               : "changed, and no employee of this user has the new value";
    } else if (c.table == "employees") {
      const EmployeeMove* e = moves.employee(c.id);
      if (e && e->removed) v.reason = "the employee row is gone";
      else if (e && e->plan_mismatch) v.reason = "the employee points at user " + std::to_string(c.to_id) + ", not the user M1's plan gives";
      else {
        const UserMove* u = moves.user(c.to_id);
        const int f = contact_index(c.column);
        const bool kept = u && f >= 0 && u->fields[static_cast<std::size_t>(f)] != Fate::Lost;
        v.reason = kept ? "not written: user " + std::to_string(c.to_id) + " kept its own value"
                        : "not written: user " + std::to_string(c.to_id) + " holds another employee's value";
      }
    } else {
      const AddressRowMove* r = nullptr;
      for (const auto& t : moves.address_tables)
        if (t.table == c.table) r = t.find(c.id);
      v.reason = c.to_id ? "primary address " + std::to_string(c.to_id) + " holds another value"
                 : r && moves.zip_only_skipped(*r)
                     ? "zip_only_address: the guide's test for address data does not read zip_code, so M2 gave "
                       "this vendor no address (resolution 'guide')"
                     : "no primary address links this row";
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace redline
