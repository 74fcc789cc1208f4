// `--timings`: a phase-by-phase account of a command's whole run on stderr (wall and
// CPU milliseconds, resident and peak memory after each phase), to see where the time
// and memory of a run outside the normalization's own steps go. The engine is driven
// exactly as Engine::finish() drives it (pump until idle), a line per pump (pumps in a
// row with the same name summed in one), so the results are the same with or without it.
#pragma once

#include <string>

#include "engine/engine.hpp"

namespace redline::cli {

class Timings {
 public:
  explicit Timings(bool on);
  // Engine::finish(), with a line per pump when on.
  void finish(engine::Engine& engine);
  // A line for work done outside the engine since the last line ("read", "reports").
  void mark(const std::string& what);
  // The last line: the totals since the start.
  void total();

 private:
  void line(const std::string& what, double wall0, double cpu0);  // memory as it is now
  void line(const std::string& what, double wall0, double cpu0, double rss, double peak);
  bool on_;
  double start_wall_, start_cpu_, wall_, cpu_;
};

}  // namespace redline::cli
