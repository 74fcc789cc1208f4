// Shared by the fuzz targets: what counts as a bug. A loader refusing an input with
// an error Result is the expected outcome for almost every input; a crash, a
// sanitizer report, a leak, or an error the core itself calls Internal ("a bug: an
// invariant did not hold", which is also what an exception escaping a loader becomes)
// is a bug, and aborts so that libFuzzer keeps the input.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/load/loaders.hpp"
#include "core/result.hpp"

namespace redline::fuzz {

inline void check(const Error& e) {
  if (e.code == ErrorCode::Internal) {
    std::fprintf(stderr, "fuzz: Internal error (a bug): %s\n", e.describe().c_str());
    std::abort();
  }
}

template <typename T>
void check(const Result<T>& r) {
  if (!r.ok()) check(r.error());
}

// A loader of text formats (pg_dump, dumpdata, sqlite3 .dump) on the input, into a
// fresh in-memory database; on success, what load_snapshot does next (row counts).
using TextLoader = Status (*)(const std::vector<std::uint8_t>&, const std::string&, sql::Database&, LoadSummary&);
inline int run_text_loader(TextLoader load, const std::uint8_t* data, std::size_t size, const std::string& name) {
  std::vector<std::uint8_t> bytes(data, data + size);
  auto db = sql::Database::open_memory();
  if (!db.ok()) return 0;
  LoadSummary summary;
  Status s = load(bytes, name, *db, summary);
  check(s);
  if (s.ok()) check(table_row_counts(*db));
  return 0;
}

}  // namespace redline::fuzz
