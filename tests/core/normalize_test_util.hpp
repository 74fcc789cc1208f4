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

// Compare a normalized database `ours` with Django's reference `ref_path` (spec §2):
// same sqlite_schema (type, name, table, sql), the same rows in every table, except
// created users' date_joined, migration records' applied times, and the ids of
// addresses and addressables (compared by content through the content type). Rows
// the loaded snapshot lacked compared with before.sqlite3 (a format that cannot carry
// them, like dumpdata's missing django_migrations) are not expected either.
inline void expect_matches_reference(sql::Database& ours, const std::string& ref_path,
                                     const std::string& before_sqlite_path) {
  ASSERT_TRUE(ours.exec("ATTACH " + sql::quote_literal(ref_path) + " AS ref").ok());
  ASSERT_TRUE(ours.exec("ATTACH " + sql::quote_literal(before_sqlite_path) + " AS orig").ok());

  const std::string schema_cols = "SELECT type, name, tbl_name, sql FROM ";
  EXPECT_EQ(missing_rows(ours, schema_cols + "main.sqlite_schema", schema_cols + "ref.sqlite_schema"), 0);
  EXPECT_EQ(missing_rows(ours, schema_cols + "ref.sqlite_schema", schema_cols + "main.sqlite_schema"), 0);
  for (const auto& r : rows(ours, "SELECT name, sql FROM main.sqlite_schema EXCEPT SELECT name, sql FROM ref.sqlite_schema"))
    ADD_FAILURE() << "schema differs: " << r;

  std::int64_t max_user_before = one_int(ours, "SELECT max(id) FROM orig.users");
  bool migrations_loaded = one_int(ours, "SELECT count(*) FROM main.django_migrations WHERE app <> 'crmApp' OR name = '0001_initial'") > 0;

  for (const auto& t : rows(ours, "SELECT name FROM ref.sqlite_schema WHERE type = 'table' ORDER BY name")) {
    if (t == "addresses" || t == "addressables") continue;
    std::string cols = "*";
    std::string where_ours, where_ref;
    if (t == "users") {
      cols = "id, password, last_login, is_superuser, username, first_name, last_name, email, is_staff, is_active, "
             "phone, CASE WHEN id <= " + std::to_string(max_user_before) + " THEN date_joined END";
    } else if (t == "django_migrations") {
      // `applied` is when each export's own Django ran migrate (the pg_dump fixture
      // comes from another run than the SQLite one), and the new rows get the run's
      // time: compare which migrations are recorded, and the old rows' ids.
      cols = "app, name, CASE WHEN name IN ('0002_expand', '0003_migrate_redundant_data', '0004_contract', "
             "'0005_indexes') AND app = 'crmApp' THEN NULL ELSE id END";
      if (!migrations_loaded) where_ref = " WHERE app = 'crmApp' AND name <> '0001_initial'";
    } else if (t == "sqlite_sequence") {
      if (!migrations_loaded) where_ref = where_ours = " WHERE name <> 'django_migrations'";
    }
    std::string a = "SELECT " + cols + " FROM main." + sql::quote_ident(t) + where_ours;
    std::string b = "SELECT " + cols + " FROM ref." + sql::quote_ident(t) + where_ref;
    EXPECT_EQ(missing_rows(ours, a, b), 0) << "rows of " << t << " that Django's result does not have";
    EXPECT_EQ(missing_rows(ours, b, a), 0) << "rows of " << t << " that Django's result has and ours does not";
    EXPECT_EQ(one_int(ours, "SELECT count(*) FROM (" + a + ")"), one_int(ours, "SELECT count(*) FROM (" + b + ")"))
        << "row count of " << t;
  }

  // Addresses by content: (model, object_id, every address field), as multisets.
  auto content = [](const std::string& db) {
    return "SELECT ct.model, x.object_id, a.address_line1, a.address_line2, a.city, a.state, a.postal_code, "
           "a.country, a.address_type, a.is_primary, count(*) FROM " + db + ".addressables AS x JOIN " + db +
           ".addresses AS a ON a.id = x.address_id JOIN " + db +
           ".django_content_type AS ct ON ct.id = x.content_type_id GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10";
  };
  EXPECT_EQ(missing_rows(ours, content("main"), content("ref")), 0);
  EXPECT_EQ(missing_rows(ours, content("ref"), content("main")), 0);
  EXPECT_EQ(one_int(ours, "SELECT count(*) FROM main.addresses"), one_int(ours, "SELECT count(*) FROM ref.addresses"));
  EXPECT_EQ(one_int(ours, "SELECT count(*) FROM main.addressables"), one_int(ours, "SELECT count(*) FROM ref.addressables"));

  ASSERT_TRUE(ours.exec("DETACH ref").ok());
  ASSERT_TRUE(ours.exec("DETACH orig").ok());
}

}  // namespace redline::test
