#include "core/pipeline.hpp"

#include <optional>

#include "core/normalize.hpp"

namespace redline {

namespace {
// Share of the progress bar per phase: the copy is quick, normalization dominates.
constexpr double kCopyEnd = 0.05;
constexpr double kNormalizeEnd = 0.70;
}  // namespace

struct RunJob::Impl {
  enum class Phase { Copy, Normalize, Diff, Done, Failed };

  sql::Database& before;
  NormalizeOptions options;
  Report report;
  Phase phase = Phase::Copy;
  sql::Database after;
  std::unique_ptr<NormalizeJob> normalize;
  std::unique_ptr<diff::DiffJob> diff_job;
  std::shared_ptr<const diff::DiffResult> diff;
  std::optional<Error> error;

  Impl(sql::Database& b, ReportInput input, NormalizeOptions o) : before(b), options(std::move(o)) {
    report.input = std::move(input);
    report.timings = options.record_timings;
  }

  Progress fail(Error e) {
    phase = Phase::Failed;
    error = e;
    if (!report.error) report.error = e;
    if (report.status.empty()) report.status = e.code == ErrorCode::Cancelled ? "cancelled" : "failed";
    Progress p;
    p.state = JobState::Error;
    p.error = std::move(e);
    p.phase = "failed";
    return p;
  }
};

RunJob::RunJob(sql::Database& before, ReportInput input, NormalizeOptions options)
    : impl_(std::make_unique<Impl>(before, std::move(input), std::move(options))) {}
RunJob::~RunJob() = default;

Progress RunJob::step(double budget_ms) {
  Impl& m = *impl_;
  Progress p;
  switch (m.phase) {
    case Impl::Phase::Copy: {
      auto copy = m.before.clone();
      if (!copy) return m.fail(copy.error());
      m.after = std::move(copy.value());
      m.normalize = std::make_unique<NormalizeJob>(m.after, m.options);
      m.phase = Impl::Phase::Normalize;
      p.fraction = kCopyEnd;
      p.phase = "copy";
      return p;
    }
    case Impl::Phase::Normalize: {
      Progress n = m.normalize->step(budget_ms);
      if (n.state == JobState::Error) {
        m.normalize->fill_report(m.report);
        return m.fail(n.error.value_or(make_error(ErrorCode::Internal, "normalization failed")));
      }
      p.fraction = kCopyEnd + (kNormalizeEnd - kCopyEnd) * n.fraction;
      p.phase = n.phase;
      if (n.state == JobState::Done) {
        m.normalize->fill_report(m.report);
        m.diff_job = std::make_unique<diff::DiffJob>(m.before, m.after);
        m.phase = Impl::Phase::Diff;
      }
      return p;
    }
    case Impl::Phase::Diff: {
      Progress d = m.diff_job->step(budget_ms);
      if (d.state == JobState::Error) return m.fail(d.error.value_or(make_error(ErrorCode::Internal, "diff failed")));
      p.fraction = kNormalizeEnd + (1.0 - kNormalizeEnd) * d.fraction;
      p.phase = "diff: " + d.phase;
      if (d.state == JobState::Done) {
        auto result = std::make_shared<diff::DiffResult>(m.diff_job->take_result());
        m.diff_job.reset();
        auto summary = diff::summary_json(*result);
        if (!summary) return m.fail(summary.error());
        nlohmann::ordered_json moves = m.report.diff.value("moves", nlohmann::ordered_json::array());
        m.report.diff = std::move(summary.value());
        if (!m.report.diff.contains("moves")) m.report.diff["moves"] = std::move(moves);
        m.diff = std::move(result);
        m.phase = Impl::Phase::Done;
        p.state = JobState::Done;
        p.fraction = 1.0;
        p.phase = "done";
      }
      return p;
    }
    case Impl::Phase::Done:
      p.state = JobState::Done;
      p.fraction = 1.0;
      p.phase = "done";
      return p;
    case Impl::Phase::Failed:
      p.state = JobState::Error;
      p.error = m.error;
      p.phase = "failed";
      return p;
  }
  return p;
}

void RunJob::cancel() {
  Impl& m = *impl_;
  if (m.phase == Impl::Phase::Done || m.phase == Impl::Phase::Failed) return;
  if (m.normalize) m.normalize->cancel();
  if (m.diff_job) m.diff_job->cancel();
  m.fail(make_error(ErrorCode::Cancelled, "the run was cancelled"));
}

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
