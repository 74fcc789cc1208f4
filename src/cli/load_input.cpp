// Reading a snapshot named on the command line, with a SQLite file's -wal: a
// database in WAL mode keeps its latest committed changes in FILE-wal until a
// checkpoint, so loading FILE alone would silently miss rows. Both files are only
// read (never opened by SQLite, which would write a -shm or checkpoint into them).
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>

#include "cli/cli.hpp"
#include "core/io.hpp"
#include "core/load/wal.hpp"

namespace redline::cli {

Result<InputFiles> read_input(const std::string& path) {
  auto bytes = read_file(path);
  if (!bytes) return bytes.error();
  InputFiles in;
  in.bytes = std::move(bytes.value());
  if (detect_format(in.bytes.data(), in.bytes.size()) == Format::Sqlite &&
      sqlite_wal_mode(in.bytes.data(), in.bytes.size())) {
    const std::string wal_path = path + "-wal";
    struct stat st;
    if (stat(wal_path.c_str(), &st) == 0) {
      auto w = read_file(wal_path);
      if (!w) return w.error();
      std::fprintf(stderr, "redline: %s is in WAL mode: reading %s beside it (read only)\n", path.c_str(),
                   wal_path.c_str());
      in.wal = WalInput{std::move(w.value()), wal_path};
    } else if (errno == ENOENT) {
      std::fprintf(stderr, "redline: %s is in WAL mode and no %s is beside it: loading it as of its last checkpoint\n",
                   path.c_str(), wal_path.c_str());
    } else {
      return make_error(ErrorCode::Io, "cannot check for the database's -wal file", wal_path);
    }
  }
  return in;
}

Result<Snapshot> load_input(const std::string& path, std::vector<std::uint8_t>* main_bytes) {
  auto in = read_input(path);
  if (!in) return in.error();
  auto snap = load_snapshot(in->bytes, path, in->wal ? &*in->wal : nullptr);
  if (snap && main_bytes) *main_bytes = std::move(in->bytes);
  return snap;
}

}  // namespace redline::cli
