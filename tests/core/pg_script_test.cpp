// The step table, the PostgreSQL script's generation and `redline verify`, without a
// server (tests/pg/script_test.sh runs the script on PostgreSQL 15): the run and the
// script list the same steps; same input and options give the same bytes; the header
// says what the user needs; fingerprints tell a changed cell; verify accepts Django's
// own result and rejects one changed cell, naming it.
#include <gtest/gtest.h>

#include <string>

#include "core/io.hpp"
#include "core/migrate/pg_script.hpp"
#include "core/migrate/steps.hpp"
#include "core/review/verify.hpp"
#include "core/sha256.hpp"
#include "normalize_test_util.hpp"
#include "test_util.hpp"

namespace redline {
namespace {

using test::fixture;
using test::run_cli;
using test::shell_quote;

TEST(Steps, TheRunReportsTheTablesStepsInItsOrder) {
  auto snap = test::load_fixture("crm-small/before.sqlite3");
  ASSERT_TRUE(snap.ok()) << snap.error().describe();
  Report r = normalize(snap->db, test::fixed_options());
  ASSERT_FALSE(r.error) << r.error->describe();
  const auto& table = normalization_steps();
  ASSERT_EQ(r.steps.size(), table.size());
  for (std::size_t k = 0; k < table.size(); ++k) {
    EXPECT_EQ(r.steps[k].id, table[k].id);
    EXPECT_EQ(r.steps[k].title, table[k].title);
    EXPECT_EQ(r.steps[k].status, "done") << table[k].id;
  }
  // Phases in spec §2's order: expand, migrate, contract, index, then bookkeeping.
  for (std::size_t k = 1; k < table.size(); ++k) EXPECT_LE(table[k - 1].phase, table[k].phase) << table[k].id;
  EXPECT_EQ(find_step("C3")->phase, StepPhase::Contract);
  EXPECT_EQ(find_step("Z9"), nullptr);
}

TEST(PgScript, SameSnapshotAndOptionsGiveTheSameBytesAndTheHeaderSaysWhatToRun) {
  test::TempDir dir;
  const std::string in = fixture("crm-small/before.pg.sql");
  auto a = run_cli("script " + shell_quote(in) + " --target postgresql --out " + shell_quote(dir.file("a.sql")));
  ASSERT_EQ(a.exit_code, 0) << a.out;
  auto b = run_cli("script " + shell_quote(in) + " --target postgresql --out " + shell_quote(dir.file("b.sql")));
  ASSERT_EQ(b.exit_code, 0) << b.out;
  auto ta = read_file(dir.file("a.sql"));
  auto tb = read_file(dir.file("b.sql"));
  ASSERT_TRUE(ta.ok() && tb.ok());
  EXPECT_EQ(*ta, *tb);
  const std::string text(ta->begin(), ta->end());
  auto bytes = read_file(in);
  ASSERT_TRUE(bytes.ok());
  EXPECT_NE(text.find("-- Snapshot SHA-256: " + sha256_hex(*bytes)), std::string::npos);
  EXPECT_NE(text.find("psql -X -v ON_ERROR_STOP=1 -d DB -f MIGRATION.sql"), std::string::npos);
  EXPECT_NE(text.find("--revert"), std::string::npos);
  EXPECT_NE(text.find("\"username_collision\":\"suffix\""), std::string::npos);
  for (const auto& s : normalization_steps()) EXPECT_NE(text.find(std::string("-- ---- ") + s.id + " ("), std::string::npos) << s.id;
  EXPECT_NE(text.find("CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_employees_user"), std::string::npos);
  EXPECT_NE(text.find("NOT VALID"), std::string::npos);

  // Other options, other script.
  ASSERT_TRUE(write_file(dir.file("o.json"), "{\"contact_overwrite\": \"fill_blanks\"}").ok());
  auto c = run_cli("script " + shell_quote(in) + " --target postgresql --options " + shell_quote(dir.file("o.json")) +
                   " --out " + shell_quote(dir.file("c.sql")));
  ASSERT_EQ(c.exit_code, 0) << c.out;
  auto tc = read_file(dir.file("c.sql"));
  ASSERT_TRUE(tc.ok());
  EXPECT_NE(*tc, *ta);
}

TEST(PgScript, RefusesWhatItCannotMakeAScriptFrom) {
  test::TempDir dir;
  auto after = run_cli("script " + shell_quote(fixture("crm-small/after.sqlite3")) + " --target postgresql --out " +
                       shell_quote(dir.file("x.sql")));
  EXPECT_EQ(after.exit_code, 2);
  EXPECT_NE(after.out.find("old structure"), std::string::npos) << after.out;
  EXPECT_NE(after.out.find("after.sqlite3"), std::string::npos) << after.out;
  auto target = run_cli("script " + shell_quote(fixture("crm-small/before.sqlite3")) + " --target mysql --out " +
                        shell_quote(dir.file("x.sql")));
  EXPECT_EQ(target.exit_code, 2);
  EXPECT_NE(target.out.find("--target postgresql"), std::string::npos) << target.out;
  auto rows = run_cli("script " + shell_quote(fixture("crm-small/before.sqlite3")) +
                      " --target postgresql --batch-rows 0 --out " + shell_quote(dir.file("x.sql")));
  EXPECT_EQ(rows.exit_code, 2);
}

TEST(PgScript, FingerprintsSeeOneChangedCell) {
  auto snap = test::load_fixture("crm-small/before.sqlite3");
  ASSERT_TRUE(snap.ok()) << snap.error().describe();
  auto a = pg::fingerprints(snap->db, crm::Shape::Before);
  ASSERT_TRUE(a.ok()) << a.error().describe();
  ASSERT_TRUE(snap->db.exec("UPDATE vendors SET city = city || 'x' WHERE id = 3").ok());
  auto b = pg::fingerprints(snap->db, crm::Shape::Before);
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(a->size(), b->size());
  for (std::size_t k = 0; k < a->size(); ++k) {
    EXPECT_EQ((*a)[k].rows, (*b)[k].rows);
    if ((*a)[k].table == "vendors") EXPECT_NE((*a)[k].sum, (*b)[k].sum);
    else EXPECT_EQ((*a)[k].sum, (*b)[k].sum) << (*a)[k].table;
  }
  // Dates and decimals are left out (the two engines write them differently).
  for (const auto& t : pg::fingerprint_tables(crm::Shape::After))
    for (const auto& [name, kind] : t.columns) EXPECT_TRUE(name != "created_at" && name != "value") << t.table << "." << name;
}

TEST(Verify, AcceptsDjangosResultAndRejectsOneChangedCellNamingIt) {
  auto ok = run_cli("verify " + shell_quote(fixture("crm-small/before.sqlite3")) + " " +
                    shell_quote(fixture("crm-small/after.sqlite3")));
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  auto pg = run_cli("verify " + shell_quote(fixture("crm-small/before.pg.sql")) + " " +
                    shell_quote(fixture("crm-small/after.pg.sql")));
  EXPECT_EQ(pg.exit_code, 0) << pg.out;

  test::TempDir dir;
  auto bytes = read_file(fixture("crm-small/after.sqlite3"));
  ASSERT_TRUE(bytes.ok());
  ASSERT_TRUE(write_file(dir.file("changed.sqlite3"), *bytes).ok());
  {
    auto db = sql::Database::open_file(dir.file("changed.sqlite3"));
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec("UPDATE organizations SET default_currency = 'XXX' WHERE id = 2").ok());
  }
  auto bad = run_cli("verify " + shell_quote(fixture("crm-small/before.sqlite3")) + " " +
                     shell_quote(dir.file("changed.sqlite3")) + " --report " + shell_quote(dir.file("r.json")));
  EXPECT_EQ(bad.exit_code, 1) << bad.out;
  EXPECT_NE(bad.out.find("differs: organizations 2 default_currency: predicted "), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find(", actual XXX"), std::string::npos) << bad.out;
  auto report = read_file(dir.file("r.json"));
  ASSERT_TRUE(report.ok());
  auto j = nlohmann::json::parse(std::string(report->begin(), report->end()));
  EXPECT_EQ(j["equal"], false);
  EXPECT_EQ(j["mismatch_count"], 1);
  EXPECT_EQ(j["mismatches"][0]["table"], "organizations");
  EXPECT_EQ(j["mismatches"][0]["column"], "default_currency");
  EXPECT_EQ(j["mismatches"][0]["actual"], "XXX");

  auto missing = run_cli("verify " + shell_quote(fixture("crm-small/before.sqlite3")) + " " +
                         shell_quote(dir.file("nope.sqlite3")));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.out.find("nope.sqlite3"), std::string::npos) << missing.out;
}

TEST(Verify, AddressesCompareByContent) {
  // Django's result with its addresses renumbered (ids are not compared) is equal;
  // an address moved to another row is not.
  test::TempDir dir;
  auto bytes = read_file(fixture("crm-small/after.sqlite3"));
  ASSERT_TRUE(bytes.ok());
  ASSERT_TRUE(write_file(dir.file("renumbered.sqlite3"), *bytes).ok());
  ASSERT_TRUE(write_file(dir.file("moved.sqlite3"), *bytes).ok());
  {
    auto db = sql::Database::open_file(dir.file("renumbered.sqlite3"));
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec("PRAGMA foreign_keys = OFF; UPDATE addresses SET id = id + 100000; "
                         "UPDATE addressables SET address_id = address_id + 100000, id = id + 5000").ok());
    auto m = sql::Database::open_file(dir.file("moved.sqlite3"));
    ASSERT_TRUE(m.ok());
    ASSERT_TRUE(m->exec("UPDATE addressables SET object_id = object_id + 1 WHERE id = (SELECT min(id) FROM addressables)").ok());
  }
  auto same = run_cli("verify " + shell_quote(fixture("crm-small/before.sqlite3")) + " " +
                      shell_quote(dir.file("renumbered.sqlite3")));
  EXPECT_EQ(same.exit_code, 0) << same.out;
  auto moved = run_cli("verify " + shell_quote(fixture("crm-small/before.sqlite3")) + " " +
                       shell_quote(dir.file("moved.sqlite3")));
  EXPECT_EQ(moved.exit_code, 1) << moved.out;
  EXPECT_NE(moved.out.find("differs: addresses "), std::string::npos) << moved.out;
}

}  // namespace
}  // namespace redline
