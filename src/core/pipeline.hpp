// The whole run that the page and the CLI share, so they produce the same bytes:
// copy the loaded snapshot (the "before" stays untouched), normalize the copy, diff
// before against after, and fill the report (spec §5). A resumable job: each
// step(budget_ms) advances one phase by about budget_ms.
#pragma once

#include <memory>

#include "core/diff/diff.hpp"
#include "core/job.hpp"
#include "core/migrate/hazards.hpp"
#include "core/migrate/normalize_options.hpp"
#include "core/review/report.hpp"
#include "core/sqlite.hpp"

namespace redline {

// The start of a run, made ahead of it while the user looks at the loaded snapshot
// (the page's load): the copy of the before that the run normalizes, and the hazards
// found on it with `options`, their scratch tables kept (M1's plan, M3's vote). The
// page shows those hazards before any run, and a run then starts at its first step.
struct PreparedRun {
  sql::Database copy;
  NormalizeOptions options;
  std::vector<Hazard> hazards;
  bool m1_plan = false, votes = false;
};

// Makes a PreparedRun: the copy, then the preflight on it. `before` must outlive the
// job and is never modified.
class PrepareRunJob final : public Job {
 public:
  PrepareRunJob(sql::Database& before, NormalizeOptions options);
  ~PrepareRunJob();
  PrepareRunJob(const PrepareRunJob&) = delete;
  PrepareRunJob& operator=(const PrepareRunJob&) = delete;

  // After Done, once.
  PreparedRun take();

 private:
  Result<bool> work(double budget_ms) override;
  Position position() const override;
  void abandon(const Error& why) override;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class RunJob final : public Job {
 public:
  // `before` must outlive the job and is never modified. cancel(): nothing is kept.
  // With `prepared` (of this `before`, unchanged since) the run normalizes its copy,
  // and takes its hazards when same_preflight() says they are the options' own.
  RunJob(sql::Database& before, ReportInput input, NormalizeOptions options,
         std::unique_ptr<PreparedRun> prepared = nullptr);
  ~RunJob();
  RunJob(const RunJob&) = delete;
  RunJob& operator=(const RunJob&) = delete;

  // The report so far; complete once step() returned Done (or Error: then it says
  // which step failed and why; `after` is then the copy as the failure left it, not
  // a result: the normalization keeps no undo of it).
  const Report& report() const;
  // After Done: the normalized database and the diff of before against it.
  sql::Database& after();
  std::shared_ptr<const diff::DiffResult> diff() const;

 private:
  Result<bool> work(double budget_ms) override;
  Position position() const override;
  void abandon(const Error& why) override;
  Error cancelled() const override;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Run the whole pipeline at once (the CLI).
struct RunOutput {
  sql::Database after;
  Report report;
  std::shared_ptr<const diff::DiffResult> diff;
  std::optional<Error> error;  // set when the run did not finish
};
RunOutput run_pipeline(sql::Database& before, ReportInput input, const NormalizeOptions& options);

}  // namespace redline
