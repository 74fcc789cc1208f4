// Helpers for the tests of the review (moves, checks, report rendering): a fixture
// normalized by the same pipeline as the CLI, kept beside its untouched before, and
// independent SQL over both (the before fixture file attached to the after).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/review/checks.hpp"
#include "core/review/moves.hpp"
#include "core/pipeline.hpp"
#include "core/review/review.hpp"
#include "normalize_test_util.hpp"

namespace redline::test {

inline constexpr const char* kSmallFixture = "crm-small/before.sqlite3";
inline constexpr const char* kDirtyFixture = "crm-dirty/before.sqlite3";
inline constexpr const char* kContactColumnNames[] = {"first_name", "last_name", "email", "phone"};

struct Reviewed {
  std::string before_path;  // the fixture file (attachable by tests)
  Snapshot before;
  RunOutput run;
  Moves moves;
  std::vector<CheckItem> checks;

  sql::Database& after() { return run.after; }
  const CheckItem* check(const std::string& id) const {
    for (const auto& c : checks)
      if (c.id == id) return &c;
    return nullptr;
  }
};

// Load `rel`, normalize a copy with `options` (the CLI's pipeline), compute moves and
// checks. Fails the test (and returns null) when any part fails.
// `prepare` may change the loaded snapshot first (before_path then no longer matches it).
// review_file: the same for a snapshot file given by its path.
inline std::unique_ptr<Reviewed> review_file(const std::string& path, NormalizeOptions options = fixed_options(),
                                             const ManualTicks* ticks = nullptr,
                                             const std::function<void(sql::Database&)>& prepare = {}) {
  auto r = std::make_unique<Reviewed>();
  r->before_path = path;
  auto bytes = read_file(path);
  EXPECT_TRUE(bytes.ok()) << (bytes.ok() ? "" : bytes.error().describe());
  if (!bytes.ok()) return nullptr;
  auto snap = load_snapshot(*bytes, path);
  EXPECT_TRUE(snap.ok()) << (snap.ok() ? "" : snap.error().describe());
  if (!snap.ok()) return nullptr;
  r->before = std::move(snap.value());
  if (prepare) prepare(r->before.db);
  r->run = run_pipeline(r->before.db, ReportInput{}, options);
  EXPECT_FALSE(r->run.error) << r->run.error->describe();
  if (r->run.error) return nullptr;
  auto rv = review_run(r->before.db, r->run.after, options, ticks, r->run.diff);
  EXPECT_TRUE(rv.ok()) << (rv.ok() ? "" : rv.error().describe());
  if (!rv.ok()) return nullptr;
  r->moves = std::move(rv->moves);
  r->checks = std::move(rv->checks);
  return r;
}

inline std::unique_ptr<Reviewed> review_fixture(const std::string& rel, NormalizeOptions options = fixed_options(),
                                                const ManualTicks* ticks = nullptr,
                                                const std::function<void(sql::Database&)>& prepare = {}) {
  return review_file(fixture(rel), std::move(options), ticks, prepare);
}

// Re-run the checks (after a test changed the after database).
inline std::vector<CheckItem> recheck(Reviewed& r, const MovesOptions& mo = {}) {
  auto m = compute_moves(r.before.db, r.run.after, mo);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().describe());
  if (!m.ok()) return {};
  r.moves = std::move(m.value());
  ChecksInput in;
  in.before = &r.before.db;
  in.after = &r.run.after;
  in.moves = &r.moves;
  in.diff = nullptr;
  in.now = kNow;
  auto c = run_checks(in);
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().describe());
  return c.ok() ? std::move(c.value()) : std::vector<CheckItem>{};
}

// The failing / warning items as {id -> (status, {table -> ids})}.
using Verdicts = std::map<std::string, std::pair<std::string, std::map<std::string, std::vector<std::int64_t>>>>;
inline Verdicts not_passed(const std::vector<CheckItem>& items) {
  Verdicts v;
  for (const auto& it : items) {
    if (it.status != CheckStatus::Fail && it.status != CheckStatus::Warn) continue;
    auto& e = v[it.id];
    e.first = to_string(it.status);
    for (const auto& r : it.rows) e.second[r.table] = r.ids;
  }
  return v;
}

// Attach the before fixture file as "b" to `db` (read-only use by convention).
inline void attach_before(sql::Database& db, const std::string& path, const char* as = "b") {
  ASSERT_TRUE(db.exec("ATTACH " + sql::quote_literal(path) + " AS " + as).ok());
}

}  // namespace redline::test
