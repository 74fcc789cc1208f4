// Benchmark (not a test): every phase of a Redline session on one snapshot, so the
// suite (bench/scale) can show how each grows with the number of rows, natively and
// in wasm (node), against floors measured in the same run:
//   read      the SQLite file into memory (read_file) and memcpy of its bytes;
//   load      load_snapshot() of each format given (SQLite file, pg_dump, dumpdata);
//   floor     one plain INSERT ... SELECT * copy of every table (indexes after);
//   preflight find_hazards() with the default options;
//   normalize a copy of the loaded snapshot normalized (normalize(): its own preflight
//             and the steps E1..I1, P1);
//   diff      diff::diff_databases(before, after);
//   checks    review_run(): moves and the verification checklist;
//   report    the report filled and rendered as JSON and as HTML;
//   e2e       load (SQLite file) + preflight + normalize + diff + checks, what the
//             page does for "open a file, run it, see the result".
// Each measured --repeat times (medians). Peak memory: the process's peak RSS natively,
// the wasm heap's size at the end in wasm (it never shrinks, so it is the peak).
//
//   redline_bench_scale SNAPSHOT.sqlite3 [--pg FILE.sql] [--json FILE.json] [--repeat R]
//                       [--label L] [--out RESULT.json] [--save-after AFTER.sqlite3]
//
// Prints one line per phase and, with --out, writes {"label", "rows", "bytes": {...},
// "phases": {name: {"wall_ms", "cpu_ms"}}, "peak_bytes", "rows_per_table"}.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "core/diff/diff.hpp"
#include "core/migrate/hazards.hpp"
#include "core/io.hpp"
#include "core/migrate/normalize.hpp"
#include "core/review/report.hpp"
#include "core/review/report_render.hpp"
#include "core/review/review.hpp"
#include "core/load/snapshot.hpp"

using namespace redline;
using namespace redline::bench;

namespace {

struct Samples {
  std::vector<double> wall, cpu;
};

double peak_bytes() {
#ifdef __EMSCRIPTEN__
  return static_cast<double>(emscripten_get_heap_size());
#else
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) * 1024.0;  // Linux: kilobytes
#endif
}

std::string json_string(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    o += c;
  }
  return o + "\"";
}

}  // namespace

int main(int argc, char** argv) {
  std::string sqlite_path, pg_path, json_path, out_path, label = "native", save_after;
  int repeat = 3;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "bench: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--pg") pg_path = next();
    else if (a == "--json") json_path = next();
    else if (a == "--repeat") repeat = std::max(1, std::atoi(next().c_str()));
    else if (a == "--label") label = next();
    else if (a == "--out") out_path = next();
    else if (a == "--save-after") save_after = next();
    else if (!a.empty() && a[0] != '-' && sqlite_path.empty()) sqlite_path = a;
    else {
      std::fprintf(stderr, "usage: redline_bench_scale SNAPSHOT.sqlite3 [--pg F] [--json F] [--repeat R] "
                           "[--label L] [--out F] [--save-after F]\n");
      return 2;
    }
  }
  if (sqlite_path.empty()) {
    std::fprintf(stderr, "bench: give the snapshot (a SQLite file)\n");
    return 2;
  }

  std::map<std::string, Samples> phases;
  std::map<std::string, double> bytes;
  std::map<std::string, std::int64_t> tables;
  std::int64_t rows = 0;
  NormalizeOptions options;
  options.now = "2026-01-01 00:00:00";

  for (int r = 0; r < repeat; ++r) {
    // read and memcpy of the SQLite file
    Span sp_read;
    auto image = must(read_file(sqlite_path), "read " + sqlite_path);
    sp_read.stop(phases["read"].wall, phases["read"].cpu);
    bytes["sqlite"] = static_cast<double>(image.size());
    {
      std::vector<std::uint8_t> copy(image.size());
      std::memset(copy.data(), 0, copy.size());  // map the pages first: measure the copy
      Span sp;
      std::memcpy(copy.data(), image.data(), image.size());
      sp.stop(phases["memcpy"].wall, phases["memcpy"].cpu);
      if (copy[copy.size() / 2] != image[image.size() / 2]) return 3;  // keep the copy
    }

    // The text formats (loaded, then dropped).
    for (const auto& [name, path] : {std::pair<std::string, std::string>{"pgdump", pg_path}, {"dumpdata", json_path}}) {
      if (path.empty()) continue;
      auto text = must(read_file(path), "read " + path);
      bytes[name] = static_cast<double>(text.size());
      Span sp;
      auto snap = must(load_snapshot(text, path), "load " + path);
      sp.stop(phases["load_" + name].wall, phases["load_" + name].cpu);
    }

    // The SQLite file: the end-to-end sequence, phase by phase.
    Span e2e;
    Span sp;
    auto snap = must(load_snapshot(image, sqlite_path), "load " + sqlite_path);
    sp.stop(phases["load_sqlite"].wall, phases["load_sqlite"].cpu);
    sql::Database& before = snap.db;
    double e2e_wall = sp.wall(), e2e_cpu = sp.cpu();
    auto add_e2e = [&](const Span& s) {
      e2e_wall += s.wall();
      e2e_cpu += s.cpu();
    };
    {
      Span s;
      auto hazards = must(find_hazards(before, NormalizeOptions{}), "preflight");
      s.stop(phases["preflight"].wall, phases["preflight"].cpu);
      add_e2e(s);
    }
    Span sn;
    auto after = must(before.clone(), "clone");
    Report report = normalize(after, options, ReportInput{sqlite_path, "sqlite", "", {}});
    if (report.error) die("normalize", *report.error);
    sn.stop(phases["normalize"].wall, phases["normalize"].cpu);
    add_e2e(sn);
    Span sd;
    auto d = std::make_shared<const diff::DiffResult>(must(diff::diff_databases(before, after), "diff"));
    sd.stop(phases["diff"].wall, phases["diff"].cpu);
    add_e2e(sd);
    Span sc;
    auto review = must(review_run(before, after, options, nullptr, d), "checks");
    sc.stop(phases["checks"].wall, phases["checks"].cpu);
    add_e2e(sc);
    phases["e2e"].wall.push_back(e2e_wall);
    phases["e2e"].cpu.push_back(e2e_cpu);
    (void)e2e;
    Span sr;
    must(fill_review(report, review), "fill report");
    std::string json = report.to_json_text();
    std::string html = must(render_html(report), "render html");
    sr.stop(phases["report"].wall, phases["report"].cpu);
    bytes["report_json"] = static_cast<double>(json.size());
    bytes["report_html"] = static_cast<double>(html.size());

    if (r == 0) {
      tables = must(table_row_counts(before), "count");
      rows = 0;
      for (const auto& [t, n] : tables) rows += n;
      if (!save_after.empty()) must(write_file(save_after, must(after.serialize(), "serialize")), "save after");
    }
    // The floor last: it attaches a copy to `before`.
    if (!copy_floor(before, phases["floor"].wall, phases["floor"].cpu)) return 2;
  }

  std::printf("%s: %s, %lld rows, %.1f MB; median of %d, ms wall (cpu)\n", label.c_str(), sqlite_path.c_str(),
              static_cast<long long>(rows), bytes["sqlite"] / 1e6, repeat);
  for (const auto& [name, s] : phases)
    std::printf("  %-16s %10.1f (%10.1f)\n", name.c_str(), median(s.wall), median(s.cpu));
  std::printf("  peak memory %.1f MB\n", peak_bytes() / 1e6);
  if (!out_path.empty()) {
    std::string o = "{\"label\": " + json_string(label) + ", \"file\": " + json_string(sqlite_path) +
                    ", \"rows\": " + std::to_string(rows) + ", \"repeat\": " + std::to_string(repeat) +
                    ", \"bytes\": {";
    bool first = true;
    for (const auto& [k, v] : bytes) {
      o += std::string(first ? "" : ", ") + json_string(k) + ": " + std::to_string(static_cast<long long>(v));
      first = false;
    }
    o += "}, \"phases\": {";
    first = true;
    for (const auto& [name, s] : phases) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "{\"wall_ms\": %.3f, \"cpu_ms\": %.3f}", median(s.wall), median(s.cpu));
      o += std::string(first ? "" : ", ") + json_string(name) + ": " + buf;
      first = false;
    }
    o += "}, \"peak_bytes\": " + std::to_string(static_cast<long long>(peak_bytes())) + ", \"rows_per_table\": {";
    first = true;
    for (const auto& [t, n] : tables) {
      o += std::string(first ? "" : ", ") + json_string(t) + ": " + std::to_string(n);
      first = false;
    }
    o += "}}\n";
    must(write_file(out_path, o), "write " + out_path);
  }
  return 0;
}
