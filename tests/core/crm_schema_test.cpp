// The embedded CRM schema matches what Django wrote in the reference fixtures.
#include <gtest/gtest.h>

#include "core/migrate/crm_schema.hpp"
#include "core/sqlite.hpp"
#include "test_util.hpp"

using namespace redline;

namespace {
// sqlite_schema.sql of every table and index in a fixture, in name order.
std::vector<std::string> schema_of(const std::string& path) {
  auto db = sql::Database::open_file(path, true);
  EXPECT_TRUE(db.ok());
  std::vector<std::string> out;
  auto st = db->prepare("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name <> 'sqlite_sequence' ORDER BY name");
  EXPECT_TRUE(st.ok());
  while (*st->step() == sql::StepResult::Row) out.push_back(st->column_text(0));
  return out;
}

std::vector<std::string> schema_of(crm::Shape shape) {
  std::vector<std::pair<std::string, std::string>> named;
  auto db = sql::Database::open_memory();
  for (const auto& t : crm::tables(shape)) {
    EXPECT_TRUE(db->exec(t.create_sql).ok()) << t.create_sql;
    for (const auto& i : t.index_sql) EXPECT_TRUE(db->exec(i).ok()) << i;
  }
  std::vector<std::string> out;
  auto st = db->prepare("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name <> 'sqlite_sequence' ORDER BY name");
  while (*st->step() == sql::StepResult::Row) out.push_back(st->column_text(0));
  return out;
}
}  // namespace

TEST(CrmSchema, BeforeShapeRecreatesTheFixtureSchemaExactly) {
  EXPECT_EQ(schema_of(crm::Shape::Before), schema_of(test::fixture("crm-small/before.sqlite3")));
}

TEST(CrmSchema, AfterShapeRecreatesTheReferenceResultSchemaExactly) {
  EXPECT_EQ(schema_of(crm::Shape::After), schema_of(test::fixture("crm-small/after.sqlite3")));
}

TEST(CrmSchema, MatchTableByColumnSet) {
  const auto* users = crm::find_table(crm::Shape::Before, "users");
  ASSERT_NE(users, nullptr);
  EXPECT_EQ(users->columns.size(), 12u);
  EXPECT_TRUE(users->column("phone")->not_null);

  // employees in the old shape has first_name; in the new one it does not.
  std::vector<std::string> new_cols;
  for (const auto& c : crm::find_table(crm::Shape::After, "employees")->columns) new_cols.push_back(c.name);
  std::reverse(new_cols.begin(), new_cols.end());
  const auto* m = crm::match_table("employees", new_cols);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m, crm::find_table(crm::Shape::After, "employees"));
  EXPECT_EQ(m->column("first_name"), nullptr);
  EXPECT_EQ(crm::match_table("employees", {"id", "nope"}), nullptr);
  EXPECT_EQ(crm::match_table("not_a_table", {"id"}), nullptr);
}
