// The overview's table list: the tables with their row counts, what the loader
// skipped and what it read from a -wal file (under the first screen, summary_panel.cpp).
#include <imgui.h>

#include <algorithm>
#include <vector>

#include "app/panels.hpp"

namespace redline::app {

void draw_overview(OverviewPanel& panel, const LoadedView& loaded) {
  // The name, format, size and recognition are the first screen's (summary_panel.cpp);
  // here: what the loader read besides, and the tables.
  const LoadSummary& s = loaded.summary;
  const float em = ImGui::GetFontSize();
  if (!s.wal.empty()) ImGui::TextWrapped("%s", s.wal.c_str());
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
