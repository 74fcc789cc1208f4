// The whole run's memory (issue #16): what SQLite holds while RunJob normalizes its
// copy of the snapshot, against the two databases the run needs (the before and the
// after), and that the after behaves as before once the run has ended.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/demo/demo.hpp"
#include "core/pipeline.hpp"
#include "core/review/review.hpp"
#include "normalize_test_util.hpp"

namespace redline {
namespace {

// SQLite's memory accounting, off in this build (SQLITE_DEFAULT_MEMSTATUS=0), on for
// one test. It can only be set while SQLite is shut down, which needs every connection
// closed: made before the test opens any, undone after it has closed them all.
class MemoryStatus {
 public:
  MemoryStatus() { set(1); }
  ~MemoryStatus() { set(0); }
  MemoryStatus(const MemoryStatus&) = delete;
  MemoryStatus& operator=(const MemoryStatus&) = delete;

 private:
  static void set(int on) {
    EXPECT_EQ(sqlite3_shutdown(), SQLITE_OK);
    EXPECT_EQ(sqlite3_config(SQLITE_CONFIG_MEMSTATUS, on), SQLITE_OK);
    EXPECT_EQ(sqlite3_initialize(), SQLITE_OK);
  }
};

// Every user table's rows in rowid order, as one text: the database's content.
std::string content(sql::Database& db) {
  std::string out;
  auto tables = sql::user_tables(db);
  EXPECT_TRUE(tables.ok());
  if (!tables) return out;
  for (const auto& t : *tables) {
    out += "table " + t + "\n";
    for (const auto& row : test::rows(db, "SELECT * FROM " + sql::quote_ident(t) + " ORDER BY rowid")) out += row + "\n";
  }
  return out;
}

std::int64_t cache_used(sql::Database& db) {
  int used = 0, highwater = 0;
  sqlite3_db_status(db.handle(), SQLITE_DBSTATUS_CACHE_USED, &used, &highwater, 0);
  return used;
}

// The run copies the snapshot and rewrites most of the copy's pages (E3, C1 and C2
// rebuild the largest tables; the new tables reuse the old ones' pages). Its peak is
// the before and the after, and little beside: no copy of the pages it rewrote, which
// the rollback journal of its transaction held (at ~100k rows 9 MiB on top of the two
// databases' 37 MiB: 71% of the snapshot's size; 89 MiB at ~1M rows), since the copy
// is of no use unless the run ends Done; and once it has, no pages of its staging
// tables.
TEST(RunMemory, TheRunHoldsNoCopyOfThePagesItRewrites) {
  MemoryStatus on;
  std::vector<std::uint8_t> image;
  {
    auto demo = generate_demo(DemoOptions{3000, 1, DemoOptions::Dirty});
    ASSERT_TRUE(demo.ok()) << demo.error().describe();
    auto bytes = demo->serialize();
    ASSERT_TRUE(bytes.ok());
    image = std::move(bytes.value());
  }
  auto before = sql::Database::deserialize(image, "demo-dirty-3000.sqlite3");
  ASSERT_TRUE(before.ok()) << before.error().describe();
  const auto size = static_cast<std::int64_t>(image.size());
  image = {};

  const std::int64_t before_held = sqlite3_memory_used();  // its image and its cache
  sqlite3_memory_highwater(1);
  RunJob job(*before, ReportInput{}, test::fixed_options());
  // The after at its largest, with its temp database (the run's staging tables): it
  // grows until the run commits, so its size between short slices finds it.
  std::int64_t after_held = 0;
  Progress p;
  do {
    p = job.step(1);
    if (job.after().valid()) after_held = std::max(after_held, cache_used(job.after()));
  } while (p.state == JobState::More);
  ASSERT_EQ(p.state, JobState::Done) << test::describe(p);
  const std::int64_t peak = sqlite3_memory_highwater(0);
  const std::int64_t both = before_held + after_held;
  EXPECT_LT(peak - both, size / 4) << "SQLite's peak during the run was " << peak / 1024 << " KiB: "
                                   << (peak - both) / 1024 << " KiB above the before and the after ("
                                   << both / 1024 << " KiB), for a " << size / 1024 << " KiB snapshot";

  // Its temp database, where the run stages rows (M1's plan, M2's addresses), gave its
  // pages back at the commit: an in-memory database keeps a page until it is truncated.
  EXPECT_LE(test::one_int(job.after(), "PRAGMA temp.page_count"), 2) << "the staging tables' pages stayed";

  // The after's own journal is back once the run has ended: the review's POST checks
  // write into it and roll their writes back.
  const std::string was = content(job.after());
  EXPECT_EQ(test::rows(job.after(), "PRAGMA main.journal_mode"), std::vector<std::string>{"memory"});
  ReviewJob review(*before, job.after(), test::fixed_options(), job.diff());
  do {
    p = review.step(1e300);
  } while (p.state == JobState::More);
  ASSERT_EQ(p.state, JobState::Done) << test::describe(p);
  EXPECT_TRUE(content(job.after()) == was) << "the review's writes stayed in the after";
}

}  // namespace
}  // namespace redline
