#include "cli/timings.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#if defined(__linux__)
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace redline::cli {

namespace {

double wall_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double cpu_ms() { return 1000.0 * static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

// Resident and peak resident memory in MiB (0 where the system does not say).
void memory_mib(double& rss, double& peak) {
  rss = peak = 0;
#if defined(__linux__)
  if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
    long size = 0, resident = 0;
    if (std::fscanf(f, "%ld %ld", &size, &resident) == 2)
      rss = static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1 << 20);
    std::fclose(f);
  }
  struct rusage ru {};
  if (getrusage(RUSAGE_SELF, &ru) == 0) peak = static_cast<double>(ru.ru_maxrss) / 1024.0;
#endif
}

}  // namespace

Timings::Timings(bool on) : on_(on), start_wall_(wall_ms()), start_cpu_(cpu_ms()), wall_(start_wall_), cpu_(start_cpu_) {
  if (on_) std::fprintf(stderr, "timings: %-48s %9s %9s %9s %9s\n", "phase", "wall ms", "cpu ms", "rss MiB", "peak MiB");
}

void Timings::line(const std::string& what, double wall0, double cpu0) {
  double rss, peak;
  memory_mib(rss, peak);
  line(what, wall0, cpu0, rss, peak);
}

void Timings::line(const std::string& what, double wall0, double cpu0, double rss, double peak) {
  std::fprintf(stderr, "timings: %-48s %9.1f %9.1f %9.1f %9.1f\n", what.c_str(), wall_ - wall0, cpu_ - cpu0, rss, peak);
}

void Timings::finish(engine::Engine& engine) {
  if (!on_) return engine.finish();
  // Consecutive pumps with the same name (the export's short steps) make one line:
  // printed when the next name comes, with the memory after its last pump.
  std::string open;
  double w0 = wall_, c0 = cpu_, rss = 0, peak = 0;
  while (engine.job().active) {
    // A pump runs the stage's next piece: named by where the job stood before it and
    // where it stands after ("run: diff: opening > done" is the diff).
    std::string what = engine.job().stage + ": " + engine.job().phase;
    engine.pump(1e300);
    what += " > " + (engine.job().active ? engine.job().phase : std::string("idle"));
    if (what != open) {
      if (!open.empty()) line(open, w0, c0, rss, peak);  // it ended where this pump began
      open = what;
      w0 = wall_;
      c0 = cpu_;
    }
    wall_ = wall_ms();
    cpu_ = cpu_ms();
    memory_mib(rss, peak);
  }
  if (!open.empty()) line(open, w0, c0, rss, peak);
}

void Timings::mark(const std::string& what) {
  if (!on_) return;
  const double w0 = wall_, c0 = cpu_;
  wall_ = wall_ms();
  cpu_ = cpu_ms();
  line(what, w0, c0);
}

void Timings::total() {
  if (!on_) return;
  wall_ = wall_ms();
  cpu_ = cpu_ms();
  line("total", start_wall_, start_cpu_);
}

}  // namespace redline::cli
