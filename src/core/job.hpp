// The one contract of the core's long work (demo generation, loading, the preflight,
// the normalization, the diff, the review, images...), modelled on SQLite's
// sqlite3_backup_step(): a job advances by step(budget_ms), a slice of about budget_ms,
// and says More, Done or Error. The engine runs in a worker that steps its job in
// slices of ~50 ms so that a cancel takes effect quickly and progress shows; native
// callers step with an unbounded budget until the job is no longer More.
//
// What every job gets from the base class Job, so no job writes it again:
// - a sticky end: once Done or Error, every later step() returns the same and does
//   nothing;
// - progress() (fraction and phase) without stepping;
// - cancel(): the job undoes what it wrote to a database the caller keeps (its
//   SAVEPOINT rolled back) at once, and the next step() returns Error (Cancelled);
// - one guard: anything a slice throws (std::bad_alloc, nlohmann's exceptions, any
//   std::exception, anything else) ends the job with an Error value; nothing thrown
//   leaves a step().
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "core/result.hpp"

namespace redline {

enum class JobState { More, Done, Error };

struct Progress {
  JobState state = JobState::More;
  double fraction = 0.0;        // 0..1, for a progress bar
  std::string phase;            // what the job is doing now, for people ("users", ...)
  std::optional<Error> error;   // set when state == Error
};

// When a step() given `budget_ms` from now must stop. A budget past what the clock can
// hold (the blocking callers pass 1e300) never stops it: converting it to a duration
// as it is would overflow (undefined, and in practice a deadline already past).
inline std::chrono::steady_clock::time_point deadline_after(double budget_ms) {
  using Clock = std::chrono::steady_clock;
  const auto now = Clock::now();
  const double room_us = std::chrono::duration<double, std::micro>(Clock::time_point::max() - now).count();
  if (!(budget_ms * 1000.0 < room_us)) return Clock::time_point::max();
  return now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::micro>(budget_ms * 1000.0));
}

// Milliseconds from t0 to now, on the clock budgets are counted on.
inline double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// Where a job is, for people: what progress() reports besides its state.
struct Position {
  double fraction = 0.0;
  std::string phase;
};

class Job {
 public:
  virtual ~Job() = default;
  Job(Job&&) noexcept = default;
  Job& operator=(Job&&) noexcept = default;

  // About budget_ms of work. More: call again; Done or Error: the job is over.
  Progress step(double budget_ms);
  // The state, fraction and phase now, without doing any work.
  Progress progress() const;
  // Stop: what the job wrote to the caller's database is undone now, and the next
  // step() returns Error with ErrorCode::Cancelled. Nothing once the job is over.
  void cancel();

  bool running() const { return !done_ && !error_; }
  bool done() const { return done_; }
  const std::optional<Error>& error() const { return error_; }

 protected:
  Job() = default;
  // One slice of about budget_ms: true when the job is done, an error to end it. It may
  // throw (step() turns that into the error).
  virtual Result<bool> work(double budget_ms) = 0;
  virtual Position position() const = 0;
  // Called once when the job ends in an error or is cancelled (`why` says which): undo
  // what it wrote to a database the caller keeps, free what it holds. Whatever it
  // throws is dropped: the job has already failed.
  virtual void abandon(const Error& why) { (void)why; }
  // The error a cancel ends the job with.
  virtual Error cancelled() const { return make_error(ErrorCode::Cancelled, "cancelled", safe_phase()); }

 private:
  void end_with(Error e);
  std::string safe_phase() const;  // position().phase, or "" if that throws

  bool done_ = false;
  std::optional<Error> error_;
};

// The outcome of a sub-job's step() as a parent job's work() takes it: Done is true,
// More false, Error the error.
inline Result<bool> outcome(const Progress& p) {
  if (p.state == JobState::Error) return p.error.value_or(make_error(ErrorCode::Internal, "a job failed", p.phase));
  return p.state == JobState::Done;
}

// Work as a queue of tasks, for a job whose steps are planned as they come: a task runs
// one slice per call and says whether it has finished; a task may queue follow-ups,
// which run right after it (in the order it queued them): that is how a step that must
// look at the database before deciding what to do plans its statements when its turn
// comes.
class StepQueue {
 public:
  using Task = std::function<Result<bool>()>;  // true: finished
  void then(Task t);
  bool empty() const { return q_.empty(); }
  void clear() { q_.clear(); }
  // One slice of the first task; the error of a task that failed.
  Status run_one();

 private:
  std::deque<Task> q_;
  std::size_t at_ = 0;       // where a running task's follow-ups go
  bool running_ = false;
};

}  // namespace redline
