// DDL translation of the pg_dump loader: PostgreSQL's CREATE TABLE, CREATE INDEX,
// ALTER TABLE and sequences turned into the canonical SQLite schema (spec §1).
//
// Tables the CRM schema knows (crm::match_table) are created with Django's exact
// SQLite DDL; other tables get a Django-like translation of their PostgreSQL
// definition, rebuilt with their keys once pg_dump has added them (after the data).
// The CRM is looked for in every schema: the one holding it loads under plain names,
// other schemas' tables as "schema.table". Index and constraint syntax SQLite cannot
// take (operator classes, expressions, INCLUDE, WHERE, ...) is skipped with a warning.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/migrate/crm_schema.hpp"
#include "core/load/pgdump_parse.hpp"
#include "core/load/pgdump_values.hpp"
#include "core/sqlite.hpp"

namespace redline::detail::pgdump {

struct Column {
  std::string name;
  std::string pg_type;  // normalized: lower case, single spaces
  PgKind kind = PgKind::Other;
  bool not_null = false;
  bool primary_key = false;  // inline PRIMARY KEY
  bool unique = false;       // inline UNIQUE
  bool identity = false;     // GENERATED ... AS IDENTITY
  bool generated = false;    // GENERATED ALWAYS AS (...) STORED
  std::string ref_table;     // inline REFERENCES
  std::string ref_column;
};

struct ForeignKey {
  std::vector<std::string> cols;
  std::string ref_table;
  std::vector<std::string> ref_cols;
};

struct Table {
  std::string name;              // as in SQLite
  std::string schema;            // a schema other than the CRM's (name is then "schema.table")
  std::vector<Column> columns;   // PostgreSQL's declaration order
  const crm::TableDef* crm = nullptr;
  bool loaded = true;            // false: read but not loaded (partition, reserved name, ...)
  std::size_t created_at = 0;    // byte offset of its CREATE TABLE
  // Constraints of tables outside the CRM schema, turned into DDL at the end.
  std::vector<std::string> pk;
  std::vector<std::pair<std::string, std::vector<std::string>>> uniques;  // name, columns
  std::vector<ForeignKey> fks;
  std::string created_ddl;       // outside the CRM: the DDL it was created with
  std::string autoinc_column;    // the AUTOINCREMENT primary key, if any

  int find(std::string_view col) const {
    for (std::size_t i = 0; i < columns.size(); ++i)
      if (columns[i].name == col) return static_cast<int>(i);
    return -1;
  }
};

// One statement to run after the data (an index: a sort of its whole table each).
struct IndexTask {
  std::string sql;
  std::size_t offset = 0;
  std::string table;
  const char* what = "";
};

class Schema : Reader {
 public:
  Schema(Source& src, sql::Database& db) : Reader(src), db_(db) {}

  // Before the first statement: which schema holds the CRM (reading the statements
  // from `from` up to the first data).
  void find_home_schema(std::size_t from);
  // A table by its name in the dump, or nullptr when the dump never created it.
  Table* table(const QName& q);
  std::size_t tables_created() const { return tables_created_; }

  // The statements (after their leading keywords: CREATE TABLE / CREATE [UNIQUE]
  // INDEX / ALTER TABLE / ALTER SEQUENCE / setval's arguments after '(').
  Status create_table(Lexer& lx, std::size_t at);
  Status create_index(Lexer& lx, bool unique, std::size_t at);
  Status alter_table(Lexer& lx, std::size_t at);
  Status alter_sequence(Lexer& lx, std::size_t at);
  Status setval(Lexer& lx, std::size_t at);

  // After the last statement, in this order (the rows all written): no table at all
  // is an error; tables rebuilt with their keys, and the indexes to create; then
  // sqlite_sequence and the last warnings.
  Status refuse_no_tables(std::size_t at);
  Status finish_tables(std::vector<IndexTask>& tasks);
  Status finish_sequences();
  Status exec(const std::string& sql, std::size_t at, std::string_view table, const char* what);

 private:
  struct Constraint {
    enum class Kind { PrimaryKey, Unique, ForeignKey, Check, Other } kind = Kind::Other;
    std::string name;
    std::vector<std::string> cols;
    std::string ref_table;
    std::vector<std::string> ref_cols;
    std::string word;  // Other: its first keyword
  };
  struct IndexDef {
    std::string name;
    std::string table;
    bool unique = false;
    std::vector<std::string> cols;  // rendered: "col" [DESC]
    std::size_t offset = 0;
  };
  struct SeqValue {
    std::int64_t value = 0;
    bool called = true;
  };

  // What a table (or sequence) is called in SQLite: tables of the CRM's schema by
  // their own name, others' as "schema.name".
  std::string local_name(const QName& q) const {
    return (q.schema.empty() || q.schema == home_) ? q.name : q.schema + "." + q.name;
  }
  std::string seq_key(const QName& q) const { return local_name(q); }
  // An index the loader cannot read is skipped with a warning: indexes hold no data.
  Status read_index(Lexer& lx, bool unique, std::size_t at, std::string& index_name);
  Result<Constraint> constraint(Lexer& lx);
  Result<std::string> column_type(Lexer& lx);
  std::string unknown_ddl(const Table& t, const std::string& sql_name);
  const std::set<std::string>& crm_index_names(const crm::TableDef* def);

  sql::Database& db_;
  // The schema whose tables load under their own names: the one holding the CRM.
  std::string home_ = "public";
  std::size_t tables_created_ = 0;  // CREATE TABLEs seen
  std::vector<std::unique_ptr<Table>> tables_;
  std::map<std::string, Table*, std::less<>> by_name_;
  std::map<std::string, std::pair<std::string, std::string>> seq_owner_;  // sequence -> (table, column)
  std::map<std::string, SeqValue> setval_;
  std::vector<IndexDef> indexes_;
  std::map<const crm::TableDef*, std::set<std::string>> crm_index_names_;
  std::set<int> crm_shapes_;  // which CRM shapes the known tables came from
};

}  // namespace redline::detail::pgdump
