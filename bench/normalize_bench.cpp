// Benchmark (not a test): how long the normalization takes on crm-dirty scaled up to
// about 100k and 1M rows, against the floor measured in the same run: one plain
// `INSERT INTO copy.t SELECT * FROM t` of every table into a fresh in-memory
// database with the same schema. Prints both and their ratio.
//
//   redline_bench_normalize [FIXTURE.sqlite3] [--sizes 100000,1000000] [--repeat 3] [--profile] [--save PREFIX]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "core/migrate/hazards.hpp"
#include "core/io.hpp"
#include "core/migrate/normalize.hpp"
#include "core/load/snapshot.hpp"
#include "core/sqlite.hpp"

using namespace redline;
using namespace redline::bench;

namespace {

// Process CPU time: steadier than wall time on a shared machine, and everything here
// runs on this one thread.
double cpu_ms() { return 1000.0 * static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

std::vector<std::string> column_names(sql::Database& db, const std::string& table) {
  auto st = must(db.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid"), "columns");
  must(st.bind_text(1, table), "bind");
  std::vector<std::string> out;
  while (must(st.step(), "columns") == sql::StepResult::Row) out.push_back(st.column_text(0));
  return out;
}

std::int64_t total_rows(sql::Database& db) {
  std::int64_t n = 0;
  for (const auto& [t, c] : must(table_row_counts(db), "count")) n += c;
  return n;
}

// crm-dirty copied `factor` times: copy k's ids are id + k * max(id) of its table, its
// foreign keys shifted the same way, usernames and employee emails prefixed with
// "k." so each copy has exactly the original's collisions, ties and conflicts.
std::vector<std::uint8_t> scaled(const std::vector<std::uint8_t>& base, int factor) {
  auto db = must(sql::Database::deserialize(base, "crm-dirty"), "open fixture");
  if (factor <= 1) return must(db.serialize(), "serialize");
  const char* tables[] = {"organizations", "users", "customers", "vendors", "leads",
                          "employees",     "orders", "deals",    "payments"};
  std::map<std::string, std::int64_t> max_id;
  for (const char* t : tables)
    max_id[t] = must(db.query_int(std::string("SELECT max(id) FROM ") + t), "max id").value_or(0);
  const std::map<std::string, std::string> fk = {{"organization_id", "organizations"},
                                                 {"customer_id", "customers"},
                                                 {"order_id", "orders"},
                                                 {"user_id", "users"}};
  must(db.exec("ATTACH ':memory:' AS src"), "attach");
  must(db.exec("BEGIN"), "begin");
  for (const char* t : tables) {
    must(db.exec(std::string("CREATE TABLE src.") + t + " AS SELECT * FROM main." + t), "copy");
    std::string cols, exprs;
    for (const auto& c : column_names(db, t)) {
      cols += (cols.empty() ? "" : ", ") + sql::quote_ident(c);
      std::string e = "s." + sql::quote_ident(c);
      if (c == "id") e = "s.id + k.n * " + std::to_string(max_id[t]);
      else if (fk.count(c)) e = "s." + c + " + k.n * " + std::to_string(max_id[fk.at(c)]);
      else if (std::string(t) == "users" && c == "username") e = "k.n || '.' || s.username";
      else if (std::string(t) == "employees" && c == "email")
        e = "CASE WHEN s.email <> '' THEN k.n || '.' || s.email ELSE '' END";
      else if (std::string(t) == "orders" && c == "order_number") e = "s.order_number || '-' || k.n";
      exprs += (exprs.empty() ? "" : ", ") + e;
    }
    must(db.exec(std::string("WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < ") +
                 std::to_string(factor - 1) + ") INSERT INTO main." + t + " (" + cols + ") SELECT " + exprs +
                 " FROM k, src." + t + " AS s ORDER BY k.n, s.id"),
         std::string("scale ") + t);
  }
  must(db.exec("COMMIT"), "commit");
  must(db.exec("DETACH src"), "detach");
  return must(db.serialize(), "serialize");
}

// The floor: every table copied once by a plain INSERT ... SELECT * into a fresh
// in-memory database holding the same schema (tables and indexes).
struct Timing {
  double wall = 0;
  double cpu = 0;
};

Timing floor_ms(const std::vector<std::uint8_t>& image) {
  auto db = must(sql::Database::deserialize(image, "scaled"), "open");
  must(db.exec("ATTACH ':memory:' AS copy"), "attach");
  std::vector<std::string> tables;
  {
    auto st = must(db.prepare("SELECT type, name, sql FROM main.sqlite_schema WHERE sql IS NOT NULL "
                              "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type DESC, rowid"),
                   "schema");
    std::vector<std::pair<std::string, std::string>> ddl;
    while (must(st.step(), "schema") == sql::StepResult::Row) {
      std::string type = st.column_text(0), name = st.column_text(1), sql = st.column_text(2);
      // Put the object into `copy`: "CREATE TABLE x" -> "CREATE TABLE copy.x", same for indexes.
      std::string head = type == "table" ? "CREATE TABLE " : sql.rfind("CREATE UNIQUE INDEX ", 0) == 0
                                                                 ? "CREATE UNIQUE INDEX "
                                                                 : "CREATE INDEX ";
      if (sql.rfind(head, 0) != 0) continue;
      ddl.emplace_back(type, head + "copy." + sql.substr(head.size()));
      if (type == "table") tables.push_back(name);
    }
    st = sql::Statement();
    for (const auto& [type, sql] : ddl) must(db.exec(sql), "create copy");
  }
  auto t0 = Clock::now();
  double c0 = cpu_ms();
  must(db.exec("BEGIN"), "begin");
  for (const auto& t : tables)
    must(db.exec("INSERT INTO copy." + sql::quote_ident(t) + " SELECT * FROM main." + sql::quote_ident(t)), "copy");
  must(db.exec("COMMIT"), "commit");
  return Timing{ms_since(t0), cpu_ms() - c0};
}

struct Run {
  Timing total;
  std::map<std::string, double> steps;
};

Run normalize_ms(const std::vector<std::uint8_t>& image) {
  auto db = must(sql::Database::deserialize(image, "scaled"), "open");
  NormalizeOptions o;
  o.now = "2026-01-01 00:00:00";
  auto t0 = Clock::now();
  double c0 = cpu_ms();
  Report r = normalize(db, o);
  Run run;
  run.total = Timing{ms_since(t0), cpu_ms() - c0};
  if (r.error) die("normalize", *r.error);
  for (const auto& s : r.steps) run.steps[s.id] = s.ms;
  return run;
}

// Where the time goes: the preflight alone, then each statement of a run (timed from
// the previous statement's end, so a step's own work between statements counts too).
void profile(const std::vector<std::uint8_t>& image) {
  {
    auto db = must(sql::Database::deserialize(image, "scaled"), "open");
    double c0 = cpu_ms();
    auto h = must(find_hazards(db, NormalizeOptions{}), "hazards");
    std::printf("  preflight (find_hazards): %.1f ms cpu, %zu hazards\n", cpu_ms() - c0, h.size());
    // The same as a job, a slice per call: where its time goes, and its longest slice.
    HazardJob job(db, NormalizeOptions{});
    std::map<std::string, double> per_phase;
    double longest = 0;
    Progress p;
    do {
      double u0 = cpu_ms();
      p = job.step(0);
      double ms = cpu_ms() - u0;
      per_phase[p.phase] += ms;
      longest = std::max(longest, ms);
    } while (p.state == JobState::More);
    for (const auto& [phase, ms] : per_phase) std::printf("    preflight %-60s %8.1f ms cpu\n", phase.c_str(), ms);
    std::printf("    preflight's longest slice: %.1f ms cpu\n", longest);
  }
  auto db = must(sql::Database::deserialize(image, "scaled"), "open");
  NormalizeOptions o;
  o.now = "2026-01-01 00:00:00";
  NormalizeJob job(db, o);
  std::vector<std::pair<double, std::string>> stmts;
  double last = cpu_ms();
  job.set_statement_hook([&](std::string_view step, std::size_t, std::string_view sql) -> Status {
    stmts.emplace_back(cpu_ms() - last, std::string(step) + ": " + std::string(sql.substr(0, 110)));
    last = cpu_ms();
    return ok_status();
  });
  double c0 = cpu_ms();
  Progress p = job.step(0);  // the first slice of the preflight
  std::printf("  job's first slice: %.1f ms cpu\n", cpu_ms() - c0);
  std::map<std::string, double> per_step;
  while (p.state == JobState::More) {
    double u0 = cpu_ms();
    // `last` runs on across calls: a statement run in slices is timed over all of them.
    p = job.step(0);
    per_step[p.phase] += cpu_ms() - u0;  // a slice of the unit this call ended in
  }
  for (const auto& [phase, ms] : per_step) std::printf("  %-80s %8.1f ms cpu\n", phase.c_str(), ms);
  std::sort(stmts.rbegin(), stmts.rend());
  for (std::size_t k = 0; k < 30 && k < stmts.size(); ++k) {
    std::string s = stmts[k].second;
    for (auto& c : s)
      if (c == '\n') c = ' ';
    std::printf("  %8.1f ms cpu  %s\n", stmts[k].first, s.c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string fixture = std::string(REDLINE_FIXTURES_DIR) + "/crm-dirty/before.sqlite3";
  std::vector<std::int64_t> sizes = {100000, 1000000};
  int repeat = 3;
  bool want_profile = false;
  std::string save_prefix;  // --save PREFIX: write each scaled snapshot to PREFIX<rows>.sqlite3
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--sizes" && i + 1 < argc) {
      sizes.clear();
      std::string s = argv[++i];
      for (std::size_t at = 0; at < s.size();) {
        std::size_t end = s.find(',', at);
        sizes.push_back(std::atoll(s.substr(at, end - at).c_str()));
        at = end == std::string::npos ? s.size() : end + 1;
      }
    } else if (a == "--save" && i + 1 < argc) {
      save_prefix = argv[++i];
    } else if (a == "--profile") {
      want_profile = true;
    } else if (a == "--repeat" && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else {
      fixture = a;
    }
  }

  auto base = must(read_file(fixture), "read " + fixture);
  std::int64_t base_rows = 0;
  {
    auto db = must(sql::Database::deserialize(base, fixture), "open fixture");
    base_rows = total_rows(db);
  }
  std::printf("fixture %s: %lld rows; median of %d runs\n", fixture.c_str(), static_cast<long long>(base_rows), repeat);
  std::printf("times in ms, CPU (wall in parentheses); ratio = normalize / floor\n");
  std::printf("%10s %7s %22s %22s %14s   slowest steps (wall)\n", "rows", "factor", "floor", "normalize", "ratio cpu (wall)");
  for (std::int64_t target : sizes) {
    int factor = static_cast<int>(std::max<std::int64_t>(1, (target + base_rows / 2) / base_rows));
    auto image = scaled(base, factor);
    std::int64_t rows = 0;
    {
      auto db = must(sql::Database::deserialize(image, "scaled"), "open");
      rows = total_rows(db);
    }
    if (!save_prefix.empty()) must(write_file(save_prefix + std::to_string(rows) + ".sqlite3", image), "save");
    std::vector<double> floors, norms, floors_cpu, norms_cpu;
    std::map<std::string, std::vector<double>> steps;
    for (int k = 0; k < repeat; ++k) {
      Timing fl = floor_ms(image);
      floors.push_back(fl.wall);
      floors_cpu.push_back(fl.cpu);
      Run r = normalize_ms(image);
      norms.push_back(r.total.wall);
      norms_cpu.push_back(r.total.cpu);
      for (const auto& [id, ms] : r.steps) steps[id].push_back(ms);
    }
    double f = median(floors), n = median(norms), fc = median(floors_cpu), nc = median(norms_cpu);
    std::vector<std::pair<double, std::string>> by_time;
    for (auto& [id, v] : steps) by_time.emplace_back(median(v), id);
    std::sort(by_time.rbegin(), by_time.rend());
    std::string slowest;
    for (std::size_t k = 0; k < 4 && k < by_time.size(); ++k) {
      char buf[48];
      std::snprintf(buf, sizeof buf, "%s%s %.0f", k ? ", " : "", by_time[k].second.c_str(), by_time[k].first);
      slowest += buf;
    }
    std::printf("%10lld %7d %10.1f (%9.1f) %10.1f (%9.1f) %6.2f (%5.2f)   %s\n", static_cast<long long>(rows), factor,
                fc, f, nc, n, nc / fc, n / f, slowest.c_str());
    std::fflush(stdout);
    if (want_profile) profile(image);
  }
  return 0;
}
