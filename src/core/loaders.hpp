// The per-format loaders behind load_snapshot(). Each fills `db` (a fresh in-memory
// database) and `summary`, or returns an error naming the file, the format it took
// the file for, and where in it (line, byte offset, table).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/snapshot.hpp"

namespace redline::detail {

Result<sql::Database> load_sqlite(const std::vector<std::uint8_t>& bytes, const std::string& name,
                                  LoadSummary& summary);
Status load_pgdump(const std::vector<std::uint8_t>& bytes, const std::string& name,
                   sql::Database& db, LoadSummary& summary);
Status load_dumpdata(const std::vector<std::uint8_t>& bytes, const std::string& name,
                     sql::Database& db, LoadSummary& summary);

}  // namespace redline::detail
