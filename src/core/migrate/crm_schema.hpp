// The CRM's tables as Django creates them on SQLite, in the old (before) and the
// normalized (after) shape, parsed once from the embedded DDL of src/core/schema/.
// Loaders use it to write exactly the tables Django would have written (spec §1:
// canonical form); the normalizer and checks use it as the target shape.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace redline::crm {

enum class Shape { Before, After };

struct ColumnDef {
  std::string name;
  std::string type;   // declared type, as in the DDL ("varchar(150)", "bool", ...)
  bool not_null = false;
  bool primary_key = false;
};

struct TableDef {
  std::string name;
  std::string create_sql;               // CREATE TABLE ... (without IF NOT EXISTS)
  std::vector<std::string> index_sql;   // CREATE [UNIQUE] INDEX ... for this table
  std::vector<ColumnDef> columns;       // in declaration order

  const ColumnDef* column(std::string_view name) const;
};

// Every table of one shape, in the DDL's order (sqlite_sequence excluded).
const std::vector<TableDef>& tables(Shape shape);

// The definition of `table` in `shape`, or nullptr.
const TableDef* find_table(Shape shape, std::string_view table);

// The known definition of `table` whose column names are exactly `columns` (any
// order): the before shape is tried first, then the after shape. nullptr if none.
const TableDef* match_table(std::string_view table, const std::vector<std::string>& columns);

// The tables a DDL script creates, described by SQLite itself (sqlite_sequence
// excluded); empty if the script fails.
std::vector<TableDef> parse_ddl(const char* ddl);

// The raw DDL scripts (one statement per line, as `.schema` prints them).
const char* schema_sql(Shape shape);

}  // namespace redline::crm
