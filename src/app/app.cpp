#include "app/app.hpp"

#include <cstdio>

#include "core/version.hpp"

namespace redline::app {

namespace {
constexpr float kUiFontCssPx = 16.0f;
constexpr const char* kUiFontPath = "/fonts/ui.ttf";  // embedded at link time
}  // namespace

void App::init(float pixel_ratio) {
  rebuild_fonts(pixel_ratio);
  apply_theme();
}

void App::rebuild_fonts(float pixel_ratio) {
  pixel_ratio_ = pixel_ratio;
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontConfig cfg;
  cfg.OversampleH = 2;
  cfg.OversampleV = 1;
  const float px = kUiFontCssPx * pixel_ratio;
  if (!io.Fonts->AddFontFromFileTTF(kUiFontPath, px, &cfg, io.Fonts->GetGlyphRangesDefault())) {
    // Only a broken build lacks the font; ImGui's own font keeps the page usable.
    ImFontConfig fallback;
    fallback.SizePixels = px;
    io.Fonts->AddFontDefault(&fallback);
  }
  io.Fonts->Build();
  apply_theme();
}

void App::apply_theme() {
  ImGuiStyle style;  // fresh, so scaling never compounds
  if (theme_ == Theme::Dark) {
    ImGui::StyleColorsDark(&style);
  } else {
    ImGui::StyleColorsLight(&style);
  }
  style.WindowRounding = 4.0f;
  style.FrameRounding = 3.0f;
  style.WindowBorderSize = 0.0f;
  style.ScaleAllSizes(pixel_ratio_);
  ImGui::GetStyle() = style;
}

ImVec4 App::clear_color() const {
  return theme_ == Theme::Dark ? ImVec4(0.09f, 0.10f, 0.12f, 1.0f) : ImVec4(0.93f, 0.94f, 0.96f, 1.0f);
}

void App::frame() {
  ++frames_;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float status_h = ImGui::GetFrameHeight() * 1.2f;

  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x, vp->WorkSize.y - status_h));
  ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                           ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_MenuBar |
                           ImGuiWindowFlags_NoSavedSettings;
  ImGui::Begin("Redline##main", nullptr, flags);
  WelcomeActions actions;
  if (ImGui::BeginMenuBar()) {
    ImGui::TextUnformatted("Redline");
    ImGui::TextDisabled("%s", kVersion);
    if (ImGui::BeginMenu("View")) {
      if (ImGui::MenuItem("Dark theme", nullptr, theme_ == Theme::Dark)) {
        theme_ = Theme::Dark;
        apply_theme();
      }
      if (ImGui::MenuItem("Light theme", nullptr, theme_ == Theme::Light)) {
        theme_ = Theme::Light;
        apply_theme();
      }
      ImGui::EndMenu();
    }
    ImGui::EndMenuBar();
  }
  draw_welcome(welcome_, theme_, actions);
  ImGui::End();

  if (actions.toggle_theme) {
    theme_ = theme_ == Theme::Dark ? Theme::Light : Theme::Dark;
    apply_theme();
  }
  draw_status_line(status_, status_h);
}

std::string App::state_json() const {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "{\"version\":\"%s\",\"frames\":%lld,\"theme\":\"%s\",\"pixel_ratio\":%.3f,"
                "\"status\":\"%s\"}",
                kVersion, frames_, theme_ == Theme::Dark ? "dark" : "light",
                static_cast<double>(pixel_ratio_), status_.error ? "error" : "ok");
  return buf;
}

}  // namespace redline::app
