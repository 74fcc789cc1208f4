// What the first screen says, as data: the snapshot in brief (apps, what is carried
// through untouched), its hazards blocker first with the option that resolves each,
// whether Normalize may run; and after a run, the reviewer's summary: per table its
// counts, every number with where a click on it leads. The Overview panel draws this
// and window.redline.summary() returns it, so the screen and the tests read the same
// numbers. No ImGui here.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/protocol.hpp"

namespace redline::app {

struct HazardsPanel;

// Where a click on a number leads.
struct SummaryTarget {
  std::string panel;        // "diff", "checklist" ("" when the number leads nowhere: a zero)
  std::string table;        // diff: the table shown
  std::string kind;         // diff: "changed", "added", "removed"
  std::string check;        // checklist: the item selected ("" none)
  int check_filter = 0;     // checklist: 0 all, 1 fail, 2 warn, 3 manual, 4 pass
};

// One clickable number: `key` names it for automation ("employees/added",
// "checks/fail", "employees/moved/users").
struct SummaryNumber {
  std::string key;
  std::int64_t value = 0;
  SummaryTarget target;
};

struct SummaryMove {
  std::string to_table;  // users, addresses
  SummaryNumber moved;
};

struct SummaryTableRow {
  std::string table;
  SummaryNumber before, after, added, removed, changed, cells, lost;
  std::vector<SummaryMove> moved;  // values moved out of this table, per destination
  bool touched() const;            // any number but the row counts is non-zero
};

struct RunSummary {
  bool present = false;     // a run has ended
  std::string status;       // the report's status: ok, refused, failed, cancelled
  std::string error;        // why it did not finish ("" when it did)
  bool reviewed = false;
  bool strict_ok = false;   // the --strict verdict on the checklist
  std::string verdict;      // one sentence
  SummaryNumber pass, fail, warn, manual;
  std::vector<SummaryTableRow> tables;  // changed tables first, in the diff's order
  std::vector<std::string> untouched;   // tables whose every number but the counts is 0
  std::int64_t moved_total = 0, lost_total = 0;
  const SummaryNumber* find(const std::string& key) const;
};

struct HazardLine {
  const Hazard* hazard = nullptr;
  std::string option;   // the options JSON key that resolves it ("" none)
  bool resolved = true; // a blocker is resolved once a resolution other than "stop" is chosen
};

struct FirstScreen {
  std::vector<std::string> apps;          // Django apps seen, from the table names
  std::vector<std::string> carried;       // tables the normalization does not touch
  std::int64_t carried_rows = 0;
  std::vector<HazardLine> hazards;        // blockers first, then warnings, then info
  int blockers = 0, warnings = 0, infos = 0;
  std::string blocked;                    // why Normalize may not run ("" it may)
};

// The options key of the resolution for a hazard kind ("" when it has none).
const char* resolution_option(const std::string& hazard_kind);

FirstScreen first_screen(const engine::LoadedView& loaded, const HazardsPanel& options, bool busy);
RunSummary run_summary(const engine::RunView& run);

// The first screen and the run's summary, made again only when what they are made of
// changes (another loaded view, the blocker's resolution, a job starting or ending,
// another run view), not every frame they are drawn.
class SummaryCache {
 public:
  const FirstScreen& first(const std::shared_ptr<const engine::LoadedView>& loaded, const HazardsPanel& options,
                           bool busy);
  const RunSummary& run(const std::shared_ptr<const engine::RunView>& run);

 private:
  std::shared_ptr<const engine::LoadedView> loaded_;  // kept: the lines point into its hazards
  int collision_ = -1;
  bool busy_ = false;
  FirstScreen first_;
  std::shared_ptr<const engine::RunView> run_;
  RunSummary summary_;
};

nlohmann::json to_json(const SummaryTarget& t);
nlohmann::json to_json(const FirstScreen& f, const engine::LoadedView& loaded);
nlohmann::json to_json(const RunSummary& s);

}  // namespace redline::app
