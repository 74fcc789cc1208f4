// Each panel's own state (a struct, not statics) and its draw function, one file
// per panel under src/app/. Panels read what the session published and report what
// the user asked for in an Actions struct; the app carries the actions out after
// drawing, so no panel changes the session mid-frame.
#pragma once

#include <imgui.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <imgui.h>

#include "app/session.hpp"
#include "app/summary.hpp"
#include "core/diff/diff.hpp"
#include "core/demo/demo.hpp"

namespace redline::app {

enum class Theme { Dark, Light };

// What the user asked for this frame.
struct Actions {
  std::optional<DemoOptions> start_demo;
  std::optional<NormalizeOptions> start_run;
  bool open_file = false;
  bool cancel_job = false;
  bool download_after = false;
  bool download_options = false;
  std::string download_report;  // "json", ... ("" none)
  std::string download_csv;     // a table's changes as CSV ("" none)
  bool download_ticks = false;  // the manual ticks as a --ticks JSON file
  std::optional<bool> download_script;  // the PostgreSQL script (true: the revert script)
  bool pick_actual = false;     // choose the actual-after snapshot to verify
  std::optional<Theme> set_theme;
  std::optional<ManualTicks> set_ticks;  // the checklist's ticks changed
  std::optional<Session::RowsRequest> request_rows;
  std::optional<Session::CheckIdsRequest> request_check_ids;  // the opened checklist item's ids
  // Open one row in the diff panel (the checklist's drill-down).
  struct OpenRow {
    std::string table;
    std::int64_t id = 0;
  };
  std::optional<OpenRow> open_row;
  // A number of the Overview's summary was clicked: open what it counts.
  std::optional<SummaryTarget> open_target;
};

struct WelcomePanel {
  int demo_employees = 300;
  int demo_profile = 1;  // 0 clean, 1 dirty
  int demo_seed = 1;
};

struct OverviewPanel {
  int sort_column = 0;  // 0 name, 1 rows
  bool sort_descending = false;
  // Where each clickable number and control was drawn last frame (canvas pixels, by
  // its key: "employees/added", "normalize", "option/username_collision/suffix"), so
  // tests click what a person would.
  std::map<std::string, ImVec4> rects;
  SummaryCache summaries;  // the first screen and the run's summary (Hazards uses it too)
};

struct HazardsPanel {
  int collision = 0;  // suffix, link, stop
  int overwrite = 0;  // employee wins, user wins, fill blanks
  int zip_only = 0;   // guide, keep
  bool strict = false;
};
// The run options the panel's pickers say (for the run and for "Save options").
NormalizeOptions options_of(const HazardsPanel& panel);

// The run panel is also a stepper for trainers: a cursor walks the finished run's
// steps one at a time (play, step, back), showing the state after each step.
struct RunPanel {
  int cursor = -1;          // the step shown (-1: the snapshot before any step)
  bool playing = false;
  double next_step_at = 0;  // ImGui time of the next automatic step
  float seconds_per_step = 1.5f;
  int runs_seen = -1;       // a new run puts the cursor back at its end
  std::string csv_table;    // the table picked for the CSV download
  std::string state_table;  // the table shown in the state after the cursor's step
  std::size_t state_offset = 0;
  int replay_generation = -1;  // the snapshot (Session::generation) the replay was asked for
  // Where the buttons were drawn last frame ("download/after.sqlite3", ..., "replay";
  // x0, y0, x1, y1 in canvas pixels): window.redline.summary() gives them, so a test
  // clicks them as a person does.
  std::map<std::string, ImVec4> rects;
};

// Lineage from any table (lineage_panel.cpp): a row picked by key or text, and per
// column where its value lives now (a source row) or where it came from (a new row).
struct LineagePanel {
  int side = 0;  // 0 before (source row), 1 after (new row)
  std::string table = "customers";
  char query[128] = {};
};
void draw_lineage(LineagePanel& panel, Session& session);

// The verification checklist (spec §4) of the last run.
struct ChecklistPanel {
  int filter = 0;            // 0 all, 1 fail, 2 warn, 3 manual, 4 pass
  std::string selected;      // item id whose rows are shown below the list
  std::string rows_table;    // table of the drill-down rows asked for
  std::string copy_table;    // "Copy ids" pressed for this table: its ids are asked for in full
  char ticked_by[64] = {};   // the name a tick is recorded under
  std::string note;          // one line under the list (what a click did)
};

struct DiffPanel {
  std::string table;         // the table shown
  bool show_schema = false;  // the schema changes instead of a table's rows
  int kind = 0;              // 0 changed, 1 added, 2 removed
  bool descending = false;   // sort: keys descending
  bool show_unchanged = false;
  std::optional<std::size_t> scroll_to;  // row position (in the list as shown) to bring into view
  char jump[24] = {};
  char search[128] = {};     // the search box; searched in the core between frames
  // The selected row: a copy of its entry; its detail lines (moves included) are
  // asked of the session and drawn once it has published them.
  std::optional<diff::RowEntry> selected;
  // A "jump to key" or minimap click waiting for the session to say where that key
  // is; then the row `locate_back` rows above it comes to the top.
  std::optional<Session::LocateRequest> locating;
  std::size_t locate_back = 0;
  // Where on the minimap (0 top .. 1 bottom) a click or drag asked to go, kept until
  // the table's density is here to say which key that is.
  std::optional<float> minimap_pick;
  int runs_seen = 0;  // session.runs() when last drawn: a new run drops the selection
  // What was on screen last frame (for automation and the minimap).
  std::size_t shown_first = 0, shown_last = 0, shown_total = 0;
  bool shown_loaded = false;  // every row on screen had its values (none shown as "...")
  float window_lo = 0, window_hi = 0;
  bool minimap_gpu = false;
  ImVec4 minimap_rect;  // where the minimap was drawn (x0, y0, x1, y1), for automation
};

void draw_diff(DiffPanel& panel, Session& session);
// window.redline.diffView(options): apply {table, kind: "changed|added|removed",
// search, sort: "asc|desc", select: key, schema: bool} (each optional) to the panel,
// then describe what it shows (JSON text). Reads only published results.
std::string diff_view(DiffPanel& panel, Session& session, const std::string& options_json);
void draw_checklist(ChecklistPanel& panel, const Session& session, Actions& actions);
void draw_hazards(HazardsPanel& panel, SummaryCache& summaries, const std::shared_ptr<const LoadedView>& loaded,
                  bool busy, Actions& actions);
// `chosen`: the options the Hazards tab says, for the plan before a run.
void draw_run(RunPanel& panel, Session& session, const NormalizeOptions& chosen, Actions& actions);
// The real database after the migration against the prediction (verify_panel.cpp).
void draw_verify(const Session& session, Actions& actions);
void draw_welcome(WelcomePanel& panel, const Session& session, Actions& actions);
void draw_overview(OverviewPanel& panel, const LoadedView& loaded);
// The Overview tab (summary_panel.cpp): the first screen that leads (what the
// snapshot is, its hazards blocker first with their resolutions, Normalize) and, after
// a run, the reviewer's summary with every number a link to its rows.
void draw_first_screen(OverviewPanel& panel, HazardsPanel& options, const Session& session, Actions& actions);
void draw_error_box(const Error& error);
void draw_status_line(const Session& session, float height, Actions& actions);

// Plain-words texts for tooltips (explain.cpp): a checklist item by id, a hazard by
// kind, a checklist group; "" when unknown.
const char* explain_check(const std::string& id);
const char* explain_hazard(const std::string& kind);
const char* explain_group(const std::string& group);
// The hazard's explanation as a tooltip of the last item, when it is hovered.
void hazard_tooltip(const std::string& kind);

// Colors that read on both themes.
ImVec4 status_color(const std::string& status);  // pass, fail, warn, manual, done, ...

}  // namespace redline::app
