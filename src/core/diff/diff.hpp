// The generic diff engine: what changed between two SQLite databases, `before` and
// `after` (issue "Show every change"). It knows nothing about the CRM.
//
//  - Schema: tables added/dropped; per table columns added/dropped, declared-type,
//    nullability and primary-key changes; indexes added/dropped/changed/renamed
//    (matched by name, and by definition).
//  - Rows: per table, keyed by its primary key (the rowid alias of an INTEGER PRIMARY
//    KEY, or the declared primary key); tables without a key common to both sides
//    are compared as multisets of whole rows (added/removed only). Values compare
//    as SQLite's IS does, but strictly: no type affinity, no collation, and a change
//    of typeof() is a change (1 vs '1', NULL vs '', 1 vs 1.0 all differ). Only the
//    columns present on both sides are compared; the others are schema changes.
//    Tables present on one side only are listed with all their rows added/removed.
//
// The result is a set of plain immutable structs (DiffResult) that a UI can draw
// without touching SQLite. It keeps only row ids (int64) and, for changed rows, a
// bit mask of the changed columns; the values themselves are fetched a page at a
// time with fetch_rows(), so a 1M-row diff never holds every cell in memory.
//
// The work is set-based SQL run on a private connection that has both databases
// attached (files by name, deserialized images without a copy, other in-memory
// databases copied with the backup API); the caller's connections are only read.
// DiffJob does it in budgeted steps for the web page; diff_databases() runs it all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/job.hpp"
#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace redline::diff {

// ---- Schema changes ------------------------------------------------------------

enum class SchemaChangeKind {
  TableAdded,
  TableDropped,
  ColumnAdded,        // after: declared type
  ColumnDropped,      // before: declared type
  ColumnType,         // before/after: declared types
  ColumnNullability,  // before/after: "NULL" or "NOT NULL"
  PrimaryKey,         // before/after: "(a, b)", "" for none; " WITHOUT ROWID" appended
  IndexAdded,         // after: definition
  IndexDropped,       // before: definition
  IndexChanged,       // same name, before/after: definitions
  IndexRenamed,       // same definition: name is the new name, before the old name
};

// "table_added", "column_type", "index_renamed", ... (the JSON "kind").
const char* to_string(SchemaChangeKind kind);

struct SchemaChange {
  SchemaChangeKind kind = SchemaChangeKind::TableAdded;
  std::string table;   // the table (for indexes: the table the index is on)
  std::string name;    // column or index name; empty for table-level changes
  std::string before;  // see SchemaChangeKind; empty when not applicable
  std::string after;

  // One line for people: "column employees.first_name dropped (varchar(100))".
  std::string describe() const;
};

// ---- Row changes ---------------------------------------------------------------

// How rows of a table are matched between the two sides.
enum class KeyKind {
  // An INTEGER PRIMARY KEY (rowid alias), the same column on both sides. Row ids
  // are the key values, the same on both sides.
  Rowid,
  // Another declared primary key (composite, non-integer, WITHOUT ROWID), the same
  // columns on both sides. Row ids are handles valid on their side only: the rowid,
  // or for a WITHOUT ROWID table the 1-based position of the row in key order.
  Columns,
  // No primary key common to both sides: rows compare as multisets of whole rows
  // (only added/removed). Row ids are handles as for Columns.
  None,
};
const char* to_string(KeyKind kind);  // "rowid", "columns", "none"

enum class RowChange { Added, Removed, Changed };
const char* to_string(RowChange kind);  // "added", "removed", "changed"

enum class TablePresence { Both, AddedTable, DroppedTable };

// One side of a table, as found in its database.
struct TableSide {
  bool present = false;
  std::string name;                      // spelled as in that database
  bool without_rowid = false;
  std::vector<std::string> primary_key;  // declared PK columns, in key order
  std::int64_t rows = 0;
};

struct ColumnInfo {
  std::string name;  // as spelled in `before` when present there, else in `after`
  bool in_before = false;
  bool in_after = false;
  bool key = false;  // part of the row key (never marked changed)
  std::string before_type, after_type;  // declared types; empty where absent
};

// Changed rows, as parallel arrays (no per-row allocation: 1M changed rows of a
// table with up to 64 columns take 16-24 MB).
struct ChangedRows {
  std::vector<std::int64_t> before_ids;
  // The after-side handle of each row; left empty when it equals before_ids
  // (KeyKind::Rowid). Use after_id(i).
  std::vector<std::int64_t> after_ids;
  // words_per_row words per row; bit (c % 64) of word (c / 64) set when column c
  // (an index into TableDiff::columns) changed.
  std::vector<std::uint64_t> masks;
  std::size_t words_per_row = 1;

  std::size_t size() const { return before_ids.size(); }
  std::int64_t before_id(std::size_t i) const { return before_ids[i]; }
  std::int64_t after_id(std::size_t i) const { return after_ids.empty() ? before_ids[i] : after_ids[i]; }
  bool column_changed(std::size_t i, std::size_t column) const;
  std::vector<std::size_t> changed_columns(std::size_t i) const;
};

struct TableDiff {
  std::string name;
  TablePresence presence = TablePresence::Both;
  KeyKind key_kind = KeyKind::None;
  TableSide before, after;
  // Union of both sides' columns: before's in its order, then after-only columns in
  // after's order. Masks and RowEntry values index into it.
  std::vector<ColumnInfo> columns;

  std::vector<std::int64_t> added;    // after-side ids, ascending
  std::vector<std::int64_t> removed;  // before-side ids, ascending
  ChangedRows changed;                // ascending by before id
  std::int64_t cells_changed = 0;     // sum over changed rows of changed columns

  bool has_row_changes() const { return !added.empty() || !removed.empty() || changed.size() > 0; }
  std::size_t count(RowChange kind) const;
};

struct DiffResult {
  std::vector<SchemaChange> schema;  // tables, then columns, then indexes; by table name
  std::vector<TableDiff> tables;     // every table of either side, by name
  // Value lineage ("moves", spec §5) will be added here, next to schema and tables.

  const TableDiff* table(std::string_view name) const;  // case-insensitive, nullptr if none
  bool identical() const;  // no schema change and no row change
};

// ---- Running a diff ------------------------------------------------------------

struct DiffOptions {
  bool rows = true;  // false: schema only (TableDiff row vectors stay empty)
  // Keys per slice of a rowid-keyed table; 0 chooses and adapts it to the step
  // budget. Tests set it small to exercise slicing.
  std::int64_t slice_keys = 0;
};

// Resumable: each step(budget_ms) does one phase (attaching the databases, the
// schema) or row slices until about budget_ms have passed (at least one slice:
// a rowid-keyed table in key ranges, any other table whole). `before` and `after`
// must outlive the job and must not change while it runs.
class DiffJob final : public Job {
 public:
  DiffJob(sql::Database& before, sql::Database& after, DiffOptions options = {});
  ~DiffJob();
  DiffJob(const DiffJob&) = delete;
  DiffJob& operator=(const DiffJob&) = delete;

  // Complete once step() returned Done; partial before.
  const DiffResult& result() const;
  DiffResult take_result();  // moves the result out (once Done)

 private:
  Result<bool> work(double budget_ms) override;
  Position position() const override;
  void abandon(const Error& why) override;
  Error cancelled() const override;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Run a whole diff at once.
Result<DiffResult> diff_databases(sql::Database& before, sql::Database& after, const DiffOptions& options = {});

// ---- Fetching rows for display -------------------------------------------------

struct Value {
  enum class Type { Absent, Null, Integer, Real, Text, Blob };
  Type type = Type::Absent;  // Absent: the side has no such column or no such row
  std::int64_t integer = 0;
  double real = 0;
  std::string bytes;  // Text (UTF-8 as stored) or Blob

  // For people: NULL, 42, 1.0 (reals as SQLite prints them), the text as is,
  // X'00FF' for blobs, "" for Absent.
  std::string display() const;
  // As SQLite's quote(): NULL, 42, 1.0, 'it''s', X'00FF'; "" for Absent.
  std::string sql_literal() const;
  bool operator==(const Value& o) const;
};

struct RowEntry {
  RowChange kind = RowChange::Changed;
  std::int64_t before_id = 0;  // valid when kind != Added
  std::int64_t after_id = 0;   // valid when kind != Removed
  std::vector<Value> before;   // one per TableDiff::columns (all Absent for Added)
  std::vector<Value> after;    // one per TableDiff::columns (all Absent for Removed)
  std::vector<std::size_t> changed_columns;  // Changed rows only
};

struct RowPage {
  std::string table;
  RowChange kind = RowChange::Changed;
  std::size_t offset = 0;
  std::size_t total = 0;  // rows of this kind in the table
  std::vector<RowEntry> rows;
};

// Rows [offset, offset + limit) of one kind of change, in id order, with their
// before/after values read from the two databases (which must be the ones diffed,
// unchanged since). An offset past the end gives an empty page.
Result<RowPage> fetch_rows(sql::Database& before, sql::Database& after, const TableDiff& table, RowChange kind,
                           std::size_t offset, std::size_t limit);
Result<RowPage> fetch_rows(sql::Database& before, sql::Database& after, const DiffResult& diff,
                           std::string_view table, RowChange kind, std::size_t offset, std::size_t limit);

// The row key as text: the id for KeyKind::Rowid, the key value ('x' as x) or a
// tuple "(1, 'x')" of SQL literals for Columns, "#handle" for None.
std::string row_key_text(const TableDiff& table, const RowEntry& row);

// ---- Exports -------------------------------------------------------------------

// Receives text in pieces; an error stops the export and is returned.
using TextSink = std::function<Status(std::string_view)>;

// CSV (RFC 4180: CRLF, fields with , " CR or LF quoted, quotes doubled) of a table's
// row changes: changed, then added, then removed rows, each in id order. Columns:
// change, key, then "<column> (before)", "<column> (after)" for every column. NULL
// and absent values are empty fields; an empty text is "" (quoted), so the two stay
// distinguishable. Rows are fetched a page at a time.
Status export_csv(sql::Database& before, sql::Database& after, const TableDiff& table, const TextSink& sink);
Result<std::string> export_csv_string(sql::Database& before, sql::Database& after, const TableDiff& table);

// The summary in the shape of spec §5's "diff" part:
// {"tables": {name: {"added","removed","changed","cells_changed"}},
//  "schema": [{"kind","table","name","before","after"}]}
// ("name", "before", "after" are null where not applicable).
Result<nlohmann::ordered_json> summary_json(const DiffResult& diff);
// Serialized; invalid UTF-8 in names is replaced, never thrown about.
Result<std::string> summary_json_text(const DiffResult& diff, int indent = 2);

}  // namespace redline::diff
