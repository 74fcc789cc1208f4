// The run prepared at the page's load (PrepareRunJob): the copy a run normalizes and
// the hazards found on it with the default options. A run from it must write the very
// bytes and report of a run from scratch, with the default options (it takes the
// prepared hazards) and with others (it finds its own); the page's hazards before the
// run are find_hazards' on the snapshot; the before is never touched; a cancel keeps
// nothing of it.
#include <gtest/gtest.h>

#include "core/demo/demo.hpp"
#include "core/migrate/hazards.hpp"
#include "core/pipeline.hpp"
#include "engine/engine.hpp"
#include "normalize_test_util.hpp"

using namespace redline;
using namespace redline::test;

namespace {

sql::Database dirty_demo() {
  auto db = generate_demo(DemoOptions{1500, 7, DemoOptions::Dirty});
  EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().describe());
  return std::move(db.value());
}

std::string hazards_json(const std::vector<Hazard>& hazards) {
  nlohmann::ordered_json j = nlohmann::ordered_json::array();
  for (const auto& h : hazards) j.push_back(h.to_json());
  return j.dump();
}

// The prepared run of `before` with the default options, in 1 ms slices.
std::unique_ptr<PreparedRun> prepare(sql::Database& before) {
  PrepareRunJob job(before, NormalizeOptions{});
  Progress p;
  int calls = 0;
  do {
    p = job.step(1);
    ++calls;
  } while (p.state == JobState::More);
  EXPECT_EQ(p.state, JobState::Done) << (p.error ? p.error->describe() : "");
  EXPECT_GT(calls, 2) << "the preparation was not sliced";
  return std::make_unique<PreparedRun>(job.take());
}

struct Outcome {
  std::vector<std::uint8_t> after;
  std::string report;
  std::int64_t temp_pages = -1;  // the after's temp database once the run ended
};

Outcome run(sql::Database& before, const NormalizeOptions& options, std::unique_ptr<PreparedRun> prepared) {
  RunJob job(before, ReportInput{}, options, std::move(prepared));
  Progress p;
  do p = job.step(10);
  while (p.state == JobState::More);
  EXPECT_EQ(p.state, JobState::Done) << (p.error ? p.error->describe() : "");
  if (p.state != JobState::Done) return {};
  return {image(job.after()), job.report().to_json_text(), one_int(job.after(), "PRAGMA temp.page_count")};
}

}  // namespace

TEST(PreparedRun, ItsHazardsAreTheSnapshotsAndItsRunWritesTheSameBytes) {
  auto before = dirty_demo();
  const auto before_image = image(before);
  auto prepared = prepare(before);
  EXPECT_TRUE(image(before) == before_image) << "preparing changed the before";

  auto found = find_hazards(before, NormalizeOptions{});
  ASSERT_TRUE(found.ok()) << found.error().describe();
  ASSERT_GE(found->size(), 5u) << "the dirty demo has most hazard kinds";
  EXPECT_EQ(hazards_json(prepared->hazards), hazards_json(*found));
  EXPECT_TRUE(prepared->m1_plan && prepared->votes) << "the scratch tables a run reads were not kept";

  const NormalizeOptions options = fixed_options();  // the defaults, at a fixed time
  ASSERT_TRUE(same_preflight(prepared->options, options));
  const Outcome scratch = run(before, options, nullptr);
  const Outcome from_prepared = run(before, options, std::move(prepared));
  ASSERT_FALSE(scratch.after.empty());
  EXPECT_TRUE(from_prepared.after == scratch.after) << "a run from the prepared copy wrote other bytes";
  EXPECT_EQ(from_prepared.report, scratch.report);
  EXPECT_TRUE(image(before) == before_image) << "the run changed the before";
  // The scratch tables made before the run gave their pages back with it, as the run's
  // own do (RunMemory): in the page the temp database lives as long as the session.
  EXPECT_LE(from_prepared.temp_pages, 2) << "the prepared scratch tables' pages stayed";
}

TEST(PreparedRun, ARunWithOtherResolutionsFindsItsOwnHazards) {
  auto before = dirty_demo();
  NormalizeOptions options = fixed_options();
  options.username_collision = CollisionResolution::Link;
  options.contact_overwrite = OverwriteResolution::FillBlanks;
  options.zip_only_address = ZipOnlyResolution::Keep;
  auto prepared = prepare(before);
  ASSERT_FALSE(same_preflight(prepared->options, options));
  const Outcome scratch = run(before, options, nullptr);
  const Outcome from_prepared = run(before, options, std::move(prepared));
  ASSERT_FALSE(scratch.after.empty());
  EXPECT_TRUE(from_prepared.after == scratch.after) << "a run from the prepared copy wrote other bytes";
  EXPECT_EQ(from_prepared.report, scratch.report) << "the prepared hazards (default resolutions) were taken";
}

TEST(PreparedRun, OnlyTheResolutionsMakeAnotherPreflight) {
  NormalizeOptions a, b;
  b.now = "2026-01-02 03:04:05";
  b.strict = true;
  b.record_timings = !a.record_timings;
  EXPECT_TRUE(same_preflight(a, b));
  b.zip_only_address = ZipOnlyResolution::Keep;
  EXPECT_FALSE(same_preflight(a, b));
}

TEST(PreparedRun, ACancelKeepsNothingAndLeavesTheBefore) {
  auto before = dirty_demo();
  const auto before_image = image(before);
  PrepareRunJob job(before, NormalizeOptions{});
  // Into the hazards (past the copy), then cancelled.
  Progress p;
  do p = job.step(1);
  while (p.state == JobState::More && p.phase == "copy");
  ASSERT_EQ(p.state, JobState::More) << "the preparation ended before its hazards";
  job.cancel();
  p = job.step(1);
  ASSERT_EQ(p.state, JobState::Error);
  EXPECT_EQ(p.error->code, ErrorCode::Cancelled);
  EXPECT_TRUE(image(before) == before_image);
}

// The engine's page path: the first run after a load starts from the prepared run,
// the next from scratch; both write the same bytes and report, and the command line's
// engine (no page preflight) too.
TEST(PreparedRun, TheEnginesFirstRunAfterALoadIsTheCommandLines) {
  auto bytes = dirty_demo().serialize();
  ASSERT_TRUE(bytes.ok());
  const NormalizeOptions options = fixed_options();
  auto outcome = [&](engine::Engine& e) {
    e.start_run(options);
    e.finish();
    EXPECT_TRUE(e.run() && e.run()->ok);
    auto after = e.export_after();
    EXPECT_TRUE(after.ok());
    return Outcome{after.ok() ? *after : std::vector<std::uint8_t>{}, e.run() ? e.run()->report_json : ""};
  };
  engine::Engine cli;
  cli.set_page_preflight(false);
  cli.start_load(*bytes, "demo.sqlite3");
  cli.finish();
  ASSERT_FALSE(cli.error());
  EXPECT_TRUE(cli.loaded()->hazards.empty()) << "the command line's load looked for hazards";
  const Outcome want = outcome(cli);

  engine::Engine page;
  page.start_load(*bytes, "demo.sqlite3");
  page.finish();
  ASSERT_FALSE(page.error());
  auto snapshot = sql::Database::deserialize(*bytes, "demo.sqlite3");
  ASSERT_TRUE(snapshot.ok());
  auto found = find_hazards(*snapshot, NormalizeOptions{});
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(hazards_json(page.loaded()->hazards), hazards_json(*found));
  const Outcome first = outcome(page);
  const Outcome second = outcome(page);
  ASSERT_FALSE(want.after.empty());
  EXPECT_TRUE(first.after == want.after) << "the page's first run wrote other bytes";
  EXPECT_EQ(first.report, want.report);
  EXPECT_TRUE(second.after == want.after) << "the page's second run wrote other bytes";
  EXPECT_EQ(second.report, want.report);
}
