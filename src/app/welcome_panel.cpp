// The welcome panel: what Redline is and how to start.
#include <imgui.h>

#include "app/panels.hpp"
#include "core/version.hpp"

namespace redline::app {

void draw_welcome(WelcomePanel& panel, Theme theme, WelcomeActions& actions) {
  if (!panel.open) return;
  const float em = ImGui::GetFontSize();
  ImGui::Dummy(ImVec2(0, em));
  ImGui::Indent(em);
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.91f, 0.30f, 0.24f, 1.0f));
  ImGui::SetWindowFontScale(2.0f);
  ImGui::TextUnformatted("Redline");
  ImGui::SetWindowFontScale(1.0f);
  ImGui::PopStyleColor();
  ImGui::TextDisabled("version %s", kVersion);
  ImGui::Dummy(ImVec2(0, em * 0.5f));
  ImGui::PushTextWrapPos(em * 42);
  ImGui::TextWrapped(
      "Preview, audit and demonstrate the CRM normalization on your own snapshot. "
      "Redline loads an exported database (SQLite file, pg_dump plain SQL or Django "
      "dumpdata JSON), runs the whole migration in this tab and shows every change.");
  ImGui::Dummy(ImVec2(0, em * 0.5f));
  ImGui::TextWrapped("Nothing leaves your machine: there is no server, and the page makes no "
                     "network requests.");
  ImGui::PopTextWrapPos();
  ImGui::Dummy(ImVec2(0, em));
  if (ImGui::Button(theme == Theme::Dark ? "Switch to light theme" : "Switch to dark theme")) {
    actions.toggle_theme = true;
  }
  ImGui::Unindent(em);
}

}  // namespace redline::app
