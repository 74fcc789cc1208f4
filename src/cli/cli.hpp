// Shared pieces of the native `redline` command: argument parsing, error printing
// and exit codes (spec §5: 0 success, 1 --strict with a blocker or failed check,
// 2 bad input or usage). Each command lives in its own cmd_*.cpp file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/load/snapshot.hpp"
#include "core/migrate/normalize_options.hpp"
#include "core/result.hpp"

namespace redline::cli {

constexpr int kExitOk = 0;
constexpr int kExitStrict = 1;
constexpr int kExitBadInput = 2;

struct Args {
  std::vector<std::string> positional;
  std::vector<std::pair<std::string, std::string>> options;  // --name value
  std::vector<std::string> flags;                            // --name (no value)

  std::string get(const std::string& name) const;
  bool has(const std::string& name) const;  // option or flag given
};

// Parse argv[first..]: options listed in `with_value` take the next argument,
// those in `flags` take none; anything else starting with "--" is a usage error.
Result<Args> parse_args(int argc, char** argv, int first, const std::vector<std::string>& with_value,
                        const std::vector<std::string>& flags = {});

int usage_error(const std::string& msg);  // prints msg and usage, returns 2
int fail(const Error& e);                 // prints "redline: error: ...", returns 2

// The snapshot file at `path`, and for a SQLite file in WAL mode `path`-wal when that
// file is beside it (said on stderr).
struct InputFiles {
  std::vector<std::uint8_t> bytes;
  std::optional<WalInput> wal;
};
Result<InputFiles> read_input(const std::string& path);
// The snapshot at `path` loaded (load_snapshot) with its -wal (read_input);
// `main_bytes`, if given, receives the file's bytes (a checksum is of them).
Result<Snapshot> load_input(const std::string& path, std::vector<std::uint8_t>* main_bytes = nullptr);

// The run's options: from the JSON file of --options when given, else the defaults.
Result<NormalizeOptions> options_arg(const Args& args);

// One command: its name, its usage lines, and its entry point (argv[1] is the name).
struct Command {
  const char* name;
  const char* usage;
  int (*run)(int argc, char** argv);
};

int cmd_load(int argc, char** argv);
int cmd_demo(int argc, char** argv);
int cmd_diff(int argc, char** argv);
int cmd_export(int argc, char** argv);
int cmd_normalize(int argc, char** argv);
int cmd_script(int argc, char** argv);
int cmd_verify(int argc, char** argv);

}  // namespace redline::cli
