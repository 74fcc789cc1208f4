// The per-format loaders behind load_snapshot(). Each fills `db` (a fresh in-memory
// database) and `summary`, or returns an error naming the file, the format it took
// the file for, and where in it (line, byte offset, table).
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/load/snapshot.hpp"

namespace redline::detail {

Result<sql::Database> load_sqlite(const std::vector<std::uint8_t>& bytes, const std::string& name,
                                  LoadSummary& summary, const WalInput* wal = nullptr);
Status load_sqlite_dump(const std::vector<std::uint8_t>& bytes, const std::string& name,
                        sql::Database& db, LoadSummary& summary);
Status load_pgdump(const std::vector<std::uint8_t>& bytes, const std::string& name,
                   sql::Database& db, LoadSummary& summary);
Status load_dumpdata(const std::vector<std::uint8_t>& bytes, const std::string& name,
                     sql::Database& db, LoadSummary& summary);

// Why `bytes` cannot be loaded at all (empty, a pg_dump custom or tar archive, compressed,
// unrecognized), as load_snapshot() says it; nothing when it is a format Redline loads.
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

// A text-format loader (`L`: begin(), step(deadline), consumed(), current_table()) as
// a SlicedLoader. Nothing thrown leaves it: `on_throw` turns an exception into the
// error the format reports.
using OnThrow = Error (*)(const std::exception& e, const std::string& name);
template <typename L>
class SlicedAdapter final : public SlicedLoader {
 public:
  SlicedAdapter(const std::vector<std::uint8_t>& bytes, const std::string& name, sql::Database& db,
                LoadSummary& summary, OnThrow on_throw)
      : name_(name), on_throw_(on_throw), loader_(bytes, name, db, summary) {}
  Status begin() {
    auto r = guarded([&]() -> Result<bool> {
      REDLINE_TRY(loader_.begin());
      return false;
    });
    if (!r) return r.error();
    return ok_status();
  }
  Result<bool> step(std::chrono::steady_clock::time_point deadline) override {
    return guarded([&] { return loader_.step(deadline); });
  }
  std::uint64_t consumed() const override { return loader_.consumed(); }
  std::string table() const override { return loader_.current_table(); }

 private:
  template <typename F>
  Result<bool> guarded(F&& f) {
    try {
      return f();
    } catch (const std::exception& e) {
      return on_throw_(e, name_);
    }
  }
  const std::string& name_;
  OnThrow on_throw_;
  L loader_;
};

// An L in a SlicedAdapter, begun.
template <typename L>
Result<std::unique_ptr<SlicedLoader>> start_sliced(const std::vector<std::uint8_t>& bytes, const std::string& name,
                                                   sql::Database& db, LoadSummary& summary, OnThrow on_throw) {
  auto l = std::make_unique<SlicedAdapter<L>>(bytes, name, db, summary, on_throw);
  REDLINE_TRY(l->begin());
  return std::unique_ptr<SlicedLoader>(std::move(l));
}

// A SQLite file: `bytes` (or, for a WAL-mode file, its image with the -wal applied)
// moves into `db` when the loader opens it, read-only, and comes back to `bytes` if
// the load fails; once loaded, db.held_image() holds it.
Result<std::unique_ptr<SlicedLoader>> start_sqlite(std::vector<std::uint8_t>& bytes, const std::string& name,
                                                   sql::Database& db, LoadSummary& summary,
                                                   const WalInput* wal = nullptr);
Result<std::unique_ptr<SlicedLoader>> start_pgdump(const std::vector<std::uint8_t>& bytes, const std::string& name,
                                                   sql::Database& db, LoadSummary& summary);
Result<std::unique_ptr<SlicedLoader>> start_dumpdata(const std::vector<std::uint8_t>& bytes,
                                                     const std::string& name, sql::Database& db,
                                                     LoadSummary& summary);
Result<std::unique_ptr<SlicedLoader>> start_sqlite_dump(const std::vector<std::uint8_t>& bytes,
                                                        const std::string& name, sql::Database& db,
                                                        LoadSummary& summary);

}  // namespace redline::detail
