#include "core/pipeline.hpp"

#include <chrono>
#include <optional>

#include "core/migrate/normalize.hpp"
#include "core/sliced_copy.hpp"

namespace redline {

namespace {
// Share of the progress bar per phase: the copy is quick, normalization dominates.
constexpr double kCopyEnd = 0.05;
constexpr double kNormalizeEnd = 0.70;

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

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

  Impl(sql::Database& b, ReportInput input, NormalizeOptions o) : before(b), options(std::move(o)) {
    report.input = std::move(input);
    report.timings = options.record_timings;
  }

  Result<bool> work(double budget_ms) {
    switch (phase) {
      case Phase::Copy: {
        auto t0 = std::chrono::steady_clock::now();
        if (!copy) {
          copy = std::make_unique<SlicedCopy>();
          REDLINE_TRY(copy->start(before));
        }
        auto copied = copy->step_until([&] { return ms_since(t0) >= budget_ms; });
        if (!copied || !*copied) return copied;
        after = copy->take();
        copy.reset();
        normalize = std::make_unique<NormalizeJob>(after, options);
        normalize->set_no_undo();  // the copy is of no use unless the run ends Done
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

RunJob::RunJob(sql::Database& before, ReportInput input, NormalizeOptions options)
    : impl_(std::make_unique<Impl>(before, std::move(input), std::move(options))) {}
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
