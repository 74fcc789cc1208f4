// The per-format loaders behind load_snapshot(). Each fills `db` (a fresh in-memory
// database) and `summary`, or returns an error naming the file, the format it took
// the file for, and where in it (line, byte offset, table).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
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

// Why `bytes` cannot be loaded at all (empty, pg_dump custom format, compressed,
// unrecognized), as load_snapshot() says it; nothing when it is one of the three formats.
std::optional<Error> unloadable(const std::vector<std::uint8_t>& bytes, const std::string& name);

// A format loader working in slices, for LoadJob: each step() does about as much
// work as fits before `deadline` and says whether the load is complete. The loader
// keeps references to the bytes, name, database and summary it was made with.
class SlicedLoader {
 public:
  virtual ~SlicedLoader() = default;
  virtual Result<bool> step(std::chrono::steady_clock::time_point deadline) = 0;
  virtual std::uint64_t consumed() const = 0;  // input bytes read so far
  virtual std::string table() const = 0;       // the table being loaded ("" if none)
};

Result<std::unique_ptr<SlicedLoader>> start_sqlite(const std::vector<std::uint8_t>& bytes, const std::string& name,
                                                   sql::Database& db, LoadSummary& summary);
Result<std::unique_ptr<SlicedLoader>> start_pgdump(const std::vector<std::uint8_t>& bytes, const std::string& name,
                                                   sql::Database& db, LoadSummary& summary);
Result<std::unique_ptr<SlicedLoader>> start_dumpdata(const std::vector<std::uint8_t>& bytes,
                                                     const std::string& name, sql::Database& db,
                                                     LoadSummary& summary);

}  // namespace redline::detail
