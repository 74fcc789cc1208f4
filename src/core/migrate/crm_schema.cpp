#include "core/migrate/crm_schema.hpp"

#include <algorithm>
#include <sstream>

#include "core/sqlite.hpp"

namespace redline::crm {

namespace embedded {
extern const char* const kBeforeSchema;
extern const char* const kAfterSchema;
}  // namespace embedded

// Parse by letting SQLite itself run the DDL in a scratch database and describing
// the result: no hand-written SQL parser to disagree with SQLite.
std::vector<TableDef> parse_ddl(const char* ddl) {
  std::vector<TableDef> out;
  auto opened = sql::Database::open_memory();
  if (!opened) return out;
  sql::Database db = std::move(opened.value());
  std::istringstream lines(ddl);
  std::string line, script;
  while (std::getline(lines, line)) {
    if (line.rfind("CREATE TABLE sqlite_sequence", 0) == 0) continue;  // SQLite's own
    script += line + "\n";
  }
  if (!db.exec(script)) return out;

  auto tables = db.prepare(
      "SELECT name, sql FROM sqlite_schema WHERE type='table' AND name NOT LIKE 'sqlite\\_%' "
      "ESCAPE '\\' ORDER BY rowid");
  if (!tables) return out;
  for (;;) {
    auto row = tables->step();
    if (!row || *row == sql::StepResult::Done) break;
    TableDef t;
    t.name = tables->column_text(0);
    t.create_sql = tables->column_text(1);
    auto cols = db.prepare("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?) ORDER BY cid");
    if (!cols) return {};
    (void)cols->bind_text(1, t.name);
    for (;;) {
      auto r = cols->step();
      if (!r || *r == sql::StepResult::Done) break;
      t.columns.push_back(ColumnDef{cols->column_text(0), cols->column_text(1),
                                    cols->column_int(2) != 0, cols->column_int(3) != 0});
    }
    auto idx = db.prepare("SELECT sql FROM sqlite_schema WHERE type='index' AND tbl_name=? AND sql IS NOT NULL ORDER BY rowid");
    if (!idx) return {};
    (void)idx->bind_text(1, t.name);
    for (;;) {
      auto r = idx->step();
      if (!r || *r == sql::StepResult::Done) break;
      t.index_sql.push_back(idx->column_text(0));
    }
    out.push_back(std::move(t));
  }
  return out;
}

const ColumnDef* TableDef::column(std::string_view n) const {
  for (const auto& c : columns)
    if (c.name == n) return &c;
  return nullptr;
}

const char* schema_sql(Shape shape) {
  return shape == Shape::Before ? embedded::kBeforeSchema : embedded::kAfterSchema;
}

const std::vector<TableDef>& tables(Shape shape) {
  static const std::vector<TableDef> before = parse_ddl(embedded::kBeforeSchema);
  static const std::vector<TableDef> after = parse_ddl(embedded::kAfterSchema);
  return shape == Shape::Before ? before : after;
}

const TableDef* find_table(Shape shape, std::string_view table) {
  for (const auto& t : tables(shape))
    if (t.name == table) return &t;
  return nullptr;
}

const TableDef* match_table(std::string_view table, const std::vector<std::string>& columns) {
  std::vector<std::string> want(columns);
  std::sort(want.begin(), want.end());
  for (Shape s : {Shape::Before, Shape::After}) {
    const TableDef* t = find_table(s, table);
    if (!t) continue;
    std::vector<std::string> have;
    for (const auto& c : t->columns) have.push_back(c.name);
    std::sort(have.begin(), have.end());
    if (have == want) return t;
  }
  return nullptr;
}

}  // namespace redline::crm
