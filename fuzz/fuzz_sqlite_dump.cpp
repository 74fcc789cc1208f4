// The sqlite3 `.dump` text loader on arbitrary bytes, into a fresh in-memory
// database: the authorizer, the statement splitting and the length bound.
#include <cstdint>

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return redline::fuzz::run_text_loader(redline::detail::load_sqlite_dump, data, size, "fuzz.sql");
}
