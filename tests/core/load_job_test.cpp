// LoadJob (the page's sliced load) against load_snapshot (the CLI's, in one call):
// the same database bytes, row counts and summary for every fixture in every
// format (and JSON Lines), however small the slices; the same error, message and
// context, for every file of the bad-input corpus; and the size check of issue #7.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "core/demo/demo.hpp"
#include "core/load/load_job.hpp"
#include "core/load/snapshot.hpp"
#include "core/review/export.hpp"
#include "test_util.hpp"

namespace redline {
namespace {

using test::fixture;
using test::test_data;

std::vector<std::uint8_t> read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// Runs the job to its end with `budget_ms` slices; counts the slices.
Result<Snapshot> run_job(const std::vector<std::uint8_t>& bytes, const std::string& name, double budget_ms,
                         int* slices = nullptr) {
  LoadJob job(bytes, name);
  int n = 0;
  for (;;) {
    Progress p = job.step(budget_ms);
    ++n;
    EXPECT_GE(p.fraction, 0.0);
    EXPECT_LE(p.fraction, 1.0);
    EXPECT_LE(job.bytes_consumed(), job.bytes_total());
    if (p.state != JobState::More) break;
  }
  if (slices) *slices = n;
  std::vector<std::uint8_t> back = job.take_bytes();
  auto snap = job.take_snapshot();
  // A SQLite file's bytes stay in its database (read-only), the others come back.
  const std::vector<std::uint8_t>* held = snap ? snap->db.held_image() : nullptr;
  EXPECT_EQ(held ? *held : back, bytes) << "the user's bytes come back unmodified";
  if (held) {
    EXPECT_TRUE(back.empty());
  }
  return snap;
}

class LoadJobFixtures : public ::testing::TestWithParam<std::string> {};

TEST_P(LoadJobFixtures, SameDatabaseAndSummaryAsTheBlockingLoader) {
  const std::string path = fixture(GetParam());
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "fixture missing: " << path;
  auto bytes = read_bytes(path);
  auto blocking = load_snapshot(bytes, GetParam());
  ASSERT_TRUE(blocking) << blocking.error().describe();
  auto want = blocking->db.serialize();
  ASSERT_TRUE(want);
  for (double budget : {0.05, 2.0, 1e6}) {
    int slices = 0;
    auto sliced = run_job(bytes, GetParam(), budget, &slices);
    ASSERT_TRUE(sliced) << sliced.error().describe();
    auto got = sliced->db.serialize();
    ASSERT_TRUE(got);
    EXPECT_TRUE(*got == *want) << GetParam() << ": database bytes differ with " << budget << " ms slices";
    EXPECT_EQ(sliced->summary.tables, blocking->summary.tables);
    EXPECT_EQ(sliced->summary.warnings, blocking->summary.warnings);
    EXPECT_EQ(sliced->summary.skipped, blocking->summary.skipped);
    EXPECT_EQ(sliced->summary.format, blocking->summary.format);
    EXPECT_EQ(sliced->summary.kind, blocking->summary.kind);
    EXPECT_EQ(sliced->summary.recognition, blocking->summary.recognition);
    EXPECT_EQ(sliced->summary.bytes, bytes.size());
    if (budget < 0.1) {
      EXPECT_GT(slices, 3) << GetParam() << " was not cut into slices";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, LoadJobFixtures,
                         ::testing::Values("crm-small/before.sqlite3", "crm-small/before.pg.sql",
                                           "crm-small/before.json", "crm-small/after.sqlite3",
                                           "crm-small/after.pg.sql", "crm-small/after.json",
                                           "crm-dirty/before.sqlite3", "crm-dirty/before.pg.sql",
                                           "crm-dirty/before.json"));

// The variants a real PostgreSQL 15 gives (tests/pg/make_dumps.sh): converted
// encodings, the CRM in another schema, index syntax skipped, the project's own
// tables, and the refused pg_dumpall, sliced as blocking. Progress never passes the
// file's size, though a converted dump is longer than its file.
TEST(LoadJob, RealServerVariantsLoadAsBlocking) {
  const char* dir = std::getenv("REDLINE_PG_DUMPS_DIR");
  if (!dir || !*dir) {
    const char* require = std::getenv("REDLINE_REQUIRE_PG");
    if (require && std::string(require) == "1") FAIL() << "REDLINE_REQUIRE_PG=1 but REDLINE_PG_DUMPS_DIR is not set";
    GTEST_SKIP() << "REDLINE_PG_DUMPS_DIR is not set: run tests/pg/make_dumps.sh OUTDIR and point it there";
  }
  for (const char* f : {"latin1.sql", "win1252.sql", "schema-crm-public-other.sql", "extras-indexes.sql",
                        "own-column-inserts.sql", "dumpall.sql"}) {
    SCOPED_TRACE(f);
    const std::string path = std::string(dir) + "/" + f;
    ASSERT_TRUE(std::filesystem::exists(path)) << path << " is missing: rerun tests/pg/make_dumps.sh";
    auto bytes = read_bytes(path);
    auto blocking = load_snapshot(bytes, f);
    for (double budget : {0.05, 1e6}) {
      auto sliced = run_job(bytes, f, budget);
      ASSERT_EQ(bool(sliced), bool(blocking));
      if (!blocking) {
        EXPECT_EQ(sliced.error().message, blocking.error().message);
        EXPECT_EQ(sliced.error().context, blocking.error().context);
        continue;
      }
      auto got = sliced->db.serialize();
      auto want = blocking->db.serialize();
      ASSERT_TRUE(got && want);
      EXPECT_TRUE(*got == *want) << "database bytes differ with " << budget << " ms slices";
      EXPECT_EQ(sliced->summary.tables, blocking->summary.tables);
      EXPECT_EQ(sliced->summary.warnings, blocking->summary.warnings);
    }
  }
}

// The real Django dumpdata variants (tests/data/dumpdata): natural keys resolved,
// content types created, other apps and columns inferred, JSON Lines, and the
// refusals of XML, YAML and --natural-primary: the same database or the same error.
TEST(LoadJob, DumpDataVariantsGiveTheSameDatabaseOrError) {
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(test_data("dumpdata"))) {
    const std::string name = entry.path().filename().string();
    if (name == "README.md") continue;
    ++seen;
    auto bytes = read_bytes(entry.path().string());
    auto blocking = load_snapshot(bytes, name);
    for (double budget : {0.05, 1e6}) {
      auto sliced = run_job(bytes, name, budget);
      ASSERT_EQ(sliced.ok(), blocking.ok()) << name;
      if (!blocking.ok()) {
        EXPECT_EQ(sliced.error().describe(), blocking.error().describe()) << name;
        continue;
      }
      auto want = blocking->db.serialize();
      auto got = sliced->db.serialize();
      ASSERT_TRUE(want && got);
      EXPECT_TRUE(*got == *want) << name << ": database bytes differ with " << budget << " ms slices";
      EXPECT_EQ(sliced->summary.warnings, blocking->summary.warnings) << name;
      EXPECT_EQ(sliced->summary.tables, blocking->summary.tables) << name;
    }
  }
  EXPECT_GE(seen, 10);
}

// What the dumpdata loader decides at the end of the load (an inferred column of
// datetimes converted in steps of 2048 rows; one-element natural keys resolved to a
// user or a group, columns renamed) gives the same bytes however small the slices.
TEST(LoadJob, InferredDatetimesAndNaturalKeysLoadAsBlocking) {
  std::string json = R"([{"model": "auth.group", "pk": 1, "fields": {"name": "Sales", "permissions": []}})";
  for (int i = 1; i <= 5000; ++i) {
    json += R"(, {"model": "notes.note", "pk": )" + std::to_string(i) + R"(, "fields": {"written_at": "2025-03-01T09:)" +
            std::to_string(10 + i % 50) + R"(:00.)" + std::to_string(100 + i % 900) + R"(Z", "groups": [["Sales"]]}})";
  }
  json += "]";
  std::vector<std::uint8_t> bytes(json.begin(), json.end());
  auto blocking = load_snapshot(bytes, "notes.json");
  ASSERT_TRUE(blocking) << blocking.error().describe();
  auto want = blocking->db.serialize();
  ASSERT_TRUE(want);
  auto count = [&](const std::string& q) {
    auto n = blocking->db.query_int(q);
    return n && *n ? **n : -1;
  };
  EXPECT_EQ(count("SELECT count(*) FROM notes_note WHERE written_at GLOB "
                  "'2025-03-01 09:[0-9][0-9]:00.[0-9][0-9][0-9]000'"),
            5000);
  EXPECT_EQ(count("SELECT count(*) FROM notes_note_groups WHERE group_id = 1"), 5000);
  for (double budget : {0.05, 1e6}) {
    auto sliced = run_job(bytes, "notes.json", budget);
    ASSERT_TRUE(sliced) << sliced.error().describe();
    auto got = sliced->db.serialize();
    ASSERT_TRUE(got);
    EXPECT_TRUE(*got == *want) << "database bytes differ with " << budget << " ms slices";
    EXPECT_EQ(sliced->summary.warnings, blocking->summary.warnings);
  }
}

TEST(LoadJob, JsonLinesAreSlicedByLines) {
  // crm-small/before.json as `dumpdata --format jsonl` writes it: one object a line.
  const std::string path = fixture("crm-small/before.json");
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "fixture missing: " << path;
  auto json = read_bytes(path);
  std::string text(json.begin(), json.end()), lines;
  for (const auto& o : nlohmann::json::parse(text)) lines += o.dump() + "\n";
  std::vector<std::uint8_t> bytes(lines.begin(), lines.end());
  auto blocking = load_snapshot(bytes, "before.jsonl");
  ASSERT_TRUE(blocking) << blocking.error().describe();
  auto list = load_snapshot(json, "before.json");
  ASSERT_TRUE(list);
  EXPECT_EQ(blocking->summary.tables, list->summary.tables);
  int slices = 0;
  auto sliced = run_job(bytes, "before.jsonl", 0.05, &slices);
  ASSERT_TRUE(sliced) << sliced.error().describe();
  EXPECT_TRUE(*sliced->db.serialize() == *blocking->db.serialize());
  EXPECT_GT(slices, 3);
}

TEST(LoadJob, BadInputCorpusGivesTheBlockingLoadersErrors) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(test_data("bad"))) {
    const std::string name = entry.path().filename().string();
    if (name == "README.md" || name == "make_corpus.py") continue;
    auto bytes = read_bytes(entry.path().string());
    auto blocking = load_snapshot(bytes, name);
    for (double budget : {0.05, 1e6}) {
      auto sliced = run_job(bytes, name, budget);
      ASSERT_EQ(bool(sliced), bool(blocking)) << name;
      if (blocking) continue;
      EXPECT_EQ(sliced.error().code, blocking.error().code) << name;
      EXPECT_EQ(sliced.error().message, blocking.error().message) << name;
      EXPECT_EQ(sliced.error().context, blocking.error().context) << name;
    }
    ++files;
  }
  EXPECT_GT(files, 40);
}

// Issue #13: the sliced load says itself what is wrong with a damaged dumpdata file,
// with load_snapshot()'s very error (message and context: line, byte, object), without
// loading the file a second time: the damage sits far into a file of ~40k objects
// (hundreds of the loader's batches), in each way a damaged file is damaged; the step
// that ends in the error costs about one slice, not a whole load.
TEST(LoadJob, DamageFarIntoALargeDumpdataFileGivesTheBlockingErrorInOneSlice) {
  auto db = generate_demo(DemoOptions{1200, 7, DemoOptions::Dirty});
  ASSERT_TRUE(db.ok()) << db.error().describe();
  auto text = export_snapshot(*db, ExportFormat::DumpData);
  ASSERT_TRUE(text.ok()) << text.error().describe();
  const std::string good = *text;
  ASSERT_GT(good.size(), 4u << 20);
  // An object's start ("\n{") past 70% of the file.
  const std::size_t at = good.find("\n{\"model\"", good.size() * 7 / 10) + 1;
  ASSERT_NE(at, std::string::npos);
  const std::size_t pk = good.find("\"pk\": ", at) + 6;
  struct Damage {
    const char* what;
    std::string bytes;
    bool sliced = true;  // the damage is found after many slices
  };
  const std::vector<Damage> damages = {
      {"a syntax error", good.substr(0, pk) + "x" + good.substr(pk + 1)},
      {"the file cut mid-object", good.substr(0, at + 40)},
      {"no comma between two objects", good.substr(0, at - 2) + good.substr(at - 1)},
      {"something after the list", good + "x"},
      {"a model that is not a string", good.substr(0, at + 10) + "5, \"x\": " + good.substr(at + 10)},
      {"invalid UTF-8 in a string", good.substr(0, at + 11) + "\xff" + good.substr(at + 11)},
      {"a NUL byte", good.substr(0, at + 3) + std::string(1, '\0') + good.substr(at + 3), false},
      {"an object in place of the list", "{\"a\": " + good + "}", false},
      {"a number in place of the list", "1" + good, false},
  };
  auto cpu_ms = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return 1e3 * static_cast<double>(ts.tv_sec) + 1e-6 * static_cast<double>(ts.tv_nsec);
  };
  for (const auto& d : damages) {
    std::vector<std::uint8_t> bytes(d.bytes.begin(), d.bytes.end());
    auto blocking = load_snapshot(bytes, "damaged.json");
    ASSERT_FALSE(blocking.ok()) << d.what;
    LoadJob job(bytes, "damaged.json");
    Progress p;
    double last_ms = 0;
    int steps = 0;
    do {
      const double t0 = cpu_ms();
      p = job.step(1);  // small slices: on any machine the load before the damage takes many
      last_ms = cpu_ms() - t0;
      ++steps;
    } while (p.state == JobState::More);
    ASSERT_EQ(p.state, JobState::Error) << d.what;
    EXPECT_EQ(p.error->code, blocking.error().code) << d.what;
    EXPECT_EQ(p.error->message, blocking.error().message) << d.what;
    EXPECT_EQ(p.error->context, blocking.error().context) << d.what;
    EXPECT_LT(last_ms, 200) << d.what << ": the step that found the error took " << last_ms << " ms of CPU";
    if (d.sliced) {
      EXPECT_GT(steps, 10) << d.what << ": the load before the damage was sliced";
    }
  }
}

// A SQLite file is not copied: its bytes become the database's where they are,
// read-only, and the checks run a b-tree per slice. A WAL-mode file's image (its
// header marked rollback) is the database's instead, the user's bytes come back; both
// load as the blocking loader loads them (the same warning).
TEST(LoadJob, SqliteFileIsHeldWhereItIsAndWalFilesLoadAsBlocking) {
  auto db = generate_demo(DemoOptions{1500, 3, DemoOptions::Dirty});
  ASSERT_TRUE(db) << db.error().describe();
  auto image = db->serialize();
  ASSERT_TRUE(image);
  for (bool wal : {false, true}) {
    std::vector<std::uint8_t> bytes = *image;
    if (wal) bytes[18] = bytes[19] = 2;
    std::vector<std::uint8_t> given = bytes;
    const std::uint8_t* where = given.data();
    LoadJob job(std::move(given), "big.sqlite3");
    int slices = 0;
    for (;;) {
      Progress p = job.step(0.05);
      ++slices;
      if (p.state != JobState::More) break;
      EXPECT_LE(job.bytes_consumed(), job.bytes_total());
    }
    EXPECT_GE(slices, 3) << "the checks took " << slices << " slices";
    std::vector<std::uint8_t> back = job.take_bytes();
    auto sliced = job.take_snapshot();
    ASSERT_TRUE(sliced) << sliced.error().describe();
    const std::vector<std::uint8_t>* held = sliced->db.held_image();
    ASSERT_NE(held, nullptr);
    if (wal) {
      EXPECT_EQ(back, bytes) << "the user's bytes come back unmodified";
      EXPECT_EQ(held->size(), bytes.size());
      EXPECT_EQ((*held)[18], 1) << "the image's header says rollback";
    } else {
      EXPECT_TRUE(back.empty());
      EXPECT_EQ(held->data(), where) << "the bytes were copied";
      EXPECT_EQ(*held, bytes);
    }
    EXPECT_FALSE(sliced->db.exec("CREATE TABLE t_new (a)").ok()) << "the held image is read-only";
    auto blocking = load_snapshot(bytes, "big.sqlite3");
    ASSERT_TRUE(blocking) << blocking.error().describe();
    EXPECT_EQ(sliced->summary.warnings, blocking->summary.warnings);
    EXPECT_EQ(sliced->summary.warnings.size(), wal ? 1u : 0u);
    EXPECT_EQ(sliced->summary.tables, blocking->summary.tables);
    EXPECT_TRUE(*sliced->db.serialize() == *blocking->db.serialize());
  }
}

// A damaged SQLite file gives the user's bytes back with its error, as they came.
TEST(LoadJob, DamagedSqliteFileGivesTheBytesBack) {
  auto db = generate_demo(DemoOptions{300, 3, DemoOptions::Dirty});
  ASSERT_TRUE(db) << db.error().describe();
  auto image = db->serialize();
  ASSERT_TRUE(image);
  std::vector<std::uint8_t> bytes = *image;
  // A page in the middle of the file overwritten: quick_check finds it.
  const std::size_t page = 4096, at = (bytes.size() / page / 2) * page;
  std::fill(bytes.begin() + static_cast<std::ptrdiff_t>(at), bytes.begin() + static_cast<std::ptrdiff_t>(at + page), 0x5a);
  LoadJob job(bytes, "damaged.sqlite3");
  Progress p;
  do p = job.step(0.05);
  while (p.state == JobState::More);
  ASSERT_EQ(p.state, JobState::Error);
  EXPECT_EQ(p.error->code, ErrorCode::BadInput) << p.error->describe();
  EXPECT_NE(p.error->context.find("damaged.sqlite3"), std::string::npos) << p.error->describe();
  EXPECT_EQ(job.take_bytes(), bytes) << "the user's bytes come back unmodified";
}

TEST(LoadJob, RefusesWhatCannotFitAndSaysWhatCan) {
  const std::uint64_t gb = 1ull << 30;
  EXPECT_TRUE(check_load_fits(Format::Sqlite, 100u << 20, 4 * gb, 64u << 20, "a.sqlite3"));
  auto no = check_load_fits(Format::PgDump, 3 * gb, 4 * gb, 64u << 20, "big.sql");
  ASSERT_FALSE(no);
  EXPECT_NE(no.error().message.find("too big for this browser tab"), std::string::npos) << no.error().message;
  EXPECT_NE(no.error().message.find("pgdump file of up to about"), std::string::npos) << no.error().message;
  EXPECT_NE(no.error().context.find("big.sql"), std::string::npos);
  // The largest size it names does fit; a little more does not.
  const std::uint64_t free = 4 * gb - (64u << 20);
  std::uint64_t largest = 0;
  for (std::uint64_t mb = 1; estimated_load_peak(Format::PgDump, mb << 20) <= free; ++mb) largest = mb << 20;
  EXPECT_NE(no.error().message.find("up to about " + std::to_string(largest >> 20) + " MB"), std::string::npos)
      << no.error().message;
  EXPECT_TRUE(check_load_fits(Format::PgDump, largest, 4 * gb, 64u << 20, "x"));
  EXPECT_FALSE(check_load_fits(Format::PgDump, largest + (2u << 20), 4 * gb, 64u << 20, "x"));
}

}  // namespace
}  // namespace redline
