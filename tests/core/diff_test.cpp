// The diff engine (core/diff.hpp): hand-made databases for every case it tells
// apart, the CRM fixtures against counts computed here by independent SQL, random
// databases against sqldiff --primarykey, and the `redline diff` command.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/diff/diff.hpp"
#include "core/io.hpp"
#include "core/sqlite.hpp"
#include "test_util.hpp"

using namespace redline;
using namespace redline::diff;
using redline::sql::Database;

namespace {

Database mem(const std::string& ddl) {
  auto db = Database::open_memory();
  EXPECT_TRUE(db.ok());
  auto s = db->exec(ddl);
  EXPECT_TRUE(s.ok()) << s.error().describe() << "\n" << ddl;
  return std::move(db.value());
}

DiffResult run(Database& b, Database& a, DiffOptions o = {}) {
  auto r = diff_databases(b, a, o);
  EXPECT_TRUE(r.ok()) << r.error().describe();
  if (!r.ok()) return {};
  return std::move(r.value());
}

const TableDiff& table(const DiffResult& d, const std::string& name) {
  const TableDiff* t = d.table(name);
  EXPECT_NE(t, nullptr) << name;
  static const TableDiff none;
  return t ? *t : none;
}

std::size_t column_index(const TableDiff& t, const std::string& name) {
  for (std::size_t i = 0; i < t.columns.size(); ++i)
    if (t.columns[i].name == name) return i;
  ADD_FAILURE() << "no column " << name;
  return 0;
}

std::vector<std::string> changed_names(const TableDiff& t, std::size_t row) {
  std::vector<std::string> out;
  for (std::size_t c : t.changed.changed_columns(row)) out.push_back(t.columns[c].name);
  return out;
}

std::vector<std::int64_t> ids(std::initializer_list<std::int64_t> v) { return v; }

// Schema changes as "kind table name before after" lines, for whole-list checks.
std::vector<std::string> schema_lines(const DiffResult& d) {
  std::vector<std::string> out;
  for (const auto& c : d.schema)
    out.push_back(std::string(to_string(c.kind)) + " " + c.table + " " + c.name + " [" + c.before + "] [" +
                  c.after + "]");
  return out;
}

// Everything a DiffResult holds about rows, for comparing two runs.
std::string fingerprint(const DiffResult& d) {
  std::string s;
  for (const auto& t : d.tables) {
    s += t.name + ":" + to_string(t.key_kind) + " +";
    for (auto i : t.added) s += std::to_string(i) + ",";
    s += " -";
    for (auto i : t.removed) s += std::to_string(i) + ",";
    s += " ~";
    for (std::size_t i = 0; i < t.changed.size(); ++i) {
      s += std::to_string(t.changed.before_id(i)) + "/" + std::to_string(t.changed.after_id(i)) + "[";
      for (auto c : t.changed.changed_columns(i)) s += std::to_string(c) + " ";
      s += "]";
    }
    s += " cells " + std::to_string(t.cells_changed) + "\n";
  }
  for (const auto& l : schema_lines(d)) s += l + "\n";
  return s;
}

}  // namespace

// ---- (1) hand-made cases ---------------------------------------------------------

TEST(DiffRows, ValuesCompareByTypeNotAffinityOrCollation) {
  const char* ddl = "CREATE TABLE t(id INTEGER PRIMARY KEY, v, s TEXT, n INTEGER, c TEXT COLLATE NOCASE, r REAL);";
  Database b = mem(std::string(ddl) +
                   "INSERT INTO t VALUES (1, 1, 'a', 5, 'x', 1.5), (2, NULL, 'a', 5, 'x', 1.5),"
                   "(3, 1, 'a', 5, 'x', 1.5), (4, 'k', 'a', 5, 'abc', 1.5), (5, 'same', 'a', 5, 'x', 1.5),"
                   "(6, 'gone', 'a', 5, 'x', 1.5), (8, X'00', 'a', 5, 'x', 1.5), (9, 2, 'a', 7, 'x', 2)");
  Database a = mem(std::string(ddl) +
                   "INSERT INTO t VALUES (1, '1', 'a', 5, 'x', 1.5), (2, '', 'a', 5, 'x', 1.5),"
                   "(3, 1.0, 'a', 5, 'x', 1.5), (4, 'k', 'a', 5, 'ABC', 1.5), (5, 'same', 'a', 5, 'x', 1.5),"
                   "(7, 'new', 'a', 5, 'x', 1.5), (8, '\x01', 'a', 5, 'x', 1.5),"
                   // '7' in an INTEGER column and 2 in a REAL column store as before: no change
                   "(9, 2, 'a', '7', 'x', 2.0)");
  DiffResult d = run(b, a);
  const TableDiff& t = table(d, "t");
  EXPECT_EQ(t.key_kind, KeyKind::Rowid);
  EXPECT_TRUE(d.schema.empty()) << schema_lines(d)[0];
  EXPECT_EQ(t.added, ids({7}));
  EXPECT_EQ(t.removed, ids({6}));
  ASSERT_EQ(t.changed.size(), 5u);
  EXPECT_EQ(t.changed.before_ids, ids({1, 2, 3, 4, 8}));
  EXPECT_TRUE(t.changed.after_ids.empty());  // rowid keys: same ids on both sides
  for (std::size_t i = 0; i < 5; ++i) {
    std::vector<std::string> want = {i == 3 ? "c" : "v"};
    EXPECT_EQ(changed_names(t, i), want) << "row " << t.changed.before_id(i);
  }
  EXPECT_EQ(t.cells_changed, 5);
  EXPECT_TRUE(t.changed.column_changed(0, column_index(t, "v")));
  EXPECT_FALSE(t.changed.column_changed(0, column_index(t, "id")));

  // The values behind the ids, with their types.
  auto page = fetch_rows(b, a, t, RowChange::Changed, 0, 10);
  ASSERT_TRUE(page.ok()) << page.error().describe();
  ASSERT_EQ(page->rows.size(), 5u);
  std::size_t v = column_index(t, "v");
  EXPECT_EQ(page->rows[0].before[v].type, Value::Type::Integer);
  EXPECT_EQ(page->rows[0].after[v].type, Value::Type::Text);
  EXPECT_EQ(page->rows[1].before[v].display(), "NULL");
  EXPECT_EQ(page->rows[1].after[v].sql_literal(), "''");
  EXPECT_EQ(page->rows[2].after[v].type, Value::Type::Real);
  EXPECT_EQ(page->rows[2].after[v].display(), "1.0");
  EXPECT_EQ(page->rows[4].before[v].display(), "X'00'");
  EXPECT_EQ(page->rows[3].changed_columns, std::vector<std::size_t>{column_index(t, "c")});
}

TEST(DiffRows, TypeChangeOfAColumnComparesValuesStrictly) {
  Database b = mem("CREATE TABLE t(id INTEGER PRIMARY KEY, x INTEGER, y INTEGER, z TEXT);"
                   "INSERT INTO t VALUES (1, 1, 3, 'a'), (2, NULL, 4, 'b');");
  Database a = mem("CREATE TABLE t(id INTEGER PRIMARY KEY, x TEXT, y REAL, z TEXT NOT NULL);"
                   "INSERT INTO t VALUES (1, 1, 3, 'a'), (2, NULL, 4.5, 'b');");
  DiffResult d = run(b, a);
  EXPECT_EQ(schema_lines(d), (std::vector<std::string>{
                                 "column_type t x [INTEGER] [TEXT]",
                                 "column_type t y [INTEGER] [REAL]",
                                 "column_nullability t z [NULL] [NOT NULL]",
                             }));
  const TableDiff& t = table(d, "t");
  // Row 1: x 1 -> '1' and y 3 -> 3.0 (the new affinities converted them); row 2:
  // NULL stays NULL, y 4 -> 4.5.
  ASSERT_EQ(t.changed.size(), 2u);
  EXPECT_EQ(changed_names(t, 0), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(changed_names(t, 1), (std::vector<std::string>{"y"}));
  EXPECT_EQ(t.cells_changed, 3);
}

TEST(DiffRows, CompositeKeysRowidAndWithoutRowid) {
  for (const char* suffix : {"", " WITHOUT ROWID"}) {
    std::string ddl = std::string("CREATE TABLE p(a INT, b TEXT, v, PRIMARY KEY(a, b))") + suffix + ";";
    Database b = mem(ddl + "INSERT INTO p VALUES (1,'x',10),(1,'y',11),(2,'x',12),(3,'q',13),(5,'it''s',15);");
    Database a = mem(ddl + "INSERT INTO p VALUES (1,'y',99),(1,'x',10),(2,'x','12'),(4,'q',14),(5,'it''s',15);");
    DiffResult d = run(b, a);
    const TableDiff& t = table(d, "p");
    EXPECT_EQ(t.key_kind, KeyKind::Columns) << suffix;
    EXPECT_TRUE(t.columns[0].key && t.columns[1].key && !t.columns[2].key);
    ASSERT_EQ(t.changed.size(), 2u) << suffix;
    ASSERT_EQ(t.added.size(), 1u);
    ASSERT_EQ(t.removed.size(), 1u);

    std::set<std::string> changed, added, removed;
    for (RowChange k : {RowChange::Changed, RowChange::Added, RowChange::Removed}) {
      auto page = fetch_rows(b, a, d, "p", k, 0, 100);
      ASSERT_TRUE(page.ok()) << page.error().describe();
      for (const auto& r : page->rows) {
        std::string key = row_key_text(t, r);
        (k == RowChange::Changed ? changed : k == RowChange::Added ? added : removed).insert(key);
        if (k == RowChange::Changed) {
          EXPECT_EQ(r.before[0], r.after[0]);
          EXPECT_EQ(r.before[1], r.after[1]);
          EXPECT_EQ(r.changed_columns, std::vector<std::size_t>{2});
        }
      }
    }
    EXPECT_EQ(changed, (std::set<std::string>{"(1, 'y')", "(2, 'x')"})) << suffix;
    EXPECT_EQ(added, (std::set<std::string>{"(4, 'q')"}));
    EXPECT_EQ(removed, (std::set<std::string>{"(3, 'q')"}));
  }
}

TEST(DiffRows, SingleTextKey) {
  Database b = mem("CREATE TABLE s(k TEXT PRIMARY KEY, v); INSERT INTO s VALUES ('a',1),('b',2);");
  Database a = mem("CREATE TABLE s(k TEXT PRIMARY KEY, v); INSERT INTO s VALUES ('b',3),('c',4);");
  DiffResult d = run(b, a);
  const TableDiff& t = table(d, "s");
  EXPECT_EQ(t.key_kind, KeyKind::Columns);
  auto page = fetch_rows(b, a, t, RowChange::Changed, 0, 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->rows.size(), 1u);
  EXPECT_EQ(row_key_text(t, page->rows[0]), "b");
  EXPECT_EQ(page->rows[0].before[1].display(), "2");
  EXPECT_EQ(page->rows[0].after[1].display(), "3");
}

TEST(DiffRows, KeylessTablesCompareAsMultisets) {
  const char* ddl = "CREATE TABLE k(x, y TEXT COLLATE NOCASE);";
  Database b = mem(std::string(ddl) + "INSERT INTO k VALUES (1,'a'),(1,'a'),(2,'b'),(3,NULL),(6,'A'),(7,1);");
  Database a = mem(std::string(ddl) + "INSERT INTO k VALUES (2,'b'),(1,'a'),(2,'b'),(3,''),(4,'d'),(6,'a'),(7,1.0);");
  DiffResult d = run(b, a);
  const TableDiff& t = table(d, "k");
  EXPECT_EQ(t.key_kind, KeyKind::None);
  EXPECT_EQ(t.changed.size(), 0u);
  // removed: the second (1,'a'), (3,NULL), (6,'A') and (7,1); added: the second
  // (2,'b'), (3,''), (4,'d'), (6,'a') and (7,1.0) (the untyped x keeps 1.0 a real).
  EXPECT_EQ(t.removed, ids({2, 4, 5, 6}));
  EXPECT_EQ(t.added, ids({3, 4, 5, 6, 7}));
  auto page = fetch_rows(b, a, t, RowChange::Removed, 0, 10);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(row_key_text(t, page->rows[0]), "#2");
  EXPECT_EQ(page->rows[1].before[1].display(), "NULL");

  // Identical multisets in another order: nothing.
  Database c = mem(std::string(ddl) + "INSERT INTO k VALUES (7,1),(6,'A'),(3,NULL),(2,'b'),(1,'a'),(1,'a');");
  DiffResult same = run(b, c);
  EXPECT_FALSE(table(same, "k").has_row_changes());
  EXPECT_TRUE(same.identical());
}

TEST(DiffRows, ColumnsOnOneSideAreSchemaChangesNotRowChanges) {
  Database b = mem("CREATE TABLE t(id INTEGER PRIMARY KEY, a, b);"
                   "INSERT INTO t VALUES (1,'x','gone1'),(2,'y','gone2');");
  Database a = mem("CREATE TABLE t(id INTEGER PRIMARY KEY, a, c);"
                   "INSERT INTO t VALUES (1,'x','new1'),(2,'z','new2');");
  DiffResult d = run(b, a);
  EXPECT_EQ(schema_lines(d), (std::vector<std::string>{"column_dropped t b [] []", "column_added t c [] []"}));
  const TableDiff& t = table(d, "t");
  ASSERT_EQ(t.columns.size(), 4u);
  EXPECT_EQ(t.columns[2].name, "b");
  EXPECT_TRUE(t.columns[2].in_before && !t.columns[2].in_after);
  EXPECT_EQ(t.columns[3].name, "c");
  EXPECT_TRUE(!t.columns[3].in_before && t.columns[3].in_after);
  ASSERT_EQ(t.changed.before_ids, ids({2}));
  EXPECT_EQ(changed_names(t, 0), std::vector<std::string>{"a"});
  auto page = fetch_rows(b, a, t, RowChange::Changed, 0, 10);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->rows[0].before[2].display(), "gone2");
  EXPECT_EQ(page->rows[0].after[2].type, Value::Type::Absent);
  EXPECT_EQ(page->rows[0].before[3].type, Value::Type::Absent);
  EXPECT_EQ(page->rows[0].after[3].display(), "new2");
}

TEST(DiffSchema, TablesAddedAndDroppedListTheirRows) {
  Database b = mem("CREATE TABLE old(id INTEGER PRIMARY KEY, v); INSERT INTO old VALUES (3,'a'),(5,'b');"
                   "CREATE TABLE keep(id INTEGER PRIMARY KEY);");
  Database a = mem("CREATE TABLE keep(id INTEGER PRIMARY KEY);"
                   "CREATE TABLE fresh(a, b, PRIMARY KEY(a)) WITHOUT ROWID; INSERT INTO fresh VALUES (1,2),(0,1),(9,9);");
  DiffResult d = run(b, a);
  EXPECT_EQ(schema_lines(d), (std::vector<std::string>{"table_added fresh  [] []", "table_dropped old  [] []"}));
  const TableDiff& fresh = table(d, "fresh");
  EXPECT_EQ(fresh.presence, TablePresence::AddedTable);
  EXPECT_EQ(fresh.added, ids({1, 2, 3}));  // positions in key order (WITHOUT ROWID)
  const TableDiff& old = table(d, "old");
  EXPECT_EQ(old.presence, TablePresence::DroppedTable);
  EXPECT_EQ(old.removed, ids({3, 5}));
  auto page = fetch_rows(b, a, fresh, RowChange::Added, 1, 5);
  ASSERT_TRUE(page.ok()) << page.error().describe();
  ASSERT_EQ(page->rows.size(), 2u);
  EXPECT_EQ(page->total, 3u);
  EXPECT_EQ(page->rows[0].after[0].display(), "1");
  EXPECT_EQ(page->rows[1].after[0].display(), "9");
  EXPECT_EQ(page->rows[0].before[0].type, Value::Type::Absent);
}

TEST(DiffSchema, PrimaryKeyChangeFallsBackToMultiset) {
  Database b = mem("CREATE TABLE t(id INTEGER PRIMARY KEY, v); INSERT INTO t VALUES (1,'a'),(2,'b');");
  Database a = mem("CREATE TABLE t(id INTEGER, v, PRIMARY KEY(id, v)); INSERT INTO t VALUES (1,'a'),(2,'c');");
  DiffResult d = run(b, a);
  EXPECT_EQ(schema_lines(d), (std::vector<std::string>{"primary_key t  [(id)] [(id, v)]"}));
  const TableDiff& t = table(d, "t");
  EXPECT_EQ(t.key_kind, KeyKind::None);
  EXPECT_EQ(t.removed, ids({2}));
  EXPECT_EQ(t.added.size(), 1u);
}

TEST(DiffSchema, IndexesByNameAndByDefinition) {
  Database b = mem(
      "CREATE TABLE t(id INTEGER PRIMARY KEY, a, b, c);"
      "CREATE INDEX idx_a ON t(a); CREATE INDEX idx_b ON t(b); CREATE INDEX idx_old ON t(a, b);"
      "CREATE INDEX idx_part ON t(c) WHERE c > 0; CREATE INDEX idx_expr ON t(lower(b)); CREATE INDEX same ON t(c);"
      "CREATE TABLE u(id INTEGER PRIMARY KEY, x UNIQUE, y UNIQUE);");
  Database a = mem(
      "CREATE TABLE t(id INTEGER PRIMARY KEY, a, b, c);"
      "CREATE INDEX idx_a ON t(a DESC); CREATE INDEX \"idx_new\" ON \"t\" (\"a\",\n  \"b\");"
      "CREATE INDEX idx_part ON t(c) WHERE c > 1; CREATE INDEX idx_expr ON t(upper(b)); CREATE INDEX SAME ON T(C);"
      "CREATE UNIQUE INDEX idx_c ON t(c COLLATE NOCASE);"
      "CREATE TABLE u(id INTEGER PRIMARY KEY, y UNIQUE);");
  DiffResult d = run(b, a);
  EXPECT_EQ(schema_lines(d), (std::vector<std::string>{
                                 "index_changed t idx_a [ON t (a)] [ON t (a DESC)]",
                                 "index_changed t idx_expr [ON t (lower(b))] [ON t (upper(b))]",
                                 "index_changed t idx_part [ON t (c) WHERE c > 0] [ON t (c) WHERE c > 1]",
                                 "index_renamed t idx_new [idx_old] [idx_new]",
                                 "index_dropped t idx_b [ON t (b)] []",
                                 "index_added t idx_c [] [UNIQUE ON t (c COLLATE NOCASE)]",
                                 "column_dropped u x [] []",
                                 // u's y constraint index was renumbered _2 -> _1: not a change
                                 "index_dropped u sqlite_autoindex_u_1 [UNIQUE ON u (x)] []",
                             }));
  // The descriptions people read.
  EXPECT_EQ(d.schema[3].describe(), "index idx_old renamed to idx_new on t");
}

TEST(DiffRows, WideTablesUseSeveralMaskWords) {
  std::string cols, vals_b, vals_a;
  for (int i = 0; i < 70; ++i) {
    cols += ", c" + std::to_string(i);
    vals_b += ", " + std::to_string(i);
    vals_a += ", " + std::to_string(i == 2 || i == 65 || i == 69 ? i + 100 : i);
  }
  Database b = mem("CREATE TABLE w(id INTEGER PRIMARY KEY" + cols + "); INSERT INTO w VALUES (1" + vals_b + ");");
  Database a = mem("CREATE TABLE w(id INTEGER PRIMARY KEY" + cols + "); INSERT INTO w VALUES (1" + vals_a + ");");
  DiffResult d = run(b, a);
  const TableDiff& t = table(d, "w");
  EXPECT_EQ(t.changed.words_per_row, 2u);
  ASSERT_EQ(t.changed.size(), 1u);
  EXPECT_EQ(changed_names(t, 0), (std::vector<std::string>{"c2", "c65", "c69"}));
  EXPECT_EQ(t.cells_changed, 3);
}

TEST(DiffRows, SlicesAndExtremeKeysGiveTheSameResult) {
  std::string ddl = "CREATE TABLE t(id INTEGER PRIMARY KEY, v);";
  std::string rows_b = "INSERT INTO t VALUES (-9223372036854775808,'min'),(-5,'a'),(0,'z'),(7,'b'),(1000000,'c'),"
                       "(9223372036854775807,'max');";
  std::string rows_a = "INSERT INTO t VALUES (-9223372036854775808,'MIN'),(-4,'a'),(0,'z'),(7,'B'),(1000001,'c'),"
                       "(9223372036854775807,'max');";
  for (int i = 1; i <= 300; ++i) {
    rows_b += "INSERT INTO t VALUES (" + std::to_string(i * 13 + 100) + "," + std::to_string(i % 7) + ");";
    if (i % 11 != 0) rows_a += "INSERT INTO t VALUES (" + std::to_string(i * 13 + 100) + "," + std::to_string(i % 5) + ");";
  }
  Database b = mem(ddl + rows_b);
  Database a = mem(ddl + rows_a);
  DiffResult whole = run(b, a);
  const TableDiff& t = table(whole, "t");
  EXPECT_EQ(t.removed.front(), -5);
  EXPECT_EQ(t.added.front(), -4);
  EXPECT_EQ(t.changed.before_id(0), INT64_MIN);
  for (std::int64_t keys : std::initializer_list<std::int64_t>{1, 3, 1000, INT64_MAX}) {
    DiffOptions o;
    o.slice_keys = keys;
    EXPECT_EQ(fingerprint(run(b, a, o)), fingerprint(whole)) << "slice_keys " << keys;
  }

  // Stepping with a tiny budget: several steps, progress only goes up, same result.
  DiffOptions o;
  o.slice_keys = 50;
  DiffJob job(b, a, o);
  double last = -1;
  int steps = 0;
  for (;;) {
    Progress p = job.step(0);
    ++steps;
    ASSERT_NE(p.state, JobState::Error) << p.error->describe();
    EXPECT_GE(p.fraction, last);
    last = p.fraction;
    if (p.state == JobState::Done) break;
    ASSERT_LT(steps, 100000);
  }
  EXPECT_GT(steps, 10);
  EXPECT_EQ(last, 1.0);
  EXPECT_EQ(fingerprint(job.result()), fingerprint(whole));
}

TEST(DiffJob, CancelEndsWithCancelled) {
  Database b = mem("CREATE TABLE t(id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1);");
  Database a = mem("CREATE TABLE t(id INTEGER PRIMARY KEY);");
  DiffJob job(b, a);
  Progress p = job.step(0);
  EXPECT_EQ(p.state, JobState::More);
  job.cancel();
  p = job.step(1000);
  ASSERT_EQ(p.state, JobState::Error);
  EXPECT_EQ(p.error->code, ErrorCode::Cancelled);
}

TEST(DiffJob, AttachModesAgree) {
  // In-memory (copied), deserialized images (read in place) and files (attached by
  // name) all give the same diff; the inputs are left as they were.
  test::TempDir dir;
  const char* ddl = "CREATE TABLE t(id INTEGER PRIMARY KEY, v); CREATE TABLE k(x);";
  Database b = mem(std::string(ddl) + "INSERT INTO t VALUES (1,'a'),(2,'b'); INSERT INTO k VALUES (1),(1);");
  Database a = mem(std::string(ddl) + "INSERT INTO t VALUES (1,'A'),(3,'c'); INSERT INTO k VALUES (1),(2);");
  DiffResult copied = run(b, a);
  ASSERT_TRUE(b.save_to_file(dir.file("b.sqlite3")).ok());
  ASSERT_TRUE(a.save_to_file(dir.file("a.sqlite3")).ok());
  auto bf = Database::open_file(dir.file("b.sqlite3"), true);
  auto af = Database::open_file(dir.file("a.sqlite3"), true);
  ASSERT_TRUE(bf.ok() && af.ok());
  EXPECT_EQ(fingerprint(run(*bf, *af)), fingerprint(copied));
  auto bi = Database::deserialize(*read_file(dir.file("b.sqlite3")), "b");
  auto ai = Database::deserialize(*read_file(dir.file("a.sqlite3")), "a");
  ASSERT_TRUE(bi.ok() && ai.ok());
  EXPECT_EQ(fingerprint(run(*bi, *ai)), fingerprint(copied));
  EXPECT_EQ(fingerprint(run(*bi, *af)), fingerprint(copied));
  EXPECT_EQ(table(copied, "t").changed.before_ids, ids({1}));
  // The images are still usable and unchanged.
  EXPECT_EQ(bi->query_int("SELECT count(*) FROM t")->value_or(-1), 2);
  EXPECT_EQ(ai->query_int("SELECT count(*) FROM k")->value_or(-1), 2);
}

TEST(DiffJob, SchemaOnlyAndIdentical) {
  Database b = mem("CREATE TABLE t(id INTEGER PRIMARY KEY, v); INSERT INTO t VALUES (1,'a');");
  Database a = mem("CREATE TABLE t(id INTEGER PRIMARY KEY, v); INSERT INTO t VALUES (1,'b');");
  DiffOptions o;
  o.rows = false;
  DiffResult d = run(b, a, o);
  EXPECT_TRUE(d.schema.empty());
  EXPECT_FALSE(table(d, "t").has_row_changes());
  EXPECT_TRUE(run(b, b).identical());
  EXPECT_FALSE(run(b, a).identical());
}

TEST(DiffExport, CsvQuotesAndKeepsNullApartFromEmpty) {
  Database b = mem("CREATE TABLE t(id INTEGER PRIMARY KEY, \"na,me\", v);"
                   "INSERT INTO t VALUES (1,'a,b',NULL),(2,'x','gone'),(4,'q',3);");
  Database a = mem("CREATE TABLE t(id INTEGER PRIMARY KEY, \"na,me\", v);"
                   "INSERT INTO t VALUES (1,'say \"hi\"',''),(3,'line1\nline2',2.5),(4,'q',3);");
  DiffResult d = run(b, a);
  auto csv = export_csv_string(b, a, table(d, "t"));
  ASSERT_TRUE(csv.ok()) << csv.error().describe();
  EXPECT_EQ(*csv,
            "change,key,id (before),id (after),\"na,me (before)\",\"na,me (after)\",v (before),v (after)\r\n"
            "changed,1,1,1,\"a,b\",\"say \"\"hi\"\"\",,\"\"\r\n"
            "added,3,,3,,\"line1\nline2\",,2.5\r\n"
            "removed,2,2,,x,,gone,\r\n");
  // A sink error stops the export and comes back.
  Status s = export_csv(b, a, table(d, "t"),
                        [](std::string_view) { return Status(make_error(ErrorCode::Io, "disk full")); });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "disk full");
}

TEST(DiffExport, SummaryJsonHasTheReportShape) {
  Database b = mem("CREATE TABLE t(id INTEGER PRIMARY KEY, v, old); INSERT INTO t VALUES (1,'a',0),(2,'b',0);");
  Database a = mem("CREATE TABLE t(id INTEGER PRIMARY KEY, v); INSERT INTO t VALUES (1,'A'),(3,'c');");
  DiffResult d = run(b, a);
  auto j = summary_json(d);
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(j->dump(), "{\"tables\":{\"t\":{\"added\":1,\"removed\":1,\"changed\":1,\"cells_changed\":1}},"
                       "\"schema\":[{\"kind\":\"column_dropped\",\"table\":\"t\",\"name\":\"old\","
                       "\"before\":null,\"after\":null}]}");
  EXPECT_EQ((*j)["tables"]["t"]["added"], 1);
  EXPECT_EQ((*j)["tables"]["t"]["removed"], 1);
  EXPECT_EQ((*j)["tables"]["t"]["changed"], 1);
  EXPECT_EQ((*j)["tables"]["t"]["cells_changed"], 1);
  ASSERT_EQ((*j)["schema"].size(), 1u);
  EXPECT_EQ((*j)["schema"][0]["kind"], "column_dropped");
  EXPECT_EQ((*j)["schema"][0]["table"], "t");
  EXPECT_EQ((*j)["schema"][0]["name"], "old");
  EXPECT_TRUE((*j)["schema"][0]["after"].is_null());
  auto text = summary_json_text(d);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(nlohmann::json::parse(*text)["tables"]["t"]["added"], 1);
}

TEST(DiffRows, FetchRowsPagesAndReportsRowsThatVanished) {
  Database b = mem("CREATE TABLE t(id INTEGER PRIMARY KEY, v);");
  Database a = mem("CREATE TABLE t(id INTEGER PRIMARY KEY, v); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
                   "SELECT i + 1 FROM n WHERE i < 2500) INSERT INTO t SELECT i, i * 2 FROM n;");
  DiffResult d = run(b, a);
  const TableDiff& t = table(d, "t");
  ASSERT_EQ(t.added.size(), 2500u);
  auto page = fetch_rows(b, a, t, RowChange::Added, 2000, 1000);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->rows.size(), 500u);
  EXPECT_EQ(page->rows[0].after_id, 2001);
  EXPECT_EQ(page->rows[0].after[1].display(), "4002");
  EXPECT_TRUE(fetch_rows(b, a, t, RowChange::Added, 3000, 10)->rows.empty());
  EXPECT_FALSE(fetch_rows(b, a, d, "nope", RowChange::Added, 0, 10).ok());
  ASSERT_TRUE(a.exec("DELETE FROM t WHERE id = 5").ok());
  auto gone = fetch_rows(b, a, t, RowChange::Added, 0, 10);
  ASSERT_FALSE(gone.ok());
  EXPECT_NE(gone.error().message.find("row 5"), std::string::npos) << gone.error().message;
}

// ---- (2) the CRM fixtures, against counts computed here by plain SQL -------------

TEST(DiffCrm, SmallFixtureCountsMatchIndependentSql) {
  const std::string before = test::fixture("crm-small/before.sqlite3");
  const std::string after = test::fixture("crm-small/after.sqlite3");
  auto bdb = Database::open_file(before, true);
  auto adb = Database::open_file(after, true);
  ASSERT_TRUE(bdb.ok() && adb.ok());
  DiffResult d = run(*bdb, *adb);

  // The reference: both files attached to a scratch connection; rows matched on
  // `id` (every CRM table's key), a row is changed when its common columns, with
  // their types, are not the same tuple (EXCEPT, not IS NOT).
  auto ref = Database::open_memory();
  ASSERT_TRUE(ref.ok());
  ASSERT_TRUE(ref->exec("ATTACH " + sql::quote_literal(before) + " AS b; ATTACH " + sql::quote_literal(after) + " AS a")
                  .ok());
  auto strings = [&](const std::string& q) {
    std::vector<std::string> out;
    auto st = ref->prepare(q);
    EXPECT_TRUE(st.ok()) << q;
    while (st.ok() && *st->step() == sql::StepResult::Row) out.push_back(st->column_text(0));
    return out;
  };
  auto count = [&](const std::string& q) {
    auto n = ref->query_int(q);
    EXPECT_TRUE(n.ok()) << q << ": " << n.error().describe();
    return n.ok() ? n->value_or(-1) : -1;
  };
  const char* list = "SELECT name FROM %s.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%%' ORDER BY name";
  char buf[200];
  std::snprintf(buf, sizeof buf, list, "b");
  std::vector<std::string> tb = strings(buf);
  std::snprintf(buf, sizeof buf, list, "a");
  std::vector<std::string> ta = strings(buf);
  std::set<std::string> all(tb.begin(), tb.end());
  all.insert(ta.begin(), ta.end());
  ASSERT_EQ(d.tables.size(), all.size());

  std::int64_t total_changed = 0;
  for (const std::string& t : all) {
    SCOPED_TRACE(t);
    const TableDiff& td = table(d, t);
    bool in_b = std::count(tb.begin(), tb.end(), t) > 0, in_a = std::count(ta.begin(), ta.end(), t) > 0;
    std::string bt = "b." + sql::quote_ident(t), at = "a." + sql::quote_ident(t);
    if (!in_b) {
      EXPECT_EQ(static_cast<std::int64_t>(td.added.size()), count("SELECT count(*) FROM " + at));
      EXPECT_TRUE(td.removed.empty() && td.changed.size() == 0);
      continue;
    }
    if (!in_a) {
      EXPECT_EQ(static_cast<std::int64_t>(td.removed.size()), count("SELECT count(*) FROM " + bt));
      continue;
    }
    EXPECT_EQ(td.key_kind, KeyKind::Rowid);
    EXPECT_EQ(static_cast<std::int64_t>(td.added.size()),
              count("SELECT count(*) FROM " + at + " WHERE id NOT IN (SELECT id FROM " + bt + ")"));
    EXPECT_EQ(static_cast<std::int64_t>(td.removed.size()),
              count("SELECT count(*) FROM " + bt + " WHERE id NOT IN (SELECT id FROM " + at + ")"));
    std::vector<std::string> common = strings(
        "SELECT name FROM pragma_table_info(" + sql::quote_literal(t) + ", 'b') WHERE name IN "
        "(SELECT name FROM pragma_table_info(" + sql::quote_literal(t) + ", 'a')) AND name <> 'id'");
    std::string tb_cols, ta_cols;
    std::int64_t cells = 0;
    for (const auto& c : common) {
      std::string qc = sql::quote_ident(c);
      tb_cols += (tb_cols.empty() ? "" : ", ") + ("x." + qc + ", typeof(x." + qc + ")");
      ta_cols += (ta_cols.empty() ? "" : ", ") + ("y." + qc + ", typeof(y." + qc + ")");
      cells += count("SELECT count(*) FROM " + bt + " AS x JOIN " + at + " AS y USING (id) WHERE EXISTS (SELECT x." +
                     qc + ", typeof(x." + qc + ") EXCEPT SELECT y." + qc + ", typeof(y." + qc + "))");
    }
    std::int64_t changed = common.empty() ? 0
                                          : count("SELECT count(*) FROM " + bt + " AS x JOIN " + at +
                                                  " AS y USING (id) WHERE EXISTS (SELECT " + tb_cols +
                                                  " EXCEPT SELECT " + ta_cols + ")");
    EXPECT_EQ(static_cast<std::int64_t>(td.changed.size()), changed);
    EXPECT_EQ(td.cells_changed, cells);
    total_changed += changed;
  }
  // The fixture does change rows (users filled from employees, employees linked).
  EXPECT_GT(total_changed, 0);
  EXPECT_EQ(table(d, "addresses").presence, TablePresence::AddedTable);

  // Loaded as images (what the app does) the diff is the same.
  auto bi = Database::deserialize(*read_file(before), "before");
  auto ai = Database::deserialize(*read_file(after), "after");
  ASSERT_TRUE(bi.ok() && ai.ok());
  EXPECT_EQ(fingerprint(run(*bi, *ai)), fingerprint(d));
}

// ---- (3) random databases against sqldiff ----------------------------------------

namespace {

constexpr const char* kSqldiff = "/usr/bin/sqldiff";

// A random schema (fixed seed): tables with a rowid key, a composite key, a text
// key, or a WITHOUT ROWID composite key, with columns of every affinity.
struct RandomTable {
  std::string name;
  std::vector<std::string> keys;  // key column names
  std::vector<std::string> key_types;
  std::vector<std::string> cols;  // other columns
  std::vector<std::string> col_types;
  bool rowid_key = false;
  bool without_rowid = false;
  std::string ddl() const {
    std::string s = "CREATE TABLE " + name + "(";
    for (std::size_t i = 0; i < keys.size(); ++i)
      s += keys[i] + " " + key_types[i] + (rowid_key ? " PRIMARY KEY" : "") + ", ";
    for (std::size_t i = 0; i < cols.size(); ++i) s += cols[i] + " " + col_types[i] + ", ";
    if (!rowid_key) {
      s += "PRIMARY KEY(";
      for (std::size_t i = 0; i < keys.size(); ++i) s += (i ? ", " : "") + keys[i];
      s += ")";
    } else {
      s.resize(s.size() - 2);
    }
    return s + ")" + (without_rowid ? " WITHOUT ROWID" : "") + ";";
  }
};

class Gen {
 public:
  explicit Gen(std::uint64_t seed) : rng_(seed) {}
  std::uint64_t next() { return rng_(); }
  int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
  // A random value as an SQL literal: NULL, small integers (so 1 and '1' meet),
  // reals that are never integral (sqldiff, like IS, holds 1 = 1.0), texts with
  // quotes, commas, tabs and new lines, '' and blobs.
  std::string value() {
    switch (below(8)) {
      case 0: return "NULL";
      case 1:
      case 2: return std::to_string(below(9) - 3);
      case 3: return std::to_string(below(40) - 20) + ".5";
      case 4: return "''";
      case 5: return "'" + std::to_string(below(9) - 3) + "'";
      case 6: return "X'" + std::string(1, "0123456789ABCDEF"[below(16)]) + "F'";
      default: {
        static const char* pieces[] = {"a", "b", "it''s", ",", " ", "\t", "\n", "é", "x\"y"};
        std::string s = "'";
        int n = 1 + below(4);
        for (int i = 0; i < n; ++i) s += pieces[below(9)];
        return s + "'";
      }
    }
  }
  std::string text_key() {
    static const char* pieces[] = {"k", "q", "z", "it''s", "7"};
    std::string s = "'";
    int n = 1 + below(3);
    for (int i = 0; i < n; ++i) s += pieces[below(5)];
    return s + "'";
  }

 private:
  std::mt19937_64 rng_;
};

std::vector<RandomTable> random_schema(Gen& g) {
  static const char* types[] = {"INTEGER", "TEXT", "REAL", "BLOB", "", "NUMERIC", "varchar(20)"};
  std::vector<RandomTable> out;
  for (int i = 0; i < 6; ++i) {
    RandomTable t;
    t.name = std::string("r").append(std::to_string(i));
    switch (i % 4) {
      case 0:
        t.keys = {"id"};
        t.key_types = {"INTEGER"};
        t.rowid_key = true;
        break;
      case 1:
        t.keys = {"k1", "k2"};
        t.key_types = {"INTEGER", "TEXT"};
        break;
      case 2:
        t.keys = {"code"};
        t.key_types = {"TEXT"};
        break;
      default:
        t.keys = {"k1", "k2"};
        t.key_types = {"TEXT", "INTEGER"};
        t.without_rowid = true;
        break;
    }
    int ncols = 1 + g.below(6);
    for (int c = 0; c < ncols; ++c) {
      t.cols.push_back(std::string("c").append(std::to_string(c)));
      t.col_types.push_back(types[g.below(7)]);
    }
    out.push_back(t);
  }
  return out;
}

std::vector<std::string> key_literals(Gen& g, const RandomTable& t) {
  std::vector<std::string> k;
  for (const auto& type : t.key_types)
    k.push_back(type == "INTEGER" ? std::to_string(static_cast<std::int64_t>(g.next() % 4000) - 1000) : g.text_key());
  return k;
}

std::string insert_sql(Gen& g, const RandomTable& t, const std::vector<std::string>& key) {
  std::string s = "INSERT OR IGNORE INTO " + t.name + " VALUES (";
  for (const auto& k : key) s += k + ", ";
  for (std::size_t c = 0; c < t.cols.size(); ++c) s += g.value() + (c + 1 < t.cols.size() ? ", " : "");
  return s + ");";
}

struct RunOutput {
  int status = -1;
  std::string out;
};

RunOutput run_command(const std::string& cmd) {
  RunOutput r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[65536];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

using KeySets = std::map<std::string, std::map<std::string, std::set<std::string>>>;  // table -> op -> keys

}  // namespace

TEST(DiffVsSqldiff, RandomDatabasesAgreeRowForRow) {
  ASSERT_TRUE(std::filesystem::exists(kSqldiff))
      << kSqldiff << " is missing: install Debian's sqlite3-tools (scripts/setup does)";
  test::TempDir dir;
  Gen g(20240611);
  std::vector<RandomTable> schema = random_schema(g);

  Database b = mem("");
  for (const auto& t : schema) {
    ASSERT_TRUE(b.exec(t.ddl()).ok()) << t.ddl();
    std::string batch = "BEGIN;";
    int rows = 200 + g.below(400);
    for (int r = 0; r < rows; ++r) batch += insert_sql(g, t, key_literals(g, t));
    ASSERT_TRUE(b.exec(batch + "COMMIT;").ok());
  }
  ASSERT_TRUE(b.save_to_file(dir.file("before.sqlite3")).ok());

  // The after side: the same rows with random edits (updates of random columns,
  // some to the value they had; deletes; inserts of new keys).
  auto a_opened = Database::open_file(dir.file("after.sqlite3"));
  ASSERT_TRUE(a_opened.ok());
  Database& a = *a_opened;
  ASSERT_TRUE(b.save_to_file(dir.file("after.sqlite3")).ok());
  // Scratch files: no need to wait for the disk.
  ASSERT_TRUE(a.exec("PRAGMA synchronous = OFF; PRAGMA journal_mode = MEMORY").ok());
  for (const auto& t : schema) {
    std::string keycols;
    for (const auto& k : t.keys) keycols += (keycols.empty() ? "" : " || ',' || ") + ("quote(" + k + ")");
    std::vector<std::string> where;
    auto st = a.prepare("SELECT " + [&] {
      std::string s;
      for (std::size_t i = 0; i < t.keys.size(); ++i)
        s += (i ? " || ' AND ' || " : "") + ("'" + t.keys[i] + " IS ' || quote(" + t.keys[i] + ")");
      return s;
    }() + " FROM " + t.name);
    ASSERT_TRUE(st.ok());
    while (*st->step() == sql::StepResult::Row) where.push_back(st->column_text(0));
    std::string batch = "BEGIN;";
    for (const auto& w : where) {
      int dice = g.below(100);
      if (dice < 6) {
        batch += "DELETE FROM " + t.name + " WHERE " + w + ";";
      } else if (dice < 20) {
        std::string set;
        int n = 1 + g.below(static_cast<int>(t.cols.size()));
        for (int i = 0; i < n; ++i)
          set += (set.empty() ? "" : ", ") + (t.cols[static_cast<std::size_t>(g.below(static_cast<int>(t.cols.size())))] +
                                              " = " + g.value());
        batch += "UPDATE OR IGNORE " + t.name + " SET " + set + " WHERE " + w + ";";
      } else if (dice < 23) {
        // Rewrite a row with its own values: no change.
        batch += "UPDATE " + t.name + " SET " + t.cols[0] + " = " + t.cols[0] + " WHERE " + w + ";";
      }
    }
    int inserts = 10 + g.below(30);
    for (int i = 0; i < inserts; ++i) batch += insert_sql(g, t, key_literals(g, t));
    ASSERT_TRUE(a.exec(batch + "COMMIT;").ok());
  }

  // sqldiff's answer. Its output is SQL; SQLite itself parses it: replayed on a
  // copy of the before file whose triggers log the key of every row each statement
  // inserts, updates or deletes.
  RunOutput sd = run_command(std::string(kSqldiff) + " --primarykey " +
                             test::shell_quote(dir.file("before.sqlite3")) + " " +
                             test::shell_quote(dir.file("after.sqlite3")) + " 2>&1");
  ASSERT_EQ(sd.status, 0) << sd.out;
  ASSERT_FALSE(sd.out.empty());
  ASSERT_TRUE(b.save_to_file(dir.file("replay.sqlite3")).ok());
  auto replay = Database::open_file(dir.file("replay.sqlite3"));
  ASSERT_TRUE(replay.ok());
  ASSERT_TRUE(replay->exec("PRAGMA synchronous = OFF; CREATE TEMP TABLE log(tbl, op, key)").ok());
  for (const auto& t : schema) {
    std::string nk, ok;
    for (const auto& k : t.keys) {
      nk += (nk.empty() ? "" : " || ',' || ") + ("quote(NEW." + k + ")");
      ok += (ok.empty() ? "" : " || ',' || ") + ("quote(OLD." + k + ")");
    }
    std::string n = t.name;
    ASSERT_TRUE(replay
                    ->exec("CREATE TEMP TRIGGER i_" + n + " AFTER INSERT ON main." + n + " BEGIN INSERT INTO log VALUES ('" +
                           n + "', 'added', " + nk + "); END;" + "CREATE TEMP TRIGGER u_" + n +
                           " AFTER UPDATE ON main." + n + " BEGIN INSERT INTO log VALUES ('" + n + "', 'changed', " +
                           ok + "); END;" + "CREATE TEMP TRIGGER d_" + n + " AFTER DELETE ON main." + n +
                           " BEGIN INSERT INTO log VALUES ('" + n + "', 'removed', " + ok + "); END;")
                    .ok());
  }
  auto applied = replay->exec("BEGIN;" + sd.out + "COMMIT;");
  ASSERT_TRUE(applied.ok()) << applied.error().describe();
  KeySets theirs;
  {
    auto st = replay->prepare("SELECT tbl, op, key FROM log");
    ASSERT_TRUE(st.ok());
    while (*st->step() == sql::StepResult::Row) {
      auto [it, fresh] = theirs[st->column_text(0)][st->column_text(1)].insert(st->column_text(2));
      EXPECT_TRUE(fresh) << "sqldiff touched a row twice: " << *it;
    }
  }

  // Ours, on the same two files; keys read back through fetch_rows.
  auto bf = Database::open_file(dir.file("before.sqlite3"), true);
  ASSERT_TRUE(bf.ok());
  DiffResult d = run(*bf, a);
  EXPECT_TRUE(d.schema.empty());
  KeySets ours;
  std::size_t total = 0;
  for (const auto& t : schema) {
    const TableDiff& td = table(d, t.name);
    EXPECT_EQ(td.key_kind, t.rowid_key ? KeyKind::Rowid : KeyKind::Columns) << t.name;
    for (RowChange k : {RowChange::Added, RowChange::Removed, RowChange::Changed}) {
      auto page = fetch_rows(*bf, a, td, k, 0, td.count(k));
      ASSERT_TRUE(page.ok()) << page.error().describe();
      for (const auto& row : page->rows) {
        const auto& values = k == RowChange::Added ? row.after : row.before;
        std::string key;
        for (std::size_t c = 0; c < td.columns.size(); ++c)
          if (td.columns[c].key) key += (key.empty() ? "" : ",") + values[c].sql_literal();
        ours[t.name][to_string(k)].insert(key);
        ++total;
      }
    }
    for (const char* op : {"added", "removed", "changed"})
      EXPECT_EQ(ours[t.name][op], theirs[t.name][op]) << t.name << " " << op;
  }
  EXPECT_GT(total, 100u);  // the edits did something

  // And sqldiff's script, applied, leaves nothing for us to find.
  auto replay_ro = Database::open_file(dir.file("replay.sqlite3"), true);
  ASSERT_TRUE(replay_ro.ok());
  replay = Database();  // closes the writer (and its temp triggers)
  DiffResult after_replay = run(*replay_ro, a);
  EXPECT_TRUE(after_replay.identical()) << fingerprint(after_replay);
}

// ---- the command -----------------------------------------------------------------

TEST(DiffCli, CrmSmallPrintsTablesAndWritesJson) {
  test::TempDir dir;
  std::string json = dir.file("d.json");
  auto r = test::run_cli("diff " + test::shell_quote(test::fixture("crm-small/before.sqlite3")) + " " +
                         test::shell_quote(test::fixture("crm-small/after.json")) + " --json " +
                         test::shell_quote(json));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("addresses (new)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("column organizations.default_currency added"), std::string::npos) << r.out;
  auto text = read_file(json);
  ASSERT_TRUE(text.ok());
  auto j = nlohmann::json::parse(std::string(text->begin(), text->end()));
  EXPECT_TRUE(j["tables"].contains("users"));
  EXPECT_TRUE(j["tables"]["users"].contains("cells_changed"));
  EXPECT_TRUE(j["schema"].is_array());
}

TEST(DiffCli, BadInputAndUsageExitTwo) {
  test::TempDir dir;
  std::string before = test::shell_quote(test::fixture("crm-small/before.sqlite3"));
  EXPECT_EQ(test::run_cli("diff " + before).exit_code, 2);
  EXPECT_EQ(test::run_cli("diff " + before + " " + before + " --json").exit_code, 2);
  EXPECT_EQ(test::run_cli("diff " + before + " " + before + " --frob").exit_code, 2);
  auto missing = test::run_cli("diff " + before + " " + test::shell_quote(dir.file("nope.sqlite3")));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.out.find("nope.sqlite3"), std::string::npos) << missing.out;
  auto same = test::run_cli("diff " + before + " " + before);
  EXPECT_EQ(same.exit_code, 0) << same.out;
  EXPECT_NE(same.out.find("0 schema change(s)"), std::string::npos) << same.out;
}
