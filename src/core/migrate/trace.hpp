// The normalization replayed step by step on a copy of a snapshot, for people who
// want to see what each step does (issue #15's plan and stepper): the same
// NormalizeJob the run uses, with the same options, stopped at every step boundary
// to record per table which rows the step created, changed or removed (with a few
// example rows before and after) and to keep the database state after the step.
// Nothing of it reaches the loaded snapshot: the replay works on a copy, inside the
// run's own SAVEPOINT, which is rolled back when the trace is dropped.
//
// Every state is kept (a table is copied again only when a step changed it), so this
// is for demo-sized snapshots: callers refuse snapshots above kTraceRowLimit.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/job.hpp"
#include "core/migrate/normalize_options.hpp"
#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace redline {

// Above this many rows in the snapshot a trace is not made (every state of every
// changed table is kept in memory): the UI says so and shows the step table only.
inline constexpr std::int64_t kTraceRowLimit = 200000;
// Keys listed per kind of change of a table in a step (counts are always exact).
inline constexpr std::size_t kTraceKeyLimit = 20000;
// Example rows kept per kind of change of a table in a step.
inline constexpr std::size_t kTraceExamples = 3;

struct TraceExample {
  std::string kind;  // created, changed, removed
  std::int64_t key = 0;
  nlohmann::ordered_json before;  // column -> value (null when the row did not exist)
  nlohmann::ordered_json after;
};

// What one step did to one table.
struct TableEffect {
  std::string table;
  std::string key;  // the column the rows are matched on: "id", or "rowid"
  bool table_created = false, table_dropped = false;
  std::int64_t rows_before = 0, rows_after = 0;
  std::int64_t created = 0, changed = 0, removed = 0;
  // The keys (ascending, at most kTraceKeyLimit each; *_complete says whether all are).
  std::vector<std::int64_t> created_keys, changed_keys, removed_keys;
  bool keys_complete = true;
  std::vector<std::string> columns_added, columns_dropped;
  std::vector<TraceExample> examples;
  bool touched() const {
    return table_created || table_dropped || created || changed || removed || !columns_added.empty() ||
           !columns_dropped.empty();
  }
  nlohmann::ordered_json to_json() const;
};

struct StepTrace {
  std::string id, phase, title, records, done_when;  // from the step table (steps.hpp)
  std::string status;  // as the run's report: done, already_done, or "not reached"
  std::string note;
  std::vector<std::string> sql;  // the statements the run executes, in order
  std::int64_t rows_affected = 0;
  std::vector<TableEffect> tables;  // the tables the step touched, by name
  nlohmann::ordered_json to_json() const;
};

struct Trace {
  std::vector<StepTrace> steps;  // every step of the step table, in run order
  std::optional<Error> error;    // the run would stop here (e.g. an unresolved blocker)
  nlohmann::ordered_json to_json() const;
};

// The row of `from` (a table name, quoted, with its schema) whose `key_expr` is `key`,
// as column -> value (integers, reals and text as they are, blobs described); null
// when there is none.
Result<nlohmann::ordered_json> row_as_json(sql::Database& db, const std::string& from, const std::string& key_expr,
                                           std::int64_t key);

// The step table (steps.hpp) as a trace that has not run: every step "not reached".
Trace untraced_steps();

class TraceJob final : public Job {
 public:
  // `before` (the loaded snapshot) is copied at the first step and only read; it must
  // outlive the first step.
  TraceJob(sql::Database& before, NormalizeOptions options);
  ~TraceJob();
  TraceJob(const TraceJob&) = delete;
  TraceJob& operator=(const TraceJob&) = delete;

  // Complete once step() said Done (steps not reached yet say "not reached").
  const Trace& trace() const;
  // Rows [offset, offset+limit) of `table` as the database stood after `state` steps
  // (0: before the run; k: after the k-th step of the step table), by key, with the
  // tables of that state: {state, step, tables: [{name, rows}], table, columns,
  // rows: [[...]], total, offset}. Only once the job is done.
  Result<nlohmann::ordered_json> state_rows(std::size_t state, const std::string& table, std::size_t offset,
                                            std::size_t limit);

 private:
  Result<bool> work(double budget_ms) override;
  Position position() const override;
  void abandon(const Error& why) override;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace redline
