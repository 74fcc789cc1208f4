// The normalization's steps as one table (spec §2): for each step its id, phase,
// title, what it records, when the snapshot counts as having done it, and the
// function that writes its PostgreSQL SQL for the migration script (pg_script.hpp).
// The SQLite run (normalize.cpp) takes its ids and titles from here and dispatches on
// the id, so the preview and the script cannot list different steps or drift apart in
// order; both derive their statements from the options and the database's shape.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace redline {

enum class StepPhase { Expand, Migrate, Contract, Index, Bookkeeping };
const char* to_string(StepPhase p);

namespace pg {
struct ScriptContext;  // pg_script.hpp
}

struct StepDef {
  const char* id;         // E1 E2 E3 M1 M2 M3 C1 C2 C3 I1 P1
  StepPhase phase;
  const char* title;
  const char* records;    // what it changes or keeps, for the report and the script's comments
  const char* done_when;  // why a snapshot counts as having done it already ("" when the job says)
  // The step in the PostgreSQL migration script: idempotent SQL for psql, under the
  // script's progress table (see pg_script.cpp).
  std::string (*postgresql)(const pg::ScriptContext&);
};

// Every step, in run order.
const std::vector<StepDef>& normalization_steps();
// The step `id`, or nullptr.
const StepDef* find_step(std::string_view id);

}  // namespace redline
