// The checklist panel: the verification checklist of spec §4 for the last run, by
// group, each item with its status (colored), detail and a plain-words tooltip;
// counts and the --strict verdict on top; the failing rows of the selected item
// (click one to open it in the diff, or list their values); ticks for the manual
// items, which go into the report exactly as the CLI's --ticks would put them.
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "app/panels.hpp"

namespace redline::app {

namespace {

const char* kGroupOrder[] = {"data_integrity", "api_compatibility", "performance", "frontend"};
const char* kGroupTitle[] = {"Data integrity", "API compatibility", "Performance", "Frontend"};
const char* kFilters[] = {"all", "fail", "warn", "manual", "pass"};

bool shown(int filter, CheckStatus s) {
  switch (filter) {
    case 1: return s == CheckStatus::Fail;
    case 2: return s == CheckStatus::Warn;
    case 3: return s == CheckStatus::Manual;
    case 4: return s == CheckStatus::Pass;
    default: return true;
  }
}

bool ticked(const CheckItem& it) {
  auto t = it.extra.find("tick");
  return t != it.extra.end() && t->value("ticked", false);
}

// Right-click on the last item offers to copy `text`; Ctrl+C while it is hovered copies it.
void copy_menu(const char* id, const std::string& text) {
  if (ImGui::IsItemHovered() && ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed('C', false))
    ImGui::SetClipboardText(text.c_str());
  if (ImGui::BeginPopupContextItem(id)) {
    if (ImGui::MenuItem("Copy")) ImGui::SetClipboardText(text.c_str());
    ImGui::EndPopup();
  }
}

void tooltip(const char* text) {
  if (!*text || !ImGui::IsItemHovered()) return;
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30);
  ImGui::TextUnformatted(text);
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

void draw_rows_view(const RowsView& rows) {
  ImGui::TextDisabled("%zu of %zu row(s) of %s, read from the %s database. Right-click or Ctrl+C copies a cell.",
                      rows.rows.size(), rows.asked, rows.table.c_str(), rows.source.c_str());
  const int n = static_cast<int>(rows.columns.size());
  if (n == 0 || n > 64) return;
  ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollX |
                          ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit;
  if (!ImGui::BeginTable("##rowsview", n, flags, ImVec2(0, ImGui::GetContentRegionAvail().y))) return;
  ImGui::TableSetupScrollFreeze(1, 1);
  for (const auto& c : rows.columns) ImGui::TableSetupColumn(c.c_str());
  ImGui::TableHeadersRow();
  for (std::size_t r = 0; r < rows.rows.size(); ++r) {
    ImGui::TableNextRow();
    for (int c = 0; c < n; ++c) {
      ImGui::TableSetColumnIndex(c);
      const std::string& v = rows.rows[r][static_cast<std::size_t>(c)];
      ImGui::PushID(static_cast<int>(r * 64 + static_cast<std::size_t>(c)));
      ImGui::Selectable(v.c_str(), false);
      copy_menu("##cell", v);
      ImGui::PopID();
    }
  }
  ImGui::EndTable();
}

void draw_drilldown(ChecklistPanel& panel, const CheckItem& it, const Session& session, Actions& actions) {
  ImGui::Text("%s", it.id.c_str());
  ImGui::SameLine();
  ImGui::TextColored(status_color(to_string(it.status)), "%s", to_string(it.status));
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(it.detail.c_str());
  ImGui::TextDisabled("%s", explain_check(it.id));
  ImGui::PopTextWrapPos();
  if (it.rows.empty()) {
    ImGui::TextDisabled("No rows behind this item.");
    return;
  }
  // The ids are the engine's: the first kShown of each table are asked for (all of a
  // table's once "Copy ids" is pressed), and buttons are drawn for those that came.
  constexpr std::size_t kShown = 60;
  std::size_t most = 0;
  for (const CheckRows& cr : it.rows) most = std::max(most, cr.count);
  const bool copying = !panel.copy_table.empty();
  actions.request_check_ids = Session::CheckIdsRequest{it.id, 0, copying ? most : kShown};
  auto page = session.check_ids();
  if (page && page->check != it.id) page.reset();
  const auto diff = session.run() ? session.run()->diff : nullptr;
  for (std::size_t t = 0; t < it.rows.size(); ++t) {
    const CheckRows& cr = it.rows[t];
    const CheckRows* got = page ? page->table(cr.table) : nullptr;
    const std::vector<std::int64_t> none;
    const std::vector<std::int64_t>& ids = got ? got->ids : none;
    ImGui::PushID(static_cast<int>(t));
    ImGui::Text("%s: %zu row(s)", cr.table.c_str(), cr.count);
    ImGui::SameLine();
    if (ImGui::SmallButton("Show their values")) {
      actions.request_rows = Session::RowsRequest{cr.table, {}, it.id};
      panel.rows_table = cr.table;
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("Copy ids")) panel.copy_table = cr.table;
    if (panel.copy_table == cr.table && got && ids.size() == cr.count) {
      std::string all;
      for (auto id : ids) all += (all.empty() ? "" : ", ") + std::to_string(id);
      ImGui::SetClipboardText(all.c_str());
      panel.copy_table.clear();
    }
    const TableSummary* td = diff ? diff->table(cr.table) : nullptr;
    // Ids as buttons: a click opens the row in the diff when the run changed it.
    for (std::size_t i = 0; i < ids.size() && i < kShown; ++i) {
      char label[32];
      std::snprintf(label, sizeof label, "%lld", static_cast<long long>(ids[i]));
      if (i % 12) ImGui::SameLine();
      ImGui::PushID(static_cast<int>(i));
      if (ImGui::SmallButton(label)) {
        if (td && td->has_row_changes()) {
          actions.open_row = Actions::OpenRow{cr.table, ids[i]};
        } else {
          actions.request_rows = Session::RowsRequest{cr.table, {ids[i]}, {}};
          panel.rows_table = cr.table;
        }
      }
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip(td && td->has_row_changes() ? "Open this row in the Diff tab" : "Show this row's values");
      ImGui::PopID();
    }
    if (cr.count > kShown) ImGui::TextDisabled("... %zu more", cr.count - kShown);
    ImGui::PopID();
  }
  auto rows = session.rows();
  if (rows && rows->table == panel.rows_table) draw_rows_view(*rows);
}

}  // namespace

ImVec4 status_color(const std::string& s) {
  // Mid-tone colors that read on the dark and the light theme alike.
  if (s == "pass" || s == "done" || s == "ok") return ImVec4(0.20f, 0.65f, 0.32f, 1.0f);
  if (s == "fail" || s == "failed" || s == "refused" || s == "blocker") return ImVec4(0.88f, 0.25f, 0.22f, 1.0f);
  if (s == "warn" || s == "warning" || s == "rolled_back" || s == "cancelled") return ImVec4(0.86f, 0.56f, 0.08f, 1.0f);
  if (s == "manual" || s == "info") return ImVec4(0.32f, 0.55f, 0.92f, 1.0f);
  return ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled);
}

void draw_checklist(ChecklistPanel& panel, const Session& session, Actions& actions) {
  const float em = ImGui::GetFontSize();
  auto run = session.run();
  if (!run || run->checks.empty()) {
    if (session.job().active) {
      ImGui::TextWrapped("The run is in progress; the checklist follows when it finishes.");
    } else if (run && !run->ok) {
      ImGui::TextWrapped("The run did not finish (%s): there is no result to check.", run->report.status.c_str());
    } else {
      ImGui::TextWrapped("No checklist yet: normalize the snapshot (Hazards tab, Normalize) and the 25 items of the "
                         "verification checklist are evaluated on the result.");
    }
    return;
  }
  const std::vector<CheckItem>& items = run->checks;
  const CheckCounts counts = count_checks(items);
  int ticks = 0;
  for (const auto& it : items) ticks += ticked(it) ? 1 : 0;

  // The verdict --strict gives: failed checks refuse the run; warnings and manual
  // items do not.
  Status verdict = strict_verdict(items);
  if (verdict) {
    ImGui::TextColored(status_color("pass"), "Strict verdict: accepted (no item failed)");
  } else {
    ImGui::TextColored(status_color("fail"), "Strict verdict: refused");
    ImGui::SameLine();
    ImGui::TextWrapped("%s", verdict.error().message.c_str());
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("What `redline normalize --strict` decides: any failed item refuses the run.%s",
                      run->strict ? " This run was strict." : "");
  struct Chip {
    const char* name;
    int n;
  };
  const Chip chips[] = {{"pass", counts.pass}, {"fail", counts.fail}, {"warn", counts.warn}, {"manual", counts.manual}};
  for (const auto& c : chips) {
    ImGui::TextColored(status_color(c.name), "%d %s", c.n, c.name);
    ImGui::SameLine(0, em * 1.2f);
  }
  ImGui::TextDisabled("(%d of %d manual items ticked)", ticks, counts.manual);

  ImGui::TextUnformatted("Show:");
  for (int f = 0; f < 5; ++f) {
    ImGui::SameLine();
    if (ImGui::RadioButton(kFilters[f], panel.filter == f)) panel.filter = f;
  }
  ImGui::SameLine(0, em * 2);
  ImGui::SetNextItemWidth(em * 10);
  ImGui::InputTextWithHint("##by", "ticked by (name)", panel.ticked_by, sizeof panel.ticked_by);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Recorded with each tick you make, as \"by\" in the report.");
  ImGui::SameLine();
  if (ImGui::Button("Save ticks...")) actions.download_ticks = true;
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("The ticks as JSON, the file `redline normalize --ticks T.json` reads.");

  const float list_h = panel.selected.empty() ? ImGui::GetContentRegionAvail().y
                                              : ImGui::GetContentRegionAvail().y * 0.55f;
  ImGui::BeginChild("##checks", ImVec2(0, list_h), false);
  for (int g = 0; g < 4; ++g) {
    int n = 0, bad = 0;
    for (const auto& it : items) {
      if (it.group != kGroupOrder[g]) continue;
      ++n;
      if (it.status == CheckStatus::Fail || it.status == CheckStatus::Warn) ++bad;
    }
    if (n == 0) continue;
    char header[96];
    std::snprintf(header, sizeof header, "%s (%d items%s%d to look at)###%s", kGroupTitle[g], n, bad ? ", " : "",
                  bad, kGroupOrder[g]);
    if (!bad) std::snprintf(header, sizeof header, "%s (%d items)###%s", kGroupTitle[g], n, kGroupOrder[g]);
    const bool open = ImGui::CollapsingHeader(header, ImGuiTreeNodeFlags_DefaultOpen);
    tooltip(explain_group(kGroupOrder[g]));
    if (!open) continue;
    ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit;
    if (!ImGui::BeginTable(kGroupOrder[g], 4, flags)) continue;
    ImGui::TableSetupColumn("status", 0, em * 5.5f);
    ImGui::TableSetupColumn("item", 0, em * 14);
    ImGui::TableSetupColumn("rows", 0, em * 3.5f);
    ImGui::TableSetupColumn("detail", ImGuiTableColumnFlags_WidthStretch);
    for (const auto& it : items) {
      if (it.group != kGroupOrder[g] || !shown(panel.filter, it.status)) continue;
      ImGui::PushID(it.id.c_str());
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      const char* st = to_string(it.status);
      if (it.status == CheckStatus::Manual) {
        bool tick = ticked(it);
        if (ImGui::Checkbox("##tick", &tick)) {
          ManualTicks next = session.ticks();
          ManualTick& t = next[it.id];
          t.ticked = tick;
          t.by = tick ? std::string(panel.ticked_by) : std::string();
          t.at.clear();
          t.note.clear();
          if (!tick) next.erase(it.id);
          actions.set_ticks = std::move(next);
        }
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Tick when a person has checked this in the running application.");
        ImGui::SameLine();
        ImGui::TextColored(status_color(st), "%s", tick ? "ticked" : st);
      } else {
        ImGui::TextColored(status_color(st), "%s", st);
      }
      ImGui::TableSetColumnIndex(1);
      const bool selected = panel.selected == it.id;
      if (ImGui::Selectable(it.id.c_str(), selected, ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap)) {
        panel.selected = selected ? std::string() : it.id;
      }
      tooltip(explain_check(it.id));
      copy_menu("##copyrow", it.id + "\t" + st + "\t" + it.detail);
      ImGui::TableSetColumnIndex(2);
      std::size_t n = 0;
      for (const CheckRows& cr : it.rows) n += cr.count;
      if (n == 0) ImGui::TextDisabled("-");
      else ImGui::Text("%zu", n);
      ImGui::TableSetColumnIndex(3);
      ImGui::TextUnformatted(it.title.c_str());
      ImGui::SameLine();
      ImGui::TextDisabled("%s", it.detail.c_str());
      // The detail is one line and often wider than the column: in full on hover.
      if (ImGui::IsItemHovered()) tooltip(it.detail.c_str());
      copy_menu("##copydetail", it.detail);
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  ImGui::EndChild();
  if (panel.selected.empty()) return;
  for (const auto& it : items) {
    if (it.id != panel.selected) continue;
    ImGui::Separator();
    ImGui::BeginChild("##drill", ImVec2(0, 0), false);
    draw_drilldown(panel, it, session, actions);
    ImGui::EndChild();
  }
}

}  // namespace redline::app
