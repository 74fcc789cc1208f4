// `redline normalize SNAPSHOT --out AFTER.sqlite3 [--report R.json] [--report-md R.md]
// [--report-html R.html] [--csv-dir DIR] [--ticks T.json] [--options O.json] [--now TS]
// [--strict]`: load a snapshot, run the normalization, write the result and the report.
// With any report, --csv-dir or --strict, the run is reviewed: moves and the
// verification checklist go into the report (diff.moves, checks) beside the diff;
// --report-md / --report-html write it for people, --csv-dir writes <table>.csv with
// the changed rows of every table that has any; --ticks carries a person's ticks of the
// manual checklist items ({"frontend_employee_list": true, ...}, see core/checks.hpp).
// Exit 0 done, 1 refused (a blocker or a failed check under --strict, or the "stop"
// resolution; nothing is written to --out), 2 bad input or usage.
#include <cstdio>
#include <optional>

#include "cli/cli.hpp"
#include "core/io.hpp"
#include "core/migrate/normalize.hpp"
#include "core/pipeline.hpp"
#include "core/review/report_render.hpp"
#include "core/review/review.hpp"
#include "core/load/snapshot.hpp"
#include "core/version.hpp"

namespace redline::cli {

namespace {

// A table name as a file name: letters, digits, '_', '-', '.'; anything else '_'.
std::string file_name_for(const std::string& table) {
  std::string out;
  for (char c : table) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    out += ok ? c : '_';
  }
  return out.empty() || out[0] == '.' ? "_" + out : out;
}

// The report files the user asked for (JSON, Markdown, HTML) and the CSV exports.
Status write_reports(const Args& args, const Report& report, const RenderOptions& ro) {
  if (args.has("--report")) REDLINE_TRY(write_file(args.get("--report"), report.to_json_text()));
  if (args.has("--report-md")) {
    auto md = render_markdown(report, ro);
    if (!md) return md.error();
    REDLINE_TRY(write_file(args.get("--report-md"), *md));
  }
  if (args.has("--report-html")) {
    auto html = render_html(report, ro);
    if (!html) return html.error();
    REDLINE_TRY(write_file(args.get("--report-html"), *html));
  }
  if (args.has("--csv-dir") && ro.diff && ro.before && ro.after) {
    const std::string dir = args.get("--csv-dir");
    for (const auto& t : ro.diff->tables) {
      if (!t.has_row_changes()) continue;
      auto csv = diff::export_csv_string(*ro.before, *ro.after, t);
      if (!csv) return csv.error();
      REDLINE_TRY(write_file(dir + "/" + file_name_for(t.name) + ".csv", *csv));
    }
  }
  return ok_status();
}

}  // namespace

int cmd_normalize(int argc, char** argv) {
  auto args = parse_args(argc, argv, 2,
                         {"--out", "--report", "--report-md", "--report-html", "--csv-dir", "--ticks", "--options", "--now"},
                         {"--strict"});
  if (!args) return usage_error(args.error().message);
  if (args->positional.size() != 1) return usage_error("normalize takes exactly one SNAPSHOT");
  const std::string out = args->get("--out");
  if (out.empty()) return usage_error("normalize needs --out AFTER.sqlite3");
  const std::string& in = args->positional[0];

  auto parsed_options = options_arg(*args);
  if (!parsed_options) return fail(parsed_options.error());
  NormalizeOptions options = std::move(parsed_options.value());
  if (args->has("--now")) {
    options.now = args->get("--now");
    if (!is_valid_timestamp(options.now))
      return usage_error("--now '" + options.now + "' is not a timestamp 'YYYY-MM-DD HH:MM:SS[.ffffff]'");
  }
  if (args->has("--strict")) options.strict = true;
  ManualTicks ticks;
  if (args->has("--ticks")) {
    std::string path = args->get("--ticks");
    auto text = read_file(path);
    if (!text) return fail(text.error());
    auto parsed = ticks_from_json(std::string_view(reinterpret_cast<const char*>(text->data()), text->size()), path);
    if (!parsed) return fail(parsed.error());
    ticks = std::move(parsed.value());
  }
  const bool review = options.strict || args->has("--report") || args->has("--report-md") ||
                      args->has("--report-html") || args->has("--csv-dir");

  std::vector<std::uint8_t> main_bytes;
  auto snap = load_input(in, &main_bytes);
  if (!snap) return fail(snap.error());

  // The same pipeline as the page (copy, normalize, diff, report), so the same input,
  // options and --now give the same bytes here and there.
  RunOutput run = run_pipeline(snap->db, report_input(snap->summary, main_bytes), options);
  Report& report = run.report;

  for (const auto& h : report.hazards)
    std::printf("hazard %s (%s): %s\n", h.kind.c_str(), to_string(h.severity), h.message.c_str());
  for (const auto& s : report.steps) {
    std::printf("%s %-12s %8.1f ms %10lld rows  %s\n", s.id.c_str(), s.status.c_str(), s.ms,
                static_cast<long long>(s.rows_affected), s.title.c_str());
  }

  // The after image as the run left it, taken before the review: the POST checks
  // write into the after database and roll back, and a rollback does not restore the
  // bytes of the free pages SQLite reused, so an image taken after the review would
  // depend on whether there was one (--report). The page exports this same image.
  std::optional<std::vector<std::uint8_t>> image;
  if (!run.error) {
    auto taken = run.after.serialize();
    if (!taken) return fail(taken.error());
    image = std::move(taken.value());
  }

  // The review: where the moved values went and the verification checklist, on the
  // before (the loaded snapshot, untouched) against the after the run produced.
  RenderOptions ro;
  ro.generator = std::string("Redline ") + kVersion;
  std::optional<Review> rv;
  bool refused = false;
  if (!run.error && review) {
    auto r = review_run(snap->db, run.after, options, &ticks, run.diff);
    if (!r) return fail(r.error());
    rv = std::move(r.value());
    auto filled = fill_review(report, *rv);
    if (!filled) return fail(filled.error());
    const auto& checks = rv->checks;
    CheckCounts n = count_checks(checks);
    std::printf("checks: %d passed, %d failed, %d warnings, %d manual\n", n.pass, n.fail, n.warn, n.manual);
    for (const auto& it : checks)
      if (it.status == CheckStatus::Fail || it.status == CheckStatus::Warn)
        std::printf("check %s %s: %s\n", to_string(it.status), it.id.c_str(), it.detail.c_str());
    if (options.strict) {
      Status verdict = strict_verdict(checks);
      if (!verdict) {
        // Refused after the fact: nothing is kept (no --out), as a rolled-back run.
        refused = true;
        report.status = "refused";
        report.error = verdict.error();
        for (auto& s : report.steps)
          if (s.status == "done") s.status = "rolled_back";
      }
    }
    ro.diff = rv->diff.get();
    ro.before = &snap->db;
    ro.after = &run.after;
  }
  if (Status w = write_reports(*args, report, ro); !w) return fail(w.error());
  if (refused) {
    std::fprintf(stderr, "redline: refused: %s\n", report.error->describe().c_str());
    return kExitStrict;
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

  // The image SQLite held in memory after the run, written as is: same input, options
  // and --now give a byte-identical file, with or without a review.
  auto w = write_file(out, *image);
  if (!w) return fail(w.error());
  std::printf("normalized %s (%s) -> %s\n", in.c_str(), format_name(snap->summary.format), out.c_str());
  return kExitOk;
}

}  // namespace redline::cli
