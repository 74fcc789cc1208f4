// The demo snapshot generator (core/demo.hpp) and `redline demo`: determinism, the
// exact before-shape schema, size per employee, the dirty profile's hazards and the
// clean profile's lack of them (each checked by its own SQL here, not by the
// generator's bookkeeping), realistic text, canonical values, integrity, the
// resumable job, and the command line.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/demo/demo.hpp"
#include "core/sqlite.hpp"
#include "test_util.hpp"

using namespace redline;

namespace {

sql::Database make(int employees, std::uint64_t seed, DemoOptions::Profile profile) {
  auto db = generate_demo(DemoOptions{employees, seed, profile});
  EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().describe());
  if (!db.ok()) return sql::Database();
  return std::move(db).value();
}

std::int64_t count(sql::Database& db, const std::string& q) {
  auto r = db.query_int(q);
  EXPECT_TRUE(r.ok()) << q << ": " << (r.ok() ? "" : r.error().describe());
  return r.ok() ? r->value_or(-1) : -1;
}

std::vector<std::uint8_t> bytes_of(sql::Database& db) {
  auto b = db.serialize();
  EXPECT_TRUE(b.ok());
  return b.ok() ? *b : std::vector<std::uint8_t>{};
}

// type|name|tbl_name|sql of every schema object, by name.
std::vector<std::string> schema_rows(sql::Database& db) {
  std::vector<std::string> out;
  auto st = db.prepare("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema ORDER BY name");
  EXPECT_TRUE(st.ok());
  while (*st->step() == sql::StepResult::Row)
    out.push_back(st->column_text(0) + "|" + st->column_text(1) + "|" + st->column_text(2) + "|" + st->column_text(3));
  return out;
}

std::int64_t total_rows(sql::Database& db) {
  std::vector<std::string> tables;
  auto st = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name <> 'sqlite_sequence'");
  while (*st->step() == sql::StepResult::Row) tables.push_back(st->column_text(0));
  std::int64_t n = 0;
  for (const auto& t : tables) n += count(db, "SELECT count(*) FROM " + sql::quote_ident(t));
  return n;
}

// ---- Independent hazard queries (spec §3) ----

// Unlinked employees whose e-mail is already some user's username.
const char* kCollideExisting =
    "SELECT count(*) FROM employees e WHERE e.user_id IS NULL AND e.email <> '' "
    "AND e.email IN (SELECT username FROM users)";
// E-mails shared by two or more unlinked employees (their created users would collide).
const char* kCollideShared =
    "SELECT count(*) FROM (SELECT email FROM employees WHERE user_id IS NULL AND email <> '' "
    "GROUP BY email HAVING count(*) > 1)";
// Usernames M1 would create that already exist (including employee_<id> ones).
const char* kCollideAny =
    "SELECT count(*) FROM employees e WHERE e.user_id IS NULL AND "
    "(CASE WHEN e.email <> '' THEN e.email ELSE 'employee_' || e.id END) IN (SELECT username FROM users)";
// Linked employees whose non-empty value differs from the user's non-empty value.
const char* kOverwrite =
    "SELECT count(*) FROM employees e JOIN users u ON u.id = e.user_id WHERE ("
    "(e.first_name <> '' AND u.first_name <> '' AND e.first_name <> u.first_name) OR "
    "(e.last_name <> '' AND u.last_name <> '' AND e.last_name <> u.last_name) OR "
    "(e.email <> '' AND u.email <> '' AND e.email <> u.email) OR "
    "(e.phone <> '' AND u.phone <> '' AND e.phone <> u.phone))";
const char* kPlaceholder = "SELECT count(*) FROM employees WHERE user_id IS NULL AND email = ''";
// Organizations whose most common deal currency is shared by two or more codes.
const char* kTies =
    "WITH c AS (SELECT organization_id AS o, currency, count(*) AS n FROM deals GROUP BY 1, 2), "
    "m AS (SELECT o, max(n) AS mx FROM c GROUP BY o) "
    "SELECT count(*) FROM m WHERE (SELECT count(*) FROM c WHERE c.o = m.o AND c.n = m.mx) > 1";
std::string nonstandard(const std::string& table) {
  return "SELECT count(*) FROM " + table + " WHERE NOT (currency GLOB '[A-Z][A-Z][A-Z]')";
}
const char* kDanglingDealCustomer =
    "SELECT count(*) FROM deals WHERE customer_id IS NOT NULL AND customer_id NOT IN (SELECT id FROM customers)";
const char* kDanglingEmployeeUser =
    "SELECT count(*) FROM employees WHERE user_id IS NOT NULL AND user_id NOT IN (SELECT id FROM users)";
// Vendors whose only address value is the zip code (hazard zip_only_address).
const char* kZipOnly =
    "SELECT count(*) FROM vendors WHERE zip_code <> '' AND address = '' AND city = '' AND state = '' AND country = ''";

std::int64_t fk_violations(sql::Database& db) {
  auto st = db.prepare("PRAGMA foreign_key_check");
  EXPECT_TRUE(st.ok());
  std::int64_t n = 0;
  while (*st->step() == sql::StepResult::Row) ++n;
  return n;
}

}  // namespace

TEST(Demo, SameOptionsGiveByteIdenticalDatabases) {
  for (auto profile : {DemoOptions::Clean, DemoOptions::Dirty}) {
    auto a = make(120, 42, profile);
    auto b = make(120, 42, profile);
    auto ba = bytes_of(a);
    EXPECT_GT(ba.size(), 100000u);
    EXPECT_EQ(ba, bytes_of(b)) << to_string(profile);
  }
  auto x = make(120, 42, DemoOptions::Clean);
  auto y = make(120, 43, DemoOptions::Clean);
  auto z = make(120, 42, DemoOptions::Dirty);
  EXPECT_NE(bytes_of(x), bytes_of(y));
  EXPECT_NE(bytes_of(x), bytes_of(z));
  // A different seed changes the content, not just some page layout.
  auto same_names = [&](sql::Database& a, sql::Database& b) {
    auto sa = a.prepare("SELECT group_concat(name, '|') FROM (SELECT name FROM customers ORDER BY id LIMIT 50)");
    auto sb = b.prepare("SELECT group_concat(name, '|') FROM (SELECT name FROM customers ORDER BY id LIMIT 50)");
    (void)sa->step();
    (void)sb->step();
    return sa->column_text(0) == sb->column_text(0);
  };
  EXPECT_FALSE(same_names(x, y));
}

TEST(Demo, SchemaIsExactlyTheBeforeShapeOfTheFixture) {
  auto fixture = sql::Database::open_file(test::fixture("crm-small/before.sqlite3"), true);
  ASSERT_TRUE(fixture.ok());
  auto expected = schema_rows(*fixture);
  ASSERT_GT(expected.size(), 30u);
  for (auto profile : {DemoOptions::Clean, DemoOptions::Dirty}) {
    auto db = make(30, 7, profile);
    EXPECT_EQ(schema_rows(db), expected) << to_string(profile);
  }
}

TEST(Demo, AboutThirtyThreeRowsPerEmployee) {
  for (int n : {1, 7, 50, 333, 1000, 4000}) {
    DemoOptions o{n, 5, n % 2 ? DemoOptions::Dirty : DemoOptions::Clean};
    auto job = DemoJob::start(o);
    ASSERT_TRUE(job.ok());
    Progress p;
    do p = job->step(1e9); while (p.state == JobState::More);
    ASSERT_EQ(p.state, JobState::Done);
    auto db = job->take_database();
    ASSERT_TRUE(db.ok());
    std::int64_t rows = total_rows(*db);
    // 33 per employee within 6%, plus Django's 75 fixed rows and the special users.
    EXPECT_NEAR(static_cast<double>(rows), 33.0 * n + 75, 0.06 * 33.0 * n + 5) << n;
    EXPECT_EQ(rows, job->total_rows()) << n;
    EXPECT_EQ(rows, job->rows_done()) << n;
    std::int64_t listed = 0;
    for (const auto& [t, c] : job->table_rows()) {
      EXPECT_EQ(c, count(*db, "SELECT count(*) FROM " + sql::quote_ident(t))) << t;
      listed += c;
    }
    EXPECT_EQ(listed, rows);
    EXPECT_EQ(count(*db, "SELECT count(*) FROM employees"), n);
    EXPECT_EQ(count(*db, "SELECT count(*) FROM organizations"), std::max(1, n / 50));
    EXPECT_EQ(count(*db, "SELECT count(*) FROM deals"), 8 * n);
    EXPECT_EQ(count(*db, "SELECT count(*) FROM django_migrations"), 15);
    EXPECT_EQ(count(*db, "SELECT count(*) FROM django_content_type"), 12);
    EXPECT_EQ(count(*db, "SELECT count(*) FROM auth_permission"), 48);
  }
}

TEST(Demo, DjangoRowsLikeARealProject) {
  auto db = make(20, 1, DemoOptions::Clean);
  auto fixture = sql::Database::open_file(test::fixture("crm-small/before.sqlite3"), true);
  ASSERT_TRUE(fixture.ok());
  // The same content types and permissions as Django made for the fixture, and the
  // same migrations (their timestamps differ).
  ASSERT_TRUE(db.exec("ATTACH " + sql::quote_literal(test::fixture("crm-small/before.sqlite3")) + " AS ref").ok());
  for (const char* q : {"SELECT * FROM main.django_content_type EXCEPT SELECT * FROM ref.django_content_type",
                        "SELECT * FROM ref.django_content_type EXCEPT SELECT * FROM main.django_content_type",
                        "SELECT * FROM main.auth_permission EXCEPT SELECT * FROM ref.auth_permission",
                        "SELECT * FROM ref.auth_permission EXCEPT SELECT * FROM main.auth_permission",
                        "SELECT id, app, name FROM main.django_migrations EXCEPT SELECT id, app, name FROM ref.django_migrations",
                        "SELECT id, app, name FROM ref.django_migrations EXCEPT SELECT id, app, name FROM main.django_migrations"})
    EXPECT_EQ(count(db, std::string("SELECT count(*) FROM (") + q + ")"), 0) << q;
  EXPECT_EQ(count(db, "SELECT count(*) FROM django_migrations WHERE applied GLOB "
                      "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]'"),
            15);
  EXPECT_EQ(count(db, "SELECT count(*) FROM django_migrations a JOIN django_migrations b ON b.id = a.id + 1 "
                      "WHERE b.applied <= a.applied"),
            0);
  EXPECT_EQ(count(db, "SELECT count(*) FROM users WHERE username = 'admin' AND is_superuser = 1"), 1);
}

TEST(Demo, DirtyProfileHasEveryHazardClassSeveralTimes) {
  auto db = make(300, 11, DemoOptions::Dirty);
  EXPECT_GE(count(db, kCollideExisting), 3);
  EXPECT_GE(count(db, kCollideShared), 3);
  EXPECT_GE(count(db, kOverwrite), 3);
  EXPECT_GE(count(db, kPlaceholder), 3);
  EXPECT_GE(count(db, kTies), 2);
  for (const char* t : {"deals", "orders", "payments"}) EXPECT_GE(count(db, nonstandard(t)), 3) << t;
  for (const char* c : {"''", "'usd'", "'EU'"})
    EXPECT_GT(count(db, std::string("SELECT count(*) FROM deals WHERE currency = ") + c), 0) << c;
  EXPECT_GE(count(db, kDanglingDealCustomer), 3);
  EXPECT_GE(count(db, kDanglingEmployeeUser), 3);
  EXPECT_GE(count(db, kZipOnly), 3);
  EXPECT_GT(fk_violations(db), 0);
}

TEST(Demo, DirtyHazardsAreAtThePredictableRows) {
  auto db = make(100, 3, DemoOptions::Dirty);
  // Employee 2: unlinked, e-mail = an existing username.
  EXPECT_EQ(count(db, "SELECT count(*) FROM employees e JOIN users u ON u.username = e.email "
                      "WHERE e.id = 2 AND e.user_id IS NULL"), 1);
  // Employees 9 and 10: unlinked, same e-mail.
  EXPECT_EQ(count(db, "SELECT count(*) FROM employees a JOIN employees b ON a.email = b.email AND a.email <> '' "
                      "WHERE a.id = 9 AND b.id = 10 AND a.user_id IS NULL AND b.user_id IS NULL"), 1);
  // Employee 4: unlinked, no e-mail.
  EXPECT_EQ(count(db, "SELECT count(*) FROM employees WHERE id = 4 AND user_id IS NULL AND email = ''"), 1);
  // Employees 6 and 29: linked, and something non-empty differs from the user.
  EXPECT_EQ(count(db, std::string(kOverwrite) + " AND e.id IN (6, 29)"), 2);
  // Employee 15: points at a user that does not exist; deal 44 at a missing customer.
  EXPECT_EQ(count(db, std::string(kDanglingEmployeeUser) + " AND id = 15"), 1);
  EXPECT_EQ(count(db, std::string(kDanglingDealCustomer) + " AND id = 44"), 1);
  // Organizations 1 and 2 tie (100 employees: 2 organizations).
  EXPECT_EQ(count(db, kTies), 2);
  // Vendors 7, 26, 45, ...: the zip code is their only address value.
  EXPECT_EQ(count(db, std::string(kZipOnly) + " AND id IN (7, 26, 45, 64, 83)"), 5);
  // Orders 17 and 78, payments 23 and 90: nonstandard codes.
  EXPECT_EQ(count(db, nonstandard("orders") + " AND id IN (17, 78)"), 2);
  EXPECT_EQ(count(db, nonstandard("payments") + " AND id IN (23, 90)"), 2);
  // The dangling user id is below the largest user id, so a normalizer's new users
  // (max + 1, ...) cannot take it.
  EXPECT_EQ(count(db, "SELECT count(*) FROM employees WHERE id = 15 AND user_id < (SELECT max(id) FROM users)"), 1);
}

TEST(Demo, DirtyHazardsAppearFromTwentyEmployees) {
  auto db = make(20, 99, DemoOptions::Dirty);
  EXPECT_GE(count(db, kCollideExisting), 1);
  EXPECT_GE(count(db, kCollideShared), 1);
  EXPECT_GE(count(db, kOverwrite), 1);
  EXPECT_GE(count(db, kPlaceholder), 1);
  EXPECT_GE(count(db, kTies), 1);
  for (const char* t : {"deals", "orders", "payments"}) EXPECT_GE(count(db, nonstandard(t)), 1) << t;
  EXPECT_GE(count(db, kDanglingDealCustomer), 1);
  EXPECT_GE(count(db, kDanglingEmployeeUser), 1);
  EXPECT_GE(count(db, kZipOnly), 1);
}

TEST(Demo, CleanProfileHasNoHazards) {
  for (std::uint64_t seed : {1ull, 2ull, 1234567890123ull}) {
    for (int n : {1, 60, 400}) {
      auto db = make(n, seed, DemoOptions::Clean);
      SCOPED_TRACE("seed " + std::to_string(seed) + ", employees " + std::to_string(n));
      EXPECT_EQ(count(db, kCollideExisting), 0);
      EXPECT_EQ(count(db, kCollideShared), 0);
      EXPECT_EQ(count(db, kCollideAny), 0);
      EXPECT_EQ(count(db, kOverwrite), 0);
      EXPECT_EQ(count(db, kPlaceholder), 0);
      EXPECT_EQ(count(db, kTies), 0);
      for (const char* t : {"deals", "orders", "payments"}) EXPECT_EQ(count(db, nonstandard(t)), 0) << t;
      EXPECT_EQ(count(db, kDanglingDealCustomer), 0);
      EXPECT_EQ(count(db, kDanglingEmployeeUser), 0);
      EXPECT_EQ(count(db, kZipOnly), 0);
      EXPECT_EQ(fk_violations(db), 0);
      if (n >= 60) {
        // Still not a toy: employees without users, blank and partial addresses.
        EXPECT_GT(count(db, "SELECT count(*) FROM employees WHERE user_id IS NULL"), 0);
        EXPECT_GT(count(db, "SELECT count(*) FROM customers WHERE address = '' AND city = '' AND state = '' "
                            "AND postal_code = '' AND country = ''"), 0);
        EXPECT_GT(count(db, "SELECT count(*) FROM customers WHERE address = '' AND city <> ''"), 0);
        EXPECT_GT(count(db, "SELECT count(*) FROM employees WHERE user_id IS NOT NULL AND (email = '' OR phone = '')"), 0);
      }
    }
  }
}

TEST(Demo, EmployeesMostlyLinkedToUsersWithTheSameContactData) {
  auto db = make(1000, 8, DemoOptions::Clean);
  double linked = static_cast<double>(count(db, "SELECT count(*) FROM employees WHERE user_id IS NOT NULL")) / 1000.0;
  EXPECT_GT(linked, 0.75);
  EXPECT_LT(linked, 0.95);
  EXPECT_GT(count(db, "SELECT count(*) FROM employees e JOIN users u ON u.id = e.user_id "
                      "WHERE e.email = u.email AND e.first_name = u.first_name AND e.last_name = u.last_name"),
            700);
  // Some users belong to no employee (admin, service account, partners).
  EXPECT_GT(count(db, "SELECT count(*) FROM users WHERE id NOT IN (SELECT user_id FROM employees WHERE user_id IS NOT NULL)"), 3);
}

TEST(Demo, TextIsRealistic) {
  auto db = make(300, 21, DemoOptions::Dirty);
  // Multi-byte UTF-8 in names, and every script the header promises.
  EXPECT_GT(count(db, "SELECT count(*) FROM customers WHERE length(name) < length(CAST(name AS BLOB))"), 100);
  const char* scripts[][2] = {
      {"Latin accents", "*[À-ÿ]*"}, {"Polish/Turkish", "*[Ā-ž]*"}, {"Vietnamese", "*[Ạ-ỹ]*"},
      {"CJK", "*[一-鿿]*"},          {"Hangul", "*[가-힣]*"},        {"Cyrillic", "*[Ѐ-ӿ]*"},
      {"Greek", "*[Ͱ-Ͽ]*"},          {"Devanagari", "*[ऀ-ॿ]*"},    {"Kana", "*[ぁ-ヿ]*"},
  };
  for (const auto& s : scripts) {
    std::string q = std::string("SELECT count(*) FROM (SELECT name AS t FROM customers UNION ALL SELECT last_name FROM "
                                "employees UNION ALL SELECT address FROM organizations UNION ALL SELECT address FROM "
                                "customers UNION ALL SELECT name FROM vendors) WHERE t GLOB '") + s[1] + "'";
    EXPECT_GT(count(db, q), 0) << s[0];
  }
  // Outside the BMP (𠮷), and a combining accent (Adébáyọ̀).
  EXPECT_GT(count(db, "SELECT count(*) FROM (SELECT last_name AS t FROM employees UNION ALL SELECT name FROM customers) "
                      "WHERE instr(t, '𠮷') > 0"), 0);
  EXPECT_GT(count(db, "SELECT count(*) FROM (SELECT first_name AS t FROM employees UNION ALL SELECT name FROM customers) "
                      "WHERE instr(t, char(0x300)) > 0"), 0);
  // Multi-line (LF and CRLF), tabs, backslashes, both quotes.
  EXPECT_GT(count(db, "SELECT count(*) FROM customers WHERE instr(address, char(10)) > 0"), 50);
  EXPECT_GT(count(db, "SELECT count(*) FROM customers WHERE instr(address, char(13, 10)) > 0"), 0);
  EXPECT_GT(count(db, "SELECT count(*) FROM customers WHERE instr(address, char(9)) > 0"), 0);
  EXPECT_GT(count(db, "SELECT count(*) FROM customers WHERE instr(address, '\\') > 0"), 0);
  EXPECT_GT(count(db, "SELECT count(*) FROM deals WHERE instr(title, '\\') > 0"), 0);
  EXPECT_GT(count(db, "SELECT count(*) FROM customers WHERE instr(name, '''') > 0"), 0);
  EXPECT_GT(count(db, "SELECT count(*) FROM deals WHERE instr(title, '\"') > 0"), 0);
  // Blanks: empty e-mails and phones on customers, empty optional fields.
  EXPECT_GT(count(db, "SELECT count(*) FROM customers WHERE email = ''"), 0);
  EXPECT_GT(count(db, "SELECT count(*) FROM leads WHERE source = '' AND estimated_value IS NULL"), 0);
  // No value longer than its column allows (PostgreSQL would reject it).
  EXPECT_EQ(count(db, "SELECT count(*) FROM users WHERE length(phone) > 20 OR length(username) > 150"), 0);
  EXPECT_EQ(count(db, "SELECT count(*) FROM employees WHERE length(phone) > 20 OR length(emergency_contact_phone) > 20 "
                      "OR length(postal_code) > 20 OR length(employee_code) > 20"),
            0);
  EXPECT_EQ(count(db, "SELECT count(*) FROM customers WHERE length(phone) > 20 OR length(postal_code) > 20 "
                      "OR length(name) > 200 OR length(company) > 200"),
            0);
  EXPECT_EQ(count(db, "SELECT count(*) FROM deals WHERE length(currency) > 3 OR length(title) > 200"), 0);
}

TEST(Demo, ValuesAreInCanonicalForm) {
  auto db = make(200, 4, DemoOptions::Dirty);
  const std::string dt = "'[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]'";
  const std::string d = "'[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'";
  for (const char* t : {"organizations", "customers", "vendors", "leads", "deals", "employees"})
    EXPECT_EQ(count(db, std::string("SELECT count(*) FROM ") + t + " WHERE NOT created_at GLOB " + dt), 0) << t;
  EXPECT_EQ(count(db, "SELECT count(*) FROM users WHERE NOT date_joined GLOB " + dt +
                          " OR (last_login IS NOT NULL AND NOT last_login GLOB " + dt + ")"),
            0);
  EXPECT_EQ(count(db, "SELECT count(*) FROM orders WHERE NOT order_date GLOB " + d), 0);
  EXPECT_EQ(count(db, "SELECT count(*) FROM payments WHERE NOT payment_date GLOB " + d), 0);
  EXPECT_EQ(count(db, "SELECT count(*) FROM deals WHERE expected_close_date IS NOT NULL AND NOT expected_close_date GLOB " + d), 0);
  EXPECT_EQ(count(db, "SELECT count(*) FROM employees WHERE hire_date IS NOT NULL AND NOT hire_date GLOB " + d), 0);
  // Real dates, not just the right shape.
  EXPECT_EQ(count(db, "SELECT count(*) FROM deals WHERE date(created_at) IS NULL OR datetime(created_at) <> created_at"), 0);
  // Decimals as NUMERIC values (REAL, or INTEGER when whole), as Django stores them.
  EXPECT_EQ(count(db, "SELECT count(*) FROM deals WHERE typeof(value) NOT IN ('real', 'integer')"), 0);
  EXPECT_GT(count(db, "SELECT count(*) FROM deals WHERE typeof(value) = 'integer'"), 0);
  EXPECT_EQ(count(db, "SELECT count(*) FROM payments WHERE typeof(amount) NOT IN ('real', 'integer')"), 0);
  EXPECT_EQ(count(db, "SELECT count(*) FROM orders WHERE typeof(total_amount) NOT IN ('real', 'integer')"), 0);
  EXPECT_EQ(count(db, "SELECT count(*) FROM employees WHERE salary IS NOT NULL AND typeof(salary) NOT IN ('real', 'integer')"), 0);
  EXPECT_EQ(count(db, "SELECT count(*) FROM leads WHERE estimated_value IS NOT NULL AND typeof(estimated_value) NOT IN ('real', 'integer')"), 0);
  // Booleans 0/1 as integers.
  EXPECT_EQ(count(db, "SELECT count(*) FROM users WHERE typeof(is_active) <> 'integer' OR is_active NOT IN (0, 1) "
                      "OR is_staff NOT IN (0, 1) OR is_superuser NOT IN (0, 1)"),
            0);
  // Text columns hold text (never NULL or numbers), so loaders can compare byte for byte.
  EXPECT_EQ(count(db, "SELECT count(*) FROM customers WHERE typeof(postal_code) <> 'text' OR typeof(phone) <> 'text'"), 0);
  EXPECT_EQ(count(db, "SELECT count(*) FROM orders WHERE typeof(order_number) <> 'text'"), 0);
  auto st = db.prepare("PRAGMA integrity_check");
  ASSERT_TRUE(st.ok());
  ASSERT_EQ(*st->step(), sql::StepResult::Row);
  EXPECT_EQ(st->column_text(0), "ok");
}

TEST(Demo, RelatedRowsBelongToTheSameOrganization) {
  auto db = make(400, 6, DemoOptions::Clean);
  EXPECT_EQ(count(db, "SELECT count(*) FROM deals d JOIN customers c ON c.id = d.customer_id "
                      "WHERE c.organization_id <> d.organization_id"), 0);
  EXPECT_EQ(count(db, "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id "
                      "WHERE c.organization_id <> o.organization_id"), 0);
  EXPECT_EQ(count(db, "SELECT count(*) FROM payments p JOIN orders o ON o.id = p.order_id "
                      "WHERE o.organization_id <> p.organization_id OR o.currency <> p.currency "
                      "OR p.payment_date < o.order_date"), 0);
  // Eight organizations, the last without deals (M3's 'USD' default gets exercised).
  EXPECT_EQ(count(db, "SELECT count(*) FROM organizations WHERE id NOT IN (SELECT organization_id FROM deals)"), 1);
  EXPECT_EQ(count(db, "SELECT count(DISTINCT organization_id) FROM customers"), 8);
}

TEST(DemoJob, SlicesGiveTheSameDatabaseAndReportProgress) {
  DemoOptions o{150, 77, DemoOptions::Dirty};
  auto job = DemoJob::start(o);
  ASSERT_TRUE(job.ok());
  int steps = 0;
  double last = 0;
  Progress p;
  do {
    p = job->step(0.05);
    ++steps;
    EXPECT_GE(p.fraction, last);
    EXPECT_LE(p.fraction, 1.0);
    EXPECT_FALSE(p.phase.empty());
    last = p.fraction;
  } while (p.state == JobState::More && steps < 100000);
  ASSERT_EQ(p.state, JobState::Done);
  EXPECT_EQ(p.fraction, 1.0);
  EXPECT_GT(steps, 5);
  auto sliced = job->take_database();
  ASSERT_TRUE(sliced.ok());
  EXPECT_FALSE(job->take_database().ok());  // only once
  auto whole = make(150, 77, DemoOptions::Dirty);
  EXPECT_EQ(bytes_of(*sliced), bytes_of(whole));
  // Done is sticky.
  EXPECT_EQ(job->step(1).state, JobState::Done);
}

TEST(DemoJob, CancelStopsWithCancelled) {
  auto job = DemoJob::start(DemoOptions{500, 1, DemoOptions::Clean});
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job->step(0.01).state, JobState::More);
  job->cancel();
  Progress p = job->step(100);
  EXPECT_EQ(p.state, JobState::Error);
  ASSERT_TRUE(p.error.has_value());
  EXPECT_EQ(p.error->code, ErrorCode::Cancelled);
  EXPECT_FALSE(job->take_database().ok());
}

TEST(DemoJob, RejectsBadOptions) {
  for (int n : {0, -1, kMaxDemoEmployees + 1}) {
    auto job = DemoJob::start(DemoOptions{n, 1, DemoOptions::Clean});
    ASSERT_FALSE(job.ok()) << n;
    EXPECT_EQ(job.error().code, ErrorCode::Usage);
    EXPECT_NE(job.error().message.find("employees"), std::string::npos);
    EXPECT_FALSE(generate_demo(DemoOptions{n, 1, DemoOptions::Clean}).ok());
  }
  EXPECT_TRUE(parse_demo_profile("dirty").ok());
  EXPECT_EQ(*parse_demo_profile("clean"), DemoOptions::Clean);
  EXPECT_FALSE(parse_demo_profile("Dirty").ok());
  EXPECT_FALSE(parse_demo_profile("").ok());
}

// ---- The command line ----

namespace {
std::string read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}
}  // namespace

TEST(DemoCli, WritesTheSnapshot) {
  test::TempDir dir;
  std::string out = dir.file("demo.sqlite3");
  auto r = test::run_cli("demo --employees 60 --seed 9 --profile dirty --out " + test::shell_quote(out));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("60 employees"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("dirty"), std::string::npos) << r.out;
  auto db = sql::Database::open_file(out, true);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(count(*db, "SELECT count(*) FROM employees"), 60);
  EXPECT_GE(count(*db, kCollideExisting), 1);
  // The file holds what generate_demo makes.
  auto mem = make(60, 9, DemoOptions::Dirty);
  ASSERT_TRUE(mem.exec("ATTACH " + sql::quote_literal(out) + " AS f").ok());
  for (const char* t : {"users", "employees", "organizations", "customers", "vendors", "leads", "deals", "orders",
                        "payments", "django_migrations", "django_content_type", "auth_permission"}) {
    std::string q = std::string("SELECT count(*) FROM (SELECT * FROM main.") + t + " EXCEPT SELECT * FROM f." + t + ")";
    EXPECT_EQ(count(mem, q), 0) << t;
  }
  // The same command again writes the same bytes; the default profile is clean.
  std::string again = dir.file("again.sqlite3");
  ASSERT_EQ(test::run_cli("demo --employees 60 --seed 9 --profile dirty --out " + test::shell_quote(again)).exit_code, 0);
  EXPECT_EQ(read_bytes(out), read_bytes(again));
  std::string clean = dir.file("clean.sqlite3");
  auto c = test::run_cli("demo --seed 9 --out " + test::shell_quote(clean) + " --employees 60");
  ASSERT_EQ(c.exit_code, 0) << c.out;
  EXPECT_NE(c.out.find("clean"), std::string::npos) << c.out;
  auto cdb = sql::Database::open_file(clean, true);
  ASSERT_TRUE(cdb.ok());
  EXPECT_EQ(count(*cdb, kCollideExisting) + count(*cdb, kTies) + count(*cdb, kPlaceholder), 0);
}

TEST(DemoCli, BadArgumentsAreUsageErrorsNamingTheOption) {
  test::TempDir dir;
  std::string out = " --out " + test::shell_quote(dir.file("x.sqlite3"));
  struct Case {
    std::string args;
    std::string expect;  // in the message
  } cases[] = {
      {"demo --seed 1" + out, "--employees"},
      {"demo --employees 0 --seed 1" + out, "--employees"},
      {"demo --employees -5 --seed 1" + out, "--employees"},
      {"demo --employees abc --seed 1" + out, "--employees"},
      {"demo --employees 1e3 --seed 1" + out, "--employees"},
      {"demo --employees ' 10' --seed 1" + out, "--employees"},
      {"demo --employees 99999999999999999999999 --seed 1" + out, "--employees"},
      {"demo --employees " + std::to_string(kMaxDemoEmployees + 1) + " --seed 1" + out, "--employees"},
      {"demo --employees 10" + out, "--seed"},
      {"demo --employees 10 --seed -1" + out, "--seed"},
      {"demo --employees 10 --seed x" + out, "--seed"},
      {"demo --employees 10 --seed 18446744073709551616" + out, "--seed"},
      {"demo --employees 10 --seed 1 --profile messy" + out, "--profile"},
      {"demo --employees 10 --seed 1" + out + " --profile", "--profile"},
      {"demo --employees 10 --seed 1", "--out"},
      {"demo --employees 10 --seed 1 --employees 11" + out, "--employees"},
      {"demo --employees 10 --seed 1 --color red" + out, "--color"},
      {"demo snapshot.sqlite3 --employees 10 --seed 1" + out, "snapshot.sqlite3"},
  };
  for (const auto& c : cases) {
    auto r = test::run_cli(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.out;
    EXPECT_NE(r.out.find(c.expect), std::string::npos) << c.args << "\n" << r.out;
  }
  EXPECT_FALSE(std::ifstream(dir.file("x.sqlite3")).good());  // nothing written on a usage error
  // The largest seed is fine.
  auto ok = test::run_cli("demo --employees 3 --seed 18446744073709551615" + out);
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
}

TEST(DemoCli, UnwritableOutputExitsTwoNamingTheFile) {
  test::TempDir dir;
  std::string bad = dir.file("no-such-dir/demo.sqlite3");
  auto r = test::run_cli("demo --employees 3 --seed 1 --out " + test::shell_quote(bad));
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("no-such-dir"), std::string::npos) << r.out;
}
