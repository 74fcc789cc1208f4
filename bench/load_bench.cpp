// Benchmark (not a test): snapshot load throughput per format, next to what the same
// machine does with the same bytes in the same run: read the file into memory, and
// memcpy it. Built natively and for node (wasm, cmake/wasm_cli.cmake), so the two
// can be compared file for file. Every figure is the median of --repeat runs,
// interleaved (read, memcpy, load, read, memcpy, load, ...) so a noisy neighbour on a
// shared machine hits all of them alike. Times are taken inside the process
// (std::chrono::steady_clock): process start-up is not counted. CPU time is taken
// too (getrusage natively; node's process.cpuUsage() in wasm, which also counts
// node's own helper threads): on a shared, overloaded machine it is the steadier
// figure, and the ratios are given for both.
//
//   redline_bench_load [--repeat R] [--json OUT.json] [--label L] FILE...
//
// For each FILE prints one line, and with --json writes a JSON array with one object
// per file: {"file", "format", "bytes", "rows", and for each step (read, read_file,
// memcpy, load, floor) its median wall and CPU ms and MB/s}.
//
// "floor" is the SQLite work any loader of these rows must do at least, measured on
// the loaded database itself: every table copied by INSERT INTO copy.t SELECT * FROM
// t into a fresh in-memory database with the same tables, then the same indexes
// built, in one transaction. A text loader's time above the floor is its parsing,
// conversion and binding.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "core/io.hpp"
#include "core/load/snapshot.hpp"

using namespace redline;
using namespace redline::bench;

namespace {

// The plainest read: one buffer of the file's size (kept between calls), read()
// until the end.
bool raw_read(const std::string& path, std::vector<std::uint8_t>& buf) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return false;
  struct stat st{};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return false;
  }
  buf.resize(static_cast<std::size_t>(st.st_size));
  std::size_t got = 0;
  while (got < buf.size()) {
    ssize_t n = ::read(fd, buf.data() + got, buf.size() - got);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return got == buf.size();
}

std::string json_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    o += c;
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 5;
  std::string json_out, label;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--repeat" && i + 1 < argc) repeat = std::max(1, std::atoi(argv[++i]));
    else if (a == "--json" && i + 1 < argc) json_out = argv[++i];
    else if (a == "--label" && i + 1 < argc) label = argv[++i];
    else if (a.rfind("--", 0) == 0) {
      std::fprintf(stderr, "usage: redline_bench_load [--repeat R] [--json OUT.json] [--label L] FILE...\n");
      return 2;
    } else files.push_back(a);
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: redline_bench_load [--repeat R] [--json OUT.json] [--label L] FILE...\n");
    return 2;
  }

  std::string json = "[";
  std::printf("%-10s %-9s %9s %9s | %10s %10s %10s %10s %10s | MB/s: %7s %7s %7s %7s\n", label.c_str(), "format",
              "MB", "rows", "read ms", "read_file", "memcpy ms", "load ms", "floor ms", "read", "rd_file", "memcpy",
              "load");
  for (const auto& file : files) {
    // wall and CPU ms per step: read(), read_file(), memcpy, load_snapshot(), floor
    std::vector<double> w[5], c[5];
    std::vector<std::uint8_t> bytes, dst;
    std::int64_t rows = 0;
    Format format = Format::Unknown;
    for (int r = 0; r < repeat; ++r) {
      // 1. read(): the file (hot in the page cache) into one buffer of its size, reused
      //    from the previous run so its pages are mapped: the kernel's copy speed. The
      //    cost of fresh pages shows in read_file() below.
      Span sp;
      if (!raw_read(file, bytes)) {
        std::fprintf(stderr, "bench: cannot read %s\n", file.c_str());
        return 2;
      }
      sp.stop(w[0], c[0]);
      // 2. read_file(): what the CLI and the loaders' callers use.
      {
        Span s2;
        auto rf = read_file(file);
        s2.stop(w[1], c[1]);
        if (!rf) {
          std::fprintf(stderr, "bench: %s\n", rf.error().describe().c_str());
          return 2;
        }
      }
      // 3. memcpy of the bytes into a buffer whose pages are already mapped.
      if (dst.size() != bytes.size()) dst.assign(bytes.size(), 0);
      {
        Span s3;
        std::memcpy(dst.data(), bytes.data(), bytes.size());
        s3.stop(w[2], c[2]);
      }
      if (std::memcmp(dst.data(), bytes.data(), std::min<std::size_t>(bytes.size(), 4096)) != 0) return 3;
      // 4. load_snapshot(): recognition, parsing, the in-memory database, indexes.
      Span s4;
      auto snap = load_snapshot(bytes, file);
      s4.stop(w[3], c[3]);
      if (!snap) {
        std::fprintf(stderr, "bench: %s\n", snap.error().describe().c_str());
        return 2;
      }
      rows = 0;
      for (const auto& [t, n] : snap->summary.tables) rows += n;
      format = snap->summary.format;
      // 5. the floor, on the database just loaded.
      if (!copy_floor(snap->db, w[4], c[4])) return 2;
    }
    const double mb = static_cast<double>(bytes.size()) / 1e6;
    double mw[5], mc[5];
    for (int k = 0; k < 5; ++k) {
      mw[k] = median(w[k]);
      mc[k] = median(c[k]);
    }
    auto rate = [&](double ms) { return ms > 0 ? mb / (ms / 1000.0) : 0.0; };
    std::printf("%-10s %-9s %9.1f %9lld | %10.1f %10.1f %10.1f %10.1f %10.1f | MB/s: %7.0f %7.0f %7.0f %7.1f"
                " | load cpu %.1f ms = %.1f MB/s, floor cpu %.1f ms\n",
                label.c_str(), format_name(format), mb, static_cast<long long>(rows), mw[0], mw[1], mw[2], mw[3],
                mw[4], rate(mw[0]), rate(mw[1]), rate(mw[2]), rate(mw[3]), mc[3], rate(mc[3]), mc[4]);
    std::fflush(stdout);
    const char* names[5] = {"read", "read_file", "memcpy", "load", "floor"};
    std::string obj = std::string(json.size() > 1 ? "," : "") + "\n {\"label\": \"" + json_escape(label) +
                      "\", \"file\": \"" + json_escape(file) + "\", \"format\": \"" + format_name(format) +
                      "\", \"bytes\": " + std::to_string(bytes.size()) + ", \"rows\": " + std::to_string(rows) +
                      ", \"repeat\": " + std::to_string(repeat);
    for (int k = 0; k < 5; ++k) {
      char buf[256];
      std::snprintf(buf, sizeof buf,
                    ", \"%s_ms\": %.3f, \"%s_cpu_ms\": %.3f, \"%s_mbps\": %.2f, \"%s_cpu_mbps\": %.2f", names[k],
                    mw[k], names[k], mc[k], names[k], rate(mw[k]), names[k], rate(mc[k]));
      obj += buf;
    }
    json += obj + "}";
  }
  json += "\n]\n";
  if (!json_out.empty()) {
    auto w = write_file(json_out, json);
    if (!w) {
      std::fprintf(stderr, "bench: %s\n", w.error().describe().c_str());
      return 2;
    }
  }
  return 0;
}
