// Shared types of resumable core jobs (demo generation, loading, normalization...).
// The web page cannot block its one thread for seconds, so long work is written as a
// job whose step(budget_ms) does a slice of the work and reports how far it got; the
// native code simply calls step() until the job is no longer More.
#pragma once

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
