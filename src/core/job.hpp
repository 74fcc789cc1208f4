// Shared types of resumable core jobs (demo generation, loading, normalization...).
// The web page cannot block its one thread for seconds, so long work is written as a
// job whose step(budget_ms) does a slice of the work and reports how far it got; the
// native code simply calls step() until the job is no longer More.
#pragma once

#include <optional>
#include <string>

#include "core/result.hpp"

namespace redline {

enum class JobState { More, Done, Error };

struct Progress {
  JobState state = JobState::More;
  double fraction = 0.0;        // 0..1, for a progress bar
  std::string phase;            // what the job is doing now, for people ("users", ...)
  std::optional<Error> error;   // set when state == Error
};

}  // namespace redline
