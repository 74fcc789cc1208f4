// The SQLite loader on arbitrary bytes: header checks, sqlite3_deserialize in
// defensive mode, quick_check, and (on failure) the pass that locates the damage;
// on success, what load_snapshot does next (row counts of every table).
#include <cstdint>
#include <vector>

#include "core/load/loaders.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace redline;
  std::vector<std::uint8_t> bytes(data, data + size);
  // Only what detection would hand to this loader (the magic, or a cut inside it).
  if (detect_format(bytes.data(), bytes.size()) != Format::Sqlite) return -1;
  LoadSummary summary;
  auto db = detail::load_sqlite(bytes, "fuzz.sqlite3", summary);
  fuzz::check(db);
  if (db.ok()) fuzz::check(table_row_counts(*db));
  return 0;
}
