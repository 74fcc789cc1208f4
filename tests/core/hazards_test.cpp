// Preflight (spec §3) on the fixtures: each hazard kind finds exactly the rows an
// independent query finds, reads nothing but the snapshot, and changes nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "core/migrate/hazards.hpp"
#include "normalize_test_util.hpp"

using namespace redline;
using namespace redline::test;

namespace {

const Hazard* find(const std::vector<Hazard>& hs, const std::string& kind, const std::string& table = "") {
  for (const auto& h : hs)
    if (h.kind == kind && (table.empty() || h.table == table)) return &h;
  return nullptr;
}

std::vector<Hazard> dirty_hazards(sql::Database& db, NormalizeOptions o = fixed_options()) {
  auto h = find_hazards(db, o);
  EXPECT_TRUE(h.ok()) << (h.ok() ? "" : h.error().describe());
  return h.ok() ? *h : std::vector<Hazard>{};
}

}  // namespace

TEST(Hazards, DirtyUsernameCollisionIsExactlyEmployees2_3_5) {
  auto snap = load_fixture("crm-dirty/before.sqlite3");
  ASSERT_TRUE(snap.ok());
  auto hs = dirty_hazards(snap->db);
  const Hazard* h = find(hs, "username_collision");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->severity, Severity::Blocker);
  EXPECT_EQ(h->table, "employees");
  EXPECT_EQ(h->ids, (std::vector<std::int64_t>{2, 3, 5}));
  ASSERT_EQ(h->details.size(), 3u);
  EXPECT_EQ(h->details[0]["taken_by_user"], 228);
  EXPECT_EQ(h->details[0]["resolution"], "create user 'clash2@example.com-2'");
  EXPECT_EQ(h->details[1]["same_username_as_employees"], nlohmann::ordered_json::array({5}));
  EXPECT_EQ(h->details[2]["resolution"], "create user 'shared3@example.com-5'");
  EXPECT_TRUE(has_blocker(hs));
}

TEST(Hazards, DirtyNonstandardCurrencyIsExactlyBlankEuAndLowercase) {
  auto snap = load_fixture("crm-dirty/before.sqlite3");
  ASSERT_TRUE(snap.ok());
  auto hs = dirty_hazards(snap->db);
  const Hazard* h = find(hs, "nonstandard_currency", "deals");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->severity, Severity::Warning);
  EXPECT_EQ(h->ids, ints(snap->db, "SELECT id FROM deals WHERE currency IN ('', 'EU', 'usd') ORDER BY id"));
  EXPECT_EQ(h->ids.size(), 8u);
  // One entry per table: orders and payments are clean in this fixture.
  EXPECT_EQ(find(hs, "nonstandard_currency", "orders"), nullptr);
  EXPECT_EQ(find(hs, "nonstandard_currency", "payments"), nullptr);
  std::size_t entries = std::count_if(hs.begin(), hs.end(), [](const Hazard& x) { return x.kind == "nonstandard_currency"; });
  EXPECT_EQ(entries, 1u);

  // Each table gets its own entry.
  ASSERT_TRUE(snap->db.exec("UPDATE orders SET currency = 'eur' WHERE id IN (3, 9); UPDATE payments SET currency = 'US$' WHERE id = 4").ok());
  hs = dirty_hazards(snap->db);
  ASSERT_NE(find(hs, "nonstandard_currency", "orders"), nullptr);
  EXPECT_EQ(find(hs, "nonstandard_currency", "orders")->ids, (std::vector<std::int64_t>{3, 9}));
  ASSERT_NE(find(hs, "nonstandard_currency", "payments"), nullptr);
  EXPECT_EQ(find(hs, "nonstandard_currency", "payments")->ids, (std::vector<std::int64_t>{4}));
}

TEST(Hazards, DirtyCurrencyTieMatchesIndependentQuery) {
  auto snap = load_fixture("crm-dirty/before.sqlite3");
  ASSERT_TRUE(snap.ok());
  auto hs = dirty_hazards(snap->db);
  // Independently: organizations where more than one currency reaches the top count.
  auto expected = ints(snap->db,
      "SELECT o.id FROM organizations o WHERE (SELECT count(*) FROM (SELECT currency, count(*) AS n FROM deals d "
      "WHERE d.organization_id = o.id AND d.currency IS NOT NULL GROUP BY currency) AS c WHERE c.n = "
      "(SELECT max(n2) FROM (SELECT count(*) AS n2 FROM deals d2 WHERE d2.organization_id = o.id "
      "AND d2.currency IS NOT NULL GROUP BY d2.currency))) > 1 ORDER BY o.id");
  ASSERT_FALSE(expected.empty());
  const Hazard* h = find(hs, "currency_tie");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->table, "organizations");
  EXPECT_EQ(h->ids, expected);
  EXPECT_EQ(h->details[0]["chosen"], "GBP");  // org 1: GBP and USD tie, smallest code
}

TEST(Hazards, DirtyContactOverwriteMatchesIndependentQuery) {
  auto snap = load_fixture("crm-dirty/before.sqlite3");
  ASSERT_TRUE(snap.ok());
  auto hs = dirty_hazards(snap->db);
  const std::string conflict =
      "FROM employees e JOIN users u ON u.id = e.user_id WHERE "
      "(e.first_name <> '' AND u.first_name <> '' AND e.first_name <> u.first_name) OR "
      "(e.last_name <> '' AND u.last_name <> '' AND e.last_name <> u.last_name) OR "
      "(e.email <> '' AND u.email <> '' AND e.email <> u.email) OR "
      "(e.phone <> '' AND u.phone <> '' AND e.phone <> u.phone)";
  auto expected = ints(snap->db, "SELECT DISTINCT e.id " + conflict + " ORDER BY e.id");
  ASSERT_FALSE(expected.empty());
  const Hazard* h = find(hs, "contact_overwrite");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->ids, expected);
  // One detail per differing field, with the value lost and the value kept.
  std::int64_t fields = 0;
  for (const char* f : {"first_name", "last_name", "email", "phone"})
    fields += one_int(snap->db, std::string("SELECT count(*) FROM employees e JOIN users u ON u.id = e.user_id WHERE e.") + f +
                                    " <> '' AND u." + f + " <> '' AND e." + f + " <> u." + f);
  EXPECT_EQ(static_cast<std::int64_t>(h->details.size()), fields);
  for (const auto& d : h->details) {
    std::string q = "SELECT count(*) FROM employees e JOIN users u ON u.id = e.user_id WHERE e.id = " +
                    std::to_string(d["employee_id"].get<std::int64_t>()) + " AND u." + d["field"].get<std::string>() +
                    " = " + sql::quote_literal(d["old"].get<std::string>()) + " AND e." + d["field"].get<std::string>() +
                    " = " + sql::quote_literal(d["new"].get<std::string>());
    EXPECT_EQ(one_int(snap->db, q), 1) << d.dump();
  }
}

TEST(Hazards, PlaceholderEmailForCreatedUsersWithoutEmail) {
  auto snap = load_fixture("crm-dirty/before.sqlite3");
  ASSERT_TRUE(snap.ok());
  auto hs = dirty_hazards(snap->db);
  const Hazard* h = find(hs, "placeholder_email");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->severity, Severity::Info);
  EXPECT_EQ(h->ids, ints(snap->db, "SELECT id FROM employees WHERE user_id IS NULL AND email = '' ORDER BY id"));
}

TEST(Hazards, DanglingReferencesPerTableAndColumn) {
  auto snap = load_fixture("crm-dirty/before.sqlite3");
  ASSERT_TRUE(snap.ok());
  sql::Database& db = snap->db;
  ASSERT_TRUE(db.exec("UPDATE deals SET customer_id = 999999 WHERE id IN (7, 3); "
                      "UPDATE deals SET organization_id = 77 WHERE id = 11; "
                      "UPDATE employees SET user_id = 5000 WHERE id = 1").ok());
  auto hs = dirty_hazards(db);
  std::vector<std::string> found;
  for (const auto& h : hs)
    if (h.kind == "dangling_reference") found.push_back(h.table + "." + h.details[0]["column"].get<std::string>());
  EXPECT_EQ(found, (std::vector<std::string>{"deals.customer_id", "deals.organization_id", "employees.user_id"}));
  EXPECT_EQ(hs.back().ids, (std::vector<std::int64_t>{1}));
  for (const auto& h : hs) {
    if (h.kind == "dangling_reference" && h.details[0]["column"] == "customer_id") {
      EXPECT_EQ(h.ids, (std::vector<std::int64_t>{3, 7}));
    }
  }

  // The run goes through: the employee whose user is missing gets a new one.
  Report r = normalize(db, fixed_options());
  ASSERT_FALSE(r.error) << r.error->describe();
  EXPECT_EQ(one_int(db, "SELECT count(*) FROM employees e JOIN users u ON u.id = e.user_id WHERE e.id = 1"), 1);
  EXPECT_EQ(one_int(db, "SELECT count(*) FROM pragma_foreign_key_check('deals')"), 3);
}

TEST(Hazards, LinkResolutionSeesOverwritesOfLinkedUsers) {
  auto snap = load_fixture("crm-dirty/before.sqlite3");
  ASSERT_TRUE(snap.ok());
  NormalizeOptions o = fixed_options();
  o.username_collision = CollisionResolution::Link;
  auto hs = dirty_hazards(snap->db, o);
  const Hazard* c = find(hs, "username_collision");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->details[0]["resolution"], "link to user 228");
  const Hazard* h = find(hs, "contact_overwrite");
  ASSERT_NE(h, nullptr);
  // Employee 5 is linked to the user created for employee 3 and overwrites its names.
  EXPECT_TRUE(std::binary_search(h->ids.begin(), h->ids.end(), 5));
  bool five = false;
  for (const auto& d : h->details)
    if (d["employee_id"] == 5 && d["field"] == "first_name") five = d["old"] == "Wei" && d["new"] == "Sam";
  EXPECT_TRUE(five);
}

TEST(Hazards, SmallHasNoBlockerAndPreflightChangesNothing) {
  auto snap = load_fixture("crm-small/before.sqlite3");
  ASSERT_TRUE(snap.ok());
  auto before = image(snap->db);
  auto hs = dirty_hazards(snap->db);
  EXPECT_FALSE(has_blocker(hs));
  EXPECT_EQ(find(hs, "username_collision"), nullptr);
  EXPECT_EQ(find(hs, "dangling_reference"), nullptr);
  EXPECT_TRUE(image(snap->db) == before);
  // JSON shape of spec §5.
  for (const auto& h : hs) {
    auto j = h.to_json();
    std::vector<std::string> keys;
    for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
    EXPECT_EQ(keys, (std::vector<std::string>{"kind", "severity", "table", "ids", "message", "details"}));
  }
}

TEST(Hazards, AlreadyNormalizedHasNoMigrationHazards) {
  auto snap = load_fixture("crm-small/after.sqlite3");
  ASSERT_TRUE(snap.ok());
  auto hs = dirty_hazards(snap->db);
  for (const auto& h : hs) EXPECT_TRUE(h.kind == "nonstandard_currency" || h.kind == "dangling_reference") << h.kind;
}

TEST(Hazards, NonCrmIsRefused) {
  auto db = sql::Database::open_memory();
  ASSERT_TRUE(db->exec("CREATE TABLE users (id integer primary key)").ok());
  auto h = find_hazards(*db, fixed_options());
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().code, ErrorCode::BadInput);
  EXPECT_NE(h.error().message.find("missing tables: employees"), std::string::npos) << h.error().message;
  EXPECT_NE(h.error().message.find("users.username"), std::string::npos) << h.error().message;
}
