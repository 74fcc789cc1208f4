// Value lineage of the normalization (issue "Show every change", spec §5 diff.moves):
// where every value the migration moves went, and where every new row's values came
// from. Two kinds of moves, both read from what the run planned and recorded, never
// guessed by matching values:
//  - M1: employees.{first_name,last_name,email,phone} -> users, through the user M1
//    gives each employee (its plan, norm::m1_plan_sql, checked against the after's
//    employees.user_id): updated user, created user, or linked to an existing one.
//  - M2: each table's address columns -> addresses, through the addressables row
//    (content type crmApp.<model>, object_id) M2 wrote for it.
// For each old cell the outcome is one of: moved (the value now lives in the new row),
// unchanged (the user already had that value), blank (nothing to move), lost (not in
// the new structure: an employee value M1 did not write, a user value M1 overwrote).
//
// Memory: per employee 24 bytes and per address-bearing row 24 bytes (ids and one
// byte per cell), plus a sorted index for reverse lookups; no cell values are kept.
// Values are read from the databases only when asked for (fetch_lost).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/job.hpp"
#include "core/migrate/normalize_options.hpp"
#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace redline {

enum class Fate : std::uint8_t {
  Blank,      // the old value was empty (or NULL): nothing to move
  Moved,      // the value is in the new row now
  Unchanged,  // the new row already held this very value (a user's own kept value too)
  Lost,       // the value is in no row of the new structure
};
const char* to_string(Fate f);  // "blank", "moved", "unchanged", "lost"

// How an employee got its user in M1.
enum class UserLink : std::uint8_t {
  Updated,  // it had a user; the user was updated with its values
  Created,  // M1 created the user for it
  Linked,   // linked to a user that held its username (resolution "link"), or to a
            // user M1 created for an earlier employee with the same username
};
const char* to_string(UserLink k);  // "updated", "created", "linked"

inline constexpr std::size_t kContactFields = 4;  // first_name, last_name, email, phone
inline constexpr std::size_t kAddressFields = 5;  // up to five address columns per table

struct EmployeeMove {
  std::int64_t employee_id = 0;
  std::int64_t user_id = 0;  // the user it points at after the run (0: none)
  UserLink link = UserLink::Updated;
  bool plan_mismatch = false;  // the after's user_id is not the one M1's plan gives
  bool removed = false;        // the row is not in the after database
  std::uint8_t unexpected = 0; // bit f: fields[f] is Lost and the plan does not explain it
  std::array<Fate, kContactFields> fields{};  // the employee's values
};

// A user that existed before the run and that M1 wrote into (updated or linked).
struct UserMove {
  std::int64_t user_id = 0;
  std::array<Fate, kContactFields> fields{};  // the user's own old values: Unchanged,
                                              // Blank (empty before) or Lost (overwritten)
};

// One lost cell, without its value (fetch_lost reads values).
struct LostCell {
  std::string table;    // "employees", "users", or an address table
  std::int64_t id = 0;  // row of `table` (before)
  std::string column;
  std::string to_table; // where it would have gone: "users", "addresses" ("" if nowhere)
  std::int64_t to_id = 0;
  // The employee whose value replaced a user value (0: unknown or not applicable).
  std::int64_t by_employee = 0;
  // false: M1's plan does not explain the loss (a value changed by something else,
  // an address that lost a value, a row that disappeared): lossless fails on it.
  bool expected = true;
};

// One per address row of the five tables (~680k at ~1M rows, the review's largest
// structure): its flags share a byte, so that it takes 24 bytes, not 32.
struct AddressRowMove {
  std::int64_t object_id = 0;
  std::int64_t address_id = 0;   // the primary address (smallest id), 0 if none
  std::uint8_t primaries = 0;    // primary addresses linked (saturates at 255)
  std::uint8_t links = 0;        // addressables rows for it (saturates at 255)
  bool has_data : 1 = false;     // any address column non-empty before
  // Its only non-empty address value is zip_code (hazard zip_only_address): the
  // guide's test for address data skips it.
  bool zip_only : 1 = false;
  std::array<Fate, kAddressFields> fields{};  // per AddressTableMoves::columns
};
static_assert(sizeof(AddressRowMove) <= 24, "AddressRowMove: keep it small (one per address row)");

struct AddressTableMoves {
  std::string table;                 // organizations, customers, vendors, leads, employees
  std::string model;                 // crmApp content type model
  std::int64_t content_type_id = 0;  // in the after database (0: missing)
  std::vector<std::string> columns;  // the old address columns the table had
  std::vector<std::string> targets;  // the addresses column each one went to
  std::int64_t rows = 0;             // rows before
  std::int64_t rows_with_data = 0;
  // Rows with address data or an address link, by object_id. Rows without either are
  // all blank and not stored.
  std::vector<AddressRowMove> moved;
  const AddressRowMove* find(std::int64_t object_id) const;
};

// One summary line of spec §5's diff.moves.
struct MoveSummary {
  std::string from;  // "employees.first_name"
  std::string to;    // "users.first_name"
  std::string via;   // "employees.user_id" or "addressables (crmApp.organization)"
  std::string step;  // M1, M2
  std::int64_t moved = 0, unchanged = 0, lost = 0, blank = 0;
  std::vector<std::int64_t> lost_ids;  // ids of rows of the from table, ascending
  nlohmann::ordered_json to_json() const;
};

// Where an old cell went.
struct CellDestination {
  Fate fate = Fate::Blank;
  std::string to_table;  // "" when lost or blank with no row to go to
  std::int64_t to_id = 0;
  std::string to_column;
  std::string step;      // M1 / M2
  std::string note;      // for people: "created user 162", "overwritten by employee 17's value"
};

// Where a value of a new (or updated) row came from.
struct ValueSource {
  std::string column;       // of the new row
  std::string from_table;   // "" for a constant or a derived value
  std::int64_t from_id = 0;
  std::string from_column;
  Fate fate = Fate::Moved;  // of the source cell
  std::string note;         // "the user's own value, kept", "constant 'primary'", ...
};

// A lost cell with its values, for reports and the lossless check.
struct LostValue {
  LostCell cell;
  std::string old_value;  // the value before (the one that is lost)
  std::string now_value;  // what the destination holds now ("" when there is none)
  std::string reason;     // for people
};

class Moves {
 public:
  // M1 as planned and recorded (empty when the before had no employee contact columns,
  // or M1 was done already).
  bool has_m1 = false;
  CollisionResolution resolution = CollisionResolution::Suffix;  // the plan used
  std::vector<EmployeeMove> employees;   // by employee_id
  std::vector<UserMove> users;           // by user_id
  std::vector<LostCell> user_losses;     // overwritten user values, by user id, column
  // Employees by how they got their user (index: UserLink).
  std::array<std::int64_t, 3> links{};
  // M2, one entry per address table the before had.
  std::vector<AddressTableMoves> address_tables;
  // The zip_only_address resolution of the run (nullopt: not known, either counts).
  std::optional<ZipOnlyResolution> zip_only_address;
  // A zip-only row the run left without an address as the guide does (resolution
  // 'guide'): its zip code is lost, by the plan; it is not a row with address data.
  bool zip_only_skipped(const AddressRowMove& r) const {
    return r.zip_only && r.links == 0 && zip_only_address != ZipOnlyResolution::Keep;
  }

  // Spec §5 summaries: one per (from -> to), M1 employee columns, then the users'
  // own values, then each table's address columns.
  std::vector<MoveSummary> summaries() const;
  nlohmann::ordered_json to_json() const;  // the "moves" array

  // Where the old cell (table, id, column) went; nullopt when the cell is not one
  // the normalization moves (see the diff for those).
  std::optional<CellDestination> where_went(std::string_view table, std::int64_t id, std::string_view column) const;
  // Where the values of a row of the new structure came from: a users row (created or
  // written by M1) or an addresses row. Empty when M1/M2 did not write the row.
  std::vector<ValueSource> sources_of(std::string_view table, std::int64_t id) const;

  // Every lost cell: employee values, overwritten user values, address values, in
  // that order (each by id).
  std::vector<LostCell> lost() const;
  std::size_t unexpected_lost_count() const;

  // Internal indexes, built by compute_moves.
  std::vector<std::pair<std::int64_t, std::uint32_t>> employees_by_user;  // (user_id, index)
  std::vector<std::pair<std::int64_t, std::uint64_t>> address_index;      // (address_id, table << 32 | row)
  const EmployeeMove* employee(std::int64_t id) const;
  const UserMove* user(std::int64_t id) const;
};

struct MovesOptions {
  // The collision resolution the run used. nullopt: the one whose plan matches the
  // after's links (suffix first, then link): for diffs of two files made elsewhere.
  std::optional<CollisionResolution> resolution;
  // The contact-overwrite resolution the run used; it decides which losses the plan
  // explains. nullopt: any resolution's losses count as explained.
  std::optional<OverwriteResolution> overwrite;
  // The zip_only_address resolution the run used. nullopt: a zip-only vendor without an
  // address counts as the guide's (its lost zip code is explained).
  std::optional<ZipOnlyResolution> zip_only;
};
// The moves options of a run made with `options`.
MovesOptions moves_options(const NormalizeOptions& options);

// Resumable: one unit per step (the M1 merge, then one address table at a time).
// `before` must be the snapshot the run started from and `after` its result; both
// are only read, and must outlive the job.
class MovesJob final : public Job {
 public:
  MovesJob(sql::Database& before, sql::Database& after, MovesOptions options = {});
  ~MovesJob();
  MovesJob(const MovesJob&) = delete;
  MovesJob& operator=(const MovesJob&) = delete;
  Moves take_result();  // once step() returned Done

 private:
  Result<bool> work(double budget_ms) override;
  Position position() const override;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

Result<Moves> compute_moves(sql::Database& before, sql::Database& after, const MovesOptions& options = {});

// The values of lost cells [offset, offset + limit) of moves.lost(), read from the
// two databases.
Result<std::vector<LostValue>> fetch_lost(sql::Database& before, sql::Database& after, const Moves& moves,
                                          std::size_t offset = 0, std::size_t limit = SIZE_MAX);

}  // namespace redline
