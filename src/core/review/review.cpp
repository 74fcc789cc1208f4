#include "core/review/review.hpp"

#include <chrono>

namespace redline {

Result<Review> review_run(sql::Database& before, sql::Database& after, const NormalizeOptions& options,
                          const ManualTicks* ticks, std::shared_ptr<const diff::DiffResult> diff) {
  if (!diff) {
    auto d = diff::diff_databases(before, after);
    if (!d) return d.error();
    diff = std::make_shared<const diff::DiffResult>(std::move(d.value()));
  }
  ReviewJob job(before, after, options, std::move(diff), ticks);
  for (;;) {
    Progress p = job.step(1e300);
    if (p.state == JobState::Error) return *p.error;
    if (p.state == JobState::Done) return job.take_result();
  }
}

struct ReviewJob::Impl {
  sql::Database& before;
  sql::Database& after;
  NormalizeOptions options;
  const ManualTicks* ticks;
  Review review;
  std::unique_ptr<MovesJob> moves;
  std::unique_ptr<ChecksJob> checks;
};

ReviewJob::ReviewJob(sql::Database& before, sql::Database& after, const NormalizeOptions& options,
                     std::shared_ptr<const diff::DiffResult> diff, const ManualTicks* ticks)
    : impl_(new Impl{before, after, options, ticks, {}, nullptr, nullptr}) {
  impl_->review.diff = std::move(diff);
  impl_->moves = std::make_unique<MovesJob>(before, after, moves_options(options));
}
ReviewJob::~ReviewJob() = default;

Result<bool> ReviewJob::work(double budget_ms) {
  Impl& m = *impl_;
  auto t0 = std::chrono::steady_clock::now();
  auto left = [&] {
    return budget_ms - ms_since(t0);
  };
  if (m.moves) {
    auto moved = outcome(m.moves->step(budget_ms));
    if (!moved || !*moved) return moved;
    m.review.moves = m.moves->take_result();
    m.moves.reset();
    ChecksInput in;
    in.before = &m.before;
    in.after = &m.after;
    in.moves = &m.review.moves;
    in.diff = m.review.diff.get();
    in.ticks = m.ticks;
    if (!m.options.now.empty()) in.now = m.options.now;
    m.checks = std::make_unique<ChecksJob>(std::move(in));
    if (left() <= 0) return false;
  }
  auto checked = outcome(m.checks->step(left() > 0 ? left() : 0.0));
  if (!checked || !*checked) return checked;
  m.review.checks = m.checks->take_result();
  m.checks.reset();
  return true;
}

Position ReviewJob::position() const {
  const Impl& m = *impl_;
  if (m.moves) {
    Progress mp = m.moves->progress();
    return {0.5 * mp.fraction, "moves" + (mp.phase.empty() ? std::string() : ": " + mp.phase)};
  }
  if (m.checks) {
    Progress cp = m.checks->progress();
    return {0.5 + 0.5 * cp.fraction, cp.phase};
  }
  return {1.0, "checks"};
}

Review ReviewJob::take_result() { return std::move(impl_->review); }

Status fill_review(Report& report, const diff::DiffResult* diff, const Moves* moves,
                   const std::vector<CheckItem>* checks) {
  try {
    if (diff) {
      auto s = diff::summary_json(*diff);
      if (!s) return s.error();
      nlohmann::ordered_json moves_part = report.diff.value("moves", nlohmann::ordered_json::array());
      report.diff = std::move(s.value());
      report.diff["moves"] = std::move(moves_part);
    }
    if (moves) report.diff["moves"] = moves->to_json();
    if (checks) report.checks = checks_json(*checks);
    return ok_status();
  } catch (const std::exception& e) {
    return make_error(ErrorCode::Internal, std::string("cannot fill the report: ") + e.what());
  }
}

}  // namespace redline
