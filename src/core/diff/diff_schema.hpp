// Internal to the diff engine (core/diff.hpp): reading one attached schema's tables,
// columns and indexes through SQLite's own pragmas, and comparing two of them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/diff/diff.hpp"
#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace redline::diff::detail {

// SQLite's type affinity of a declared type (datatype3.html §3.1), plus Any for the
// ANY type of STRICT tables, which stores values as given.
enum class Affinity { Integer, Text, Blob, Real, Numeric, Any };
Affinity affinity_of(std::string_view declared_type, bool strict_table);

struct ColumnSchema {
  std::string name;
  std::string type;
  bool not_null = false;
  int pk = 0;  // 1-based position in the primary key, 0 when not part of it
};

struct IndexSchema {
  std::string name;
  std::string table;
  bool automatic = false;  // sqlite_autoindex_* (UNIQUE / PRIMARY KEY constraints)
  std::string definition;  // for people: "UNIQUE ON t (a, b DESC) WHERE x = 1"
  std::string match_key;   // definition with identifiers folded, for matching
};

struct TableSchema {
  std::string name;
  bool without_rowid = false;
  bool strict = false;
  std::vector<ColumnSchema> columns;     // declaration order
  std::vector<std::string> primary_key;  // in key order
  bool rowid_alias = false;              // a single INTEGER PRIMARY KEY column

  const ColumnSchema* column(std::string_view name) const;  // case-insensitive
};

struct SchemaImage {
  std::vector<TableSchema> tables;  // user tables (no sqlite_*, views, virtual tables), by name
  std::vector<IndexSchema> indexes;

  const TableSchema* table(std::string_view name) const;  // case-insensitive
};

// Read schema `schema` ("main", or an attached name) of `db`.
Result<SchemaImage> read_schema(sql::Database& db, const std::string& schema);

// The schema changes from `before` to `after`, in the order DiffResult::schema
// documents.
std::vector<SchemaChange> compare_schemas(const SchemaImage& before, const SchemaImage& after);

// ASCII lower case: SQLite identifiers compare case-insensitively in ASCII only.
std::string fold(std::string_view s);
bool same_ident(std::string_view a, std::string_view b);

// Pieces of a CREATE INDEX statement, found by a small tokenizer that respects
// quotes and comments: the key list's elements and the partial index's WHERE
// clause, each with runs of white space collapsed.
struct IndexSqlParts {
  std::vector<std::string> elements;
  std::string where;
};
IndexSqlParts split_index_sql(std::string_view sql);

}  // namespace redline::diff::detail
