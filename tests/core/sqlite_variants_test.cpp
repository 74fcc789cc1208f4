// SQLite variants made by the real sqlite3 shell (tests/sqlite/make_variants.sh
// OUTDIR): WAL mode with changes only in the -wal, a restarted WAL, page sizes 512
// and 65536, auto-vacuum FULL and INCREMENTAL, a .dump text. Each loads, with the
// CLI's loader and with the page's sliced LoadJob, to the same tables, schema, rows
// and per-table row counts as its plain form (the same database as sqlite3 leaves
// it after a checkpoint, in rollback-journal mode), whose counts sqlite3 wrote.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/io.hpp"
#include "core/load/load_job.hpp"
#include "core/load/snapshot.hpp"
#include "test_util.hpp"

using namespace redline;

namespace {

bool row(sql::Statement& st) {
  auto r = st.step();
  EXPECT_TRUE(r.ok());
  return r.ok() && *r == sql::StepResult::Row;
}

// Every row of every user table, as quoted SQL values, sorted; and the schema's SQL.
std::map<std::string, std::vector<std::string>> contents(sql::Database& db) {
  std::map<std::string, std::vector<std::string>> out;
  auto tables = sql::user_tables(db);
  EXPECT_TRUE(tables.ok());
  for (const auto& t : *tables) {
    std::vector<std::string> cols;
    auto info = db.prepare("SELECT name FROM pragma_table_info(?1)");
    EXPECT_TRUE(info.ok());
    EXPECT_TRUE(info->bind_text(1, t).ok());
    while (row(*info)) cols.push_back(info->column_text(0));
    std::string expr;
    for (const auto& c : cols) expr += (expr.empty() ? "quote(" : " || ',' || quote(") + sql::quote_ident(c) + ")";
    auto st = db.prepare("SELECT " + expr + " FROM " + sql::quote_ident(t));
    EXPECT_TRUE(st.ok()) << t;
    auto& rows = out[t];
    while (row(*st)) rows.push_back(st->column_text(0));
    std::sort(rows.begin(), rows.end());
  }
  auto schema = db.prepare("SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_schema "
                           "WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name");
  EXPECT_TRUE(schema.ok());
  auto& s = out["(schema)"];
  while (row(*schema)) s.push_back(schema->column_text(0));
  return out;
}

std::map<std::string, std::int64_t> expected_counts(const std::string& path) {
  std::map<std::string, std::int64_t> out;
  std::ifstream in(path);
  std::string t;
  std::int64_t n;
  while (in >> t >> n) out[t] = n;
  return out;
}

std::vector<std::uint8_t> read(const std::string& path) {
  auto b = read_file(path);
  EXPECT_TRUE(b.ok()) << path;
  return b ? b.value() : std::vector<std::uint8_t>{};
}

const char* kVariants[] = {"wal", "wal-restarted", "wal-clean", "page-512", "page-65536",
                           "autovacuum-full", "autovacuum-incremental", "dump"};

std::string variants_dir() {
  const char* dir = std::getenv("REDLINE_SQLITE_VARIANTS_DIR");
  return dir ? dir : "";
}

}  // namespace

TEST(SqliteVariants, EveryVariantLoadsLikeItsPlainForm) {
  const std::string dir = variants_dir();
  if (dir.empty()) {
    const char* require = std::getenv("REDLINE_REQUIRE_SQLITE_VARIANTS");
    if (require && std::string(require) == "1")
      FAIL() << "REDLINE_REQUIRE_SQLITE_VARIANTS=1 but REDLINE_SQLITE_VARIANTS_DIR is not set: run "
                "tests/sqlite/make_variants.sh OUTDIR (needs the sqlite3 shell) and point it at OUTDIR";
    GTEST_SKIP() << "REDLINE_SQLITE_VARIANTS_DIR is not set: run tests/sqlite/make_variants.sh OUTDIR and set "
                    "REDLINE_SQLITE_VARIANTS_DIR=OUTDIR to test variants made by the real sqlite3 shell";
  }
  for (const char* v : kVariants) {
    SCOPED_TRACE(v);
    const std::string d = dir + "/" + v;
    const std::string file = d + (std::string(v) == "dump" ? "/crm.sql" : "/crm.sqlite3");
    for (const std::string& f : {file, d + "/plain.sqlite3", d + "/expected.counts"})
      ASSERT_TRUE(std::filesystem::exists(f)) << f << " is missing: rerun tests/sqlite/make_variants.sh";
    const auto counts = expected_counts(d + "/expected.counts");
    ASSERT_GE(counts.size(), 10u) << "sqlite3 counted the CRM's tables";

    auto plain = load_snapshot(read(d + "/plain.sqlite3"), "plain.sqlite3");
    ASSERT_TRUE(plain.ok()) << plain.error().describe();
    EXPECT_EQ(plain->summary.tables, counts);
    const auto want = contents(plain->db);

    const auto bytes = read(file);
    std::optional<WalInput> wal;
    const bool has_wal = std::string(v) == "wal" || std::string(v) == "wal-restarted";
    ASSERT_EQ(std::filesystem::exists(file + "-wal"), has_wal) << file << "-wal: rerun tests/sqlite/make_variants.sh";
    if (has_wal) wal = WalInput{read(file + "-wal"), file + "-wal"};
    auto loaded = load_snapshot(bytes, file, wal ? &*wal : nullptr);
    ASSERT_TRUE(loaded.ok()) << loaded.error().describe();
    EXPECT_EQ(loaded->summary.tables, counts) << "every row, as sqlite3 counts them";
    EXPECT_TRUE(loaded->summary.skipped.empty());
    EXPECT_TRUE(contents(loaded->db) == want) << "the same schema and rows as the plain form";
    if (wal) {
      EXPECT_NE(loaded->summary.wal.find("committed transaction(s)"), std::string::npos) << loaded->summary.wal;
      EXPECT_TRUE(loaded->summary.warnings.empty());
      // The main file alone is not the same database: the -wal matters.
      auto alone = load_snapshot(bytes, file);
      ASSERT_TRUE(alone.ok()) << alone.error().describe();
      EXPECT_NE(alone->summary.tables, counts);
      EXPECT_FALSE(alone->summary.warnings.empty());
    }

    // The page's sliced load: the same database, byte for byte.
    LoadJob job(bytes, file, wal);
    while (job.step(1.0).state == JobState::More) {
    }
    auto sliced = job.take_snapshot();
    ASSERT_TRUE(sliced.ok()) << sliced.error().describe();
    EXPECT_EQ(sliced->summary.tables, counts);
    EXPECT_EQ(sliced->db.serialize().value(), loaded->db.serialize().value());
  }
}

// The CLI on copies of the variants: FILE-wal is found beside FILE, the counts are
// sqlite3's, and the files are left as they were.
TEST(SqliteVariants, CliLoadsEveryVariantWithSqlite3sCounts) {
  const std::string dir = variants_dir();
  if (dir.empty()) {
    const char* require = std::getenv("REDLINE_REQUIRE_SQLITE_VARIANTS");
    if (require && std::string(require) == "1") FAIL() << "REDLINE_SQLITE_VARIANTS_DIR is not set";
    GTEST_SKIP() << "REDLINE_SQLITE_VARIANTS_DIR is not set (tests/sqlite/make_variants.sh OUTDIR)";
  }
  for (const char* v : kVariants) {
    SCOPED_TRACE(v);
    test::TempDir tmp;
    const std::string name = std::string(v) == "dump" ? "crm.sql" : "crm.sqlite3";
    const std::string src = dir + "/" + v + "/" + name, file = tmp.file(name);
    ASSERT_TRUE(std::filesystem::exists(src)) << src << " is missing: rerun tests/sqlite/make_variants.sh";
    std::filesystem::copy_file(src, file);
    if (std::filesystem::exists(src + "-wal")) std::filesystem::copy_file(src + "-wal", file + "-wal");
    const auto counts = expected_counts(dir + "/" + v + "/expected.counts");
    std::int64_t total = 0;
    for (const auto& [t, n] : counts) total += n;

    test::TempDir out;
    auto r = test::run_cli("load " + test::shell_quote(file) + " --out " + test::shell_quote(out.file("o.sqlite3")));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find(std::to_string(counts.size()) + " tables, " + std::to_string(total) + " rows"),
              std::string::npos)
        << r.out;
    if (std::filesystem::exists(file + "-wal")) {
      EXPECT_NE(r.out.find("reading " + file + "-wal beside it"), std::string::npos) << r.out;
    }
    auto db = sql::Database::open_file(out.file("o.sqlite3"), true);
    ASSERT_TRUE(db.ok());
    for (const auto& [t, n] : counts)
      EXPECT_EQ(db->query_int("SELECT count(*) FROM " + sql::quote_ident(t))->value_or(-1), n) << t;
    EXPECT_EQ(read(file), read(src));
    EXPECT_FALSE(std::filesystem::exists(file + "-shm"));
  }
}
