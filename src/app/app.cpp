#include "app/app.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

#include "app/fonts.hpp"
#include "core/version.hpp"

namespace redline::app {

namespace {
constexpr float kUiFontCssPx = 16.0f;
// Work per frame for long jobs. Small, because a slice that starts just before the
// budget runs out can take tens of ms in wasm, and drawing with software WebGL takes
// ~15-30 ms more: 8 ms kept the 200k-row run's frame gaps ~2 vsyncs shorter than 20.
constexpr double kJobBudgetMs = 8.0;
}  // namespace

void App::init(float pixel_ratio) {
  rebuild_fonts(pixel_ratio);
  apply_theme();
}

void App::rebuild_fonts(float pixel_ratio) {
  pixel_ratio_ = pixel_ratio;
  font_chars_generation_ = session_.text_chars_generation();
  build_ui_font(ImGui::GetIO().Fonts, kUiFontCssPx * pixel_ratio, session_.text_chars(), font_);
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
  auto offer = [&](const std::string& name, const std::string& mime, std::vector<std::uint8_t> bytes) {
    if (download) download(name, mime, bytes);
  };
  auto stem = [&]() {
    auto loaded = session_.loaded();
    std::string n = loaded ? loaded->summary.name : "snapshot";
    auto dot = n.find_last_of('.');
    return dot == std::string::npos ? n : n.substr(0, dot);
  };
  if (actions.download_after) {
    auto bytes = session_.export_after();
    if (bytes) {
      offer(stem() + "-after.sqlite3", "application/vnd.sqlite3", std::move(bytes.value()));
    } else {
      session_.report_error(bytes.error());
    }
  }
  if (!actions.download_report.empty()) {
    const std::string& f = actions.download_report;
    auto text = session_.report_text(f);
    if (text) {
      const char* mime = f == "html" ? "text/html" : f == "md" ? "text/markdown" : "application/json";
      offer(stem() + "-report." + f, mime, std::vector<std::uint8_t>(text->begin(), text->end()));
    } else {
      session_.report_error(text.error());
    }
  }
  if (actions.download_options) {
    NormalizeOptions o;
    o.username_collision = hazards_.collision == 0   ? CollisionResolution::Suffix
                           : hazards_.collision == 1 ? CollisionResolution::Link
                                                     : CollisionResolution::Stop;
    o.contact_overwrite = hazards_.overwrite == 0   ? OverwriteResolution::EmployeeWins
                          : hazards_.overwrite == 1 ? OverwriteResolution::UserWins
                                                    : OverwriteResolution::FillBlanks;
    o.strict = hazards_.strict;
    std::string text = options_to_json(o).dump(2) + "\n";
    offer("redline-options.json", "application/json", std::vector<std::uint8_t>(text.begin(), text.end()));
  }
  if (actions.set_theme && *actions.set_theme != theme_) {
    theme_ = *actions.set_theme;
    apply_theme();
  }
}

void App::frame() {
  ++frames_;
  session_.pump(kJobBudgetMs);

  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float status_h = ImGui::GetFrameHeight() * 1.3f;
  Actions actions;

  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x, vp->WorkSize.y - status_h));
  ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                           ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_MenuBar |
                           ImGuiWindowFlags_NoSavedSettings;
  ImGui::Begin("Redline##main", nullptr, flags);
  if (ImGui::BeginMenuBar()) {
    ImGui::TextColored(ImVec4(0.91f, 0.30f, 0.24f, 1.0f), "Redline");
    ImGui::TextDisabled("%s", kVersion);
    if (ImGui::BeginMenu("File")) {
      if (ImGui::MenuItem("Open file...", nullptr, false, !session_.job().active)) actions.open_file = true;
      ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("View")) {
      if (ImGui::MenuItem("Dark theme", nullptr, theme_ == Theme::Dark)) actions.set_theme = Theme::Dark;
      if (ImGui::MenuItem("Light theme", nullptr, theme_ == Theme::Light)) actions.set_theme = Theme::Light;
      ImGui::EndMenu();
    }
    ImGui::EndMenuBar();
  }

  if (session_.error()) draw_error_box(*session_.error());
  auto loaded = session_.loaded();
  if (!loaded) {
    draw_welcome(welcome_, session_, actions);
  } else if (ImGui::BeginTabBar("##panels")) {
    auto tab_flags = [&](const char* name) -> ImGuiTabItemFlags {
      return show_panel_ == name ? ImGuiTabItemFlags_SetSelected : 0;
    };
    if (ImGui::BeginTabItem("Overview", nullptr, tab_flags("overview"))) {
      draw_overview(overview_, *loaded);
      ImGui::EndTabItem();
    }
    char hazards_label[48];
    std::snprintf(hazards_label, sizeof hazards_label, "Hazards (%zu)###hazards", loaded->hazards.size());
    if (ImGui::BeginTabItem(hazards_label, nullptr, tab_flags("hazards"))) {
      draw_hazards(hazards_, *loaded, session_.job().active, actions);
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Run", nullptr, tab_flags("run"))) {
      draw_run(run_, session_, actions);
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Diff", nullptr, tab_flags("diff"))) {
      draw_diff(diff_, session_);
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Open", nullptr, tab_flags("open"))) {
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
  j["runs"] = session_.runs();
  if (auto run = session_.run()) {
    j["run"] = {{"ok", run->ok}, {"status", run->report.status}};
  } else {
    j["run"] = nullptr;
  }
  if (auto loaded = session_.loaded()) {
    const LoadSummary& s = loaded->summary;
    j["snapshot"] = {{"name", s.name}, {"format", format_name(s.format)}, {"bytes", s.bytes},
                     {"ms", s.ms}, {"tables", s.tables}, {"rows", loaded->total_rows},
                     {"skipped", s.skipped}, {"warnings", s.warnings}, {"demo", loaded->is_demo},
                     {"kind", s.kind}, {"recognition", s.recognition}, {"hazards", loaded->hazards.size()}};
  } else {
    j["snapshot"] = nullptr;
  }
  // Invalid UTF-8 in a file name or message must not make the state unreadable.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace redline::app
