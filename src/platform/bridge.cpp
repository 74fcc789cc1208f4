// The functions window.redline calls (web/redline-page.js via the module's exports).
// Each returns JSON text or a status code; no C++ exception crosses into JavaScript.
#ifdef __EMSCRIPTEN__
#include <emscripten.h>

#include <cstdint>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "core/demo.hpp"
#include "core/version.hpp"
#include "platform/platform.hpp"

namespace {
std::string g_last_json;  // kept alive until the next call; JS copies it at once
}

extern "C" {

EMSCRIPTEN_KEEPALIVE const char* redline_version() { return redline::kVersion; }

EMSCRIPTEN_KEEPALIVE const char* redline_state() {
  redline::app::App* app = redline::platform::current_app();
  g_last_json = app ? app->state_json() : std::string("{\"version\":\"") + redline::kVersion + "\"}";
  return g_last_json.c_str();
}

// Queue a load of `size` bytes at `data` (copied; the caller frees its buffer).
// Returns 0 when queued, -1 when the app is not running.
EMSCRIPTEN_KEEPALIVE int redline_load(const std::uint8_t* data, std::uint32_t size, const char* name) {
  redline::app::App* app = redline::platform::current_app();
  if (!app) return -1;
  std::vector<std::uint8_t> bytes(data, data + size);
  app->session().start_load(std::move(bytes), name ? name : "snapshot");
  return 0;
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

EMSCRIPTEN_KEEPALIVE void redline_cancel() {
  if (redline::app::App* app = redline::platform::current_app()) app->session().cancel();
}

}  // extern "C"
#endif
