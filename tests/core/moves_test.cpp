// Moves: the lineage of every value M1 and M2 move, against counts and sets computed
// here by independent SQL over the before fixture and the after the run produced;
// per-cell and per-row lookups; each contact-overwrite resolution; a tampered after;
// the same moves from Django's own result; the diff command's JSON.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/review/moves.hpp"
#include "review_test_util.hpp"

using namespace redline;
using namespace redline::test;

namespace {

const MoveSummary* find(const std::vector<MoveSummary>& s, const std::string& from) {
  for (const auto& x : s)
    if (x.from == from) return &x;
  return nullptr;
}

// Independent counts of employees.<f> -> users.<f>: over the before's employees (b) and
// the after's employees and users (main).
struct Counts {
  std::int64_t moved = 0, unchanged = 0, lost = 0, blank = 0;
};

Counts employee_counts(sql::Database& db, const std::string& f) {
  const std::string ev = "coalesce(be." + f + ", '')";
  const std::string base = "FROM b.employees AS be JOIN main.employees AS ae ON ae.id = be.id "
                           "LEFT JOIN main.users AS au ON au.id = ae.user_id "
                           "LEFT JOIN b.users AS bu ON bu.id = be.user_id ";
  Counts c;
  c.blank = one_int(db, "SELECT count(*) " + base + "WHERE " + ev + " = ''");
  c.unchanged = one_int(db, "SELECT count(*) " + base + "WHERE " + ev + " <> '' AND bu.id IS NOT NULL AND bu." + f +
                                " = " + ev + " AND au." + f + " = " + ev);
  c.moved = one_int(db, "SELECT count(*) " + base + "WHERE " + ev + " <> '' AND au." + f + " = " + ev) - c.unchanged;
  c.lost = one_int(db, "SELECT count(*) " + base + "WHERE " + ev + " <> '' AND au." + f + " IS NOT " + ev);
  return c;
}

// users.<f> -> users.<f>: the before users some employee pointed at.
Counts user_counts(sql::Database& db, const std::string& f) {
  const std::string base = "FROM b.users AS bu JOIN main.users AS au ON au.id = bu.id WHERE bu.id IN "
                           "(SELECT user_id FROM b.employees) ";
  Counts c;
  c.blank = one_int(db, "SELECT count(*) " + base + "AND bu." + f + " = ''");
  c.unchanged = one_int(db, "SELECT count(*) " + base + "AND bu." + f + " <> '' AND au." + f + " = bu." + f);
  c.lost = one_int(db, "SELECT count(*) " + base + "AND bu." + f + " <> '' AND au." + f + " <> bu." + f);
  return c;
}

// <table>.<col> -> addresses.<target>: rows' values against their primary address.
Counts address_counts(sql::Database& db, const std::string& table, const std::string& model, const std::string& col,
                      const std::string& target) {
  const std::string v = "coalesce(t." + col + ", '')";
  const std::string addr = "(SELECT a." + target + " FROM main.addressables AS x JOIN main.addresses AS a ON a.id = "
                           "x.address_id JOIN main.django_content_type AS ct ON ct.id = x.content_type_id WHERE "
                           "ct.app_label = 'crmApp' AND ct.model = '" + model + "' AND x.object_id = t.id AND a.is_primary = 1 "
                           "ORDER BY a.id LIMIT 1)";
  Counts c;
  c.blank = one_int(db, "SELECT count(*) FROM b." + table + " AS t WHERE " + v + " = ''");
  c.moved = one_int(db, "SELECT count(*) FROM b." + table + " AS t WHERE " + v + " <> '' AND " + addr + " = " + v);
  c.lost = one_int(db, "SELECT count(*) FROM b." + table + " AS t WHERE " + v + " <> '' AND " + addr + " IS NOT " + v);
  return c;
}

void expect_counts(const MoveSummary* s, const Counts& c, const std::string& what) {
  ASSERT_NE(s, nullptr) << what;
  EXPECT_EQ(s->moved, c.moved) << what << " moved";
  EXPECT_EQ(s->unchanged, c.unchanged) << what << " unchanged";
  EXPECT_EQ(s->lost, c.lost) << what << " lost";
  EXPECT_EQ(s->blank, c.blank) << what << " blank";
  EXPECT_EQ(static_cast<std::int64_t>(s->lost_ids.size()), s->lost) << what;
}

void expect_summaries_match_sql(Reviewed& r) {
  attach_before(r.after(), r.before_path);
  auto s = r.moves.summaries();
  for (const char* f : kContactColumnNames) {
    expect_counts(find(s, std::string("employees.") + f), employee_counts(r.after(), f), std::string("employees.") + f);
    expect_counts(find(s, std::string("users.") + f), user_counts(r.after(), f), std::string("users.") + f);
  }
  struct T {
    const char* table;
    const char* model;
    std::vector<std::pair<const char*, const char*>> cols;
  };
  const T tables[] = {
      {"organizations", "organization", {{"address", "address_line1"}, {"city", "city"}, {"state", "state"}, {"postal_code", "postal_code"}, {"country", "country"}}},
      {"customers", "customer", {{"address", "address_line1"}, {"city", "city"}, {"state", "state"}, {"postal_code", "postal_code"}, {"country", "country"}}},
      {"vendors", "vendor", {{"address", "address_line1"}, {"city", "city"}, {"state", "state"}, {"zip_code", "postal_code"}, {"country", "country"}}},
      {"leads", "lead", {{"address", "address_line1"}, {"city", "city"}, {"state", "state"}, {"postal_code", "postal_code"}}},
      {"employees", "employee", {{"address", "address_line1"}, {"city", "city"}, {"state", "state"}, {"postal_code", "postal_code"}, {"country", "country"}}},
  };
  std::size_t address_entries = 0;
  for (const auto& t : tables) {
    for (const auto& [col, target] : t.cols) {
      const std::string from = std::string(t.table) + "." + col;
      const MoveSummary* m = find(s, from);
      expect_counts(m, address_counts(r.after(), t.table, t.model, col, target), from);
      if (m) {
        EXPECT_EQ(m->to, std::string("addresses.") + target);
      }
      ++address_entries;
    }
  }
  // One entry per (from -> to): 4 employee columns, 4 user columns, 24 address columns.
  EXPECT_EQ(s.size(), 8 + address_entries);
  ASSERT_TRUE(r.after().exec("DETACH b").ok());
}

}  // namespace

TEST(Moves, SmallSummariesEqualIndependentSql) {
  auto r = review_fixture(kSmallFixture);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->moves.has_m1);
  EXPECT_EQ(r->moves.resolution, CollisionResolution::Suffix);
  // M1's plan: 141 employees had a user, 59 got a new one (Django's result has 59 created).
  EXPECT_EQ(r->moves.links[0] + r->moves.links[1] + r->moves.links[2], 200);
  EXPECT_EQ(r->moves.links[1], 59);
  expect_summaries_match_sql(*r);
  for (const auto& e : r->moves.employees) EXPECT_FALSE(e.plan_mismatch || e.removed) << e.employee_id;
  EXPECT_EQ(r->moves.unexpected_lost_count(), 0u);
}

// The blocking callers (the CLI's compute_moves) pass an unbounded budget: one step()
// must then do the whole job, with the same result as many small steps.
TEST(Moves, AnUnboundedBudgetIsOneStepAndAZeroBudgetManyWithTheSameResult) {
  EXPECT_EQ(deadline_after(1e300), std::chrono::steady_clock::time_point::max());
  const auto at_once = deadline_after(0);
  EXPECT_LE(at_once, std::chrono::steady_clock::now());
  auto r = review_fixture(kDirtyFixture);
  ASSERT_TRUE(r);
  MovesJob whole(r->before.db, r->run.after, MovesOptions{});
  Progress p = whole.step(1e300);
  ASSERT_EQ(p.state, JobState::Done) << (p.error ? p.error->describe() : "one call should finish");
  Moves one = whole.take_result();
  MovesJob sliced(r->before.db, r->run.after, MovesOptions{});
  int steps = 0;
  do {
    p = sliced.step(0);
    ++steps;
  } while (p.state == JobState::More);
  ASSERT_EQ(p.state, JobState::Done);
  EXPECT_GT(steps, 5);
  Moves many = sliced.take_result();
  EXPECT_EQ(one.summaries().size(), many.summaries().size());
  EXPECT_EQ(one.employees.size(), many.employees.size());
  EXPECT_EQ(one.address_index, many.address_index);
}

TEST(Moves, DirtySummariesEqualIndependentSql) {
  auto r = review_fixture(kDirtyFixture);
  ASSERT_TRUE(r);
  expect_summaries_match_sql(*r);
  EXPECT_EQ(r->moves.unexpected_lost_count(), 0u);
}

TEST(Moves, LostUserValuesAreExactlyTheOverwrittenOnes) {
  auto r = review_fixture(kDirtyFixture);
  ASSERT_TRUE(r);
  // Independent: linked employees whose non-empty value differs from their user's
  // non-empty value, per field (none of the fixture's users has two employees).
  std::set<std::string> want;
  for (const char* f : kContactColumnNames) {
    for (const auto& row : rows(r->before.db, std::string("SELECT e.id, u.id FROM employees AS e JOIN users AS u ON u.id = e.user_id "
                                                          "WHERE e.") + f + " <> '' AND u." + f + " <> '' AND e." + f + " <> u." + f))
      want.insert(row + "|" + f);
  }
  std::set<std::string> got;
  for (const auto& c : r->moves.lost()) {
    ASSERT_EQ(c.table, "users") << "with employee_wins only user values are lost";
    EXPECT_TRUE(c.expected);
    got.insert(std::to_string(c.by_employee) + "|" + std::to_string(c.id) + "|" + c.column);
  }
  EXPECT_EQ(got, want);
  EXPECT_EQ(got.size(), 163u);  // the contact_overwrite hazard's count
  // With their values.
  auto values = fetch_lost(r->before.db, r->after(), r->moves);
  ASSERT_TRUE(values.ok());
  ASSERT_EQ(values->size(), want.size());
  for (const auto& v : *values) {
    auto old = rows(r->before.db, "SELECT " + v.cell.column + " FROM users WHERE id = " + std::to_string(v.cell.id));
    auto emp = rows(r->before.db, "SELECT " + v.cell.column + " FROM employees WHERE id = " + std::to_string(v.cell.by_employee));
    ASSERT_EQ(old.size(), 1u);
    EXPECT_EQ(v.old_value, old[0]);
    EXPECT_EQ(v.now_value, emp[0]);
  }
}

TEST(Moves, WhereValuesWentAndCameFrom) {
  auto r = review_fixture(kDirtyFixture);
  ASSERT_TRUE(r);
  const Moves& m = r->moves;
  // A created user: every contact value from its employee.
  const EmployeeMove* created = nullptr;
  for (const auto& e : m.employees)
    if (e.link == UserLink::Created && e.fields[0] == Fate::Moved) created = &e;
  ASSERT_NE(created, nullptr);
  auto src = m.sources_of("users", created->user_id);
  ASSERT_GE(src.size(), 4u);
  EXPECT_EQ(src[0].column, "first_name");
  EXPECT_EQ(src[0].from_table, "employees");
  EXPECT_EQ(src[0].from_id, created->employee_id);
  EXPECT_EQ(src.back().column, "username");
  auto d = m.where_went("employees", created->employee_id, "first_name");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->fate, Fate::Moved);
  EXPECT_EQ(d->to_table, "users");
  EXPECT_EQ(d->to_id, created->user_id);
  EXPECT_EQ(d->step, "M1");

  // An overwritten user value: lost, names the employee whose value replaced it.
  const LostCell& lost = m.user_losses.front();
  auto u = m.where_went("users", lost.id, lost.column);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->fate, Fate::Lost);
  EXPECT_NE(u->note.find("employee " + std::to_string(lost.by_employee)), std::string::npos) << u->note;
  auto from = m.sources_of("users", lost.id);
  bool found = false;
  for (const auto& s : from)
    if (s.column == lost.column) {
      found = true;
      EXPECT_EQ(s.from_table, "employees");
      EXPECT_EQ(s.from_id, lost.by_employee);
    }
  EXPECT_TRUE(found);

  // An address: back and forth through addressables.
  const AddressTableMoves* vendors = nullptr;
  for (const auto& t : m.address_tables)
    if (t.table == "vendors") vendors = &t;
  ASSERT_NE(vendors, nullptr);
  const AddressRowMove& row = vendors->moved.front();
  auto zip = m.where_went("vendors", row.object_id, "zip_code");
  ASSERT_TRUE(zip);
  EXPECT_EQ(zip->to_table, "addresses");
  EXPECT_EQ(zip->to_id, row.address_id);
  EXPECT_EQ(zip->to_column, "postal_code");
  auto back = m.sources_of("addresses", row.address_id);
  ASSERT_EQ(back.size(), 8u);
  EXPECT_EQ(back[4].column, "postal_code");
  EXPECT_EQ(back[4].from_table, "vendors");
  EXPECT_EQ(back[4].from_column, "zip_code");
  EXPECT_EQ(back[4].from_id, row.object_id);
  EXPECT_EQ(back[6].note, "constant 'primary'");
  // The address really holds the vendor's value.
  attach_before(r->after(), r->before_path);
  EXPECT_EQ(rows(r->after(), "SELECT postal_code FROM main.addresses WHERE id = " + std::to_string(row.address_id)),
            rows(r->after(), "SELECT zip_code FROM b.vendors WHERE id = " + std::to_string(row.object_id)));
  ASSERT_TRUE(r->after().exec("DETACH b").ok());

  // Cells the normalization does not move.
  EXPECT_FALSE(m.where_went("deals", 1, "currency"));
  EXPECT_FALSE(m.where_went("employees", 1, "department"));
  EXPECT_TRUE(m.sources_of("deals", 1).empty());
}

TEST(Moves, UserWinsLosesTheEmployeesConflictingValues) {
  NormalizeOptions o = fixed_options();
  o.contact_overwrite = OverwriteResolution::UserWins;
  auto r = review_fixture(kDirtyFixture, o);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->moves.user_losses.empty()) << "users are left as they are";
  std::set<std::string> want, got;
  for (const char* f : kContactColumnNames)
    for (const auto& id : rows(r->before.db, std::string("SELECT e.id FROM employees AS e JOIN users AS u ON u.id = e.user_id "
                                                         "WHERE e.") + f + " <> '' AND e." + f + " <> u." + f))
      want.insert(id + "|" + f);
  for (const auto& c : r->moves.lost()) {
    EXPECT_EQ(c.table, "employees");
    EXPECT_TRUE(c.expected) << c.id << " " << c.column;
    got.insert(std::to_string(c.id) + "|" + c.column);
  }
  EXPECT_EQ(got, want);
  expect_summaries_match_sql(*r);
}

TEST(Moves, FillBlanksKeepsUsersValues) {
  NormalizeOptions o = fixed_options();
  o.contact_overwrite = OverwriteResolution::FillBlanks;
  auto r = review_fixture(kDirtyFixture, o);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->moves.user_losses.empty());
  std::set<std::string> want, got;
  for (const char* f : kContactColumnNames)
    for (const auto& id : rows(r->before.db, std::string("SELECT e.id FROM employees AS e JOIN users AS u ON u.id = e.user_id "
                                                         "WHERE e.") + f + " <> '' AND u." + f + " <> '' AND e." + f + " <> u." + f))
      want.insert(id + "|" + f);
  for (const auto& c : r->moves.lost()) got.insert(std::to_string(c.id) + "|" + c.column);
  EXPECT_EQ(got, want);
  EXPECT_EQ(r->moves.unexpected_lost_count(), 0u);
}

TEST(Moves, ATamperedAfterShowsUnexplainedLosses) {
  auto r = review_fixture(kSmallFixture);
  ASSERT_TRUE(r);
  // Change one customer's address city and one user's email behind the run's back.
  auto addr = one_int(r->after(), "SELECT a.id FROM addresses AS a JOIN addressables AS x ON x.address_id = a.id "
                                  "JOIN django_content_type AS ct ON ct.id = x.content_type_id AND ct.model = 'customer' "
                                  "WHERE a.city <> '' ORDER BY a.id LIMIT 1");
  auto cust = one_int(r->after(), "SELECT object_id FROM addressables WHERE address_id = " + std::to_string(addr));
  ASSERT_TRUE(r->after().exec("UPDATE addresses SET city = 'Atlantis' WHERE id = " + std::to_string(addr)).ok());
  auto user = one_int(r->after(), "SELECT user_id FROM employees ORDER BY id LIMIT 1");
  ASSERT_TRUE(r->after().exec("UPDATE users SET email = 'someone.else@example.invalid' WHERE id = " + std::to_string(user)).ok());
  auto m = compute_moves(r->before.db, r->after(), moves_options(fixed_options()));
  ASSERT_TRUE(m.ok());
  auto d = m->where_went("customers", cust, "city");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->fate, Fate::Lost);
  bool addr_lost = false, emp_lost = false;
  for (const auto& c : m->lost()) {
    if (c.table == "customers" && c.id == cust && c.column == "city") addr_lost = !c.expected;
    if (c.table == "employees" && c.column == "email") emp_lost = emp_lost || !c.expected;
  }
  EXPECT_TRUE(addr_lost);
  EXPECT_TRUE(emp_lost) << "the employee's email is not in its user and nothing explains it";
  EXPECT_GE(m->unexpected_lost_count(), 2u);
}

TEST(Moves, DjangosOwnResultGivesTheSameMoves) {
  // Django's after.sqlite3 of crm-small holds the same lineage: the moves read from it
  // (resolution found from its links) equal the ones of our run.
  auto ours = review_fixture(kSmallFixture);
  ASSERT_TRUE(ours);
  auto before = load_fixture(kSmallFixture);
  ASSERT_TRUE(before.ok());
  auto django = load_fixture("crm-small/after.sqlite3");
  ASSERT_TRUE(django.ok());
  auto m = compute_moves(before->db, django->db);
  ASSERT_TRUE(m.ok()) << m.error().describe();
  EXPECT_EQ(m->to_json(), ours->moves.to_json());
}

TEST(Moves, KeepsNoCellValues) {
  // Bounded memory: ids and one byte per cell.
  EXPECT_LE(sizeof(EmployeeMove), 32u);
  EXPECT_LE(sizeof(UserMove), 16u);
  EXPECT_LE(sizeof(AddressRowMove), 32u);
}

TEST(Moves, NotTheCrmBeforeAndAfterGivesNoMoves) {
  auto a = load_fixture("crm-small/after.sqlite3");
  ASSERT_TRUE(a.ok());
  auto b = load_fixture("crm-small/after.sqlite3");
  ASSERT_TRUE(b.ok());
  auto m = compute_moves(a->db, b->db);
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->has_m1);
  EXPECT_TRUE(m->summaries().empty());
}

TEST(Moves, DiffCommandJsonIncludesMoves) {
  TempDir tmp;
  const std::string json = tmp.file("d.json");
  auto res = run_cli("diff " + shell_quote(fixture(kSmallFixture)) + " " + shell_quote(fixture("crm-small/after.sqlite3")) +
                     " --json " + shell_quote(json));
  ASSERT_EQ(res.exit_code, 0) << res.out;
  EXPECT_NE(res.out.find("moved values"), std::string::npos) << res.out;
  auto text = read_file(json);
  ASSERT_TRUE(text.ok());
  auto j = nlohmann::json::parse(text->begin(), text->end());
  ASSERT_TRUE(j.contains("moves"));
  auto ours = review_fixture(kSmallFixture);
  ASSERT_TRUE(ours);
  EXPECT_EQ(j["moves"], nlohmann::json::parse(ours->moves.to_json().dump()));
  EXPECT_TRUE(j.contains("tables") && j.contains("schema"));

  // Two snapshots that are not a before and its after: no moves.
  auto plain = run_cli("diff " + shell_quote(fixture(kSmallFixture)) + " " + shell_quote(fixture(kDirtyFixture)) + " --json " +
                       shell_quote(json));
  ASSERT_EQ(plain.exit_code, 0) << plain.out;
  auto t2 = read_file(json);
  ASSERT_TRUE(t2.ok());
  EXPECT_FALSE(nlohmann::json::parse(t2->begin(), t2->end()).contains("moves"));
}
