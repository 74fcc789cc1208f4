// The verification checklist (spec §4; the guide's "Verification Checklist"),
// evaluated on the data: the before snapshot, the after database the run produced,
// the moves (core/moves.hpp) and, when there is one, the generic diff.
//
// Items, in order (id: what it checks):
//  data_integrity
//   employees_have_users    every employee points at an existing user
//   addresses_migrated      every old row with address data has exactly one primary
//                           address holding its values (all five address tables)
//   orgs_have_currency      default_currency set (fail) and three upper-case letters (warn)
//   required_not_null       no NULL in a NOT NULL column of the after shape; every
//                           deal, order, payment resolves to a currency
//   foreign_keys_intact     SQLite's foreign key check, plus addressables pointing at
//                           an existing row of their content type (fail: broken by the
//                           run; warn: dangling already before it)
//   usernames_unique        no duplicate username (fail), none equal ignoring ASCII case (warn)
//   currency_codes_valid    deals/orders/payments currencies are NULL or three
//                           upper-case letters (warn)
//   lossless                every old value is found in the new structure or listed as
//                           lost by M1's plan (fail: a loss nothing explains; the
//                           explained losses are listed in "lost")
//  api_compatibility (what the API returns, old columns against the new properties,
//  computed in SQL from each side's schema and compared row by row)
//   api_employees_contact   GET /employees/ first_name, last_name, email, phone (via the user)
//   api_employees_address   GET /employees/ address fields (via the primary address)
//   api_organizations       GET /organizations/ address fields and default_currency
//   api_deals_currency      GET /deals/ currency -> resolved_currency
//   api_post_employee       POST /employees/ with user_id (inserted in a savepoint, rolled back)
//   api_post_organization   POST /organizations/ with an address (likewise)
//   A row fails when the old API returned a non-empty value that the new one does not
//   return; an empty old value the new API fills (from the user, the organization's
//   default) is compatible and counted in the detail.
//  performance
//   index_addressables_content_type, index_addresses_is_primary, index_employees_user:
//   the index exists and EXPLAIN QUERY PLAN of the lookup it serves uses it
//   perf_response_times, perf_n_plus_one, perf_memory: manual
//  frontend (manual): frontend_employee_list, frontend_employee_create,
//   frontend_org_settings, frontend_deal_order_forms, frontend_address_fields
//
// Manual items keep status "manual"; a person's tick (ManualTicks, e.g. from
// `redline normalize --ticks T.json`) is carried into the item as "tick".
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/diff/diff.hpp"
#include "core/review/moves.hpp"
#include "core/job.hpp"
#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace redline {

enum class CheckStatus { Pass, Fail, Warn, Manual };
const char* to_string(CheckStatus s);  // "pass", "fail", "warn", "manual"

// Rows of one table behind an item's failure or warning.
struct CheckRows {
  std::string table;
  std::vector<std::int64_t> ids;  // ascending, distinct
  // How many ids: ids.size(), except in the page's UI, which gets the count without
  // the ids (engine/protocol.hpp's RunView) and asks the engine for them in pages.
  std::size_t count = 0;
};

struct ManualTick {
  bool ticked = false;
  std::string by;    // who ticked it
  std::string at;    // when (free text, e.g. a timestamp)
  std::string note;
};
// Item id -> tick.
using ManualTicks = std::map<std::string, ManualTick>;

// Ticks JSON: {"<manual item id>": true | false | {"ticked": bool, "by": "...",
// "at": "...", "note": "..."}}. Ids that are not manual items are an error (a typo
// must not drop a tick silently). `name` is used in messages.
Result<ManualTicks> ticks_from_json(std::string_view text, const std::string& name);
// The same JSON, every field written (what the page's "ticks" download holds).
nlohmann::ordered_json ticks_to_json(const ManualTicks& ticks);
// The ids of the manual items, in checklist order.
std::vector<std::string> manual_check_ids();

struct CheckItem {
  std::string id;
  std::string group;  // data_integrity, api_compatibility, performance, frontend
  std::string title;
  CheckStatus status = CheckStatus::Pass;
  std::string detail;          // one line
  std::vector<CheckRows> rows; // the rows that make it fail or warn, per table
  // Item-specific facts: lossless "lost" [{table, id, column, old, now, to, by_employee,
  // reason}], performance "plan", manual "tick", POST "statements".
  nlohmann::ordered_json extra = nlohmann::ordered_json::object();

  // Every id of `rows` (one table: its ids; several: in rows order).
  std::vector<std::int64_t> ids() const;
  // {"id","group","title","status","detail","ids","table","rows", ...extra}: "table"
  // names the table of "ids" (null when none or several: then see "rows", an object
  // table -> ids).
  nlohmann::ordered_json to_json() const;
};

struct ChecksInput {
  sql::Database* before = nullptr;          // the snapshot the run started from
  sql::Database* after = nullptr;           // its result (written to in a savepoint, rolled back)
  const Moves* moves = nullptr;             // required
  const diff::DiffResult* diff = nullptr;   // optional: lossless then also covers kept columns
  const ManualTicks* ticks = nullptr;       // optional
  std::string now = "2000-01-01 00:00:00";  // timestamp used by the POST checks' inserts
};

// Evaluate the checklist. Errors only when SQLite fails; a check that cannot be made
// (a table missing, ...) is an item that fails and says why.
Result<std::vector<CheckItem>> run_checks(const ChecksInput& input);

// The same checklist as a resumable job (core/job.hpp): one item per turn, as many as
// fit in budget_ms. The databases and moves of `input` must outlive the job.
class ChecksJob final : public Job {
 public:
  explicit ChecksJob(ChecksInput input);
  ~ChecksJob();
  ChecksJob(const ChecksJob&) = delete;
  ChecksJob& operator=(const ChecksJob&) = delete;
  std::vector<CheckItem> take_result();  // once step() returned Done

 private:
  Result<bool> work(double budget_ms) override;
  Position position() const override;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

nlohmann::ordered_json checks_json(const std::vector<CheckItem>& items);

// Counts by status.
struct CheckCounts {
  int pass = 0, fail = 0, warn = 0, manual = 0;
};
CheckCounts count_checks(const std::vector<CheckItem>& items);

// Re-tick the manual items of an evaluated checklist (the page's ticks, changed after
// the run): each manual item becomes what run_checks would have made of it with
// `ticks` (null: no ticks). Other items are left as they are.
void apply_ticks(std::vector<CheckItem>& items, const ManualTicks* ticks);

// --strict: an error (ErrorCode::Hazard) naming the failed items, ok when none failed.
Status strict_verdict(const std::vector<CheckItem>& items);

}  // namespace redline
