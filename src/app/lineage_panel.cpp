// The Lineage panel: any table of the last run, before or after, a row found by its
// id or by text in it (an email, a name), and per column where the value lives now
// (addresses #id via addressables #id, users #id.email, the same row) or that it was
// lost and why; for a new row, where each value came from. The engine works it out
// (Engine::lineage): tables whose only change is dropped columns (customers, vendors,
// leads, organizations) are reachable here though the Diff lists no rows of them.
#include <imgui.h>

#include <cstdio>

#include "app/panels.hpp"

namespace redline::app {

namespace {

using nlohmann::json;

std::string text_of(const json& v) {
  if (v.is_null()) return "NULL";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

}  // namespace

void draw_lineage(LineagePanel& panel, Session& session) {
  auto run = session.run();
  if (!run || !run->ok || !run->diff) {
    ImGui::TextWrapped("Run the normalization first: then pick a table and a row to see where each of its values "
                       "went (a source row) or came from (a new row).");
    return;
  }
  const float em = ImGui::GetFontSize();
  ImGui::RadioButton("source row (before)", &panel.side, 0);
  ImGui::SameLine();
  ImGui::RadioButton("new row (after)", &panel.side, 1);
  ImGui::SameLine(0, em * 1.5f);
  ImGui::SetNextItemWidth(em * 12);
  if (ImGui::BeginCombo("table", panel.table.c_str())) {
    // Every table of the side: the snapshot's as loaded, and for the after side the
    // ones the run added (the diff lists only tables whose rows changed).
    std::vector<std::string> names;
    if (auto loaded = session.loaded())
      for (const auto& [t, n] : loaded->summary.tables)
        if (panel.side == 0 || !run->diff->table(t) || run->diff->table(t)->presence != diff::TablePresence::DroppedTable)
          names.push_back(t);
    if (panel.side == 1)
      for (const auto& t : run->diff->tables)
        if (t.presence == diff::TablePresence::AddedTable) names.push_back(t.name);
    for (const auto& t : names)
      if (ImGui::Selectable(t.c_str(), t == panel.table)) panel.table = t;
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(em * 16);
  ImGui::InputTextWithHint("##key", "id, email, name...", panel.query, sizeof panel.query);
  const std::string side = panel.side == 0 ? "before" : "after";
  if (panel.query[0]) session.request_lineage(panel.table, side, panel.query);
  auto l = session.lineage();
  if (!panel.query[0] || !l) {
    ImGui::TextDisabled("Type a row's id, or text it holds, to find it.");
    return;
  }
  if (l->contains("error")) {
    ImGui::TextColored(status_color("failed"), "%s", (*l)["error"].value("message", std::string()).c_str());
    return;
  }
  const auto& matches = (*l)["matches"];
  if (matches.size() > 1) {
    ImGui::TextDisabled("%zu rows match; showing the first. Others:", matches.size());
    for (std::size_t i = 1; i < matches.size() && i < 8; ++i) {
      ImGui::SameLine();
      char label[160];
      std::snprintf(label, sizeof label, "#%lld %s", static_cast<long long>(matches[i].value("key", 0LL)),
                    matches[i].value("label", std::string()).c_str());
      if (ImGui::SmallButton(label)) std::snprintf(panel.query, sizeof panel.query, "%lld", matches[i].value("key", 0LL));
    }
  }
  if (!l->value("found", false)) {
    ImGui::TextDisabled("No row of %s matches.", panel.table.c_str());
    return;
  }
  ImGui::Text("%s #%lld (%s)", panel.table.c_str(), static_cast<long long>(l->value("key", 0LL)), side.c_str());
  if (!ImGui::BeginTable("##lineage", 4,
                         ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_ScrollY |
                             ImGuiTableFlags_Resizable,
                         ImVec2(0, ImGui::GetContentRegionAvail().y)))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("column");
  ImGui::TableSetupColumn("value");
  ImGui::TableSetupColumn("fate");
  ImGui::TableSetupColumn(panel.side == 0 ? "where it lives now" : "where it came from",
                          ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableHeadersRow();
  for (const auto& line : (*l)["lines"]) {
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::TextUnformatted(line.value("column", std::string()).c_str());
    ImGui::TableSetColumnIndex(1);
    ImGui::TextUnformatted(text_of(line["value"]).c_str());
    ImGui::TableSetColumnIndex(2);
    const std::string fate = line.value("fate", std::string());
    ImGui::TextColored(fate == "lost" ? status_color("fail") : fate == "moved" ? status_color("done")
                                                                                : ImGui::GetStyleColorVec4(ImGuiCol_Text),
                       "%s", fate.c_str());
    ImGui::TableSetColumnIndex(3);
    std::string where = line.value("where", std::string());
    const std::string note = line.value("note", std::string());
    if (!note.empty()) where += where.empty() ? note : "  (" + note + ")";
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(where.c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::EndTable();
}

}  // namespace redline::app
