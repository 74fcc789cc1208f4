// `redline verify`: the real result of a migration against Redline's prediction.
// BEFORE (the snapshot taken before the migration) is normalized in memory with the
// run's options; AFTER (a snapshot of the real database after it, any format) is
// compared with that prediction by the diff engine under spec §2's comparison rules:
// same schema (columns, types, nullability, keys, indexes) and the same rows, except
// created users' date_joined, the applied time of the migrations the run records, and
// the ids of addresses and addressables (compared by content: the model and row each
// address belongs to, and its values). The tables of schema redline_migration (the
// PostgreSQL script's state) are left out. The checklist is run on AFTER too.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/diff/diff.hpp"
#include "core/migrate/normalize_options.hpp"
#include "core/result.hpp"
#include "core/review/checks.hpp"
#include "core/sqlite.hpp"

namespace redline {

// One difference between prediction and result. `key` is the row key ("" for a
// schema difference), `column` the column ("(row)" for a row on one side only,
// "(schema)" for a schema change, "(address)" for an address compared by content).
struct Mismatch {
  std::string table;
  std::string key;
  std::string column;
  std::string predicted;
  std::string actual;
  std::string describe() const;  // one line
  nlohmann::ordered_json to_json() const;
};

struct Verification {
  std::vector<Mismatch> mismatches;  // at most kMaxMismatches kept
  std::int64_t mismatch_count = 0;   // all of them
  std::vector<CheckItem> checks;     // the checklist on AFTER
  bool checks_failed() const;
  bool equal() const { return mismatch_count == 0; }
  nlohmann::ordered_json to_json() const;
};
constexpr std::size_t kMaxMismatches = 1000;

// `predicted` against `actual` under spec §2's rules; `before` is the snapshot both
// came from (users it had keep their date_joined). Only reads the three databases.
Result<Verification> compare_with_prediction(sql::Database& before, sql::Database& predicted, sql::Database& actual);

// Normalize a copy of `before` with `options` (or take `expected` as the prediction
// when given), compare with `actual`, run the checklist on `actual` (an image a load
// held read-only in place is replaced by a writable copy: the API checks write and
// roll back).
Result<Verification> verify_result(sql::Database& before, sql::Database& actual, const NormalizeOptions& options,
                                   sql::Database* expected = nullptr);

}  // namespace redline
