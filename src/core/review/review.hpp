// The review of a finished run (issue "Show every change"): the generic diff of
// before against after, the moves, and the verification checklist, put into the
// report's "diff" and "checks" (spec §5). The CLI runs it after the normalization;
// the page can run its parts as jobs (DiffJob, MovesJob) and call fill_review.
#pragma once

#include <memory>
#include <vector>

#include "core/review/checks.hpp"
#include "core/diff/diff.hpp"
#include "core/review/moves.hpp"
#include "core/migrate/normalize_options.hpp"
#include "core/review/report.hpp"
#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace redline {

struct Review {
  std::shared_ptr<const diff::DiffResult> diff;
  Moves moves;
  std::vector<CheckItem> checks;
};

// Diff, moves and checks of `after` (the result of normalizing `before` with
// `options`). `ticks` may be null; `diff` is the diff of the two when the caller has
// it already (the pipeline makes one), else it is computed. Both databases are only
// read (the POST checks write in a transaction they roll back).
Result<Review> review_run(sql::Database& before, sql::Database& after, const NormalizeOptions& options,
                          const ManualTicks* ticks = nullptr,
                          std::shared_ptr<const diff::DiffResult> diff = nullptr);

// review_run() as a resumable job for the page: the moves (MovesJob), then the
// checklist (ChecksJob), a slice of about budget_ms per step. `diff` is the run's diff
// (the pipeline made it); the databases must outlive the job.
class ReviewJob final {
 public:
  ReviewJob(sql::Database& before, sql::Database& after, const NormalizeOptions& options,
            std::shared_ptr<const diff::DiffResult> diff, const ManualTicks* ticks = nullptr);
  ~ReviewJob();
  ReviewJob(const ReviewJob&) = delete;
  ReviewJob& operator=(const ReviewJob&) = delete;
  Progress step(double budget_ms);
  Review take_result();  // once step() returned Done

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// report.diff = {tables, schema (the diff's summary), moves}; report.checks = the items.
// Either part may be null and is then left as it is.
Status fill_review(Report& report, const diff::DiffResult* diff, const Moves* moves,
                   const std::vector<CheckItem>* checks);
inline Status fill_review(Report& report, const Review& review) {
  return fill_review(report, review.diff.get(), &review.moves, &review.checks);
}

}  // namespace redline
