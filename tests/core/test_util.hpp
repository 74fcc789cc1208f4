// Shared helpers for the native tests: fixture paths, temp files, running the CLI.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>

namespace redline::test {

// This thread's CPU time in ms: what a call costs, whatever else the (shared, busy)
// machine is doing meanwhile; wall time there can be several times longer.
inline double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return 1e3 * static_cast<double>(ts.tv_sec) + 1e-6 * static_cast<double>(ts.tv_nsec);
}

inline std::string fixture(const std::string& rel) { return std::string(REDLINE_FIXTURES_DIR) + "/" + rel; }
inline std::string test_data(const std::string& rel) { return std::string(REDLINE_TEST_DATA_DIR) + "/" + rel; }

// A fresh directory under the system temp dir, removed when the object goes away.
class TempDir {
 public:
  TempDir() {
    auto base = std::filesystem::temp_directory_path() / "redline-test-XXXXXX";
    std::string s = base.string();
    if (!mkdtemp(s.data())) throw std::runtime_error("mkdtemp failed");
    path_ = s;
  }
  ~TempDir() { std::error_code ec; std::filesystem::remove_all(path_, ec); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
 private:
  std::filesystem::path path_;
};

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout and stderr together
};

// Run the real `redline` binary with `args` (already shell-quoted by the caller).
inline RunResult run_cli(const std::string& args) {
  std::string cmd = std::string("'") + REDLINE_CLI_PATH + "' " + args + " 2>&1";
  RunResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline std::string shell_quote(const std::string& s) {
  std::string o = "'";
  for (char c : s) { if (c == '\'') o += "'\\''"; else o += c; }
  return o + "'";
}

}  // namespace redline::test
