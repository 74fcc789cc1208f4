// The page's warm-up (core/warmup.hpp): every stage of the engine runs once on the
// tiny snapshot, in slices, and ends Done; it touches nothing outside itself.
#include <gtest/gtest.h>

#include "core/warmup.hpp"

namespace redline {
namespace {

TEST(Warmup, RunsEveryStageInSlicesAndEndsDone) {
  WarmupJob job;
  Progress p;
  int calls = 0;
  double last_fraction = 0;
  do {
    p = job.step(2.0);
    ASSERT_NE(p.state, JobState::Error) << p.error->message << " (" << p.error->context << ")";
    EXPECT_GE(p.fraction, last_fraction);
    last_fraction = p.fraction;
    ASSERT_LT(++calls, 100000);
  } while (p.state == JobState::More);
  EXPECT_EQ(p.fraction, 1.0);
  // One step() per stage at least: each stage's first slice is a call of its own.
  const std::vector<std::string> want = {"demo",    "image",      "export", "load sqlite", "load pgdump",
                                         "load dumpdata", "hazards", "characters", "run", "after image", "review"};
  EXPECT_EQ(job.stages_done(), want);
  EXPECT_GT(calls, static_cast<int>(want.size()));
  // Done stays done.
  EXPECT_EQ(job.step(2.0).state, JobState::Done);
}

}  // namespace
}  // namespace redline
