#include "core/pipeline.hpp"

#include <sqlite3.h>

#include <chrono>
#include <optional>

#include "core/migrate/normalize.hpp"

namespace redline {

namespace {
// Share of the progress bar per phase: the copy is quick, normalization dominates.
constexpr double kCopyEnd = 0.05;
constexpr double kNormalizeEnd = 0.70;
// Pages the copy takes per slice (4 MB of 4 KB pages: a few milliseconds).
constexpr int kCopyPages = 1024;

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// The copy of the before, page by page (SQLite's online backup), so that a large
// snapshot is copied over several calls.
class SlicedCopy {
 public:
  ~SlicedCopy() {
    if (backup_) sqlite3_backup_finish(backup_);
  }
  Status start(sql::Database& from) {
    auto copy = sql::Database::open_memory();
    if (!copy) return copy.error();
    to_ = std::move(copy.value());
    backup_ = sqlite3_backup_init(to_.handle(), "main", from.handle(), "main");
    if (!backup_) return make_error(ErrorCode::Internal, "cannot copy the database", to_.last_message());
    return ok_status();
  }
  // One slice; true when the copy is complete.
  Result<bool> step() {
    int rc = sqlite3_backup_step(backup_, kCopyPages);
    if (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) return false;
    sqlite3_backup_finish(backup_);
    backup_ = nullptr;
    if (rc != SQLITE_DONE) return make_error(ErrorCode::Internal, "cannot copy the database", sqlite3_errstr(rc));
    // The copy must be as hardened as the original for the same untrusted content
    // (as Database::clone() does).
    sqlite3_db_config(to_.handle(), SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    sqlite3_db_config(to_.handle(), SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
    return true;
  }
  double fraction() const {
    if (!backup_) return 1.0;
    int total = sqlite3_backup_pagecount(backup_);
    return total > 0 ? 1.0 - static_cast<double>(sqlite3_backup_remaining(backup_)) / total : 0.0;
  }
  sql::Database take() { return std::move(to_); }

 private:
  sql::Database to_;
  sqlite3_backup* backup_ = nullptr;
};
}  // namespace

struct RunJob::Impl {
  enum class Phase { Copy, Normalize, Diff, Done, Failed };

  sql::Database& before;
  NormalizeOptions options;
  Report report;
  Phase phase = Phase::Copy;
  sql::Database after;
  std::unique_ptr<SlicedCopy> copy;
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
      auto t0 = std::chrono::steady_clock::now();
      if (!m.copy) {
        m.copy = std::make_unique<SlicedCopy>();
        if (Status s = m.copy->start(m.before); !s) return m.fail(s.error());
      }
      for (;;) {
        auto r = m.copy->step();
        if (!r) return m.fail(r.error());
        if (*r) break;
        if (ms_since(t0) >= budget_ms) {
          p.fraction = kCopyEnd * m.copy->fraction();
          p.phase = "copy";
          return p;
        }
      }
      m.after = m.copy->take();
      m.copy.reset();
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
  m.copy.reset();
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
