// The Django dumpdata JSON loader on arbitrary bytes, into a fresh in-memory database.
#include <cstdint>
#include <vector>

#include "core/load/loaders.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace redline;
  std::vector<std::uint8_t> bytes(data, data + size);
  auto db = sql::Database::open_memory();
  if (!db.ok()) return 0;
  LoadSummary summary;
  Status s = detail::load_dumpdata(bytes, "fuzz.json", *db, summary);
  fuzz::check(s);
  if (s.ok()) fuzz::check(table_row_counts(*db));
  return 0;
}
