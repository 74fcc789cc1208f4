// Bad input through the real CLI. Every file of tests/data/bad/ (the directory is
// enumerated, so a file dropped there is covered without touching this test) must
// make `redline load FILE --out OUT` exit 2 (never 0, never a crash or a signal) with
// one line that names the file, the format Redline took it for and where in it the
// problem is; OUT must not appear (nor any temporary file beside it), an existing
// OUT must stay as it was, and the input must not change by a byte. The table below
// pins the format, the place and a phrase of the message for each file.
//
// The 10 MB single-line inputs are generated here rather than committed; and the
// last tests check the other side of the line: unusual but valid inputs (a WAL-mode
// database, byte order marks) still load, and a load replaces OUT atomically.
#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/io.hpp"
#include "core/sha256.hpp"
#include "core/sqlite.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;
using namespace redline;
using test::shell_quote;

namespace {

struct Expectation {
  const char* file;
  const char* format;   // as in "format: X" in the message's context
  const char* where;    // the location, as the context states it
  const char* message;  // a phrase of the message
};

// clang-format off
const Expectation kExpectations[] = {
  // ---- neither format ----
  {"empty.bin", "unknown", "byte 0", "the file is empty"},
  {"whitespace-only.txt", "unknown", "byte 10", "only blank space"},
  {"random-bytes-4k.bin", "unknown", "byte 0", "unrecognized file"},
  {"plain-text-readme.txt", "unknown", "byte 0", "found 'This is not a da...'"},
  {"json-utf16le-with-bom.json", "unknown (UTF-16 text)", "byte 0", "UTF-16 little-endian (byte order mark FF FE)"},
  {"pg-utf16le-with-bom.sql", "unknown (UTF-16 text)", "byte 0", "UTF-16 little-endian (byte order mark FF FE)"},
  {"pg-utf16be-with-bom.sql", "unknown (UTF-16 text)", "byte 0", "UTF-16 big-endian (byte order mark FE FF)"},
  {"pg-utf16le-no-bom.sql", "unknown (UTF-16 text)", "byte 0", "UTF-16 little-endian"},
  // ---- recognized, not loadable ----
  {"pg-custom-format-Fc.dump", "pg_dump custom", "byte 0 (signature PGDMP)", "pg_restore -f backup.sql"},
  {"pg-dump-gzip.sql.gz", "compressed (gzip)", "byte 0", "gzip-compressed; decompress it first"},
  {"pg-dump-zstd.sql.zst", "compressed (zstd)", "byte 0", "zstd-compressed; decompress it first"},
  {"json-dumpdata-gzip.json.gz", "compressed (gzip)", "byte 0", "gzip-compressed; decompress it first"},
  // ---- SQLite: truncated ----
  {"sqlite-truncated-in-magic-10-bytes.sqlite3", "sqlite", "byte 10 (end of file)", "ends inside the 100-byte SQLite header"},
  {"sqlite-truncated-in-header-50-bytes.sqlite3", "sqlite", "byte 50 (end of file)", "ends inside the 100-byte SQLite header"},
  {"sqlite-truncated-header-only-100-bytes.sqlite3", "sqlite", "byte 100 (end of file, inside page 1)", "not a whole number of the 1024-byte pages"},
  {"sqlite-truncated-in-first-page-700-bytes.sqlite3", "sqlite", "byte 700 (end of file, inside page 1)", "not a whole number of the 1024-byte pages"},
  {"sqlite-truncated-at-page-boundary-8-pages.sqlite3", "sqlite", "byte 8192 (end of file, where page 9 should start)", "the header says the database has 58 pages"},
  {"sqlite-truncated-mid-page-30000-bytes.sqlite3", "sqlite", "byte 30000 (end of file, inside page 30)", "it is truncated"},
  {"sqlite-truncated-last-byte-missing.sqlite3", "sqlite", "byte 59391 (end of file, inside page 58)", "it is truncated"},
  // ---- SQLite: header ----
  {"sqlite-header-wrong-page-size-4096.sqlite3", "sqlite", "byte 59392 (end of file, inside page 15)", "not a whole number of the 4096-byte pages its header declares at byte 16"},
  {"sqlite-header-invalid-page-size-1000.sqlite3", "sqlite", "byte 16 (header: page size)", "page size is 1000"},
  {"sqlite-header-page-count-1000.sqlite3", "sqlite", "byte 59392 (end of file, where page 59 should start)", "has 1000 pages (byte 28)"},
  {"sqlite-magic-then-random.sqlite3", "sqlite", "byte 16 (header: page size)", "not a SQLite page size"},
  // ---- SQLite: damaged pages ----
  {"sqlite-corrupt-page-type-django_content_type.sqlite3", "sqlite", "table django_content_type, page 4", "the SQLite file is corrupt"},
  {"sqlite-corrupt-cell-pointer-django_content_type.sqlite3", "sqlite", "table django_content_type, page 4", "Offset 65520 out of range"},
  {"sqlite-zeroed-page-users.sqlite3", "sqlite", "table users, page 11", "the SQLite file is corrupt"},
  {"sqlite-random-last-page.sqlite3", "sqlite", "table django_migrations, page 58", "the SQLite file is corrupt"},
  {"sqlite-corrupt-schema-sql.sqlite3", "sqlite", "table organizations (its sqlite_schema entry), page 1", "malformed database schema"},
  // ---- pg_dump plain SQL ----
  {"pg-copy-too-many-columns.sql", "pgdump", "line 45, byte 1153, table django_content_type", "COPY row has more than 3 field(s)"},
  {"pg-copy-too-few-columns.sql", "pgdump", "line 46, byte 1166, table django_content_type", "COPY row has 2 field(s)"},
  {"pg-copy-unterminated.sql", "pgdump", "line 48, byte 1198, table django_content_type", "unterminated COPY"},
  {"pg-copy-cut-mid-row.sql", "pgdump", "line 46, byte 1166, table django_content_type", "ends inside a data row"},
  {"pg-copy-lone-backslash.sql", "pgdump", "line 45, byte 1160, table django_content_type", "lone backslash"},
  {"pg-copy-duplicate-id.sql", "pgdump", "line 45, byte 1153, table django_content_type", "UNIQUE constraint failed"},
  {"pg-copy-into-undeclared-table.sql", "pgdump", "line 29, byte 729, table crm_notes", "never created"},
  {"pg-insert-into-undeclared-table.sql", "pgdump", "line 38, byte 945, table crm_notes", "never created"},
  {"pg-insert-unterminated-string.sql", "pgdump", "line 39, byte 1123", "ends inside a string literal"},
  {"pg-insert-too-many-values.sql", "pgdump", "line 38, byte 991, table django_content_type", "more than 3 value(s)"},
  {"pg-truncated-in-create-table.sql", "pgdump", "line 29, byte 725", "no closing ';'"},
  {"pg-unterminated-block-comment.sql", "pgdump", "line 25, byte 643", "unterminated /* comment"},
  {"pg-invalid-utf8-in-statement.sql", "pgdump", "line 29, byte 752", "invalid UTF-8 in the file (byte 0xe9)"},
  {"pg-invalid-utf8-in-copy-data.sql", "pgdump", "line 44, byte 1146, table django_content_type", "invalid UTF-8 in the file (byte 0xff)"},
  {"pg-overlong-utf8-in-copy-data.sql", "pgdump", "line 44, byte 1146, table django_content_type", "invalid UTF-8 in the file (byte 0xc0)"},
  {"pg-nul-byte-in-statement.sql", "pgdump", "line 29, byte 752", "NUL byte in the file"},
  {"pg-nul-byte-in-copy-data.sql", "pgdump", "line 44, byte 1146, table django_content_type", "NUL byte in the file"},
  {"pg-euc-jp-client-encoding.sql", "pgdump", "line 13, byte 328", "encoding EUC_JP, which Redline does not convert"},
  {"pg-win1252-unassigned-byte.sql", "pgdump", "line 44, byte 1149", "byte 0x81 is not a character in WIN1252"},
  {"pg-dumpall-two-databases.sql", "pgdump", "line 2, byte 3", "pg_dumpall of a whole PostgreSQL cluster (databases: crm (1 table), crm_test (1 table))"},
  {"pg-no-tables.sql", "pgdump", "line 29, byte 731", "no table Redline can load"},
  {"pg-utf8-bom-then-copy-too-few-columns.sql", "pgdump", "line 46, byte 1169, table django_content_type", "COPY row has 2 field(s)"},
  {"pg-utf8-bom-mid-file.sql", "pgdump", "line 78, byte 1930, table django_content_type", "created twice"},
  // ---- sqlite3 .dump text, and a -wal file alone ----
  {"sqlite-dump-truncated-before-commit.sql", "sqlite .dump text", "line 7 (end of file)", "no COMMIT at the end"},
  {"sqlite-dump-insert-too-many-values.sql", "sqlite .dump text", "line 5, table django_content_type: INSERT INTO django_content_type VALUES(2,",
   "table django_content_type has 3 columns but 4 values were supplied"},
  {"sqlite-dump-attach.sql", "sqlite .dump text", "line 3: ATTACH DATABASE", "the text runs ATTACH/DETACH"},
  {"sqlite-wal-given-alone.sqlite3-wal", "sqlite WAL", "byte 0 (WAL magic number)",
   "sqlite-wal-given-alone.sqlite3 instead, and Redline reads this -wal file beside it"},
  // ---- Django dumpdata JSON: syntax ----
  {"json-truncated-mid-object.json", "dumpdata", "byte offset 215 (line 15, column 3)", "ends in the middle of the JSON"},
  {"json-trailing-comma-in-list.json", "dumpdata", "byte offset 578 (line 34, column 1)", "JSON syntax error"},
  {"json-trailing-comma-in-object.json", "dumpdata", "byte offset 123 (line 8, column 2)", "JSON syntax error"},
  {"json-missing-colon.json", "dumpdata", "byte offset 173 (line 12, column 7)", "expected ':'"},
  {"json-missing-comma-between-objects.json", "dumpdata", "byte offset 126 (line 10, column 1)", "JSON syntax error"},
  {"json-unterminated-string.json", "dumpdata", "byte offset 508 (line 28, column 21)", "must be escaped"},
  {"json-bad-literal-tru.json", "dumpdata", "byte offset 177 (line 12, column 11)", "invalid literal"},
  {"json-single-quoted-strings.json", "dumpdata", "byte offset 311 (line 22, column 11)", "invalid literal"},
  {"json-garbage-after-list.json", "dumpdata", "byte offset 581 (line 35, column 3)", "expected end of input"},
  {"json-unbalanced-brackets.json", "dumpdata", "byte offset 125 (line 9, column 2)", "JSON syntax error"},
  {"json-raw-newline-in-string.json", "dumpdata", "byte offset 482 (line 27, column 21)", "must be escaped"},
  {"json-bad-escape.json", "dumpdata", "byte offset 483 (line 27, column 22)", "forbidden character after backslash"},
  {"json-invalid-utf8-in-string.json", "dumpdata", "byte offset 315 (line 22, column 15)", "invalid UTF-8"},
  {"json-nul-byte-in-string.json", "dumpdata", "byte offset 314 (line 22, column 14)", "NUL byte in the file"},
  {"json-nul-byte-between-tokens.json", "dumpdata", "byte offset 174 (line 12, column 8)", "NUL byte in the file"},
  // ---- Django dumpdata JSON: shape ----
  {"json-top-level-object.json", "dumpdata", "byte offset 1 (line 1, column 2)", "the line ends in the middle of the JSON"},
  {"json-list-of-numbers.json", "dumpdata", "byte offset 3 (line 1, column 4)", "object index 0 is a number"},
  {"json-object-without-model.json", "dumpdata", "byte offset 127 (line 10, column 1), object index 1", "has no \"model\""},
  {"json-object-without-fields.json", "dumpdata", "byte offset 127 (line 10, column 1), object index 1", "has no \"fields\""},
  {"json-fields-not-an-object.json", "dumpdata", "byte offset 178 (line 13, column 2), object index 1", "\"fields\" is a string, not an object"},
  {"json-list-where-scalar-belongs.json", "dumpdata", "byte offset 490 (line 28, column 3), object index 2", "a list where a single value belongs"},
  {"json-object-where-scalar-belongs.json", "dumpdata", "byte offset 490 (line 28, column 3), object index 2", "holds an object"},
  {"json-string-pk.json", "dumpdata", "byte offset 168 (line 12, column 2), object index 1", "\"pk\" is \"permission\", not an integer id"},
  {"json-model-not-a-string.json", "dumpdata", "byte offset 130 (line 11, column 2), object index 1", "\"model\" is a number"},
  {"json-model-not-a-label.json", "dumpdata", "byte offset 246 (line 19, column 2), object index 2", "\"model\" is \"invoice\", not a Django model label"},
  {"json-unknown-field.json", "dumpdata", "byte offset 243 (line 18, column 1), object index 2", "before shape: missing: website"},
  {"json-bad-datetime.json", "dumpdata", "byte offset 424 (line 26, column 3), object index 2", "no such date"},
  {"json-duplicate-pk.json", "dumpdata", "byte offset 127 (line 10, column 1), object index 1", "UNIQUE constraint failed"},
  {"json-utf8-bom-then-bad-label.json", "dumpdata", "byte offset 249 (line 19, column 2), object index 2", "not a Django model label"},
};
// clang-format on

// Files of the corpus directory that are not inputs.
const char* const kNotInputs[] = {"README.md", "make_corpus.py"};

std::string corpus_dir() { return test::test_data("bad"); }

std::vector<std::string> corpus_files() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(corpus_dir(), ec)) {
    if (!e.is_regular_file()) continue;
    std::string n = e.path().filename().string();
    if (std::find(std::begin(kNotInputs), std::end(kNotInputs), n) != std::end(kNotInputs)) continue;
    out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

const Expectation* expectation_for(const std::string& file) {
  for (const auto& x : kExpectations)
    if (file == x.file) return &x;
  return nullptr;
}

std::string file_sha256(const std::string& path) {
  auto bytes = read_file(path);
  return bytes ? sha256_hex(*bytes) : "unreadable: " + bytes.error().describe();
}

std::vector<std::string> dir_entries(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string read_text(const std::string& path) {
  auto b = read_file(path);
  return b ? std::string(b->begin(), b->end()) : std::string();
}

struct Run {
  int exit_code = -1;  // -1: did not exit normally
  std::string how;     // "exit N", "killed by signal N", "timed out"
  std::string out;     // stdout and stderr
  double seconds = 0;
};

// `redline load INPUT --out OUT`, killed if it runs for more than two minutes. Not
// test::run_cli: that one cannot tell a signal from an exit code, nor stop a hang.
Run load(const std::string& input, const std::string& out) {
  std::string cmd = "timeout -s KILL 120 " + shell_quote(REDLINE_CLI_PATH) + " load " + shell_quote(input) +
                    " --out " + shell_quote(out) + " 2>&1";
  Run r;
  auto t0 = std::chrono::steady_clock::now();
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (WIFEXITED(status)) {
    int code = WEXITSTATUS(status);
    // timeout(1) exits 128+N when the program died of signal N (137: its own KILL).
    if (code == 137) r.how = "timed out (killed after 120 s)";
    else if (code > 128) r.how = "killed by signal " + std::to_string(code - 128);
    else r.exit_code = code;
    if (r.exit_code >= 0) r.how = "exit " + std::to_string(code);
  } else {
    r.how = "did not exit normally (status " + std::to_string(status) + ")";
  }
  return r;
}

// The checks every rejected input must pass. `where` and `message` may be empty
// (a file with no expectation yet: only the general rules are checked).
void expect_rejected(const std::string& input, const std::string& format, const std::string& where,
                     const std::string& message) {
  SCOPED_TRACE(input);
  const std::string before = file_sha256(input);
  test::TempDir dir;
  const std::string out = dir.file("out.sqlite3");

  Run r = load(input, out);
  EXPECT_EQ(r.exit_code, 2) << r.how << "\n" << r.out;
  EXPECT_EQ(r.out.rfind("redline: error: ", 0), 0u) << r.out;
  ASSERT_FALSE(r.out.empty());
  EXPECT_EQ(r.out.back(), '\n') << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << "one line, please:\n" << r.out;
  EXPECT_NE(r.out.find(input), std::string::npos) << "the message must name the file:\n" << r.out;
  EXPECT_NE(r.out.find("format: " + format), std::string::npos) << "expected format: " << format << "\n" << r.out;
  if (!where.empty()) {
    // The place, as the last part of the context: followed by ')' or by more detail.
    EXPECT_NE(r.out.find(where), std::string::npos) << "expected the place: " << where << "\n" << r.out;
  }
  if (!message.empty()) {
    EXPECT_NE(r.out.find(message), std::string::npos) << "expected: " << message << "\n" << r.out;
  }
  EXPECT_FALSE(fs::exists(out)) << "a failed load created " << out;
  EXPECT_TRUE(dir_entries(dir.file("")).empty()) << "a failed load left files behind";

  // An existing output is left exactly as it was.
  write_bytes(out, "the previous output\n");
  Run again = load(input, out);
  EXPECT_EQ(again.exit_code, 2) << again.how << "\n" << again.out;
  EXPECT_EQ(read_text(out), "the previous output\n");
  EXPECT_EQ(dir_entries(dir.file("")), std::vector<std::string>{"out.sqlite3"});

  EXPECT_EQ(file_sha256(input), before) << "the input was modified";
}

// ---- the corpus, one test per file -------------------------------------------------

class BadInputFile : public ::testing::TestWithParam<std::string> {};

TEST_P(BadInputFile, ExitsTwoNamingTheFileItsFormatAndWhere) {
  const std::string file = GetParam();
  const Expectation* x = expectation_for(file);
  if (x) {
    expect_rejected(corpus_dir() + "/" + file, x->format, x->where, x->message);
  } else {
    ADD_FAILURE() << file << " has no entry in kExpectations (bad_input_test.cpp): add its format, place "
                  << "and message; the general rules are checked meanwhile";
    expect_rejected(corpus_dir() + "/" + file, "", "", "");
  }
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string s;
  for (char c : info.param) s += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return s;
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadInputFile, ::testing::ValuesIn(corpus_files()), test_name);

TEST(BadInputCorpus, EveryExpectationHasItsFile) {
  auto files = corpus_files();
  for (const auto& x : kExpectations)
    EXPECT_TRUE(std::find(files.begin(), files.end(), x.file) != files.end()) << x.file << " is missing";
  EXPECT_GE(files.size(), 30u);
}

TEST(BadInputCorpus, StaysSmall) {
  std::uintmax_t total = 0;
  for (const auto& f : corpus_files()) total += fs::file_size(corpus_dir() + "/" + f);
  EXPECT_LT(total, 12u * 1024 * 1024) << "generate big inputs in the test instead of committing them";
}

// ---- big inputs, generated ---------------------------------------------------------

constexpr std::size_t kTenMb = 10u * 1024 * 1024;

std::string pg_head() {
  return "--\n-- PostgreSQL database dump\n--\n\n"
         "SET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\n\n"
         "CREATE TABLE public.django_content_type (\n    id integer NOT NULL,\n"
         "    app_label character varying(100) NOT NULL,\n    model character varying(100) NOT NULL\n);\n\n";
}

std::string line_and_byte(const std::string& text, std::size_t offset) {
  return "line " + std::to_string(1 + std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n')) +
         ", byte " + std::to_string(offset);
}

TEST(BadInputGenerated, TenMegabyteCopyRowWithAnExtraField) {
  test::TempDir dir;
  std::string text = pg_head() + "COPY public.django_content_type (id, app_label, model) FROM stdin;\n";
  const std::size_t row = text.size();
  text += "1\t" + std::string(kTenMb, 'x') + "\tmodel\textra\n\\.\n";
  const std::string path = dir.file("pg-10mb-copy-row.sql");
  write_bytes(path, text);
  expect_rejected(path, "pgdump", line_and_byte(text, row) + ", table django_content_type",
                  "COPY row has more than 3 field(s)");
}

TEST(BadInputGenerated, TenMegabyteUnterminatedStringOnOneLine) {
  test::TempDir dir;
  std::string text = pg_head() + "INSERT INTO public.django_content_type VALUES (1, 'crmApp', '";
  const std::size_t quote = text.size() - 1;  // the string that never ends opens here
  text += std::string(kTenMb, 'y');
  const std::string path = dir.file("pg-10mb-unterminated-string.sql");
  write_bytes(path, text);
  expect_rejected(path, "pgdump", line_and_byte(text, quote), "ends inside a string literal");
}

TEST(BadInputGenerated, TenMegabyteJsonOnOneLine) {
  test::TempDir dir;
  std::string text = R"([{"model":"crmApp.organization","pk":1,"fields":{"name":")" + std::string(kTenMb, 'n') +
                     R"(","email":"","phone":"","website":"","created_at":"2023-02-21T21:44:10Z","address":"",)"
                     R"("city":"","state":"","postal_code":"","country":""}},{)";
  const std::size_t key = text.size();
  text += R"("model":"invoice","pk":1,"fields":{}}])";
  const std::string path = dir.file("json-10mb-one-line.json");
  write_bytes(path, text);
  expect_rejected(path, "dumpdata",
                  "byte offset " + std::to_string(key) + " (line 1, column " + std::to_string(key + 1) + "), object index 1",
                  "\"model\" is \"invoice\", not a Django model label");
}

TEST(BadInputGenerated, TenMegabytesOfNoFormatOnOneLine) {
  test::TempDir dir;
  const std::string path = dir.file("ten-mb-of-text.txt");
  write_bytes(path, std::string(kTenMb, 'z'));
  expect_rejected(path, "unknown", "byte 0", "unrecognized file");
}

// ---- the other side of the line: odd but valid inputs load ------------------------

// Load `input` expecting success; the output is written whole, nothing else is left
// beside it, and the input is unchanged.
std::string expect_loads(const std::string& input) {
  SCOPED_TRACE(input);
  const std::string before = file_sha256(input);
  test::TempDir dir;
  const std::string out = dir.file("out.sqlite3");
  write_bytes(out, "the previous output\n");
  Run r = load(input, out);
  EXPECT_EQ(r.exit_code, 0) << r.how << "\n" << r.out;
  EXPECT_EQ(dir_entries(dir.file("")), std::vector<std::string>{"out.sqlite3"});
  auto db = sql::Database::open_file(out, true);
  EXPECT_TRUE(db.ok());
  if (db.ok()) {
    EXPECT_EQ(db->query_int("SELECT count(*) FROM users")->value_or(-1), 161) << r.out;
  }
  EXPECT_EQ(file_sha256(input), before) << "the input was modified";
  return r.out;
}

TEST(BadInputNeighbours, WalModeDatabaseLoads) {
  test::TempDir dir;
  auto bytes = read_file(test::fixture("crm-small/before.sqlite3"));
  ASSERT_TRUE(bytes.ok());
  (*bytes)[18] = (*bytes)[19] = 2;  // what journal_mode=WAL leaves in the header
  const std::string path = dir.file("wal-mode.sqlite3");
  write_bytes(path, std::string(bytes->begin(), bytes->end()));
  std::string out = expect_loads(path);
  EXPECT_NE(out.find("WAL mode"), std::string::npos) << out;
}

TEST(BadInputNeighbours, ByteOrderMarkedDumpsLoad) {
  test::TempDir dir;
  for (const char* f : {"crm-small/before.pg.sql", "crm-small/before.json"}) {
    auto bytes = read_file(test::fixture(f));
    ASSERT_TRUE(bytes.ok());
    const std::string path = dir.file(std::string("bom-") + fs::path(f).filename().string());
    write_bytes(path, "\xEF\xBB\xBF" + std::string(bytes->begin(), bytes->end()));
    expect_loads(path);
  }
}

TEST(BadInputNeighbours, FixturesLoadWithoutBeingModified) {
  for (const char* f : {"crm-small/before.sqlite3", "crm-small/before.pg.sql", "crm-small/before.json"})
    expect_loads(test::fixture(f));
}

}  // namespace
