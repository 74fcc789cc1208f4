// The characters a loaded snapshot's text uses, so that a UI can build a font atlas
// holding just those: a step of loading, run on the loaded database before it is
// published.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/job.hpp"
#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace redline::load {

// Every code point above U+007F in the text values of every user table of `db`,
// ascending, each once. Invalid UTF-8 bytes count as U+FFFD.
Result<std::vector<char32_t>> text_code_points(sql::Database& db);
// The same as a resumable job (a 200k-row snapshot takes a few hundred ms in the
// page): each table read once, row by row, a few hundred rows between looks at the
// clock.
class TextCharsJob final : public Job {
 public:
  explicit TextCharsJob(sql::Database& db) : db_(db) {}
  // The code points found, once step() said Done.
  std::vector<char32_t> take_result() { return std::move(out_); }

 private:
  Result<bool> work(double budget_ms) override;
  Position position() const override;
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

}  // namespace redline::load
