// The demo snapshot generator: a synthetic but realistic CRM database in the OLD
// (before) shape, exactly the tables and DDL of crm::Shape::Before, for people who
// have no snapshot of their own (the web page's built-in demo), for benchmarks at any
// size, and for tests. It runs in the core, so it uses no threads, files, exceptions
// or clocks that change its output.
//
// Deterministic: the same options give a byte-identical database (serialize()) on
// every platform: all randomness comes from a splitmix64 stream keyed by (seed, table,
// row), never from std:: distributions or the time of day.
//
// Size: about 33 rows per employee in total. Per employee:
//   employees 1, users ~0.9 (~0.85 linked to an employee, ~0.05 users with no
//   employee, plus the admin and a service account), customers 7, vendors 1,
//   leads 5, deals 8, orders 5, payments 5; organizations max(1, employees / 50);
//   plus the fixed Django rows (15 django_migrations, 12 django_content_type,
//   48 auth_permission). 30,400 employees give about 1,000,000 rows.
//
// Text looks like real data: names in Polish, Vietnamese, Turkish, Japanese, Chinese,
// Korean, Russian, Greek, German, French, Portuguese, Yoruba (combining accents),
// Hindi and English; multi-line addresses (\n and \r\n), tabs, backslashes, quotes,
// blank and partial addresses, empty optional fields. Values are in the canonical
// form of spec §1 (datetimes 'YYYY-MM-DD HH:MM:SS', dates 'YYYY-MM-DD', decimals as
// NUMERIC, booleans 0/1).
//
// Profiles:
//  - Clean: none of the hazards of spec §3 (no username collision, no contact
//    overwrite, no placeholder e-mail, no currency tie, only upper-case 3-letter ISO
//    codes, every reference intact), but still employees without users, employees
//    and users with blank fields, blank and partial addresses.
//  - Dirty: every hazard class of spec §3, several times, at predictable rows
//    (employee ids counted from 1; with 20+ employees each class appears at least
//    once, and about employees/40 times):
//      username_collision  employees with id % 41 == 2 are unlinked and their e-mail
//                          is the username of an existing user; ids % 41 == 9 and
//                          % 41 == 10 are two unlinked employees with the same e-mail
//      placeholder_email   employees with id % 37 == 4: unlinked, e-mail ''
//      contact_overwrite   employees with id % 23 == 6: linked, and one of e-mail,
//                          phone, first or last name differs from the user's
//      dangling_reference  employees with id % 61 == 15 point at a deleted user;
//                          deals with id % 89 == 44 point at no customer
//      currency_tie        organization 2 and organizations with id % 3 == 1 (that
//                          have deals): two currencies tie for the most deals
//      nonstandard_currency deals ('' / 'usd' / 'EU' in some of each organization's
//                          deals), orders with id % 61 == 17, payments with
//                          id % 67 == 23 and the payments of those orders
//      zip_only_address    vendors with id % 19 == 7: the zip code is their only
//                          address value
//    (an employee matching two rules takes the first in the order listed).
//  In both profiles, when there are 3+ organizations the last one has no deals.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/job.hpp"
#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace redline {

// Upper bound on DemoOptions::employees: ~10M rows, ~1.5 GB of SQLite pages in memory
// (1M rows take ~145 MB).
constexpr int kMaxDemoEmployees = 300000;

struct DemoOptions {
  int employees = 200;
  std::uint64_t seed = 1;
  enum Profile { Clean, Dirty } profile = Clean;
};

const char* to_string(DemoOptions::Profile profile);  // "clean" / "dirty"
// "clean" or "dirty"; anything else is a Usage error.
Result<DemoOptions::Profile> parse_demo_profile(std::string_view text);
// employees in 1..kMaxDemoEmployees, or a Usage error naming the limit.
Status validate_demo_options(const DemoOptions& options);

// The generator as a resumable job: each step(budget_ms) inserts rows until about
// budget_ms have passed (always at least a few rows), so the web page can show
// progress and stay responsive. The indexes are built after the rows, one CREATE
// INDEX per step, and one index cannot be split: at 1M rows the largest takes about
// a quarter of a second natively. All rows go in one transaction, committed by the
// last step.
class DemoJob final : public Job {
 public:
  // Validates the options and opens the in-memory database; no rows yet.
  static Result<DemoJob> start(const DemoOptions& options);

  DemoJob(DemoJob&&) noexcept;
  DemoJob& operator=(DemoJob&&) noexcept;
  DemoJob(const DemoJob&) = delete;
  DemoJob& operator=(const DemoJob&) = delete;
  ~DemoJob();

  // step() until Done, then take_database(). cancel() drops the rows inserted so far:
  // there is no database to take.

  // The finished database (once, after Done).
  Result<sql::Database> take_database();

  // Rows per table in insertion order; complete once Done.
  const std::vector<std::pair<std::string, std::int64_t>>& table_rows() const;
  // Rows the job will insert in total (known after the first step), and so far.
  std::int64_t total_rows() const;
  std::int64_t rows_done() const;

 private:
  Result<bool> work(double budget_ms) override;
  Position position() const override;
  void abandon(const Error& why) override;
  Error cancelled() const override;
  struct Impl;
  explicit DemoJob(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Run a DemoJob to completion.
Result<sql::Database> generate_demo(const DemoOptions& options);

}  // namespace redline
