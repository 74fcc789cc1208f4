// A copy of a database into a new in-memory one, page by page (SQLite's online
// backup), so that a large snapshot is copied over several calls of a job's step: the
// run's copy of the before (RunJob) and the stepper's replay (TraceJob).
#pragma once

#include <sqlite3.h>

#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace redline {

class SlicedCopy {
 public:
  // Pages per step (4 MB of 4 KB pages: a few milliseconds).
  static constexpr int kPages = 1024;

  SlicedCopy() = default;
  SlicedCopy(const SlicedCopy&) = delete;
  SlicedCopy& operator=(const SlicedCopy&) = delete;
  ~SlicedCopy() {
    if (backup_) sqlite3_backup_finish(backup_);
  }
  Status start(sql::Database& from) {
    auto copy = sql::Database::open_memory();
    if (!copy) return copy.error();
    to_ = std::move(copy.value());
    backup_ = sqlite3_backup_init(to_.handle(), "main", from.handle(), "main");
    if (!backup_) return make_error(ErrorCode::Internal, "cannot copy the database", to_.last_message());
    return ok_status();
  }
  // One slice; true when the copy is complete.
  Result<bool> step() {
    int rc = sqlite3_backup_step(backup_, kPages);
    if (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) return false;
    sqlite3_backup_finish(backup_);
    backup_ = nullptr;
    if (rc != SQLITE_DONE) return make_error(ErrorCode::Internal, "cannot copy the database", sqlite3_errstr(rc));
    // The copy must be as hardened as the original for the same untrusted content
    // (as Database::clone() does).
    sqlite3_db_config(to_.handle(), SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    sqlite3_db_config(to_.handle(), SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
    return true;
  }
  // Steps until the copy is complete (true) or `over_budget()` says to stop (false).
  template <typename OverBudget>
  Result<bool> step_until(OverBudget over_budget) {
    for (;;) {
      auto r = step();
      if (!r || *r) return r;
      if (over_budget()) return false;
    }
  }
  double fraction() const {
    if (!backup_) return 1.0;
    int total = sqlite3_backup_pagecount(backup_);
    return total > 0 ? 1.0 - static_cast<double>(sqlite3_backup_remaining(backup_)) / total : 0.0;
  }
  sql::Database take() { return std::move(to_); }

 private:
  sql::Database to_;
  sqlite3_backup* backup_ = nullptr;
};

}  // namespace redline
