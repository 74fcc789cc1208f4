// The native `redline` command: the core engine without UI, for scripts, tests and
// benchmarks. Exit codes (spec §5): 0 success, 1 --strict with a blocker or failed
// check, 2 bad input or usage.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "core/io.hpp"
#include "core/snapshot.hpp"
#include "core/version.hpp"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitBadInput = 2;

const char* kUsage =
    "usage:\n"
    "  redline --version\n"
    "  redline load SNAPSHOT --out FILE.sqlite3\n"
    "\n"
    "SNAPSHOT is a SQLite database file, a pg_dump plain SQL file or Django dumpdata JSON;\n"
    "its format is recognized from its content.\n";

int usage_error(const std::string& msg) {
  std::fprintf(stderr, "redline: %s\n\n%s", msg.c_str(), kUsage);
  return kExitBadInput;
}

int fail(const redline::Error& e) {
  std::fprintf(stderr, "redline: error: %s\n", e.describe().c_str());
  return kExitBadInput;
}

// Options of the form --name VALUE after the positional arguments.
struct Args {
  std::vector<std::string> positional;
  std::vector<std::pair<std::string, std::string>> options;
  std::string get(const std::string& name) const {
    for (auto& [k, v] : options) if (k == name) return v;
    return {};
  }
};

redline::Result<Args> parse_args(int argc, char** argv, int first,
                                 const std::vector<std::string>& with_value) {
  Args a;
  for (int i = first; i < argc; ++i) {
    std::string s = argv[i];
    if (s.rfind("--", 0) == 0) {
      bool takes = false;
      for (auto& w : with_value) takes = takes || w == s;
      if (!takes) return redline::make_error(redline::ErrorCode::Usage, "unknown option " + s);
      if (i + 1 >= argc) return redline::make_error(redline::ErrorCode::Usage, s + " needs a value");
      a.options.emplace_back(s, argv[++i]);
    } else {
      a.positional.push_back(s);
    }
  }
  return a;
}

int cmd_load(int argc, char** argv) {
  auto args = parse_args(argc, argv, 2, {"--out"});
  if (!args) return usage_error(args.error().message);
  if (args->positional.size() != 1) return usage_error("load takes exactly one SNAPSHOT");
  std::string out = args->get("--out");
  if (out.empty()) return usage_error("load needs --out FILE.sqlite3");
  const std::string& in = args->positional[0];

  auto bytes = redline::read_file(in);
  if (!bytes) return fail(bytes.error());
  auto snap = redline::load_snapshot(*bytes, in);
  if (!snap) return fail(snap.error());
  auto saved = snap->db.save_to_file(out);
  if (!saved) return fail(saved.error());

  const auto& s = snap->summary;
  std::int64_t rows = 0;
  for (auto& [t, n] : s.tables) rows += n;
  std::printf("loaded %s (%s, %llu bytes): %zu tables, %lld rows in %.1f ms -> %s\n", in.c_str(),
              redline::format_name(s.format), static_cast<unsigned long long>(s.bytes),
              s.tables.size(), static_cast<long long>(rows), s.ms, out.c_str());
  for (auto& w : s.warnings) std::printf("warning: %s\n", w.c_str());
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage_error("no command given");
  std::string cmd = argv[1];
  if (cmd == "--version" || cmd == "version") {
    std::printf("redline %s\n", redline::kVersion);
    return kExitOk;
  }
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::fputs(kUsage, stdout);
    return kExitOk;
  }
  if (cmd == "load") return cmd_load(argc, argv);
  return usage_error("unknown command '" + cmd + "'");
}
