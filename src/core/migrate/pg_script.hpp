// The normalization as a PostgreSQL script for the production database (issue #14):
// `redline script SNAPSHOT --target postgresql [--revert]`. One psql file that checks
// the live database before changing anything (structure, username collisions with the
// chosen resolution, the snapshot's own fingerprint), then runs the steps of
// steps.hpp with spec §2's semantics: DDL in short transactions under lock_timeout and
// statement_timeout, retried when a lock is not granted; data steps in primary-key
// batches up to a high-water mark, each batch its own transaction, recorded in the
// schema `redline_migration` (so a killed run completes when the same file runs again
// and a finished one changes nothing); pre-images of every value it overwrites or
// drops; indexes CONCURRENTLY; Django's bookkeeping; and a final verification against
// the preview's per-table counts and content fingerprints, embedded in the script.
// The revert script restores the old structure and values from the pre-images.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/migrate/crm_schema.hpp"
#include "core/migrate/normalize_options.hpp"
#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace redline::pg {

// A table's row count and content fingerprint: the sum (exact, as a decimal) over its
// rows of the first 8 bytes (big-endian, signed) of SHA-256 of the row's integer,
// boolean and text columns as text (NULL as \N, booleans 0/1), joined by U+001F. Dates,
// times and decimals are left out (SQLite and PostgreSQL write them differently), and
// so are the ids Redline and PostgreSQL number differently (addresses, addressables).
// The same sum is computed by SQL on the live server (fingerprint_sql).
struct Fingerprint {
  std::string table;
  std::int64_t rows = 0;
  std::string sum;
};

// The CRM tables of `shape` that fingerprints cover, with their covered columns.
struct FingerprintTable {
  std::string table;
  std::vector<std::pair<std::string, char>> columns;  // name, kind: 'i' integer, 'b' bool, 't' text
};
std::vector<FingerprintTable> fingerprint_tables(crm::Shape shape);

// Fingerprints of `db` (a snapshot in SQLite canonical form) for `shape`'s tables.
Result<std::vector<Fingerprint>> fingerprints(sql::Database& db, crm::Shape shape);
// The same, as one PostgreSQL query returning (t text, n bigint, h text) per table.
std::string fingerprint_sql(crm::Shape shape);

// What a script is generated from.
struct ScriptContext {
  NormalizeOptions options;       // `now` empty: the server's time when the run starts
  std::string snapshot_name;
  std::string snapshot_sha256;
  std::string generator;          // "Redline x.y.z"
  std::vector<std::int64_t> preview_collisions;  // employees the preview's username_collision lists
  std::vector<std::int64_t> preview_overwrites;  // employees the preview's contact_overwrite lists
  std::vector<std::int64_t> preview_zip_only;    // vendors the preview's zip_only_address lists
  std::vector<Fingerprint> before;  // the snapshot's
  std::vector<Fingerprint> after;   // the preview's result
  std::int64_t batch_rows = 100;   // keys in a batch (the first batch when batch_ms > 0)
  std::int64_t batch_ms = 200;     // > 0: each batch's size adapts to take about this long; 0: fixed
};

// The step functions the step table (steps.hpp) points at.
std::string step_e1(const ScriptContext& c);
std::string step_e2(const ScriptContext& c);
std::string step_e3(const ScriptContext& c);
std::string step_m1(const ScriptContext& c);
std::string step_m2(const ScriptContext& c);
std::string step_m3(const ScriptContext& c);
std::string step_c1(const ScriptContext& c);
std::string step_c2(const ScriptContext& c);
std::string step_c3(const ScriptContext& c);
std::string step_i1(const ScriptContext& c);
std::string step_p1(const ScriptContext& c);

// The whole files. Same context, same bytes.
std::string migration_script(const ScriptContext& c);
std::string revert_script(const ScriptContext& c);

// Build the context from a loaded snapshot: normalize a copy in memory (the preview)
// with `options`, take the hazards and both sides' fingerprints.
Result<ScriptContext> script_context(sql::Database& snapshot, const NormalizeOptions& options,
                                     std::string snapshot_name, std::string snapshot_sha256);

}  // namespace redline::pg
