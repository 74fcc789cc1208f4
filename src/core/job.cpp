// The base of every resumable job (job.hpp): the sticky end, cancel and the one guard
// that keeps anything thrown inside a slice from leaving it.
#include "core/job.hpp"

#include <exception>
#include <new>

namespace redline {

std::string Job::safe_phase() const {
  try {
    return position().phase;
  } catch (...) {
    return {};
  }
}

void Job::end_with(Error e) {
  if (done_ || error_) return;
  error_ = std::move(e);
  try {
    abandon(*error_);
  } catch (...) {
    // The job has failed already; what is left of it goes with its owner.
  }
}

Progress Job::step(double budget_ms) {
  if (running()) {
    // The guard: the core's errors are values, and an exception (an allocation that
    // failed, a JSON value of the wrong type, a bug) must not unwind through the
    // engine into the worker's loop or the CLI: it ends this job, rolled back.
    try {
      Result<bool> r = work(budget_ms);
      if (!r) end_with(r.error());
      else done_ = *r;
    } catch (const std::bad_alloc&) {
      end_with(make_error(ErrorCode::Internal, "out of memory", safe_phase()));
    } catch (const std::exception& e) {
      end_with(make_error(ErrorCode::Internal, std::string("unexpected failure: ") + e.what(), safe_phase()));
    } catch (...) {
      end_with(make_error(ErrorCode::Internal, "unexpected failure", safe_phase()));
    }
  }
  return progress();
}

Progress Job::progress() const {
  Progress p;
  try {
    Position at = position();
    p.fraction = at.fraction;
    p.phase = std::move(at.phase);
  } catch (...) {
  }
  if (error_) {
    p.state = JobState::Error;
    p.error = error_;
  } else if (done_) {
    p.state = JobState::Done;
    p.fraction = 1.0;
  }
  return p;
}

void Job::cancel() {
  if (!running()) return;
  Error e = make_error(ErrorCode::Cancelled, "cancelled");
  try {
    e = cancelled();
  } catch (...) {
  }
  end_with(std::move(e));
}

void StepQueue::then(Task t) {
  if (running_) q_.insert(q_.begin() + static_cast<std::ptrdiff_t>(at_++), std::move(t));
  else q_.push_back(std::move(t));
}

Status StepQueue::run_one() {
  if (q_.empty()) return ok_status();
  // Taken out first: the follow-ups it queues go to the front.
  Task t = std::move(q_.front());
  q_.pop_front();
  running_ = true;
  at_ = 0;
  Result<bool> r = make_error(ErrorCode::Internal, "unreachable");
  try {
    r = t();
  } catch (...) {
    running_ = false;
    q_.clear();
    throw;
  }
  running_ = false;
  if (!r) {
    q_.clear();
    return r.error();
  }
  if (!*r) q_.push_front(std::move(t));
  return ok_status();
}

}  // namespace redline
