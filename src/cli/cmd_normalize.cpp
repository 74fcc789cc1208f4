// `redline normalize SNAPSHOT --out AFTER.sqlite3 [--report R.json] [--options O.json]
// [--now TS] [--strict]`: load a snapshot, run the normalization, write the result
// and the report. Exit 0 done, 1 refused (a blocker under --strict or the "stop"
// resolution), 2 bad input or usage.
#include <cstdio>

#include "cli/cli.hpp"
#include "core/io.hpp"
#include "core/normalize.hpp"
#include "core/pipeline.hpp"
#include "core/snapshot.hpp"

namespace redline::cli {

int cmd_normalize(int argc, char** argv) {
  auto args = parse_args(argc, argv, 2, {"--out", "--report", "--options", "--now"}, {"--strict"});
  if (!args) return usage_error(args.error().message);
  if (args->positional.size() != 1) return usage_error("normalize takes exactly one SNAPSHOT");
  const std::string out = args->get("--out");
  if (out.empty()) return usage_error("normalize needs --out AFTER.sqlite3");
  const std::string& in = args->positional[0];

  NormalizeOptions options;
  if (args->has("--options")) {
    std::string path = args->get("--options");
    auto text = read_file(path);
    if (!text) return fail(text.error());
    auto parsed = options_from_json(std::string_view(reinterpret_cast<const char*>(text->data()), text->size()), path);
    if (!parsed) return fail(parsed.error());
    options = std::move(parsed.value());
  }
  if (args->has("--now")) {
    options.now = args->get("--now");
    if (!is_valid_timestamp(options.now))
      return usage_error("--now '" + options.now + "' is not a timestamp 'YYYY-MM-DD HH:MM:SS[.ffffff]'");
  }
  if (args->has("--strict")) options.strict = true;

  auto bytes = read_file(in);
  if (!bytes) return fail(bytes.error());
  auto snap = load_snapshot(*bytes, in);
  if (!snap) return fail(snap.error());

  // The same pipeline as the page (copy, normalize, diff, report), so the same input,
  // options and --now give the same bytes here and there.
  RunOutput run = run_pipeline(snap->db, report_input(snap->summary, *bytes), options);
  Report& report = run.report;

  for (const auto& h : report.hazards)
    std::printf("hazard %s (%s): %s\n", h.kind.c_str(), to_string(h.severity), h.message.c_str());
  for (const auto& s : report.steps) {
    std::printf("%s %-12s %8.1f ms %10lld rows  %s\n", s.id.c_str(), s.status.c_str(), s.ms,
                static_cast<long long>(s.rows_affected), s.title.c_str());
  }
  if (args->has("--report")) {
    auto w = write_file(args->get("--report"), report.to_json_text());
    if (!w) return fail(w.error());
  }
  if (run.error) {
    const Error& e = *run.error;
    if (report.status == "refused") {
      std::fprintf(stderr, "redline: refused: %s\n", e.describe().c_str());
      return kExitStrict;
    }
    Error named = e;
    named.context = in + (e.context.empty() ? "" : "; " + e.context);
    return fail(named);
  }

  // The image SQLite holds in memory, written as is: same input, options and --now
  // give a byte-identical file.
  auto image = run.after.serialize();
  if (!image) return fail(image.error());
  auto w = write_file(out, *image);
  if (!w) return fail(w.error());
  std::printf("normalized %s (%s) -> %s\n", in.c_str(), format_name(snap->summary.format), out.c_str());
  return kExitOk;
}

}  // namespace redline::cli
