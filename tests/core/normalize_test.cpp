// The normalization (spec §2) against Django's own result, on clean and dirty data,
// all-or-nothing under injected failure and cancel, deterministic, never twice, and
// each resolution of spec §3 with an expectation computed independently in SQL.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "core/migrate/crm_schema.hpp"
#include "core/migrate/normalize.hpp"
#include "core/review/report.hpp"
#include "core/load/recognize.hpp"
#include "core/migrate/normalize_sql.hpp"
#include "core/review/report_render.hpp"
#include "django_pair_test_util.hpp"
#include "review_test_util.hpp"

using namespace redline;
using namespace redline::test;

namespace {

const char* const kSmallBefore = "crm-small/before.sqlite3";
const char* const kSmallAfter = "crm-small/after.sqlite3";
const char* const kDirtyBefore = "crm-dirty/before.sqlite3";

const StepRecord* find_step(const std::vector<StepRecord>& steps, const std::string& id) {
  for (const auto& s : steps)
    if (s.id == id) return &s;
  return nullptr;
}

// The schema text of every table and index, by name, as sqlite_schema holds it.
std::vector<std::string> schema_text(sql::Database& db) {
  return rows(db, "SELECT name || ': ' || sql FROM sqlite_schema WHERE sql IS NOT NULL AND name <> 'sqlite_sequence' ORDER BY name");
}

std::vector<std::string> after_shape_text() {
  auto db = sql::Database::open_memory();
  for (const auto& t : crm::tables(crm::Shape::After)) {
    EXPECT_TRUE(db->exec(t.create_sql).ok());
    for (const auto& i : t.index_sql) EXPECT_TRUE(db->exec(i).ok());
  }
  return schema_text(*db);
}

}  // namespace

// ---- crm-small against Django's after.sqlite3, from each export format --------------

class NormalizeFixture : public ::testing::TestWithParam<const char*> {};

TEST_P(NormalizeFixture, SmallMatchesDjangoResult) {
  std::string rel = std::string("crm-small/") + GetParam();
  auto snap = load_fixture(rel);
  // A loader that cannot load its fixture fails this test: it must not be skipped.
  ASSERT_TRUE(snap.ok()) << rel << ": " << snap.error().describe();

  Report report = normalize(snap->db, fixed_options());
  ASSERT_FALSE(report.error) << report.error->describe();
  EXPECT_EQ(report.status, "ok");
  for (const auto& s : report.steps) EXPECT_EQ(s.status, "done") << s.id;

  EXPECT_EQ(schema_text(snap->db), after_shape_text());
  expect_matches_reference(snap->db, fixture(kSmallAfter), fixture(kSmallBefore));
}

INSTANTIATE_TEST_SUITE_P(Formats, NormalizeFixture, ::testing::Values("before.sqlite3", "before.pg.sql", "before.json"),
                         [](const auto& info) {
                           std::string n = info.param;
                           return n == "before.sqlite3" ? "sqlite" : n == "before.pg.sql" ? "pgdump" : "dumpdata";
                         });

TEST(Normalize, SmallKeepsDjangosTableOrderAndAddressIds) {
  // Beyond spec §2's rules: the steps run in Django's order, so even sqlite_schema's
  // order and the address ids come out as Django's.
  auto snap = load_fixture(kSmallBefore);
  ASSERT_TRUE(snap.ok());
  Report report = normalize(snap->db, fixed_options());
  ASSERT_FALSE(report.error) << report.error->describe();
  auto ref = sql::Database::open_file(fixture(kSmallAfter), true);
  ASSERT_TRUE(ref.ok());
  const std::string order = "SELECT type, name FROM sqlite_schema ORDER BY rowid";
  EXPECT_EQ(rows(snap->db, order), rows(*ref, order));
  EXPECT_EQ(rows(snap->db, "SELECT * FROM addresses ORDER BY id"), rows(*ref, "SELECT * FROM addresses ORDER BY id"));
  EXPECT_EQ(rows(snap->db, "SELECT * FROM addressables ORDER BY id"), rows(*ref, "SELECT * FROM addressables ORDER BY id"));
  // The created users: ids 162.. in employee id order, with the run's timestamp.
  EXPECT_EQ(rows(snap->db, "SELECT id, username FROM users WHERE id > 161 ORDER BY id"),
            rows(*ref, "SELECT id, username FROM users WHERE id > 161 ORDER BY id"));
  EXPECT_EQ(one_int(snap->db, "SELECT count(*) FROM users WHERE id > 161 AND date_joined = '" + std::string(kNow) + "'"), 59);
}

TEST(Normalize, ReportRecordsStepsAndSql) {
  auto snap = load_fixture(kSmallBefore);
  ASSERT_TRUE(snap.ok());
  auto bytes = read_file(fixture(kSmallBefore));
  ASSERT_TRUE(bytes.ok());
  Report report = normalize(snap->db, fixed_options(), report_input(snap->summary, *bytes));
  ASSERT_FALSE(report.error);
  auto j = nlohmann::json::parse(report.to_json_text());
  EXPECT_EQ(j["input"]["format"], "sqlite");
  EXPECT_EQ(j["input"]["sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(j["input"]["tables"]["employees"], 200);
  EXPECT_EQ(j["options"]["username_collision"], "suffix");
  EXPECT_EQ(j["options"]["contact_overwrite"], "employee_wins");
  EXPECT_EQ(j["options"]["now"], kNow);
  ASSERT_EQ(j["steps"].size(), 11u);
  std::vector<std::string> ids;
  for (const auto& s : j["steps"]) ids.push_back(s["id"]);
  EXPECT_EQ(ids, (std::vector<std::string>{"E1", "E2", "E3", "M1", "M2", "M3", "C1", "C2", "C3", "I1", "P1"}));
  EXPECT_TRUE(j["diff"].is_object());
  EXPECT_TRUE(j["checks"].is_array());
  const StepRecord* m2 = find_step(report.steps, "M2");
  ASSERT_NE(m2, nullptr);
  EXPECT_EQ(m2->rows_affected, 1062 * 2);  // addresses and their links; no content type was missing
  bool insert_seen = false;
  for (const auto& q : m2->sql) insert_seen = insert_seen || q.rfind("INSERT INTO addresses", 0) == 0;
  EXPECT_TRUE(insert_seen);
  const StepRecord* m1 = find_step(report.steps, "M1");
  EXPECT_GE(m1->rows_affected, 59);  // at least the created users
}

// ---- crm-dirty: completes with the defaults and keeps the guide's promises ---------

TEST(Normalize, DirtyCompletesAndKeepsPromises) {
  auto snap = load_fixture(kDirtyBefore);
  ASSERT_TRUE(snap.ok());
  Report report = normalize(snap->db, fixed_options());
  ASSERT_FALSE(report.error) << report.error->describe();
  sql::Database& db = snap->db;
  EXPECT_EQ(schema_text(db), after_shape_text());
  ASSERT_TRUE(db.exec("ATTACH " + sql::quote_literal(fixture(kDirtyBefore)) + " AS b").ok());

  // Every employee has a user; usernames are unique; every organization a currency.
  EXPECT_EQ(one_int(db, "SELECT count(*) FROM employees e LEFT JOIN users u ON u.id = e.user_id WHERE u.id IS NULL"), 0);
  EXPECT_EQ(one_int(db, "SELECT count(*) - count(DISTINCT username) FROM users"), 0);
  EXPECT_EQ(one_int(db, "SELECT count(*) FROM organizations WHERE default_currency IS NULL"), 0);
  EXPECT_EQ(rows(db, "SELECT id, default_currency FROM organizations ORDER BY id"),
            (std::vector<std::string>{"1|GBP", "2|USD", "3|INR", "4|PLN", "5|USD", "6|GBP"}));

  // The suffix resolution: existing user's name and the second of a shared email.
  EXPECT_EQ(rows(db, "SELECT e.id, u.username FROM employees e JOIN users u ON u.id = e.user_id WHERE e.id IN (2, 3, 5) ORDER BY e.id"),
            (std::vector<std::string>{"2|clash2@example.com-2", "3|shared3@example.com", "5|shared3@example.com-5"}));
  // New users continue after the largest id, in employee id order.
  std::int64_t created = one_int(db, "SELECT count(*) FROM b.employees WHERE user_id IS NULL");
  EXPECT_EQ(one_int(db, "SELECT max(id) FROM users"), one_int(db, "SELECT max(id) FROM b.users") + created);
  EXPECT_EQ(rows(db, "SELECT e.id FROM employees e WHERE e.user_id > (SELECT max(id) FROM b.users) ORDER BY e.user_id"),
            rows(db, "SELECT id FROM b.employees WHERE user_id IS NULL ORDER BY id"));

  // Every old address value is in addresses: each row with address data has exactly
  // one address with the same values (independent of how Redline computes it).
  struct Src { const char* table; const char* model; const char* postal; const char* country; };
  for (Src s : {Src{"organizations", "organization", "postal_code", "country"}, Src{"customers", "customer", "postal_code", "country"},
                Src{"vendors", "vendor", "zip_code", "country"}, Src{"leads", "lead", "postal_code", "''"},
                Src{"employees", "employee", "postal_code", "country"}}) {
    std::string t = s.table;
    std::string has = "(t.address <> '' OR t.city <> '' OR t.state <> '' OR t." + std::string(s.postal) + " <> ''" +
                      (std::string(s.country) == "''" ? "" : " OR t.country <> ''") + ")";
    std::string country = std::string(s.country) == "''" ? "''" : "t.country";
    std::int64_t with_data = one_int(db, "SELECT count(*) FROM b." + t + " t WHERE " + has);
    std::int64_t matched = one_int(db,
        "SELECT count(*) FROM b." + t + " t WHERE " + has + " AND (SELECT count(*) FROM addressables x "
        "JOIN addresses a ON a.id = x.address_id JOIN django_content_type ct ON ct.id = x.content_type_id "
        "WHERE ct.app_label = 'crmApp' AND ct.model = '" + s.model + "' AND x.object_id = t.id AND a.address_line1 = t.address "
        "AND a.city = t.city AND a.state = t.state AND a.postal_code = t." + s.postal + " AND a.country = " + country +
        " AND a.is_primary = 1) = 1");
    EXPECT_GT(with_data, 0) << t;
    EXPECT_EQ(matched, with_data) << t;
    EXPECT_EQ(one_int(db, "SELECT count(*) FROM addressables x JOIN django_content_type ct ON ct.id = x.content_type_id WHERE ct.model = '" +
                              std::string(s.model) + "'"), with_data) << t;
  }
  EXPECT_EQ(one_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
  ASSERT_TRUE(db.exec("DETACH b").ok());
}

// ---- all or nothing ------------------------------------------------------------------

TEST(Normalize, InjectedFailureInM2LeavesSnapshotByteIdentical) {
  auto snap = load_fixture(kDirtyBefore);
  ASSERT_TRUE(snap.ok());
  auto before = image(snap->db);
  NormalizeJob job(snap->db, fixed_options());
  bool addresses_written = false;
  job.set_statement_hook([&](std::string_view step, std::size_t, std::string_view sql) -> Status {
    if (step != "M2") return ok_status();
    if (sql.rfind("INSERT INTO addresses", 0) == 0) {
      addresses_written = true;  // midway: addresses are in, their links are not
      return make_error(ErrorCode::Internal, "injected failure after the addresses insert");
    }
    return ok_status();
  });
  Progress p = run_job(job, 0);  // one unit per call
  ASSERT_EQ(p.state, JobState::Error);
  EXPECT_TRUE(addresses_written);
  ASSERT_TRUE(p.error);
  EXPECT_NE(p.error->message.find("step M2"), std::string::npos) << p.error->message;
  EXPECT_NE(p.error->message.find("injected failure after the addresses insert"), std::string::npos) << p.error->message;
  EXPECT_TRUE(image(snap->db) == before) << "the snapshot changed";
  EXPECT_EQ(find_step(job.steps(), "M2")->status, "failed");
  EXPECT_EQ(find_step(job.steps(), "E3")->status, "rolled_back");
  EXPECT_EQ(find_step(job.steps(), "C1")->status, "pending");
  // The job stays failed; the database is usable and can be normalized afterwards.
  EXPECT_EQ(job.step(100).state, JobState::Error);
  Report again = normalize(snap->db, fixed_options());
  EXPECT_FALSE(again.error);
}

TEST(Normalize, RealSqlFailureNamesStepAndCause) {
  // A table in the way of the rebuild's temporary name fails E3 with SQLite's reason.
  auto snap = load_fixture(kSmallBefore);
  ASSERT_TRUE(snap.ok());
  ASSERT_TRUE(snap->db.exec("CREATE TABLE new__orders (x)").ok());
  auto before = image(snap->db);
  Report r = normalize(snap->db, fixed_options());
  ASSERT_TRUE(r.error);
  EXPECT_NE(r.error->message.find("step E3"), std::string::npos) << r.error->describe();
  EXPECT_NE(r.error->message.find("new__orders"), std::string::npos) << r.error->describe();
  EXPECT_EQ(r.status, "failed");
  EXPECT_TRUE(image(snap->db) == before);
}

TEST(Normalize, CancelMidRunLeavesSnapshotByteIdentical) {
  auto snap = load_fixture(kSmallBefore);
  ASSERT_TRUE(snap.ok());
  auto before = image(snap->db);
  NormalizeJob job(snap->db, fixed_options());
  Progress p;
  // The preflight and E1..C1, a slice per call.
  for (int guard = 0; guard < 1000 && find_step(job.steps(), "C1")->status != "done"; ++guard) p = job.step(0);
  ASSERT_EQ(p.state, JobState::More) << describe(p);
  ASSERT_EQ(find_step(job.steps(), "C1")->status, "done");
  EXPECT_GT(p.fraction, 0.5);
  // Half migrated right now (as this connection sees it).
  EXPECT_EQ(one_int(snap->db, "SELECT count(*) FROM pragma_table_info('employees') WHERE name = 'first_name'"), 0);
  job.cancel();
  p = job.step(10);
  ASSERT_EQ(p.state, JobState::Error);
  EXPECT_EQ(p.error->code, ErrorCode::Cancelled);
  EXPECT_TRUE(image(snap->db) == before);
  for (const auto& s : job.steps()) EXPECT_TRUE(s.status == "rolled_back" || s.status == "pending") << s.id;
}

TEST(Normalize, DestroyingAnUnfinishedJobRollsBack) {
  auto snap = load_fixture(kSmallBefore);
  ASSERT_TRUE(snap.ok());
  auto before = image(snap->db);
  {
    NormalizeJob job(snap->db, fixed_options());
    for (int k = 0; k < 5; ++k) job.step(0);
  }
  EXPECT_TRUE(image(snap->db) == before);
}

TEST(Normalize, ForeignKeyEnforcementIsRestored) {
  auto snap = load_fixture(kSmallBefore);
  ASSERT_TRUE(snap.ok());
  ASSERT_TRUE(snap->db.exec("PRAGMA foreign_keys = ON").ok());
  Report r = normalize(snap->db, fixed_options());
  ASSERT_FALSE(r.error) << r.error->describe();
  EXPECT_EQ(one_int(snap->db, "PRAGMA foreign_keys"), 1);
  EXPECT_EQ(one_int(snap->db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

TEST(Normalize, StrictRefusesBlockersAndRollsBack) {
  auto snap = load_fixture(kDirtyBefore);
  ASSERT_TRUE(snap.ok());
  auto before = image(snap->db);
  NormalizeOptions o = fixed_options();
  o.strict = true;
  Report r = normalize(snap->db, o);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, ErrorCode::Hazard);
  EXPECT_EQ(r.status, "refused");
  EXPECT_NE(r.error->message.find("username_collision"), std::string::npos);
  EXPECT_TRUE(image(snap->db) == before);
  // No blocker in the clean case: strict passes.
  auto small = load_fixture(kSmallBefore);
  ASSERT_TRUE(small.ok());
  EXPECT_FALSE(normalize(small->db, o).error);
}

TEST(Normalize, CommitCheckCanRefuse) {
  auto snap = load_fixture(kSmallBefore);
  ASSERT_TRUE(snap.ok());
  auto before = image(snap->db);
  NormalizeJob job(snap->db, fixed_options());
  bool saw_after_shape = false;
  job.set_commit_check([&](sql::Database& db) -> Status {
    saw_after_shape = one_int(db, "SELECT count(*) FROM addresses") == 1062;
    return make_error(ErrorCode::Hazard, "check employees_have_users failed");
  });
  Progress p = run_job(job);
  ASSERT_EQ(p.state, JobState::Error);
  EXPECT_TRUE(saw_after_shape);
  Report r;
  job.fill_report(r);
  EXPECT_EQ(r.status, "refused");
  EXPECT_TRUE(image(snap->db) == before);
}

// ---- determinism, never twice, not the CRM ---------------------------------------------

TEST(Normalize, DeterministicByteIdenticalResultAndReport) {
  std::vector<std::uint8_t> first_db, second_db;
  std::string first_report, second_report;
  for (int run = 0; run < 2; ++run) {
    auto snap = load_fixture(kDirtyBefore);
    ASSERT_TRUE(snap.ok());
    auto bytes = read_file(fixture(kDirtyBefore));
    Report r = normalize(snap->db, fixed_options(), report_input(snap->summary, *bytes));
    ASSERT_FALSE(r.error);
    (run == 0 ? first_db : second_db) = image(snap->db);
    (run == 0 ? first_report : second_report) = r.to_json_text();
  }
  EXPECT_TRUE(first_db == second_db);
  EXPECT_EQ(first_report, second_report);
}

TEST(Normalize, AlreadyNormalizedSnapshotIsRecognizedAndLeftAlone) {
  auto snap = load_fixture(kSmallAfter);
  ASSERT_TRUE(snap.ok());
  auto before = image(snap->db);
  Report r = normalize(snap->db, fixed_options());
  ASSERT_FALSE(r.error) << r.error->describe();
  for (const auto& s : r.steps) {
    EXPECT_EQ(s.status, "already_done") << s.id;
    EXPECT_TRUE(s.sql.empty()) << s.id;
    EXPECT_FALSE(s.note.empty()) << s.id;
  }
  EXPECT_TRUE(image(snap->db) == before);
}

TEST(Normalize, ResumesFromEveryHalfMigratedState) {
  // Half-migrated snapshots of every cut point: the before snapshot with the first k
  // steps applied, by replaying the exact SQL a full run reported for them (which
  // also shows the recorded SQL is the whole story). A new run on it must recognize
  // what is done, do the rest, and still give Django's result.
  auto full = load_fixture(kSmallBefore);
  ASSERT_TRUE(full.ok());
  Report ran = normalize(full->db, fixed_options());
  ASSERT_FALSE(ran.error);
  for (int k = 1; k <= 10; ++k) {
    SCOPED_TRACE("cut after step " + std::to_string(k));
    auto snap = load_fixture(kSmallBefore);
    ASSERT_TRUE(snap.ok());
    for (int s = 0; s < k; ++s)
      for (const auto& q : ran.steps[static_cast<std::size_t>(s)].sql) ASSERT_TRUE(snap->db.exec(q).ok()) << q;
    Report r = normalize(snap->db, fixed_options());
    ASSERT_FALSE(r.error) << r.error->describe();
    // Steps before the cut are recognized as done (M1 and M2 once the contract has
    // started; before that they are idempotent and simply run again).
    for (int s = 0; s < k; ++s) {
      const auto& step = r.steps[static_cast<std::size_t>(s)];
      if (step.id == "M1" || step.id == "M2") {
        if (k >= 7) {
          EXPECT_EQ(step.status, "already_done") << step.id;
        }
        continue;
      }
      EXPECT_EQ(step.status, "already_done") << step.id;
    }
    EXPECT_EQ(one_int(snap->db, "SELECT count(*) FROM addresses"), 1062);
    EXPECT_EQ(one_int(snap->db, "SELECT count(*) FROM users"), 220);
    expect_matches_reference(snap->db, fixture(kSmallAfter), fixture(kSmallBefore));
  }
}

TEST(Normalize, DjangoHalfMigratedExpandOnlyIsRecognized) {
  // As Django leaves it after `migrate crmApp 0002_expand`: the new tables and
  // columns exist and the migration is recorded; the data is not migrated.
  auto snap = load_fixture(kSmallBefore);
  ASSERT_TRUE(snap.ok());
  sql::Database& db = snap->db;
  for (const char* t : {"addresses", "addressables"}) {
    const auto* def = crm::find_table(crm::Shape::After, t);
    ASSERT_TRUE(db.exec(def->create_sql).ok());
    for (const auto& i : def->index_sql) {
      if (i.find("idx_") == std::string::npos) {
        ASSERT_TRUE(db.exec(i).ok());
      }
    }
  }
  ASSERT_TRUE(db.exec("ALTER TABLE organizations ADD COLUMN \"default_currency\" varchar(3) NULL").ok());
  ASSERT_TRUE(db.exec("INSERT INTO django_migrations (app, name, applied) VALUES ('crmApp', '0002_expand', '2026-11-24 02:50:43.300298')").ok());
  Report r = normalize(db, fixed_options());
  ASSERT_FALSE(r.error) << r.error->describe();
  EXPECT_EQ(find_step(r.steps, "E1")->status, "already_done");
  EXPECT_EQ(find_step(r.steps, "E2")->status, "already_done");
  EXPECT_EQ(find_step(r.steps, "E3")->status, "done");
  EXPECT_EQ(find_step(r.steps, "M2")->status, "done");
  EXPECT_EQ(one_int(db, "SELECT count(*) FROM django_migrations WHERE app = 'crmApp'"), 5);
  EXPECT_EQ(one_int(db, "SELECT count(*) FROM addresses"), 1062);
}

TEST(Normalize, ContractStartedMeansDataAlreadyMigrated) {
  // employees without first_name: M1 and M2 must not run again even though the other
  // tables still hold address columns.
  auto snap = load_fixture(kSmallBefore);
  ASSERT_TRUE(snap.ok());
  Report first = normalize(snap->db, fixed_options());
  ASSERT_FALSE(first.error);
  // Make it "half" again: the normalized database with vendors back in the old shape.
  sql::Database& db = snap->db;
  ASSERT_TRUE(db.exec("ATTACH " + sql::quote_literal(fixture(kSmallBefore)) + " AS o").ok());
  ASSERT_TRUE(db.exec("DELETE FROM django_migrations WHERE name IN ('0003_migrate_redundant_data', '0004_contract', '0005_indexes')").ok());
  ASSERT_TRUE(db.exec("DROP TABLE vendors").ok());
  const auto* v = crm::find_table(crm::Shape::Before, "vendors");
  ASSERT_TRUE(db.exec(v->create_sql).ok());
  ASSERT_TRUE(db.exec("INSERT INTO vendors SELECT * FROM o.vendors").ok());
  for (const auto& i : v->index_sql) ASSERT_TRUE(db.exec(i).ok());
  ASSERT_TRUE(db.exec("DETACH o").ok());
  std::int64_t addresses = one_int(db, "SELECT count(*) FROM addresses");
  Report r = normalize(db, fixed_options());
  ASSERT_FALSE(r.error) << r.error->describe();
  EXPECT_EQ(find_step(r.steps, "M1")->status, "already_done");
  EXPECT_EQ(find_step(r.steps, "M2")->status, "already_done");
  EXPECT_NE(find_step(r.steps, "M2")->note.find("contract has started"), std::string::npos);
  EXPECT_EQ(find_step(r.steps, "C2")->status, "done");
  EXPECT_EQ(one_int(db, "SELECT count(*) FROM addresses"), addresses);
  EXPECT_EQ(schema_text(db), after_shape_text());
}

TEST(Normalize, MissingContentTypesAreCreatedAsDjangoWould) {
  // crmApp.lead's content type missing: M2 creates it (get_for_model) before the new
  // models' ones (post_migrate), and each created content type gets the four default
  // permissions.
  auto snap = load_fixture(kSmallBefore);
  ASSERT_TRUE(snap.ok());
  sql::Database& db = snap->db;
  ASSERT_TRUE(db.exec("DELETE FROM auth_permission WHERE content_type_id = 10; "
                      "DELETE FROM django_content_type WHERE app_label = 'crmApp' AND model = 'lead'").ok());
  Report r = normalize(db, fixed_options());
  ASSERT_FALSE(r.error) << r.error->describe();
  EXPECT_EQ(rows(db, "SELECT id, model FROM django_content_type WHERE id > 12 ORDER BY id"),
            (std::vector<std::string>{"13|lead", "14|address", "15|addressable"}));
  EXPECT_EQ(rows(db, "SELECT content_type_id, codename, name FROM auth_permission WHERE content_type_id = 13 ORDER BY id"),
            (std::vector<std::string>{"13|add_lead|Can add lead", "13|change_lead|Can change lead",
                                      "13|delete_lead|Can delete lead", "13|view_lead|Can view lead"}));
  EXPECT_EQ(one_int(db, "SELECT count(*) FROM auth_permission WHERE content_type_id IN (14, 15)"), 8);
  EXPECT_EQ(one_int(db, "SELECT count(*) FROM addressables WHERE content_type_id = 13"),
            one_int(db, "SELECT count(*) FROM addressables x JOIN django_content_type ct ON ct.id = x.content_type_id "
                        "WHERE ct.model = 'lead'"));
  EXPECT_GT(one_int(db, "SELECT count(*) FROM addressables WHERE content_type_id = 13"), 0);
}

TEST(Normalize, BadTimestampIsAUsageError) {
  auto snap = load_fixture(kSmallBefore);
  ASSERT_TRUE(snap.ok());
  NormalizeOptions o = fixed_options();
  o.now = "2025-01-01'); DROP TABLE users; --";
  Report r = normalize(snap->db, o);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, ErrorCode::Usage);
  EXPECT_EQ(one_int(snap->db, "SELECT count(*) FROM users"), 161);
}

TEST(Normalize, NonCrmDatabaseIsRefusedWithWhatIsMissing) {
  auto db = sql::Database::open_memory();
  ASSERT_TRUE(db->exec("CREATE TABLE notes (id integer primary key, body text); INSERT INTO notes VALUES (1, 'x')").ok());
  auto before = image(*db);
  Report r = normalize(*db, fixed_options());
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, ErrorCode::BadInput);
  EXPECT_NE(r.error->message.find("not a snapshot of the CRM"), std::string::npos) << r.error->message;
  EXPECT_NE(r.error->message.find("missing tables: users, employees, organizations"), std::string::npos) << r.error->message;
  EXPECT_TRUE(image(*db) == before);

  // The CRM with a column missing, and addresses (which M2 writes row by row) with a
  // column too many: both are named. A CRM table's own extra column is carried, not named.
  auto snap = load_fixture(kSmallBefore);
  ASSERT_TRUE(snap.ok());
  ASSERT_TRUE(snap->db.exec("ALTER TABLE deals DROP COLUMN stage").ok());
  ASSERT_TRUE(snap->db.exec("ALTER TABLE leads ADD COLUMN rating integer").ok());
  ASSERT_TRUE(snap->db.exec(crm::find_table(crm::Shape::After, "addresses")->create_sql).ok());
  ASSERT_TRUE(snap->db.exec("ALTER TABLE addresses ADD COLUMN geo text").ok());
  Report r2 = normalize(snap->db, fixed_options());
  ASSERT_TRUE(r2.error);
  EXPECT_NE(r2.error->message.find("missing columns: deals.stage"), std::string::npos) << r2.error->message;
  EXPECT_NE(r2.error->message.find("addresses.geo"), std::string::npos) << r2.error->message;
  EXPECT_EQ(r2.error->message.find("leads.rating"), std::string::npos) << r2.error->message;
}

// ---- resolutions on crm-dirty, each against an independent expectation -----------------

namespace {

struct DirtyRun {
  Result<Snapshot> snap = make_error(ErrorCode::Internal, "not loaded");
  Report report;
};

DirtyRun run_dirty(CollisionResolution c, OverwriteResolution w) {
  DirtyRun d;
  d.snap = load_fixture(kDirtyBefore);
  if (!d.snap.ok()) return d;
  NormalizeOptions o = fixed_options();
  o.username_collision = c;
  o.contact_overwrite = w;
  d.report = normalize(d.snap->db, o);
  if (!d.report.error) (void)d.snap->db.exec("ATTACH " + sql::quote_literal(fixture(kDirtyBefore)) + " AS b");
  return d;
}

// For every employee that had a user: the user's contact values now, and the values
// `expected` (an SQL expression per field over b.employees e and b.users u) says.
void expect_contacts(sql::Database& db, const std::string& name, const std::string& expected_fn) {
  for (const char* f : {"first_name", "last_name", "email", "phone"}) {
    std::string expected = expected_fn;
    for (std::string::size_type at; (at = expected.find("{f}")) != std::string::npos;) expected.replace(at, 3, f);
    std::string q = "SELECT count(*) FROM b.employees e JOIN b.users u ON u.id = e.user_id JOIN users now ON now.id = u.id "
                    "WHERE now." + std::string(f) + " IS NOT (" + expected + ")";
    EXPECT_EQ(one_int(db, q), 0) << name << ": " << f;
  }
}

}  // namespace

TEST(NormalizeResolution, EmployeeWinsIsTheGuide) {
  auto d = run_dirty(CollisionResolution::Suffix, OverwriteResolution::EmployeeWins);
  ASSERT_TRUE(d.snap.ok());
  ASSERT_FALSE(d.report.error) << d.report.error->describe();
  expect_contacts(d.snap->db, "employee_wins", "CASE WHEN e.{f} <> '' THEN e.{f} ELSE u.{f} END");
  // And there were conflicts to resolve.
  EXPECT_GT(one_int(d.snap->db, "SELECT count(*) FROM b.employees e JOIN b.users u ON u.id = e.user_id "
                                "WHERE e.email <> '' AND u.email <> '' AND e.email <> u.email"), 0);
}

TEST(NormalizeResolution, UserWinsLeavesExistingUsersAlone) {
  auto d = run_dirty(CollisionResolution::Suffix, OverwriteResolution::UserWins);
  ASSERT_TRUE(d.snap.ok());
  ASSERT_FALSE(d.report.error) << d.report.error->describe();
  sql::Database& db = d.snap->db;
  EXPECT_EQ(missing_rows(db, "SELECT * FROM b.users", "SELECT * FROM main.users"), 0);
  expect_contacts(db, "user_wins", "u.{f}");
}

TEST(NormalizeResolution, FillBlanksOnlyFillsEmptyUserValues) {
  auto d = run_dirty(CollisionResolution::Suffix, OverwriteResolution::FillBlanks);
  ASSERT_TRUE(d.snap.ok());
  ASSERT_FALSE(d.report.error) << d.report.error->describe();
  expect_contacts(d.snap->db, "fill_blanks", "CASE WHEN u.{f} <> '' THEN u.{f} ELSE e.{f} END");
  EXPECT_GT(one_int(d.snap->db, "SELECT count(*) FROM b.employees e JOIN b.users u ON u.id = e.user_id "
                                "WHERE u.phone = '' AND e.phone <> ''") +
                one_int(d.snap->db, "SELECT count(*) FROM b.employees e JOIN b.users u ON u.id = e.user_id "
                                    "WHERE u.email = '' AND e.email <> ''"),
            0);
}

TEST(NormalizeResolution, LinkUsesTheUserThatHasTheUsername) {
  auto d = run_dirty(CollisionResolution::Link, OverwriteResolution::EmployeeWins);
  ASSERT_TRUE(d.snap.ok());
  ASSERT_FALSE(d.report.error) << d.report.error->describe();
  sql::Database& db = d.snap->db;
  // Employee 2 now belongs to the user that already had its email as username.
  EXPECT_EQ(one_int(db, "SELECT user_id FROM employees WHERE id = 2"),
            one_int(db, "SELECT id FROM b.users WHERE username = 'clash2@example.com'"));
  // Employees 3 and 5 share one new user, named after the email, created for 3.
  EXPECT_EQ(one_int(db, "SELECT user_id FROM employees WHERE id = 3"), one_int(db, "SELECT user_id FROM employees WHERE id = 5"));
  EXPECT_EQ(one_int(db, "SELECT count(*) FROM users WHERE username = 'shared3@example.com'"), 1);
  EXPECT_EQ(one_int(db, "SELECT count(*) FROM users WHERE username LIKE '%-_' OR username LIKE '%-__'"), 0);
  // Two fewer users created than employees without one.
  EXPECT_EQ(one_int(db, "SELECT count(*) FROM users") - one_int(db, "SELECT count(*) FROM b.users"),
            one_int(db, "SELECT count(*) FROM b.employees WHERE user_id IS NULL") - 2);
  // The linked user takes employee 5's non-empty values (the guide's order: 3, then 5).
  EXPECT_EQ(rows(db, "SELECT u.first_name, u.last_name FROM users u JOIN employees e ON e.user_id = u.id WHERE e.id = 5"),
            rows(db, "SELECT first_name, last_name FROM b.employees WHERE id = 5"));
  EXPECT_EQ(rows(db, "SELECT u.email FROM users u WHERE u.username = 'clash2@example.com'"),
            (std::vector<std::string>{"clash2@example.com"}));
}

TEST(NormalizeResolution, StopRefusesBeforeAnyChange) {
  auto snap = load_fixture(kDirtyBefore);
  ASSERT_TRUE(snap.ok());
  auto before = image(snap->db);
  NormalizeOptions o = fixed_options();
  o.username_collision = CollisionResolution::Stop;
  Report r = normalize(snap->db, o);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, ErrorCode::Hazard);
  EXPECT_EQ(r.status, "refused");
  EXPECT_NE(r.error->message.find("employees 2, 3, 5"), std::string::npos) << r.error->message;
  for (const auto& s : r.steps) EXPECT_EQ(s.status, "pending");
  EXPECT_TRUE(image(snap->db) == before);
  // Without a collision, "stop" has nothing to stop.
  auto small = load_fixture(kSmallBefore);
  ASSERT_TRUE(small.ok());
  EXPECT_FALSE(normalize(small->db, o).error);
}

// ---- options and the command line -----------------------------------------------------

TEST(NormalizeOptionsJson, RoundTripAndErrors) {
  auto o = options_from_json(std::string_view(R"({"username_collision": "link", "contact_overwrite": "fill_blanks",
                                                  "zip_only_address": "keep", "now": "2025-01-02 03:04:05",
                                                  "strict": true})"), "o.json");
  ASSERT_TRUE(o.ok()) << o.error().describe();
  EXPECT_EQ(o->zip_only_address, ZipOnlyResolution::Keep);
  EXPECT_EQ(fixed_options().zip_only_address, ZipOnlyResolution::Guide);
  auto zip = options_from_json(std::string_view(R"({"zip_only_address": "drop"})"), "o.json");
  ASSERT_FALSE(zip.ok());
  EXPECT_NE(zip.error().message.find("guide, keep"), std::string::npos) << zip.error().message;
  EXPECT_EQ(o->username_collision, CollisionResolution::Link);
  EXPECT_EQ(o->contact_overwrite, OverwriteResolution::FillBlanks);
  EXPECT_TRUE(o->strict);
  std::string saved = options_to_json(*o).dump();
  auto back = options_from_json(std::string_view(saved), "again");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(options_to_json(*back), options_to_json(*o));

  auto typo = options_from_json(std::string_view(R"({"username_colision": "link"})"), "o.json");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.error().message.find("username_colision"), std::string::npos);
  auto bad = options_from_json(std::string_view(R"({"contact_overwrite": "nobody_wins"})"), "o.json");
  ASSERT_FALSE(bad.ok());
  auto broken = options_from_json(std::string_view("{\"strict\": tru"), "o.json");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().context.find("o.json, byte"), std::string::npos) << broken.error().describe();
  EXPECT_FALSE(options_from_json(std::string_view(R"({"now": "2025-13-01 00:00:00"})"), "o").ok());

  EXPECT_TRUE(is_valid_timestamp("2025-01-02 03:04:05"));
  EXPECT_TRUE(is_valid_timestamp("2025-01-02 03:04:05.123456"));
  EXPECT_FALSE(is_valid_timestamp("2025-01-02T03:04:05"));
  EXPECT_FALSE(is_valid_timestamp("2025-01-02 03:04:05.12"));
  EXPECT_TRUE(is_valid_timestamp(current_utc_timestamp()));
}

TEST(NormalizeCli, NormalizesWritesResultAndReport) {
  TempDir dir;
  std::string out = dir.file("after.sqlite3"), rep = dir.file("r.json");
  auto r = run_cli("normalize " + shell_quote(fixture(kSmallBefore)) + " --out " + shell_quote(out) + " --report " +
                   shell_quote(rep) + " --now '2026-11-24 02:50:43'");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto db = sql::Database::open_file(out, true);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(one_int(*db, "SELECT count(*) FROM addresses"), 1062);
  auto text = read_file(rep);
  ASSERT_TRUE(text.ok());
  auto j = nlohmann::json::parse(text->begin(), text->end());
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["options"]["now"], "2026-11-24 02:50:43");
  EXPECT_EQ(j["steps"].size(), 11u);

  // Same input, options and --now: byte-identical result file.
  std::string out2 = dir.file("after2.sqlite3");
  ASSERT_EQ(run_cli("normalize " + shell_quote(fixture(kSmallBefore)) + " --out " + shell_quote(out2) +
                    " --now '2026-11-24 02:50:43'").exit_code, 0);
  EXPECT_TRUE(*read_file(out) == *read_file(out2));
}

TEST(NormalizeCli, ExitCodes) {
  TempDir dir;
  std::string out = dir.file("after.sqlite3"), rep = dir.file("r.json"), opts = dir.file("o.json");
  std::string dirty = shell_quote(fixture(kDirtyBefore));
  // --strict with a blocker: 1, no result written, the report says why.
  auto r = run_cli("normalize " + dirty + " --out " + shell_quote(out) + " --report " + shell_quote(rep) + " --strict");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_FALSE(std::filesystem::exists(out));
  auto text = read_file(rep);
  ASSERT_TRUE(text.ok());
  auto j = nlohmann::json::parse(text->begin(), text->end());
  EXPECT_EQ(j["status"], "refused");
  EXPECT_EQ(j["hazards"][0]["kind"], "username_collision");
  // The "stop" resolution: 1 as well.
  ASSERT_TRUE(write_file(opts, std::string(R"({"username_collision": "stop"})")).ok());
  EXPECT_EQ(run_cli("normalize " + dirty + " --out " + shell_quote(out) + " --options " + shell_quote(opts)).exit_code, 1);
  // Usage and bad input: 2, naming the file.
  EXPECT_EQ(run_cli("normalize " + dirty).exit_code, 2);
  EXPECT_EQ(run_cli("normalize " + dirty + " --out " + shell_quote(out) + " --now yesterday").exit_code, 2);
  ASSERT_TRUE(write_file(opts, std::string("{\"strict\": maybe}")).ok());
  auto bad = run_cli("normalize " + dirty + " --out " + shell_quote(out) + " --options " + shell_quote(opts));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.out.find("o.json"), std::string::npos) << bad.out;
  std::string junk = dir.file("junk.sqlite3");
  ASSERT_TRUE(write_file(junk, std::string("hello")).ok());
  EXPECT_EQ(run_cli("normalize " + shell_quote(junk) + " --out " + shell_quote(out)).exit_code, 2);
  // Without a blocker, --strict succeeds.
  EXPECT_EQ(run_cli("normalize " + shell_quote(fixture(kSmallBefore)) + " --out " + shell_quote(out) + " --strict").exit_code, 0);
}

// ---- the project's own columns and tables (spec §1), against Django ---------------------

// The pair tests/django's extra variant made (tests/django/make_crm_extra.sh), committed
// so this runs without Django; DjangoCorpus.ExtraSqliteNormalizesLikeDjangosMigration
// runs the same on the pair make_corpus.sh makes afresh.
TEST(NormalizeCarried, DjangoMadeExtraColumnsAndTablesMatchDjangosResult) {
  expect_django_pair(test_data("crm-extra/before.sqlite3"), test_data("crm-extra/after.sqlite3"));
}

// Hand-written definitions Django does not write (DEFAULT, COLLATE, CHECK, REFERENCES, a
// quoted name with a comma, a table constraint) and indexes on them survive every
// rebuild as written, with their values; the carried columns keep their place.
TEST(NormalizeCarried, ColumnDefinitionsIndexesAndValuesKeptAsWritten) {
  auto snap = load_fixture(kSmallBefore);
  ASSERT_TRUE(snap.ok());
  const std::string nick = "\"nick, name\" varchar(30) COLLATE NOCASE DEFAULT 'n/a' CHECK (length(\"nick, name\") < 30)";
  const std::string rating = "\"rating\" integer NOT NULL DEFAULT 3";
  const std::string owner = "\"owner_id\" integer NULL REFERENCES \"users\" (\"id\") DEFERRABLE INITIALLY DEFERRED";
  ASSERT_TRUE(snap->db.exec("ALTER TABLE employees ADD COLUMN " + nick).ok());
  ASSERT_TRUE(snap->db.exec("ALTER TABLE vendors ADD COLUMN " + rating).ok());
  ASSERT_TRUE(snap->db.exec("ALTER TABLE deals ADD COLUMN " + owner).ok());
  ASSERT_TRUE(snap->db.exec("UPDATE employees SET \"nick, name\" = 'N' || id WHERE id % 2 = 0; "
                            "UPDATE vendors SET rating = id % 5; UPDATE deals SET owner_id = id % 7 + 1 WHERE id % 3 = 0; "
                            "CREATE INDEX employees_nick ON employees (\"nick, name\"); "
                            "CREATE UNIQUE INDEX vendors_rating_name ON vendors (rating, name)").ok());
  auto values = [](sql::Database& db) {
    auto a = rows(db, "SELECT id, \"nick, name\" FROM employees ORDER BY id");
    auto b = rows(db, "SELECT id, rating FROM vendors ORDER BY id");
    auto c = rows(db, "SELECT id, owner_id FROM deals ORDER BY id");
    a.insert(a.end(), b.begin(), b.end());
    a.insert(a.end(), c.begin(), c.end());
    return a;
  };
  const auto old_values = values(snap->db);
  Report r = normalize(snap->db, fixed_options());
  ASSERT_FALSE(r.error) << r.error->describe();
  EXPECT_EQ(values(snap->db), old_values);
  auto table_sql = [&](const char* t) {
    return rows(snap->db, std::string("SELECT sql FROM sqlite_schema WHERE name = '") + t + "'").at(0);
  };
  const std::string emp = table_sql("employees"), ven = table_sql("vendors"), deals = table_sql("deals");
  // After organization_id (where it was), before user_id (moved last by C3's AlterField).
  EXPECT_NE(emp.find("DEFERRED, " + nick + ", \"user_id\" integer NOT NULL"), std::string::npos) << emp;
  EXPECT_NE(ven.find(", " + rating + ")"), std::string::npos) << ven;
  EXPECT_NE(deals.find(", " + owner + ", \"currency\" varchar(3) NULL)"), std::string::npos) << deals;
  EXPECT_EQ(rows(snap->db, "SELECT name FROM sqlite_schema WHERE name IN ('employees_nick', 'vendors_rating_name') "
                           "ORDER BY name"),
            (std::vector<std::string>{"employees_nick", "vendors_rating_name"}));
  // COLLATE NOCASE still applies; the DEFAULT too.
  EXPECT_EQ(one_int(snap->db, "SELECT count(*) FROM employees WHERE \"nick, name\" = 'n2'"), 1);
  ASSERT_TRUE(snap->db.exec("INSERT INTO vendors (name, email, phone, contact_person, created_at, organization_id) "
                            "VALUES ('v', '', '', '', '2026-01-01 00:00:00', 1)").ok());
  EXPECT_EQ(one_int(snap->db, "SELECT rating FROM vendors WHERE name = 'v'"), 3);
  // (SQLite reports its standard type names, INTEGER among them, in upper case.)
  EXPECT_EQ(carried_of(r), (std::vector<std::string>{"deals.owner_id INTEGER", "employees.nick, name varchar(30)",
                                                     "vendors.rating INTEGER NOT NULL"}));
}

// A table definition Redline cannot split into exactly its columns is an error that
// names it, not a guess.
TEST(NormalizeCarried, SplitTableSqlChecksItselfAgainstSqlite) {
  auto t = norm::split_table_sql(
      "CREATE TABLE \"x\" (\"a\" text DEFAULT 'a,b' /* c, d */, [b c] int -- e, f\n, `d` CHECK (d IN (1, 2)), "
      "CONSTRAINT pk UNIQUE (a, \"b c\"))",
      {"a", "b c", "d"});
  ASSERT_TRUE(t.ok()) << t.error().describe();
  EXPECT_EQ(t->columns, (std::vector<std::string>{"\"a\" text DEFAULT 'a,b' /* c, d */", "[b c] int -- e, f",
                                                  "`d` CHECK (d IN (1, 2))"}));
  EXPECT_EQ(t->constraints, (std::vector<std::string>{"CONSTRAINT pk UNIQUE (a, \"b c\")"}));
  auto bad = norm::split_table_sql("CREATE TABLE x (a text, b text)", {"a", "c"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("not column c"), std::string::npos) << bad.error().message;
}

// ---- zip-only vendors (spec §2 M2, hazard zip_only_address) -------------------------------

namespace {

// crm-small with vendors 5 and 9 reduced to their zip code (9's also NULL elsewhere).
void make_zip_only(sql::Database& db) {
  ASSERT_TRUE(db.exec("UPDATE vendors SET address = '', city = '', state = '', country = '', zip_code = '8001' "
                      "WHERE id = 5; UPDATE vendors SET address = '', city = '', state = '', country = '', "
                      "zip_code = '10115' WHERE id = 9").ok());
}

std::int64_t vendor_addresses(sql::Database& db, std::int64_t id, const std::string& postal) {
  return one_int(db, "SELECT count(*) FROM addressables AS x JOIN addresses AS a ON a.id = x.address_id JOIN "
                     "django_content_type AS ct ON ct.id = x.content_type_id WHERE ct.model = 'vendor' AND x.object_id = " +
                         std::to_string(id) + " AND a.postal_code = " + sql::quote_literal(postal) +
                         " AND a.address_line1 = '' AND a.city = '' AND a.is_primary = 1");
}

}  // namespace

TEST(NormalizeZipOnly, GuideGivesNoAddressAndListsTheZipCodeAsLost) {
  auto r = review_fixture(kSmallBefore, fixed_options(), nullptr, make_zip_only);
  ASSERT_TRUE(r);
  const Hazard* h = find_hazard(r->run.report.hazards, "zip_only_address");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->ids, (std::vector<std::int64_t>{5, 9}));
  EXPECT_NE(h->message.find("resolution 'guide'"), std::string::npos) << h->message;
  EXPECT_EQ(vendor_addresses(r->after(), 5, "8001"), 0);
  EXPECT_EQ(vendor_addresses(r->after(), 9, "10115"), 0);
  EXPECT_EQ(one_int(r->after(), "SELECT count(*) FROM addressables AS x JOIN django_content_type AS ct ON ct.id = "
                                "x.content_type_id WHERE ct.model = 'vendor' AND x.object_id IN (5, 9)"), 0);
  const CheckItem* lossless = r->check("lossless");
  ASSERT_TRUE(lossless);
  EXPECT_EQ(lossless->status, CheckStatus::Warn) << lossless->detail;
  auto lost = lost_list(*lossless);
  EXPECT_EQ(std::count_if(lost.begin(), lost.end(), [](const std::string& l) { return l.rfind("vendors ", 0) == 0; }), 2);
  EXPECT_NE(std::find(lost.begin(), lost.end(), "vendors 5 zip_code expected"), lost.end());
  EXPECT_NE(std::find(lost.begin(), lost.end(), "vendors 9 zip_code expected"), lost.end());
  EXPECT_EQ(r->check("addresses_migrated")->status, CheckStatus::Pass) << r->check("addresses_migrated")->detail;
  const auto* where = &r->moves;
  auto d = where->where_went("vendors", 5, "zip_code");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->fate, Fate::Lost);
}

TEST(NormalizeZipOnly, KeepCreatesTheirAddressWithTheZipCode) {
  NormalizeOptions o = fixed_options();
  o.zip_only_address = ZipOnlyResolution::Keep;
  auto r = review_fixture(kSmallBefore, o, nullptr, make_zip_only);
  ASSERT_TRUE(r);
  const Hazard* h = find_hazard(r->run.report.hazards, "zip_only_address");
  ASSERT_TRUE(h);
  EXPECT_NE(h->message.find("resolution 'keep'"), std::string::npos) << h->message;
  EXPECT_EQ(vendor_addresses(r->after(), 5, "8001"), 1);
  EXPECT_EQ(vendor_addresses(r->after(), 9, "10115"), 1);
  EXPECT_EQ(r->check("lossless")->status, CheckStatus::Pass) << r->check("lossless")->detail;
  EXPECT_EQ(r->check("addresses_migrated")->status, CheckStatus::Pass);
  EXPECT_EQ(r->run.report.options["zip_only_address"], "keep");
}

// No zip-only vendor: no hazard, and the result is the guide's either way.
TEST(NormalizeZipOnly, NoZipOnlyVendorNoHazard) {
  auto snap = load_fixture(kSmallBefore);
  ASSERT_TRUE(snap.ok());
  auto hs = find_hazards(snap->db, fixed_options());
  ASSERT_TRUE(hs.ok());
  EXPECT_FALSE(find_hazard(*hs, "zip_only_address"));
}
