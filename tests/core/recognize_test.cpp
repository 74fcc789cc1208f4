// Snapshot recognition: the load summary says what a snapshot is.
#include <gtest/gtest.h>

#include "core/io.hpp"
#include "core/load/recognize.hpp"
#include "core/load/snapshot.hpp"
#include "test_util.hpp"

using namespace redline;

namespace {
Snapshot load(const std::string& rel) {
  auto bytes = read_file(test::fixture(rel));
  EXPECT_TRUE(bytes.ok());
  auto snap = load_snapshot(*bytes, rel);
  EXPECT_TRUE(snap.ok()) << snap.error().describe();
  return std::move(snap.value());
}
}  // namespace

TEST(Recognize, OldStructure) {
  Snapshot s = load("crm-small/before.sqlite3");
  EXPECT_EQ(s.summary.kind, "before");
  EXPECT_NE(s.summary.recognition.find("old structure"), std::string::npos) << s.summary.recognition;
}

TEST(Recognize, AlreadyNormalized) {
  Snapshot s = load("crm-small/after.sqlite3");
  EXPECT_EQ(s.summary.kind, "after") << s.summary.recognition;
}

TEST(Recognize, PartlyNormalizedNamesTheStepsDone) {
  Snapshot s = load("crm-small/before.sqlite3");
  // E2 done by hand: organizations got default_currency, nothing else happened.
  ASSERT_TRUE(s.db.exec("ALTER TABLE organizations ADD COLUMN default_currency varchar(3) NULL").ok());
  auto r = recognize_snapshot(s.db);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->kind, SnapshotKind::Partial);
  EXPECT_EQ(r->steps_done, std::vector<std::string>{"E2"});
  EXPECT_NE(r->description.find("done E2"), std::string::npos) << r->description;
}

TEST(Recognize, NotThisCrmListsWhatIsMissing) {
  auto db = sql::Database::open_memory();
  ASSERT_TRUE(db->exec("CREATE TABLE users(id INTEGER PRIMARY KEY, username TEXT); CREATE TABLE widgets(id)").ok());
  auto r = recognize_snapshot(*db);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, SnapshotKind::NotCrm);
  EXPECT_NE(r->description.find("missing tables"), std::string::npos) << r->description;
  EXPECT_NE(r->description.find("employees"), std::string::npos) << r->description;
  EXPECT_NE(r->description.find("users.phone"), std::string::npos) << r->description;
}
