// The messages between the page's UI (main thread) and the engine (its Web Worker):
// every result the engine publishes, as JSON, and back into the same immutable structs
// on the UI side. Compiled into both wasm modules and natively (round-trip tests), so
// the two sides cannot disagree on a field.
//
// A run's diff crosses as a DiffSummary (per table: columns, keys, counts), never as
// its row ids: the UI asks for pages of rows (RowPage) and for one row's detail
// (RowDetail) by request, and the engine answers from its databases.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/diff/diff.hpp"
#include "core/diff/diff_view.hpp"
#include "core/migrate/hazards.hpp"
#include "core/result.hpp"
#include "core/review/checks.hpp"
#include "core/review/report.hpp"
#include "core/review/verify.hpp"
#include "core/load/snapshot.hpp"

namespace redline::engine {

// What the progress bar shows about the job in progress.
struct JobView {
  bool active = false;
  std::string title;   // "Generating the demo snapshot", "Loading crm.sql", ...
  std::string phase;   // the core's current phase ("deals", ...)
  std::string stage;   // which job: "demo", "load", "preflight", "run", "review" ("" when idle)
  double fraction = 0; // 0..1
};

// A loaded snapshot as the panels see it: immutable once published.
struct LoadedView {
  LoadSummary summary;
  std::int64_t total_rows = 0;
  bool is_demo = false;
  ReportInput input;                     // name, format, sha256, tables: for the report
  std::vector<Hazard> hazards;           // preflight with default options (details: worker only)
  std::optional<Error> preflight_error;  // e.g. not the CRM
};

// One table of a run's diff without its row ids: what the UI draws and counts.
struct TableSummary {
  std::string name;
  diff::TablePresence presence = diff::TablePresence::Both;
  diff::KeyKind key_kind = diff::KeyKind::None;
  diff::TableSide before, after;
  std::vector<diff::ColumnInfo> columns;
  std::size_t added = 0, removed = 0, changed = 0;
  std::int64_t cells_changed = 0;

  bool has_row_changes() const { return added || removed || changed; }
  std::size_t count(diff::RowChange kind) const;
  // The TableDiff with these columns and keys and no rows: what diff::row_key_text needs.
  diff::TableDiff shape() const;
};
struct DiffSummary {
  std::vector<diff::SchemaChange> schema;
  std::vector<TableSummary> tables;
  const TableSummary* table(std::string_view name) const;  // case-insensitive, nullptr if none
};
DiffSummary summarize(const diff::DiffResult& diff);

// A finished run as the panels see it: immutable once published.
// Its checklist crosses without the rows behind the items (at 300k rows they were most
// of the view, parsed on the page's main thread): each item's rows name their table and
// count only, and the lossless item's "lost" values stay in the worker; the UI asks for
// the ids in pages (CheckIdsPage) when an item is opened.
struct RunView {
  Report report;
  // report.to_json_text(), what normalize() resolves to: the engine's only; it does not
  // cross to the UI (empty there), nor do the hazards' details and ids (the UI's
  // `report` has none): the report's text and files are always the worker's.
  std::string report_json;
  std::shared_ptr<const DiffSummary> diff;  // null when the run did not finish
  bool ok = false;                 // the run finished (report.status "ok")
  bool reviewed = false;           // moves and checks are done (checks may still be empty)
  // The checklist (report.checks), empty if not reviewed. In the UI the items' rows
  // have their table and count but no ids, and no extra "lost"; its report.checks is
  // made from these items (the report's text and files are the worker's).
  std::vector<CheckItem> checks;
  bool strict = false;             // the run's --strict option
};

// A page of the ids behind one checklist item of the last run: per table of its rows,
// the count and the ids [offset, offset + limit) in ascending order.
struct CheckIdsPage {
  std::string check;
  std::size_t offset = 0, limit = 0;
  std::vector<CheckRows> rows;
  const CheckRows* table(std::string_view name) const;  // nullptr if none
};

// Rows of one table by id, for the checklist's drill-down.
struct RowsView {
  std::string table;
  std::string source;  // "after" or "before": the database they were read from
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;  // display text, NULL as "NULL"
  std::size_t asked = 0;                        // ids asked for (rows may be fewer)
};

// One row of the diff opened in the Diff panel: per column its before and after and
// where the value went or came from (Moves), worked out by the engine.
struct DetailLine {
  std::string column;
  std::string before, after;
  bool changed = false;
  std::string moved;  // "moved -> addresses #3.line1", "<- employees #4.email (...)", or ""
};
struct RowDetail {
  std::string table;
  diff::RowChange kind = diff::RowChange::Changed;
  std::int64_t before_id = 0, after_id = 0;
  std::string key;                 // diff::row_key_text
  std::vector<DetailLine> lines;   // what changed or moved first
};

// Where a row is in one table's lists of changes (the UI holds no row ids): for the
// Diff panel's "jump to key" and minimap, the first row of `kind` whose id is at or
// after `id`; for the checklist's "open this row" (`any_kind`), the kind that holds
// exactly `id` (changed, then added, then removed).
struct RowLocation {
  std::string table;
  std::int64_t id = 0;
  bool any_kind = false;
  diff::RowChange kind = diff::RowChange::Changed;
  std::size_t index = 0;  // position in the kind's ascending id order
  bool found = false;     // any_kind: a kind holds id; otherwise: the kind has rows (index clamped)
};

// The "actual after" check (redline verify in the page): a second snapshot, the real
// database after the migration, against the prediction from the loaded one.
struct VerifyView {
  std::string name;            // the actual-after file
  std::optional<Error> error;  // it could not be loaded or compared (result then empty)
  Verification result;         // mismatches (at most kMaxMismatches) and the checklist on it
  bool verified() const { return !error && result.equal() && !result.checks_failed(); }
};

// ---- JSON, both ways. from_json functions return an error naming the field when
// the JSON is not what to_json writes (a version skew between the two modules).
nlohmann::json to_json(const Error& e);
Result<Error> error_from_json(const nlohmann::json& j);
nlohmann::json to_json(const JobView& v);
Result<JobView> job_from_json(const nlohmann::json& j);
nlohmann::json to_json(const LoadedView& v);
Result<LoadedView> loaded_from_json(const nlohmann::json& j);
nlohmann::json to_json(const RunView& v);
Result<RunView> run_from_json(const nlohmann::json& j);
nlohmann::json to_json(const CheckIdsPage& p);
Result<CheckIdsPage> check_ids_from_json(const nlohmann::json& j);
nlohmann::json to_json(const diff::RowPage& p);
Result<diff::RowPage> page_from_json(const nlohmann::json& j);
nlohmann::json to_json(const diff::SearchResult& r);
Result<diff::SearchResult> search_from_json(const nlohmann::json& j);
nlohmann::json to_json(const diff::ChangeDensity& d);
Result<diff::ChangeDensity> density_from_json(const nlohmann::json& j);
nlohmann::json to_json(const RowsView& v);
Result<RowsView> rows_from_json(const nlohmann::json& j);
nlohmann::json to_json(const RowDetail& d);
Result<RowDetail> detail_from_json(const nlohmann::json& j);
nlohmann::json to_json(const RowLocation& l);
Result<RowLocation> location_from_json(const nlohmann::json& j);
nlohmann::json to_json(const VerifyView& v);
Result<VerifyView> verify_from_json(const nlohmann::json& j);
nlohmann::json to_json(const DiffSummary& d);
Result<DiffSummary> summary_from_json(const nlohmann::json& j);

// A message as text and back. Strings that are not valid UTF-8 cross as
// {"base64": ...} (values come back byte for byte); what is left (the report's and
// hazards' free-form JSON) is dumped with invalid bytes replaced: never a throw.
std::string dump(const nlohmann::json& j);
Result<nlohmann::json> parse(std::string_view text);

}  // namespace redline::engine
