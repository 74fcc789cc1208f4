// The Redline app: owns the session (the snapshot and the job in progress) and the
// panels' state, and draws one frame at a time. Panels only read published,
// immutable results; they never query SQLite while drawing.
#pragma once

#include <imgui.h>

#include <functional>
#include <string>

#include "app/panels.hpp"
#include "app/session.hpp"

namespace redline::app {

class App {
 public:
  // Platform services the app may ask for (set by src/platform).
  std::function<void()> open_file_dialog;

  void init(float pixel_ratio);
  void frame();  // build this frame's UI (between ImGui::NewFrame and ImGui::Render)
  void rebuild_fonts(float pixel_ratio);
  ImVec4 clear_color() const;

  Session& session() { return session_; }

  // Snapshot of the app's state for window.redline.state() (JSON text).
  std::string state_json() const;

 private:
  void apply_theme();
  void apply(const Actions& actions);

  float pixel_ratio_ = 1.0f;
  Theme theme_ = Theme::Dark;
  Session session_;
  WelcomePanel welcome_;
  OverviewPanel overview_;
  long long frames_ = 0;
};

}  // namespace redline::app
