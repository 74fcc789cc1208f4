// The SQLite WAL reader (apply_wal) on arbitrary bytes, through load_snapshot as the
// CLI calls it with a -wal file. The input is a main file and its -wal in one:
// 4 bytes (little-endian) giving the main file's length, the main file, then the
// -wal (fuzz/run_fuzzers.sh packs its seeds so from real WAL-mode databases).
#include <cstdint>
#include <vector>

#include "core/load/snapshot.hpp"
#include "core/load/wal.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace redline;
  if (size < 4) return -1;
  std::size_t n = static_cast<std::size_t>(data[0]) | static_cast<std::size_t>(data[1]) << 8 |
                  static_cast<std::size_t>(data[2]) << 16 | static_cast<std::size_t>(data[3]) << 24;
  if (n > size - 4) n = size - 4;
  std::vector<std::uint8_t> main(data + 4, data + 4 + n);
  WalInput wal{std::vector<std::uint8_t>(data + 4 + n, data + size), "fuzz.sqlite3-wal"};
  // The reader itself, on whatever the main file is ...
  fuzz::check(apply_wal(main, wal.bytes, "fuzz.sqlite3", wal.name));
  // ... and the whole load, which opens the patched image (only SQLite files get there).
  if (detect_format(main.data(), main.size()) != Format::Sqlite) return 0;
  auto snap = load_snapshot(main, "fuzz.sqlite3", &wal);
  fuzz::check(snap);
  return 0;
}
