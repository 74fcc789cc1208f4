// The run panel: the normalization's progress (bar and Cancel while it runs), its
// outcome and the downloads (after.sqlite3, the report as JSON/Markdown/HTML, the
// options, a table's changes as CSV); and a stepper for trainers that walks the
// finished run one step at a time through its phases (expand, migrate, contract,
// index): play, step, back, each step with its SQL, rows affected, time and the
// tables it changed; and before a run the plan (every step with the statements it
// will execute for the chosen options and the rows it will touch), after it what
// each step did to each table (rows created, changed, removed, examples) and the
// database as it stood after the step: both from the engine's step-by-step replay
// of the same run on a copy (engine_stepper.cpp), made at once for small snapshots
// and when the person asks for it for larger ones.
#include <imgui.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

#include "app/panels.hpp"
#include "core/migrate/trace.hpp"

namespace redline::app {

namespace {

const char* kPhases[] = {"expand", "migrate", "contract", "index"};

int phase_index(const std::string& id) {
  switch (id.empty() ? ' ' : id[0]) {
    case 'E': return 0;
    case 'M': return 1;
    case 'C': return 2;
    case 'I': return 3;
    default: return -1;  // bookkeeping (P1, ...)
  }
}
const char* phase_of(const std::string& id) {
  int p = phase_index(id);
  return p < 0 ? "bookkeeping" : kPhases[p];
}

// The word after `pos` in `sql` (a table or index name, quotes removed).
std::string word_at(const std::string& sql, std::size_t pos) {
  while (pos < sql.size() && std::isspace(static_cast<unsigned char>(sql[pos]))) ++pos;
  if (pos >= sql.size()) return {};
  const char q = sql[pos];
  if (q == '"' || q == '`' || q == '[') {
    const char close = q == '[' ? ']' : q;
    auto end = sql.find(close, pos + 1);
    return end == std::string::npos ? std::string() : sql.substr(pos + 1, end - pos - 1);
  }
  std::size_t end = pos;
  while (end < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[end])) || sql[end] == '_')) ++end;
  return sql.substr(pos, end - pos);
}

// Which tables a step's statements write to, read from the SQL itself: INSERT INTO,
// UPDATE, DELETE FROM, CREATE/ALTER/DROP TABLE, CREATE INDEX ... ON.
std::vector<std::string> tables_written(const StepRecord& s) {
  std::set<std::string> out;
  for (const auto& stmt : s.sql) {
    std::string up(stmt.size(), ' ');
    std::transform(stmt.begin(), stmt.end(), up.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    auto after_kw = [&](const char* kw, std::size_t from) -> std::size_t {
      auto p = up.find(kw, from);
      return p == std::string::npos ? std::string::npos : p + std::char_traits<char>::length(kw);
    };
    auto skip = [&](std::size_t p, const char* opt) {
      std::size_t q = p;
      while (q < up.size() && std::isspace(static_cast<unsigned char>(up[q]))) ++q;
      const std::size_t n = std::char_traits<char>::length(opt);
      return up.compare(q, n, opt) == 0 ? q + n : p;
    };
    std::size_t p = std::string::npos;
    if (up.rfind("INSERT", 0) == 0 || up.rfind("REPLACE", 0) == 0) p = after_kw(" INTO ", 0);
    else if (up.rfind("UPDATE", 0) == 0) p = skip(6, "OR IGNORE"), p = skip(p, "OR REPLACE");
    else if (up.rfind("DELETE", 0) == 0) p = after_kw(" FROM ", 0);
    else if (up.rfind("ALTER TABLE", 0) == 0) p = 11;
    else if (up.rfind("DROP TABLE", 0) == 0) p = skip(10, "IF EXISTS");
    else if (up.rfind("CREATE TABLE", 0) == 0) p = skip(12, "IF NOT EXISTS");
    else if (up.rfind("CREATE", 0) == 0 && up.find(" INDEX ") != std::string::npos) p = after_kw(" ON ", 0);
    if (p == std::string::npos) continue;
    std::string t = word_at(stmt, p);
    if (!t.empty()) out.insert(t);
  }
  return {out.begin(), out.end()};
}

void draw_progress(const JobView& job, Actions& actions) {
  const float em = ImGui::GetFontSize();
  ImGui::Text("%s", job.title.c_str());
  char overlay[96];
  std::snprintf(overlay, sizeof overlay, "%s %.0f%%", job.phase.c_str(), job.fraction * 100.0);
  ImGui::ProgressBar(static_cast<float>(job.fraction), ImVec2(em * 24, 0), overlay);
  ImGui::SameLine();
  if (ImGui::Button("Cancel")) actions.cancel_job = true;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Stop the run: nothing is kept, the snapshot stays as loaded.");
}

void draw_downloads(RunPanel& panel, const RunView& run, Actions& actions) {
  const float em = ImGui::GetFontSize();
  auto drawn = [&](const char* key) {
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    panel.rects[std::string("download/") + key] = ImVec4(a.x, a.y, b.x, b.y);
  };
  if (run.ok) {
    if (ImGui::Button("after.sqlite3")) actions.download_after = true;
    drawn("after.sqlite3");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("The normalized database, as a SQLite file.");
    ImGui::SameLine();
  }
  ImGui::TextDisabled("Report:");
  ImGui::SameLine();
  if (ImGui::Button("HTML")) actions.download_report = "html";
  drawn("html");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("One self-contained file a non-developer can read: summary, hazards, checklist, changes.");
  ImGui::SameLine();
  if (ImGui::Button("Markdown")) actions.download_report = "md";
  ImGui::SameLine();
  if (ImGui::Button("JSON")) actions.download_report = "json";
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("The report of spec §5, the same document as the CLI's --report.");
  ImGui::SameLine();
  if (ImGui::Button("Options JSON")) actions.download_options = true;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("The options of this page, for `redline normalize --options`.");
  if (run.ok) {
    ImGui::SameLine();
    if (ImGui::Button("PostgreSQL script")) actions.download_script = false;
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("This migration for the production database: psql -X -v ON_ERROR_STOP=1 -d DB -f FILE "
                        "(the same file as `redline script`).");
    ImGui::SameLine();
    if (ImGui::Button("Revert script")) actions.download_script = true;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Undoes the PostgreSQL script: `redline script --revert`.");
  }
  if (!run.ok || !run.diff) return;
  ImGui::SameLine(0, em * 1.5f);
  ImGui::TextDisabled("CSV of");
  ImGui::SameLine();
  std::vector<const TableSummary*> changed;
  for (const auto& t : run.diff->tables)
    if (t.has_row_changes()) changed.push_back(&t);
  if (changed.empty()) {
    ImGui::TextDisabled("(no table changed)");
    return;
  }
  bool known = false;
  for (const auto* t : changed) known = known || t->name == panel.csv_table;
  if (!known) panel.csv_table = changed.front()->name;
  ImGui::SetNextItemWidth(em * 10);
  if (ImGui::BeginCombo("##csv", panel.csv_table.c_str())) {
    for (const auto* t : changed) {
      char label[128];
      std::snprintf(label, sizeof label, "%s (%zu rows)", t->name.c_str(),
                    t->added + t->removed + t->changed);
      if (ImGui::Selectable(label, t->name == panel.csv_table)) panel.csv_table = t->name;
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  if (ImGui::Button("changes")) actions.download_csv = panel.csv_table;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Every changed, added and removed row of the table, before and after.");
}

// The stepper's controls and the phase track.
void draw_controls(RunPanel& panel, const std::vector<StepRecord>& steps) {
  const float em = ImGui::GetFontSize();
  const int n = static_cast<int>(steps.size());
  const double now = ImGui::GetTime();
  if (panel.playing && now >= panel.next_step_at) {
    if (panel.cursor + 1 < n) {
      ++panel.cursor;
      panel.next_step_at = now + panel.seconds_per_step;
    } else {
      panel.playing = false;
    }
  }
  if (ImGui::Button("|<")) panel.cursor = -1, panel.playing = false;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Back to the snapshot as loaded (before any step)");
  ImGui::SameLine();
  if (ImGui::Button("< Back") && panel.cursor >= 0) --panel.cursor, panel.playing = false;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Show the state after the previous step");
  ImGui::SameLine();
  if (ImGui::Button(panel.playing ? "Pause" : "Play", ImVec2(em * 4, 0))) {
    panel.playing = !panel.playing;
    if (panel.playing && panel.cursor + 1 >= n) panel.cursor = -1;  // play again from the start
    panel.next_step_at = now + 0.3;
  }
  ImGui::SameLine();
  if (ImGui::Button("Step >") && panel.cursor + 1 < n) ++panel.cursor, panel.playing = false;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Show the next step and what it did");
  ImGui::SameLine();
  if (ImGui::Button(">|")) panel.cursor = n - 1, panel.playing = false;
  ImGui::SameLine();
  ImGui::SetNextItemWidth(em * 7);
  ImGui::SliderFloat("##speed", &panel.seconds_per_step, 0.3f, 5.0f, "%.1f s/step");
  ImGui::SameLine();
  char overlay[48];
  std::snprintf(overlay, sizeof overlay, "after step %d of %d", panel.cursor + 1, n);
  ImGui::ProgressBar(n ? static_cast<float>(panel.cursor + 1) / static_cast<float>(n) : 0.0f, ImVec2(-1, 0), overlay);

  // The phase track: a box per phase, filled once the cursor has passed its steps.
  const int current = panel.cursor >= 0 ? phase_index(steps[static_cast<std::size_t>(panel.cursor)].id) : -1;
  const float w = (ImGui::GetContentRegionAvail().x - em * 1.5f) / 4.0f;
  for (int p = 0; p < 4; ++p) {
    int last = -1, first = -1;
    for (int i = 0; i < n; ++i)
      if (phase_index(steps[static_cast<std::size_t>(i)].id) == p) last = i, first = first < 0 ? i : first;
    const bool done = last >= 0 && panel.cursor >= last;
    const bool active = p == current && !done;
    ImVec4 col = done ? status_color("done") : active ? status_color("manual") : ImGui::GetStyleColorVec4(ImGuiCol_FrameBg);
    ImGui::PushStyleColor(ImGuiCol_Button, col);
    ImGui::PushStyleColor(ImGuiCol_Text, done || active ? ImVec4(1, 1, 1, 1) : ImGui::GetStyleColorVec4(ImGuiCol_Text));
    if (p) ImGui::SameLine(0, em * 0.5f);
    char label[48];
    std::snprintf(label, sizeof label, "%d. %s##phase%d", p + 1, kPhases[p], p);
    if (ImGui::Button(label, ImVec2(w, 0)) && last >= 0) panel.cursor = last, panel.playing = false;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Jump to the end of the %s phase", kPhases[p]);
    ImGui::PopStyleColor(2);
  }
}

void draw_step_detail(const RunPanel& panel, const RunView& run) {
  const auto& steps = run.report.steps;
  if (panel.cursor < 0) {
    ImGui::TextWrapped("Before any step: the snapshot as loaded. Press Step > (or Play) to walk through the run.");
    ImGui::TextDisabled("%zu steps in four phases: expand the schema, migrate the data, contract the old columns, "
                        "index the new lookups.", steps.size());
    return;
  }
  const StepRecord& s = steps[static_cast<std::size_t>(panel.cursor)];
  ImGui::Text("%s  %s", s.id.c_str(), s.title.c_str());
  ImGui::TextDisabled("phase");
  ImGui::SameLine();
  ImGui::TextUnformatted(phase_of(s.id));
  ImGui::SameLine();
  ImGui::TextDisabled("  status");
  ImGui::SameLine();
  ImGui::TextColored(status_color(s.status), "%s", s.status.c_str());
  ImGui::SameLine();
  ImGui::TextDisabled("  rows affected");
  ImGui::SameLine();
  ImGui::Text("%lld", static_cast<long long>(s.rows_affected));
  ImGui::SameLine();
  ImGui::TextDisabled("  time");
  ImGui::SameLine();
  ImGui::Text("%.1f ms", s.ms);
  const auto tables = tables_written(s);
  ImGui::TextDisabled("tables changed:");
  if (tables.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("none");
  }
  for (const auto& t : tables) {
    ImGui::SameLine();
    const TableSummary* td = run.diff ? run.diff->table(t) : nullptr;
    if (td && td->has_row_changes()) {
      ImGui::Text("%s", t.c_str());
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Whole run, in %s: %zu added, %zu removed, %zu changed rows (the Diff tab shows them)",
                          t.c_str(), td->added, td->removed, td->changed);
    } else {
      ImGui::Text("%s", t.c_str());
    }
  }
  if (!s.note.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s", s.note.c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::TextDisabled("%zu statement(s); click one to copy it", s.sql.size());
  ImGui::BeginChild("##sql", ImVec2(0, 0), true);
  constexpr std::size_t kMaxShown = 300;
  for (std::size_t q = 0; q < s.sql.size() && q < kMaxShown; ++q) {
    ImGui::PushID(static_cast<int>(q));
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted((s.sql[q] + ";").c_str());
    ImGui::PopTextWrapPos();
    if (ImGui::IsItemClicked()) ImGui::SetClipboardText(s.sql[q].c_str());
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("Click (or Ctrl+C) to copy this statement");
      if (ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed('C', false)) ImGui::SetClipboardText(s.sql[q].c_str());
    }
    ImGui::Separator();
    ImGui::PopID();
  }
  if (s.sql.size() > kMaxShown) ImGui::TextDisabled("... %zu more statements (in the report)", s.sql.size() - kMaxShown);
  ImGui::EndChild();
}

void draw_step_list(RunPanel& panel, const std::vector<StepRecord>& steps) {
  const float em = ImGui::GetFontSize();
  ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_ScrollY |
                          ImGuiTableFlags_BordersInnerH;
  if (!ImGui::BeginTable("##steps", 4, flags, ImVec2(0, ImGui::GetContentRegionAvail().y))) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("step", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableSetupColumn("status");
  ImGui::TableSetupColumn("rows", 0, em * 4);
  ImGui::TableSetupColumn("ms", 0, em * 3.5f);
  ImGui::TableHeadersRow();
  int last_phase = -2;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const StepRecord& s = steps[i];
    const int idx = static_cast<int>(i);
    const int ph = phase_index(s.id);
    if (ph != last_phase) {
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::TextDisabled("%s", phase_of(s.id));
      last_phase = ph;
    }
    const bool reached = idx <= panel.cursor;
    ImGui::PushID(idx);
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    if (!reached) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    char label[160];
    std::snprintf(label, sizeof label, "%s %s  %s", reached ? "+" : " ", s.id.c_str(), s.title.c_str());
    if (ImGui::Selectable(label, idx == panel.cursor, ImGuiSelectableFlags_SpanAllColumns)) {
      panel.cursor = idx;
      panel.playing = false;
    }
    if (!reached) ImGui::PopStyleColor();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s  %s", s.id.c_str(), s.title.c_str());
    ImGui::TableSetColumnIndex(1);
    ImGui::TextColored(reached ? status_color(s.status) : ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled), "%s",
                       s.status.c_str());
    ImGui::TableSetColumnIndex(2);
    ImGui::Text("%lld", static_cast<long long>(s.rows_affected));
    ImGui::TableSetColumnIndex(3);
    ImGui::Text("%.1f", s.ms);
    ImGui::PopID();
  }
  ImGui::EndTable();
}

using nlohmann::json;

std::string text_of(const json& v) {
  if (v.is_null()) return "NULL";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

// A replay that could not be made or is under way: say so; true when it is ready.
bool trace_ready(const std::shared_ptr<const json>& t) {
  if (!t) {
    ImGui::TextDisabled("Asking the engine for the step-by-step replay...");
    return false;
  }
  if ((*t).value("too_big", false)) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("This snapshot has %lld rows, more than the %lld a step-by-step replay keeps in memory: "
                        "the steps' data and states are not shown, only their statements and counts after the run.",
                        static_cast<long long>((*t).value("total_rows", 0LL)),
                        static_cast<long long>((*t).value("row_limit", 0LL)));
    ImGui::PopTextWrapPos();
    return false;
  }
  if (!(*t).value("done", false)) {
    ImGui::ProgressBar(static_cast<float>((*t).value("fraction", 0.0)), ImVec2(ImGui::GetFontSize() * 20, 0),
                       (*t).value("phase", std::string()).c_str());
    return false;
  }
  return true;
}

// One line per table the step touched: what it did to the table's rows and columns.
std::string effect_line(const json& e) {
  std::string s = e.value("table", std::string()) + ":";
  if (e.value("table_created", false)) s += " table created;";
  if (e.value("table_dropped", false)) s += " table dropped;";
  for (const char* k : {"created", "changed", "removed"})
    if (e.value(k, 0LL)) s += " " + std::to_string(e.value(k, 0LL)) + " " + k + ";";
  if (!e["columns_added"].empty()) s += " +" + std::to_string(e["columns_added"].size()) + " column(s);";
  if (!e["columns_dropped"].empty()) {
    s += " dropped";
    for (const auto& c : e["columns_dropped"]) s += " " + c.get<std::string>();
    s += ";";
  }
  return s;
}

// Up to this many rows the replay starts as soon as the panel shows it: the built-in
// demo and snapshots of its size, a second or less and a few MB. Above, it costs a
// copy of the snapshot and of every table a step changed in the worker's memory
// (+38 MB for a ~56k-row, 8 MB file; +35-50 MB at ~100k rows) and about the run's
// time again, so the person asks for it. Above kTraceRowLimit the engine makes none
// (too_big).
constexpr std::int64_t kTraceAutoRows = 50000;

// Whether the replay may be asked for now: at once for small (and too big) snapshots,
// for the others once the person pressed the button this draws in its place.
bool replay_wanted(RunPanel& panel, Session& session, const char* what) {
  auto loaded = session.loaded();
  if (!loaded) return false;
  const std::int64_t rows = loaded->total_rows;
  if (rows <= kTraceAutoRows || rows > kTraceRowLimit || panel.replay_generation == session.generation()) return true;
  ImGui::PushTextWrapPos(0);
  ImGui::TextDisabled("%s come from a replay of the run, step by step, on a copy of this snapshot (%lld rows). It keeps "
                      "the copy and every table a step changed in memory, several times the snapshot's size, and "
                      "takes about as long as the run.",
                      what, static_cast<long long>(rows));
  ImGui::PopTextWrapPos();
  if (ImGui::Button("Replay step by step")) panel.replay_generation = session.generation();
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  panel.rects["replay"] = ImVec4(a.x, a.y, b.x, b.y);
  return false;
}

// The plan before a run: the phases and their steps, each with the tables it will
// touch and the statements it will execute with the options the Hazards tab says.
void draw_plan(RunPanel& panel, Session& session, const NormalizeOptions& chosen) {
  ImGui::TextWrapped("The plan: what Normalize will do with the options on the Hazards tab (change them there and "
                     "this plan follows). Nothing runs until you press Normalize.");
  if (!replay_wanted(panel, session, "The statements each step will execute and the rows it will touch")) return;
  session.request_trace(chosen);
  auto t = session.trace();
  const bool ready = trace_ready(t);
  if (t && !(*t)["error"].is_null()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(status_color("failed"), "With these options the run stops: %s",
                       (*t)["error"].value("message", std::string()).c_str());
    ImGui::PopTextWrapPos();
  }
  if (!t) return;
  ImGui::BeginChild("##plan", ImVec2(0, 0), false);
  std::string phase;
  for (const auto& s : (*t)["steps"]) {
    if (s.value("phase", std::string()) != phase) {
      phase = s.value("phase", std::string());
      ImGui::Spacing();
      ImGui::TextDisabled("%s", phase.c_str());
    }
    const std::string id = s.value("id", std::string());
    char label[256];
    std::snprintf(label, sizeof label, "%s  %s  (%lld rows)###plan%s", id.c_str(), s.value("title", std::string()).c_str(),
                  static_cast<long long>(s.value("rows_affected", 0LL)), id.c_str());
    if (!ImGui::TreeNode(label)) continue;
    ImGui::TextDisabled("%s", s.value("records", std::string()).c_str());
    if (s.value("status", std::string()) == "already_done")
      ImGui::TextColored(status_color("done"), "already done in this snapshot: %s", s.value("note", std::string()).c_str());
    if (ready) {
      for (const auto& e : s["tables"]) ImGui::BulletText("%s", effect_line(e).c_str());
      if (s["tables"].empty()) ImGui::BulletText("touches no table's rows");
    }
    for (const auto& q : s["sql"]) {
      ImGui::PushTextWrapPos(0);
      ImGui::TextUnformatted((q.get<std::string>() + ";").c_str());
      ImGui::PopTextWrapPos();
      ImGui::Separator();
    }
    ImGui::TreePop();
  }
  ImGui::EndChild();
}

// After a run: what the cursor's step did to each table, and the database after it.
void draw_step_data(RunPanel& panel, Session& session, const RunView& run) {
  auto options = options_from_json(run.report.options, "the run's options");
  if (!options) return;
  if (!replay_wanted(panel, session, "What each step did to each table, and the database after it,")) return;
  session.request_trace(*options);
  auto t = session.trace();
  if (!trace_ready(t)) return;
  const std::size_t state = static_cast<std::size_t>(panel.cursor + 1);
  if (panel.cursor >= 0 && static_cast<std::size_t>(panel.cursor) < (*t)["steps"].size()) {
    const json& s = (*t)["steps"][static_cast<std::size_t>(panel.cursor)];
    ImGui::TextDisabled("What %s did:", s.value("id", std::string()).c_str());
    if (s["tables"].empty()) ImGui::BulletText("no table's rows or columns changed");
    for (const auto& e : s["tables"]) {
      if (!ImGui::TreeNode(effect_line(e).c_str())) continue;
      for (const auto& x : e["examples"]) {
        ImGui::TextDisabled("%s #%lld", x.value("kind", std::string()).c_str(),
                            static_cast<long long>(x.value("key", 0LL)));
        const json& b = x["before"];
        const json& a = x["after"];
        const json& cols = a.is_object() ? a : b;
        for (auto it = cols.begin(); it != cols.end(); ++it) {
          const std::string bv = b.is_object() && b.contains(it.key()) ? text_of(b[it.key()]) : "-";
          const std::string av = a.is_object() && a.contains(it.key()) ? text_of(a[it.key()]) : "-";
          if (bv == av) continue;
          ImGui::BulletText("%s: %s -> %s", it.key().c_str(), bv.c_str(), av.c_str());
        }
      }
      ImGui::TreePop();
    }
  }
  // The state: a table browser of the database as it stood after the step.
  session.request_trace_state(*options, state, panel.state_table, panel.state_offset, 50);
  auto st = session.trace_state();
  if (!st) return;
  if (st->contains("error")) {
    panel.state_table.clear();
    panel.state_offset = 0;
    return;
  }
  ImGui::Separator();
  ImGui::TextDisabled("The database after %s:", st->value("step", std::string()).c_str());
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
  if (ImGui::BeginCombo("##statetable", panel.state_table.empty() ? "(pick a table)" : panel.state_table.c_str())) {
    for (const auto& tb : (*st)["tables"]) {
      const std::string name = tb.value("name", std::string());
      char label[160];
      std::snprintf(label, sizeof label, "%s (%lld rows)", name.c_str(), static_cast<long long>(tb.value("rows", 0LL)));
      if (ImGui::Selectable(label, name == panel.state_table)) panel.state_table = name, panel.state_offset = 0;
    }
    ImGui::EndCombo();
  }
  if (!st->contains("columns")) return;
  const long long total = st->value("total", 0LL);
  ImGui::SameLine();
  if (ImGui::SmallButton("<##page") && panel.state_offset >= 50) panel.state_offset -= 50;
  ImGui::SameLine();
  ImGui::Text("rows %zu-%lld of %lld", panel.state_offset + 1,
              std::min<long long>(total, static_cast<long long>(panel.state_offset) + 50), total);
  ImGui::SameLine();
  if (ImGui::SmallButton(">##page") && static_cast<long long>(panel.state_offset) + 50 < total) panel.state_offset += 50;
  const int ncols = static_cast<int>(std::min<std::size_t>((*st)["columns"].size(), 60));
  if (ncols == 0) return;
  if (!ImGui::BeginTable("##state", ncols,
                         ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollX | ImGuiTableFlags_ScrollY |
                             ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit,
                         ImVec2(0, ImGui::GetFontSize() * 16)))
    return;
  ImGui::TableSetupScrollFreeze(1, 1);
  for (int c = 0; c < ncols; ++c) ImGui::TableSetupColumn((*st)["columns"][static_cast<std::size_t>(c)].get<std::string>().c_str());
  ImGui::TableHeadersRow();
  for (const auto& row : (*st)["rows"]) {
    ImGui::TableNextRow();
    for (int c = 0; c < ncols; ++c) {
      ImGui::TableSetColumnIndex(c);
      ImGui::TextUnformatted(text_of(row[static_cast<std::size_t>(c)]).c_str());
    }
  }
  ImGui::EndTable();
}

}  // namespace

void draw_run(RunPanel& panel, Session& session, const NormalizeOptions& chosen, Actions& actions) {
  panel.rects.clear();
  const JobView& job = session.job();
  auto run = session.run();
  if (job.active && !run) {
    draw_progress(job, actions);
    return;
  }
  if (!run) {
    ImGui::TextWrapped("Not run yet: pick the options on the Hazards tab and press Normalize.");
    if (session.loaded()) draw_plan(panel, session, chosen);
    return;
  }
  const Report& r = run->report;
  if (panel.runs_seen != session.runs()) {
    // A new run: show its end state; the trainer steps back from there or presses Play.
    panel.runs_seen = session.runs();
    panel.cursor = static_cast<int>(r.steps.size()) - 1;
    panel.playing = false;
  }
  if (run->ok) {
    ImGui::TextColored(status_color("done"), "The normalization finished.");
  } else {
    ImGui::TextColored(status_color("failed"), "The run did not finish (%s): the snapshot is unchanged.",
                       r.status.c_str());
    if (r.error) {
      ImGui::PushTextWrapPos(0);
      ImGui::TextUnformatted(r.error->describe().c_str());
      ImGui::PopTextWrapPos();
    }
  }
  draw_downloads(panel, *run, actions);
  ImGui::Separator();
  if (r.steps.empty()) return;
  panel.cursor = std::min(panel.cursor, static_cast<int>(r.steps.size()) - 1);
  draw_controls(panel, r.steps);
  ImGui::Spacing();
  const float em = ImGui::GetFontSize();
  const float left = std::max(em * 18, ImGui::GetContentRegionAvail().x * 0.42f);
  ImGui::BeginChild("##steplist", ImVec2(left, 0), false);
  draw_step_list(panel, r.steps);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("##stepdetail", ImVec2(0, 0), false);
  if (run->ok) draw_step_data(panel, session, *run);
  draw_step_detail(panel, *run);
  ImGui::EndChild();
}

}  // namespace redline::app
