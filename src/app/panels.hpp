// Each panel's own state (a struct, not statics) and its draw function, one file
// per panel under src/app/.
#pragma once

#include <string>

namespace redline::app {

enum class Theme { Dark, Light };

struct StatusLine {
  std::string text = "Ready";
  bool error = false;
};

struct WelcomePanel {
  bool open = true;
};

struct WelcomeActions {
  bool toggle_theme = false;
};

void draw_welcome(WelcomePanel& panel, Theme theme, WelcomeActions& actions);
void draw_status_line(const StatusLine& status, float height);

}  // namespace redline::app
