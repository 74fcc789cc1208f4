// What a diff viewer asks of a finished diff beyond paging (core/diff.hpp): searching
// one table's changed rows by key and text, and the change density along a table for a
// minimap. Plain data out; no UI types.
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
class SearchJob final : public Job {
 public:
  SearchJob(sql::Database& before, sql::Database& after, const TableDiff& table, RowChange kind, std::string query,
            std::size_t keep = 2000);
  const SearchResult& result() const { return result_; }

 private:
  Result<bool> work(double budget_ms) override;
  Position position() const override;
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

}  // namespace redline::diff
