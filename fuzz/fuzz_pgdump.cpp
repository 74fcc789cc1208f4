// The pg_dump plain-SQL loader on arbitrary bytes, into a fresh in-memory database.
#include <cstdint>

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return redline::fuzz::run_text_loader(redline::detail::load_pgdump, data, size, "fuzz.sql");
}
