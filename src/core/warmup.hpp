// The engine run once, end to end, on a tiny generated snapshot whose results are
// thrown away: for the web page, which runs it in idle frames after it starts.
//
// Why: a browser compiles each WebAssembly function at its first call, on the page's
// one thread (Chromium: Liftoff, lazily). Without this the first real load pays for
// compiling SQLite, the loader and the preflight inside its first slices: one slice of
// 40-100 ms that cannot be split, enough for a frame gap past 100 ms on a slow machine.
// Run here first, the same code is compiled before the user's file arrives.
//
// It is also a self-test of the build: the tiny snapshot goes through every loader
// (SQLite file, pg_dump, dumpdata), the hazard preflight, the run and the review, and
// anything but a clean run is an error.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/job.hpp"

namespace redline {

class WarmupJob final {
 public:
  WarmupJob();
  ~WarmupJob();
  WarmupJob(const WarmupJob&) = delete;
  WarmupJob& operator=(const WarmupJob&) = delete;

  // About budget_ms of work (each stage's first slice may take longer: that is the
  // compilation this job is for). Done when every stage ran; Error names the stage.
  Progress step(double budget_ms);

  // The stages finished so far, in order ("demo", "load pgdump", "run", ...).
  const std::vector<std::string>& stages_done() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace redline
