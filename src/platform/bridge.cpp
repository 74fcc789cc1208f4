// The functions of the UI module that web/redline-page.js calls: window.redline's
// calls that the UI answers (state, panels, theme) or turns into requests to the
// engine's worker, and the worker's messages coming in. Each returns JSON text or a
// status code; no C++ exception crosses into JavaScript.
#ifdef __EMSCRIPTEN__
#include <emscripten.h>

#include <cstdint>
#include <string>

#include "app/app.hpp"
#include "core/review/checks.hpp"
#include "core/demo/demo.hpp"
#include "core/migrate/normalize_options.hpp"
#include "core/version.hpp"
#include "platform/platform.hpp"

namespace {
std::string g_last_json;  // kept alive until the next call; JS copies it at once
}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE const char* redline_version() { return redline::kVersion; }

EMSCRIPTEN_KEEPALIVE const char* redline_state() {
  redline::app::App* app = redline::platform::current_app();
  g_last_json = app ? app->state_json() : std::string("{\"version\":\"") + redline::kVersion + "\"}";
  return g_last_json.c_str();
}

// The engine worker's messages (a JSON array, engine::Host::take_messages), applied to
// the session the panels draw from.
EMSCRIPTEN_KEEPALIVE void redline_receive(const char* messages) {
  if (redline::app::App* app = redline::platform::current_app()) app->session().receive(messages ? messages : "[]");
}

// The page handed a file to the worker as load request `seq`: the session shows the
// load in progress from now on.
EMSCRIPTEN_KEEPALIVE void redline_expect_load(double seq, const char* name) {
  if (redline::app::App* app = redline::platform::current_app())
    app->session().expect_load(static_cast<std::int64_t>(seq), name ? name : "snapshot");
}

// An error the page found (files dropped together that do not pair up, a file too big
// for the worker's heap), shown as a load's error is.
EMSCRIPTEN_KEEPALIVE void redline_report_error(const char* message, const char* context) {
  redline::app::App* app = redline::platform::current_app();
  if (!app) return;
  app->session().report_error(redline::make_error(redline::ErrorCode::Usage, message ? message : "",
                                                  context ? context : ""));
}

// What drawing the frames cost since the last reset (App::frame_work_json).
EMSCRIPTEN_KEEPALIVE const char* redline_frame_work(int reset) {
  redline::app::App* app = redline::platform::current_app();
  g_last_json = app ? app->frame_work_json(reset != 0) : "null";
  return g_last_json.c_str();
}

EMSCRIPTEN_KEEPALIVE int redline_start_demo(int employees, double seed, int dirty) {
  redline::app::App* app = redline::platform::current_app();
  if (!app) return -1;
  redline::DemoOptions o;
  o.employees = employees;
  o.seed = seed < 0 ? 0 : static_cast<std::uint64_t>(seed);
  o.profile = dirty ? redline::DemoOptions::Dirty : redline::DemoOptions::Clean;
  app->session().start_demo(o);
  return 0;
}

// Start a normalization with options JSON (spec §3 resolutions, now, strict).
// Returns 0 when started, -2 when the options are invalid (state().error says why).
EMSCRIPTEN_KEEPALIVE int redline_normalize(const char* options_json) {
  redline::app::App* app = redline::platform::current_app();
  if (!app) return -1;
  std::string text = options_json && *options_json ? options_json : "{}";
  auto options = redline::options_from_json(std::string_view(text), "normalize() options");
  if (!options) {
    app->session().report_error(options.error());
    return -2;
  }
  app->session().start_run(*options);
  app->show("run");
  return 0;
}

EMSCRIPTEN_KEEPALIVE void redline_show(const char* panel) {
  if (redline::app::App* app = redline::platform::current_app()) app->show(panel ? panel : "");
}

// The diff panel: apply options JSON (table, kind, search, sort, select, schema) and
// describe what it shows (JSON).
EMSCRIPTEN_KEEPALIVE const char* redline_diff_view(const char* options_json) {
  redline::app::App* app = redline::platform::current_app();
  g_last_json = app ? app->diff_view(options_json ? options_json : "{}") : std::string("{}");
  return g_last_json.c_str();
}

// The Overview's first screen and after-run summary (App::summary_json).
EMSCRIPTEN_KEEPALIVE const char* redline_summary() {
  redline::app::App* app = redline::platform::current_app();
  g_last_json = app ? app->summary_json() : std::string("{}");
  return g_last_json.c_str();
}

// Click a number of the summary by its key ("employees/added"): JSON of what it opened.
EMSCRIPTEN_KEEPALIVE const char* redline_open_summary(const char* key) {
  redline::app::App* app = redline::platform::current_app();
  g_last_json = app ? app->open_summary(key ? key : "") : std::string("{}");
  return g_last_json.c_str();
}

// The UI font: the data's characters, those the atlas lacks, its size (JSON).
EMSCRIPTEN_KEEPALIVE const char* redline_font_info() {
  redline::app::App* app = redline::platform::current_app();
  g_last_json = app ? app->font_json() : std::string("{}");
  return g_last_json.c_str();
}

// "dark" or "light" (remembered like the View menu's choice).
EMSCRIPTEN_KEEPALIVE void redline_set_theme(const char* theme) {
  redline::app::App* app = redline::platform::current_app();
  if (!app || !theme) return;
  app->set_theme(std::string(theme) == "light" ? redline::app::Theme::Light : redline::app::Theme::Dark);
}

// The manual ticks, as the CLI's --ticks JSON; they replace the current ticks and go
// into the last run's report at once (as the checklist's checkboxes do). Returns 0,
// or -2 when the JSON is not valid ticks (state().error says why).
EMSCRIPTEN_KEEPALIVE int redline_set_ticks(const char* ticks_json) {
  redline::app::App* app = redline::platform::current_app();
  if (!app) return -1;
  auto ticks = redline::ticks_from_json(std::string_view(ticks_json ? ticks_json : "{}"), "setTicks() ticks");
  if (!ticks) {
    app->session().report_error(ticks.error());
    return -2;
  }
  app->session().set_ticks(std::move(ticks.value()));
  return 0;
}

// Select a checklist item (its rows are shown under the list); "" clears.
EMSCRIPTEN_KEEPALIVE void redline_select_check(const char* id) {
  if (redline::app::App* app = redline::platform::current_app()) app->select_check(id ? id : "");
}

EMSCRIPTEN_KEEPALIVE void redline_cancel() {
  if (redline::app::App* app = redline::platform::current_app()) app->session().cancel();
}

}  // extern "C"
#endif
