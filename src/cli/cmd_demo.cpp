// `redline demo --employees N --seed S [--profile clean|dirty] --out FILE.sqlite3`:
// write a generated CRM snapshot in the old shape (core/demo.hpp), for trying the
// normalization, for benchmarks and for tests. The profile defaults to clean.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "cli/cli.hpp"
#include "core/io.hpp"
#include "core/demo/demo.hpp"

namespace redline::cli {

namespace {

// Decimal digits only: no sign, blanks, "0x" or exponent, which strtoull would
// accept or skip silently. False on overflow past `max`.
bool parse_unsigned(const std::string& text, std::uint64_t max, std::uint64_t& out) {
  if (text.empty() || text.size() > 20) return false;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (max - d) / 10) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

int count_of(const Args& a, const std::string& name) {
  int n = 0;
  for (const auto& [k, v] : a.options) n += k == name ? 1 : 0;
  return n;
}

}  // namespace

int cmd_demo(int argc, char** argv) {
  auto args = parse_args(argc, argv, 2, {"--employees", "--seed", "--profile", "--out"});
  if (!args) return usage_error(args.error().message);
  if (!args->positional.empty()) return usage_error("demo takes no SNAPSHOT argument (got '" + args->positional[0] + "')");
  for (const char* name : {"--employees", "--seed", "--profile", "--out"})
    if (count_of(*args, name) > 1) return usage_error(std::string(name) + " is given more than once");

  DemoOptions opt;
  if (!args->has("--employees")) return usage_error("demo needs --employees N");
  std::uint64_t employees = 0;
  if (!parse_unsigned(args->get("--employees"), static_cast<std::uint64_t>(kMaxDemoEmployees), employees) ||
      employees == 0)
    return usage_error("--employees must be an integer from 1 to " + std::to_string(kMaxDemoEmployees) + ", not '" +
                       args->get("--employees") + "'");
  opt.employees = static_cast<int>(employees);

  if (!args->has("--seed")) return usage_error("demo needs --seed S");
  if (!parse_unsigned(args->get("--seed"), UINT64_MAX, opt.seed))
    return usage_error("--seed must be an unsigned integer (0 to 18446744073709551615), not '" + args->get("--seed") + "'");

  if (args->has("--profile")) {
    auto profile = parse_demo_profile(args->get("--profile"));
    if (!profile) return usage_error("--profile must be clean or dirty, not '" + args->get("--profile") + "'");
    opt.profile = *profile;
  }

  std::string out = args->get("--out");
  if (out.empty()) return usage_error("demo needs --out FILE.sqlite3");

  using Clock = std::chrono::steady_clock;
  auto t0 = Clock::now();
  auto job = DemoJob::start(opt);
  if (!job) return fail(job.error());
  Progress p;
  do p = job->step(1e9); while (p.state == JobState::More);
  if (p.state == JobState::Error) return fail(p.error.value_or(make_error(ErrorCode::Internal, "demo generation failed")));
  auto db = job->take_database();
  if (!db) return fail(db.error());
  auto t1 = Clock::now();
  // The in-memory image written as is: the page's built-in demo serializes the very
  // same bytes, so the two are interchangeable (and so are their normalized results).
  auto image = db->serialize();
  if (!image) return fail(image.error());
  auto saved = write_file(out, *image);
  if (!saved) return fail(saved.error());
  auto t2 = Clock::now();

  auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  long long rows = 0;
  for (const auto& [t, n] : job->table_rows()) rows += n;
  std::printf("demo: %d employees, seed %llu, %s profile: %lld rows generated in %.1f ms, written in %.1f ms -> %s\n",
              opt.employees, static_cast<unsigned long long>(opt.seed), to_string(opt.profile), rows, ms(t1 - t0),
              ms(t2 - t1), out.c_str());
  for (const auto& [t, n] : job->table_rows()) std::printf("  %-20s %lld\n", t.c_str(), static_cast<long long>(n));
  return kExitOk;
}

}  // namespace redline::cli
