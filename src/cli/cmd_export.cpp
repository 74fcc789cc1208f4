// `redline export SNAPSHOT --format pgdump|dumpdata --out FILE`: load any supported
// snapshot and write it as pg_dump plain SQL or Django dumpdata JSON (core/export.hpp).
#include <cstdio>
#include <string>

#include "cli/cli.hpp"
#include "core/review/export.hpp"
#include "core/io.hpp"
#include "core/load/snapshot.hpp"

namespace redline::cli {

int cmd_export(int argc, char** argv) {
  auto args = parse_args(argc, argv, 2, {"--format", "--out"});
  if (!args) return usage_error(args.error().message);
  if (args->positional.size() != 1) return usage_error("export takes exactly one SNAPSHOT");
  std::string out = args->get("--out");
  if (out.empty()) return usage_error("export needs --out FILE");
  if (!args->has("--format")) return usage_error("export needs --format pgdump|dumpdata");
  auto format = parse_export_format(args->get("--format"));
  if (!format) return usage_error(format.error().message);
  const std::string& in = args->positional[0];

  auto snap = load_input(in);
  if (!snap) return fail(snap.error());

  ExportSummary summary;
  auto text = export_snapshot(snap->db, *format, &summary);
  if (!text) return fail(text.error());
  // Written under a temporary name, then renamed: never a partial file at `out`.
  std::string tmp = out + ".redline-tmp";
  auto written = write_file(tmp, *text);
  if (!written) {
    std::remove(tmp.c_str());
    return fail(written.error());
  }
  if (std::rename(tmp.c_str(), out.c_str()) != 0) {
    std::remove(tmp.c_str());
    return fail(make_error(ErrorCode::Io, "cannot write the output file", out));
  }
  long long rows = 0;
  for (const auto& [t, n] : summary.tables) rows += n;
  std::printf("exported %s (%s) as %s: %zu tables, %lld rows, %llu bytes -> %s\n", in.c_str(),
              format_name(snap->summary.format), export_format_name(*format), summary.tables.size(), rows,
              static_cast<unsigned long long>(summary.bytes), out.c_str());
  for (const auto& w : summary.warnings) std::printf("warning: %s\n", w.c_str());
  return kExitOk;
}

}  // namespace redline::cli
