#include "app/app.hpp"


#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/fonts.hpp"
#include "core/version.hpp"

namespace redline::app {

namespace {
constexpr float kUiFontCssPx = 16.0f;

// The tabs keys 1..7 and the View menu bring to the front, in that order.
struct PanelEntry {
  const char* id;
  const char* name;
  const char* key;
};
constexpr PanelEntry kPanels[] = {{"overview", "Overview", "1"}, {"hazards", "Hazards", "2"}, {"run", "Run", "3"},
                                  {"diff", "Diff", "4"},         {"checklist", "Checklist", "5"}, {"open", "Open", "6"},
                                  {"verify", "Verify", "7"},     {"lineage", "Lineage", "8"}};
}  // namespace

void App::init(float pixel_ratio) {
  if (load_setting && load_setting("theme") == "light") theme_ = Theme::Light;
  install_clipboard();
  rebuild_fonts(pixel_ratio);
  apply_theme();
}

void App::install_clipboard() {
  // Emscripten's GLFW has no clipboard (its functions do nothing): copies go to the
  // platform's copy_text, and paste inside the app reads what it copied last.
  ImGuiIO& io = ImGui::GetIO();
  io.SetClipboardTextFn = &App::clipboard_set;
  io.GetClipboardTextFn = &App::clipboard_get;
  io.ClipboardUserData = this;
}

const char* App::clipboard_get(void* user) { return static_cast<App*>(user)->clipboard_.c_str(); }

void App::clipboard_set(void* user, const char* text) {
  App* app = static_cast<App*>(user);
  app->clipboard_ = text ? text : "";
  if (app->copy_text) app->copy_text(app->clipboard_);
}

void App::set_theme(Theme theme) {
  if (theme == theme_) return;
  theme_ = theme;
  apply_theme();
  if (save_setting) save_setting("theme", theme_ == Theme::Dark ? "dark" : "light");
}

void App::open_row(const Actions::OpenRow& row) {
  // The panels hold no row ids: ask the session which kind of change holds the row
  // (answered before the next frame; see finish_open_row).
  opening_ = Session::LocateRequest{row.table, row.id, true};
  session_.request_locate(*opening_);
}

void App::finish_open_row() {
  if (!opening_) return;
  auto l = session_.location();
  if (!l || !l->any_kind || l->table != opening_->table || l->id != opening_->id) return;
  const Session::LocateRequest row = *opening_;
  opening_.reset();
  auto run = session_.run();
  const TableSummary* t = run && run->diff ? run->diff->table(row.table) : nullptr;
  if (t && l->found) {
    // The diff panel's own entry point picks the table and kind; then the row is
    // brought into view at its position in the list as shown.
    app::diff_view(diff_, session_,
                   nlohmann::json{{"table", t->name}, {"kind", diff::to_string(l->kind)}, {"search", ""}}.dump());
    const std::size_t n = t->count(l->kind);
    diff_.scroll_to = diff_.descending ? n - 1 - l->index : l->index;
    show_panel_ = "diff";
    return;
  }
  // Not a changed row: its values, read between frames, in the checklist.
  session_.request_rows(Session::RowsRequest{row.table, {row.id}, {}});
  checklist_.rows_table = row.table;
}

void App::open_target(const SummaryTarget& t) {
  if (t.panel == "diff") {
    // The diff panel's own entry point, as window.redline.diffView uses it.
    app::diff_view(diff_, session_,
                   nlohmann::json{{"table", t.table}, {"kind", t.kind}, {"search", ""}, {"schema", false}}.dump());
    show_panel_ = "diff";
  } else if (t.panel == "checklist") {
    checklist_.filter = t.check_filter;
    checklist_.selected = t.check;
    show_panel_ = "checklist";
  }
}

std::string App::summary_json() const {
  nlohmann::json j = {{"first", nullptr}, {"run", nullptr}};
  if (auto loaded = session_.loaded())
    j["first"] = to_json(first_screen(*loaded, hazards_, session_.job().active), *loaded);
  if (auto run = session_.run()) j["run"] = to_json(run_summary(*run));
  // Drawn last frame on the Overview (its numbers) and on the Run panel (its download
  // buttons, when it is in front).
  nlohmann::json rects = nlohmann::json::object();
  for (const auto& [key, r] : overview_.rects) rects[key] = {r.x, r.y, r.z, r.w};
  if (panel_ == "run")
    for (const auto& [key, r] : run_.rects) rects[key] = {r.x, r.y, r.z, r.w};
  j["rects"] = std::move(rects);
  j["panel"] = panel_;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string App::open_summary(const std::string& key) {
  auto run = session_.run();
  if (!run) return R"({"error":"no run yet: normalize first"})";
  const RunSummary s = run_summary(*run);
  const SummaryNumber* n = s.find(key);
  if (!n) return nlohmann::json{{"error", "no number " + key + " in the summary"}}.dump();
  open_target(n->target);
  return nlohmann::json{{"key", key}, {"value", n->value}, {"target", to_json(n->target)}}.dump();
}

void App::shortcuts() {
  // 1..7 (or Ctrl+1..7; browsers keep some Ctrl+digit for their tabs) pick a panel,
  // T toggles the theme; never while a text field has the keyboard.
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput || io.KeyAlt || io.KeySuper) return;
  for (const PanelEntry& p : kPanels) {
    // GLFW's key codes for digits and letters are their ASCII codes, which is what
    // ImGui 1.86's key index is with the GLFW backend.
    if (ImGui::IsKeyPressed(p.key[0], false)) show_panel_ = p.id;
  }
  if (!io.KeyCtrl && ImGui::IsKeyPressed('T', false)) set_theme(theme_ == Theme::Dark ? Theme::Light : Theme::Dark);
}

void App::rebuild_fonts(float pixel_ratio) {
  pixel_ratio_ = pixel_ratio;
  font_chars_generation_ = session_.text_chars_generation();
  font_.build(ImGui::GetIO().Fonts, kUiFontCssPx * pixel_ratio, session_.text_chars());
  apply_theme();
}

void App::apply_theme() {
  ImGuiStyle style;  // fresh, so scaling never compounds
  if (theme_ == Theme::Dark) {
    ImGui::StyleColorsDark(&style);
  } else {
    ImGui::StyleColorsLight(&style);
  }
  style.WindowRounding = 4.0f;
  style.FrameRounding = 3.0f;
  style.WindowBorderSize = 0.0f;
  style.ScaleAllSizes(pixel_ratio_);
  ImGui::GetStyle() = style;
}

ImVec4 App::clear_color() const {
  return theme_ == Theme::Dark ? ImVec4(0.09f, 0.10f, 0.12f, 1.0f) : ImVec4(0.93f, 0.94f, 0.96f, 1.0f);
}

void App::apply(const Actions& actions) {
  if (actions.cancel_job) session_.cancel();
  if (actions.start_demo) session_.start_demo(*actions.start_demo);
  if (actions.open_file && open_file_dialog) open_file_dialog();
  if (actions.start_run) {
    session_.start_run(*actions.start_run);
    show_panel_ = "run";
  }
  // Made in the page from bytes it has (the options, the ticks) ...
  auto offer = [&](const std::string& name, const std::string& mime, std::vector<std::uint8_t> bytes) {
    if (download) download(name, mime, bytes);
  };
  // ... or from the engine's answer, downloaded by the page's JavaScript when it comes.
  auto stem = [&]() {
    auto loaded = session_.loaded();
    std::string n = loaded ? loaded->summary.name : "snapshot";
    auto dot = n.find_last_of('.');
    return dot == std::string::npos ? n : n.substr(0, dot);
  };
  if (actions.download_after) session_.download_after(stem() + "-after.sqlite3");
  if (!actions.download_report.empty()) {
    const std::string& f = actions.download_report;
    const char* mime = f == "html" ? "text/html" : f == "md" ? "text/markdown" : "application/json";
    session_.download_report(f, stem() + "-report." + f, mime);
  }
  if (actions.download_options) {
    std::string text = options_to_json(options_of(hazards_)).dump(2) + "\n";
    offer("redline-options.json", "application/json", std::vector<std::uint8_t>(text.begin(), text.end()));
  }
  if (actions.set_theme) set_theme(*actions.set_theme);
  if (actions.set_ticks) session_.set_ticks(*actions.set_ticks);
  if (actions.request_rows) session_.request_rows(*actions.request_rows);
  if (actions.request_check_ids) session_.request_check_ids(*actions.request_check_ids);
  if (actions.open_row) open_row(*actions.open_row);
  if (actions.open_target) open_target(*actions.open_target);
  if (!actions.download_csv.empty())
    session_.download_csv(actions.download_csv, stem() + "-" + actions.download_csv + "-changes.csv");
  if (actions.download_script)
    session_.download_script(options_of(hazards_), *actions.download_script,
                             stem() + (*actions.download_script ? "-revert.sql" : "-migration.sql"));
  if (actions.pick_actual) session_.pick_actual(options_of(hazards_));
  if (actions.download_ticks) {
    std::string text = ticks_to_json(session_.ticks()).dump(2) + "\n";
    offer("redline-ticks.json", "application/json", std::vector<std::uint8_t>(text.begin(), text.end()));
  }
}

void App::note_draw(double ms) {
  draw_max_ms_ = std::max(draw_max_ms_, ms);
  draw_total_ms_ += ms;
  ++draws_;
}

std::string App::frame_work_json(bool reset) {
  nlohmann::ordered_json j = {{"draws", draws_},
                              {"drawMaxMs", std::round(draw_max_ms_ * 10) / 10},
                              {"drawMeanMs", draws_ ? std::round(draw_total_ms_ / draws_ * 10) / 10 : 0.0}};
  if (reset) {
    draw_max_ms_ = draw_total_ms_ = 0;
    draws_ = 0;
  }
  return j.dump();
}

void App::frame() {
  ++frames_;

  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float status_h = ImGui::GetFrameHeight() * 1.3f;
  Actions actions;
  shortcuts();
  finish_open_row();

  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x, vp->WorkSize.y - status_h));
  ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                           ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_MenuBar |
                           ImGuiWindowFlags_NoSavedSettings;
  ImGui::Begin("Redline##main", nullptr, flags);
  auto loaded = session_.loaded();
  if (ImGui::BeginMenuBar()) {
    ImGui::TextColored(ImVec4(0.91f, 0.30f, 0.24f, 1.0f), "Redline");
    ImGui::TextDisabled("%s", kVersion);
    if (ImGui::BeginMenu("File")) {
      if (ImGui::MenuItem("Open file...", nullptr, false, !session_.job().active)) actions.open_file = true;
      ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("View")) {
      for (const PanelEntry& p : kPanels)
        if (ImGui::MenuItem(p.name, p.key, panel_ == p.id, loaded != nullptr)) show_panel_ = p.id;
      ImGui::Separator();
      if (ImGui::MenuItem("Dark theme", "T", theme_ == Theme::Dark)) actions.set_theme = Theme::Dark;
      if (ImGui::MenuItem("Light theme", "T", theme_ == Theme::Light)) actions.set_theme = Theme::Light;
      ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Help")) {
      ImGui::TextUnformatted("Keyboard");
      ImGui::Separator();
      ImGui::TextUnformatted("1 .. 6       Overview, Hazards, Run, Diff, Checklist, Open\n"
                             "Ctrl+1 .. 6  the same, where the browser lets it through\n"
                             "T            light / dark theme (remembered)\n"
                             "Tab, arrows  move between controls; Space / Enter: press\n"
                             "Ctrl+Tab     next window; Esc: leave a field or menu\n"
                             "Ctrl+C       copy the cell under the mouse (Diff, Checklist)\n"
                             "Right-click  a cell: Copy");
      ImGui::EndMenu();
    }
    ImGui::EndMenuBar();
  }

  if (session_.error()) draw_error_box(*session_.error());
  if (!loaded) {
    panel_ = "welcome";
    draw_welcome(welcome_, session_, actions);
  } else if (ImGui::BeginTabBar("##panels")) {
    auto tab_flags = [&](const char* name) -> ImGuiTabItemFlags {
      return show_panel_ == name ? ImGuiTabItemFlags_SetSelected : 0;
    };
    if (ImGui::BeginTabItem("Overview", nullptr, tab_flags("overview"))) {
      panel_ = "overview";
      draw_first_screen(overview_, hazards_, session_, actions);
      ImGui::EndTabItem();
    }
    char hazards_label[48];
    std::snprintf(hazards_label, sizeof hazards_label, "Hazards (%zu)###hazards", loaded->hazards.size());
    if (ImGui::BeginTabItem(hazards_label, nullptr, tab_flags("hazards"))) {
      panel_ = "hazards";
      draw_hazards(hazards_, overview_.summaries, loaded, session_.job().active, actions);
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Run", nullptr, tab_flags("run"))) {
      panel_ = "run";
      draw_run(run_, session_, options_of(hazards_), actions);
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Diff", nullptr, tab_flags("diff"))) {
      panel_ = "diff";
      draw_diff(diff_, session_);
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Lineage", nullptr, tab_flags("lineage"))) {
      panel_ = "lineage";
      draw_lineage(lineage_, session_);
      ImGui::EndTabItem();
    }
    char checks_label[64] = "Checklist###checklist";
    if (auto run = session_.run(); run && !run->checks.empty()) {
      CheckCounts c = count_checks(run->checks);
      std::snprintf(checks_label, sizeof checks_label, "Checklist (%d fail, %d warn)###checklist", c.fail, c.warn);
    }
    if (ImGui::BeginTabItem(checks_label, nullptr, tab_flags("checklist"))) {
      panel_ = "checklist";
      draw_checklist(checklist_, session_, actions);
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Verify", nullptr, tab_flags("verify"))) {
      panel_ = "verify";
      draw_verify(session_, actions);
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Open", nullptr, tab_flags("open"))) {
      panel_ = "open";
      draw_welcome(welcome_, session_, actions);
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
    show_panel_.clear();
  }
  ImGui::End();

  draw_status_line(session_, status_h, actions);
  apply(actions);
}

std::string App::state_json() const {
  nlohmann::json j;
  j["version"] = kVersion;
  j["frames"] = frames_;
  j["theme"] = theme_ == Theme::Dark ? "dark" : "light";
  j["pixel_ratio"] = pixel_ratio_;
  j["generation"] = session_.generation();
  j["failures"] = session_.failures();
  const JobView& job = session_.job();
  j["job"] = {{"active", job.active}, {"title", job.title}, {"phase", job.phase}, {"stage", job.stage}, {"fraction", job.fraction}};
  if (session_.error()) {
    const Error& e = *session_.error();
    j["error"] = {{"code", to_string(e.code)}, {"message", e.message}, {"context", e.context}};
  } else {
    j["error"] = nullptr;
  }
  j["panel"] = panel_;
  j["copied"] = clipboard_;
  j["runs"] = session_.runs();
  if (auto run = session_.run()) {
    j["run"] = {{"ok", run->ok}, {"status", run->report.status}};
    if (!run->checks.empty()) {
      CheckCounts c = count_checks(run->checks);
      int ticked = 0;
      for (const auto& [id, t] : session_.ticks()) ticked += t.ticked ? 1 : 0;
      j["run"]["checks"] = {{"pass", c.pass}, {"fail", c.fail}, {"warn", c.warn}, {"manual", c.manual},
                            {"ticked", ticked}, {"strict_ok", static_cast<bool>(strict_verdict(run->checks))}};
    }
  } else {
    j["run"] = nullptr;
  }
  if (auto loaded = session_.loaded()) {
    const LoadSummary& s = loaded->summary;
    j["snapshot"] = {{"name", s.name}, {"format", format_name(s.format)}, {"bytes", s.bytes},
                     {"ms", s.ms}, {"tables", s.tables}, {"rows", loaded->total_rows},
                     {"skipped", s.skipped}, {"warnings", s.warnings}, {"wal", s.wal}, {"demo", loaded->is_demo},
                     {"kind", s.kind}, {"recognition", s.recognition}, {"hazards", loaded->hazards.size()}};
  } else {
    j["snapshot"] = nullptr;
  }
  // What the Verify panel shows (the actual-after check), in brief.
  if (auto v = session_.verification()) {
    j["verify"] = {{"name", v->name}, {"verified", v->verified()}, {"mismatch_count", v->result.mismatch_count},
                   {"error", v->error ? v->error->message : std::string()}};
  } else {
    j["verify"] = nullptr;
  }
  // Invalid UTF-8 in a file name or message must not make the state unreadable.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace redline::app
