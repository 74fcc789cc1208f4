// The native CLI as a user runs it: exit codes and messages.
#include <gtest/gtest.h>

#include "core/io.hpp"
#include "core/sqlite.hpp"
#include "core/version.hpp"
#include "test_util.hpp"

using namespace redline;
using test::run_cli;
using test::shell_quote;

TEST(Cli, Version) {
  auto r = run_cli("--version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, std::string("redline ") + kVersion + "\n");
}

TEST(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(run_cli("").exit_code, 2);
  auto r = run_cli("frobnicate");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("unknown command 'frobnicate'"), std::string::npos) << r.out;
  EXPECT_EQ(run_cli("load x.sqlite3").exit_code, 2);
}

TEST(Cli, LoadSqliteSnapshotWritesIdenticalTables) {
  test::TempDir dir;
  std::string out = dir.file("loaded.sqlite3");
  auto r = run_cli("load " + shell_quote(test::fixture("crm-small/before.sqlite3")) + " --out " + shell_quote(out));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("(sqlite,"), std::string::npos) << r.out;

  auto db = sql::Database::open_file(out, true);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(db->exec("ATTACH " + sql::quote_literal(test::fixture("crm-small/before.sqlite3")) + " AS ref").ok());
  for (const char* t : {"users", "employees", "organizations", "customers", "vendors", "leads",
                        "deals", "orders", "payments", "django_content_type"}) {
    std::string q = std::string("SELECT (SELECT count(*) FROM (SELECT * FROM main.") + t +
                    " EXCEPT SELECT * FROM ref." + t + ")) + (SELECT count(*) FROM (SELECT * FROM ref." +
                    t + " EXCEPT SELECT * FROM main." + t + "))";
    EXPECT_EQ(db->query_int(q)->value_or(-1), 0) << t;
  }
}

TEST(Cli, LoadGarbageExitsTwoNamingTheFile) {
  test::TempDir dir;
  std::string bad = dir.file("garbage.bin");
  FILE* f = fopen(bad.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  fputs("\x01\x02\x03 this is not a snapshot", f);
  fclose(f);
  auto r = run_cli("load " + shell_quote(bad) + " --out " + shell_quote(dir.file("o.sqlite3")));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("garbage.bin"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("unrecognized"), std::string::npos) << r.out;

  auto missing = run_cli("load " + shell_quote(dir.file("missing.sqlite3")) + " --out " + shell_quote(dir.file("o.sqlite3")));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.out.find("missing.sqlite3"), std::string::npos) << missing.out;
}

// after.sqlite3 is the run's result, whatever else was asked for: the review behind
// --report (whose POST checks write into the after database and roll back) must not
// change a byte of it. The dirty demo's normalization leaves free pages, which a
// rolled-back write reuses.
TEST(Cli, NormalizeWritesTheSameAfterWithOrWithoutAReport) {
  test::TempDir dir;
  const std::string snap = dir.file("demo.sqlite3");
  auto demo = run_cli("demo --employees 300 --seed 1 --profile dirty --out " + shell_quote(snap));
  ASSERT_EQ(demo.exit_code, 0) << demo.out;
  const std::string now = " --now '2026-01-02 03:04:05'";
  auto plain = run_cli("normalize " + shell_quote(snap) + " --out " + shell_quote(dir.file("a.sqlite3")) + now);
  ASSERT_EQ(plain.exit_code, 0) << plain.out;
  auto reviewed = run_cli("normalize " + shell_quote(snap) + " --out " + shell_quote(dir.file("b.sqlite3")) + now +
                          " --report " + shell_quote(dir.file("r.json")));
  ASSERT_EQ(reviewed.exit_code, 0) << reviewed.out;
  EXPECT_NE(reviewed.out.find("checks: "), std::string::npos) << "the run was reviewed: " << reviewed.out;
  auto a = read_file(dir.file("a.sqlite3"));
  auto b = read_file(dir.file("b.sqlite3"));
  ASSERT_TRUE(a.ok() && b.ok());
  auto free_pages = sql::Database::deserialize(*a, "a.sqlite3");
  ASSERT_TRUE(free_pages.ok());
  EXPECT_GT(free_pages->query_int("PRAGMA freelist_count")->value_or(0), 0) << "the case this is about";
  EXPECT_EQ(a->size(), b->size());
  EXPECT_TRUE(*a == *b) << "after.sqlite3 differs with --report";
}
