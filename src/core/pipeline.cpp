#include "core/pipeline.hpp"

#include <chrono>
#include <optional>

#include "core/migrate/hazards.hpp"
#include "core/migrate/normalize.hpp"
#include "core/sliced_copy.hpp"

namespace redline {

namespace {
// Share of the progress bar per phase: the copy is quick, normalization dominates.
constexpr double kCopyEnd = 0.05;
constexpr double kNormalizeEnd = 0.70;

// About budget_ms more of the copy of `from` in `copy` (started by the first call):
// the copied database once complete, else nothing yet.
Result<std::optional<sql::Database>> copy_some(std::unique_ptr<SlicedCopy>& copy, sql::Database& from,
                                               double budget_ms) {
  const auto t0 = std::chrono::steady_clock::now();
  if (!copy) {
    copy = std::make_unique<SlicedCopy>();
    REDLINE_TRY(copy->start(from));
  }
  auto done = copy->step_until([&] { return ms_since(t0) >= budget_ms; });
  if (!done) return done.error();
  if (!*done) return std::optional<sql::Database>();
  std::optional<sql::Database> out(copy->take());
  copy.reset();
  return out;
}

}  // namespace

struct PrepareRunJob::Impl {
  sql::Database& before;
  NormalizeOptions options;
  std::unique_ptr<SlicedCopy> copy;
  sql::Database copied;
  std::unique_ptr<HazardJob> hazards;  // on `copied`
  PreparedRun out;

  Impl(sql::Database& b, NormalizeOptions o) : before(b), options(std::move(o)) {}

  Result<bool> work(double budget_ms) {
    if (!hazards) {
      auto done = copy_some(copy, before, budget_ms);
      if (!done) return done.error();
      if (!*done) return false;
      copied = std::move(**done);
      // Before the preflight's scratch tables make the temp database: auto-vacuum can
      // only be turned on while it holds no table, and without it the temp database
      // keeps the pages of M1's plan and M2's staging for the session (the run turns
      // it on for the same reason: NormalizeJob's without_undo).
      REDLINE_TRY(copied.exec("PRAGMA temp.auto_vacuum = FULL"));
      hazards = std::make_unique<HazardJob>(copied, options, true);
      return false;
    }
    auto h = outcome(hazards->step(budget_ms));
    if (!h || !*h) return h;
    out.hazards = hazards->hazards();
    out.m1_plan = hazards->kept_m1_plan();
    out.votes = hazards->kept_votes();
    hazards.reset();  // ended: its scratch tables stay
    out.copy = std::move(copied);
    out.options = options;
    return true;
  }

  Position position() const {
    if (!hazards) return {0.1 * (copy ? copy->fraction() : 0.0), "copy"};
    Progress p = hazards->progress();
    return {0.1 + 0.9 * p.fraction, p.phase};
  }

  // Nothing is kept: the copy and its scratch tables go.
  void abandon(const Error&) {
    copy.reset();
    hazards.reset();
    copied = sql::Database();
  }
};

PrepareRunJob::PrepareRunJob(sql::Database& before, NormalizeOptions options)
    : impl_(std::make_unique<Impl>(before, std::move(options))) {}
PrepareRunJob::~PrepareRunJob() = default;
Result<bool> PrepareRunJob::work(double budget_ms) { return impl_->work(budget_ms); }
Position PrepareRunJob::position() const { return impl_->position(); }
void PrepareRunJob::abandon(const Error& why) { impl_->abandon(why); }
PreparedRun PrepareRunJob::take() { return std::move(impl_->out); }

struct RunJob::Impl {
  enum class Phase { Copy, Normalize, Diff, Done };

  sql::Database& before;
  NormalizeOptions options;
  Report report;
  Phase phase = Phase::Copy;
  sql::Database after;
  std::unique_ptr<SlicedCopy> copy;
  std::unique_ptr<NormalizeJob> normalize;
  std::unique_ptr<diff::DiffJob> diff_job;
  std::shared_ptr<const diff::DiffResult> diff;
  std::unique_ptr<PreparedRun> prepared;  // until the copy phase takes it

  Impl(sql::Database& b, ReportInput input, NormalizeOptions o, std::unique_ptr<PreparedRun> p)
      : before(b), options(std::move(o)), prepared(std::move(p)) {
    report.input = std::move(input);
    report.timings = options.record_timings;
  }

  Result<bool> work(double budget_ms) {
    switch (phase) {
      case Phase::Copy: {
        if (prepared) {
          after = std::move(prepared->copy);
        } else {
          auto done = copy_some(copy, before, budget_ms);
          if (!done) return done.error();
          if (!*done) return false;
          after = std::move(**done);
        }
        normalize = std::make_unique<NormalizeJob>(after, options);
        normalize->set_no_undo();  // the copy is of no use unless the run ends Done
        // Other options: the run's own preflight (it drops the prepared scratch tables).
        if (prepared && same_preflight(prepared->options, options))
          normalize->adopt_preflight(std::move(prepared->hazards), prepared->m1_plan, prepared->votes);
        prepared.reset();
        phase = Phase::Normalize;
        return false;
      }
      case Phase::Normalize: {
        auto n = outcome(normalize->step(budget_ms));
        if (!n) normalize->fill_report(report);
        if (!n || !*n) return n;
        normalize->fill_report(report);
        diff_job = std::make_unique<diff::DiffJob>(before, after);
        phase = Phase::Diff;
        return false;
      }
      case Phase::Diff: {
        auto d = outcome(diff_job->step(budget_ms));
        if (!d || !*d) return d;
        auto result = std::make_shared<diff::DiffResult>(diff_job->take_result());
        diff_job.reset();
        auto summary = diff::summary_json(*result);
        if (!summary) return summary.error();
        nlohmann::ordered_json moves = report.diff.value("moves", nlohmann::ordered_json::array());
        report.diff = std::move(summary.value());
        if (!report.diff.contains("moves")) report.diff["moves"] = std::move(moves);
        diff = std::move(result);
        phase = Phase::Done;
        return true;
      }
      case Phase::Done: return true;
    }
    return true;
  }

  Position position() const {
    switch (phase) {
      case Phase::Copy: return {kCopyEnd * (copy ? copy->fraction() : 0.0), "copy"};
      case Phase::Normalize: {
        Progress n = normalize->progress();
        return {kCopyEnd + (kNormalizeEnd - kCopyEnd) * n.fraction, n.phase};
      }
      case Phase::Diff: {
        Progress d = diff_job->progress();
        return {kNormalizeEnd + (1.0 - kNormalizeEnd) * d.fraction, "diff: " + d.phase};
      }
      case Phase::Done: return {1.0, "done"};
    }
    return {};
  }

  // The run failed or was cancelled: its copy is not used again (the normalization
  // kept no undo of it), and the report says why.
  void abandon(const Error& e) {
    copy.reset();
    if (normalize) normalize->cancel();
    if (diff_job) diff_job->cancel();
    if (!report.error) report.error = e;
    if (report.status.empty() || report.status == "ok")
      report.status = e.code == ErrorCode::Cancelled ? "cancelled" : "failed";
  }
};

RunJob::RunJob(sql::Database& before, ReportInput input, NormalizeOptions options,
               std::unique_ptr<PreparedRun> prepared)
    : impl_(std::make_unique<Impl>(before, std::move(input), std::move(options), std::move(prepared))) {}
RunJob::~RunJob() = default;

Result<bool> RunJob::work(double budget_ms) { return impl_->work(budget_ms); }
Position RunJob::position() const { return impl_->position(); }
void RunJob::abandon(const Error& why) { impl_->abandon(why); }
Error RunJob::cancelled() const { return make_error(ErrorCode::Cancelled, "the run was cancelled"); }

const Report& RunJob::report() const { return impl_->report; }
sql::Database& RunJob::after() { return impl_->after; }
std::shared_ptr<const diff::DiffResult> RunJob::diff() const { return impl_->diff; }

RunOutput run_pipeline(sql::Database& before, ReportInput input, const NormalizeOptions& options) {
  RunJob job(before, std::move(input), options);
  Progress p;
  do {
    p = job.step(1e300);
  } while (p.state == JobState::More);
  RunOutput out;
  out.report = job.report();
  if (p.state == JobState::Error) {
    out.error = p.error;
  } else {
    out.after = std::move(job.after());
    out.diff = job.diff();
  }
  return out;
}

}  // namespace redline
