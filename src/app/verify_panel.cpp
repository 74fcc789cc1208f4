// The Verify panel: "actual after". The user loads a snapshot of the real database
// after the migration ran (any format); the engine compares it with the prediction
// from the loaded snapshot as `redline verify` does (core/review/verify.hpp) and
// runs the checklist on it. Shown here: the verdict, each difference (table, key,
// column, predicted, actual) and the checklist's results on the actual database.
#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "app/panels.hpp"

namespace redline::app {

namespace {

void draw_mismatches(const Verification& v) {
  const float em = ImGui::GetFontSize();
  ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                          ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingStretchProp;
  // As tall as its rows, up to a dozen (then it scrolls).
  const float rows = static_cast<float>(std::min<std::size_t>(v.mismatches.size(), 12) + 1);
  const float height = rows * (ImGui::GetTextLineHeight() + 2 * ImGui::GetStyle().CellPadding.y) + em * 0.5f;
  if (!ImGui::BeginTable("##mismatches", 5, flags, ImVec2(0, height))) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  for (const char* h : {"Table", "Key", "Column", "Predicted", "Actual"}) ImGui::TableSetupColumn(h);
  ImGui::TableHeadersRow();
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(v.mismatches.size()));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const Mismatch& m = v.mismatches[static_cast<std::size_t>(i)];
      ImGui::TableNextRow();
      for (const std::string* cell : {&m.table, &m.key, &m.column, &m.predicted, &m.actual}) {
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(cell->c_str());
      }
    }
  }
  ImGui::EndTable();
}

void draw_checks(const Verification& v) {
  const float em = ImGui::GetFontSize();
  ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                          ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("##verify_checks", 3, flags, ImVec2(0, em * 14))) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("Status", ImGuiTableColumnFlags_WidthFixed, em * 5);
  ImGui::TableSetupColumn("Item");
  ImGui::TableSetupColumn("Detail");
  ImGui::TableHeadersRow();
  for (const CheckItem& c : v.checks) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextColored(status_color(to_string(c.status)), "%s", to_string(c.status));
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(c.title.c_str());
    ImGui::TableNextColumn();
    ImGui::TextWrapped("%s", c.detail.c_str());
  }
  ImGui::EndTable();
}

}  // namespace

void draw_verify(const Session& session, Actions& actions) {
  ImGui::TextWrapped(
      "After running the migration on the real database, load a snapshot of it here (SQLite file, pg_dump plain "
      "SQL or dumpdata JSON): it is compared with Redline's prediction from the loaded snapshot and the options of "
      "the Hazards panel, under spec \xC2\xA7" "2's rules, as `redline verify BEFORE AFTER` does.");
  const bool can = session.loaded() && !session.job().active;
  ImGui::BeginDisabled(!can);
  if (ImGui::Button("Load actual after...")) actions.pick_actual = true;
  ImGui::EndDisabled();
  auto view = session.verification();
  if (!view) return;
  ImGui::Separator();
  ImGui::Text("Actual after: %s", view->name.c_str());
  if (view->error) {
    draw_error_box(*view->error);
    return;
  }
  const Verification& v = view->result;
  if (view->verified()) {
    ImGui::TextColored(status_color("pass"), "Verified: the actual database equals the prediction and no check fails");
  } else {
    char line[160];
    std::snprintf(line, sizeof line, "NOT verified: %lld difference%s from the prediction%s",
                  static_cast<long long>(v.mismatch_count), v.mismatch_count == 1 ? "" : "s",
                  v.checks_failed() ? "; a check of the checklist fails on it" : "");
    ImGui::TextColored(status_color("fail"), "%s", line);
  }
  if (!v.mismatches.empty()) {
    if (v.mismatch_count > static_cast<std::int64_t>(v.mismatches.size()))
      ImGui::TextDisabled("The first %zu are listed.", v.mismatches.size());
    draw_mismatches(v);
  }
  ImGui::TextDisabled("The checklist on the actual database:");
  draw_checks(v);
}

}  // namespace redline::app
