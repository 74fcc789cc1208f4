// Row writing of the pg_dump loader: COPY data (row by row, in slices) and INSERT
// values (plain, --column-inserts, multi-row, ON CONFLICT DO NOTHING), each value
// converted to what Django writes on SQLite (pgdump_values.hpp) and bound through
// the batched Inserter, as a view into the input wherever no escape had to be undone.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/load/inserter.hpp"
#include "core/load/pgdump_ddl.hpp"
#include "core/load/pgdump_parse.hpp"
#include "core/sqlite.hpp"

namespace redline::detail::pgdump {

class Rows : Reader {
 public:
  Rows(Source& src, sql::Database& db, Schema& schema) : Reader(src), db_(db), schema_(schema) {}

  // COPY ... FROM stdin (the whole statement, `stmt_end` one past its ';'): its data
  // rows are then read by copy_rows(), in slices, while copy_active().
  Status copy_stmt(Lexer& lx, std::size_t at, std::size_t stmt_end);
  Status copy_rows(std::chrono::steady_clock::time_point deadline);
  bool copy_active() const { return copy_active_; }
  std::size_t copy_pos() const { return copy_.p; }          // the next data line
  std::size_t copy_end() const { return copy_end_; }        // after the last COPY's \. line
  std::string copy_table() const { return copy_.t ? copy_.t->name : std::string(); }

  Status insert_stmt(Lexer& lx, std::size_t at, std::size_t stmt_end);

  // Write the rows still waiting (before anything else touches the database).
  Status flush();
  // After the data: every statement finalized (tables are rebuilt next), and the
  // values kept as PostgreSQL's text reported, one warning per column.
  Status close();
  void report_odd_values();

 private:
  // Prepared INSERTs for one table and one list of columns (positions in
  // table->columns, in the order values arrive).
  struct TableInserter {
    Table* table = nullptr;
    std::vector<int> cols;
    bool or_ignore = false;
    Inserter ins;
  };
  struct OddValues {
    std::size_t count = 0;
    std::size_t first_offset = 0;
    std::string first_value;
    std::string why;
  };
  // The COPY whose data rows are being read.
  struct CopyState {
    Table* t = nullptr;
    TableInserter* ins = nullptr;
    std::size_t p = 0;   // the next data line
    std::size_t at = 0;  // the COPY statement
    std::size_t ncols = 0;
  };

  // cols_: the positions in `t` of the columns a COPY or INSERT lists (col_names_),
  // or all of them.
  Status resolve_columns(const Table& t, bool has_list, const char* verb, std::size_t at);
  Result<TableInserter*> inserter(Table* t, const std::vector<int>& cols, bool or_ignore, std::size_t at);
  // The value of column i of the row being collected.
  void set(TableInserter& ins, std::size_t i, std::string_view v, bool is_null, std::size_t at);
  void odd(const Table& t, const Column& c, std::string_view v, std::size_t at, const char* why);

  sql::Database& db_;
  Schema& schema_;
  std::vector<std::unique_ptr<TableInserter>> inserters_;
  TableInserter* last_inserter_ = nullptr;
  std::map<std::string, OddValues> odd_;
  bool copy_active_ = false;
  CopyState copy_;
  std::size_t copy_end_ = 0;

  // Reused per row / per statement.
  std::vector<std::string_view> fields_;
  std::vector<int> cols_;
  std::vector<std::string> col_names_;
};

}  // namespace redline::detail::pgdump
