// The welcome panel: what Redline is, and the three ways to start: the built-in demo
// snapshot, a file from disk, or a file dropped anywhere on the page.
#include <imgui.h>

#include "app/panels.hpp"
#include "core/version.hpp"

namespace redline::app {

void draw_welcome(WelcomePanel& panel, const Session& session, Actions& actions) {
  const float em = ImGui::GetFontSize();
  ImGui::PushTextWrapPos(em * 44);
  ImGui::TextWrapped(
      "Preview, audit and demonstrate the CRM normalization on your own snapshot. "
      "Redline loads an exported database (SQLite file, pg_dump plain SQL or Django "
      "dumpdata JSON), runs the whole migration in this tab and shows every change.");
  ImGui::TextDisabled("Nothing leaves your machine: there is no server, and the page makes no network requests.");
  ImGui::PopTextWrapPos();
  ImGui::Spacing();

  const bool busy = session.job().active;
  if (busy) ImGui::BeginDisabled();
  if (ImGui::Button("Open file...")) actions.open_file = true;
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("A SQLite database (db.sqlite3), a plain pg_dump (.sql) or Django dumpdata JSON.\n"
                      "The format is recognized from the content. You can also drop a file anywhere.");
  }
  ImGui::SameLine();
  ImGui::TextDisabled("or drop a file anywhere on the page");

  ImGui::Spacing();
  ImGui::TextUnformatted("Demo snapshot");
  ImGui::SetNextItemWidth(em * 10);
  ImGui::InputInt("employees", &panel.demo_employees, 100, 1000);
  if (panel.demo_employees < 1) panel.demo_employees = 1;
  if (panel.demo_employees > kMaxDemoEmployees) panel.demo_employees = kMaxDemoEmployees;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("About 33 rows per employee across all tables.");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(em * 7);
  const char* profiles[] = {"clean", "dirty"};
  ImGui::Combo("profile", &panel.demo_profile, profiles, 2);
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("clean: no hazards.\ndirty: every hazard the migration can meet (username "
                      "collisions, overwritten contacts, tied currencies, odd currency codes, "
                      "dangling references).");
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(em * 6);
  ImGui::InputInt("seed", &panel.demo_seed, 0, 0);
  if (panel.demo_seed < 0) panel.demo_seed = 0;
  ImGui::SameLine();
  if (ImGui::Button("Generate demo")) {
    DemoOptions o;
    o.employees = panel.demo_employees;
    o.seed = static_cast<std::uint64_t>(panel.demo_seed);
    o.profile = panel.demo_profile == 0 ? DemoOptions::Clean : DemoOptions::Dirty;
    actions.start_demo = o;
  }
  if (busy) ImGui::EndDisabled();
}

void draw_error_box(const Error& error) {
  const float em = ImGui::GetFontSize();
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0.45f, 0.12f, 0.10f, 0.35f));
  ImGui::BeginChild("##error", ImVec2(0, em * 4.5f), true);
  ImGui::TextColored(ImVec4(0.98f, 0.45f, 0.40f, 1.0f), "Could not load the snapshot");
  ImGui::PushTextWrapPos(0);
  ImGui::TextWrapped("%s", error.message.c_str());
  if (!error.context.empty()) ImGui::TextDisabled("%s", error.context.c_str());
  ImGui::PopTextWrapPos();
  ImGui::EndChild();
  ImGui::PopStyleColor();
}

}  // namespace redline::app
