// Preflight (spec §3): every hazard of the normalization found before anything
// runs, each with the rows involved, by set-based queries over the loaded snapshot.
// Hazards describe the data; the options' resolutions say what the run will do
// about them (the messages say it too).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/job.hpp"
#include "core/migrate/normalize_options.hpp"
#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace redline {

enum class Severity { Info, Warning, Blocker };
const char* to_string(Severity s);  // "info", "warning", "blocker"

struct Hazard {
  std::string kind;      // username_collision, contact_overwrite, placeholder_email,
                         // currency_tie, nonstandard_currency, dangling_reference,
                         // zip_only_address
  Severity severity = Severity::Warning;
  std::string table;     // the table whose ids are listed
  std::vector<std::int64_t> ids;  // sorted, distinct
  std::string message;   // one line for people, resolution included
  // Row-level facts for the report and the UI, e.g. contact_overwrite's
  // [{employee_id, user_id, field, old, new}]. Always a JSON array.
  nlohmann::ordered_json details = nlohmann::ordered_json::array();

  nlohmann::ordered_json to_json() const;  // {kind, severity, table, ids, message, details}
};

// All hazards of running the normalization on `db` with `options`, in the order of
// spec §3's table (one entry per kind; nonstandard_currency per table;
// dangling_reference per table and column). Steps the snapshot has already done
// contribute no hazards. Read-only. Fails (BadInput) on a database that is not the CRM.
Result<std::vector<Hazard>> find_hazards(sql::Database& db, const NormalizeOptions& options);

bool has_blocker(const std::vector<Hazard>& hazards);

// Whether the preflight with `a` finds the same hazards and keeps the same scratch
// tables as with `b`: they agree on every option but the run's time, --strict and
// timings (the three resolutions, today).
bool same_preflight(const NormalizeOptions& a, const NormalizeOptions& b);

// find_hazards as a resumable job (the engine's preflight, core/job.hpp): on a large
// snapshot the preflight takes seconds, so step(budget_ms) runs slices of its queries (table by table,
// and the big tables in row ranges) until about budget_ms have passed. Reads nothing but
// the snapshot and writes only temp tables (M1's plan and M3's vote), which it drops
// when it ends, unless `keep_scratch`: then the normalizer, running in the same
// transaction, reads them instead of computing them again.
class HazardJob final : public Job {
 public:
  // `db` must outlive the job.
  HazardJob(sql::Database& db, NormalizeOptions options, bool keep_scratch = false);
  ~HazardJob();
  HazardJob(const HazardJob&) = delete;
  HazardJob& operator=(const HazardJob&) = delete;

  // After Done: the hazards, as find_hazards returns them.
  const std::vector<Hazard>& hazards() const;
  // After Done with keep_scratch: whether the temp tables were filled (M1's plan when M1
  // is still to run, M3's vote when M3 is).
  bool kept_m1_plan() const;
  bool kept_votes() const;

 private:
  Result<bool> work(double budget_ms) override;
  Position position() const override;
  void abandon(const Error& why) override;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace redline
