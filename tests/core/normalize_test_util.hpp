// Helpers for the normalizer's tests: loading fixtures, running a job, reading
// query results, and comparing a result with Django's reference by spec §2's rules.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/io.hpp"
#include "core/migrate/normalize.hpp"
#include "core/load/snapshot.hpp"
#include "core/review/verify.hpp"
#include "core/sqlite.hpp"
#include "test_util.hpp"

namespace redline::test {

constexpr const char* kNow = "2026-11-24 02:50:43.318833";

inline Result<Snapshot> load_fixture(const std::string& rel) {
  auto bytes = read_file(fixture(rel));
  if (!bytes) return bytes.error();
  return load_snapshot(*bytes, fixture(rel));
}

inline NormalizeOptions fixed_options() {
  NormalizeOptions o;
  o.now = kNow;
  o.record_timings = false;
  return o;
}

// Every row of a query, each row its columns as text ("NULL" for NULL), joined by '|'.
inline std::vector<std::string> rows(sql::Database& db, const std::string& q) {
  std::vector<std::string> out;
  auto st = db.prepare(q);
  EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().describe());
  if (!st.ok()) return out;
  for (;;) {
    auto r = st->step();
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().describe());
    if (!r.ok() || *r == sql::StepResult::Done) break;
    std::string line;
    for (int c = 0; c < st->column_count(); ++c) {
      if (c) line += "|";
      line += st->column_is_null(c) ? "NULL" : st->column_text(c);
    }
    out.push_back(line);
  }
  return out;
}

inline std::vector<std::int64_t> ints(sql::Database& db, const std::string& q) {
  std::vector<std::int64_t> out;
  for (const auto& r : rows(db, q)) out.push_back(std::stoll(r));
  return out;
}

inline std::int64_t one_int(sql::Database& db, const std::string& q) {
  auto r = db.query_int(q);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().describe());
  return r.ok() ? r->value_or(-1) : -1;
}

inline std::vector<std::uint8_t> image(sql::Database& db) {
  auto b = db.serialize();
  EXPECT_TRUE(b.ok());
  return b.ok() ? *b : std::vector<std::uint8_t>{};
}

// Drive a job to its end with a given budget per call; returns the last progress.
inline Progress run_job(NormalizeJob& job, double budget_ms = 1e300) {
  Progress p;
  for (int guard = 0; guard < 1000; ++guard) {
    p = job.step(budget_ms);
    if (p.state != JobState::More) break;
  }
  return p;
}

inline std::string describe(const Progress& p) { return p.error ? p.error->describe() : std::string("no error"); }

// Rows of `a` not in `b`, by a query over both attached databases.
inline std::int64_t missing_rows(sql::Database& db, const std::string& a, const std::string& b) {
  return one_int(db, "SELECT count(*) FROM (" + a + " EXCEPT " + b + ")");
}

// Compare a normalized database `ours` with Django's reference `ref_path` (spec §2)
// by `redline verify`'s own comparison (core/review/verify.hpp), so the tests and the
// product apply one set of rules: every mismatch it finds fails the test, named. On
// top of it, what verify leaves to the SQLite representation: the same sqlite_schema
// (type, name, table, SQL text) and the same sqlite_sequence. Rows the loaded snapshot
// lacked compared with before.sqlite3 (a format that cannot carry them, like
// dumpdata's missing django_migrations) are taken out of the reference first.
inline void expect_matches_reference(sql::Database& ours, const std::string& ref_path,
                                     const std::string& before_sqlite_path) {
  ASSERT_TRUE(ours.exec("ATTACH " + sql::quote_literal(ref_path) + " AS ref").ok());
  const std::string schema_cols = "SELECT type, name, tbl_name, sql FROM ";
  EXPECT_EQ(missing_rows(ours, schema_cols + "main.sqlite_schema", schema_cols + "ref.sqlite_schema"), 0);
  EXPECT_EQ(missing_rows(ours, schema_cols + "ref.sqlite_schema", schema_cols + "main.sqlite_schema"), 0);
  for (const auto& r : rows(ours, "SELECT name, sql FROM main.sqlite_schema EXCEPT SELECT name, sql FROM ref.sqlite_schema"))
    ADD_FAILURE() << "schema differs: " << r;
  const bool migrations_loaded =
      one_int(ours, "SELECT count(*) FROM main.django_migrations WHERE app <> 'crmApp' OR name = '0001_initial'") > 0;
  const std::string seq = std::string("SELECT name, seq FROM %s.sqlite_sequence") +
                          (migrations_loaded ? "" : " WHERE name <> 'django_migrations'");
  auto seq_of = [&](const char* db) {
    std::string q = seq;
    q.replace(q.find("%s"), 2, db);
    return q;
  };
  EXPECT_EQ(missing_rows(ours, seq_of("main"), seq_of("ref")), 0) << "sqlite_sequence rows Django's result lacks";
  EXPECT_EQ(missing_rows(ours, seq_of("ref"), seq_of("main")), 0) << "sqlite_sequence rows ours lacks";
  ASSERT_TRUE(ours.exec("DETACH ref").ok());

  auto ref_file = sql::Database::open_file(ref_path, true);
  ASSERT_TRUE(ref_file.ok()) << ref_file.error().describe();
  auto ref = ref_file->clone();
  ASSERT_TRUE(ref.ok()) << ref.error().describe();
  if (!migrations_loaded) {
    // Only the run's own records can be expected; their ids are the run's, from 1.
    ASSERT_TRUE(ref->exec("DELETE FROM django_migrations WHERE NOT (app = 'crmApp' AND name <> '0001_initial')").ok());
    ASSERT_TRUE(ref->exec("CREATE TEMP TABLE renumber AS SELECT id AS old, row_number() OVER (ORDER BY id) AS new "
                          "FROM django_migrations").ok());
    ASSERT_TRUE(ref->exec("UPDATE django_migrations SET id = -id").ok());
    ASSERT_TRUE(ref->exec("UPDATE django_migrations SET id = (SELECT r.new FROM renumber AS r WHERE r.old = "
                          "-django_migrations.id)").ok());
  }
  if (migrations_loaded) {
    // The migration records the snapshot already had are carried through as they are,
    // and their `applied` is when the snapshot's own Django ran migrate: the pg_dump
    // fixture comes from another run than the SQLite reference, so those times are
    // the snapshot's. (Same-run pairs, as `redline verify` gets, need no such step.)
    for (const auto& u : rows(ours, "SELECT 'UPDATE django_migrations SET applied = ' || quote(applied) || "
                                    "' WHERE id = ' || id FROM main.django_migrations WHERE NOT (app = 'crmApp' AND "
                                    "name IN ('0002_expand', '0003_migrate_redundant_data', '0004_contract', "
                                    "'0005_indexes'))"))
      ASSERT_TRUE(ref->exec(u).ok()) << u;
  }
  auto before = sql::Database::open_file(before_sqlite_path, true);
  ASSERT_TRUE(before.ok()) << before.error().describe();
  auto v = compare_with_prediction(*before, *ref, ours);
  ASSERT_TRUE(v.ok()) << v.error().describe();
  EXPECT_EQ(v->mismatch_count, 0) << "differences from Django's result";
  for (const auto& m : v->mismatches) ADD_FAILURE() << m.describe();
}

}  // namespace redline::test
