// The diff panel: every table with its added/removed/changed counts, the schema
// changes, and a virtualized row diff (ImGuiListClipper over pages the session
// fetches between frames) with changed cells highlighted, a kind filter, jump to a
// key, sort order, and the selected row's before/after in full.
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "app/panels.hpp"

namespace redline::app {

namespace {

constexpr std::size_t kPageRows = 256;
const ImVec4 kAdded(0.40f, 0.80f, 0.45f, 1.0f);
const ImVec4 kRemoved(0.95f, 0.40f, 0.35f, 1.0f);
const ImVec4 kChanged(0.95f, 0.75f, 0.30f, 1.0f);

const ImVec4& kind_color(diff::RowChange k) {
  return k == diff::RowChange::Added ? kAdded : k == diff::RowChange::Removed ? kRemoved : kChanged;
}

// Row index `i` of the current order (ascending or descending ids).
std::size_t ordered(std::size_t i, std::size_t total, bool descending) { return descending ? total - 1 - i : i; }

// Show `t`, starting with its first non-empty kind of change.
void select_table(DiffPanel& panel, const diff::TableDiff& t) {
  panel.table = t.name;
  panel.selected_row = -1;
  panel.scroll_to.reset();
  panel.kind = t.changed.size() > 0 ? 0 : !t.added.empty() ? 1 : !t.removed.empty() ? 2 : 0;
}

void draw_tables(DiffPanel& panel, const diff::DiffResult& d) {
  ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                          ImGuiTableFlags_SizingFixedFit;
  if (!ImGui::BeginTable("##difftables", 4, flags, ImVec2(0, ImGui::GetContentRegionAvail().y))) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("table", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableSetupColumn("+");
  ImGui::TableSetupColumn("-");
  ImGui::TableSetupColumn("~");
  ImGui::TableHeadersRow();
  for (const auto& t : d.tables) {
    const bool schema_only = !t.has_row_changes();
    if (schema_only && !panel.show_unchanged) continue;
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    if (ImGui::Selectable(t.name.c_str(), panel.table == t.name, ImGuiSelectableFlags_SpanAllColumns)) {
      select_table(panel, t);
    }
    ImGui::TableSetColumnIndex(1);
    ImGui::TextColored(kAdded, "%zu", t.added.size());
    ImGui::TableSetColumnIndex(2);
    ImGui::TextColored(kRemoved, "%zu", t.removed.size());
    ImGui::TableSetColumnIndex(3);
    ImGui::TextColored(kChanged, "%zu", t.changed.size());
  }
  ImGui::EndTable();
}

void draw_cell(const diff::RowEntry& row, std::size_t c) {
  const bool changed = std::find(row.changed_columns.begin(), row.changed_columns.end(), c) != row.changed_columns.end();
  if (row.kind == diff::RowChange::Added) {
    ImGui::TextUnformatted(row.after[c].display().c_str());
  } else if (row.kind == diff::RowChange::Removed) {
    ImGui::TextUnformatted(row.before[c].display().c_str());
  } else if (changed) {
    ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, ImGui::GetColorU32(ImVec4(0.95f, 0.75f, 0.30f, 0.22f)));
    ImGui::TextColored(kRemoved, "%s", row.before[c].display().c_str());
    ImGui::SameLine(0, 4);
    ImGui::TextColored(kAdded, "-> %s", row.after[c].display().c_str());
  } else {
    ImGui::TextUnformatted(row.after[c].display().c_str());
  }
  if (ImGui::IsItemHovered() && ImGui::IsMouseDoubleClicked(0)) {
    const diff::Value& v = row.kind == diff::RowChange::Removed ? row.before[c] : row.after[c];
    ImGui::SetClipboardText(v.display().c_str());
  }
}

void draw_rows(DiffPanel& panel, Session& session, const diff::TableDiff& t) {
  const float em = ImGui::GetFontSize();
  const diff::RowChange kinds[] = {diff::RowChange::Changed, diff::RowChange::Added, diff::RowChange::Removed};
  const char* labels[] = {"changed", "added", "removed"};
  for (int k = 0; k < 3; ++k) {
    char label[48];
    std::snprintf(label, sizeof label, "%s (%zu)", labels[k], t.count(kinds[k]));
    if (k) ImGui::SameLine();
    if (ImGui::RadioButton(label, panel.kind == k)) {
      panel.kind = k;
      panel.selected_row = -1;
    }
  }
  ImGui::SameLine();
  ImGui::Checkbox("newest first", &panel.descending);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(em * 8);
  if (ImGui::InputTextWithHint("##jump", "jump to id", panel.jump, sizeof panel.jump,
                               ImGuiInputTextFlags_EnterReturnsTrue | ImGuiInputTextFlags_CharsDecimal)) {
    // Ids of each kind are sorted ascending: find the first at or after the key.
    const long long key = std::atoll(panel.jump);
    const diff::RowChange kind = kinds[panel.kind];
    const std::vector<std::int64_t>& ids = kind == diff::RowChange::Added     ? t.added
                                           : kind == diff::RowChange::Removed ? t.removed
                                                                              : t.changed.before_ids;
    auto it = std::lower_bound(ids.begin(), ids.end(), static_cast<std::int64_t>(key));
    if (it != ids.end()) {
      std::size_t idx = static_cast<std::size_t>(it - ids.begin());
      panel.scroll_to = ordered(idx, ids.size(), panel.descending);
      panel.selected_row = static_cast<long long>(idx);
    }
  }
  ImGui::TextDisabled("Double-click a cell to copy it. Click a row for its before and after.");

  const diff::RowChange kind = kinds[panel.kind];
  const std::size_t total = t.count(kind);
  auto page = session.page();
  const bool page_fits = page && page->table == t.name && page->kind == kind;
  const float detail_h = panel.selected_row >= 0 ? em * 12 : 0;

  ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                          ImGuiTableFlags_ScrollX | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_Resizable;
  const int ncols = static_cast<int>(std::min<std::size_t>(t.columns.size(), 60)) + 1;
  if (ImGui::BeginTable("##rows", ncols, flags, ImVec2(0, ImGui::GetContentRegionAvail().y - detail_h))) {
    ImGui::TableSetupScrollFreeze(1, 1);
    ImGui::TableSetupColumn("key");
    for (int c = 0; c + 1 < ncols; ++c) ImGui::TableSetupColumn(t.columns[static_cast<std::size_t>(c)].name.c_str());
    ImGui::TableHeadersRow();
    if (panel.scroll_to) {
      ImGui::SetScrollY(static_cast<float>(*panel.scroll_to) * ImGui::GetTextLineHeightWithSpacing());
      panel.scroll_to.reset();
    }
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(total));
    std::size_t want_first = total, want_last = 0;
    while (clipper.Step()) {
      for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
        const std::size_t idx = ordered(static_cast<std::size_t>(r), total, panel.descending);
        want_first = std::min(want_first, idx);
        want_last = std::max(want_last, idx);
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        const diff::RowEntry* row = nullptr;
        if (page_fits && idx >= page->offset && idx < page->offset + page->rows.size()) row = &page->rows[idx - page->offset];
        if (!row) {
          ImGui::TextDisabled("...");
          continue;
        }
        ImGui::PushID(r);
        std::string key = diff::row_key_text(t, *row);
        if (ImGui::Selectable(key.c_str(), panel.selected_row == static_cast<long long>(idx),
                              ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap)) {
          panel.selected_row = static_cast<long long>(idx);
        }
        for (int c = 0; c + 1 < ncols; ++c) {
          ImGui::TableSetColumnIndex(c + 1);
          draw_cell(*row, static_cast<std::size_t>(c));
        }
        ImGui::PopID();
      }
    }
    ImGui::EndTable();
    // Ask for the page around what is on screen when it is not the one we have.
    if (total > 0 && want_first <= want_last &&
        !(page_fits && want_first >= page->offset && want_last < page->offset + page->rows.size())) {
      std::size_t offset = want_first > kPageRows / 4 ? want_first - kPageRows / 4 : 0;
      session.request_page({t.name, kind, offset, kPageRows});
    }
  }

  if (panel.selected_row >= 0 && page_fits) {
    const std::size_t idx = static_cast<std::size_t>(panel.selected_row);
    if (idx >= page->offset && idx < page->offset + page->rows.size()) {
      const diff::RowEntry& row = page->rows[idx - page->offset];
      ImGui::BeginChild("##detail", ImVec2(0, detail_h), true);
      ImGui::TextColored(kind_color(row.kind), "%s row %s", diff::to_string(row.kind), diff::row_key_text(t, row).c_str());
      if (ImGui::BeginTable("##detailcols", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupColumn("column");
        ImGui::TableSetupColumn("before");
        ImGui::TableSetupColumn("after");
        ImGui::TableHeadersRow();
        for (std::size_t c = 0; c < t.columns.size(); ++c) {
          ImGui::TableNextRow();
          ImGui::TableSetColumnIndex(0);
          ImGui::TextUnformatted(t.columns[c].name.c_str());
          ImGui::TableSetColumnIndex(1);
          ImGui::TextUnformatted(row.before[c].type == diff::Value::Type::Absent ? "(none)" : row.before[c].display().c_str());
          ImGui::TableSetColumnIndex(2);
          ImGui::TextUnformatted(row.after[c].type == diff::Value::Type::Absent ? "(none)" : row.after[c].display().c_str());
        }
        ImGui::EndTable();
      }
      ImGui::EndChild();
    }
  }
}

}  // namespace

void draw_diff(DiffPanel& panel, Session& session) {
  auto run = session.run();
  if (!run || !run->ok || !run->diff) {
    ImGui::TextWrapped("No diff yet: run the normalization (Hazards tab, Normalize).");
    return;
  }
  const diff::DiffResult& d = *run->diff;
  const float em = ImGui::GetFontSize();
  if (panel.table.empty()) {
    for (const auto& t : d.tables)
      if (t.has_row_changes()) {
        select_table(panel, t);
        break;
      }
  }
  ImGui::BeginChild("##left", ImVec2(em * 17, 0), false);
  ImGui::Checkbox("show unchanged tables", &panel.show_unchanged);
  if (ImGui::CollapsingHeader("Schema changes")) {
    for (const auto& c : d.schema) ImGui::BulletText("%s", c.describe().c_str());
  }
  draw_tables(panel, d);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("##right", ImVec2(0, 0), false);
  const diff::TableDiff* t = d.table(panel.table);
  if (t) {
    draw_rows(panel, session, *t);
  } else {
    ImGui::TextDisabled("Pick a table.");
  }
  ImGui::EndChild();
}

}  // namespace redline::app
