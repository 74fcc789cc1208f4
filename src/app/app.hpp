// The Redline app: owns the session (the client of the engine's worker) and the
// panels' state, and draws one frame at a time. Panels only read published,
// immutable results and post requests; nothing here waits on the engine.
#pragma once

#include <imgui.h>

#include <functional>
#include <optional>
#include <cstdint>
#include <string>
#include <vector>

#include "app/fonts.hpp"
#include "app/panels.hpp"
#include "app/session.hpp"

namespace redline::app {

class App {
 public:
  // Platform services the app may ask for (set by src/platform).
  std::function<void()> open_file_dialog;
  // Offer bytes to the user as a download named `name`.
  std::function<void(const std::string& name, const std::string& mime, const std::vector<std::uint8_t>& bytes)> download;
  // Put text on the system clipboard (the browser's needs the user's gesture, which
  // the click or key press that made this frame still counts as).
  std::function<void(const std::string& text)> copy_text;
  // A remembered setting (the browser's localStorage): "" when never saved.
  std::function<std::string(const std::string& key)> load_setting;
  std::function<void(const std::string& key, const std::string& value)> save_setting;

  void init(float pixel_ratio);
  void frame();  // build this frame's UI (between ImGui::NewFrame and ImGui::Render)
  // Builds the whole font atlas again (a new pixel ratio: every glyph rasterized).
  void rebuild_fonts(float pixel_ratio);
  // The loaded data's characters changed since the atlas last took them.
  bool fonts_stale() const { return font_chars_generation_ != session_.text_chars_generation(); }
  // Called before each frame: while stale, rasterizes a slice of the data's new
  // characters (UiFont::add; a whole rebuild was a 60-180 ms task on the page's main
  // thread); once they are all in, the texture's changed rows are to be uploaded
  // (font().texture()).
  void update_fonts();
  const UiFont& font() const { return font_; }
  void fonts_uploaded() { font_.uploaded(); }
  ImVec4 clear_color() const;

  Session& session() { return session_; }
  // Bring a panel to the front: "overview", "hazards", "run", "diff", "checklist",
  // "open" (automation and keyboard shortcuts).
  void show(const std::string& panel) { show_panel_ = panel; }
  void set_theme(Theme theme);
  // The checklist item whose rows are shown ("" none); for automation.
  void select_check(const std::string& id) { checklist_.selected = id; }

  // window.redline.diffView(options) (see app::diff_view).
  std::string diff_view(const std::string& options_json) { return app::diff_view(diff_, session_, options_json); }
  // window.redline.summary(): the Overview's first screen and after-run summary, the
  // numbers as drawn and where each was drawn (JSON text).
  std::string summary_json() const;
  // window.redline.openSummary(key): what a click on that number does (JSON: the
  // number and its target, or {error}).
  std::string open_summary(const std::string& key);
  // window.redline.fontInfo(): the atlas and the characters of the data it lacks.
  std::string font_json() const;

  // Snapshot of the app's state for window.redline.state() (JSON text).
  std::string state_json() const;

  // The time the frame loop spent drawing a frame (the platform measures it).
  void note_draw(double ms);
  // What drawing the frames cost since the last reset, for
  // window.redline.frameStats() (JSON text).
  std::string frame_work_json(bool reset);

 private:
  void apply_theme();
  void apply(const Actions& actions);
  void shortcuts();
  void open_row(const Actions::OpenRow& row);
  void open_target(const SummaryTarget& target);
  void finish_open_row();  // once the session has located the row open_row asked for
  void install_clipboard();
  static const char* clipboard_get(void* user);
  static void clipboard_set(void* user, const char* text);

  float pixel_ratio_ = 1.0f;
  Theme theme_ = Theme::Dark;
  Session session_;
  WelcomePanel welcome_;
  OverviewPanel overview_;
  HazardsPanel hazards_;
  RunPanel run_;
  LineagePanel lineage_;
  DiffPanel diff_;
  ChecklistPanel checklist_;
  std::optional<Session::LocateRequest> opening_;  // the row open_row is waiting for
  std::string panel_;       // the tab shown in the last frame
  std::string clipboard_;   // what the app copied last (its own paste reads it)
  std::string show_panel_;  // the tab to select on the next frame ("" none)
  double draw_max_ms_ = 0, draw_total_ms_ = 0;
  long long draws_ = 0;
  long long frames_ = 0;
  UiFont font_;
  int font_chars_generation_ = -1;
};

}  // namespace redline::app
