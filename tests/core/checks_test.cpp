// The verification checklist on real runs: crm-small passes every item; on crm-dirty
// (default options and user_wins) the items that fail or warn, with their rows, equal
// what SQL written here finds; lossless lists exactly the user values M1 overwrote;
// damaged results make the right items fail; --strict refuses on a failed check;
// manual ticks travel into the report; the POST checks leave the after untouched.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/review/checks.hpp"
#include "core/migrate/crm_schema.hpp"
#include "core/io.hpp"
#include "review_test_util.hpp"

using namespace redline;
using namespace redline::test;

namespace {

std::vector<std::int64_t> sorted_ids(sql::Database& db, const std::string& q) {
  auto v = ints(db, q);
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// What the checklist should find, by SQL written here (the before attached as b).
Verdicts expected_verdicts(Reviewed& r) {
  Verdicts v;
  sql::Database& db = r.after();
  auto put = [&](const std::string& id, const std::string& status, const std::string& table,
                 const std::vector<std::int64_t>& ids) {
    if (ids.empty()) return;
    auto& e = v[id];
    if (e.first != "fail") e.first = status;
    auto& dst = e.second[table];
    dst.insert(dst.end(), ids.begin(), ids.end());
    std::sort(dst.begin(), dst.end());
    dst.erase(std::unique(dst.begin(), dst.end()), dst.end());
  };

  // Foreign keys first, before anything is attached (the pragma spans attached schemas).
  std::set<std::string> before_fk;
  for (const auto& row : rows(r.before.db, "SELECT \"table\" || '|' || rowid FROM pragma_foreign_key_check")) before_fk.insert(row);
  for (const auto& row : rows(db, "SELECT \"table\", rowid FROM pragma_foreign_key_check")) {
    auto bar = row.find('|');
    std::string t = row.substr(0, bar);
    put("foreign_keys_intact", before_fk.count(row) ? "warn" : "fail", t, {std::stoll(row.substr(bar + 1))});
  }
  put("foreign_keys_intact", "fail", "addressables",
      sorted_ids(db, "SELECT x.id FROM addressables AS x JOIN django_content_type AS ct ON ct.id = x.content_type_id "
                     "WHERE (ct.model = 'organization' AND x.object_id NOT IN (SELECT id FROM organizations)) OR "
                     "(ct.model = 'customer' AND x.object_id NOT IN (SELECT id FROM customers)) OR "
                     "(ct.model = 'vendor' AND x.object_id NOT IN (SELECT id FROM vendors)) OR "
                     "(ct.model = 'lead' AND x.object_id NOT IN (SELECT id FROM leads)) OR "
                     "(ct.model = 'employee' AND x.object_id NOT IN (SELECT id FROM employees))"));

  attach_before(db, r.before_path);
  put("employees_have_users", "fail", "employees",
      sorted_ids(db, "SELECT id FROM main.employees AS e WHERE e.user_id NOT IN (SELECT id FROM main.users)"));

  // Every old row with address data: exactly one primary address with its values.
  struct T {
    const char* table;
    const char* model;
    const char* postal;
    bool country;
  };
  for (const T& t : {T{"organizations", "organization", "postal_code", true}, T{"customers", "customer", "postal_code", true},
                     T{"vendors", "vendor", "zip_code", true}, T{"leads", "lead", "postal_code", false},
                     T{"employees", "employee", "postal_code", true}}) {
    const std::string country = t.country ? "t.country" : "''";
    const std::string links = "FROM main.addressables AS x JOIN main.addresses AS a ON a.id = x.address_id JOIN "
                              "main.django_content_type AS ct ON ct.id = x.content_type_id WHERE ct.model = '" +
                              std::string(t.model) + "' AND x.object_id = t.id AND a.is_primary = 1";
    put("addresses_migrated", "fail", t.table,
        sorted_ids(db, "SELECT t.id FROM b." + std::string(t.table) + " AS t WHERE (t.address <> '' OR t.city <> '' OR "
                       "t.state <> '' OR t." + t.postal + " <> '' OR " + country + " <> '') AND ((SELECT count(*) " + links +
                       ") <> 1 OR NOT EXISTS (SELECT 1 " + links + " AND a.address_line1 = t.address AND a.city = t.city "
                       "AND a.state = t.state AND a.postal_code = t." + t.postal + " AND a.country = " + country + "))"));
  }
  put("orgs_have_currency", "fail", "organizations",
      sorted_ids(db, "SELECT id FROM main.organizations WHERE default_currency IS NULL OR default_currency = ''"));
  put("orgs_have_currency", "warn", "organizations",
      sorted_ids(db, "SELECT id FROM main.organizations WHERE default_currency <> '' AND default_currency NOT GLOB '[A-Z][A-Z][A-Z]'"));
  for (const char* t : {"deals", "orders", "payments"}) {
    put("currency_codes_valid", "warn", t,
        sorted_ids(db, std::string("SELECT id FROM main.") + t + " WHERE currency IS NOT NULL AND currency NOT GLOB '[A-Z][A-Z][A-Z]'"));
    put("required_not_null", "fail", t,
        sorted_ids(db, std::string("SELECT x.id FROM main.") + t + " AS x JOIN main.organizations AS o ON o.id = x.organization_id "
                       "WHERE coalesce(x.currency, '') = '' AND coalesce(o.default_currency, '') = ''"));
  }
  put("usernames_unique", "fail", "users",
      sorted_ids(db, "SELECT id FROM main.users WHERE username IN (SELECT username FROM main.users GROUP BY 1 HAVING count(*) > 1)"));
  put("usernames_unique", "warn", "users",
      sorted_ids(db, "SELECT u.id FROM main.users AS u WHERE EXISTS (SELECT 1 FROM main.users AS o WHERE o.id <> u.id AND "
                     "lower(o.username) = lower(u.username) AND o.username <> u.username)"));

  // GET /employees/: an old non-empty value the user (after) does not hold.
  std::string contact;
  for (const char* f : kContactColumnNames)
    contact += std::string(contact.empty() ? "" : " OR ") + "(be." + f + " <> '' AND coalesce(au." + f + ", '') <> be." + f + ")";
  put("api_employees_contact", "fail", "employees",
      sorted_ids(db, "SELECT be.id FROM b.employees AS be LEFT JOIN main.employees AS ae ON ae.id = be.id LEFT JOIN "
                     "main.users AS au ON au.id = ae.user_id WHERE ae.id IS NULL OR " + contact));
  auto addr_api = [&](const char* table, const char* model, const std::string& extra) {
    const std::string pa = "(SELECT a.id FROM main.addressables AS x JOIN main.addresses AS a ON a.id = x.address_id JOIN "
                           "main.django_content_type AS ct ON ct.id = x.content_type_id WHERE ct.model = '" +
                           std::string(model) + "' AND x.object_id = t.id AND a.is_primary = 1 ORDER BY a.id LIMIT 1)";
    std::string cond;
    for (auto [col, target] : {std::pair{"address", "address_line1"}, {"city", "city"}, {"state", "state"},
                               {"postal_code", "postal_code"}, {"country", "country"}})
      cond += std::string(cond.empty() ? "" : " OR ") + "(t." + col + " <> '' AND coalesce((SELECT " + target +
              " FROM main.addresses WHERE id = " + pa + "), '') <> t." + col + ")";
    return sorted_ids(db, "SELECT t.id FROM b." + std::string(table) + " AS t WHERE " + cond + extra);
  };
  put("api_employees_address", "fail", "employees", addr_api("employees", "employee", ""));
  put("api_organizations", "fail", "organizations",
      addr_api("organizations", "organization",
               " OR coalesce((SELECT default_currency FROM main.organizations WHERE id = t.id), '') = ''"));
  put("api_deals_currency", "fail", "deals",
      sorted_ids(db, "SELECT bd.id FROM b.deals AS bd JOIN main.deals AS d ON d.id = bd.id JOIN main.organizations AS o "
                     "ON o.id = d.organization_id WHERE (bd.currency <> '' AND coalesce(nullif(d.currency, ''), "
                     "o.default_currency) IS NOT bd.currency) OR coalesce(nullif(d.currency, ''), o.default_currency, '') = ''"));
  EXPECT_TRUE(db.exec("DETACH b").ok());
  return v;
}

// The items expected_verdicts computes; the others (lossless, POST, indexes) have
// tests of their own and must pass on a real run.
const std::set<std::string> kSqlItems = {
    "employees_have_users", "addresses_migrated", "orgs_have_currency",   "required_not_null",
    "foreign_keys_intact",  "usernames_unique",   "currency_codes_valid", "api_employees_contact",
    "api_employees_address", "api_organizations", "api_deals_currency"};

Verdicts only_sql_items(Verdicts v) {
  for (auto it = v.begin(); it != v.end();) it = kSqlItems.count(it->first) ? std::next(it) : v.erase(it);
  return v;
}

void expect_checks_match_sql(Reviewed& r) {
  Verdicts want = expected_verdicts(r);
  Verdicts got = not_passed(r.checks);
  EXPECT_EQ(only_sql_items(got), want);
  for (const auto& [id, e] : got) EXPECT_TRUE(kSqlItems.count(id)) << id << " " << e.first << " on a real run";
  for (const auto& [id, e] : got) {
    std::string t;
    for (const auto& [table, ids] : e.second) t += table + ":" + std::to_string(ids.size()) + " ";
    std::printf("  %s %s %s\n", e.first.c_str(), id.c_str(), t.c_str());
  }
}

std::string text_of_file(const std::string& path) {
  auto b = read_file(path);
  return b.ok() ? std::string(b->begin(), b->end()) : std::string();
}

}  // namespace

TEST(Checks, SmallPassesEveryItem) {
  auto r = review_fixture(kSmallFixture);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->checks.size(), 25u);
  std::set<std::string> groups;
  for (const auto& c : r->checks) {
    groups.insert(c.group);
    const bool manual = c.group == "frontend" || c.id.rfind("perf_", 0) == 0;
    EXPECT_EQ(c.status, manual ? CheckStatus::Manual : CheckStatus::Pass) << c.id << ": " << c.detail;
    EXPECT_TRUE(c.rows.empty()) << c.id;
    EXPECT_FALSE(c.detail.empty()) << c.id;
    EXPECT_EQ(c.detail.find('\n'), std::string::npos) << c.id;
  }
  EXPECT_EQ(groups, (std::set<std::string>{"data_integrity", "api_compatibility", "performance", "frontend"}));
  for (const char* id : {"employees_have_users", "addresses_migrated", "orgs_have_currency", "required_not_null",
                         "foreign_keys_intact", "usernames_unique", "lossless", "api_employees_contact",
                         "api_employees_address", "api_organizations", "api_deals_currency", "api_post_employee",
                         "api_post_organization", "index_addressables_content_type", "index_addresses_is_primary",
                         "index_employees_user"})
    EXPECT_NE(r->check(id), nullptr) << id;
  EXPECT_TRUE(not_passed(r->checks).empty());
  EXPECT_TRUE(expected_verdicts(*r).empty());
  EXPECT_TRUE(strict_verdict(r->checks).ok());
}

TEST(Checks, DirtyFailuresAndWarningsEqualIndependentSql) {
  auto r = review_fixture(kDirtyFixture);
  ASSERT_TRUE(r);
  expect_checks_match_sql(*r);
  // The fixture's blank and lower-case deal currencies are kept: a warning on them.
  auto got = not_passed(r->checks);
  ASSERT_TRUE(got.count("currency_codes_valid"));
  EXPECT_EQ(got["currency_codes_valid"].first, "warn");
  EXPECT_EQ(got["currency_codes_valid"].second["deals"].size(), 8u);
  EXPECT_TRUE(strict_verdict(r->checks).ok()) << "warnings do not fail --strict";
}

TEST(Checks, DirtyUserWinsFailsTheEmployeesApi) {
  NormalizeOptions o = fixed_options();
  o.contact_overwrite = OverwriteResolution::UserWins;
  auto r = review_fixture(kDirtyFixture, o);
  ASSERT_TRUE(r);
  expect_checks_match_sql(*r);
  const CheckItem* api = r->check("api_employees_contact");
  ASSERT_NE(api, nullptr);
  EXPECT_EQ(api->status, CheckStatus::Fail);
  EXPECT_FALSE(api->extra["examples"].empty());
  auto verdict = strict_verdict(r->checks);
  ASSERT_FALSE(verdict.ok());
  EXPECT_NE(verdict.error().message.find("api_employees_contact"), std::string::npos);
  EXPECT_EQ(r->check("lossless")->status, CheckStatus::Pass) << "the lost employee values are listed: user_wins explains them";
}

TEST(Checks, LosslessListsExactlyTheOverwrittenUserValues) {
  auto r = review_fixture(kDirtyFixture);
  ASSERT_TRUE(r);
  const CheckItem* l = r->check("lossless");
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->status, CheckStatus::Pass) << l->detail;
  // Independent: linked employees whose non-empty value differs from the user's
  // non-empty value, per field, with the user's old value and the employee's new one.
  std::set<std::string> want, got;
  for (const char* f : kContactColumnNames)
    for (const auto& row : rows(r->before.db, std::string("SELECT e.id, u.id, u.") + f + ", e." + f +
                                                  " FROM employees AS e JOIN users AS u ON u.id = e.user_id WHERE e." + f +
                                                  " <> '' AND u." + f + " <> '' AND e." + f + " <> u." + f))
      want.insert(row + "|" + f);
  for (const auto& x : l->extra["lost"]) {
    EXPECT_EQ(x["table"], "users");
    got.insert(std::to_string(x["by_employee"].get<std::int64_t>()) + "|" + std::to_string(x["id"].get<std::int64_t>()) +
               "|" + x["old"].get<std::string>() + "|" + x["now"].get<std::string>() + "|" + x["column"].get<std::string>());
  }
  EXPECT_EQ(got, want);
  EXPECT_EQ(got.size(), 163u);
}

TEST(Checks, DamagedResultsFailTheRightItems) {
  auto r = review_fixture(kSmallFixture);
  ASSERT_TRUE(r);
  sql::Database& db = r->after();
  // An addressable pointing at an organization that does not exist, an index gone,
  // an employee's primary address lost, an organization without a default currency.
  ASSERT_TRUE(db.exec("INSERT INTO addressables (object_id, address_id, content_type_id) SELECT 999999, 1, id FROM "
                      "django_content_type WHERE app_label = 'crmApp' AND model = 'organization'").ok());
  const std::int64_t bad_link = db.last_insert_rowid();
  ASSERT_TRUE(db.exec("DROP INDEX idx_employees_user").ok());
  const std::int64_t emp = one_int(db, "SELECT x.object_id FROM addressables AS x JOIN django_content_type AS ct ON "
                                       "ct.id = x.content_type_id AND ct.model = 'employee' ORDER BY x.object_id LIMIT 1");
  ASSERT_TRUE(db.exec("UPDATE addresses SET is_primary = 0 WHERE id IN (SELECT x.address_id FROM addressables AS x JOIN "
                      "django_content_type AS ct ON ct.id = x.content_type_id AND ct.model = 'employee' WHERE x.object_id = " +
                      std::to_string(emp) + ")").ok());
  ASSERT_TRUE(db.exec("UPDATE organizations SET default_currency = NULL WHERE id = 2").ok());
  auto checks = recheck(*r);
  Verdicts got = not_passed(checks);
  r->checks = checks;
  EXPECT_EQ(only_sql_items(got), expected_verdicts(*r)) << "the independent SQL agrees on the damaged result too";
  EXPECT_EQ(got["foreign_keys_intact"].second["addressables"], std::vector<std::int64_t>{bad_link});
  EXPECT_EQ(got["addresses_migrated"].second["employees"], std::vector<std::int64_t>{emp});
  EXPECT_EQ(got["api_employees_address"].first, "fail");
  EXPECT_EQ(got["orgs_have_currency"].second["organizations"], std::vector<std::int64_t>{2});
  EXPECT_EQ(got["index_employees_user"].first, "fail");
  EXPECT_EQ(got["lossless"].first, "fail") << "the employee's address values are in no row any more";
  EXPECT_EQ(got["lossless"].second["employees"], std::vector<std::int64_t>{emp});
}

TEST(Checks, DanglingKeysFailWhenTheRunBrokeThemAndWarnWhenTheyWereThere) {
  // Deal 7's customer is gone before the run: the run keeps it dangling (warning).
  auto r = review_fixture(kSmallFixture, fixed_options(), nullptr, [](sql::Database& db) {
    ASSERT_TRUE(db.exec("UPDATE deals SET customer_id = 999999 WHERE id = 7").ok());
  });
  ASSERT_TRUE(r);
  auto got = not_passed(r->checks);
  ASSERT_TRUE(got.count("foreign_keys_intact"));
  EXPECT_EQ(got["foreign_keys_intact"].first, "warn");
  EXPECT_EQ(got["foreign_keys_intact"].second["deals"], std::vector<std::int64_t>{7});
  // Deal 9's organization disappears behind the run's back: broken by it (failure).
  ASSERT_TRUE(r->after().exec("UPDATE deals SET organization_id = 888888 WHERE id = 9").ok());
  auto again = not_passed(recheck(*r));
  EXPECT_EQ(again["foreign_keys_intact"].first, "fail");
  EXPECT_EQ(again["foreign_keys_intact"].second["deals"], (std::vector<std::int64_t>{7, 9}));
  // The same rows SQLite's own check reports.
  EXPECT_EQ(rows(r->after(), "SELECT \"table\", rowid FROM pragma_foreign_key_check ORDER BY 1, 2"),
            (std::vector<std::string>{"deals|7", "deals|9"}));
}

TEST(Checks, DanglingKeysAreListedInRowidOrderWhateverTheKeysOrderAndCallSize) {
  // Deal 7's customer is gone before the run (a warning, listed after the broken rows).
  auto r = review_fixture(kSmallFixture, fixed_options(), nullptr, [](sql::Database& db) {
    ASSERT_TRUE(db.exec("UPDATE deals SET customer_id = 999999 WHERE id = 7").ok());
  });
  ASSERT_TRUE(r);
  sql::Database& db = r->after();
  // 20,000 more deals of one organization (one key value across the check's calls of
  // 8,192 rows), every 997th with a missing customer whose id falls as the rowid rises
  // (key order is the reverse of rowid order), one with both keys missing, one whose
  // key is text; and payments without any index (looked at by rowid ranges).
  std::string cols;
  for (const auto& c : rows(db, "SELECT name FROM pragma_table_info('deals') WHERE name <> 'id' ORDER BY cid"))
    cols += (cols.empty() ? "" : ", ") + sql::quote_ident(c);
  const std::int64_t first = one_int(db, "SELECT max(id) + 1 FROM deals");
  ASSERT_TRUE(db.exec("WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 20000) INSERT INTO deals (" +
                      cols + ") SELECT " + cols + " FROM n, deals WHERE deals.id = 1").ok());
  const std::string f = std::to_string(first);
  ASSERT_TRUE(db.exec("UPDATE deals SET customer_id = 900000 - (id - " + f + ") WHERE id >= " + f + " AND (id - " + f +
                      ") % 997 = 0").ok());
  ASSERT_TRUE(db.exec("UPDATE deals SET organization_id = 888888, customer_id = 777777 WHERE id = " + f + " + 5000").ok());
  ASSERT_TRUE(db.exec("UPDATE deals SET customer_id = 'x' WHERE id = " + f + " + 12345").ok());
  for (const auto& idx : rows(db, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'payments' AND sql IS NOT NULL"))
    ASSERT_TRUE(db.exec("DROP INDEX " + sql::quote_ident(idx)).ok());
  ASSERT_TRUE(db.exec("UPDATE payments SET order_id = 999990 + id WHERE id IN (2, 5)").ok());
  // An addressable of another app's content type (no declared key of it dangles).
  const std::int64_t odd_link = one_int(db, "SELECT min(id) FROM addressables");
  ASSERT_TRUE(db.exec("UPDATE addressables SET content_type_id = (SELECT id FROM django_content_type WHERE app_label <> "
                      "'crmApp' ORDER BY id LIMIT 1) WHERE id = " + std::to_string(odd_link)).ok());

  auto checks = recheck(*r);
  const CheckItem* fk = nullptr;
  for (const auto& it : checks)
    if (it.id == "foreign_keys_intact") fk = &it;
  ASSERT_NE(fk, nullptr);

  // SQLite's own check, the before's dangling rows apart (the warning's count): per
  // table every dangling row in rowid order; the broken tables, the addressables, then
  // the tables with rows that dangled already.
  std::set<std::string> was;
  for (const auto& row : rows(r->before.db, "SELECT \"table\" || '|' || rowid FROM pragma_foreign_key_check")) was.insert(row);
  std::map<std::string, std::vector<std::int64_t>> broken, old;
  for (const auto& row : rows(db, "SELECT DISTINCT \"table\" || '|' || rowid FROM pragma_foreign_key_check")) {
    auto bar = row.find('|');
    (was.count(row) ? old : broken)[row.substr(0, bar)].push_back(std::stoll(row.substr(bar + 1)));
  }
  std::vector<std::pair<std::string, std::vector<std::int64_t>>> want;
  std::map<std::string, std::vector<std::int64_t>> links{{"addressables", {odd_link}}};
  for (auto* part : {&broken, &links, &old}) {
    for (auto& [t, ids] : *part) {
      auto at = std::find_if(want.begin(), want.end(), [&](const auto& w) { return w.first == t; });
      if (at == want.end()) at = want.emplace(want.end(), t, std::vector<std::int64_t>{});
      at->second.insert(at->second.end(), ids.begin(), ids.end());
      std::sort(at->second.begin(), at->second.end());
    }
  }
  std::vector<std::pair<std::string, std::vector<std::int64_t>>> got;
  for (const auto& rw : fk->rows) got.emplace_back(rw.table, rw.ids);
  EXPECT_EQ(got, want);
  ASSERT_EQ(broken["deals"].size(), 21u + 2u) << "20,000 / 997 rounded up, the text key, the row with two keys once";
  EXPECT_EQ(broken["payments"], (std::vector<std::int64_t>{2, 5}));
  EXPECT_EQ(old["deals"], std::vector<std::int64_t>{7});
  EXPECT_EQ(to_string(fk->status), std::string("fail"));
  std::string first8;
  for (std::size_t k = 0; k < 8; ++k) first8 += (k ? ", " : "") + std::to_string(want[0].second[k]);
  EXPECT_EQ(fk->detail, "26 rows point at a missing row (deals " + first8 + ", ...); 1 more dangled before the run already");
}

TEST(Checks, PostChecksFollowTheSchemaAndLeaveTheAfterUntouched) {
  auto r = review_fixture(kSmallFixture);
  ASSERT_TRUE(r);
  sql::Database& db = r->after();
  auto image = db.serialize();
  ASSERT_TRUE(image.ok());
  auto again = recheck(*r);
  auto image2 = db.serialize();
  ASSERT_TRUE(image2.ok());
  EXPECT_TRUE(*image == *image2) << "the POST checks' inserts are rolled back without a trace";

  // A contract that kept a required contact column: POST /employees/ with only a
  // user_id cannot work any more.
  ASSERT_TRUE(db.exec("ALTER TABLE employees RENAME TO employees_old").ok());
  const crm::TableDef* def = crm::find_table(crm::Shape::After, "employees");
  ASSERT_NE(def, nullptr);
  std::string ddl = def->create_sql;
  ddl.insert(ddl.rfind(')'), ", \"first_name\" varchar(100) NOT NULL");
  ASSERT_TRUE(db.exec(ddl).ok()) << ddl;
  ASSERT_TRUE(db.exec("INSERT INTO employees SELECT *, 'x' FROM employees_old; DROP TABLE employees_old").ok());
  auto checks = recheck(*r);
  const CheckItem* post = nullptr;
  for (const auto& c : checks)
    if (c.id == "api_post_employee") post = &c;
  ASSERT_NE(post, nullptr);
  EXPECT_EQ(post->status, CheckStatus::Fail);
  EXPECT_NE(post->detail.find("first_name"), std::string::npos) << post->detail;
  for (const auto& c : checks)
    if (c.id == "api_post_organization") {
      EXPECT_EQ(c.status, CheckStatus::Pass) << c.detail;
    }
}

TEST(Checks, ManualTicksAreCarriedIntoTheItems) {
  auto ticks = ticks_from_json(R"({"frontend_employee_list": true,
      "frontend_employee_create": {"ticked": true, "by": "Ana <QA>", "at": "2026-01-05", "note": "on staging"},
      "perf_memory": false})", "ticks.json");
  ASSERT_TRUE(ticks.ok()) << ticks.error().describe();
  auto r = review_fixture(kSmallFixture, fixed_options(), &*ticks);
  ASSERT_TRUE(r);
  const CheckItem* list = r->check("frontend_employee_list");
  const CheckItem* create = r->check("frontend_employee_create");
  const CheckItem* memory = r->check("perf_memory");
  ASSERT_TRUE(list && create && memory);
  EXPECT_EQ(create->status, CheckStatus::Manual);
  EXPECT_TRUE(list->extra["tick"]["ticked"].get<bool>());
  EXPECT_EQ(create->extra["tick"]["by"], "Ana <QA>");
  EXPECT_EQ(create->detail, "ticked by Ana <QA> on 2026-01-05: on staging");
  EXPECT_FALSE(memory->extra["tick"]["ticked"].get<bool>());
  auto j = create->to_json();
  EXPECT_EQ(j["status"], "manual");
  EXPECT_EQ(j["tick"]["note"], "on staging");

  EXPECT_FALSE(ticks_from_json(R"({"frontend_employe_list": true})", "t.json").ok()) << "a typo is not dropped silently";
  EXPECT_FALSE(ticks_from_json(R"({"lossless": true})", "t.json").ok()) << "only manual items are ticked";
  EXPECT_FALSE(ticks_from_json(R"({"perf_memory": "yes"})", "t.json").ok());
  EXPECT_FALSE(ticks_from_json("[1", "t.json").ok());
}

TEST(Checks, TicksAppliedAfterTheRunEqualTicksGivenToTheRun) {
  // The page ticks items after the run; the report must then be what the CLI's
  // --ticks gives for the same ticks.
  auto ticks = ticks_from_json(R"({"frontend_org_settings": {"ticked": true, "by": "Bo", "note": "ok"},
      "perf_n_plus_one": true, "perf_memory": false})", "ticks.json");
  ASSERT_TRUE(ticks.ok()) << ticks.error().describe();
  auto with = review_fixture(kSmallFixture, fixed_options(), &*ticks);
  auto without = review_fixture(kSmallFixture, fixed_options(), nullptr);
  ASSERT_TRUE(with && without);
  std::vector<CheckItem> items = without->checks;
  ASSERT_NE(checks_json(items), checks_json(with->checks));
  apply_ticks(items, &*ticks);
  EXPECT_EQ(checks_json(items).dump(), checks_json(with->checks).dump());
  apply_ticks(items, nullptr);  // untick everything
  EXPECT_EQ(checks_json(items).dump(), checks_json(without->checks).dump());
}

TEST(Checks, JsonShapeOfAnItem) {
  auto r = review_fixture(kDirtyFixture);
  ASSERT_TRUE(r);
  auto j = checks_json(r->checks);
  ASSERT_EQ(j.size(), r->checks.size());
  for (const auto& c : j)
    for (const char* k : {"id", "group", "title", "status", "detail", "ids", "table", "rows"}) EXPECT_TRUE(c.contains(k)) << k;
  const auto* warn = r->check("currency_codes_valid");
  ASSERT_NE(warn, nullptr);
  auto w = warn->to_json();
  EXPECT_EQ(w["table"], "deals");
  EXPECT_EQ(w["ids"], w["rows"]["deals"]);
  const auto* idx = r->check("index_employees_user");
  EXPECT_TRUE(idx->to_json()["plan"].is_array());
}

TEST(Checks, CliStrictRefusesOnAFailedCheck) {
  TempDir tmp;
  const std::string opts = tmp.file("o.json");
  ASSERT_TRUE(write_file(opts, std::string(R"({"contact_overwrite": "user_wins"})")).ok());
  const std::string out = tmp.file("after.sqlite3"), report = tmp.file("r.json");
  // crm-small has no blocker; with user_wins its employees' conflicting contact values
  // are not in their users, so GET /employees/ changes and the check fails.
  auto res = run_cli("normalize " + shell_quote(fixture(kSmallFixture)) + " --out " + shell_quote(out) + " --report " +
                     shell_quote(report) + " --options " + shell_quote(opts) + " --now '2026-01-02 03:04:05' --strict");
  EXPECT_EQ(res.exit_code, 1) << res.out;
  EXPECT_NE(res.out.find("failed checks: api_employees_contact"), std::string::npos) << res.out;
  EXPECT_FALSE(std::filesystem::exists(out)) << "a refused run writes no result";
  // The after image was streamed to <out>.part before the review refused it: gone too.
  EXPECT_FALSE(std::filesystem::exists(out + ".part")) << "a refused run leaves its streamed image";
  auto j = nlohmann::json::parse(text_of_file(report));
  EXPECT_EQ(j["status"], "refused");
  EXPECT_EQ(j["error"]["code"], "hazard");
  for (const auto& s : j["steps"]) EXPECT_NE(s["status"], "done") << s["id"];
  bool failed = false;
  for (const auto& c : j["checks"]) failed = failed || (c["id"] == "api_employees_contact" && c["status"] == "fail");
  EXPECT_TRUE(failed);

  // Without --strict the same run completes (exit 0), and the failure is in the report.
  auto ok = run_cli("normalize " + shell_quote(fixture(kSmallFixture)) + " --out " + shell_quote(out) + " --report " +
                    shell_quote(report) + " --options " + shell_quote(opts) + " --now '2026-01-02 03:04:05'");
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_TRUE(std::filesystem::exists(out));
  // crm-small passes --strict.
  auto small = run_cli("normalize " + shell_quote(fixture(kSmallFixture)) + " --out " + shell_quote(out) + " --strict");
  EXPECT_EQ(small.exit_code, 0) << small.out;
  EXPECT_NE(small.out.find("checks: 17 passed, 0 failed, 0 warnings, 8 manual"), std::string::npos) << small.out;
  // A refused run leaves an --out that was already there as it was.
  const std::string kept = text_of_file(out);
  auto again = run_cli("normalize " + shell_quote(fixture(kSmallFixture)) + " --out " + shell_quote(out) +
                       " --options " + shell_quote(opts) + " --now '2026-01-02 03:04:05' --strict");
  EXPECT_EQ(again.exit_code, 1) << again.out;
  EXPECT_EQ(text_of_file(out), kept) << "a refused run changed the --out already there";
  EXPECT_FALSE(std::filesystem::exists(out + ".part"));

  // Ticks from a file; a bad ticks file is a usage error naming the file.
  const std::string ticks = tmp.file("ticks.json");
  ASSERT_TRUE(write_file(ticks, std::string(R"({"frontend_address_fields": {"ticked": true, "by": "Kim"}})")).ok());
  auto ticked = run_cli("normalize " + shell_quote(fixture(kSmallFixture)) + " --out " + shell_quote(out) + " --report " +
                        shell_quote(report) + " --ticks " + shell_quote(ticks));
  EXPECT_EQ(ticked.exit_code, 0) << ticked.out;
  auto tj = nlohmann::json::parse(text_of_file(report));
  for (const auto& c : tj["checks"])
    if (c["id"] == "frontend_address_fields") {
      EXPECT_EQ(c["tick"]["by"], "Kim");
    }
  ASSERT_TRUE(write_file(ticks, std::string(R"({"nope": true})")).ok());
  auto bad = run_cli("normalize " + shell_quote(fixture(kSmallFixture)) + " --out " + shell_quote(out) + " --ticks " + shell_quote(ticks));
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
  EXPECT_NE(bad.out.find("ticks.json"), std::string::npos) << bad.out;
}
