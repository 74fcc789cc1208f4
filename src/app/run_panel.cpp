// The run panel: the phases of the normalization (expand, migrate, contract, index)
// as a list of steps with their status, rows affected, time and the exact SQL each
// ran; the run's outcome; and the exports.
#include <imgui.h>

#include <cstdio>

#include "app/panels.hpp"

namespace redline::app {

namespace {
const char* phase_of(const std::string& id) {
  switch (id.empty() ? ' ' : id[0]) {
    case 'E': return "expand";
    case 'M': return "migrate";
    case 'C': return "contract";
    case 'I': return "index";
    default: return "bookkeeping";
  }
}
}  // namespace

void draw_run(RunPanel& panel, const Session& session, Actions& actions) {
  const float em = ImGui::GetFontSize();
  const JobView& job = session.job();
  auto run = session.run();
  if (job.active && !run) {
    ImGui::Text("%s", job.title.c_str());
    char overlay[96];
    std::snprintf(overlay, sizeof overlay, "%s %.0f%%", job.phase.c_str(), job.fraction * 100.0);
    ImGui::ProgressBar(static_cast<float>(job.fraction), ImVec2(em * 24, 0), overlay);
    if (ImGui::Button("Cancel")) actions.cancel_job = true;
    return;
  }
  if (!run) {
    ImGui::TextWrapped("Not run yet: pick the options on the Hazards tab and press Normalize.");
    return;
  }
  const Report& r = run->report;
  if (run->ok) {
    ImGui::TextColored(ImVec4(0.45f, 0.8f, 0.45f, 1.0f), "The normalization finished.");
  } else {
    ImGui::TextColored(ImVec4(0.95f, 0.35f, 0.3f, 1.0f), "The run did not finish (%s): the snapshot is unchanged.",
                       r.status.c_str());
    if (r.error) ImGui::TextWrapped("%s", r.error->describe().c_str());
  }
  if (run->ok) {
    if (ImGui::Button("Download after.sqlite3")) actions.download_after = true;
    ImGui::SameLine();
  }
  if (ImGui::Button("Report (HTML)")) actions.download_report = "html";
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("One self-contained file a non-developer can read: summary, hazards, checklist, changes.");
  ImGui::SameLine();
  if (ImGui::Button("Report (Markdown)")) actions.download_report = "md";
  ImGui::SameLine();
  if (ImGui::Button("Report (JSON)")) actions.download_report = "json";
  ImGui::Spacing();

  ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit |
                          ImGuiTableFlags_ScrollY;
  if (ImGui::BeginTable("##steps", 6, flags, ImVec2(0, ImGui::GetContentRegionAvail().y))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("step");
    ImGui::TableSetupColumn("phase");
    ImGui::TableSetupColumn("status");
    ImGui::TableSetupColumn("rows", 0, em * 5);
    ImGui::TableSetupColumn("ms", 0, em * 4);
    ImGui::TableSetupColumn("what it did", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    for (std::size_t i = 0; i < r.steps.size(); ++i) {
      const StepRecord& s = r.steps[i];
      ImGui::PushID(static_cast<int>(i));
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      bool selected = panel.selected_step == static_cast<int>(i);
      if (ImGui::Selectable(s.id.c_str(), selected, ImGuiSelectableFlags_SpanAllColumns)) {
        panel.selected_step = selected ? -1 : static_cast<int>(i);
      }
      ImGui::TableSetColumnIndex(1);
      ImGui::TextUnformatted(phase_of(s.id));
      ImGui::TableSetColumnIndex(2);
      ImGui::TextUnformatted(s.status.c_str());
      ImGui::TableSetColumnIndex(3);
      ImGui::Text("%lld", static_cast<long long>(s.rows_affected));
      ImGui::TableSetColumnIndex(4);
      ImGui::Text("%.1f", s.ms);
      ImGui::TableSetColumnIndex(5);
      ImGui::TextUnformatted(s.title.c_str());
      if (panel.selected_step == static_cast<int>(i)) {
        if (!s.note.empty()) ImGui::TextDisabled("%s", s.note.c_str());
        for (std::size_t q = 0; q < s.sql.size(); ++q) {
          ImGui::PushID(static_cast<int>(q));
          ImGui::PushTextWrapPos(0);
          ImGui::TextDisabled("%s;", s.sql[q].c_str());
          ImGui::PopTextWrapPos();
          if (ImGui::IsItemClicked()) ImGui::SetClipboardText(s.sql[q].c_str());
          if (ImGui::IsItemHovered()) ImGui::SetTooltip("Click to copy this statement");
          ImGui::PopID();
        }
      }
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
}

}  // namespace redline::app
