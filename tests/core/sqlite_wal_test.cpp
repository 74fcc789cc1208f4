// SQLite files in WAL mode read with their -wal (issue #12.5) and sqlite3 .dump
// text (issue #12.6): WAL files made by the real SQLite library (a connection that
// does not checkpoint on close), damaged copies of them, hostile dump text, and the
// CLI reading FILE-wal beside FILE without writing either.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>

#include "core/io.hpp"
#include "core/load/load_job.hpp"
#include "core/load/snapshot.hpp"
#include "core/load/wal.hpp"
#include "test_util.hpp"

using namespace redline;

namespace {

std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

// A database in WAL mode at `path` whose -wal holds every transaction of `txns`
// (none checkpointed: the connection closes without a checkpoint), after `base`
// ran and was checkpointed into the main file.
void make_wal_db(const std::string& path, const std::string& base, const std::vector<std::string>& txns,
                 int page_size = 4096) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  auto exec = [&](const std::string& sql) { ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db); };
  exec("PRAGMA page_size=" + std::to_string(page_size) + "; PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;");
  exec(base);
  exec("PRAGMA wal_checkpoint(TRUNCATE);");
  for (const auto& t : txns) exec("BEGIN; " + t + " COMMIT;");
  int on = 1;
  sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, &on);
  ASSERT_EQ(sqlite3_close(db), SQLITE_OK);
  std::filesystem::remove(path + "-shm");
  ASSERT_TRUE(std::filesystem::exists(path + "-wal"));
}

std::vector<std::uint8_t> read(const std::string& path) {
  auto b = read_file(path);
  EXPECT_TRUE(b.ok()) << path;
  return b ? b.value() : std::vector<std::uint8_t>{};
}

const std::string kBase = "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES ('base');";
// Two transactions of 200 rows with 300-byte values: many pages, the file grows.
const std::vector<std::string> kTxns = {
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) "
    "INSERT INTO t (v) SELECT printf('one %d %s', i, hex(zeroblob(150))) FROM n;",
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) "
    "INSERT INTO t (v) SELECT printf('two %d %s', i, hex(zeroblob(150))) FROM n; DELETE FROM t WHERE id = 1;"};

std::int64_t rows_t(Result<Snapshot>& s) { return s->summary.tables.at("t"); }

Result<Snapshot> load_sliced(const std::vector<std::uint8_t>& bytes, const std::string& name,
                             std::optional<WalInput> wal) {
  LoadJob job(bytes, name, std::move(wal));
  while (job.step(0.05).state == JobState::More) {
  }
  EXPECT_EQ(job.take_bytes(), bytes);
  return job.take_snapshot();
}

}  // namespace

TEST(SqliteWal, CommittedFramesAreLoadedAndTheMainFileAloneSaysSo) {
  test::TempDir dir;
  std::string db = dir.file("crm.sqlite3");
  make_wal_db(db, kBase, kTxns);
  auto main = read(db);
  WalInput wal{read(db + "-wal"), db + "-wal"};
  const auto main_copy = main, wal_copy = wal.bytes;

  auto alone = load_snapshot(main, db);
  ASSERT_TRUE(alone.ok()) << alone.error().describe();
  EXPECT_EQ(rows_t(alone), 1) << "the main file holds only what was checkpointed";
  ASSERT_EQ(alone->summary.warnings.size(), 1u);
  EXPECT_NE(alone->summary.warnings[0].find("no " + db + "-wal file came with it"), std::string::npos);

  auto with = load_snapshot(main, db, &wal);
  ASSERT_TRUE(with.ok()) << with.error().describe();
  EXPECT_EQ(rows_t(with), 400);
  EXPECT_TRUE(with->summary.warnings.empty());
  EXPECT_NE(with->summary.wal.find("2 committed transaction(s)"), std::string::npos) << with->summary.wal;
  EXPECT_EQ(main, main_copy);
  EXPECT_EQ(wal.bytes, wal_copy);

  // The page's sliced load gives the same database, byte for byte.
  auto sliced = load_sliced(main, db, wal);
  ASSERT_TRUE(sliced.ok()) << sliced.error().describe();
  EXPECT_EQ(sliced->summary.tables, with->summary.tables);
  EXPECT_EQ(sliced->summary.wal, with->summary.wal);
  EXPECT_EQ(sliced->db.serialize().value(), with->db.serialize().value());
}

TEST(SqliteWal, ATornLastTransactionIsLeftOutAsSqliteDoes) {
  test::TempDir dir;
  std::string db = dir.file("a.sqlite3");
  make_wal_db(db, kBase, kTxns);
  auto main = read(db);
  WalInput wal{read(db + "-wal"), "a.sqlite3-wal"};
  wal.bytes.resize(wal.bytes.size() - 100);  // the last frame (the second commit) cut short
  auto s = load_snapshot(main, "a.sqlite3", &wal);
  ASSERT_TRUE(s.ok()) << s.error().describe();
  EXPECT_EQ(rows_t(s), 201);
  EXPECT_NE(s->summary.wal.find("1 committed transaction(s)"), std::string::npos) << s->summary.wal;
  EXPECT_NE(s->summary.wal.find("ignored (not committed, or left from before a checkpoint"), std::string::npos) << s->summary.wal;
}

TEST(SqliteWal, DamagedOrForeignWalFilesAreErrorsNamingTheWal) {
  test::TempDir dir;
  std::string db = dir.file("a.sqlite3");
  make_wal_db(db, kBase, kTxns);
  auto main = read(db);
  auto good = read(db + "-wal");
  auto expect_error = [&](std::vector<std::uint8_t> wal_bytes, const std::string& message, const std::string& where) {
    WalInput wal{std::move(wal_bytes), "a.sqlite3-wal"};
    auto s = load_snapshot(main, "a.sqlite3", &wal);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::BadInput);
    EXPECT_NE(s.error().message.find(message), std::string::npos) << s.error().describe();
    EXPECT_NE(s.error().message.find("\"PRAGMA journal_mode=DELETE\""), std::string::npos) << s.error().describe();
    EXPECT_NE(s.error().context.find("a.sqlite3-wal, format: sqlite WAL (the -wal of a.sqlite3), byte " + where),
              std::string::npos)
        << s.error().describe();
    // The sliced load says the same.
    auto sliced = load_sliced(main, "a.sqlite3", wal);
    ASSERT_FALSE(sliced.ok());
    EXPECT_EQ(sliced.error().describe(), s.error().describe());
  };
  expect_error(bytes_of("not a wal file at all, just some text here"), "not a SQLite WAL file", "0");
  expect_error({good.begin(), good.begin() + 20}, "shorter than the 32-byte WAL header", "20");
  auto bad_header = good;
  bad_header[12] ^= 1;  // the checkpoint sequence, under the header checksum
  expect_error(bad_header, "header's checksum", "24");
  auto damaged = good;
  damaged[32 + 24 + 100] ^= 0x40;  // the first frame's page: a committed transaction follows
  expect_error(damaged, "frame 1 of the -wal file has a wrong checksum", "32 (frame 1");

  // A WAL of another database, with another page size.
  std::string other = dir.file("other.sqlite3");
  make_wal_db(other, kBase, kTxns, 1024);
  expect_error(read(other + "-wal"), "the WAL's page size is 1024 but a.sqlite3's is 4096", "8");
}

TEST(SqliteWal, AWalWithAMainFileNotInWalModeIsNotRead) {
  auto main = read(test::fixture("crm-small/before.sqlite3"));
  WalInput wal{bytes_of("anything"), "before.sqlite3-wal"};
  auto s = load_snapshot(main, "before.sqlite3", &wal);
  ASSERT_TRUE(s.ok()) << s.error().describe();
  ASSERT_EQ(s->summary.warnings.size(), 1u);
  EXPECT_NE(s->summary.warnings[0].find("before.sqlite3-wal was not read"), std::string::npos);
  EXPECT_TRUE(s->summary.wal.empty());
}

// Found by fuzz_wal: apply_wal on a main file shorter than a SQLite header read
// past its end; it is an error naming both files.
TEST(SqliteWal, AMainFileShorterThanAHeaderIsAnError) {
  auto r = apply_wal(bytes_of("SQLite format 3"), bytes_of("anything"), "db.sqlite3", "db.sqlite3-wal");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::BadInput);
  EXPECT_NE(r.error().message.find("db.sqlite3 is 15 bytes, shorter than a SQLite file's 100-byte header"),
            std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().context.find("db.sqlite3-wal"), std::string::npos) << r.error().context;
}

// The CLI finds FILE-wal beside FILE, reads both and writes neither (no -shm either).
TEST(SqliteWal, CliReadsTheWalBesideTheFileAndWritesNothingThere) {
  test::TempDir dir;
  std::string db = dir.file("crm.sqlite3");
  make_wal_db(db, kBase, kTxns);
  const auto main = read(db), wal = read(db + "-wal");
  struct stat before_main {}, before_wal {};
  ASSERT_EQ(stat(db.c_str(), &before_main), 0);
  ASSERT_EQ(stat((db + "-wal").c_str(), &before_wal), 0);

  test::TempDir out;
  for (const std::string& cmd : std::vector<std::string>{"load " + test::shell_quote(db) + " --out " + test::shell_quote(out.file("o.sqlite3")),
                                "normalize " + test::shell_quote(db) + " --out " + test::shell_quote(out.file("n.sqlite3")),
                                "diff " + test::shell_quote(db) + " " + test::shell_quote(db)}) {
    SCOPED_TRACE(cmd);
    auto r = test::run_cli(cmd);
    EXPECT_NE(r.out.find("is in WAL mode: reading " + db + "-wal beside it (read only)"), std::string::npos) << r.out;
    if (cmd.rfind("load", 0) == 0) {
      EXPECT_EQ(r.exit_code, 0) << r.out;
      EXPECT_NE(r.out.find("wal: read " + db + "-wal: 2 committed transaction(s)"), std::string::npos) << r.out;
      auto loaded = sql::Database::open_file(out.file("o.sqlite3"), true);
      ASSERT_TRUE(loaded.ok());
      EXPECT_EQ(loaded->query_int("SELECT count(*) FROM t")->value_or(-1), 400);
    }
    if (cmd.rfind("diff", 0) == 0) {
      EXPECT_EQ(r.exit_code, 0) << r.out;
    }
  }
  EXPECT_EQ(read(db), main);
  EXPECT_EQ(read(db + "-wal"), wal);
  struct stat after_main {}, after_wal {};
  ASSERT_EQ(stat(db.c_str(), &after_main), 0);
  ASSERT_EQ(stat((db + "-wal").c_str(), &after_wal), 0);
  EXPECT_EQ(after_main.st_mtim.tv_sec, before_main.st_mtim.tv_sec);
  EXPECT_EQ(after_main.st_mtim.tv_nsec, before_main.st_mtim.tv_nsec);
  EXPECT_EQ(after_wal.st_mtim.tv_sec, before_wal.st_mtim.tv_sec);
  EXPECT_EQ(after_wal.st_mtim.tv_nsec, before_wal.st_mtim.tv_nsec);
  EXPECT_FALSE(std::filesystem::exists(db + "-shm"));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(std::filesystem::path(db).parent_path()),
                          std::filesystem::directory_iterator()),
            2)
      << "nothing new beside the user's files";

  // Without the -wal: loaded as of the last checkpoint, and said so.
  std::filesystem::remove(db + "-wal");
  auto r = test::run_cli("load " + test::shell_quote(db) + " --out " + test::shell_quote(out.file("p.sqlite3")));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("no " + db + "-wal is beside it: loading it as of its last checkpoint"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("warning: the database is in WAL mode and no " + db + "-wal file came with it"), std::string::npos)
      << r.out;
}

// ---- sqlite3 .dump text ------------------------------------------------------------

namespace {

const std::string kDumpHead = "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n";
const std::string kDumpBody =
    "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT, b BLOB);\n"
    "INSERT INTO t VALUES(1,'one',X'0001ff');\n"
    "INSERT INTO t VALUES(2,replace('two\\nlines','\\n',char(10)),NULL);\n"
    "DELETE FROM sqlite_sequence;\n"
    "INSERT INTO sqlite_sequence VALUES('t',2);\n"
    "CREATE INDEX t_v ON t (v);\n";

}  // namespace

TEST(SqliteDump, IsDetectedApartFromPgDump) {
  auto d = bytes_of(kDumpHead + "COMMIT;\n");
  EXPECT_EQ(detect_format(d.data(), d.size()), Format::SqliteDump);
  auto crlf = bytes_of("PRAGMA foreign_keys=OFF;\r\nBEGIN TRANSACTION;\r\nCOMMIT;\r\n");
  EXPECT_EQ(detect_format(crlf.data(), crlf.size()), Format::SqliteDump);
  auto pg = bytes_of("--\n-- PostgreSQL database dump\n--\nBEGIN TRANSACTION;\n");
  EXPECT_EQ(detect_format(pg.data(), pg.size()), Format::PgDump);
  auto begin = bytes_of("BEGIN TRANSACTION;\nCREATE TABLE t (a int);\nCOMMIT;\n");
  EXPECT_EQ(detect_format(begin.data(), begin.size()), Format::PgDump);
  EXPECT_STREQ(format_name(Format::SqliteDump), "sqlite-dump");
  EXPECT_STREQ(report_format_name(Format::SqliteDump), "sqlite") << "spec §5: input.format is sqlite|pgdump|dumpdata";
}

TEST(SqliteDump, LoadsTheTablesInOneCallAndInSlices) {
  auto d = bytes_of(kDumpHead + kDumpBody + "COMMIT;\n");
  auto s = load_snapshot(d, "crm.sql");
  ASSERT_TRUE(s.ok()) << s.error().describe();
  EXPECT_EQ(s->summary.format, Format::SqliteDump);
  EXPECT_EQ(s->summary.tables.at("t"), 2);
  EXPECT_EQ(s->db.query_int("SELECT count(*) FROM t WHERE v = 'two' || char(10) || 'lines' AND b IS NULL")->value_or(0), 1);
  EXPECT_EQ(s->db.query_int("SELECT seq FROM sqlite_sequence WHERE name = 't'")->value_or(0), 2);
  EXPECT_EQ(s->db.query_int("SELECT count(*) FROM sqlite_schema WHERE name = 't_v'")->value_or(0), 1);
  auto sliced = load_sliced(d, "crm.sql", std::nullopt);
  ASSERT_TRUE(sliced.ok()) << sliced.error().describe();
  EXPECT_EQ(sliced->summary.tables, s->summary.tables);
  EXPECT_EQ(sliced->db.serialize().value(), s->db.serialize().value());
}

TEST(SqliteDump, WhatADumpDoesNotDoIsRefusedWithTheLine) {
  struct Case {
    std::string text, message, where;
    ErrorCode code;
  };
  const std::vector<Case> cases = {
      {kDumpHead + "ATTACH '/tmp/redline-attached.db' AS x;\nCOMMIT;\n", "ATTACH/DETACH", "line 3", ErrorCode::Unsupported},
      {kDumpHead + "PRAGMA writable_schema=ON;\nCOMMIT;\n", "PRAGMA writable_schema", "line 3", ErrorCode::Unsupported},
      // This build has no extension loading at all; the authorizer would refuse it too.
      {kDumpHead + kDumpBody + "SELECT load_extension('/tmp/x');\nCOMMIT;\n", "load_extension", "line 9",
       ErrorCode::BadInput},
      {kDumpHead + "CREATE TABLE t (a);\nINSERT INTO t VALUES(1);\nINSERT INTO t VALUES(2;\nCOMMIT;\n",
       "the statement fails in SQLite", "line 5: INSERT INTO t VALUES(2;", ErrorCode::BadInput},
      {kDumpHead + kDumpBody, "no COMMIT at the end", "line 9 (end of file)", ErrorCode::BadInput},
      {kDumpHead + "CREATE TABLE t (a);\nINSERT INTO t VALUES('a" + std::string(1, '\0') + "b');\nCOMMIT;\n",
       "a NUL byte", "line 4", ErrorCode::BadInput},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto s = load_snapshot(bytes_of(c.text), "crm.sql");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, c.code) << s.error().describe();
    EXPECT_NE(s.error().message.find(c.message), std::string::npos) << s.error().describe();
    EXPECT_NE(s.error().context.find("crm.sql, format: sqlite .dump text, " + c.where), std::string::npos)
        << s.error().describe();
    auto sliced = load_sliced(bytes_of(c.text), "crm.sql", std::nullopt);
    ASSERT_FALSE(sliced.ok());
    EXPECT_EQ(sliced.error().describe(), s.error().describe());
  }
  EXPECT_FALSE(std::filesystem::exists("/tmp/redline-attached.db"));
}
