// The functions window.redline calls (web/redline-page.js via the module's exports).
// Each returns JSON text or a status code; no C++ exception crosses into JavaScript.
#ifdef __EMSCRIPTEN__
#include <emscripten.h>

#include <emscripten/heap.h>
#include <malloc.h>

#include <cstdint>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "core/review/checks.hpp"
#include "core/demo/demo.hpp"
#include "core/load/load_job.hpp"
#include "core/load/snapshot.hpp"
#include "core/migrate/normalize_options.hpp"
#include "core/version.hpp"
#include "platform/platform.hpp"

namespace {
std::string g_last_json;  // kept alive until the next call; JS copies it at once
std::vector<std::uint8_t> g_export;  // the last export, until the next one
std::vector<std::uint8_t> g_incoming;  // a file being copied in by the page, piece by piece
std::vector<std::uint8_t> g_incoming_wal;  // its -wal file, when one comes with it

// `v` with room for `size` bytes, still empty: the page fills it a piece at a time,
// growing it over each piece first (redline_load_extend). Reserving does not touch the
// memory; resizing at once would zero all of it in one task, and the first touch of
// fresh wasm memory is what costs (79 ms for 30 MB in Chromium, a frame gap on its own).
// Null when the heap cannot hold it.
std::uint8_t* incoming_buffer(std::vector<std::uint8_t>& v, std::uint32_t size) {
  v = std::vector<std::uint8_t>();
  try {
    v.reserve(size);
  } catch (const std::bad_alloc&) {
    v = std::vector<std::uint8_t>();
    return nullptr;
  }
  return size ? v.data() : reinterpret_cast<std::uint8_t*>(&v);
}
}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE const char* redline_version() { return redline::kVersion; }

EMSCRIPTEN_KEEPALIVE const char* redline_state() {
  redline::app::App* app = redline::platform::current_app();
  g_last_json = app ? app->state_json() : std::string("{\"version\":\"") + redline::kVersion + "\"}";
  return g_last_json.c_str();
}

// A load in pieces: the page asks for a buffer of the file's size in the heap, copies
// the file into it a few MB per task (no single task copies a whole file, so frames
// keep coming), then hands it over with redline_load_commit, without another copy.
// Returns the buffer, or null when the heap cannot hold it.
EMSCRIPTEN_KEEPALIVE std::uint8_t* redline_load_buffer(std::uint32_t size) {
  return incoming_buffer(g_incoming, size);
}

// The buffer of redline_load_buffer (which 0) or redline_load_wal_buffer (1) grown to
// `size` bytes (at most what was asked for), before the page copies the piece that
// ends there; its address does not change. 0 when done.
EMSCRIPTEN_KEEPALIVE int redline_load_extend(int which, std::uint32_t size) {
  std::vector<std::uint8_t>& v = which ? g_incoming_wal : g_incoming;
  if (size > v.capacity()) return -1;
  v.resize(size);
  return 0;
}

// A SQLite file's -wal file coming with it (issue #12): the same, into a second buffer.
EMSCRIPTEN_KEEPALIVE std::uint8_t* redline_load_wal_buffer(std::uint32_t size) {
  return incoming_buffer(g_incoming_wal, size);
}

// An error the page found (files dropped together that do not pair up), shown as a
// load's error is.
EMSCRIPTEN_KEEPALIVE void redline_report_error(const char* message, const char* context) {
  redline::app::App* app = redline::platform::current_app();
  if (!app) return;
  app->session().report_error(redline::make_error(redline::ErrorCode::Usage, message ? message : "",
                                                  context ? context : ""));
}

// Start loading the buffer redline_load_buffer gave (now filled), with the -wal
// buffer when `wal_name` is given. 0 when queued.
EMSCRIPTEN_KEEPALIVE int redline_load_commit(const char* name, const char* wal_name) {
  redline::app::App* app = redline::platform::current_app();
  if (!app) return -1;
  std::optional<redline::WalInput> wal;
  if (wal_name && *wal_name) wal = redline::WalInput{std::move(g_incoming_wal), wal_name};
  app->session().start_load(std::move(g_incoming), name ? name : "snapshot", std::move(wal));
  g_incoming = std::vector<std::uint8_t>();
  g_incoming_wal = std::vector<std::uint8_t>();
  return 0;
}

// Issue #7: can a file of `size` bytes, starting with the `head_size` bytes at
// `head`, be loaded in what is left of the heap? 0 when it can; -2 when it cannot
// (state().error says why and what size the tab can take). Called before the page
// copies the file into the heap.
EMSCRIPTEN_KEEPALIVE int redline_check_load(const std::uint8_t* head, std::uint32_t head_size, double size,
                                            const char* name) {
  redline::app::App* app = redline::platform::current_app();
  if (!app) return -1;
  redline::Format f = redline::detect_format(head, head_size);
  if (f != redline::Format::Sqlite && f != redline::Format::SqliteDump && f != redline::Format::PgDump &&
      f != redline::Format::DumpData)
    return 0;
  struct mallinfo mi = mallinfo();
  std::uint64_t in_use = static_cast<std::uint64_t>(mi.uordblks);
  auto fits = redline::check_load_fits(f, static_cast<std::uint64_t>(size < 0 ? 0 : size),
                                       static_cast<std::uint64_t>(emscripten_get_heap_max()), in_use,
                                       name ? name : "snapshot");
  if (fits) return 0;
  app->session().report_error(fits.error());
  return -2;
}

// What the session is doing (Session::activity: "" when idle), for the page's frame stats.
EMSCRIPTEN_KEEPALIVE const char* redline_job_phase() {
  static std::string text;
  redline::app::App* app = redline::platform::current_app();
  text = app ? app->session().activity() : std::string();
  return text.c_str();
}

// What the frames cost since the last reset (App::frame_work_json).
EMSCRIPTEN_KEEPALIVE const char* redline_frame_work(int reset) {
  redline::app::App* app = redline::platform::current_app();
  g_last_json = app ? app->frame_work_json(reset != 0) : "null";
  return g_last_json.c_str();
}

// The heap: its size now (wasm memory only grows, so also its peak), its limit and
// the bytes malloc has handed out.
EMSCRIPTEN_KEEPALIVE const char* redline_heap() {
  struct mallinfo mi = mallinfo();
  g_last_json = "{\"size\":" + std::to_string(emscripten_get_heap_size()) +
                ",\"max\":" + std::to_string(emscripten_get_heap_max()) +
                ",\"used\":" + std::to_string(mi.uordblks) + "}";
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

// The report of the last run: "json" (spec §5), "md" or "html". "" when there is none.
EMSCRIPTEN_KEEPALIVE const char* redline_report(const char* format) {
  redline::app::App* app = redline::platform::current_app();
  g_last_json.clear();
  if (!app) return g_last_json.c_str();
  auto text = app->session().report_text(format ? format : "json");
  if (text) g_last_json = std::move(text.value());
  return g_last_json.c_str();
}

// Serialize the normalized database; returns its size (or -1 with state().error
// set). The bytes are at redline_export_data() until the next export.
EMSCRIPTEN_KEEPALIVE double redline_export_after() {
  redline::app::App* app = redline::platform::current_app();
  if (!app) return -1;
  auto bytes = app->session().export_after();
  if (!bytes) {
    app->session().report_error(bytes.error());
    return -1;
  }
  g_export = std::move(bytes.value());
  return static_cast<double>(g_export.size());
}
EMSCRIPTEN_KEEPALIVE const std::uint8_t* redline_export_data() { return g_export.data(); }
EMSCRIPTEN_KEEPALIVE void redline_export_release() { std::vector<std::uint8_t>().swap(g_export); }

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
