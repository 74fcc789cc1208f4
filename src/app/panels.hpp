// Each panel's own state (a struct, not statics) and its draw function, one file
// per panel under src/app/. Panels read what the session published and report what
// the user asked for in an Actions struct; the app carries the actions out after
// drawing, so no panel changes the session mid-frame.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "app/session.hpp"
#include "core/demo.hpp"

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
  std::optional<Theme> set_theme;
};

struct WelcomePanel {
  int demo_employees = 300;
  int demo_profile = 1;  // 0 clean, 1 dirty
  int demo_seed = 1;
};

struct OverviewPanel {
  int sort_column = 0;  // 0 name, 1 rows
  bool sort_descending = false;
};

struct HazardsPanel {
  int collision = 0;  // suffix, link, stop
  int overwrite = 0;  // employee wins, user wins, fill blanks
  bool strict = false;
};

struct RunPanel {
  int selected_step = -1;
};

struct DiffPanel {
  std::string table;         // the table shown
  int kind = 0;              // 0 changed, 1 added, 2 removed
  bool descending = false;
  bool show_unchanged = false;
  long long selected_row = -1;  // index in the kind's id order, -1 none
  std::optional<std::size_t> scroll_to;
  char jump[24] = {};
};

void draw_diff(DiffPanel& panel, Session& session);
void draw_hazards(HazardsPanel& panel, const LoadedView& loaded, bool busy, Actions& actions);
void draw_run(RunPanel& panel, const Session& session, Actions& actions);
void draw_welcome(WelcomePanel& panel, const Session& session, Actions& actions);
void draw_overview(OverviewPanel& panel, const LoadedView& loaded);
void draw_error_box(const Error& error);
void draw_status_line(const Session& session, float height, Actions& actions);

}  // namespace redline::app
