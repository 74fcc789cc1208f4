// The functions window.redline calls (web/redline.js via ccall). Each returns JSON
// text or a status; no C++ exception crosses into JavaScript.
#ifdef __EMSCRIPTEN__
#include <emscripten.h>

#include <string>

#include "app/app.hpp"
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

}  // extern "C"
#endif
