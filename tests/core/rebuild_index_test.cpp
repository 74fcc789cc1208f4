// The table rebuilds keep the old table's index b-trees and I1 builds its indexes on a
// scratch table (normalize.cpp): both write sqlite_schema directly. What a user depends
// on: the result's schema is Django's, row for row and in Django's order, and the file
// is sound (PRAGMA integrity_check compares every index with its table). Checked on
// the path that keeps b-trees, on the ones that must build again (an auto-vacuum file,
// where SQLite moves root pages; a column with a collation), and after a run that fails
// half-way (the schema seen after the rollback is the one loaded).
#include <gtest/gtest.h>

#include <tuple>

#include "core/migrate/normalize.hpp"
#include "normalize_test_util.hpp"

using namespace redline;
using namespace redline::test;

namespace {

const char* const kBefore = "crm-small/before.sqlite3";
const char* const kAfter = "crm-small/after.sqlite3";
const std::string kSchema = "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY rowid";

std::vector<std::string> integrity(sql::Database& db) { return rows(db, "PRAGMA integrity_check"); }

// Normalize the small fixture after `prepare`; its schema must be Django's and sound.
// `schema` orders it: by rowid (Django's order) unless `prepare` reorders the file.
void expect_djangos_schema_and_sound(const std::string& prepare, const std::string& schema = kSchema) {
  auto snap = load_fixture(kBefore);
  ASSERT_TRUE(snap.ok());
  if (!prepare.empty()) {
    ASSERT_TRUE(snap->db.exec(prepare).ok()) << prepare;
  }
  ASSERT_EQ(one_int(snap->db, "PRAGMA auto_vacuum"), prepare.find("auto_vacuum = FULL") != std::string::npos ? 1 : 0);
  Report r = normalize(snap->db, fixed_options());
  ASSERT_FALSE(r.error) << r.error->describe();
  auto ref = sql::Database::open_file(fixture(kAfter), true);
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(rows(snap->db, schema), rows(*ref, schema)) << prepare;
  EXPECT_EQ(integrity(snap->db), std::vector<std::string>{"ok"}) << prepare;
  // The indexes answer as the tables do.
  for (const auto& [table, index, where] :
       {std::tuple<const char*, const char*, const char*>{"deals", "deals_customer_id_3d7d7d95", "customer_id > 0"},
        {"addressables", "idx_addressables_content_type", "content_type_id > 0"}}) {
    const std::string from = std::string("SELECT count(*) FROM ") + table;
    EXPECT_EQ(one_int(snap->db, from + " INDEXED BY " + index + " WHERE " + where),
              one_int(snap->db, from + " NOT INDEXED WHERE " + where))
        << index;
  }
}

}  // namespace

TEST(RebuildIndex, KeptBtreesGiveDjangosSchemaAndASoundFile) { expect_djangos_schema_and_sound(""); }

TEST(RebuildIndex, AnAutoVacuumFileBuildsItsIndexesAgain) {
  // (VACUUM writes the tables' schema rows first, so the order is the file's own.)
  expect_djangos_schema_and_sound("PRAGMA auto_vacuum = FULL; VACUUM",
                                  "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name");
}

TEST(RebuildIndex, KeptAndRebuiltIndexesOfTheProjectsOwnColumnsAreSound) {
  // employees_nick is over a NOCASE column (built again), vendors_rating_name over
  // plain ones (kept).
  auto snap = load_fixture(kBefore);
  ASSERT_TRUE(snap.ok());
  ASSERT_TRUE(snap->db.exec("ALTER TABLE employees ADD COLUMN \"nick\" varchar(30) COLLATE NOCASE; "
                            "ALTER TABLE vendors ADD COLUMN \"rating\" integer NOT NULL DEFAULT 3; "
                            "UPDATE employees SET nick = CASE id % 3 WHEN 0 THEN 'a' WHEN 1 THEN 'A' END; "
                            "UPDATE vendors SET rating = id % 5; "
                            "CREATE INDEX employees_nick ON employees (nick); "
                            "CREATE UNIQUE INDEX vendors_rating_name ON vendors (rating, name)")
                  .ok());
  Report r = normalize(snap->db, fixed_options());
  ASSERT_FALSE(r.error) << r.error->describe();
  EXPECT_EQ(integrity(snap->db), std::vector<std::string>{"ok"});
  EXPECT_EQ(one_int(snap->db, "SELECT count(*) FROM employees INDEXED BY employees_nick WHERE nick = 'a'"),
            one_int(snap->db, "SELECT count(*) FROM employees WHERE id % 3 IN (0, 1)"));
  EXPECT_EQ(rows(snap->db, "SELECT name FROM sqlite_schema WHERE name IN ('employees_nick', 'vendors_rating_name') "
                           "ORDER BY name"),
            (std::vector<std::string>{"employees_nick", "vendors_rating_name"}));
}

TEST(RebuildIndex, ARunFailingAfterTheSchemaWasWrittenLeavesTheLoadedSchema) {
  // Fail at every statement of E3 (deals' indexes leave and come back) and of I1
  // (the scratch table): each time the rollback must give back the schema loaded,
  // and the database must stay usable and sound.
  for (const char* step : {"E3", "I1"}) {
    for (std::size_t fail_at = 0;; ++fail_at) {
      auto snap = load_fixture(kBefore);
      ASSERT_TRUE(snap.ok());
      const auto before = rows(snap->db, kSchema);
      bool failed = false;
      NormalizeOptions o = fixed_options();
      NormalizeJob job(snap->db, o);
      job.set_statement_hook([&](std::string_view id, std::size_t index, std::string_view) -> Status {
        if (id != step || index != fail_at) return ok_status();
        failed = true;
        return make_error(ErrorCode::Internal, "injected");
      });
      run_job(job);
      if (!failed) break;  // past the step's last statement
      EXPECT_EQ(rows(snap->db, kSchema), before) << step << " failing at statement " << fail_at;
      EXPECT_EQ(integrity(snap->db), std::vector<std::string>{"ok"}) << step << " failing at statement " << fail_at;
      EXPECT_GT(one_int(snap->db, "SELECT count(*) FROM deals"), 0);
    }
  }
}
