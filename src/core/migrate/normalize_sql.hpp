// Internals shared by the preflight (hazards.cpp), the normalizer (normalize.cpp) and
// the review (moves, checks): what the loaded database looks like (which CRM tables and
// columns exist, the project's own columns, a CREATE TABLE's parts, which steps it has
// already done), the address columns of each table, and the SQL the hazards and the
// run share (M1's plan, M3's currency vote, the address-data tests), so that the
// hazards the preflight reports are computed by the very queries the run executes; and
// ranged_task(), a statement over a whole table cut into rowid ranges, for the jobs'
// slices.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/job.hpp"
#include "core/migrate/normalize_options.hpp"
#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace redline::norm {

struct ColumnInfo {
  std::string name;
  std::string type;
  bool not_null = false;
  bool pk = false;
};

struct TableInfo {
  std::string name;
  std::vector<ColumnInfo> columns;  // in declaration order
  const ColumnInfo* col(std::string_view c) const;
  bool has(std::string_view c) const { return col(c) != nullptr; }
};

struct DbState {
  std::map<std::string, TableInfo> tables;  // every table of main
  std::set<std::string> indexes;            // every index name of main
  std::set<std::string> crm_migrations;     // django_migrations.name where app = 'crmApp'
  const TableInfo* table(std::string_view t) const;
  bool has(std::string_view t, std::string_view c) const;
};

Result<DbState> inspect(sql::Database& db);

// `s` in ASCII lower case: SQL type names compare without regard to case.
std::string ascii_lower(std::string s);

// Is `column` of `table` its INTEGER PRIMARY KEY, so that rowid order is its order?
// ("" for whichever column the key is.) False for a composite or non-integer key.
bool is_rowid_key(const DbState& s, std::string_view table, std::string_view column);

// BadInput listing every missing table and column when `s` is not the CRM (in the
// before shape, the after shape or in between). Unknown columns of the CRM's tables
// are the project's own and are carried (see extra_columns); only the two new tables,
// which M2 writes row by row, must be exactly the after shape's.
Status check_is_crm(const DbState& s);

// The columns of CRM table `table` that the spec does not name (neither its before nor
// its after shape has them): the project's own, carried through untouched (spec §1).
// In declaration order; empty for a table that is not one of the CRM's.
std::vector<const ColumnInfo*> extra_columns(const DbState& s, std::string_view table);

// A CREATE TABLE statement's parts as written: each column definition's text (name,
// declared type, NOT NULL, DEFAULT, CHECK, COLLATE, REFERENCES as they are) and each
// table constraint's. The split follows SQL's quoting ('..', "..", `..`, [..]),
// comments and parentheses; `names` (the columns SQLite reports, in order) checks it:
// a statement it cannot split into exactly those columns is an error, never a guess.
struct TableSql {
  std::vector<std::string> columns;
  std::vector<std::string> constraints;
};
Result<TableSql> split_table_sql(const std::string& create_sql, const std::vector<std::string>& names);

// The tables M2 reads, in M2's order, with their content type model.
struct AddressTable {
  const char* table;
  const char* model;
};
const std::vector<AddressTable>& address_tables();
// The address columns of an old-shape table (spec §1's table).
std::vector<std::string> address_columns(std::string_view table);
// Columns the contract removes from `table` (before shape minus after shape).
std::vector<std::string> dropped_columns(std::string_view table);
extern const char* const kContactColumns[4];  // first_name, last_name, email, phone

// Django's migration records for the four migrations of the guide (app 'crmApp').
extern const char* const kMigrationNames[4];

// What the snapshot had already done before this run (spec: recognize snapshots
// already in the new structure or half-migrated; never migrate twice).
struct Done {
  bool e1 = false, e2 = false, e3 = false;
  bool m1 = false, m2 = false, m3 = false;
  bool c1 = false, c2 = false, c3 = false;
  bool i1 = false, p1 = false;
  // Why M1/M2 count as done, for the report ("" when they do not).
  std::string migrate_reason;
};
Result<Done> already_done(sql::Database& db, const DbState& s);

// SQL expression: `alias.col` with NULL read as '' when `table` has `col`, else ''.
std::string text_or_empty(const DbState& s, std::string_view table, std::string_view col,
                          std::string_view alias);

// The guide's test for address data (spec §2 M2), as an SQL condition on `alias`: any
// of address, city, state, country, postal_code that `table` has is non-empty (NULL
// reads as empty). zip_code is not among them; with `zip_too` (resolution
// zip_only_address = keep) it counts as well. "0" when the table has none of them.
std::string has_address_data_sql(const DbState& s, std::string_view table, std::string_view alias, bool zip_too);
// A vendor row whose only address value is zip_code (hazard zip_only_address), as an
// SQL condition on `alias`; "0" when vendors has no zip_code.
std::string zip_only_sql(const DbState& s, std::string_view alias);

// M1's plan: one row per employee, in id order, with columns
//   emp_id, kind ('update': has a user; 'create': gets a new user; 'link': linked to
//   the existing user that holds its username; 'link_new': linked to the user created
//   for an earlier employee with the same username), target (the user id it ends up
//   with; new ids continue after max(users.id, its sqlite_sequence), in employee id
//   order), username (of a created user), fn, ln, em, ph (the employee's contact
//   values, NULL read as ''), want (the username the guide would give), taken_by
//   (id of the existing user holding `want`), grp_n (how many employees without a
//   user want that name).
// A SELECT (with its WITH clause), usable as a subquery. `last_user_id`, when given, is
// the SQL expression of the largest user id handed out (the PostgreSQL script's, from
// the users sequence); by default SQLite's, from sqlite_sequence.
std::string m1_plan_sql(const DbState& s, CollisionResolution resolution, std::string_view last_user_id = {});

// The temp table the preflight fills with M1's plan (the columns above, in that order)
// and M1 then reads, so the plan is computed once per run.
extern const char* const kM1PlanTable;       // "temp.redline_m1"
extern const char* const kM1PlanCreate;      // its CREATE TEMP TABLE
std::string m1_plan_insert_sql(const DbState& s, CollisionResolution resolution);  // fills it
// The temp table of M3's vote: one row per (organization, currency) of deals with a
// currency, `n` the number of such deals; filled by the preflight in slices, read by
// the tie hazard and by M3.
extern const char* const kVotesTable;        // "temp.redline_votes"
// The vote as two statements over all of deals at once (what the preflight's slices
// add up to; the report lists these, so that its SQL replays the run).
extern const char* const kVotesCreate;
extern const char* const kVotesFill;

// ---- slices --------------------------------------------------------------------------
//
// A step's work is a StepQueue (core/job.hpp) of tasks, each a slice per call; a
// statement over a whole table is cut into ranges of rowids (ranged_task below).

// Rows per slice of a ranged statement: a few milliseconds of work natively. Fixed (not
// derived from the time budget), so a sliced run executes exactly the statements an
// unsliced one does and writes the same bytes.
constexpr std::int64_t kSliceRows = 16384;

// A statement run over `table` in slices of kSliceRows rows by rowid: `sql` uses ?1 and
// ?2 as the inclusive rowid bounds of a slice (and may use more parameters, bound by
// `bind` before each slice). `whole`, when set, gives (when the first slice starts) the
// one statement the slices together amount to, for the report. `whole` runs it once over every rowid instead (for a
// statement whose ORDER BY must span the whole table). `row` sees each result row,
// `after` the changes of each slice, `done` runs once at the end.
struct Ranged {
  std::string table;  // a table of main, or "temp.<name>"
  std::string sql;
  std::function<std::string()> shown;
  bool whole = false;
  std::function<Status(sql::Statement&)> bind;
  std::function<Status(sql::Statement&)> row;
  std::function<Status(std::int64_t changes)> after;
  std::function<Status()> done;
};
StepQueue::Task ranged_task(sql::Database& db, Ranged r);

}  // namespace redline::norm
