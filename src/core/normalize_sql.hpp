// Internals shared by the preflight (hazards.cpp) and the normalizer (normalize.cpp):
// what the loaded database looks like (which CRM tables and columns exist, which
// steps it has already done), and the SQL of M1's plan, so that the hazards the
// preflight reports are computed by the very query the run executes.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/normalize_options.hpp"
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

// BadInput listing every missing table and column when `s` is not the CRM (in the
// before shape, the after shape or in between); also refuses unknown columns in
// the tables the contract rebuilds, since a rebuild would lose them.
Status check_is_crm(const DbState& s);

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

// M1's plan: one row per employee, in id order, with columns
//   emp_id, kind ('update': has a user; 'create': gets a new user; 'link': linked to
//   the existing user that holds its username; 'link_new': linked to the user created
//   for an earlier employee with the same username), target (the user id it ends up
//   with; new ids continue after max(users.id, its sqlite_sequence), in employee id
//   order), username (of a created user), fn, ln, em, ph (the employee's contact
//   values, NULL read as ''), want (the username the guide would give), taken_by
//   (id of the existing user holding `want`), grp_n (how many employees without a
//   user want that name).
// A SELECT (with its WITH clause), usable as a subquery.
std::string m1_plan_sql(const DbState& s, CollisionResolution resolution);

}  // namespace redline::norm
