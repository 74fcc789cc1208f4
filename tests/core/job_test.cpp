// The one job contract (core/job.hpp): a job's end is sticky, cancel() ends it with
// Cancelled and undoes its work at once, and nothing thrown inside a step (bad_alloc,
// nlohmann's exceptions, any std::exception, anything else) leaves it: the job ends
// with an Error value. Checked on a job made for the test and on the normalization,
// whose undo is its SAVEPOINT.
#include <gtest/gtest.h>

#include <new>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/demo/demo.hpp"
#include "core/job.hpp"
#include "core/migrate/normalize.hpp"
#include "normalize_test_util.hpp"

using namespace redline;
using namespace redline::test;

namespace {

// Counts its slices and undos; each slice does what `next` says.
class ProbeJob final : public Job {
 public:
  enum class Next { More, Done, Fail, BadAlloc, Json, Runtime, Int };
  Next next = Next::More;
  int slices = 0;
  int undone = 0;
  std::optional<ErrorCode> undone_for;

 private:
  Result<bool> work(double) override {
    ++slices;
    switch (next) {
      case Next::More: return false;
      case Next::Done: return true;
      case Next::Fail: return make_error(ErrorCode::BadInput, "the probe failed", "probe");
      case Next::BadAlloc: throw std::bad_alloc();
      case Next::Json: return nlohmann::json::parse("{\"a\": 1}").at("b").get<bool>();  // throws out_of_range
      case Next::Runtime: throw std::runtime_error("a bug");
      case Next::Int: throw 42;
    }
    return false;
  }
  Position position() const override { return {0.25, "probing"}; }
  void abandon(const Error& why) override {
    ++undone;
    undone_for = why.code;
  }
};

}  // namespace

TEST(JobContract, AnErrorIsStickyAndUndoneOnce) {
  ProbeJob job;
  EXPECT_EQ(job.step(10).state, JobState::More);
  job.next = ProbeJob::Next::Fail;
  Progress p = job.step(10);
  ASSERT_EQ(p.state, JobState::Error);
  EXPECT_EQ(p.error->message, "the probe failed");
  EXPECT_EQ(p.phase, "probing");
  job.next = ProbeJob::Next::Done;  // a later step does nothing, whatever the job would do
  for (int k = 0; k < 3; ++k) {
    Progress again = job.step(10);
    ASSERT_EQ(again.state, JobState::Error);
    EXPECT_EQ(again.error->describe(), p.error->describe());
  }
  EXPECT_EQ(job.progress().state, JobState::Error);
  job.cancel();  // over: nothing to cancel
  EXPECT_EQ(job.step(10).error->code, ErrorCode::BadInput);
  EXPECT_EQ(job.slices, 2);
  EXPECT_EQ(job.undone, 1);
}

TEST(JobContract, DoneIsStickyAndCannotBeCancelled) {
  ProbeJob job;
  job.next = ProbeJob::Next::Done;
  EXPECT_EQ(job.step(10).state, JobState::Done);
  job.next = ProbeJob::Next::Fail;
  job.cancel();
  Progress p = job.step(10);
  EXPECT_EQ(p.state, JobState::Done);
  EXPECT_EQ(p.fraction, 1.0);
  EXPECT_EQ(job.slices, 1);
  EXPECT_EQ(job.undone, 0);
}

TEST(JobContract, CancelUndoesAtOnceAndTheNextStepSaysCancelled) {
  ProbeJob job;
  EXPECT_EQ(job.step(10).state, JobState::More);
  Progress before = job.progress();  // progress() does not step
  EXPECT_EQ(before.state, JobState::More);
  EXPECT_EQ(before.fraction, 0.25);
  EXPECT_EQ(job.slices, 1);
  job.cancel();
  EXPECT_EQ(job.undone, 1) << "cancel() undoes the work before the next step";
  EXPECT_EQ(job.undone_for, ErrorCode::Cancelled);
  Progress p = job.step(10);
  ASSERT_EQ(p.state, JobState::Error);
  EXPECT_EQ(p.error->code, ErrorCode::Cancelled);
  EXPECT_EQ(job.slices, 1);
  job.cancel();
  EXPECT_EQ(job.undone, 1);
}

// Whatever a slice throws ends the job with an Error value, undone, and sticky.
TEST(JobContract, AnythingThrownBecomesAnError) {
  const std::pair<ProbeJob::Next, const char*> cases[] = {
      {ProbeJob::Next::BadAlloc, "out of memory"},
      {ProbeJob::Next::Json, "unexpected failure: [json.exception.out_of_range.403] key 'b' not found"},
      {ProbeJob::Next::Runtime, "unexpected failure: a bug"},
      {ProbeJob::Next::Int, "unexpected failure"},
  };
  for (const auto& [next, message] : cases) {
    ProbeJob job;
    job.next = next;
    Progress p;
    EXPECT_NO_THROW(p = job.step(10)) << message;
    ASSERT_EQ(p.state, JobState::Error) << message;
    EXPECT_EQ(p.error->code, ErrorCode::Internal);
    EXPECT_EQ(p.error->message, message);
    EXPECT_EQ(p.error->context, "probing");
    EXPECT_EQ(job.undone, 1);
    job.next = ProbeJob::Next::Done;
    EXPECT_EQ(job.step(10).state, JobState::Error);
    EXPECT_EQ(job.slices, 1);
  }
}

// A real job: the normalization's statement hook throws bad_alloc in the middle of
// M2 (as an allocation deep in the core would); the step returns an Error (no crash)
// and the snapshot is byte-identical, rolled back by the job's SAVEPOINT.
TEST(JobContract, ANormalizationThatThrowsIsRolledBack) {
  auto made = generate_demo(DemoOptions{40, 3, DemoOptions::Dirty});
  ASSERT_TRUE(made.ok());
  sql::Database db = std::move(made.value());
  const auto before = image(db);
  NormalizeJob job(db, fixed_options());
  job.set_statement_hook([](std::string_view step, std::size_t index, std::string_view) -> Status {
    if (step == "M2" && index == 1) throw std::bad_alloc();
    return ok_status();
  });
  Progress p;
  int steps = 0;
  do {
    p = job.step(1);
  } while (p.state == JobState::More && ++steps < 100000);
  ASSERT_EQ(p.state, JobState::Error);
  EXPECT_EQ(p.error->message, "out of memory");
  EXPECT_EQ(p.error->context, "M2 Move address columns to addresses and addressables");
  EXPECT_TRUE(image(db) == before) << "the snapshot changed";
  Report r;
  job.fill_report(r);
  EXPECT_EQ(r.status, "failed");
  EXPECT_EQ(job.step(1).state, JobState::Error);
}
