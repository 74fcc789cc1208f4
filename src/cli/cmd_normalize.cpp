// `redline normalize SNAPSHOT --out AFTER.sqlite3 [--report R.json] [--report-md R.md]
// [--report-html R.html] [--csv-dir DIR] [--ticks T.json] [--options O.json] [--now TS]
// [--strict] [--timings]`: load a snapshot, run the normalization, write the result and the report.
// With any report, --csv-dir or --strict, the run is reviewed: moves and the
// verification checklist go into the report (diff.moves, checks) beside the diff;
// --report-md / --report-html write it for people, --csv-dir writes <table>.csv with
// the changed rows of every table that has any; --ticks carries a person's ticks of the
// manual checklist items ({"frontend_employee_list": true, ...}, see core/checks.hpp).
// --timings prints each phase's wall and CPU time and memory to stderr (cli/timings.hpp).
// Exit 0 done, 1 refused (a blocker or a failed check under --strict, or the "stop"
// resolution; nothing is written to --out), 2 bad input or usage.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <utility>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "cli/cli.hpp"
#include "cli/timings.hpp"
#include "core/io.hpp"
#include "core/load/snapshot.hpp"
#include "engine/engine.hpp"

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

// The report files the user asked for (JSON, Markdown, HTML) and, after a review, the
// CSV exports: each as the engine gives it to the page's downloads.
Status write_reports(const Args& args, engine::Engine& engine, bool reviewed) {
  const std::pair<const char*, const char*> reports[] = {
      {"--report", "json"}, {"--report-md", "md"}, {"--report-html", "html"}};
  for (const auto& [option, format] : reports) {
    if (!args.has(option)) continue;
    auto text = engine.report_text(format);
    if (!text) return text.error();
    REDLINE_TRY(write_file(args.get(option), *text));
  }
  auto run = engine.run();
  if (args.has("--csv-dir") && reviewed && run->diff) {
    const std::string dir = args.get("--csv-dir");
    for (const auto& t : run->diff->tables) {
      if (!t.has_row_changes()) continue;
      auto csv = engine.table_csv(t.name);
      if (!csv) return csv.error();
      REDLINE_TRY(write_file(dir + "/" + file_name_for(t.name) + ".csv", *csv));
    }
  }
  return ok_status();
}

// The --out file while it is written: the after image's pages are streamed into
// "<out>.part" as the engine reads them (no second in-memory copy of the database), and
// it becomes <out> only once the run is kept; any other end removes it, so a refused or
// failed run leaves no --out (and an existing one untouched).
class PartFile {
 public:
  explicit PartFile(std::string out) : out_(std::move(out)), part_(out_ + ".part") {}
  PartFile(const PartFile&) = delete;
  PartFile& operator=(const PartFile&) = delete;
  ~PartFile() {
    if (f_) std::fclose(f_);
    if (opened_ && !kept_) std::remove(part_.c_str());
  }
  Status write(const std::uint8_t* bytes, std::size_t n) {
    if (!opened_) {
      f_ = std::fopen(part_.c_str(), "wb");
      if (!f_) return make_error(ErrorCode::Io, std::string("cannot create: ") + std::strerror(errno), part_);
      opened_ = true;
    }
    if (std::fwrite(bytes, 1, n, f_) != n) return make_error(ErrorCode::Io, "write error", part_);
    return ok_status();
  }
  // The image complete: <out> from the part written (an empty image if none was).
  Status keep() {
    if (!opened_) REDLINE_TRY(write(nullptr, 0));
    const bool closed = std::fclose(std::exchange(f_, nullptr)) == 0;
    if (!closed) return make_error(ErrorCode::Io, "write error", part_);
    if (std::rename(part_.c_str(), out_.c_str()) != 0)
      return make_error(ErrorCode::Io, std::string("cannot create: ") + std::strerror(errno), out_);
    kept_ = true;
    return ok_status();
  }

 private:
  std::string out_, part_;
  std::FILE* f_ = nullptr;
  bool opened_ = false, kept_ = false;
};

}  // namespace

int cmd_normalize(int argc, char** argv) {
#if defined(__GLIBC__)
  // Large blocks (SQLite's in-memory images, the after image, the diff's vectors) from
  // the heap and kept there once freed: by default each is a fresh mmap, given back on
  // free and faulted in again page by page by the next; ~5-8% of a 1M-row run's CPU
  // (measured), the peak RSS unchanged (what is live at the peak is the same).
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
  auto args = parse_args(argc, argv, 2,
                         {"--out", "--report", "--report-md", "--report-html", "--csv-dir", "--ticks", "--options", "--now"},
                         {"--strict", "--timings"});
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

  // The page's engine, driven to the end of each job: the same load, preflight, run
  // (copy, normalize, diff), review and export of the after image, so the same input,
  // options and --now give the same bytes here and there.
  Timings timings(args->has("--timings"));
  auto files = read_input(in);
  if (!files) return fail(files.error());
  timings.mark("read");
  engine::Engine engine;
  engine.set_page_preflight(false);  // the page's pre-run view; the run finds its own hazards
  engine.set_ticks(std::move(ticks));
  engine.start_load_file(std::move(files->bytes), in, std::move(files->wal));
  timings.finish(engine);
  if (engine.error()) return fail(*engine.error());
  const Format format = engine.loaded()->summary.format;
  engine.start_run(options);
  timings.finish(engine);
  auto run = engine.run();
  if (!run) return fail(engine.error().value_or(make_error(ErrorCode::Internal, "the run did not finish", in)));
  const Report& report = run->report;

  for (const auto& h : report.hazards)
    std::printf("hazard %s (%s): %s\n", h.kind.c_str(), to_string(h.severity), h.message.c_str());
  for (const auto& s : report.steps) {
    std::printf("%s %-12s %8.1f ms %10lld rows  %s\n", s.id.c_str(), s.status.c_str(), s.ms,
                static_cast<long long>(s.rows_affected), s.title.c_str());
  }

  // The run finished (diff made): the engine then reviewed it (moves and the
  // checklist, --strict's verdict). A failure there ends here.
  const bool finished = run->diff != nullptr;
  if (finished && engine.error()) return fail(*engine.error());
  bool refused = false;
  if (finished && review) {
    CheckCounts n = count_checks(run->checks);
    std::printf("checks: %d passed, %d failed, %d warnings, %d manual\n", n.pass, n.fail, n.warn, n.manual);
    for (const auto& it : run->checks)
      if (it.status == CheckStatus::Fail || it.status == CheckStatus::Warn)
        std::printf("check %s %s: %s\n", to_string(it.status), it.id.c_str(), it.detail.c_str());
    // Refused after the fact: nothing is kept (no --out), as a rolled-back run.
    refused = report.status == "refused";
  }
  if (Status w = write_reports(*args, engine, finished && review); !w) return fail(w.error());
  timings.mark("reports");
  if (refused) {
    std::fprintf(stderr, "redline: refused: %s\n", report.error->describe().c_str());
    return kExitStrict;
  }
  if (!finished) {
    const Error e = engine.error().value_or(report.error.value_or(make_error(ErrorCode::Internal, "the run failed")));
    if (report.status == "refused") {
      std::fprintf(stderr, "redline: refused: %s\n", e.describe().c_str());
      return kExitStrict;
    }
    Error named = e;
    named.context = in + (e.context.empty() ? "" : "; " + e.context);
    return fail(named);
  }

  // The after database's image, streamed to <out>.part as the engine reads its pages,
  // then renamed to <out>: same input, options and --now give a byte-identical file,
  // with or without a review (its free pages are blanked, whatever it rolled back).
  PartFile after_file(out);
  std::optional<Error> export_error;
  Status started = engine.start_after_export(
      [&after_file](const std::uint8_t* b, std::size_t n) { return after_file.write(b, n); },
      [&export_error](std::optional<Error> e) { export_error = std::move(e); });
  if (!started) return fail(started.error());
  timings.finish(engine);
  if (export_error) return fail(*export_error);
  if (Status kept = after_file.keep(); !kept) return fail(kept.error());
  timings.mark("keep");
  timings.total();
  std::printf("normalized %s (%s) -> %s\n", in.c_str(), format_name(format), out.c_str());
  return kExitOk;
}

}  // namespace redline::cli
