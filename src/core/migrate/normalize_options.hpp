// The options of a normalization run (spec §3: resolutions are options of the run,
// saved in the report): how to resolve username collisions, contact overwrites and
// zip-only vendors, the run's timestamp, strict mode. Loaded from and saved to JSON.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.hpp"

namespace redline {

// What to do when a user created in M1 would take a username that is taken.
enum class CollisionResolution {
  Suffix,  // username + "-<employee id>" (default)
  Link,    // link the employee to the user that has the username
  Stop,    // refuse to run
};

// What M1 does when an employee's value would replace a different user value.
enum class OverwriteResolution {
  EmployeeWins,  // the guide: every non-empty employee value replaces the user's (default)
  UserWins,      // existing users are left as they are
  FillBlanks,    // only the user's empty values are filled from the employee
};

// What M2 does with a vendor whose only address value is zip_code (hazard
// zip_only_address): the guide's test for address data does not read zip_code.
enum class ZipOnlyResolution {
  Guide,  // the guide: no address, the zip code is lost (default; what Django does)
  Keep,   // create its address, postal_code = zip_code
};

const char* to_string(CollisionResolution r);
const char* to_string(OverwriteResolution r);
const char* to_string(ZipOnlyResolution r);

struct NormalizeOptions {
  CollisionResolution username_collision = CollisionResolution::Suffix;
  OverwriteResolution contact_overwrite = OverwriteResolution::EmployeeWins;
  ZipOnlyResolution zip_only_address = ZipOnlyResolution::Guide;
  // The run's timestamp (users.date_joined of created users, django_migrations.applied),
  // 'YYYY-MM-DD HH:MM:SS[.ffffff]' UTC. Empty: the current time when the job starts.
  std::string now;
  // Refuse to finish (roll back, exit 1) when a blocker or a failed check remains.
  bool strict = false;
  // Write each step's duration into the report. Off, two runs with the same input,
  // options and `now` give byte-identical reports.
  bool record_timings = true;
};

// Parse options JSON (an object; every key optional, unknown keys are an error so a
// typo cannot silently fall back to a default). `name` is used in messages.
Result<NormalizeOptions> options_from_json(std::string_view text, const std::string& name);
Result<NormalizeOptions> options_from_json(const nlohmann::json& j, const std::string& name);
nlohmann::ordered_json options_to_json(const NormalizeOptions& o);

// 'YYYY-MM-DD HH:MM:SS' or 'YYYY-MM-DD HH:MM:SS.ffffff' (the form Django stores on SQLite).
bool is_valid_timestamp(std::string_view ts);
// The current UTC time in that form (microseconds omitted when zero, as Django does).
std::string current_utc_timestamp();

}  // namespace redline
