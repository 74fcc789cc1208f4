// The dumpdata JSON loader: the fixtures' dumpdata files load to exactly what Django
// wrote on SQLite (schema, every row, every value's type), plus unit tests of the
// value conversions, many-to-many junctions, escapes, and every error path.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/crm_schema.hpp"
#include "core/load/dumpdata_values.hpp"
#include "core/io.hpp"
#include "core/load/loaders.hpp"
#include "core/load/snapshot.hpp"
#include "test_util.hpp"

using namespace redline;
namespace dd = redline::detail::dumpdata;

namespace {

std::vector<std::uint8_t> bytes_of(const std::string& s) { return std::vector<std::uint8_t>(s.begin(), s.end()); }

struct Loaded {
  sql::Database db;
  LoadSummary summary;
  Status status = ok_status();
};

Loaded load(const std::string& json) {
  Loaded l;
  auto db = sql::Database::open_memory();
  EXPECT_TRUE(db.ok());
  l.db = std::move(db.value());
  l.status = detail::load_dumpdata(bytes_of(json), "test.json", l.db, l.summary);
  return l;
}

// All rows of a query, each row's columns joined by '|', NULL shown as "NULL".
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

// A crmApp.user object with every field of the model; `extra` is spliced into fields.
std::string user(int pk, const std::string& extra = "", const std::string& name = "") {
  std::string n = std::to_string(pk);
  return R"({"model": "crmApp.user", "pk": )" + n +
         R"(, "fields": {"password": "", "last_login": null, "is_superuser": false, "username": "u)" + n +
         R"(", "first_name": ")" + (name.empty() ? "First" : name) +
         R"(", "last_name": "Last", "email": "", "is_staff": false, "is_active": true, )"
         R"("date_joined": "2023-02-21T21:44:10Z", "phone": "")" +
         extra + "}}";
}

std::string org_before(int pk, const std::string& created = "2023-08-24T15:48:34Z") {
  return R"({"model": "crmApp.organization", "pk": )" + std::to_string(pk) +
         R"(, "fields": {"name": "Org", "email": "", "phone": "", "website": "", "created_at": ")" + created +
         R"(", "address": "", "city": "", "state": "", "postal_code": "", "country": ""}})";
}

std::string org_after(int pk) {
  return R"({"model": "crmApp.organization", "pk": )" + std::to_string(pk) +
         R"(, "fields": {"name": "Org", "email": "", "phone": "", "website": "", )"
         R"("created_at": "2023-08-24T15:48:34Z", "default_currency": "NGN"}})";
}

std::string deal(int pk, const std::string& currency = "\"EUR\"", const std::string& value = "\"171804.42\"") {
  return R"({"model": "crmApp.deal", "pk": )" + std::to_string(pk) +
         R"(, "fields": {"organization": 1, "customer": null, "title": "Deal", "value": )" + value +
         R"(, "currency": )" + currency +
         R"(, "stage": "won", "expected_close_date": "2023-12-19", "created_at": "2024-09-28T01:27:32Z"}})";
}

// The loaded database and a Django-made one hold the same tables, schema and rows
// (types included); django_migrations is empty in ours (dumpdata does not carry it).
// Returns "table:rows" for the tables whose datetimes lost sub-millisecond digits.
std::vector<std::string> expect_same_as_fixture(const std::string& json_rel, const std::string& sqlite_rel) {
  std::vector<std::string> lossy_tables;
  auto bytes = read_file(test::fixture(json_rel));
  EXPECT_TRUE(bytes.ok()) << bytes.error().describe();
  if (!bytes.ok()) return {"<unreadable>"};
  auto snap = load_snapshot(*bytes, json_rel);
  EXPECT_TRUE(snap.ok()) << snap.error().describe();
  if (!snap.ok()) return {"<not loaded>"};
  EXPECT_EQ(snap->summary.format, Format::DumpData);
  bool warned = std::any_of(snap->summary.warnings.begin(), snap->summary.warnings.end(),
                            [](const std::string& w) { return w.find("django_migrations") != std::string::npos; });
  EXPECT_TRUE(warned) << "the summary must say dumpdata does not carry django_migrations";

  sql::Database& db = snap->db;
  EXPECT_TRUE(db.exec("ATTACH DATABASE " + sql::quote_literal(test::fixture(sqlite_rel)) + " AS ref").ok());

  const std::string schema = "SELECT type, name, tbl_name, sql FROM %s.sqlite_schema";
  auto schema_of = [&](const char* db_name) {
    std::string q = schema;
    q.replace(q.find("%s"), 2, db_name);
    return q;
  };
  EXPECT_EQ(rows(db, schema_of("main") + " EXCEPT " + schema_of("ref")), std::vector<std::string>{})
      << "schema entries only in the loaded database";
  EXPECT_EQ(rows(db, schema_of("ref") + " EXCEPT " + schema_of("main")), std::vector<std::string>{})
      << "schema entries only in the Django-made database";

  EXPECT_EQ(rows(db, "SELECT * FROM main.sqlite_sequence WHERE name <> 'django_migrations' EXCEPT "
                     "SELECT * FROM ref.sqlite_sequence"),
            std::vector<std::string>{});
  EXPECT_EQ(rows(db, "SELECT * FROM ref.sqlite_sequence WHERE name <> 'django_migrations' EXCEPT "
                     "SELECT * FROM main.sqlite_sequence"),
            std::vector<std::string>{});

  auto tables = rows(db, "SELECT name FROM ref.sqlite_schema WHERE type = 'table' AND name <> 'sqlite_sequence'");
  EXPECT_GE(tables.size(), 16u);
  for (const auto& t : tables) {
    std::string qt = sql::quote_ident(t);
    if (t == "django_migrations") {
      EXPECT_EQ(one(db, "SELECT count(*) FROM main." + qt), "0");
      continue;
    }
    // Every column with its typeof(), so 1 and '1', or 123.4 and '123.40', differ.
    std::string cols, loose_cols, lossy;
    for (const auto& c : rows(db, "SELECT name || '|' || type FROM ref.pragma_table_info(" + sql::quote_literal(t) + ")")) {
      std::string name = c.substr(0, c.find('|'));
      std::string qc = sql::quote_ident(name);
      cols += (cols.empty() ? "" : ", ") + qc + ", typeof(" + qc + ")";
      // Django's JSON serializer keeps milliseconds only: a datetime stored with
      // microseconds (after.sqlite3's users created by the migration) comes back from
      // dumpdata cut to milliseconds. Those values are compared to the millisecond.
      std::string loose = qc;
      if (c.substr(c.find('|') + 1) == "datetime") {
        loose = "CASE WHEN length(" + qc + ") = 26 THEN substr(" + qc + ", 1, 23) WHEN length(" + qc +
                ") = 19 THEN " + qc + " || '.000' ELSE " + qc + " END";
        lossy += std::string(lossy.empty() ? "" : " OR ") + "(length(" + qc + ") = 26 AND substr(" + qc +
                 ", 24) <> '000')";
      }
      loose_cols += (loose_cols.empty() ? "" : ", ") + loose + ", typeof(" + qc + ")";
    }
    EXPECT_EQ(one(db, "SELECT count(*) FROM main." + qt), one(db, "SELECT count(*) FROM ref." + qt)) << t;
    EXPECT_EQ(rows(db, "SELECT " + loose_cols + " FROM main." + qt + " EXCEPT SELECT " + loose_cols + " FROM ref." + qt),
              std::vector<std::string>{})
        << "rows of " << t << " only in the loaded database";
    EXPECT_EQ(rows(db, "SELECT " + loose_cols + " FROM ref." + qt + " EXCEPT SELECT " + loose_cols + " FROM main." + qt),
              std::vector<std::string>{})
        << "rows of " << t << " only in the Django-made database";
    // Exactly the rows with sub-millisecond datetimes differ when compared exactly.
    std::string lossy_rows = lossy.empty() ? "0" : one(db, "SELECT count(*) FROM ref." + qt + " WHERE " + lossy);
    EXPECT_EQ(one(db, "SELECT count(*) FROM (SELECT " + cols + " FROM ref." + qt + " EXCEPT SELECT " + cols +
                          " FROM main." + qt + ")"),
              lossy_rows)
        << t;
    if (lossy_rows != "0") lossy_tables.push_back(t + ":" + lossy_rows);
  }
  return lossy_tables;
}

// The error of loading `json`, which must fail with BadInput.
Error load_error(const std::string& json) {
  auto l = load(json);
  EXPECT_FALSE(l.status.ok()) << "expected an error for: " << json.substr(0, 200);
  if (l.status.ok()) return Error{};
  EXPECT_EQ(l.status.error().code, ErrorCode::BadInput) << l.status.error().describe();
  EXPECT_NE(l.status.error().context.find("test.json, format: dumpdata"), std::string::npos)
      << l.status.error().context;
  return l.status.error();
}

bool has(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

}  // namespace

// ---- the fixtures ----------------------------------------------------------------

TEST(DumpDataFixtures, CrmSmallBeforeMatchesDjangosSqlite) {
  EXPECT_EQ(expect_same_as_fixture("crm-small/before.json", "crm-small/before.sqlite3"), std::vector<std::string>{});
}

TEST(DumpDataFixtures, CrmDirtyBeforeMatchesDjangosSqlite) {
  EXPECT_EQ(expect_same_as_fixture("crm-dirty/before.json", "crm-dirty/before.sqlite3"), std::vector<std::string>{});
}

TEST(DumpDataFixtures, CrmSmallAfterMatchesDjangosSqlite) {
  // Only the users the migration created (date_joined = now, with microseconds)
  // differ, and only below the millisecond, which dumpdata does not carry.
  auto lossy = expect_same_as_fixture("crm-small/after.json", "crm-small/after.sqlite3");
  ASSERT_EQ(lossy.size(), 1u);
  EXPECT_EQ(lossy[0].rfind("users:", 0), 0u) << lossy[0];
}

// ---- value conversions ---------------------------------------------------------------

namespace {
std::string dt(const std::string& in, bool* naive_out = nullptr) {
  std::string out;
  bool naive = false;
  const char* why = dd::canonical_datetime(in, out, naive);
  if (naive_out) *naive_out = naive;
  return why ? std::string("ERROR: ") + why : out;
}
std::string date(const std::string& in) {
  std::string out;
  const char* why = dd::canonical_date(in, out);
  return why ? std::string("ERROR: ") + why : out;
}
}  // namespace

TEST(DumpDataValues, DatetimesBecomeNaiveUtcTextAsDjangoStoresThem) {
  bool naive = true;
  EXPECT_EQ(dt("2023-02-21T21:44:10Z", &naive), "2023-02-21 21:44:10");
  EXPECT_FALSE(naive);
  // Django serializes milliseconds; str(datetime) prints six digits, or none at zero.
  EXPECT_EQ(dt("2023-02-21T21:44:10.123Z"), "2023-02-21 21:44:10.123000");
  EXPECT_EQ(dt("2023-02-21T21:44:10.000Z"), "2023-02-21 21:44:10");
  EXPECT_EQ(dt("2023-02-21T21:44:10.000001Z"), "2023-02-21 21:44:10.000001");
  EXPECT_EQ(dt("2023-02-21T21:44:10.1234567Z"), "2023-02-21 21:44:10.123456");  // extra digits dropped
  EXPECT_EQ(dt("2023-02-21T21:44:10,5Z"), "2023-02-21 21:44:10.500000");
  // Offsets are converted to UTC, across days, months, years and leap days.
  EXPECT_EQ(dt("2023-02-21T21:44:10+02:00"), "2023-02-21 19:44:10");
  EXPECT_EQ(dt("2023-02-21T21:44:10-05:30"), "2023-02-22 03:14:10");
  EXPECT_EQ(dt("2024-01-01T01:30:00+02:00"), "2023-12-31 23:30:00");
  EXPECT_EQ(dt("2024-02-28T23:30:00-01:00"), "2024-02-29 00:30:00");
  EXPECT_EQ(dt("2023-02-28T23:30:00-01:00"), "2023-03-01 00:30:00");
  EXPECT_EQ(dt("2000-03-01T00:15:00.250+0030"), "2000-02-29 23:45:00.250000");
  EXPECT_EQ(dt("1999-12-31T23:00:00-01"), "2000-01-01 00:00:00");
  // Naive values (USE_TZ=False dumps) are kept as written, and reported.
  EXPECT_EQ(dt("2023-02-21T21:44:10", &naive), "2023-02-21 21:44:10");
  EXPECT_TRUE(naive);
  EXPECT_EQ(dt("2023-02-21 21:44"), "2023-02-21 21:44:00");
  EXPECT_EQ(dt("2023-2-1T1:2:3Z"), "2023-02-01 01:02:03");
  EXPECT_EQ(dt("2023-02-21"), "2023-02-21 00:00:00");  // a bare date is midnight
  // Not datetimes.
  for (const char* bad : {"", "yesterday", "2023-02-30T00:00:00Z", "2023-13-01T00:00:00Z", "2023-02-21T24:00:00Z",
                          "2023-02-21T21:60:00Z", "2023-02-21T21:44:61Z", "2023-02-21T21:44:10+24:00",
                          "2023-02-21T21:44:10+2", "2023-02-21T21:44:10+02:", "2023-02-21T21:44:10Zjunk",
                          "23-02-21T21:44:10Z", "2023-02-21X21:44:10", "0001-01-01T00:30:00+01:00",
                          "2023-02-21T21:44:10."}) {
    EXPECT_EQ(dt(bad).rfind("ERROR", 0), 0u) << bad << " -> " << dt(bad);
  }
  EXPECT_EQ(dt("9999-12-31T23:59:59-00:59").rfind("ERROR", 0), 0u);  // past year 9999 in UTC
}

TEST(DumpDataValues, DatesAreCheckedAndZeroPadded) {
  EXPECT_EQ(date("2023-07-23"), "2023-07-23");
  EXPECT_EQ(date("2023-7-3"), "2023-07-03");
  EXPECT_EQ(date("2024-02-29"), "2024-02-29");
  EXPECT_EQ(date("2023-02-29").rfind("ERROR", 0), 0u);
  EXPECT_EQ(date("2023-07-23T00:00:00").rfind("ERROR", 0), 0u);
  EXPECT_EQ(date("0000-01-01").rfind("ERROR", 0), 0u);
}

TEST(DumpDataValues, IntegersDecimalsAndColumnKinds) {
  std::int64_t v = 0;
  EXPECT_TRUE(dd::parse_int64("42", v));
  EXPECT_EQ(v, 42);
  EXPECT_TRUE(dd::parse_int64("-9223372036854775808", v));
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_TRUE(dd::parse_int64("9223372036854775807", v));
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_FALSE(dd::parse_int64("9223372036854775808", v));
  EXPECT_FALSE(dd::parse_int64("", v));
  EXPECT_FALSE(dd::parse_int64("-", v));
  EXPECT_FALSE(dd::parse_int64("1.0", v));
  EXPECT_FALSE(dd::parse_int64("12a", v));

  for (const char* ok : {"123421.30", "5000.00", "-1", "+.5", "5.", "1e5", "1.5E-3"})
    EXPECT_TRUE(dd::is_decimal_literal(ok)) << ok;
  for (const char* bad : {"", ".", "-", "NaN", "Infinity", "1e", " 1", "1 ", "1,5", "0x10"})
    EXPECT_FALSE(dd::is_decimal_literal(bad)) << bad;

  EXPECT_EQ(dd::column_kind("integer"), dd::ColumnKind::Integer);
  EXPECT_EQ(dd::column_kind("integer unsigned"), dd::ColumnKind::Integer);
  EXPECT_EQ(dd::column_kind("INTEGER"), dd::ColumnKind::Integer);  // as pragma_table_info reports it
  EXPECT_EQ(dd::column_kind("TEXT"), dd::ColumnKind::Text);
  // Every column of the CRM's tables has the kind its declared type says.
  for (auto shape : {crm::Shape::Before, crm::Shape::After}) {
    for (const auto& t : crm::tables(shape)) {
      for (const auto& c : t.columns) {
        bool is_key = c.name == "id" || (c.name.size() > 3 && c.name.substr(c.name.size() - 3) == "_id");
        if (is_key) {
          EXPECT_EQ(dd::column_kind(c.type), dd::ColumnKind::Integer) << t.name << "." << c.name;
        }
      }
    }
  }
  EXPECT_EQ(dd::column_kind("bool"), dd::ColumnKind::Bool);
  EXPECT_EQ(dd::column_kind("datetime"), dd::ColumnKind::DateTime);
  EXPECT_EQ(dd::column_kind("date"), dd::ColumnKind::Date);
  EXPECT_EQ(dd::column_kind("decimal"), dd::ColumnKind::Decimal);
  EXPECT_EQ(dd::column_kind("varchar(150)"), dd::ColumnKind::Text);
  EXPECT_EQ(dd::column_kind("text"), dd::ColumnKind::Text);
}

// ---- loading ---------------------------------------------------------------------------

TEST(DumpDataLoad, ValuesAreStoredAsDjangoOnSqliteStoresThem) {
  auto l = load("[" + user(1, R"(, "last_login": "2024-01-01T01:30:00.5+02:00")") + "," + org_before(1) + "," +
                deal(1) + "," + deal(2, "\"USD\"", "\"5000.00\"") + "]");
  ASSERT_TRUE(l.status.ok()) << l.status.error().describe();
  // A key given twice: the last one wins, as in Python's json.
  EXPECT_EQ(one(l.db, "SELECT last_login, typeof(last_login), date_joined, is_active, typeof(is_active), "
                      "is_staff FROM users"),
            "2023-12-31 23:30:00.500000|text|2023-02-21 21:44:10|1|integer|0");
  EXPECT_EQ(rows(l.db, "SELECT value, typeof(value), expected_close_date, customer_id FROM deals ORDER BY id"),
            (std::vector<std::string>{"171804.42|real|2023-12-19|NULL", "5000|integer|2023-12-19|NULL"}));
  EXPECT_EQ(one(l.db, "SELECT organization_id, typeof(organization_id) FROM deals WHERE id = 1"), "1|integer");
  // AUTOINCREMENT bookkeeping as Django's database has it.
  EXPECT_EQ(rows(l.db, "SELECT name, seq FROM sqlite_sequence ORDER BY name"),
            (std::vector<std::string>{"auth_group|0", "auth_permission|0", "deals|2", "django_content_type|0",
                                      "organizations|1", "users|1"}));
}

TEST(DumpDataLoad, CreatesDjangosWholeTableSetAndWarnsAboutMigrations) {
  auto l = load("[]");
  ASSERT_TRUE(l.status.ok()) << l.status.error().describe();
  std::vector<std::string> expected;
  for (const auto& t : crm::tables(crm::Shape::Before)) expected.push_back(t.name);
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(rows(l.db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name <> 'sqlite_sequence' "
                       "ORDER BY name"),
            expected);
  ASSERT_FALSE(l.summary.warnings.empty());
  EXPECT_TRUE(has(l.summary.warnings.front(), "dumpdata does not carry django_migrations"));
}

TEST(DumpDataLoad, ManyToManyListsGoToJunctionTablesNumberedInOrder) {
  std::string json = R"([
    {"model": "auth.group", "pk": 1, "fields": {"name": "staff", "permissions": [3, 1]}},
    {"model": "auth.group", "pk": 2, "fields": {"name": "sales", "permissions": []}},
    )" + user(7, R"(, "groups": [2, 1], "user_permissions": [5])") +
                     "," + user(8, R"(, "groups": [1], "user_permissions": ["2"])") + "]";
  auto l = load(json);
  ASSERT_TRUE(l.status.ok()) << l.status.error().describe();
  EXPECT_EQ(rows(l.db, "SELECT id, user_id, group_id FROM users_groups ORDER BY id"),
            (std::vector<std::string>{"1|7|2", "2|7|1", "3|8|1"}));
  EXPECT_EQ(rows(l.db, "SELECT id, user_id, permission_id, typeof(permission_id) FROM users_user_permissions "
                       "ORDER BY id"),
            (std::vector<std::string>{"1|7|5|integer", "2|8|2|integer"}));
  EXPECT_EQ(rows(l.db, "SELECT id, group_id, permission_id FROM auth_group_permissions ORDER BY id"),
            (std::vector<std::string>{"1|1|3", "2|1|1"}));
  EXPECT_EQ(one(l.db, "SELECT seq FROM sqlite_sequence WHERE name = 'users_groups'"), "3");
  EXPECT_EQ(one(l.db, "SELECT count(*) FROM users"), "2");
}

TEST(DumpDataLoad, UnicodeEscapesAndRawUtf8AreStoredByteForByte) {
  // \u00e9 and a surrogate pair (U+1F600), raw UTF-8, escaped controls, a tab and a
  // backslash, and \u0000 kept as a byte.
  auto l = load("[" + user(1, "", R"(Jos\u00e9 \ud83d\ude00 Ł\t\\\n\u0000!)") + "]");
  ASSERT_TRUE(l.status.ok()) << l.status.error().describe();
  EXPECT_EQ(one(l.db, "SELECT hex(CAST(first_name AS BLOB)) FROM users"),
            "4A6F73C3A920F09F98802"
            "0C581095C0A0021");
  EXPECT_EQ(one(l.db, "SELECT typeof(first_name), length(CAST(first_name AS BLOB)) FROM users"), "text|18");
}

TEST(DumpDataLoad, SkipsSessionsAndAdminLogAndCountsThem) {
  auto l = load(R"([{"model": "sessions.session", "pk": "abc", "fields": {"session_data": "x", "expire_date": "2024-01-01T00:00:00Z"}},
                    {"model": "admin.logentry", "pk": 1, "fields": {"action_flag": 1}},
                    {"model": "admin.logentry", "pk": 2, "fields": {"action_flag": 2}}])");
  ASSERT_TRUE(l.status.ok()) << l.status.error().describe();
  EXPECT_EQ(l.summary.skipped["sessions.session"], 1);
  EXPECT_EQ(l.summary.skipped["admin.logentry"], 2);
}

TEST(DumpDataLoad, ModelNamesAreCaseInsensitiveAndExtraKeysIgnored) {
  auto l = load(R"([{"model": "contenttypes.ContentType", "pk": 3, "extra": {"a": [1, {"b": 2}]},
                     "fields": {"app_label": "crmApp", "model": "deal"}}])");
  ASSERT_TRUE(l.status.ok()) << l.status.error().describe();
  EXPECT_EQ(one(l.db, "SELECT id, app_label, model FROM django_content_type"), "3|crmApp|deal");
}

TEST(DumpDataLoad, ByteOrderMarkAndCompactJsonLoad) {
  auto r = load_snapshot(bytes_of("\xEF\xBB\xBF[" + user(1) + "," + user(2) + "]"), "bom.json");
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->summary.format, Format::DumpData);
  EXPECT_EQ(r->summary.tables["users"], 2);
}

TEST(DumpDataLoad, DamagedFilesFailCleanlyNeverCrash) {
  // Every kind of damage (a byte changed, a byte removed, the file cut) at many
  // places in a real file: the loader returns, with a located error or a database.
  auto bytes = read_file(test::fixture("crm-dirty/before.json"));
  ASSERT_TRUE(bytes.ok());
  std::string full(bytes->begin(), bytes->end());
  // The first objects (content types, permissions, a few users), then the first
  // two objects of every other model in the file.
  std::string base = full.substr(0, full.find("\n}", 12000) + 2);
  for (const char* model : {"organization", "employee", "customer", "vendor", "lead", "deal", "order", "payment"}) {
    std::size_t start = full.find("\n{\n \"model\": \"crmApp." + std::string(model) + "\"");
    ASSERT_NE(start, std::string::npos) << model;
    std::size_t stop = full.find("\n}", full.find("\n}", start) + 2);
    base += "," + full.substr(start, stop + 2 - start);
  }
  base += "\n]";
  ASSERT_TRUE(load(base).status.ok()) << load(base).status.error().describe();
  const char replacements[] = {'"', '{', '}', '[', ']', ',', ':', '\\', 'x', '1', '\xff', '\xc3', ' ', '\0'};
  std::uint32_t seed = 12345;
  auto next = [&seed] { return seed = seed * 1664525u + 1013904223u; };
  int failures = 0, loads = 0;
  for (int i = 0; i < 300; ++i) {
    std::string damaged = base;
    std::size_t at = next() % damaged.size();
    switch (next() % 3) {
      case 0: damaged[at] = replacements[next() % sizeof replacements]; break;
      case 1: damaged.erase(at, 1); break;
      default: damaged.resize(at); break;
    }
    auto l = load(damaged);
    if (l.status.ok()) {
      ++loads;
      continue;
    }
    ++failures;
    const Error& e = l.status.error();
    EXPECT_EQ(e.code, ErrorCode::BadInput) << e.describe();
    EXPECT_TRUE(has(e.context, "format: dumpdata, byte offset ")) << e.context;
    EXPECT_FALSE(e.message.empty());
  }
  EXPECT_GT(failures, 150);
  EXPECT_GT(loads, 0);  // damage inside a text value is still valid data
}

TEST(DumpDataLoad, AfterShapeTableSeenBeforeTheShapeIsKnownIsRebuilt) {
  // deals has the same columns in both shapes; organizations tells them apart. A
  // deal listed first is made in the before shape, then rebuilt in the after shape.
  auto l = load("[" + deal(1, "\"GBP\"") + "," + deal(2) + "," + org_after(1) + "," + deal(3) + "]");
  ASSERT_TRUE(l.status.ok()) << l.status.error().describe();
  EXPECT_EQ(one(l.db, "SELECT sql FROM sqlite_schema WHERE name = 'deals'"),
            crm::find_table(crm::Shape::After, "deals")->create_sql);
  EXPECT_EQ(rows(l.db, "SELECT id, currency, value, typeof(value) FROM deals ORDER BY id"),
            (std::vector<std::string>{"1|GBP|171804.42|real", "2|EUR|171804.42|real", "3|EUR|171804.42|real"}));
  EXPECT_EQ(one(l.db, "SELECT count(*) FROM sqlite_schema WHERE name = 'addresses'"), "1");
  EXPECT_EQ(one(l.db, "SELECT count(*) FROM sqlite_schema WHERE name IN ('deals_customer_id_3d7d7d95', "
                      "'deals_organization_id_3e04545f', 'idx_employees_user')"),
            "3");
}

// ---- errors ---------------------------------------------------------------------------

TEST(DumpDataErrors, SyntaxErrorGivesByteOffsetLineAndObject) {
  std::string json = "[\n" + org_before(1) + ",\n" + user(2, R"(, "is_staff": tru)") + "\n]";
  Error e = load_error(json);
  EXPECT_TRUE(has(e.message, "JSON syntax error")) << e.message;
  std::size_t bad = json.find("tru}") + 3;  // the '}' where the literal breaks off
  EXPECT_TRUE(has(e.context, "byte offset " + std::to_string(bad) + " (line 3,")) << e.context;
  EXPECT_TRUE(has(e.context, "object index 1 (model crmApp.user, pk 2)")) << e.context;
}

TEST(DumpDataErrors, TopLevelMustBeAList) {
  Error e = load_error(org_before(1));
  EXPECT_TRUE(has(e.message, "not the list of objects dumpdata writes")) << e.message;
  EXPECT_TRUE(has(e.context, "byte offset 0")) << e.context;
  e = load_error("42");
  EXPECT_TRUE(has(e.message, "single JSON number")) << e.message;
  e = load_error("[" + org_before(1) + ", 17]");
  EXPECT_TRUE(has(e.message, "object index 1 is a number, not an object")) << e.message;
  e = load_error("[[]]");
  EXPECT_TRUE(has(e.message, "object index 0 is a list")) << e.message;
}

TEST(DumpDataErrors, ObjectsNeedModelPkAndFieldsObject) {
  Error e = load_error(R"([{"pk": 1, "fields": {}}])");
  EXPECT_TRUE(has(e.message, "no \"model\"")) << e.message;
  EXPECT_TRUE(has(e.context, "byte offset 1 ")) << e.context;
  EXPECT_TRUE(has(e.context, "object index 0")) << e.context;

  e = load_error("[" + org_before(1) + R"(, {"model": "crmApp.organization", "pk": 2})" + "]");
  EXPECT_TRUE(has(e.message, "no \"fields\"")) << e.message;
  EXPECT_TRUE(has(e.context, "object index 1 (model crmApp.organization, pk 2)")) << e.context;

  e = load_error(R"([{"model": "crmApp.organization", "pk": 2, "fields": [1, 2]}])");
  EXPECT_TRUE(has(e.message, "\"fields\" is a list, not an object")) << e.message;
  e = load_error(R"([{"model": "crmApp.organization", "pk": 2, "fields": "x"}])");
  EXPECT_TRUE(has(e.message, "\"fields\" is a string, not an object")) << e.message;
  e = load_error(R"([{"model": 5, "pk": 2, "fields": {}}])");
  EXPECT_TRUE(has(e.message, "\"model\" is a number, not a string")) << e.message;

  e = load_error(R"([{"model": "crmApp.organization", "fields": {}}])");
  EXPECT_TRUE(has(e.message, "no \"pk\"")) << e.message;
  e = load_error(R"([{"model": "crmApp.organization", "pk": "seven", "fields": {}}])");
  EXPECT_TRUE(has(e.message, "\"pk\" is \"seven\", not an integer id")) << e.message;
}

TEST(DumpDataErrors, UnknownModelsAreNamed) {
  Error e = load_error(R"([{"model": "shop.widget", "pk": 1, "fields": {}}])");
  EXPECT_TRUE(has(e.message, "unknown model \"shop.widget\"")) << e.message;
  EXPECT_TRUE(has(e.context, "object index 0 (model shop.widget, pk 1)")) << e.context;
  e = load_error("[" + org_before(1) + R"(, {"model": "crmApp.spaceship", "pk": 1, "fields": {}}])");
  EXPECT_TRUE(has(e.message, "unknown model \"crmApp.spaceship\"")) << e.message;
  EXPECT_TRUE(has(e.context, "object index 1")) << e.context;
}

TEST(DumpDataErrors, FieldThatIsNotAColumnIsNamedWithItsOffset) {
  std::string json = "[" + user(1) + "," + user(2, R"(, "spaceship": 1)") + "]";
  Error e = load_error(json);
  EXPECT_TRUE(has(e.message, "field 'spaceship' of crmApp.user is not a column of table users")) << e.message;
  EXPECT_TRUE(has(e.context, "byte offset " + std::to_string(json.find("\"spaceship\"")))) << e.context;
  EXPECT_TRUE(has(e.context, "object index 1 (model crmApp.user, pk 2)")) << e.context;

  // On the first object of a model the fields decide the shape: none matches.
  e = load_error("[" + user(1, R"(, "spaceship": 1)") + "]");
  EXPECT_TRUE(has(e.message, "do not match table users")) << e.message;
  EXPECT_TRUE(has(e.message, "not columns: spaceship")) << e.message;
}

TEST(DumpDataErrors, ListWhereAScalarBelongs) {
  std::string json = "[" + org_before(1) + R"(, {"model": "crmApp.vendor", "pk": 1, "fields": {"organization": ["Org"],
      "name": "V", "email": "", "phone": "", "contact_person": "", "created_at": "2024-02-02T03:21:24Z",
      "address": "", "city": "", "state": "", "zip_code": "", "country": ""}}])";
  Error e = load_error(json);
  EXPECT_TRUE(has(e.message, "field 'organization' of crmApp.vendor: expected an integer, got a list")) << e.message;
  EXPECT_TRUE(has(e.message, "natural keys")) << e.message;
  EXPECT_TRUE(has(e.context, "byte offset " + std::to_string(json.find("\"organization\": [")))) << e.context;

  e = load_error("[" + user(1, R"(, "groups": [["staff"]])") + "]");
  EXPECT_TRUE(has(e.message, "list of lists")) << e.message;
  e = load_error("[" + user(1, R"(, "groups": 3)") + "]");
  EXPECT_TRUE(has(e.message, "expected a list of pks")) << e.message;
  e = load_error("[" + user(1, R"(, "first_name": {"a": 1})") + "]");
  EXPECT_TRUE(has(e.message, "field 'first_name' holds an object")) << e.message;
}

TEST(DumpDataErrors, BadValuesSayWhatWasExpected) {
  Error e = load_error("[" + org_before(1, "2023-02-30T10:00:00Z") + "]");
  EXPECT_TRUE(has(e.message, "field 'created_at' of crmApp.organization: expected a datetime")) << e.message;
  EXPECT_TRUE(has(e.message, "\"2023-02-30T10:00:00Z\" (no such date)")) << e.message;
  e = load_error("[" + user(1, R"(, "is_staff": "yes")") + "]");
  EXPECT_TRUE(has(e.message, "expected true or false")) << e.message;
  e = load_error("[" + org_before(1) + "," + deal(1, "\"EUR\"", "\"12,50\"") + "]");
  EXPECT_TRUE(has(e.message, "expected a decimal number")) << e.message;
  e = load_error("[" + org_before(1) + "," + deal(1, "true") + "]");
  EXPECT_TRUE(has(e.message, "field 'currency' of crmApp.deal: expected a string, got true")) << e.message;
  // A NOT NULL column left NULL, and a pk given twice, fail where SQLite refuses them.
  e = load_error("[" + org_before(1) + "," + deal(1, "null") + "]");
  EXPECT_TRUE(has(e.message, "crmApp.deal pk 1 cannot be stored in deals: NOT NULL constraint failed: deals.currency"))
      << e.message;
  e = load_error("[" + user(1) + ",\n" + user(1) + "]");
  EXPECT_TRUE(has(e.message, "UNIQUE constraint failed")) << e.message;
  EXPECT_TRUE(has(e.context, "line 2")) << e.context;
  EXPECT_TRUE(has(e.context, "object index 1 (model crmApp.user, pk 1)")) << e.context;
}

TEST(DumpDataErrors, RowsRefusedInsideABatchNameTheirObject) {
  // Rows reach SQLite in batches; the refused row is still named exactly.
  std::string json = "[";
  for (int pk = 1; pk <= 40; ++pk) {
    std::string u = user(pk);
    if (pk == 20) u.replace(u.find("\"u20\""), 5, "\"u5\"");  // username taken by pk 5
    json += (pk > 1 ? ",\n" : "") + u;
  }
  Error e = load_error(json + "]");
  EXPECT_TRUE(has(e.message, "crmApp.user pk 20 cannot be stored in users: UNIQUE constraint failed: users.username"))
      << e.message;
  EXPECT_TRUE(has(e.context, "line 20, column 1)")) << e.context;
  EXPECT_TRUE(has(e.context, "object index 19 (model crmApp.user, pk 20)")) << e.context;

  // A refused row waiting in a batch comes before a later syntax error: it is reported.
  e = load_error("[" + user(1) + ",\n" + user(1) + ",\n" + user(3) + ",\n" + user(4, R"(, "is_staff": nope)") + "]");
  EXPECT_TRUE(has(e.message, "UNIQUE constraint failed")) << e.message;
  EXPECT_TRUE(has(e.context, "object index 1 (model crmApp.user, pk 1)")) << e.context;

  // Junction rows too.
  e = load_error("[" + user(7, R"(, "groups": [2, 2])") + "]");
  EXPECT_TRUE(has(e.message, "crmApp.user pk 7: groups 2 cannot be stored in users_groups: UNIQUE constraint failed"))
      << e.message;
}

TEST(DumpDataErrors, MixedShapesAreRefused) {
  std::string after_employee = R"({"model": "crmApp.employee", "pk": 1, "fields": {"organization": 1,
      "employee_code": "E1", "department": "", "job_title": "", "hire_date": null, "salary": null,
      "status": "active", "emergency_contact_name": "", "emergency_contact_phone": "",
      "created_at": "2023-01-12T18:24:26Z", "user": 1}})";
  Error e = load_error("[" + org_before(1) + "," + after_employee + "]");
  EXPECT_TRUE(has(e.message, "crmApp.employee has the after shape")) << e.message;
  EXPECT_TRUE(has(e.message, "crmApp.organization had the before shape")) << e.message;
}

TEST(DumpDataErrors, InvalidUtf8IsRefusedWithItsOffset) {
  std::string json = "[" + user(1, "", "Jo\xff") + "]";
  Error e = load_error(json);
  EXPECT_TRUE(has(e.message, "invalid UTF-8")) << e.message;
  EXPECT_TRUE(has(e.context, "byte offset " + std::to_string(json.find('\xff')))) << e.context;
  EXPECT_TRUE(has(e.context, "object index 0")) << e.context;
  // The message stays printable ASCII.
  EXPECT_EQ(e.message.find('\xff'), std::string::npos);

  // An escaped lone surrogate is not UTF-8 either.
  e = load_error("[" + user(1, "", R"(\ud83d!)") + "]");
  EXPECT_TRUE(has(e.message, "surrogate")) << e.message;
}

TEST(DumpDataErrors, NulBytesAreRefusedNotTakenAsTheEnd) {
  // nlohmann's lexer reads a NUL as the end of the input: what follows would be lost.
  std::string json = "[" + user(1) + "]";
  std::size_t at = json.size();
  Error e = load_error(json + std::string(1, '\0') + ", garbage");
  EXPECT_TRUE(has(e.message, "NUL byte")) << e.message;
  EXPECT_TRUE(has(e.context, "byte offset " + std::to_string(at))) << e.context;
  json = "[" + user(1) + ",\n";
  e = load_error(json + std::string(1, '\0') + user(2) + "]");
  EXPECT_TRUE(has(e.message, "NUL byte")) << e.message;
  EXPECT_TRUE(has(e.context, "byte offset " + std::to_string(json.size()) + " (line 2, column 1)")) << e.context;
}

TEST(DumpDataErrors, TruncatedFilesSaySo) {
  auto bytes = read_file(test::fixture("crm-small/before.json"));
  ASSERT_TRUE(bytes.ok());
  std::string full(bytes->begin(), bytes->end());
  for (std::size_t cut : {full.size() / 2, full.size() - 3, std::size_t{1}, full.find("\"2023-") + 5}) {
    std::string part = full.substr(0, cut);
    Error e = load_error(part);
    EXPECT_TRUE(has(e.message, "truncated")) << cut << ": " << e.message;
    EXPECT_TRUE(has(e.context, "byte offset " + std::to_string(cut))) << e.context;
  }
  Error e = load_error(full + "]");
  EXPECT_TRUE(has(e.message, "JSON syntax error")) << e.message;
}

TEST(DumpDataErrors, LoadSnapshotReportsTheFileName) {
  std::string json = "[" + org_before(1) + "," + R"({"model": "crmApp.spaceship", "pk": 9, "fields": {}})" + "]";
  auto r = load_snapshot(bytes_of(json), "crm.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::BadInput);
  EXPECT_TRUE(has(r.error().context, "crm.json, format: dumpdata, byte offset")) << r.error().context;
  EXPECT_TRUE(has(r.error().describe(), "crmApp.spaceship")) << r.error().describe();
}
