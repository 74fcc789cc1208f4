// The exporters (core/export.hpp): a snapshot written as pg_dump plain SQL or Django
// dumpdata JSON and loaded back with load_snapshot is the same database, table by
// table and row by row, every value with its SQLite type (EXCEPT both ways over the
// columns and their typeof()). Checked on Django's crm-small (before and after
// shapes), on a dirty demo snapshot, and on hand-made hard values (multi-line text,
// tabs, backslashes, "\N" and "\." as text, CJK, control characters, microseconds,
// decimals that are not exact in binary). Plus the shape of the pg_dump text itself.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/demo/demo.hpp"
#include "core/load/dumpdata_models.hpp"
#include "core/review/export.hpp"
#include "core/io.hpp"
#include "core/load/snapshot.hpp"
#include "test_util.hpp"

using namespace redline;

namespace {

std::vector<std::string> rows(sql::Database& db, const std::string& query) {
  std::vector<std::string> out;
  auto st = db.prepare(query);
  EXPECT_TRUE(st.ok()) << query << ": " << (st.ok() ? "" : st.error().describe());
  if (!st.ok()) return out;
  for (;;) {
    auto r = st->step();
    EXPECT_TRUE(r.ok()) << query;
    if (!r.ok() || *r == sql::StepResult::Done) break;
    std::string line;
    for (int i = 0; i < st->column_count(); ++i) {
      if (i) line += "|";
      line += st->column_is_null(i) ? "NULL" : st->column_text(i);
    }
    out.push_back(line);
  }
  return out;
}

std::string one(sql::Database& db, const std::string& query) {
  auto r = rows(db, query);
  return r.empty() ? "<no row>" : r.front();
}

sql::Database open_fixture(const std::string& rel) {
  auto bytes = read_file(test::fixture(rel));
  EXPECT_TRUE(bytes.ok());
  auto db = sql::Database::deserialize(*bytes, rel);
  EXPECT_TRUE(db.ok()) << db.error().describe();
  return std::move(db.value());
}

std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

// Export `original` as `format`, load the text back, and compare everything.
// dumpdata does not carry django_migrations (Django's dumpdata leaves it out): that
// table must come back empty, and its sqlite_sequence row is not compared.
void expect_round_trip(sql::Database& original, ExportFormat format, const std::string& what) {
  SCOPED_TRACE(what + " as " + export_format_name(format));
  ExportSummary summary;
  auto text = export_snapshot(original, format, &summary);
  ASSERT_TRUE(text.ok()) << text.error().describe();
  EXPECT_EQ(summary.bytes, text->size());
  auto snap = load_snapshot(bytes_of(*text), what);
  ASSERT_TRUE(snap.ok()) << snap.error().describe();
  EXPECT_EQ(snap->summary.format, format == ExportFormat::PgDump ? Format::PgDump : Format::DumpData);
  sql::Database& db = snap->db;

  test::TempDir dir;
  const std::string ref = dir.file("original.sqlite3");
  ASSERT_TRUE(original.save_to_file(ref).ok());
  ASSERT_TRUE(db.exec("ATTACH DATABASE " + sql::quote_literal(ref) + " AS ref").ok());

  const bool dd = format == ExportFormat::DumpData;
  // The same tables, with the same DDL.
  const std::string schema = "SELECT type, name, tbl_name, sql FROM %s.sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";
  auto schema_of = [&](const char* db_name) {
    std::string q = schema;
    q.replace(q.find("%s"), 2, db_name);
    return q;
  };
  EXPECT_EQ(rows(db, schema_of("main") + " EXCEPT " + schema_of("ref")), std::vector<std::string>{})
      << "schema entries only in the loaded export";
  EXPECT_EQ(rows(db, schema_of("ref") + " EXCEPT " + schema_of("main")), std::vector<std::string>{})
      << "schema entries only in the original";
  // A counter at 0 is the same as none (Django's own databases hold auth_group|0,
  // which the loaders write and the demo generator does not).
  const std::string seq_filter = std::string(" WHERE seq > 0") + (dd ? " AND name <> 'django_migrations'" : "");
  EXPECT_EQ(rows(db, "SELECT * FROM main.sqlite_sequence" + seq_filter + " EXCEPT SELECT * FROM ref.sqlite_sequence"),
            std::vector<std::string>{});
  EXPECT_EQ(rows(db, "SELECT * FROM ref.sqlite_sequence" + seq_filter + " EXCEPT SELECT * FROM main.sqlite_sequence"),
            std::vector<std::string>{});

  auto tables = rows(db, "SELECT name FROM ref.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'");
  EXPECT_GE(tables.size(), 16u);
  std::int64_t compared = 0;
  for (const auto& t : tables) {
    const std::string qt = sql::quote_ident(t);
    if (dd && t == "django_migrations") {
      EXPECT_EQ(one(db, "SELECT count(*) FROM main." + qt), "0");
      continue;
    }
    std::string cols;
    for (const auto& c : rows(db, "SELECT name FROM ref.pragma_table_info(" + sql::quote_literal(t) + ")")) {
      std::string qc = sql::quote_ident(c);
      cols += (cols.empty() ? "" : ", ") + qc + ", typeof(" + qc + ")";
    }
    std::string n = one(db, "SELECT count(*) FROM ref." + qt);
    EXPECT_EQ(one(db, "SELECT count(*) FROM main." + qt), n) << t;
    EXPECT_EQ(rows(db, "SELECT " + cols + " FROM main." + qt + " EXCEPT SELECT " + cols + " FROM ref." + qt),
              std::vector<std::string>{})
        << "rows of " << t << " only in the loaded export";
    EXPECT_EQ(rows(db, "SELECT " + cols + " FROM ref." + qt + " EXCEPT SELECT " + cols + " FROM main." + qt),
              std::vector<std::string>{})
        << "rows of " << t << " only in the original";
    compared += std::stoll(n);
  }
  EXPECT_GT(compared, 0);
}

sql::Database dirty_demo(int employees) {
  DemoOptions o;
  o.employees = employees;
  o.seed = 7;
  o.profile = DemoOptions::Dirty;
  auto db = generate_demo(o);
  EXPECT_TRUE(db.ok()) << db.error().describe();
  return std::move(db.value());
}

// crm-small with the hardest values a text column, a datetime, a decimal and a
// boolean can hold.
sql::Database hard_values() {
  auto db = open_fixture("crm-small/before.sqlite3");
  EXPECT_TRUE(db.exec(R"SQL(
    UPDATE customers SET address = 'line 1' || char(10) || 'line 2' || char(13, 10) || 'tab' || char(9) || 'end',
                         city = 'C:\temp\new', company = '\N', state = '\.', name = '王小明 — 東京都 ✓ 𝄞'
      WHERE id = 1;
    UPDATE customers SET address = '\.' || char(10) || '\.', city = char(8, 12, 11, 1, 127) || 'ctl',
                         company = '"quoted" ''single'' \\ \n', name = ' leading and trailing ' WHERE id = 2;
    UPDATE customers SET created_at = '2024-01-01 10:00:00.123456' WHERE id = 3;
    UPDATE customers SET created_at = '2024-01-01 10:00:00.120000' WHERE id = 4;
    UPDATE customers SET created_at = '2024-01-01 10:00:00.000001' WHERE id = 5;
    UPDATE employees SET salary = 0.1 + 0.2 WHERE id = 1;
    UPDATE employees SET salary = 1e-7 WHERE id = 2;
    UPDATE employees SET salary = 123456789012.5 WHERE id = 3;
    UPDATE employees SET salary = 5000 WHERE id = 4;
    UPDATE employees SET salary = NULL, hire_date = NULL, user_id = NULL WHERE id = 5;
    UPDATE users SET is_staff = 1, is_superuser = 1, last_login = '2025-12-31 23:59:59.999999' WHERE id = 1;
    UPDATE leads SET estimated_value = -0.01 WHERE id = 1;
  )SQL").ok());
  return db;
}

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

}  // namespace

TEST(ExportRoundTrip, CrmSmallBeforeAsPgDump) {
  auto db = open_fixture("crm-small/before.sqlite3");
  expect_round_trip(db, ExportFormat::PgDump, "crm-small/before.sqlite3");
}

TEST(ExportRoundTrip, CrmSmallBeforeAsDumpData) {
  auto db = open_fixture("crm-small/before.sqlite3");
  expect_round_trip(db, ExportFormat::DumpData, "crm-small/before.sqlite3");
}

TEST(ExportRoundTrip, CrmSmallAfterShapeBothFormats) {
  auto db = open_fixture("crm-small/after.sqlite3");
  expect_round_trip(db, ExportFormat::PgDump, "crm-small/after.sqlite3");
  expect_round_trip(db, ExportFormat::DumpData, "crm-small/after.sqlite3");
}

TEST(ExportRoundTrip, DirtyDemoBothFormats) {
  auto db = dirty_demo(300);
  // The demo's text is what the round trip must survive.
  EXPECT_NE(one(db, "SELECT count(*) FROM customers WHERE address LIKE '%' || char(10) || '%'"), "0");
  EXPECT_NE(one(db, "SELECT count(*) FROM customers WHERE instr(address, char(9)) OR instr(name, char(9)) "
                    "OR instr(company, char(9))"),
            "0");
  EXPECT_NE(one(db, "SELECT (SELECT count(*) FROM customers WHERE instr(address, '\\') OR instr(name, '\\') OR "
                    "instr(company, '\\')) + (SELECT count(*) FROM employees WHERE instr(address, '\\'))"),
            "0");
  expect_round_trip(db, ExportFormat::PgDump, "dirty demo");
  expect_round_trip(db, ExportFormat::DumpData, "dirty demo");
}

TEST(ExportRoundTrip, HardValuesBothFormats) {
  auto db = hard_values();
  expect_round_trip(db, ExportFormat::PgDump, "hard values");
  expect_round_trip(db, ExportFormat::DumpData, "hard values");
}

TEST(ExportPgDump, CopyTextEscapesAndPostgresValueForms) {
  auto db = hard_values();
  auto text = export_snapshot(db, ExportFormat::PgDump);
  ASSERT_TRUE(text.ok()) << text.error().describe();
  const std::string& s = *text;
  // Backslash, tab, newline and carriage return escaped; "\N" as text is not NULL.
  EXPECT_TRUE(contains(s, "\n1\t王小明 — 東京都 ✓ 𝄞\t")) << "CJK and astral characters byte for byte";
  EXPECT_TRUE(contains(s, "\tline 1\\nline 2\\r\\ntab\\tend\tC:\\\\temp\\\\new\t\\\\.\t"));
  EXPECT_TRUE(contains(s, "\t\\\\N\t"));
  EXPECT_TRUE(contains(s, "\t\\\\.\\n\\\\.\t"));
  EXPECT_TRUE(contains(s, "\t\\b\\f\\v\x01\x7f" "ctl\t"));
  // timestamptz in UTC with the fraction's trailing zeros dropped; booleans t/f;
  // numeric(12,2) with two places; NULL as \N.
  EXPECT_TRUE(contains(s, "\t2024-01-01 10:00:00.123456+00\t"));
  EXPECT_TRUE(contains(s, "\t2024-01-01 10:00:00.12+00\t"));
  EXPECT_TRUE(contains(s, "\t2025-12-31 23:59:59.999999+00\tt\t"));
  EXPECT_TRUE(contains(s, "\t5000.00\t"));
  EXPECT_TRUE(contains(s, "\t0.30000000000000004\t")) << "a decimal that two places would change keeps all digits";
  EXPECT_TRUE(contains(s, "\t-0.01\t"));
  EXPECT_TRUE(contains(s, "\t\\N\t\\N\t"));
  // The shape pg_dump 15 gives these tables.
  EXPECT_EQ(s.rfind("--\n-- PostgreSQL database dump\n--\n\n\\restrict ", 0), 0u);
  EXPECT_TRUE(contains(s, "SET standard_conforming_strings = on;\n"));
  EXPECT_TRUE(contains(s, "CREATE TABLE public.users (\n    id integer NOT NULL,\n    password character varying(128) NOT NULL,\n"
                          "    last_login timestamp with time zone,\n    is_superuser boolean NOT NULL,\n"));
  EXPECT_TRUE(contains(s, "    salary numeric(12,2),\n"));
  EXPECT_TRUE(contains(s, "CREATE SEQUENCE public.users_id_seq\n    AS integer\n    START WITH 1\n"));
  EXPECT_TRUE(contains(s, "ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass);"));
  EXPECT_TRUE(contains(s, "COPY public.users (id, password, last_login, is_superuser, username, "));
  EXPECT_TRUE(contains(s, "SELECT pg_catalog.setval('public.users_id_seq', 161, true);"));
  EXPECT_TRUE(contains(s, "SELECT pg_catalog.setval('public.auth_group_id_seq', 1, false);"));
  EXPECT_TRUE(contains(s, "ALTER TABLE ONLY public.users\n    ADD CONSTRAINT users_pkey PRIMARY KEY (id);"));
  EXPECT_TRUE(contains(s, "ALTER TABLE ONLY public.users\n    ADD CONSTRAINT users_username_key UNIQUE (username);"));
  // Django's own names: the same digest as the SQLite index, cut to 63 bytes as Django cuts.
  EXPECT_TRUE(contains(s, "CREATE INDEX users_username_e8658fc8_like ON public.users USING btree (username varchar_pattern_ops);"));
  EXPECT_TRUE(contains(s, "ADD CONSTRAINT customers_organization_id_7cb69820_fk_organizations_id FOREIGN KEY "
                          "(organization_id) REFERENCES public.organizations(id) DEFERRABLE INITIALLY DEFERRED;"));
  EXPECT_TRUE(contains(s, "ADD CONSTRAINT auth_group_permissio_permission_id_84c5c92e_fk_auth_perm FOREIGN KEY"));
  EXPECT_TRUE(contains(s, "\n\\unrestrict " + s.substr(s.find("\\restrict ") + 10, 64) + "\n"));
}

TEST(ExportPgDump, BrokenForeignKeysAreWrittenNotValid) {
  auto db = dirty_demo(120);  // employees whose user is gone, deals whose customer is gone
  ExportSummary summary;
  auto text = export_snapshot(db, ExportFormat::PgDump, &summary);
  ASSERT_TRUE(text.ok()) << text.error().describe();
  EXPECT_TRUE(contains(*text, "FOREIGN KEY (user_id) REFERENCES public.users(id) DEFERRABLE INITIALLY DEFERRED NOT VALID;"));
  EXPECT_TRUE(contains(*text, "FOREIGN KEY (organization_id) REFERENCES public.organizations(id) DEFERRABLE INITIALLY DEFERRED;"));
  bool warned = false;
  for (const auto& w : summary.warnings) warned |= contains(w, "employees have a user_id that is not in users");
  EXPECT_TRUE(warned);
}

TEST(ExportPgDump, TablesTheCrmDoesNotKnowAndQuotedNames) {
  auto db = open_fixture("crm-small/before.sqlite3");
  ASSERT_TRUE(db.exec("CREATE TABLE \"Extra Notes\" (id integer NOT NULL PRIMARY KEY AUTOINCREMENT, "
                      "\"order\" varchar(10) NOT NULL, body text NULL, flag bool NOT NULL, n integer unsigned NULL);"
                      "INSERT INTO \"Extra Notes\" VALUES (1, 'a', 'x' || char(9) || 'y', 1, 3), (5, 'b', NULL, 0, NULL);")
                  .ok());
  auto text = export_snapshot(db, ExportFormat::PgDump);
  ASSERT_TRUE(text.ok()) << text.error().describe();
  EXPECT_TRUE(contains(*text, "CREATE TABLE public.\"Extra Notes\" (\n    id integer NOT NULL,\n    \"order\" character varying(10) NOT NULL,\n"
                              "    body text,\n    flag boolean NOT NULL,\n    n integer,\n"
                              "    CONSTRAINT \"Extra Notes_n_check\" CHECK ((n >= 0))\n);"));
  EXPECT_TRUE(contains(*text, "COPY public.\"Extra Notes\" (id, \"order\", body, flag, n) FROM stdin;\n1\ta\tx\\ty\tt\t3\n5\tb\t\\N\tf\t\\N\n\\.\n"));
  EXPECT_TRUE(contains(*text, "SELECT pg_catalog.setval('public.\"Extra Notes_id_seq\"', 5, true);"));
  EXPECT_TRUE(contains(*text, "ALTER COLUMN id SET DEFAULT nextval('public.\"Extra Notes_id_seq\"'::regclass);"));
  auto snap = load_snapshot(bytes_of(*text), "extra.sql");
  ASSERT_TRUE(snap.ok()) << snap.error().describe();
  EXPECT_EQ(rows(snap->db, "SELECT id, \"order\", body, flag, typeof(flag), n FROM \"Extra Notes\" ORDER BY id"),
            (std::vector<std::string>{"1|a|x\ty|1|integer|3", "5|b|NULL|0|integer|NULL"}));
}

TEST(ExportDumpData, DjangosJsonForms) {
  auto db = hard_values();
  ExportSummary summary;
  auto text = export_snapshot(db, ExportFormat::DumpData, &summary);
  ASSERT_TRUE(text.ok()) << text.error().describe();
  const std::string& s = *text;
  EXPECT_EQ(s.rfind("[\n{\"model\": \"contenttypes.contenttype\", \"pk\": 1, \"fields\": {", 0), 0u);
  EXPECT_TRUE(contains(s, "{\"model\": \"crmApp.user\", \"pk\": 1, \"fields\": {\"password\": \"\", \"last_login\": "
                          "\"2025-12-31T23:59:59.999999Z\", \"is_superuser\": true, "));
  EXPECT_TRUE(contains(s, "\"groups\": [], \"user_permissions\": []}}"));
  // Foreign keys by field name; decimals as strings with two places; dates as they are.
  EXPECT_TRUE(contains(s, "\"salary\": \"5000.00\""));
  EXPECT_TRUE(contains(s, "\"salary\": \"0.30000000000000004\""));
  EXPECT_TRUE(contains(s, "\"salary\": null, \"status\": "));
  EXPECT_TRUE(contains(s, "\"organization\": "));
  EXPECT_FALSE(contains(s, "\"organization_id\""));
  // Milliseconds as Django writes them; six digits only when the value has more.
  EXPECT_TRUE(contains(s, "\"created_at\": \"2024-01-01T10:00:00.120Z\""));
  EXPECT_TRUE(contains(s, "\"created_at\": \"2024-01-01T10:00:00.123456Z\""));
  EXPECT_TRUE(contains(s, "\"address\": \"line 1\\nline 2\\r\\ntab\\tend\", \"city\": \"C:\\\\temp\\\\new\""));
  EXPECT_TRUE(contains(s, "\"city\": \"\\b\\f\\u000b\\u0001\x7f" "ctl\""));
  EXPECT_TRUE(contains(s, "\"name\": \"王小明 — 東京都 ✓ 𝄞\""));
  EXPECT_FALSE(contains(s, "django_migrations"));
  bool warned = false;
  for (const auto& w : summary.warnings) warned |= contains(w, "django_migrations");
  EXPECT_TRUE(warned);
  EXPECT_EQ(summary.tables.count("django_migrations"), 0u);
  EXPECT_EQ(summary.tables.at("customers"), 600);
}

TEST(ExportDumpData, ManyToManyListsInJunctionOrder) {
  auto db = open_fixture("crm-small/before.sqlite3");
  ASSERT_TRUE(db.exec("INSERT INTO auth_group (id, name) VALUES (1, 'sales'), (2, 'ops');"
                      "INSERT INTO users_groups (user_id, group_id) VALUES (3, 2), (3, 1), (4, 1);"
                      "INSERT INTO auth_group_permissions (group_id, permission_id) VALUES (2, 5);")
                  .ok());
  auto text = export_snapshot(db, ExportFormat::DumpData);
  ASSERT_TRUE(text.ok()) << text.error().describe();
  EXPECT_TRUE(contains(*text, "{\"model\": \"auth.group\", \"pk\": 2, \"fields\": {\"name\": \"ops\", \"permissions\": [5]}}"));
  EXPECT_TRUE(contains(*text, "\"pk\": 3, \"fields\": {") && contains(*text, "\"groups\": [2, 1], \"user_permissions\": []}}"));
  expect_round_trip(db, ExportFormat::DumpData, "with groups");
  expect_round_trip(db, ExportFormat::PgDump, "with groups");
}

TEST(ExportDumpData, LabelsAreTheLoadersModels) {
  for (const char* t : {"users", "employees", "organizations", "customers", "vendors", "leads", "deals", "orders",
                        "payments", "addresses", "addressables", "django_content_type", "auth_permission", "auth_group"}) {
    const char* label = dumpdata_label_of_table(t);
    ASSERT_NE(label, nullptr) << t;
    const auto* m = detail::dumpdata::find_model(label);
    ASSERT_NE(m, nullptr) << label;
    EXPECT_STREQ(m->table, t);
  }
  EXPECT_EQ(dumpdata_label_of_table("django_migrations"), nullptr);
  EXPECT_EQ(dumpdata_label_of_table("users_groups"), nullptr);
}

TEST(ExportFormats, Names) {
  EXPECT_EQ(*parse_export_format("pgdump"), ExportFormat::PgDump);
  EXPECT_EQ(*parse_export_format("dumpdata"), ExportFormat::DumpData);
  EXPECT_FALSE(parse_export_format("sqlite").ok());
}

TEST(ExportCli, WritesBothFormatsAndRefusesBadUsage) {
  test::TempDir dir;
  const std::string in = test::shell_quote(test::fixture("crm-small/before.sqlite3"));
  auto r = test::run_cli("export " + in + " --format pgdump --out " + test::shell_quote(dir.file("b.sql")));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "as pgdump: 16 tables")) << r.out;
  r = test::run_cli("export " + in + " --format dumpdata --out " + test::shell_quote(dir.file("b.json")));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "warning: table django_migrations")) << r.out;
  // The written files load back.
  r = test::run_cli("load " + test::shell_quote(dir.file("b.sql")) + " --out " + test::shell_quote(dir.file("c.sqlite3")));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  r = test::run_cli("load " + test::shell_quote(dir.file("b.json")) + " --out " + test::shell_quote(dir.file("d.sqlite3")));
  EXPECT_EQ(r.exit_code, 0) << r.out;

  r = test::run_cli("export " + in + " --format csv --out " + test::shell_quote(dir.file("x")));
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "unknown export format 'csv'")) << r.out;
  r = test::run_cli("export " + in + " --out " + test::shell_quote(dir.file("x")));
  EXPECT_EQ(r.exit_code, 2) << r.out;
  r = test::run_cli("export " + test::shell_quote(dir.file("missing.sqlite3")) + " --format pgdump --out " +
                    test::shell_quote(dir.file("x")));
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_FALSE(std::filesystem::exists(dir.file("x")));
}
