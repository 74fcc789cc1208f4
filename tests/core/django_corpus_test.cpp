// The dumpdata corpus made by the real Django (tests/django/make_corpus.sh OUTDIR):
// every dumpdata variant people produce of one database loads to that database's
// table contents with every row (counts.json, counted by Django's side with
// SELECT count(*)), through load_snapshot and through the real CLI; the variants
// Redline cannot read are refused with exit 2 and a message naming the file, the
// format and the command to run instead; and the database with the project's own
// columns, apps and contrib tables normalizes to what Django's run of the guide's
// migration made of it (extra-after.sqlite3), by spec §2's rule.
//
// REDLINE_DJANGO_CORPUS_DIR=OUTDIR points at the corpus; with REDLINE_REQUIRE_DJANGO=1
// a missing corpus fails instead of skipping.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/io.hpp"
#include "core/load/snapshot.hpp"
#include "core/sqlite.hpp"
#include "django_pair_test_util.hpp"
#include "normalize_test_util.hpp"
#include "test_util.hpp"

using namespace redline;
using test::rows;
using test::shell_quote;

namespace {

using Counts = std::map<std::string, std::int64_t>;

class DjangoCorpus : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* d = std::getenv("REDLINE_DJANGO_CORPUS_DIR");
    const char* require = std::getenv("REDLINE_REQUIRE_DJANGO");
    bool required = require && std::string(require) == "1";
    std::string why;
    if (!d || !*d)
      why = "REDLINE_DJANGO_CORPUS_DIR is not set";
    else if (!std::filesystem::exists(std::string(d) + "/counts.json"))
      why = std::string("REDLINE_DJANGO_CORPUS_DIR=") + d + " holds no counts.json";
    if (!why.empty()) {
      if (required)
        FAIL() << "REDLINE_REQUIRE_DJANGO=1 but " << why
               << ": run tests/django/make_corpus.sh OUTDIR (needs Debian's python3-django and python3-yaml) and "
                  "point REDLINE_DJANGO_CORPUS_DIR at OUTDIR";
      GTEST_SKIP() << why << ": run tests/django/make_corpus.sh OUTDIR and set REDLINE_DJANGO_CORPUS_DIR=OUTDIR "
                             "to test dumpdata files made by the real Django";
    }
    dir_ = d;
    std::ifstream in(dir_ + "/counts.json");
    auto j = nlohmann::json::parse(in, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << dir_ << "/counts.json is not JSON: rerun make_corpus.sh";
    for (auto& [file, tables] : j.items())
      for (auto& [table, n] : tables.items()) counts_[file][table] = n.get<std::int64_t>();
  }

  std::string path(const std::string& f) const { return dir_ + "/" + f; }

  const Counts& counts(const std::string& f) {
    static const Counts none;
    auto it = counts_.find(f);
    EXPECT_NE(it, counts_.end()) << "counts.json has no entry for " << f << ": rerun make_corpus.sh";
    return it == counts_.end() ? none : it->second;
  }

  // `file` loads (load_snapshot) to the contents of `database`, the file Django
  // dumped it from: every table the dump carries has Django's row count and the
  // same rows, value for value and storage class for storage class. Returns the
  // load summary's warnings.
  std::vector<std::string> expect_loads_like(const std::string& file, const std::string& database) {
    std::vector<std::string> warnings;
    load_into(file, database, warnings);
    return warnings;
  }
  void load_into(const std::string& file, const std::string& database, std::vector<std::string>& warnings) {
    SCOPED_TRACE(file);
    auto bytes = read_file(path(file));
    ASSERT_TRUE(bytes.ok()) << bytes.error().describe();
    auto snap = load_snapshot(*bytes, path(file));
    ASSERT_TRUE(snap.ok()) << snap.error().describe();
    EXPECT_EQ(snap->summary.format, Format::DumpData);
    warnings = snap->summary.warnings;
    sql::Database& db = snap->db;
    ASSERT_TRUE(db.exec("ATTACH " + sql::quote_literal(path(database)) + " AS ref").ok());
    const Counts& want = counts(file);
    EXPECT_FALSE(want.empty());
    for (const auto& [table, n] : want) {
      SCOPED_TRACE(table);
      std::string qt = sql::quote_ident(table);
      ASSERT_EQ(test::one_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = " +
                                      sql::quote_literal(table)),
                1)
          << "the loaded database has no table " << table;
      EXPECT_EQ(test::one_int(db, "SELECT count(*) FROM main." + qt), n) << "rows of " << table;
      expect_same_rows(db, table, file, database);
    }
    ASSERT_TRUE(db.exec("DETACH ref").ok());
  }

  // The rows of `table` in the attached databases main (ours, from `file`) and ref
  // (Django's, `database`) are the same, both ways.
  static void expect_same_rows(sql::Database& db, const std::string& table, const std::string& file,
                               const std::string& database, std::int64_t max_user_before = -1) {
    auto [ours, django] = compared_columns(db, table, max_user_before);
    std::string qt = sql::quote_ident(table);
    for (bool from_ours : {true, false}) {
      const std::string& a = from_ours ? ours : django;
      const std::string& b = from_ours ? django : ours;
      auto only = rows(db, "SELECT " + a + " FROM " + (from_ours ? "main." : "ref.") + qt + " EXCEPT SELECT " + b +
                               " FROM " + (from_ours ? "ref." : "main.") + qt + " LIMIT 3");
      EXPECT_TRUE(only.empty()) << "rows of " << table << " only in " << (from_ours ? file : database) << ", e.g. "
                                << only[0];
    }
    EXPECT_EQ(test::one_int(db, "SELECT count(*) FROM main." + qt), test::one_int(db, "SELECT count(*) FROM ref." + qt))
        << "rows of " << table;
  }

  // The columns of `table` to compare, as (ours, Django's) select lists: Django's
  // columns with their storage class, except
  // - the id of a many-to-many table: dumpdata carries each object's list, not the
  //   junction rows' ids, so those are the loader's numbering (pairs compared);
  // - users.date_joined of users the migration created (max_user_before >= 0): the
  //   run's time (spec §2);
  // - a table of an app the loader cannot know (the project's own `notes`) has no
  //   schema to go by (spec §1: columns from the fields): a foreign key is its
  //   field's name (`customer` for Django's `customer_id`) and a decimal arrives as
  //   JSON text ("100.00"), so there numbers compare by value.
  static std::pair<std::string, std::string> compared_columns(sql::Database& db, const std::string& table,
                                                              std::int64_t max_user_before) {
    static const std::set<std::string> kJunctions = {"users_groups", "users_user_permissions",
                                                     "auth_group_permissions", "notes_note_groups"};
    bool known = table.rfind("notes_", 0) != 0;
    auto columns = [&](const char* schema) {
      return rows(db, "SELECT name FROM pragma_table_info(" + sql::quote_literal(table) + ", '" + schema + "')");
    };
    auto loaded = columns("main");
    auto has = [&](const std::string& c) { return std::find(loaded.begin(), loaded.end(), c) != loaded.end(); };
    auto expr = [&](const std::string& c) {
      std::string q = sql::quote_ident(c);
      if (table == "users" && c == "date_joined" && max_user_before >= 0)
        return "CASE WHEN id <= " + std::to_string(max_user_before) + " THEN date_joined END";
      if (known) return q + ", typeof(" + q + ")";
      return "CASE WHEN typeof(" + q + ") IN ('integer', 'real') OR (" + q + " GLOB '[0-9]*' AND " + q +
             " NOT GLOB '*[^0-9.]*') THEN CAST(" + q + " AS REAL) ELSE " + q + " END";
    };
    std::string ours, django;
    for (const auto& c : columns("ref")) {
      if (c == "id" && kJunctions.count(table)) continue;
      std::string mine = c;
      if (!known && !has(c) && c.size() > 3 && c.compare(c.size() - 3, 3, "_id") == 0 && has(c.substr(0, c.size() - 3)))
        mine = c.substr(0, c.size() - 3);
      ours += (ours.empty() ? "" : ", ") + expr(mine);
      django += (django.empty() ? "" : ", ") + expr(c);
    }
    return {ours, django};
  }

  // `redline load FILE --out X` exits 0 and X holds counts.json's rows per table.
  void expect_cli_keeps_every_row(const std::string& file) {
    SCOPED_TRACE(file);
    test::TempDir tmp;
    auto r = test::run_cli("load " + shell_quote(path(file)) + " --out " + shell_quote(tmp.file("o.sqlite3")));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    auto db = sql::Database::open_file(tmp.file("o.sqlite3"), true);
    ASSERT_TRUE(db.ok()) << db.error().describe();
    for (const auto& [table, n] : counts(file))
      EXPECT_EQ(test::one_int(*db, "SELECT count(*) FROM " + sql::quote_ident(table)), n) << file << ": " << table;
  }

  // `redline load FILE` refuses with exit 2 and a message that names the file, the
  // format it was taken for, what it is (`mentions`), and the command to run instead.
  void expect_refused(const std::string& file, std::vector<std::string> mentions) {
    mentions.push_back("format");
    mentions.push_back("manage.py dumpdata");
    SCOPED_TRACE(file);
    test::TempDir tmp;
    auto r = test::run_cli("load " + shell_quote(path(file)) + " --out " + shell_quote(tmp.file("o.sqlite3")));
    EXPECT_EQ(r.exit_code, 2) << r.out;
    std::string lower = r.out;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    EXPECT_NE(r.out.find(file), std::string::npos) << "the message must name the file: " << r.out;
    for (const auto& m : mentions) EXPECT_NE(lower.find(m), std::string::npos) << "no \"" << m << "\" in: " << r.out;
    EXPECT_FALSE(std::filesystem::exists(tmp.file("o.sqlite3"))) << "a refused file must write no output";
  }

  // `redline normalize INPUT` as the CLI runs it, opened.
  Result<sql::Database> normalized(const test::TempDir& tmp, const std::string& input) {
    auto r = test::run_cli("normalize " + shell_quote(path(input)) + " --out " + shell_quote(tmp.file("a.sqlite3")) +
                           " --now " + shell_quote(test::kNow));
    EXPECT_EQ(r.exit_code, 0) << r.out;
    return sql::Database::open_file(tmp.file("a.sqlite3"));
  }

  std::string dir_;
  std::map<std::string, Counts> counts_;
};

}  // namespace

// ---- the small database (crm-small/before.sqlite3 as it is) -------------------------

TEST_F(DjangoCorpus, PlainDumpdataLoadsLikeItsDatabase) { expect_loads_like("plain.json", "small.sqlite3"); }

TEST_F(DjangoCorpus, IndentedDumpdataLoadsLikeItsDatabase) { expect_loads_like("indent.json", "small.sqlite3"); }

TEST_F(DjangoCorpus, NaturalForeignKeysLoadLikeItsDatabase) {
  expect_loads_like("natural-foreign.json", "small.sqlite3");
}

TEST_F(DjangoCorpus, NaturalForeignKeysWithoutContentTypesLoadLikeItsDatabase) {
  expect_loads_like("natural-foreign-no-ct.json", "small.sqlite3");
}

TEST_F(DjangoCorpus, JsonLinesLoadLikeItsDatabase) { expect_loads_like("plain.jsonl", "small.sqlite3"); }

// ---- the extra database (own columns and apps, admin log, sessions, groups) ----------

TEST_F(DjangoCorpus, ExtraDumpdataLoadsOtherAppsAndOwnColumns) {
  auto warnings = expect_loads_like("extra.json", "extra.sqlite3");
  // What the loader had to infer is said (spec §1): the own app's table and the
  // CRM tables' own columns.
  for (const char* inferred : {"notes", "linkedin_url", "loyalty_tier"})
    EXPECT_TRUE(std::any_of(warnings.begin(), warnings.end(),
                            [&](const std::string& w) { return w.find(inferred) != std::string::npos; }))
        << "no warning of the load summary names " << inferred;
}

TEST_F(DjangoCorpus, ExtraNaturalForeignKeysLoad) { expect_loads_like("extra-natural.json", "extra.sqlite3"); }

// ---- the real CLI: no row lost with exit 0 ------------------------------------------

TEST_F(DjangoCorpus, CliLoadKeepsEveryRowOfEveryVariant) {
  for (const char* f : {"small.sqlite3", "plain.json", "indent.json", "natural-foreign.json",
                        "natural-foreign-no-ct.json", "plain.jsonl", "extra.sqlite3", "extra.json", "extra-natural.json"})
    expect_cli_keeps_every_row(f);
}

// ---- what must be refused -------------------------------------------------------------

TEST_F(DjangoCorpus, NaturalPrimaryKeysAreRefusedWithTheCommandToRun) {
  expect_refused("natural-primary.json", {"--natural-primary"});
}

TEST_F(DjangoCorpus, XmlIsRefusedWithTheCommandToRun) { expect_refused("plain.xml", {"xml", "--format json"}); }

TEST_F(DjangoCorpus, YamlIsRefusedWithTheCommandToRun) { expect_refused("plain.yaml", {"yaml", "--format json"}); }

// ---- normalize against Django's own migration of the same database ---------------------

// The database file: equal to Django's result by spec §2's rule, schema included
// (the project's own columns keep their definitions and take Django's places), from
// the real CLI; and the whole test of the committed pair (NormalizeCarried, made by
// the same recipe) on this fresh one: carried columns, own tables, the zip-only vendor.
TEST_F(DjangoCorpus, ExtraSqliteNormalizesLikeDjangosMigration) {
  test::TempDir tmp;
  auto ours = normalized(tmp, "extra.sqlite3");
  ASSERT_TRUE(ours.ok()) << ours.error().describe();
  test::expect_matches_reference(*ours, path("extra-after.sqlite3"), path("extra.sqlite3"));
  test::expect_django_pair(path("extra.sqlite3"), path("extra-after.sqlite3"));
}

// Its dumpdata: JSON carries no column types of the project's own fields and apps,
// nor django_migrations, nor junction rows' ids. Everything else is Django's
// result: the schema of every table Django's migration and the loader both know,
// the own columns' names in Django's order, and every row by spec §2's rule.
TEST_F(DjangoCorpus, ExtraDumpdataNormalizesLikeDjangosMigration) {
  test::TempDir tmp;
  auto ours = normalized(tmp, "extra.json");
  ASSERT_TRUE(ours.ok()) << ours.error().describe();
  sql::Database& db = *ours;
  ASSERT_TRUE(db.exec("ATTACH " + sql::quote_literal(path("extra-after.sqlite3")) + " AS ref").ok());
  const std::set<std::string> own = {"employees", "customers", "deals", "notes_note", "notes_note_groups"};
  ASSERT_TRUE(db.exec("ATTACH " + sql::quote_literal(path("extra.sqlite3")) + " AS orig").ok());
  std::int64_t max_user = test::one_int(db, "SELECT max(id) FROM orig.users");
  for (const auto& t : rows(db, "SELECT name FROM ref.sqlite_schema WHERE type = 'table' AND name NOT IN "
                                "('sqlite_sequence', 'django_migrations', 'addresses', 'addressables') ORDER BY name")) {
    SCOPED_TRACE(t);
    std::string schema = "SELECT type, name, sql FROM %s.sqlite_schema WHERE tbl_name = " + sql::quote_literal(t);
    auto of = [&](const char* s) { std::string q = schema; return q.replace(q.find("%s"), 2, s); };
    if (!own.count(t)) {
      EXPECT_EQ(rows(db, of("main") + " ORDER BY 1, 2"), rows(db, of("ref") + " ORDER BY 1, 2"));
    } else if (t.rfind("notes_", 0) != 0) {
      EXPECT_EQ(rows(db, "SELECT name FROM pragma_table_info(" + sql::quote_literal(t) + ", 'main')"),
                rows(db, "SELECT name FROM pragma_table_info(" + sql::quote_literal(t) + ", 'ref')"));
    }
    expect_same_rows(db, t, "the normalized extra.json", "extra-after.sqlite3", max_user);
  }
  // Addresses by content (their ids are the run's): the owner and every value.
  const std::string content =
      "SELECT ct.app_label, ct.model, x.object_id, a.address_line1, a.address_line2, a.city, a.state, a.postal_code, "
      "a.country, a.address_type, a.is_primary FROM %s.addressables x JOIN %s.addresses a ON a.id = x.address_id "
      "JOIN %s.django_content_type ct ON ct.id = x.content_type_id ORDER BY 1, 2, 3, 4";
  auto in = [&](const char* s) {
    std::string q = content;
    for (std::size_t k; (k = q.find("%s")) != std::string::npos;) q.replace(k, 2, s);
    return q;
  };
  EXPECT_EQ(rows(db, in("main")), rows(db, in("ref")));
}
