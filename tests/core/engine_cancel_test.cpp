// Cancel as the worker's engine sees it (issue #13): whatever the engine is doing (a
// load, the preflight, the run's copy, normalization and diff, the review, the
// after image's export), cancel() stops it at once, with no error shown, and the snapshot loaded
// before stays loaded as it was: a run after the cancel writes the very after.sqlite3
// and report of a run that was never interrupted.
#include <gtest/gtest.h>

#include <ctime>
#include <functional>

#include "core/demo/demo.hpp"
#include "engine/engine.hpp"
#include "normalize_test_util.hpp"

using namespace redline;
using namespace redline::test;

namespace {

std::vector<std::uint8_t> demo_bytes(int employees, std::uint64_t seed) {
  auto db = generate_demo(DemoOptions{employees, seed, DemoOptions::Dirty});
  EXPECT_TRUE(db.ok());
  auto bytes = db->serialize();
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? *bytes : std::vector<std::uint8_t>{};
}

NormalizeOptions options() {
  NormalizeOptions o = fixed_options();
  o.record_timings = false;
  return o;
}

// Pump in 1 ms slices until `there` holds of the job; false if the engine went idle first.
bool pump_until(engine::Engine& e, const std::function<bool(const engine::JobView&)>& there) {
  for (int k = 0; k < 1000000 && e.job().active; ++k) {
    if (there(e.job())) return true;
    e.pump(1);
  }
  return false;
}

// cancel(): its CPU time, and the engine idle with no error.
void cancel_now(engine::Engine& e, const std::string& what) {
  const double t0 = cpu_ms();
  e.cancel();
  const double ms = cpu_ms() - t0;
  EXPECT_LT(ms, 250) << what << ": cancel() took " << ms << " ms of CPU";
  EXPECT_FALSE(e.job().active) << what;
  EXPECT_FALSE(e.error()) << what << ": " << e.error()->describe();
}

}  // namespace

TEST(EngineCancel, EveryPhaseStopsAndTheLoadedSnapshotStaysAsItWas) {
  const auto bytes = demo_bytes(4000, 11);
  engine::Engine e;
  e.start_load(bytes, "demo.sqlite3");
  e.finish();
  ASSERT_FALSE(e.error()) << e.error()->describe();
  const int generation = e.generation();
  const auto loaded = e.loaded();

  e.start_run(options());
  e.finish();
  ASSERT_TRUE(e.run() && e.run()->ok);
  const auto want_after = e.export_after();
  ASSERT_TRUE(want_after.ok());
  const std::string want_report = e.run()->report_json;

  auto same_result = [&](const std::string& what) {
    e.start_run(options());
    e.finish();
    ASSERT_TRUE(e.run() && e.run()->ok) << what;
    auto after = e.export_after();
    ASSERT_TRUE(after.ok()) << what;
    EXPECT_TRUE(*after == *want_after) << what << ": the run after the cancel wrote other bytes";
    EXPECT_EQ(e.run()->report_json, want_report) << what;
    EXPECT_EQ(e.generation(), generation) << what;
    EXPECT_EQ(e.loaded(), loaded) << what << ": another snapshot was published";
  };

  // A second file being loaded, then its preflight: cancelled, the first stays.
  const auto other = demo_bytes(1000, 12);
  e.start_load(other, "other.sqlite3");
  ASSERT_TRUE(pump_until(e, [](const engine::JobView& j) { return j.stage == "load" && j.fraction > 0.3; }));
  cancel_now(e, "load");
  same_result("load");
  e.start_load(other, "other.sqlite3");
  ASSERT_TRUE(pump_until(e, [](const engine::JobView& j) { return j.stage == "preflight" && j.fraction > 0.2; }));
  cancel_now(e, "preflight");
  same_result("preflight");

  // The run's phases.
  struct Phase {
    const char* what;
    std::function<bool(const engine::JobView&)> there;
  };
  const Phase phases[] = {
      {"copy", [](const engine::JobView& j) { return j.stage == "run" && j.phase == "copy"; }},
      {"normalize", [](const engine::JobView& j) { return j.stage == "run" && j.phase.rfind("M2", 0) == 0; }},
      {"diff", [](const engine::JobView& j) { return j.stage == "run" && j.phase.rfind("diff", 0) == 0; }},
      {"review", [](const engine::JobView& j) { return j.stage == "review" && j.fraction > 0.3; }},
  };
  for (const Phase& ph : phases) {
    e.start_run(options());
    ASSERT_TRUE(pump_until(e, ph.there)) << ph.what << " was never reached";
    cancel_now(e, ph.what);
    EXPECT_FALSE(e.run()) << ph.what << ": a cancelled run is not published";
    EXPECT_FALSE(e.export_after().ok()) << ph.what;
    same_result(ph.what);
  }

  // The after image's export: cancelled, it ends with Cancelled and the run stays.
  std::optional<Error> end;
  std::size_t written = 0;
  ASSERT_TRUE(e.start_after_export([&](const std::uint8_t*, std::size_t n) { written += n; return ok_status(); },
                                   [&](std::optional<Error> x) { end = x.value_or(make_error(ErrorCode::Internal, "done")); })
                  .ok());
  ASSERT_TRUE(pump_until(e, [](const engine::JobView& j) { return j.stage == "export" && j.fraction > 0; }));
  EXPECT_GT(written, 0u);
  cancel_now(e, "export");
  ASSERT_TRUE(end);
  EXPECT_EQ(end->code, ErrorCode::Cancelled);
  ASSERT_TRUE(e.run() && e.run()->ok) << "a cancelled export leaves the run as it was";
  auto after = e.export_after();
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(*after == *want_after);
}
