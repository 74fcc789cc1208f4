// The overview panel: what was loaded (the load summary): name, format, size, time,
// tables with their row counts, what the loader skipped and its warnings.
#include <imgui.h>

#include <algorithm>
#include <vector>

#include "app/panels.hpp"

namespace redline::app {

void draw_overview(OverviewPanel& panel, const LoadedView& loaded) {
  const LoadSummary& s = loaded.summary;
  const float em = ImGui::GetFontSize();
  ImGui::Text("%s", s.name.c_str());
  ImGui::SameLine();
  ImGui::TextDisabled("%s%s, %.1f MB, %lld rows in %zu tables, loaded in %.0f ms",
                      loaded.is_demo ? "built-in demo, " : "", format_name(s.format),
                      static_cast<double>(s.bytes) / 1e6, static_cast<long long>(loaded.total_rows),
                      s.tables.size(), s.ms);
  const ImVec4 kind_color = s.kind == "not_crm" ? ImVec4(0.95f, 0.35f, 0.3f, 1.0f)
                            : s.kind == "before"  ? ImVec4(0.45f, 0.8f, 0.45f, 1.0f)
                                                  : ImVec4(0.95f, 0.75f, 0.3f, 1.0f);
  ImGui::PushTextWrapPos(0);
  ImGui::TextColored(kind_color, "This snapshot is %s.", s.recognition.c_str());
  ImGui::PopTextWrapPos();
  if (!s.wal.empty()) ImGui::TextWrapped("%s", s.wal.c_str());
  for (const auto& w : s.warnings) ImGui::TextColored(ImVec4(0.95f, 0.75f, 0.3f, 1.0f), "warning: %s", w.c_str());
  if (!s.skipped.empty()) {
    std::string line = "skipped:";
    for (const auto& [kind, n] : s.skipped) line += " " + std::to_string(n) + " " + kind + ";";
    ImGui::TextDisabled("%s", line.c_str());
  }
  ImGui::Spacing();

  std::vector<std::pair<std::string, std::int64_t>> rows(s.tables.begin(), s.tables.end());
  ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_Sortable |
                          ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit;
  const float height = std::min(ImGui::GetContentRegionAvail().y, (static_cast<float>(rows.size()) + 1.5f) * ImGui::GetFrameHeightWithSpacing());
  if (ImGui::BeginTable("##tables", 2, flags, ImVec2(em * 26, height))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("table", ImGuiTableColumnFlags_DefaultSort | ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("rows", ImGuiTableColumnFlags_PreferSortDescending, em * 7);
    ImGui::TableHeadersRow();
    if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsCount > 0) {
      panel.sort_column = specs->Specs[0].ColumnIndex;
      panel.sort_descending = specs->Specs[0].SortDirection == ImGuiSortDirection_Descending;
    }
    std::sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
      bool less = panel.sort_column == 1 ? a.second < b.second : a.first < b.first;
      bool more = panel.sort_column == 1 ? b.second < a.second : b.first < a.first;
      return panel.sort_descending ? more : less;
    });
    for (const auto& [name, n] : rows) {
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::TextUnformatted(name.c_str());
      ImGui::TableSetColumnIndex(1);
      ImGui::Text("%lld", static_cast<long long>(n));
    }
    ImGui::EndTable();
  }
}

}  // namespace redline::app
