// What the diff panel asks of the core (core/diff_view.hpp): search by key and text,
// the change density the minimap draws; and the characters the font atlas needs
// (core/load/text_chars.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/diff/diff.hpp"
#include "core/diff/diff_view.hpp"
#include "core/load/text_chars.hpp"
#include "core/sqlite.hpp"
#include "test_util.hpp"

using namespace redline;
using namespace redline::diff;
using namespace redline::load;
using redline::sql::Database;

namespace {

Database mem(const std::string& ddl) {
  auto db = Database::open_memory();
  EXPECT_TRUE(db.ok());
  auto s = db->exec(ddl);
  EXPECT_TRUE(s.ok()) << s.error().describe();
  return std::move(db.value());
}

// 100 people; the after side renames every 10th, drops ids 91..100, adds 101..105.
struct Pair {
  Database before = mem(
      "CREATE TABLE people(id INTEGER PRIMARY KEY, name TEXT, city TEXT);"
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100)"
      " INSERT INTO people SELECT i, 'person ' || i, CASE WHEN i % 7 = 0 THEN 'Łódź' ELSE 'Hà Nội' END FROM n;");
  Database after = mem(
      "CREATE TABLE people(id INTEGER PRIMARY KEY, name TEXT, city TEXT);"
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 90)"
      " INSERT INTO people SELECT i, CASE WHEN i % 10 = 0 THEN 'Renamed 李 ' || i ELSE 'person ' || i END,"
      " CASE WHEN i % 7 = 0 THEN 'Łódź' ELSE 'Hà Nội' END FROM n;"
      "INSERT INTO people VALUES (101, 'new 101', 'Ørsted'), (102, 'new 102', NULL), (103, 'new 103', NULL),"
      " (104, 'new 104', NULL), (105, 'new 105', NULL);");
  DiffResult diff;
  Pair() {
    auto d = diff_databases(before, after);
    EXPECT_TRUE(d.ok());
    diff = std::move(d.value());
  }
  const TableDiff& people() const { return *diff.table("people"); }
};

SearchResult search(Pair& p, RowChange kind, const std::string& q, std::size_t keep = 2000) {
  SearchJob job(p.before, p.after, p.people(), kind, q, keep);
  Progress pr;
  int steps = 0;
  do {
    pr = job.step(0.0);  // a zero budget still does one page per step
    ++steps;
  } while (pr.state == JobState::More && steps < 1000);
  EXPECT_EQ(pr.state, JobState::Done);
  return job.result();
}

}  // namespace

TEST(DiffSearch, FindsRowsByKeyAndByTextOfEitherSide) {
  Pair p;
  ASSERT_EQ(p.people().changed.size(), 9u);  // 10, 20, ..., 90
  // By key: the changed row 40 is the 4th changed row (index 3).
  auto r = search(p, RowChange::Changed, "40");
  EXPECT_EQ(r.matches, 1u);  // "Renamed 李 40" contains 40 too: still one row
  ASSERT_EQ(r.indices, std::vector<std::size_t>{3});
  EXPECT_EQ(r.rows[0].before_id, 40);
  EXPECT_EQ(search(p, RowChange::Changed, "#50").indices, std::vector<std::size_t>{4});
  // By text, case-insensitively in ASCII, before or after values.
  auto renamed = search(p, RowChange::Changed, "renamed 李");
  EXPECT_EQ(renamed.matches, 9u);
  auto old_name = search(p, RowChange::Changed, "PERSON 7");
  EXPECT_EQ(old_name.matches, 1u);  // person 70 before
  ASSERT_EQ(old_name.rows.size(), 1u);
  EXPECT_EQ(old_name.rows[0].before_id, 70);
  // Non-ASCII text matches as stored.
  auto lodz = search(p, RowChange::Changed, "Łódź");
  EXPECT_EQ(lodz.matches, 1u);  // 70 is the only changed multiple of 7
  EXPECT_EQ(search(p, RowChange::Added, "ørsted").matches, 0u);  // only ASCII folds
  EXPECT_EQ(search(p, RowChange::Added, "Ørsted").matches, 1u);
  EXPECT_EQ(search(p, RowChange::Removed, "person 9").matches, 9u);  // 91..99, not 100
}

TEST(DiffSearch, KeepsAtMostKeepRowsButCountsAll) {
  Pair p;
  auto r = search(p, RowChange::Removed, "person", 3);
  EXPECT_EQ(r.matches, 10u);
  EXPECT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.indices, (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(r.scanned, 10u);
  auto empty = search(p, RowChange::Changed, "  ");
  EXPECT_EQ(empty.matches, 0u);
  EXPECT_TRUE(empty.done);
}

TEST(ChangeDensity, BucketsIdsByPositionInTheTable) {
  Pair p;
  auto d = change_density(p.before, p.after, p.people(), 10);
  ASSERT_TRUE(d.ok()) << d.error().describe();
  EXPECT_EQ(d->lo, 1);
  EXPECT_EQ(d->hi, 105);
  ASSERT_EQ(d->changed.size(), 10u);
  // 105 ids in 10 buckets of 10.5 slots: one changed row per bucket except where
  // 10-multiples fall; every bucket's density is count / 10.5.
  float total_changed = 0, total_added = 0, total_removed = 0;
  for (std::size_t b = 0; b < 10; ++b) {
    total_changed += d->changed[b] * 10.5f;
    total_added += d->added[b] * 10.5f;
    total_removed += d->removed[b] * 10.5f;
  }
  EXPECT_NEAR(total_changed, 9.0f, 1e-3);
  EXPECT_NEAR(total_added, 5.0f, 1e-3);
  EXPECT_NEAR(total_removed, 10.0f, 1e-3);
  // Added rows 101..105 are all in the last bucket, removed 91..100 in the last two.
  EXPECT_NEAR(d->added[9] * 10.5f, 5.0f, 1e-3);
  EXPECT_NEAR((d->removed[8] + d->removed[9]) * 10.5f, 10.0f, 1e-3);
  for (std::size_t b = 0; b < 8; ++b) EXPECT_EQ(d->added[b] + d->removed[b], 0.0f) << b;
  // Positions map ids into [0, 1) and back.
  EXPECT_DOUBLE_EQ(d->position(1), 0.0);
  EXPECT_EQ(d->id_at(d->position(53)), 53);
  EXPECT_EQ(d->id_at(1.0), 105);
}

TEST(TextCodePoints, ListsEveryNonAsciiCharacterOfTheTextOnce) {
  Database db = mem(
      "CREATE TABLE a(id INTEGER PRIMARY KEY, name TEXT, n INTEGER);"
      "INSERT INTO a VALUES (1, 'Nguyễn Thị Ánh', 3), (2, 'Łukasz Żółć', 4), (3, 'plain', 5), (4, '王李 Ánh', 6);"
      "CREATE TABLE b(x BLOB); INSERT INTO b VALUES (x'C3A9');");  // a blob is not text
  auto cps = text_code_points(db);
  ASSERT_TRUE(cps.ok()) << cps.error().describe();
  std::vector<char32_t> want = {U'Á', U'Ł', U'ó', U'ł', U'ć', U'Ż', U'ị', U'ễ', U'李', U'王'};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(*cps, want);
  std::vector<char32_t> bad;
  add_code_points(std::string("a\xC3(\xE2\x82\xAC"), bad);
  EXPECT_EQ(bad, (std::vector<char32_t>{0xFFFD, U'€'}));
}

// The page scans a loaded snapshot's text in slices (TextCharsJob); a zero budget must
// end each call within a few hundred rows and still find every character once.
TEST(TextCodePoints, TheSlicedScanFindsTheSameCharacters) {
  Database db = mem(
      "CREATE TABLE a(id INTEGER PRIMARY KEY, name TEXT, city TEXT);"
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) "
      "INSERT INTO a SELECT i, CASE WHEN i % 997 = 0 THEN 'Zoë ' || i ELSE 'name ' || i END, "
      "CASE WHEN i = 4999 THEN 'Łódź' ELSE 'Paris' END FROM n;"
      "CREATE TABLE empty(t TEXT);"
      "CREATE TABLE c(t TEXT); INSERT INTO c VALUES ('東京'), ('Zoë');");
  auto whole = text_code_points(db);
  ASSERT_TRUE(whole.ok());
  std::vector<char32_t> want = {U'ë', U'Ł', U'ó', U'ź', U'京', U'東'};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(*whole, want);
  TextCharsJob job(db);
  Progress p;
  int steps = 0;
  do {
    p = job.step(0);
    ++steps;
  } while (p.state == JobState::More && steps < 100000);
  ASSERT_EQ(p.state, JobState::Done);
  EXPECT_GT(steps, 10) << "5000 rows at a zero budget take many calls";
  EXPECT_EQ(job.take_result(), want);
}
