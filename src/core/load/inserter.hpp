// The one batched inserter of the loaders and the demo generator: a prepared INSERT
// per table and column list, values bound from views (no copy) or from the slot's
// own scratch space, rows written `batch` at a time by one multi-row INSERT.
//
// One statement run per batch instead of per row is what makes bulk loading fast in
// SQLite (an AUTOINCREMENT table, for one, reads and writes sqlite_sequence once per
// run). When a batch is rejected, its rows are tried one by one so that the error
// names the row to blame. The caller owns the transaction.
#pragma once

#include <sqlite3.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace redline::detail {

// Why a row was not written: `column` is the value SQLite could not take (bind), or
// -1 when the row as a whole was rejected (constraint, ...). `tag` is what the caller
// gave end_row() for that row (a byte offset, a row id).
struct RowFailure {
  std::size_t tag = 0;
  int column = -1;
  int rc = SQLITE_OK;
  std::string message;  // SQLite's
};
// Turns a failure into the caller's error (with its file, line, table ...).
using Blame = std::function<Error(const RowFailure&)>;

class Inserter {
 public:
  // Bytes of small converted values a slot can hold (small()).
  static constexpr std::size_t kSmall = 32;

  struct Options {
    std::size_t max_rows = 64;      // rows per multi-row INSERT, at most ...
    std::size_t max_params = 4096;  // ... and parameters per INSERT, at most
    bool or_ignore = false;         // INSERT OR IGNORE
    // A batch written before it is full (flush()): as one INSERT of exactly that
    // many rows (prepared once per row count), or row by row with the one-row INSERT.
    bool partial_as_one = false;
    // A batch is written early once its rows hold this many bytes of scratch, and
    // scratch grown past `scratch_keep` is given back afterwards: rows of huge values
    // must not multiply into batch-size copies.
    std::size_t max_batch_bytes = 8u << 20;
    std::size_t scratch_keep = 1u << 20;
  };

  // An inserter into `table` (columns in the order values arrive); nothing is
  // prepared but the INSERT of one row and the INSERT of a full batch.
  static Result<Inserter> make(sql::Database& db, const std::string& table, const std::vector<std::string>& columns,
                               const Options& options, Blame blame);
  // The same from an INSERT statement of one row ("INSERT INTO t (a, b) VALUES (?,?)").
  static Result<Inserter> from_sql(sql::Database& db, std::string_view insert_one_row, const Options& options,
                                   Blame blame);

  Inserter(Inserter&&) noexcept = default;
  Inserter& operator=(Inserter&&) noexcept = default;

  std::size_t columns() const { return ncols_; }
  std::size_t batch() const { return batch_; }
  std::size_t pending() const { return pending_; }  // complete rows not written yet

  // The value of column `i` of the row being collected. Views must stay valid until
  // the row's batch is written: into the caller's input, or into this slot's
  // scratch() or small().
  void set_null(std::size_t i) { slot(i) = Slot{}; }
  void set_int(std::size_t i, std::int64_t v) { slot(i) = Slot{Slot::Kind::Int, v, nullptr, 0}; }
  void set_real(std::size_t i, double v) { slot(i) = Slot{Slot::Kind::Real, 0, nullptr, 0, v}; }
  void set_text(std::size_t i, std::string_view v) { slot(i) = Slot{Slot::Kind::Text, 0, v.data(), v.size()}; }
  void set_blob(std::size_t i, std::string_view v) { slot(i) = Slot{Slot::Kind::Blob, 0, v.data(), v.size()}; }
  // This slot's own buffers, reused batch after batch.
  std::string& scratch(std::size_t i) { return scratch_[index(i)]; }
  char* small(std::size_t i) { return small_[index(i)].data(); }
  // `n` bytes of the row's values live in scratch (counts toward max_batch_bytes).
  void add_scratch_bytes(std::size_t n) { pending_bytes_ += n; }

  // The same, column after column (the demo generator's rows): text is copied.
  void integer(std::int64_t v) { set_int(cursor_++, v); }
  void null() { set_null(cursor_++); }
  void text(std::string_view s) {
    std::string& buf = scratch(cursor_);
    buf.assign(s.data(), s.size());
    set_text(cursor_++, buf);
  }

  // The row is complete; writes the batch when it is full (or holds too many bytes).
  Status end_row(std::size_t tag);
  // Writes the rows still waiting.
  Status flush();

 private:
  struct Slot {
    enum class Kind : std::uint8_t { Null, Text, Int, Blob, Real };
    Kind kind = Kind::Null;
    std::int64_t i = 0;
    const char* p = nullptr;
    std::size_t n = 0;
    double r = 0;  // Real
  };
  Inserter() = default;
  static Result<Inserter> make_from(sql::Database& db, std::string head, std::size_t ncols, const Options& options,
                                    Blame blame);
  std::size_t index(std::size_t col) const { return pending_ * ncols_ + col; }
  Slot& slot(std::size_t col) { return slots_[index(col)]; }
  Result<sqlite3_stmt*> statement(std::size_t rows);
  int bind_row(sqlite3_stmt* st, std::size_t row, int first_param, std::size_t& bad_column) const;
  Status write_row_by_row();
  void written();

  sql::Database* db_ = nullptr;
  std::string head_;   // INSERT ... VALUES
  std::string tuple_;  // (?, ?, ...)
  std::size_t ncols_ = 0;
  std::size_t batch_ = 1;
  Options options_;
  Blame blame_;
  std::vector<sql::Statement> statements_;  // [m]: INSERT of m rows, prepared on first use
  std::size_t pending_ = 0;
  std::size_t pending_bytes_ = 0;
  std::size_t cursor_ = 0;
  std::vector<Slot> slots_;                  // batch x columns
  std::vector<std::size_t> tags_;            // per pending row
  std::vector<std::string> scratch_;         // per slot
  std::vector<std::array<char, kSmall>> small_;  // per slot
};

}  // namespace redline::detail
