// The Redline app: owns the panels' state and the results the core publishes, and
// draws one frame at a time. Panels only read published, immutable results; they
// never query SQLite while drawing.
#pragma once

#include <imgui.h>

#include <string>

#include "app/panels.hpp"

namespace redline::app {

class App {
 public:
  void init(float pixel_ratio);
  void frame();  // build this frame's UI (between ImGui::NewFrame and ImGui::Render)
  void rebuild_fonts(float pixel_ratio);
  ImVec4 clear_color() const;

  // Snapshot of the app's state for window.redline.state() (JSON text).
  std::string state_json() const;

 private:
  void apply_theme();

  float pixel_ratio_ = 1.0f;
  Theme theme_ = Theme::Dark;
  WelcomePanel welcome_;
  StatusLine status_;
  long long frames_ = 0;
};

}  // namespace redline::app
