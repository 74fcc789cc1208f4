// The RAII SQLite wrapper: statements, bindings, savepoints, the hardened
// deserialize, and the error values that say what failed and where.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/io.hpp"
#include "core/sqlite.hpp"
#include "test_util.hpp"

using namespace redline;
using redline::sql::Database;
using redline::sql::Savepoint;
using redline::sql::StepResult;

namespace {

Database memory_db() {
  auto db = Database::open_memory();
  EXPECT_TRUE(db.ok());
  return std::move(db.value());
}

}  // namespace

TEST(SqliteWrapper, ExecPrepareBindStep) {
  Database db = memory_db();
  ASSERT_TRUE(db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB)").ok());
  auto ins = db.prepare("INSERT INTO t(name, score, data) VALUES (?, ?, ?)");
  ASSERT_TRUE(ins.ok());
  const std::string names[] = {"Zoë", std::string("nul\0byte", 8), "tab\there"};
  for (const auto& n : names) {
    ASSERT_TRUE(ins->bind_text(1, n).ok());
    ASSERT_TRUE(ins->bind_double(2, 1.5).ok());
    const unsigned char blob[] = {0, 1, 2};
    ASSERT_TRUE(ins->bind_blob(3, blob, sizeof blob).ok());
    auto r = ins->step();
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, StepResult::Done);
    ASSERT_TRUE(ins->reset().ok());
  }
  EXPECT_EQ(db.last_insert_rowid(), 3);

  auto sel = db.prepare("SELECT name, score, data FROM t ORDER BY id");
  ASSERT_TRUE(sel.ok());
  int i = 0;
  for (;;) {
    auto r = sel->step();
    ASSERT_TRUE(r.ok());
    if (*r == StepResult::Done) break;
    EXPECT_EQ(sel->column_text(0), names[i]) << "text must round-trip byte for byte";
    EXPECT_DOUBLE_EQ(sel->column_double(1), 1.5);
    EXPECT_EQ(sel->column_blob(2), (std::vector<std::uint8_t>{0, 1, 2}));
    ++i;
  }
  EXPECT_EQ(i, 3);
  auto n = db.query_int("SELECT count(*) FROM t");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->value_or(-1), 3);
}

TEST(SqliteWrapper, SyntaxErrorIsAValueWithTheSql) {
  Database db = memory_db();
  auto st = db.prepare("SELEC oops FROM nowhere");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::Sqlite);
  EXPECT_NE(st.error().message.find("syntax error"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().context.find("SELEC oops"), std::string::npos) << st.error().context;

  auto ex = db.exec("INSERT INTO missing VALUES (1)");
  ASSERT_FALSE(ex.ok());
  EXPECT_NE(ex.error().message.find("no such table: missing"), std::string::npos) << ex.error().message;
}

TEST(SqliteWrapper, ConstraintViolationFromStepIsAValue) {
  Database db = memory_db();
  ASSERT_TRUE(db.exec("CREATE TABLE u(name TEXT UNIQUE); INSERT INTO u VALUES ('a')").ok());
  auto st = db.prepare("INSERT INTO u VALUES (?)");
  ASSERT_TRUE(st.ok());
  ASSERT_TRUE(st->bind_text(1, "a").ok());
  auto r = st->step();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("UNIQUE constraint failed: u.name"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().describe().find("INSERT INTO u"), std::string::npos) << r.error().describe();
}

TEST(SqliteWrapper, SavepointRollsBackUnlessReleased) {
  Database db = memory_db();
  ASSERT_TRUE(db.exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)").ok());
  {
    auto sp = Savepoint::begin(db, "outer");
    ASSERT_TRUE(sp.ok());
    ASSERT_TRUE(db.exec("INSERT INTO t VALUES (2); DELETE FROM t WHERE x = 1").ok());
    // destroyed without release: rolled back
  }
  EXPECT_EQ(db.query_int("SELECT group_concat(x) FROM t").ok(), true);
  auto one = db.prepare("SELECT group_concat(x) FROM t");
  ASSERT_TRUE(one.ok());
  ASSERT_TRUE(one->step().ok());
  EXPECT_EQ(one->column_text(0), "1");

  {
    auto sp = Savepoint::begin(db, "kept");
    ASSERT_TRUE(sp.ok());
    ASSERT_TRUE(db.exec("INSERT INTO t VALUES (3)").ok());
    ASSERT_TRUE(sp->release().ok());
    EXPECT_FALSE(sp->active());
    EXPECT_FALSE(sp->release().ok()) << "releasing twice must be an error, not a crash";
  }
  EXPECT_EQ(db.query_int("SELECT count(*) FROM t")->value_or(0), 2);
}

TEST(SqliteWrapper, NestedSavepointRollbackKeepsOuterWork) {
  Database db = memory_db();
  ASSERT_TRUE(db.exec("CREATE TABLE t(x)").ok());
  auto outer = Savepoint::begin(db, "outer");
  ASSERT_TRUE(outer.ok());
  ASSERT_TRUE(db.exec("INSERT INTO t VALUES (1)").ok());
  {
    auto inner = Savepoint::begin(db, "inner");
    ASSERT_TRUE(inner.ok());
    ASSERT_TRUE(db.exec("INSERT INTO t VALUES (2)").ok());
    ASSERT_TRUE(inner->rollback().ok());
  }
  ASSERT_TRUE(outer->release().ok());
  EXPECT_EQ(db.query_int("SELECT sum(x) FROM t")->value_or(0), 1);
}

TEST(SqliteWrapper, DeserializeFixtureAndSerializeRoundTrip) {
  auto bytes = read_file(test::fixture("crm-small/before.sqlite3"));
  ASSERT_TRUE(bytes.ok()) << bytes.error().describe();
  const auto original = *bytes;
  auto db = Database::deserialize(*bytes, "before.sqlite3");
  ASSERT_TRUE(db.ok()) << db.error().describe();
  EXPECT_EQ(db->query_int("SELECT count(*) FROM employees")->value_or(0), 200);

  // Writes go to the in-memory copy, never to the caller's bytes.
  ASSERT_TRUE(db->exec("DELETE FROM employees").ok());
  EXPECT_EQ(*bytes, original);

  auto image = db->serialize();
  ASSERT_TRUE(image.ok());
  auto again = Database::deserialize(*image, "image");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->query_int("SELECT count(*) FROM employees")->value_or(-1), 0);
  EXPECT_EQ(again->query_int("SELECT count(*) FROM deals")->value_or(-1), 600);
}

TEST(SqliteWrapper, DeserializeIsDefensive) {
  auto bytes = read_file(test::fixture("crm-small/before.sqlite3"));
  ASSERT_TRUE(bytes.ok());
  auto db = Database::deserialize(*bytes, "before.sqlite3");
  ASSERT_TRUE(db.ok());
  // Defensive mode: the schema cannot be rewritten through writable_schema.
  (void)db->exec("PRAGMA writable_schema=ON");
  auto w = db->exec("UPDATE sqlite_schema SET sql = 'x' WHERE name = 'users'");
  EXPECT_FALSE(w.ok());
  EXPECT_EQ(db->query_int("PRAGMA trusted_schema")->value_or(-1), 0);
  EXPECT_EQ(db->query_int("PRAGMA cell_size_check")->value_or(-1), 1);
}

TEST(SqliteWrapper, TruncatedFileGivesBadInputNamingTheFile) {
  auto bytes = read_file(test::fixture("crm-small/before.sqlite3"));
  ASSERT_TRUE(bytes.ok());
  bytes->resize(bytes->size() / 3);
  auto db = Database::deserialize(*bytes, "half.sqlite3");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, ErrorCode::BadInput);
  EXPECT_EQ(db.error().context, "half.sqlite3");
  EXPECT_FALSE(db.error().message.empty());
}

TEST(SqliteWrapper, CorruptPagesAreFoundByQuickCheck) {
  auto bytes = read_file(test::fixture("crm-small/before.sqlite3"));
  ASSERT_TRUE(bytes.ok());
  // Scribble over the middle of the file (b-tree pages, not the header).
  for (std::size_t i = bytes->size() / 2; i < bytes->size() / 2 + 4096; ++i) (*bytes)[i] = 0xA5;
  auto db = Database::deserialize(*bytes, "scribbled.sqlite3");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, ErrorCode::BadInput);
  EXPECT_NE(db.error().message.find("corrupt"), std::string::npos) << db.error().describe();
}

TEST(SqliteWrapper, EmptyInputIsAnError) {
  auto db = Database::deserialize({}, "empty.sqlite3");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, ErrorCode::BadInput);
  EXPECT_NE(db.error().describe().find("empty.sqlite3"), std::string::npos);
}

TEST(SqliteWrapper, SaveToFileWritesALoadableDatabase) {
  test::TempDir dir;
  Database db = memory_db();
  ASSERT_TRUE(db.exec("CREATE TABLE t(x); INSERT INTO t VALUES ('é')").ok());
  ASSERT_TRUE(db.save_to_file(dir.file("out.sqlite3")).ok());
  auto back = Database::open_file(dir.file("out.sqlite3"), true);
  ASSERT_TRUE(back.ok());
  auto st = back->prepare("SELECT x FROM t");
  ASSERT_TRUE(st.ok());
  ASSERT_TRUE(st->step().ok());
  EXPECT_EQ(st->column_text(0), "é");

  auto bad = db.save_to_file(dir.file("no/such/dir/out.sqlite3"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().describe().find("no/such/dir"), std::string::npos) << bad.error().describe();
}

TEST(SqliteWrapper, QuoteHelpers) {
  EXPECT_EQ(sql::quote_ident("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(sql::quote_literal("O'Brien"), "'O''Brien'");
}

TEST(SqliteWrapper, CloneIsIndependent) {
  auto db = Database::open_memory();
  ASSERT_TRUE(db->exec("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2)").ok());
  auto copy = db->clone();
  ASSERT_TRUE(copy.ok()) << copy.error().describe();
  ASSERT_TRUE(copy->exec("DELETE FROM t WHERE x = 1").ok());
  EXPECT_EQ(db->query_int("SELECT count(*) FROM t")->value_or(-1), 2);
  EXPECT_EQ(copy->query_int("SELECT count(*) FROM t")->value_or(-1), 1);
  EXPECT_EQ(db->serialize()->size(), copy->serialize()->size());
}

// The page exports the normalized database with SerializeJob, the CLI with
// serialize(): both must give the same bytes, in small slices as in one.
TEST(SqliteWrapper, SerializeJobGivesSerializesBytes) {
  auto bytes = read_file(test::fixture("crm-small/before.sqlite3"));
  ASSERT_TRUE(bytes.ok());
  auto db = Database::deserialize(*bytes, "before.sqlite3");
  ASSERT_TRUE(db.ok());
  // A database that was written to (free pages, a grown file), held by the pager, as
  // the run's after database is.
  auto after = db->clone();
  ASSERT_TRUE(after.ok());
  ASSERT_TRUE(after->exec("DELETE FROM deals WHERE id % 3 = 0; CREATE TABLE big(x); "
                          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
                          "INSERT INTO big SELECT randomblob(300) FROM n")
                  .ok());
  auto want = after->serialize();
  ASSERT_TRUE(want.ok());
  ASSERT_GT(want->size(), bytes->size());
  for (double budget : {0.0, 1e9}) {
    sql::SerializeJob job(*after);
    Progress p;
    int steps = 0;
    do {
      p = job.step(budget);
      ++steps;
    } while (p.state == JobState::More);
    ASSERT_EQ(p.state, JobState::Done) << (p.error ? p.error->describe() : "");
    EXPECT_TRUE(job.take() == *want) << "budget " << budget;
    if (budget == 0.0) {
      EXPECT_GT(steps, 2) << "a zero budget takes the pages in several slices";
    }
  }
}

// The page's worker holds what a step gives its sink until the slice ends, and cuts
// it into pieces of step_bytes: with set_step_bytes a step ends where the bytes given
// in all reach a multiple of it, however large its budget, so a step completes at
// most one piece, also when steps that ran out of time ended between two multiples
// and when the image ends within the step. The pages are the bytes serialize() gives.
TEST(SqliteWrapper, SerializeJobStepBytesBoundWhatAStepGives) {
  auto db = Database::open_memory();
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(db->exec("CREATE TABLE big(x); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 16000) "
                       "INSERT INTO big SELECT randomblob(300) FROM n")
                  .ok());
  const auto want = db->serialize();
  ASSERT_TRUE(want.ok());
  const std::size_t page = static_cast<std::size_t>(db->query_int("PRAGMA page_size")->value_or(0));
  ASSERT_GT(page, 0u);
  // 100 pages: a step out of time ends every 64 pages, so off these multiples.
  const std::size_t limit = 100 * page;
  ASSERT_GT(want->size(), 8 * limit);
  ASSERT_NE(want->size() % limit, 0u) << "the image ends within a piece";
  for (bool mixed : {false, true}) {
    SCOPED_TRACE(mixed ? "steps out of time between" : "large budgets only");
    std::vector<std::uint8_t> got;
    sql::SerializeJob job(*db, [&](const std::uint8_t* b, std::size_t n) {
      got.insert(got.end(), b, b + n);
      return ok_status();
    });
    job.set_step_bytes(limit);
    Progress p;
    int steps = 0;
    do {
      const std::size_t before = got.size();
      // A zero budget ends the step at its first look at the clock (64 pages).
      p = job.step(mixed && steps % 2 == 0 ? 0.0 : 1e9);
      ++steps;
      EXPECT_LE(got.size() / limit - before / limit, 1u) << "step " << steps << " completes at most one piece";
      EXPECT_LE(got.size() - before, limit) << "step " << steps;
      if (p.state == JobState::More && !(mixed && steps % 2 == 1)) {
        EXPECT_EQ(got.size() % limit, 0u) << "step " << steps << " with time to spare ends at a multiple";
      }
    } while (p.state == JobState::More);
    ASSERT_EQ(p.state, JobState::Done) << (p.error ? p.error->describe() : "");
    EXPECT_TRUE(got == *want);
    EXPECT_GE(steps, static_cast<int>(want->size() / limit));
  }
}

// The after image is exported when the user asks, after the review's POST checks wrote
// into the after database and rolled it back. SQLite does not journal a freelist leaf
// it reuses, so the rollback leaves the written bytes in free pages: with its free
// pages blanked, the image is the same before and after such a write, in slices or
// not, and holds nothing of a dropped table.
TEST(SqliteWrapper, SerializeJobBlanksFreePagesSoARolledBackWriteLeavesNoTrace) {
  auto db = Database::open_memory();
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(db->exec("CREATE TABLE keep(x); CREATE TABLE gone(x); "
                       "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
                       "INSERT INTO gone SELECT 'dropped-secret-' || i || '-' || hex(randomblob(100)) FROM n; "
                       "INSERT INTO keep VALUES (1), (2); DROP TABLE gone")
                  .ok());
  const auto free_pages = db->query_int("PRAGMA freelist_count")->value_or(0);
  ASSERT_GT(free_pages, 100) << "the dropped table's pages are free";
  auto image = [&](sql::SerializeJob::FreePages free, double budget) {
    sql::SerializeJob job(*db, {}, free);
    Progress p;
    do p = job.step(budget);
    while (p.state == JobState::More);
    EXPECT_EQ(p.state, JobState::Done) << (p.error ? p.error->describe() : "");
    return job.take();
  };
  auto has = [](const std::vector<std::uint8_t>& b, const std::string& text) {
    return std::search(b.begin(), b.end(), text.begin(), text.end()) != b.end();
  };
  const auto raw = image(sql::SerializeJob::FreePages::AsTheyAre, 1e9);
  const auto blank = image(sql::SerializeJob::FreePages::Blank, 1e9);
  EXPECT_TRUE(raw == db->serialize().value());
  ASSERT_EQ(blank.size(), raw.size());
  EXPECT_TRUE(has(raw, "dropped-secret-")) << "the free pages hold the dropped rows";
  EXPECT_FALSE(has(blank, "dropped-secret-")) << "blanked, they do not";
  EXPECT_TRUE(image(sql::SerializeJob::FreePages::Blank, 0.0) == blank) << "in slices as in one";
  {
    // The blanked image is the same database: every page in use as it was.
    auto copy = Database::deserialize(blank, "blank.sqlite3", false);
    ASSERT_TRUE(copy.ok()) << copy.error().describe();
    auto check = copy->prepare("PRAGMA integrity_check");
    ASSERT_TRUE(check.ok());
    ASSERT_EQ(*check->step(), sql::StepResult::Row);
    EXPECT_EQ(check->column_text(0), "ok");
    EXPECT_EQ(copy->query_int("PRAGMA freelist_count")->value_or(-1), free_pages);
    EXPECT_EQ(copy->query_int("SELECT sum(x) FROM keep")->value_or(-1), 3);
  }

  // A write into the free pages, rolled back, as the POST checks do.
  ASSERT_TRUE(db->exec("BEGIN; CREATE TABLE scratch(x); "
                       "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) "
                       "INSERT INTO scratch SELECT 'rolled-back-' || hex(randomblob(200)) FROM n; ROLLBACK")
                  .ok());
  EXPECT_EQ(db->query_int("PRAGMA freelist_count")->value_or(-1), free_pages);
  const auto raw_after = image(sql::SerializeJob::FreePages::AsTheyAre, 1e9);
  EXPECT_FALSE(raw_after == raw) << "the rolled-back write is left in free pages (what blanking is for)";
  EXPECT_TRUE(has(raw_after, "rolled-back-"));
  EXPECT_TRUE(image(sql::SerializeJob::FreePages::Blank, 1e9) == blank) << "blanked, the image is as before the write";
}
