// Benchmark (not a test): the diff engine (core/diff.hpp) against `sqldiff
// --primarykey` (Debian's sqlite3-tools) on the same pair of ~1M-row database files,
// in the same run. The pair: a `before` with three tables (two rowid-keyed, one with
// a composite key) and an `after` with about 5% of the rows changed, added or
// removed. Each side runs --repeat times after one warm-up; the medians of wall and
// CPU time are printed with their ratio (ours / sqldiff: below 1 is faster).
//
//   redline_bench_diff [--rows N] [--repeat R] [--dir DIR] [--sqldiff PATH]
//   redline_bench_diff --pair BEFORE AFTER [--repeat R] [--sqldiff PATH]
// DIR (default: a fresh temp dir, removed afterwards) keeps before/after.sqlite3.
// --pair times the same two sides on a given pair of files instead (e.g. a snapshot
// and its normalized after), which are left as they are.
#include <sys/resource.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "core/diff/diff.hpp"
#include "core/io.hpp"
#include "core/sqlite.hpp"

using namespace redline;
using namespace redline::bench;

namespace {

double tv_ms(const timeval& tv) { return tv.tv_sec * 1000.0 + tv.tv_usec / 1000.0; }

// CPU time (user + system) of this process, or of its waited-for children.
double cpu_ms(int who) {
  rusage ru{};
  getrusage(who, &ru);
  return tv_ms(ru.ru_utime) + tv_ms(ru.ru_stime);
}

// The pair of files. All values come from arithmetic on the row number, so every
// run makes the same bytes. 60% of the rows are people, 30% orders, 10% tags.
void make_pair(const std::string& before_path, const std::string& after_path, std::int64_t rows) {
  std::filesystem::remove(before_path);
  std::filesystem::remove(after_path);
  std::int64_t people = rows * 6 / 10, orders = rows * 3 / 10, tags = rows - people - orders;
  auto db = must(sql::Database::open_file(before_path), "create " + before_path);
  must(db.exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; BEGIN;"
               "CREATE TABLE people(id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, age INTEGER,"
               " score REAL, note TEXT);"
               "CREATE TABLE orders(id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL, total NUMERIC,"
               " status TEXT NOT NULL, created TEXT NOT NULL);"
               "CREATE INDEX orders_person ON orders(person_id);"
               "CREATE TABLE tags(person_id INTEGER NOT NULL, tag TEXT NOT NULL, weight INTEGER,"
               " PRIMARY KEY(person_id, tag));"),
       "schema");
  must(db.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + std::to_string(people) +
               ") INSERT INTO people SELECT i, 'Person ' || i || ' ' || substr('ABCDEFGHIJKLMNOPQRSTUVWXYZ', i % 26 + 1, 3),"
               " 'p' || i || '@example.com', 18 + i % 60, (i * 7919 % 10000) / 100.0,"
               " CASE WHEN i % 3 = 0 THEN NULL ELSE 'note ' || (i * 31 % 997) END FROM n;"),
       "people");
  must(db.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + std::to_string(orders) +
               ") INSERT INTO orders SELECT i, 1 + i * 17 % " + std::to_string(people) +
               ", (i * 104729 % 100000) / 100.0, CASE i % 4 WHEN 0 THEN 'new' WHEN 1 THEN 'paid' WHEN 2 THEN"
               " 'shipped' ELSE 'closed' END, '2024-01-' || printf('%02d', 1 + i % 28) || ' 10:00:00' FROM n;"),
       "orders");
  must(db.exec("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < " +
               std::to_string(tags - 1) + ") INSERT INTO tags SELECT 1 + i / 4, 'tag' || (i % 4), i % 10 FROM n;"
               "COMMIT;"),
       "tags");
  db = sql::Database();

  std::filesystem::copy_file(before_path, after_path);
  auto a = must(sql::Database::open_file(after_path), "open " + after_path);
  // About 5%: 2% updated, 1.5% deleted, 1.5% inserted in each table.
  std::string np = std::to_string(people), no = std::to_string(orders);
  must(a.exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; BEGIN;"
              "UPDATE people SET email = upper(email), score = score + 1 WHERE id % 50 = 7;"
              "UPDATE people SET note = NULL WHERE id % 50 = 8;"
              "DELETE FROM people WHERE id % 67 = 3;"
              "INSERT INTO people SELECT id + " + np + ", name, email, age, score, note FROM people WHERE id % 67 = 5;"
              "UPDATE orders SET status = 'refunded' WHERE id % 50 = 11;"
              "DELETE FROM orders WHERE id % 67 = 13;"
              "INSERT INTO orders SELECT id + " + no + ", person_id, total, status, created FROM orders WHERE id % 67 = 17;"
              "UPDATE tags SET weight = weight + 100 WHERE (person_id + length(tag)) % 50 = 1;"
              "DELETE FROM tags WHERE person_id % 67 = 2 AND tag = 'tag1';"
              "INSERT INTO tags SELECT person_id, 'new' || tag, weight FROM tags WHERE person_id % 17 = 4;"
              "COMMIT;"),
       "edits");
}

struct Timing {
  double wall, cpu;
};

}  // namespace

int main(int argc, char** argv) {
  std::int64_t rows = 1000000;
  int repeat = 5;
  std::string dir, sqldiff = "/usr/bin/sqldiff", pair_before, pair_after;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "bench: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--rows") rows = std::stoll(value());
    else if (a == "--repeat") repeat = std::max(1, std::stoi(value()));
    else if (a == "--dir") dir = value();
    else if (a == "--sqldiff") sqldiff = value();
    else if (a == "--pair") {
      pair_before = value();
      pair_after = value();
    } else {
      std::fprintf(stderr, "usage: redline_bench_diff [--rows N] [--repeat R] [--dir DIR] [--sqldiff PATH]\n"
                           "       redline_bench_diff --pair BEFORE AFTER [--repeat R] [--sqldiff PATH]\n");
      return 2;
    }
  }
  if (!std::filesystem::exists(sqldiff)) {
    std::fprintf(stderr, "bench: %s not found (Debian package sqlite3-tools)\n", sqldiff.c_str());
    return 2;
  }
  const bool given = !pair_before.empty();
  if (given) dir = std::filesystem::path(pair_before).parent_path().string();
  bool temp = dir.empty();
  if (temp) {
    std::string t = (std::filesystem::temp_directory_path() / "redline-bench-diff-XXXXXX").string();
    if (!mkdtemp(t.data())) return 2;
    dir = t;
  }
  if (!given) std::filesystem::create_directories(dir);
  const std::string before = given ? pair_before : dir + "/before.sqlite3";
  const std::string after = given ? pair_after : dir + "/after.sqlite3";

  auto t0 = Clock::now();
  if (!given) make_pair(before, after, rows);
  if (given)
    std::printf("pair: %s and %s (before %.1f MB, after %.1f MB)\n", before.c_str(), after.c_str(),
                std::filesystem::file_size(before) / 1e6, std::filesystem::file_size(after) / 1e6);
  else
    std::printf("pair: %lld rows in %s (before %.1f MB, after %.1f MB), made in %.0f ms\n",
                static_cast<long long>(rows), dir.c_str(), std::filesystem::file_size(before) / 1e6,
                std::filesystem::file_size(after) / 1e6, ms_since(t0));

  // Ours: both files opened read-only, the whole diff (attach, schema, every table).
  std::size_t ours_changes = 0;
  auto run_ours = [&]() -> Timing {
    auto b = must(sql::Database::open_file(before, true), "open before");
    auto a = must(sql::Database::open_file(after, true), "open after");
    double c0 = cpu_ms(RUSAGE_SELF);
    auto w0 = Clock::now();
    auto d = must(diff::diff_databases(b, a), "diff");
    Timing t{ms_since(w0), cpu_ms(RUSAGE_SELF) - c0};
    ours_changes = 0;
    for (const auto& td : d.tables) ours_changes += td.added.size() + td.removed.size() + td.changed.size();
    return t;
  };
  // sqldiff: its whole run as a process, output thrown away.
  const std::string cmd = "'" + sqldiff + "' --primarykey '" + before + "' '" + after + "' > /dev/null";
  auto run_sqldiff = [&]() -> Timing {
    double c0 = cpu_ms(RUSAGE_CHILDREN);
    auto w0 = Clock::now();
    int st = std::system(cmd.c_str());
    Timing t{ms_since(w0), cpu_ms(RUSAGE_CHILDREN) - c0};
    if (st != 0) {
      std::fprintf(stderr, "bench: sqldiff failed (%d)\n", st);
      std::exit(2);
    }
    return t;
  };

  // Cross-check once: sqldiff's statements (one per changed row) against our count.
  {
    FILE* p = popen(("'" + sqldiff + "' --primarykey '" + before + "' '" + after + "'").c_str(), "r");
    std::size_t lines = 0;
    int c;
    while (p && (c = fgetc(p)) != EOF) lines += c == '\n';
    if (p) pclose(p);
    run_ours();
    std::printf("changes: ours %zu rows, sqldiff %zu statements%s\n", ours_changes, lines,
                ours_changes == lines ? " (agree)" : " (DIFFER)");
  }

  run_ours();  // warm-up (page cache, allocator)
  run_sqldiff();
  std::vector<double> ow, oc, sw, sc;
  for (int r = 0; r < repeat; ++r) {
    // Alternate, so a noisy neighbour on the shared machine hits both alike.
    Timing o = run_ours();
    Timing s = run_sqldiff();
    ow.push_back(o.wall);
    oc.push_back(o.cpu);
    sw.push_back(s.wall);
    sc.push_back(s.cpu);
    std::printf("  run %d: ours %.0f ms (cpu %.0f), sqldiff %.0f ms (cpu %.0f)\n", r + 1, o.wall, o.cpu, s.wall, s.cpu);
  }
  double mow = median(ow), moc = median(oc), msw = median(sw), msc = median(sc);
  std::printf("median of %d: ours %.0f ms wall / %.0f ms cpu; sqldiff --primarykey %.0f ms wall / %.0f ms cpu\n",
              repeat, mow, moc, msw, msc);
  std::printf("ratio ours/sqldiff: %.2f wall, %.2f cpu\n", mow / msw, moc / msc);

  // For reference, what the web page does: both sides already loaded as in-memory
  // images (loading not timed).
  {
    auto b = must(sql::Database::deserialize(must(read_file(before), "read"), "before"), "load before");
    auto a = must(sql::Database::deserialize(must(read_file(after), "read"), "after"), "load after");
    std::vector<double> iw;
    for (int r = 0; r < repeat; ++r) {
      auto w0 = Clock::now();
      must(diff::diff_databases(b, a), "diff images");
      iw.push_back(ms_since(w0));
    }
    std::printf("ours on in-memory images: median %.0f ms wall\n", median(iw));
  }

  if (temp) std::filesystem::remove_all(dir);
  return 0;
}
