// What every benchmark in bench/ needs: clocks (wall and this process's CPU time,
// natively and in node), error exits, medians, and the SQLite floor that loads and
// normalizations are measured against. Benchmarks only, never linked into Redline.
#pragma once

#include <sys/resource.h>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#include <emscripten/heap.h>
#endif

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace redline::bench {

using Clock = std::chrono::steady_clock;

inline double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

#ifdef __EMSCRIPTEN__
// node's process.cpuUsage() (it also counts node's helper threads: compilation, GC).
EM_JS(double, bench_node_cpu_ms, (), {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
});
inline double cpu_now() { return bench_node_cpu_ms(); }
#else
// This process's CPU time: steadier than wall time on a shared machine.
inline double cpu_now() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec * 1000.0 + ru.ru_utime.tv_usec / 1000.0 + ru.ru_stime.tv_sec * 1000.0 +
         ru.ru_stime.tv_usec / 1000.0;
}
#endif

// Wall and CPU milliseconds of one measured step.
struct Span {
  Clock::time_point w0 = Clock::now();
  double c0 = cpu_now();
  double wall() const { return ms_since(w0); }
  double cpu() const { return cpu_now() - c0; }
  void stop(std::vector<double>& walls, std::vector<double>& cpus) const {
    walls.push_back(wall());
    cpus.push_back(cpu());
  }
};

[[noreturn]] inline void die(const std::string& what, const Error& e) {
  std::fprintf(stderr, "bench: %s: %s\n", what.c_str(), e.describe().c_str());
  std::exit(2);
}

template <typename T>
T must(Result<T> r, const std::string& what) {
  if (!r) die(what, r.error());
  return std::move(r.value());
}

inline void must(Status s, const std::string& what) {
  if (!s) die(what, s.error());
}

inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The SQLite floor: every table of `src` copied by INSERT INTO copy.t SELECT * FROM t
// into a fresh in-memory database with the same tables, then the same indexes built,
// in one transaction: what any loader or rewrite of these rows pays SQLite at least.
// Appends wall and CPU ms; false (after a message) on error.
inline bool copy_floor(sql::Database& src, std::vector<double>& walls, std::vector<double>& cpus) {
  if (!src.exec("ATTACH ':memory:' AS copy")) return false;
  std::vector<std::string> tables, indexes;
  {
    auto st = src.prepare(
        "SELECT type, name, sql FROM main.sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE "
        "'sqlite\\_%' ESCAPE '\\' ORDER BY rowid");
    if (!st) return false;
    for (;;) {
      auto r = st->step();
      if (!r) return false;
      if (*r == sql::StepResult::Done) break;
      std::string type = st->column_text(0), name = st->column_text(1), ddl = st->column_text(2);
      for (const char* head : {"CREATE TABLE ", "CREATE UNIQUE INDEX ", "CREATE INDEX "}) {
        std::string h = head;
        if (ddl.rfind(h, 0) != 0) continue;
        std::string into = h + "copy." + ddl.substr(h.size());
        if (type == "table") {
          if (!src.exec(into)) return false;
          tables.push_back(name);
        } else {
          indexes.push_back(into);
        }
        break;
      }
    }
  }
  Span sp;
  bool ok = static_cast<bool>(src.exec("BEGIN"));
  for (const auto& t : tables)
    ok = ok && src.exec("INSERT INTO copy." + sql::quote_ident(t) + " SELECT * FROM main." + sql::quote_ident(t));
  for (const auto& ix : indexes) ok = ok && src.exec(ix);
  ok = ok && src.exec("COMMIT");
  sp.stop(walls, cpus);
  if (!ok) std::fprintf(stderr, "bench: floor: %s\n", src.last_message().c_str());
  return ok && src.exec("DETACH copy");
}

}  // namespace redline::bench
