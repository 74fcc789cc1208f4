// The review of a finished run (issue "Show every change"): where the moved values
// went (moves) and the verification checklist, beside the run's diff of before against
// after, put into the report's "diff" and "checks" (spec §5) by fill_review. The engine
// (src/engine), which the page and the CLI both drive, runs it as a ReviewJob after
// RunJob, which made the diff.
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

// review_run() as a resumable job: the moves (MovesJob), then the checklist
// (ChecksJob), a slice of about budget_ms per step. `diff` is the run's diff (RunJob
// made it); the databases must outlive the job.
class ReviewJob final : public Job {
 public:
  ReviewJob(sql::Database& before, sql::Database& after, const NormalizeOptions& options,
            std::shared_ptr<const diff::DiffResult> diff, const ManualTicks* ticks = nullptr);
  ~ReviewJob();
  ReviewJob(const ReviewJob&) = delete;
  ReviewJob& operator=(const ReviewJob&) = delete;
  Review take_result();  // once step() returned Done

 private:
  Result<bool> work(double budget_ms) override;
  Position position() const override;
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
