// Shared types of resumable core jobs (demo generation, loading, normalization...).
// The web page cannot block its one thread for seconds, so long work is written as a
// job whose step(budget_ms) does a slice of the work and reports how far it got; the
// native code simply calls step() until the job is no longer More.
#pragma once

#include <chrono>
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

// The progress of a job that has ended (`ended`) or failed (`error`, which wins) or
// goes on, at `fraction`, doing `phase`.
inline Progress job_progress(std::string phase, double fraction, bool ended, const std::optional<Error>& error) {
  Progress p;
  p.phase = std::move(phase);
  p.fraction = fraction;
  if (error) {
    p.state = JobState::Error;
    p.error = error;
  } else {
    p.state = ended ? JobState::Done : JobState::More;
  }
  return p;
}

}  // namespace redline
