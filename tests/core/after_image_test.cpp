// The after image a user downloads is made when they ask for it, after the review: the
// review's POST checks have written into the after database and rolled it back by
// then. The image must be the very bytes the run left, as the command line's --out
// (made at the same point) and the page's download are compared byte for byte.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/demo/demo.hpp"
#include "core/pipeline.hpp"
#include "core/review/review.hpp"
#include "core/sqlite.hpp"
#include "normalize_test_util.hpp"

namespace redline {
namespace {

std::vector<std::uint8_t> image_of(sql::Database& db, sql::SerializeJob::FreePages free) {
  sql::SerializeJob job(db, {}, free);
  Progress p;
  do p = job.step(1e300);
  while (p.state == JobState::More);
  EXPECT_EQ(p.state, JobState::Done) << test::describe(p);
  return job.take();
}

TEST(AfterImage, TheReviewLeavesTheBlankedImageAsTheRunLeftIt) {
  auto demo = generate_demo(DemoOptions{3000, 1, DemoOptions::Dirty});
  ASSERT_TRUE(demo.ok()) << demo.error().describe();
  auto bytes = demo->serialize();
  ASSERT_TRUE(bytes.ok());
  auto before = sql::Database::deserialize(*bytes, "demo-dirty-3000.sqlite3");
  ASSERT_TRUE(before.ok()) << before.error().describe();

  RunJob job(*before, ReportInput{}, test::fixed_options());
  Progress p;
  do p = job.step(1e300);
  while (p.state == JobState::More);
  ASSERT_EQ(p.state, JobState::Done) << test::describe(p);
  const auto raw_run = image_of(job.after(), sql::SerializeJob::FreePages::AsTheyAre);
  const auto run = image_of(job.after(), sql::SerializeJob::FreePages::Blank);
  ASSERT_EQ(run.size(), raw_run.size());
  EXPECT_GT(test::one_int(job.after(), "PRAGMA freelist_count"), 100) << "the rebuilt tables left free pages";

  ReviewJob review(*before, job.after(), test::fixed_options(), job.diff());
  do p = review.step(1e300);
  while (p.state == JobState::More);
  ASSERT_EQ(p.state, JobState::Done) << test::describe(p);
  const auto raw_reviewed = image_of(job.after(), sql::SerializeJob::FreePages::AsTheyAre);
  EXPECT_FALSE(raw_reviewed == raw_run) << "the POST checks' rolled-back rows are left in free pages (why images are blanked)";
  EXPECT_TRUE(image_of(job.after(), sql::SerializeJob::FreePages::Blank) == run)
      << "the blanked image after the review is not the run's";
}

}  // namespace
}  // namespace redline
