// The step table (see steps.hpp).
#include "core/migrate/steps.hpp"

#include "core/migrate/pg_script.hpp"

namespace redline {

const char* to_string(StepPhase p) {
  switch (p) {
    case StepPhase::Expand: return "expand";
    case StepPhase::Migrate: return "migrate";
    case StepPhase::Contract: return "contract";
    case StepPhase::Index: return "index";
    case StepPhase::Bookkeeping: return "bookkeeping";
  }
  return "?";
}

const std::vector<StepDef>& normalization_steps() {
  static const std::vector<StepDef> steps = {
      {"E1", StepPhase::Expand, "Create addresses and addressables", "two new, empty tables with their keys and indexes",
       "addresses and addressables exist", pg::step_e1},
      {"E2", StepPhase::Expand, "Add organizations.default_currency", "a new nullable column",
       "organizations.default_currency exists", pg::step_e2},
      {"E3", StepPhase::Expand, "Make deals, orders and payments currency nullable", "NOT NULL dropped, no value changes",
       "deals, orders and payments currency are nullable", pg::step_e3},
      {"M1", StepPhase::Migrate, "Move employee contact data to users; create missing users",
       "users' contact values replaced (old values kept as pre-images), users created, employees.user_id set", "",
       pg::step_m1},
      {"M2", StepPhase::Migrate, "Move address columns to addresses and addressables",
       "one address and one addressable per row with address data", "", pg::step_m2},
      {"M3", StepPhase::Migrate, "Set each organization's default currency from its deals",
       "organizations.default_currency filled where NULL", "every organization has a default currency", pg::step_m3},
      {"C1", StepPhase::Contract, "Drop contact and address columns from employees",
       "columns dropped (their values kept as pre-images)", "employees has none of the dropped columns", pg::step_c1},
      {"C2", StepPhase::Contract, "Drop address columns from organizations, customers, vendors, leads",
       "columns dropped (their values kept as pre-images)",
       "organizations, customers, vendors and leads have no address columns", pg::step_c2},
      {"C3", StepPhase::Contract, "Make employees.user_id NOT NULL", "NOT NULL added, no value changes",
       "employees.user_id is NOT NULL", pg::step_c3},
      {"I1", StepPhase::Index, "Create the indexes of the guide's phase 6.3", "three indexes",
       "the three indexes exist", pg::step_i1},
      {"P1", StepPhase::Bookkeeping,
       "Record the migrations; register the new models' content types and permissions",
       "django_migrations rows 0002-0005, content types and default permissions",
       "the migrations are recorded and the content types exist", pg::step_p1},
  };
  return steps;
}

const StepDef* find_step(std::string_view id) {
  for (const auto& s : normalization_steps())
    if (id == s.id) return &s;
  return nullptr;
}

}  // namespace redline
