// The Overview tab: the first screen that leads. Before a run: what the snapshot is,
// its hazards with the blocker first and the option that resolves each (the same
// options the Hazards and Run panels use), and one next action, Normalize, disabled
// with the reason while a blocker is unresolved. After a run: the reviewer's summary
// first (the verdict, per table the counts, values moved and lost), every number a
// link to the rows it counts. Sized for a projector: headings larger, one idea a line.
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>

#include "app/panels.hpp"
#include "app/summary.hpp"

namespace redline::app {

namespace {

bool light_theme() { return ImGui::GetStyleColorVec4(ImGuiCol_WindowBg).x >= 0.5f; }
// Signal colours, darker on the light theme (amber on white does not read on a projector).
ImVec4 tone(float r, float g, float b) {
  const float k = light_theme() ? 0.62f : 1.0f;
  return ImVec4(r * k, g * k, b * k, 1.0f);
}
ImVec4 red() { return tone(0.95f, 0.35f, 0.30f); }
ImVec4 amber() { return tone(0.95f, 0.70f, 0.25f); }
ImVec4 green() { return tone(0.40f, 0.78f, 0.40f); }
ImVec4 blue() { return tone(0.45f, 0.70f, 0.95f); }

ImVec4 severity_color(Severity s) {
  return s == Severity::Blocker ? red() : s == Severity::Warning ? amber() : blue();
}

// Text (or a button) at `scale` times the UI font: ImGui scales the atlas' glyphs.
struct Scaled {
  float old;
  explicit Scaled(float scale) : old(ImGui::GetFont()->Scale) {
    ImGui::GetFont()->Scale = old * scale;
    ImGui::PushFont(ImGui::GetFont());
  }
  ~Scaled() {
    ImGui::GetFont()->Scale = old;
    ImGui::PopFont();
  }
};

// Links read as links on both themes (the plot colors are alarms' reds).
ImVec4 link_color() {
  return light_theme() ? ImVec4(0.10f, 0.35f, 0.80f, 1.0f) : ImVec4(0.45f, 0.72f, 1.0f, 1.0f);
}

const char* format_title(Format f) {
  switch (f) {
    case Format::Sqlite: return "SQLite database file";
    case Format::PgDump: return "pg_dump plain SQL";
    case Format::DumpData: return "Django dumpdata JSON";
    case Format::SqliteDump: return "sqlite3 .dump text";
    default: return format_name(f);
  }
}

void heading(const char* text, ImVec4 color, float scale = 1.35f) {
  Scaled s(scale);
  ImGui::TextColored(color, "%s", text);
}

std::string grouped(std::int64_t n) {
  std::string d = std::to_string(n < 0 ? -n : n), out;
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (i && (d.size() - i) % 3 == 0) out += ',';
    out += d[i];
  }
  return n < 0 ? "-" + out : out;
}

void remember(OverviewPanel& panel, const std::string& key) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  panel.rects[key] = ImVec4(a.x, a.y, b.x, b.y);
}

// A number drawn as a link: a click opens the rows it counts. A zero leads nowhere.
void number_link(OverviewPanel& panel, const SummaryNumber& n, Actions& actions, const char* prefix = "",
                 std::optional<ImVec4> color = std::nullopt) {
  const std::string label = prefix + grouped(n.value) + "##" + n.key;
  if (n.target.panel.empty()) {
    ImGui::TextDisabled("%s%s", prefix, grouped(n.value).c_str());
    remember(panel, n.key);
    return;
  }
  ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0, 0, 0, 0));
  ImGui::PushStyleColor(ImGuiCol_Text, color ? *color : link_color());
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(2, 0));
  if (ImGui::Button(label.c_str())) actions.open_target = n.target;
  ImGui::PopStyleVar();
  ImGui::PopStyleColor(2);
  remember(panel, n.key);
  if (ImGui::IsItemHovered()) {
    if (n.target.panel == "diff")
      ImGui::SetTooltip("Open the %s rows of %s in the Diff", n.target.kind.c_str(), n.target.table.c_str());
    else if (!n.target.check.empty())
      ImGui::SetTooltip("Open the checklist item %s (its rows and lost values)", n.target.check.c_str());
    else
      ImGui::SetTooltip("Open the checklist at these items");
  }
}

// The resolution choices of a hazard kind: radio buttons on the options the run uses.
void resolution_controls(OverviewPanel& panel, HazardsPanel& options, const HazardLine& line) {
  auto radio = [&](const char* label, const char* value, int* field, int v, const char* tip) {
    ImGui::SameLine();
    if (ImGui::RadioButton(label, *field == v)) *field = v;
    remember(panel, "option/" + line.option + "/" + value);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tip);
  };
  if (line.option.empty()) return;
  ImGui::TextUnformatted("Resolve:");
  if (line.option == "username_collision") {
    radio("suffix: name-<employee id> (default)", "suffix", &options.collision, 0,
          "The new user's username gets -<employee id>.");
    radio("link to the existing user", "link", &options.collision, 1,
          "The employee is linked to the user that has the name.");
    radio("stop", "stop", &options.collision, 2, "Refuse to run (the guide's script would crash here).");
  } else if (line.option == "contact_overwrite") {
    radio("employee wins (the guide)", "employee_wins", &options.overwrite, 0, "The employee's value replaces the user's.");
    radio("user wins", "user_wins", &options.overwrite, 1, "The user's value is kept; the employee's is lost.");
    radio("fill blanks only", "fill_blanks", &options.overwrite, 2, "Only empty user values are filled.");
  } else if (line.option == "zip_only_address") {
    radio("guide: the zip code is lost", "guide", &options.zip_only, 0, "As Django does: no address is made.");
    radio("keep: create the address", "keep", &options.zip_only, 1, "An address with only the zip code is made.");
  }
}

void draw_snapshot(OverviewPanel& panel, const LoadedView& loaded, const FirstScreen& f) {
  const LoadSummary& s = loaded.summary;
  heading(s.name.c_str(), ImGui::GetStyleColorVec4(ImGuiCol_Text), 1.6f);
  ImGui::Text("%s%s  ·  %.1f MB  ·  %zu tables  ·  %s rows", loaded.is_demo ? "built-in demo, " : "",
              format_title(s.format), static_cast<double>(s.bytes) / 1e6, s.tables.size(),
              grouped(loaded.total_rows).c_str());
  const ImVec4 kind_color = s.kind == "not_crm" ? red() : s.kind == "before" ? green() : amber();
  ImGui::PushTextWrapPos(0);
  ImGui::TextColored(kind_color, "This snapshot is %s.", s.recognition.c_str());
  std::string apps;
  for (const auto& a : f.apps) apps += (apps.empty() ? "" : ", ") + a;
  ImGui::Text("Django apps seen: %s", apps.empty() ? "none" : apps.c_str());
  std::string carried;
  for (const auto& t : f.carried) carried += (carried.empty() ? "" : ", ") + t;
  if (!f.carried.empty())
    ImGui::TextWrapped("Carried through untouched: %zu tables, %s rows (%s).", f.carried.size(),
                       grouped(f.carried_rows).c_str(), carried.c_str());
  for (const auto& w : s.warnings) ImGui::TextColored(amber(), "warning: %s", w.c_str());
  ImGui::PopTextWrapPos();
  (void)panel;
}

void draw_next(OverviewPanel& panel, HazardsPanel& options, const FirstScreen& f, bool after_run, Actions& actions) {
  const bool can = f.blocked.empty();
  {
    Scaled s(1.4f);
    if (!can) ImGui::BeginDisabled();
    ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.20f, 0.50f, 0.28f, 1.0f));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(0.25f, 0.62f, 0.34f, 1.0f));
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
    if (ImGui::Button(after_run ? "Normalize again" : "Normalize")) actions.start_run = options_of(options);
    ImGui::PopStyleColor(3);
    if (!can) ImGui::EndDisabled();
  }
  remember(panel, "normalize");
  ImGui::SameLine();
  ImGui::PushTextWrapPos(0);
  if (!can) {
    ImGui::TextColored(red(), "%s", f.blocked.c_str());
  } else {
    ImGui::TextDisabled("Runs expand, migrate, contract and index in this tab with the resolutions below; "
                        "the snapshot itself is not changed.");
  }
  ImGui::PopTextWrapPos();
}

void draw_hazard_list(OverviewPanel& panel, HazardsPanel& options, const LoadedView& loaded, const FirstScreen& f) {
  char title[96];
  if (f.hazards.empty()) {
    heading(loaded.summary.kind == "not_crm" ? "Hazards: none looked for" : "No hazards: it runs as the guide says",
            loaded.summary.kind == "not_crm" ? amber() : green());
    return;
  }
  std::snprintf(title, sizeof title, "Hazards: %d blocker%s, %d warning%s, %d info", f.blockers,
                f.blockers == 1 ? "" : "s", f.warnings, f.warnings == 1 ? "" : "s", f.infos);
  heading(title, f.blockers ? red() : amber());
  const float em = ImGui::GetFontSize();
  for (std::size_t i = 0; i < f.hazards.size(); ++i) {
    const HazardLine& l = f.hazards[i];
    const Hazard& h = *l.hazard;
    ImGui::PushID(static_cast<int>(i));
    ImGui::Separator();
    {
      Scaled s(1.15f);
      ImGui::TextColored(severity_color(h.severity), "%s", h.severity == Severity::Blocker ? "BLOCKER"
                                                            : h.severity == Severity::Warning ? "WARNING" : "INFO");
      ImGui::SameLine(em * 7.5f);
      ImGui::Text("%s: %zu row%s of %s", h.kind.c_str(), h.ids.size(), h.ids.size() == 1 ? "" : "s", h.table.c_str());
    }
    remember(panel, "hazard/" + std::to_string(i));
    hazard_tooltip(h.kind);
    ImGui::Indent(em * 7.5f);
    // The preflight's message ends with the default resolution's effect; where the
    // choice is on screen, the radio buttons say what the run will do instead.
    std::string message = h.message;
    if (auto cut = message.find(". Resolution '"); !l.option.empty() && cut != std::string::npos)
      message.resize(cut + 1);
    ImGui::PushTextWrapPos(0);
    ImGui::TextWrapped("%s", message.c_str());
    ImGui::PopTextWrapPos();
    if (!l.option.empty()) {
      resolution_controls(panel, options, l);
      if (!l.resolved) {
        ImGui::SameLine();
        ImGui::TextColored(red(), "<- choose one");
      }
    } else {
      ImGui::TextDisabled("No option: the run does what the line above says; the checklist reports it.");
    }
    ImGui::Unindent(em * 7.5f);
    ImGui::PopID();
  }
}

void draw_run_summary(OverviewPanel& panel, const RunSummary& s, Actions& actions) {
  const ImVec4 color = s.status != "ok" ? red() : s.fail.value ? red() : s.warn.value ? amber() : green();
  heading(s.verdict.c_str(), color, 1.5f);
  if (!s.error.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(red(), "%s", s.error.c_str());
    ImGui::PopTextWrapPos();
  }
  if (s.pass.key.empty()) return;
  ImGui::TextUnformatted("Checklist:");
  const std::pair<const SummaryNumber*, const char*> chips[] = {
      {&s.fail, "fail"}, {&s.warn, "warn"}, {&s.pass, "pass"}, {&s.manual, "manual (to tick)"}};
  for (const auto& [n, name] : chips) {
    ImGui::SameLine();
    number_link(panel, *n, actions);
    ImGui::SameLine(0, 2);
    ImGui::TextColored(status_color(name[0] == 'm' ? "manual" : name), "%s", name);
  }
  ImGui::SameLine();
  ImGui::TextDisabled("· strict verdict: %s", s.strict_ok ? "passes" : "refuses");
  if (s.tables.empty()) return;

  ImGui::Spacing();
  const float em = ImGui::GetFontSize();
  ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit |
                          ImGuiTableFlags_ScrollY;
  std::size_t shown = 0;
  for (const auto& t : s.tables) shown += t.touched() ? 1 : 0;
  // Rows hold text and frameless buttons: a line plus the cell padding, and borders.
  const float row_h = ImGui::GetTextLineHeight() + ImGui::GetStyle().CellPadding.y * 2;
  const float height = std::min(ImGui::GetContentRegionAvail().y - row_h * 3,
                                (static_cast<float>(shown) + 1) * row_h + 2);
  if (ImGui::BeginTable("##summary", 9, flags, ImVec2(0, std::max(height, row_h * 4)))) {
    ImGui::TableSetupScrollFreeze(1, 1);
    ImGui::TableSetupColumn("table", ImGuiTableColumnFlags_WidthFixed, em * 9);
    ImGui::TableSetupColumn("rows before", 0, em * 5.5f);
    ImGui::TableSetupColumn("rows after", 0, em * 5.5f);
    ImGui::TableSetupColumn("added", 0, em * 4.5f);
    ImGui::TableSetupColumn("removed", 0, em * 4.5f);
    ImGui::TableSetupColumn("changed rows", 0, em * 6);
    ImGui::TableSetupColumn("changed cells", 0, em * 6);
    ImGui::TableSetupColumn("values moved to", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("values lost", 0, em * 5);
    ImGui::TableHeadersRow();
    for (const auto& t : s.tables) {
      if (!t.touched()) continue;
      ImGui::PushID(t.table.c_str());
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::TextUnformatted(t.table.c_str());
      const SummaryNumber* cols[] = {&t.before, &t.after, &t.added, &t.removed, &t.changed, &t.cells};
      for (int c = 0; c < 6; ++c) {
        ImGui::TableSetColumnIndex(c + 1);
        number_link(panel, *cols[c], actions);
      }
      ImGui::TableSetColumnIndex(7);
      if (t.moved.empty()) ImGui::TextDisabled("-");
      for (std::size_t m = 0; m < t.moved.size(); ++m) {
        if (m) ImGui::SameLine();
        number_link(panel, t.moved[m].moved, actions);
        ImGui::SameLine(0, 2);
        ImGui::TextDisabled("-> %s", t.moved[m].to_table.c_str());
      }
      ImGui::TableSetColumnIndex(8);
      number_link(panel, t.lost, actions, "", red());
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  if (!s.untouched.empty()) {
    std::string names;
    for (const auto& t : s.untouched) names += (names.empty() ? "" : ", ") + t;
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("Unchanged (same rows, same values): %s.", names.c_str());
    ImGui::PopTextWrapPos();
  }
}

}  // namespace

void draw_first_screen(OverviewPanel& panel, HazardsPanel& options, const Session& session, Actions& actions) {
  panel.rects.clear();
  auto loaded = session.loaded();
  if (!loaded) return;
  const FirstScreen& f = panel.summaries.first(loaded, options, session.job().active);
  auto run = session.run();

  ImGui::BeginChild("##first", ImVec2(0, 0), false);
  if (run) {
    // After a run the reviewer's summary comes first; the snapshot and its hazards
    // stay one click away, with Normalize to run again with other resolutions.
    draw_run_summary(panel, panel.summaries.run(run), actions);
    ImGui::Spacing();
    if (ImGui::CollapsingHeader("The snapshot, its hazards and the resolutions")) {
      draw_snapshot(panel, *loaded, f);
      ImGui::Spacing();
      draw_next(panel, options, f, true, actions);
      ImGui::Spacing();
      draw_hazard_list(panel, options, *loaded, f);
    }
  } else {
    draw_snapshot(panel, *loaded, f);
    ImGui::Spacing();
    draw_next(panel, options, f, false, actions);
    ImGui::Spacing();
    draw_hazard_list(panel, options, *loaded, f);
  }
  ImGui::Spacing();
  if (ImGui::CollapsingHeader("Tables and row counts")) draw_overview(panel, *loaded);
  ImGui::EndChild();
}

}  // namespace redline::app
