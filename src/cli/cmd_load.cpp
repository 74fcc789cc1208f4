// `redline load SNAPSHOT --out FILE.sqlite3`: load any supported export into the
// canonical SQLite form and write it out, with the load summary on stdout.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "cli/cli.hpp"
#include "core/io.hpp"
#include "core/load/snapshot.hpp"

namespace redline::cli {

namespace {

// Write the database under a temporary name beside `out`, then rename it over `out`
// (atomic within one file system): a load or a write that fails never leaves a
// partial file at `out`, and an existing `out` is only ever replaced by a whole one.
Status save_atomically(sql::Database& db, const std::string& out) {
  std::string tmp = out + ".redline-tmp-XXXXXX";
  int fd = mkstemp(tmp.data());
  if (fd < 0) {
    return make_error(ErrorCode::Io, std::string("cannot create the output file: ") + std::strerror(errno), out);
  }
  // mkstemp makes the file private (0600); give it the mode a new file would get.
  mode_t mask = umask(0);
  umask(mask);
  (void)fchmod(fd, 0666 & ~mask);
  close(fd);
  auto discard = [&tmp] {
    std::remove(tmp.c_str());
    std::remove((tmp + "-journal").c_str());
  };
  Status saved = db.save_to_file(tmp);
  if (!saved) {
    discard();
    Error e = saved.error();
    e.context = out + (e.context.empty() ? "" : "; " + e.context);
    return e;
  }
  if (std::rename(tmp.c_str(), out.c_str()) != 0) {
    int err = errno;
    discard();
    return make_error(ErrorCode::Io, std::string("cannot write the output file: ") + std::strerror(err), out);
  }
  return ok_status();
}

}  // namespace

int cmd_load(int argc, char** argv) {
  auto args = parse_args(argc, argv, 2, {"--out"});
  if (!args) return usage_error(args.error().message);
  if (args->positional.size() != 1) return usage_error("load takes exactly one SNAPSHOT");
  std::string out = args->get("--out");
  if (out.empty()) return usage_error("load needs --out FILE.sqlite3");
  const std::string& in = args->positional[0];

  auto snap = load_input(in);
  if (!snap) return fail(snap.error());
  auto saved = save_atomically(snap->db, out);
  if (!saved) return fail(saved.error());

  const auto& s = snap->summary;
  long long rows = 0;
  for (const auto& [t, n] : s.tables) rows += n;
  std::printf("loaded %s (%s, %llu bytes): %zu tables, %lld rows in %.1f ms -> %s\n", in.c_str(),
              format_name(s.format), static_cast<unsigned long long>(s.bytes), s.tables.size(), rows,
              s.ms, out.c_str());
  std::printf("snapshot: %s\n", s.recognition.c_str());
  for (const auto& [kind, n] : s.skipped) std::printf("skipped: %lld %s\n", static_cast<long long>(n), kind.c_str());
  if (!s.wal.empty()) std::printf("wal: %s\n", s.wal.c_str());
  for (const auto& w : s.warnings) std::printf("warning: %s\n", w.c_str());
  return kExitOk;
}

}  // namespace redline::cli
