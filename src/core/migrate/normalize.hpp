// The normalization itself (spec §2): expand (E1-E3), migrate data (M1-M3), contract
// (C1-C3), index (I1), then Django's bookkeeping (P1), run on the loaded snapshot
// exactly as Django would, as set-based SQL. A resumable job: every step is a unit
// of work, all of them inside one SAVEPOINT, so a failure, a cancel or a --strict
// refusal leaves the database byte-identical to what was loaded (unless the caller
// asked for no undo: set_no_undo()).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "core/migrate/hazards.hpp"
#include "core/job.hpp"
#include "core/migrate/normalize_options.hpp"
#include "core/review/report.hpp"
#include "core/sqlite.hpp"

namespace redline {

class NormalizeJob final : public Job {
 public:
  // `db` (the loaded snapshot) must outlive the job. Nothing happens before step().
  NormalizeJob(sql::Database& db, NormalizeOptions options);
  ~NormalizeJob();  // a job that has not finished is rolled back
  NormalizeJob(const NormalizeJob&) = delete;
  NormalizeJob& operator=(const NormalizeJob&) = delete;

  // step(): the first slices run the preflight (hazards, what is already done); then
  // the steps E1 E2 E3 M1 M2 M3 C1 C2 C3 I1 P1, a slice at a time; then the final
  // checks and the commit. cancel() undoes everything (the run's SAVEPOINT).

  const NormalizeOptions& options() const;  // with `now` filled in
  const std::vector<Hazard>& hazards() const;
  const std::vector<StepRecord>& steps() const;
  // Options, hazards, steps, status and error into `report` (input, diff and checks
  // are left as they are).
  void fill_report(Report& report) const;

  // Test hook, called after every statement a step runs (index counts from 0 within
  // the step); an error it returns fails the step like an SQL error would.
  using StatementHook = std::function<Status(std::string_view step_id, std::size_t index, std::string_view sql)>;
  void set_statement_hook(StatementHook hook);

  // Called after the last step, before the changes are kept: an error rolls the run
  // back and ends it as "refused" (the verification checklist plugs in here).
  using CommitCheck = std::function<Status(sql::Database& db)>;
  void set_commit_check(CommitCheck check);

  // For a database the caller throws away unless the run ends Done (RunJob's copy of
  // the snapshot): the run keeps no rollback journal, so it holds no copy of the pages
  // it rewrites (most of the whole run's memory above its two databases). A failure,
  // a cancel or a refusal then leaves the database as the run left it (the report
  // still says "rolled_back": nothing of it is kept). Before the first step().
  void set_no_undo();

  // The preflight already made on this database, unchanged since, with options whose
  // hazards are these (same_preflight()): the hazards, and whether its scratch tables
  // (M1's plan, M3's vote) were kept. The run then does not look for them again
  // (RunJob with a PreparedRun). Before the first step().
  void adopt_preflight(std::vector<Hazard> hazards, bool m1_plan, bool votes);

 private:
  Result<bool> work(double budget_ms) override;
  Position position() const override;
  void abandon(const Error& why) override;
  Error cancelled() const override;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Run the whole normalization at once. The report's error is set when the run did
// not finish (the database is then unchanged).
Report normalize(sql::Database& db, const NormalizeOptions& options, ReportInput input = {});

}  // namespace redline
