// What a diff viewer asks of a finished diff beyond paging (core/diff.hpp): searching
// one table's changed rows by key and text, the change density along a table for a
// minimap, and the characters a snapshot's text uses (so a UI can build a font atlas
// holding just those). Plain data out; no UI types.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/diff/diff.hpp"
#include "core/job.hpp"
#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace redline::diff {

// ---- Search --------------------------------------------------------------------

// A row matches when its key text (row_key_text) equals the query, or when the
// query is found in any of its before/after non-NULL values as displayed (ASCII letters
// case-insensitively, other characters exactly). Leading/trailing blanks of the
// query are ignored; an empty query matches nothing.
bool row_matches(const TableDiff& table, const RowEntry& row, std::string_view query);

struct SearchResult {
  std::string table;
  RowChange kind = RowChange::Changed;
  std::string query;
  std::size_t scanned = 0;             // rows of the kind looked at so far
  std::size_t total = 0;               // rows of the kind
  std::size_t matches = 0;             // matching rows so far (all of them)
  std::vector<std::size_t> indices;    // their positions in the kind's id order (first `kept`)
  std::vector<RowEntry> rows;          // the same rows, with values (first `kept`)
  bool done = false;
};

// Resumable search over one kind of one table's rows, a page at a time. Keeps at most
// `keep` matching rows (the count goes on). The databases and the diff must outlive it.
class SearchJob final {
 public:
  SearchJob(sql::Database& before, sql::Database& after, const TableDiff& table, RowChange kind, std::string query,
            std::size_t keep = 2000);
  Progress step(double budget_ms);
  const SearchResult& result() const { return result_; }

 private:
  sql::Database& before_;
  sql::Database& after_;
  const TableDiff& table_;
  std::size_t keep_;
  SearchResult result_;
};

// ---- Change density ------------------------------------------------------------

// Where in a table the changes are: ids bucketed by their position in the table's id
// range [lo, hi] (both sides' smallest and largest row handle), per kind of change.
struct ChangeDensity {
  std::string table;
  std::int64_t lo = 0, hi = 0;  // id range; hi < lo when the table has no rows
  std::size_t buckets = 0;
  // Per bucket: changed rows of that kind / id slots in the bucket, 0..1.
  std::vector<float> added, removed, changed;

  // The bucket-space position (0..1) of an id, and back.
  double position(std::int64_t id) const;
  std::int64_t id_at(double position) const;
};

Result<ChangeDensity> change_density(sql::Database& before, sql::Database& after, const TableDiff& table,
                                     std::size_t buckets);

// ---- Characters ----------------------------------------------------------------

// Every code point above U+007F in the text values of every user table of `db`,
// ascending, each once. Invalid UTF-8 bytes count as U+FFFD.
Result<std::vector<char32_t>> text_code_points(sql::Database& db);
// The same as a resumable job (a 200k-row snapshot takes a few hundred ms in the
// page): each table read once, row by row, a few hundred rows between looks at the
// clock.
class TextCharsJob final {
 public:
  explicit TextCharsJob(sql::Database& db) : db_(db) {}
  Progress step(double budget_ms);
  // The code points found, once step() said Done.
  std::vector<char32_t> take_result() { return std::move(out_); }

 private:
  sql::Database& db_;
  bool listed_ = false;
  std::vector<std::string> tables_;
  std::size_t next_ = 0;             // the table read next
  std::optional<sql::Statement> scan_;  // tables_[next_]'s scan, open
  std::vector<char32_t> out_;
  std::size_t dedup_at_ = 4096;  // out_'s size at which its repeats are dropped
  void dedup();                  // out_ sorted, each code point once
};
// Appends the code points above U+007F of `text` (same rules) to `out`, unsorted.
void add_code_points(std::string_view text, std::vector<char32_t>& out);

}  // namespace redline::diff
