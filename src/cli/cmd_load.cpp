// `redline load SNAPSHOT --out FILE.sqlite3`: load any supported export into the
// canonical SQLite form and write it out, with the load summary on stdout.
#include <cstdio>

#include "cli/cli.hpp"
#include "core/io.hpp"
#include "core/snapshot.hpp"

namespace redline::cli {

int cmd_load(int argc, char** argv) {
  auto args = parse_args(argc, argv, 2, {"--out"});
  if (!args) return usage_error(args.error().message);
  if (args->positional.size() != 1) return usage_error("load takes exactly one SNAPSHOT");
  std::string out = args->get("--out");
  if (out.empty()) return usage_error("load needs --out FILE.sqlite3");
  const std::string& in = args->positional[0];

  auto bytes = read_file(in);
  if (!bytes) return fail(bytes.error());
  auto snap = load_snapshot(*bytes, in);
  if (!snap) return fail(snap.error());
  auto saved = snap->db.save_to_file(out);
  if (!saved) return fail(saved.error());

  const auto& s = snap->summary;
  long long rows = 0;
  for (const auto& [t, n] : s.tables) rows += n;
  std::printf("loaded %s (%s, %llu bytes): %zu tables, %lld rows in %.1f ms -> %s\n", in.c_str(),
              format_name(s.format), static_cast<unsigned long long>(s.bytes), s.tables.size(), rows,
              s.ms, out.c_str());
  std::printf("snapshot: %s\n", s.recognition.c_str());
  for (const auto& [kind, n] : s.skipped) std::printf("skipped: %lld %s\n", static_cast<long long>(n), kind.c_str());
  for (const auto& w : s.warnings) std::printf("warning: %s\n", w.c_str());
  return kExitOk;
}

}  // namespace redline::cli
