// The diff panel: every table with its added/removed/changed row and changed cell
// counts, the schema changes, and a virtualized row diff (ImGuiListClipper over pages
// the session fetches between frames) with changed cells highlighted (before ->
// after), a kind filter, a search the core runs between frames, sort order, jump to
// a key, the change minimap beside it, and the selected row's before/after in full
// with where moved values went.
#include <imgui.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "app/minimap.hpp"
#include "app/panels.hpp"

namespace redline::app {

namespace {

constexpr std::size_t kPageRows = 256;
constexpr std::size_t kMinimapBuckets = 1024;
const ImVec4 kAdded(0.40f, 0.80f, 0.45f, 1.0f);
const ImVec4 kRemoved(0.95f, 0.40f, 0.35f, 1.0f);
const ImVec4 kChanged(0.95f, 0.75f, 0.30f, 1.0f);
const diff::RowChange kKinds[] = {diff::RowChange::Changed, diff::RowChange::Added, diff::RowChange::Removed};
const char* const kKindNames[] = {"changed", "added", "removed"};

const ImVec4& kind_color(diff::RowChange k) {
  return k == diff::RowChange::Added ? kAdded : k == diff::RowChange::Removed ? kRemoved : kChanged;
}

// Row index `i` of the current order (ascending or descending ids); its own inverse.
std::size_t ordered(std::size_t i, std::size_t total, bool descending) { return descending ? total - 1 - i : i; }

std::int64_t entry_id(const diff::RowEntry& r) { return r.kind == diff::RowChange::Added ? r.after_id : r.before_id; }

std::string trimmed(const char* s) {
  std::string q(s);
  while (!q.empty() && (q.back() == ' ' || q.back() == '\t')) q.pop_back();
  std::size_t b = q.find_first_not_of(" \t");
  return b == std::string::npos ? std::string() : q.substr(b);
}

// The search result for what the panel shows now, or null (no query, or the session
// has not started on it yet).
std::shared_ptr<const diff::SearchResult> active_search(const DiffPanel& panel, const Session& session) {
  auto r = session.search();
  const std::string q = trimmed(panel.search);
  if (!r || q.empty() || r->table != panel.table || r->kind != kKinds[panel.kind] || r->query != q) return nullptr;
  return r;
}

// Select `row` and ask the session for its detail lines (worked out from the moves
// between frames; drawn once published).
void select_row(DiffPanel& panel, Session& session, const TableSummary& t, const diff::RowEntry& row) {
  panel.selected = row;
  session.request_detail({t.name, row.kind, row.before_id, row.after_id});
}

// The published detail of the selected row, or null while the session works it out.
std::shared_ptr<const RowDetail> selected_detail(const DiffPanel& panel, const Session& session) {
  auto d = session.detail();
  if (!d || !panel.selected || d->table != panel.table || d->kind != panel.selected->kind ||
      d->before_id != panel.selected->before_id || d->after_id != panel.selected->after_id)
    return nullptr;
  return d;
}

// A new run's diff has other rows: what was selected or being located in the last
// one is dropped (its detail would never be published again).
void follow_run(DiffPanel& panel, const Session& session) {
  if (panel.runs_seen == session.runs()) return;
  panel.runs_seen = session.runs();
  panel.selected.reset();
  panel.locating.reset();
  panel.minimap_pick.reset();
}

// Show `t`, starting with its first non-empty kind of change.
void select_table(DiffPanel& panel, const TableSummary& t) {
  panel.table = t.name;
  panel.show_schema = false;
  panel.selected.reset();
  panel.locating.reset();
  panel.minimap_pick.reset();
  panel.scroll_to = 0;
  panel.kind = t.changed > 0 ? 0 : t.added > 0 ? 1 : t.removed > 0 ? 2 : 0;
}

void set_kind(DiffPanel& panel, int kind) {
  panel.kind = kind;
  panel.selected.reset();
  panel.locating.reset();
  panel.minimap_pick.reset();
  panel.scroll_to = 0;
}

void draw_tables(DiffPanel& panel, const DiffSummary& d) {
  ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                          ImGuiTableFlags_SizingFixedFit;
  if (!ImGui::BeginTable("##difftables", 5, flags, ImVec2(0, ImGui::GetContentRegionAvail().y))) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("table", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableSetupColumn("+");
  ImGui::TableSetupColumn("-");
  ImGui::TableSetupColumn("~");
  ImGui::TableSetupColumn("cells");
  ImGui::TableHeadersRow();
  for (const auto& t : d.tables) {
    const bool schema_only = !t.has_row_changes();
    if (schema_only && !panel.show_unchanged) continue;
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    if (ImGui::Selectable(t.name.c_str(), !panel.show_schema && panel.table == t.name,
                          ImGuiSelectableFlags_SpanAllColumns)) {
      select_table(panel, t);
    }
    ImGui::TableSetColumnIndex(1);
    ImGui::TextColored(kAdded, "%zu", t.added);
    ImGui::TableSetColumnIndex(2);
    ImGui::TextColored(kRemoved, "%zu", t.removed);
    ImGui::TableSetColumnIndex(3);
    ImGui::TextColored(kChanged, "%zu", t.changed);
    ImGui::TableSetColumnIndex(4);
    ImGui::Text("%lld", static_cast<long long>(t.cells_changed));
  }
  ImGui::EndTable();
}

void draw_schema(const DiffSummary& d) {
  if (d.schema.empty()) {
    ImGui::TextDisabled("The schema did not change.");
    return;
  }
  ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                          ImGuiTableFlags_ScrollX | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_Resizable;
  if (!ImGui::BeginTable("##schema", 5, flags, ImVec2(0, ImGui::GetContentRegionAvail().y))) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("change");
  ImGui::TableSetupColumn("table");
  ImGui::TableSetupColumn("column / index");
  ImGui::TableSetupColumn("before");
  ImGui::TableSetupColumn("after");
  ImGui::TableHeadersRow();
  using K = diff::SchemaChangeKind;
  for (const diff::SchemaChange& c : d.schema) {
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    const bool added = c.kind == K::TableAdded || c.kind == K::ColumnAdded || c.kind == K::IndexAdded;
    const bool dropped = c.kind == K::TableDropped || c.kind == K::ColumnDropped || c.kind == K::IndexDropped;
    ImGui::TextColored(added ? kAdded : dropped ? kRemoved : kChanged, "%s", diff::to_string(c.kind));
    ImGui::TableSetColumnIndex(1);
    ImGui::TextUnformatted(c.table.c_str());
    ImGui::TableSetColumnIndex(2);
    ImGui::TextUnformatted(c.name.c_str());
    ImGui::TableSetColumnIndex(3);
    ImGui::TextUnformatted(c.before.c_str());
    ImGui::TableSetColumnIndex(4);
    ImGui::TextUnformatted(c.after.c_str());
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
    ImGui::TextColored(kAdded, "\xe2\x86\x92 %s", row.after[c].display().c_str());  // U+2192
  } else {
    ImGui::TextUnformatted(row.after[c].display().c_str());
  }
  const bool copy_key = ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed('C', false);
  if (ImGui::IsItemHovered() && (ImGui::IsMouseDoubleClicked(0) || ImGui::IsMouseReleased(1) || copy_key)) {
    const diff::Value& v = row.kind == diff::RowChange::Removed ? row.before[c] : row.after[c];
    ImGui::SetClipboardText(v.display().c_str());
  }
}

void draw_detail(DiffPanel& panel, const Session& session, const diff::TableDiff& t, float height) {
  const diff::RowEntry& row = *panel.selected;
  auto detail = selected_detail(panel, session);
  ImGui::BeginChild("##detail", ImVec2(0, height), true);
  ImGui::TextColored(kind_color(row.kind), "%s row %s of %s", diff::to_string(row.kind),
                     diff::row_key_text(t, row).c_str(), t.name.c_str());
  ImGui::SameLine();
  if (ImGui::SmallButton("close")) {
    panel.selected.reset();
    ImGui::EndChild();
    return;
  }
  if (!detail) {
    ImGui::TextDisabled("Reading the row and where its values went...");
    ImGui::EndChild();
    return;
  }
  if (ImGui::BeginTable("##detailcols", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp |
                                               ImGuiTableFlags_Resizable | ImGuiTableFlags_ScrollY)) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("column", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn("before", ImGuiTableColumnFlags_WidthStretch, 1.5f);
    ImGui::TableSetupColumn("after", ImGuiTableColumnFlags_WidthStretch, 1.5f);
    ImGui::TableSetupColumn("moved", ImGuiTableColumnFlags_WidthStretch, 2.5f);
    ImGui::TableHeadersRow();
    for (const DetailLine& l : detail->lines) {
      ImGui::TableNextRow();
      if (l.changed) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, ImGui::GetColorU32(ImVec4(0.95f, 0.75f, 0.30f, 0.18f)));
      ImGui::TableSetColumnIndex(0);
      ImGui::TextUnformatted(l.column.c_str());
      ImGui::TableSetColumnIndex(1);
      if (l.changed) ImGui::TextColored(kRemoved, "%s", l.before.c_str());
      else ImGui::TextUnformatted(l.before.c_str());
      ImGui::TableSetColumnIndex(2);
      if (l.changed) ImGui::TextColored(kAdded, "%s", l.after.c_str());
      else ImGui::TextUnformatted(l.after.c_str());
      ImGui::TableSetColumnIndex(3);
      ImGui::TextWrapped("%s", l.moved.c_str());
    }
    ImGui::EndTable();
  }
  ImGui::EndChild();
}

void draw_rows(DiffPanel& panel, Session& session, const TableSummary& summary) {
  // The table's columns and keys, for the row keys (diff::row_key_text) of this frame.
  const diff::TableDiff t = summary.shape();
  const float em = ImGui::GetFontSize();
  for (int k = 0; k < 3; ++k) {
    char label[48];
    std::snprintf(label, sizeof label, "%s (%zu)", kKindNames[k], summary.count(kKinds[k]));
    if (k) ImGui::SameLine();
    if (ImGui::RadioButton(label, panel.kind == k)) set_kind(panel, k);
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(em * 9);
  int sort = panel.descending ? 1 : 0;
  if (ImGui::Combo("##sort", &sort, "key ascending\0key descending\0")) {
    panel.descending = sort == 1;
    panel.scroll_to = 0;
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(em * 7);
  const bool jump = ImGui::InputTextWithHint("##jump", "jump to key", panel.jump, sizeof panel.jump,
                                             ImGuiInputTextFlags_EnterReturnsTrue | ImGuiInputTextFlags_CharsDecimal);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(em * 14);
  ImGui::InputTextWithHint("##search", "search key or text", panel.search, sizeof panel.search);

  const diff::RowChange kind = kKinds[panel.kind];
  const std::string query = trimmed(panel.search);
  if (!query.empty()) session.request_search({t.name, kind, query});
  auto search = active_search(panel, session);
  if (!query.empty()) {
    ImGui::SameLine();
    if (!search) {
      ImGui::TextDisabled("searching...");
    } else {
      ImGui::Text("%zu match%s%s", search->matches, search->matches == 1 ? "" : "es", search->done ? "" : "...");
      if (search->matches > search->rows.size()) {
        ImGui::SameLine();
        ImGui::TextDisabled("(first %zu shown)", search->rows.size());
      }
    }
  }

  // The list as shown: the search's rows, or every row of the kind (paged).
  const bool searching = !query.empty();
  const std::size_t total = searching ? (search ? search->rows.size() : 0) : summary.count(kind);
  auto page = session.page();
  const bool page_fits = page && page->table == t.name && page->kind == kind;
  // The id of the row at position idx (id order) when the panel has it: the search's
  // rows, or the page's.
  auto id_at = [&](std::size_t idx) -> std::optional<std::int64_t> {
    if (searching) return entry_id(search->rows[idx]);
    if (page_fits && idx >= page->offset && idx < page->offset + page->rows.size())
      return entry_id(page->rows[idx - page->offset]);
    return std::nullopt;
  };
  // Bring the first row whose id is at or after `id` into view, `back` rows below the
  // top: found among the search's rows here, or (the panel holds no row ids) asked of
  // the session, which answers before the next frame.
  auto go_to = [&](std::int64_t id, std::size_t back) {
    if (total == 0) return;
    if (searching) {
      std::size_t idx = static_cast<std::size_t>(
          std::lower_bound(search->rows.begin(), search->rows.end(), id,
                           [](const diff::RowEntry& r, std::int64_t v) { return entry_id(r) < v; }) -
          search->rows.begin());
      const std::size_t pos = ordered(std::min(idx, total - 1), total, panel.descending);
      panel.scroll_to = pos > back ? pos - back : 0;
      return;
    }
    panel.locating = Session::LocateRequest{t.name, id, false, kind};
    panel.locate_back = back;
    session.request_locate(*panel.locating);
  };
  if (jump) go_to(std::atoll(panel.jump), 0);
  if (panel.locating && !searching) {
    auto l = session.location();
    if (l && l->table == panel.locating->table && l->id == panel.locating->id && !l->any_kind && l->kind == kind) {
      if (l->found && total > 0) {
        const std::size_t pos = ordered(std::min(l->index, total - 1), total, panel.descending);
        panel.scroll_to = pos > panel.locate_back ? pos - panel.locate_back : 0;
      }
      panel.locating.reset();
    }
  }

  const float detail_h = panel.selected ? em * 13 : 0;
  const float minimap_w = em * 2.4f;
  const float rows_h = std::max(em * 6, ImGui::GetContentRegionAvail().y - detail_h -
                                           (panel.selected ? ImGui::GetStyle().ItemSpacing.y : 0.0f));
  const float row_h = ImGui::GetTextLineHeightWithSpacing();

  ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                          ImGuiTableFlags_ScrollX | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_Resizable;
  const int ncols = static_cast<int>(std::min<std::size_t>(t.columns.size(), 60)) + 1;
  std::size_t want_first = total, want_last = 0;
  std::size_t shown_first = total, shown_last = 0;
  const float table_w = ImGui::GetContentRegionAvail().x - minimap_w - ImGui::GetStyle().ItemSpacing.x;
  if (ImGui::BeginTable("##rows", ncols, flags, ImVec2(table_w, rows_h))) {
    ImGui::TableSetupScrollFreeze(1, 1);
    ImGui::TableSetupColumn("key");
    for (int c = 0; c + 1 < ncols; ++c) ImGui::TableSetupColumn(t.columns[static_cast<std::size_t>(c)].name.c_str());
    ImGui::TableHeadersRow();
    if (panel.scroll_to) {
      ImGui::SetScrollY(static_cast<float>(*panel.scroll_to) * row_h);
      panel.scroll_to.reset();
    }
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(total));
    while (clipper.Step()) {
      for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
        const std::size_t idx = ordered(static_cast<std::size_t>(r), total, panel.descending);
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        // The clipper lays out rows that are not on screen too: row 0 every frame (to
        // measure a row's height) and the focused row. Only the rows on screen say what
        // is shown and which page to ask for: with row 0 among them, a list scrolled
        // past the first page kept asking for the first page and showed "..." rows.
        const bool on_screen = ImGui::IsRectVisible(ImVec2(1.0f, ImGui::GetTextLineHeight()));
        if (on_screen) {
          shown_first = std::min(shown_first, idx);
          shown_last = std::max(shown_last, idx);
        }
        const diff::RowEntry* row = nullptr;
        if (searching) {
          row = &search->rows[idx];
        } else {
          if (on_screen) {
            want_first = std::min(want_first, idx);
            want_last = std::max(want_last, idx);
          }
          if (page_fits && idx >= page->offset && idx < page->offset + page->rows.size()) row = &page->rows[idx - page->offset];
        }
        if (!row) {
          ImGui::TextDisabled("...");
          continue;
        }
        ImGui::PushID(r);
        const std::string key = diff::row_key_text(t, *row);
        const bool is_selected = panel.selected && panel.selected->kind == row->kind && entry_id(*panel.selected) == entry_id(*row);
        if (ImGui::Selectable(key.c_str(), is_selected,
                              ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap)) {
          select_row(panel, session, summary, *row);
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
    if (!searching && total > 0 && want_first <= want_last &&
        !(page_fits && want_first >= page->offset && want_last < page->offset + page->rows.size())) {
      std::size_t offset = want_first > kPageRows / 4 ? want_first - kPageRows / 4 : 0;
      session.request_page({t.name, kind, offset, kPageRows});
    }
  }
  panel.shown_total = total;
  panel.shown_first = shown_first <= shown_last ? shown_first : 0;
  panel.shown_last = shown_first <= shown_last ? shown_last : 0;
  panel.shown_loaded = shown_first <= shown_last &&
                       (searching || (page_fits && shown_first >= page->offset && shown_last < page->offset + page->rows.size()));

  // The minimap: where the changes are along the whole table, and where we are.
  ImGui::SameLine();
  session.request_density(t.name, kMinimapBuckets);
  auto density = session.density();
  const ImVec2 mm_min = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##minimap", ImVec2(minimap_w, rows_h));
  const ImVec2 mm_max(mm_min.x + minimap_w, mm_min.y + rows_h);
  panel.minimap_rect = ImVec4(mm_min.x, mm_min.y, mm_max.x, mm_max.y);
  // Click or drag: the rows at that place of the table come to the middle. The place is
  // kept rather than used at once: a press and release inside one frame leave the
  // button active in that frame only, which can come before this table's density
  // (asked for above, answered between frames), and the click would be lost.
  if (ImGui::IsItemActive()) panel.minimap_pick = (ImGui::GetIO().MousePos.y - mm_min.y) / std::max(1.0f, rows_h);
  if (density && density->table == t.name) {
    const auto first_id = total > 0 && shown_first <= shown_last ? id_at(shown_first) : std::nullopt;
    const auto last_id = total > 0 && shown_first <= shown_last ? id_at(shown_last) : std::nullopt;
    if (first_id && last_id) {
      panel.window_lo = static_cast<float>(density->position(*first_id));
      panel.window_hi = static_cast<float>(density->position(*last_id) +
                                           1.0 / static_cast<double>(std::max<std::size_t>(density->buckets, 1)));
    } else if (total == 0) {
      panel.window_lo = panel.window_hi = 0;
    }
    if (panel.minimap_pick) {
      go_to(density->id_at(*panel.minimap_pick), static_cast<std::size_t>(std::max(1.0f, rows_h / row_h) / 2));
      panel.minimap_pick.reset();
    }
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("Changes along %s (keys %lld..%lld): added | removed | changed.\nClick or drag to go there.",
                        t.name.c_str(), static_cast<long long>(density->lo), static_cast<long long>(density->hi));
    }
    MinimapView view;
    view.min = mm_min;
    view.max = mm_max;
    view.window_lo = panel.window_lo;
    view.window_hi = panel.window_hi;
    view.density = density;
    view.background = ImGui::GetStyle().Colors[ImGuiCol_FrameBg];
    view.background.w = 1.0f;
    view.added = kAdded;
    view.removed = kRemoved;
    view.changed = kChanged;
    panel.minimap_gpu = draw_minimap(ImGui::GetWindowDrawList(), view);
  }

  if (panel.selected) draw_detail(panel, session, t, detail_h);
}

}  // namespace

void draw_diff(DiffPanel& panel, Session& session) {
  follow_run(panel, session);
  auto run = session.run();
  if (!run || !run->ok || !run->diff) {
    ImGui::TextWrapped("No diff yet: run the normalization (Hazards tab, Normalize).");
    return;
  }
  const DiffSummary& d = *run->diff;
  const float em = ImGui::GetFontSize();
  if (panel.table.empty() && !panel.show_schema) {
    for (const auto& t : d.tables)
      if (t.has_row_changes()) {
        select_table(panel, t);
        break;
      }
  }
  ImGui::BeginChild("##left", ImVec2(em * 19, 0), false);
  ImGui::Checkbox("show unchanged tables", &panel.show_unchanged);
  char schema_label[48];
  std::snprintf(schema_label, sizeof schema_label, "Schema changes (%zu)", d.schema.size());
  if (ImGui::Selectable(schema_label, panel.show_schema)) panel.show_schema = true;
  draw_tables(panel, d);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("##right", ImVec2(0, 0), false);
  const TableSummary* t = d.table(panel.table);
  if (panel.show_schema) {
    draw_schema(d);
  } else if (t) {
    draw_rows(panel, session, *t);
  } else {
    ImGui::TextDisabled("Pick a table.");
  }
  ImGui::EndChild();
}

std::string diff_view(DiffPanel& panel, Session& session, const std::string& options_json) {
  using nlohmann::json;
  json o = json::parse(options_json, nullptr, false);
  if (!o.is_object()) o = json::object();
  json out;
  follow_run(panel, session);
  auto run = session.run();
  const DiffSummary* d = run && run->ok && run->diff ? run->diff.get() : nullptr;
  if (!d) {
    out["error"] = "no diff yet: run the normalization";
    return out.dump();
  }
  if (o.contains("table") && o["table"].is_string()) {
    if (const TableSummary* t = d->table(o["table"].get<std::string>())) {
      select_table(panel, *t);
    } else {
      out["error"] = "no table " + o["table"].get<std::string>() + " in the diff";
    }
  }
  if (o.contains("kind") && o["kind"].is_string()) {
    for (int k = 0; k < 3; ++k)
      if (o["kind"] == kKindNames[k]) set_kind(panel, k);
  }
  if (o.contains("sort") && o["sort"].is_string()) panel.descending = o["sort"] == "desc";
  if (o.contains("schema") && o["schema"].is_boolean()) panel.show_schema = o["schema"].get<bool>();
  const TableSummary* t = d->table(panel.table);
  const std::optional<diff::TableDiff> shape = t ? std::optional(t->shape()) : std::nullopt;
  if (o.contains("search") && o["search"].is_string()) {
    const std::string q = o["search"].get<std::string>();
    std::snprintf(panel.search, sizeof panel.search, "%s", q.c_str());
    panel.scroll_to = 0;
    if (t && !trimmed(panel.search).empty()) session.request_search({t->name, kKinds[panel.kind], trimmed(panel.search)});
  }
  auto search = active_search(panel, session);
  if (o.contains("select") && o["select"].is_string() && t) {
    // The key among the rows the panel has: the search's, or the page's.
    const std::string key = o["select"].get<std::string>();
    const diff::RowEntry* found = nullptr;
    if (search) {
      for (const auto& r : search->rows)
        if (diff::row_key_text(*shape, r) == key) found = &r;
    }
    auto page = session.page();
    if (!found && page && page->table == t->name && page->kind == kKinds[panel.kind]) {
      for (const auto& r : page->rows)
        if (diff::row_key_text(*shape, r) == key) found = &r;
    }
    if (found) {
      select_row(panel, session, *t, *found);
    } else {
      out["error"] = "row " + key + " is not among the rows shown";
    }
  }

  out["table"] = panel.table;
  out["kind"] = kKindNames[panel.kind];
  out["sort"] = panel.descending ? "desc" : "asc";
  out["schema_shown"] = panel.show_schema;
  out["tables"] = json::array();
  for (const auto& tt : d->tables) {
    out["tables"].push_back({{"name", tt.name}, {"added", tt.added}, {"removed", tt.removed},
                             {"changed", tt.changed}, {"cells_changed", tt.cells_changed}});
  }
  out["schema"] = json::array();
  for (const auto& c : d->schema) {
    out["schema"].push_back({{"kind", diff::to_string(c.kind)}, {"table", c.table}, {"name", c.name},
                             {"before", c.before}, {"after", c.after}});
  }
  out["total"] = panel.shown_total;
  out["shown"] = {panel.shown_first, panel.shown_last};
  out["shown_loaded"] = panel.shown_loaded;
  const std::string q = trimmed(panel.search);
  if (q.empty()) {
    out["search"] = nullptr;
  } else if (!search) {
    out["search"] = {{"query", q}, {"done", false}};
  } else {
    json keys = json::array();
    for (const auto& r : search->rows) {
      if (keys.size() >= 200) break;
      keys.push_back(shape ? diff::row_key_text(*shape, r) : std::string());
    }
    out["search"] = {{"query", q}, {"matches", search->matches}, {"scanned", search->scanned},
                     {"total", search->total}, {"done", search->done}, {"keys", keys}};
  }
  if (panel.selected && shape) {
    // The lines once the session has worked them out; until then "pending".
    auto detail = selected_detail(panel, session);
    json lines = json::array();
    for (const DetailLine& l : detail ? detail->lines : std::vector<DetailLine>{}) {
      lines.push_back({{"column", l.column}, {"before", l.before}, {"after", l.after}, {"changed", l.changed},
                       {"moved", l.moved}});
    }
    out["selected"] = {{"key", diff::row_key_text(*shape, *panel.selected)},
                       {"kind", diff::to_string(panel.selected->kind)}, {"lines", lines}, {"pending", !detail}};
  } else {
    out["selected"] = nullptr;
  }
  auto density = session.density();
  out["minimap"] = {{"gpu", panel.minimap_gpu}, {"window", {panel.window_lo, panel.window_hi}},
                    {"rect", {panel.minimap_rect.x, panel.minimap_rect.y, panel.minimap_rect.z, panel.minimap_rect.w}},
                    {"buckets", density ? density->buckets : 0}};
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace redline::app
