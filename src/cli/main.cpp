// The native `redline` command: the core engine without UI, for scripts, tests and
// benchmarks.
#include <cstdio>
#include <string>

#include "cli/cli.hpp"
#include "core/io.hpp"
#include "core/version.hpp"

namespace redline::cli {

namespace {

// Every command, in the order `redline --help` lists them.
const Command kCommands[] = {
    {"load", "redline load SNAPSHOT --out FILE.sqlite3", cmd_load},
    {"demo", "redline demo --employees N --seed S [--profile clean|dirty] --out FILE.sqlite3", cmd_demo},
    {"diff", "redline diff BEFORE AFTER [--json D.json]", cmd_diff},
    {"export", "redline export SNAPSHOT --format pgdump|dumpdata --out FILE", cmd_export},
    {"normalize", "redline normalize SNAPSHOT --out AFTER.sqlite3 [--report R.json] [--report-md R.md] [--report-html R.html] [--csv-dir DIR] [--ticks T.json] [--options O.json] [--now TS] [--strict] [--timings]", cmd_normalize},
    {"script", "redline script SNAPSHOT --target postgresql --out MIGRATION.sql [--options O.json] [--revert] [--batch-rows N]", cmd_script},
    {"verify", "redline verify BEFORE AFTER [--options O.json] [--report R.json] [--expected REF]", cmd_verify},
};

std::string usage_text() {
  std::string u = "usage:\n  redline --version\n";
  for (const auto& c : kCommands) u += std::string("  ") + c.usage + "\n";
  u += "\nSNAPSHOT is a SQLite database file, a pg_dump plain SQL file or Django dumpdata JSON;\n"
       "its format is recognized from its content.\n";
  return u;
}

}  // namespace

std::string Args::get(const std::string& name) const {
  for (const auto& [k, v] : options)
    if (k == name) return v;
  return {};
}

bool Args::has(const std::string& name) const {
  for (const auto& [k, v] : options)
    if (k == name) return true;
  for (const auto& f : flags)
    if (f == name) return true;
  return false;
}

Result<Args> parse_args(int argc, char** argv, int first, const std::vector<std::string>& with_value,
                        const std::vector<std::string>& flags) {
  Args a;
  auto listed = [](const std::vector<std::string>& v, const std::string& s) {
    for (const auto& x : v)
      if (x == s) return true;
    return false;
  };
  for (int i = first; i < argc; ++i) {
    std::string s = argv[i];
    if (s.rfind("--", 0) != 0) {
      a.positional.push_back(s);
    } else if (listed(flags, s)) {
      a.flags.push_back(s);
    } else if (listed(with_value, s)) {
      if (i + 1 >= argc) return make_error(ErrorCode::Usage, s + " needs a value");
      a.options.emplace_back(s, argv[++i]);
    } else {
      return make_error(ErrorCode::Usage, "unknown option " + s);
    }
  }
  return a;
}

Result<NormalizeOptions> options_arg(const Args& args) {
  if (!args.has("--options")) return NormalizeOptions{};
  const std::string path = args.get("--options");
  auto text = read_file(path);
  if (!text) return text.error();
  return options_from_json(std::string_view(reinterpret_cast<const char*>(text->data()), text->size()), path);
}

int usage_error(const std::string& msg) {
  std::fprintf(stderr, "redline: %s\n\n%s", msg.c_str(), usage_text().c_str());
  return kExitBadInput;
}

int fail(const Error& e) {
  std::fprintf(stderr, "redline: error: %s\n", e.describe().c_str());
  return kExitBadInput;
}

}  // namespace redline::cli

int main(int argc, char** argv) {
  using namespace redline::cli;
  if (argc < 2) return usage_error("no command given");
  std::string cmd = argv[1];
  if (cmd == "--version" || cmd == "version") {
    std::printf("redline %s\n", redline::kVersion);
    return kExitOk;
  }
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::fputs(usage_text().c_str(), stdout);
    return kExitOk;
  }
  for (const auto& c : kCommands)
    if (cmd == c.name) return c.run(argc, argv);
  return usage_error("unknown command '" + cmd + "'");
}
