#include "platform/web.hpp"

#include <emscripten.h>

#include <cstdlib>

#include "platform/platform.hpp"

// clang-format off
EM_JS(double, js_device_pixel_ratio, (), {
  return (typeof window !== 'undefined' && window.devicePixelRatio) || 1;
});
EM_JS(void, js_canvas_css_size, (int* w, int* h), {
  var c = Module['canvas'];
  var r = c ? c.getBoundingClientRect() : {width: 0, height: 0};
  HEAP32[w >> 2] = Math.round(r.width);
  HEAP32[h >> 2] = Math.round(r.height);
});
EM_JS(void, js_set_canvas_size, (int w, int h), {
  var c = Module['canvas'];
  // Assigning the size clears the canvas even when unchanged: only on a change.
  if (c && c.width !== w) c.width = w;
  if (c && c.height !== h) c.height = h;
});
EM_JS(void, js_canvas_size, (int* w, int* h), {
  var c = Module['canvas'];
  HEAP32[w >> 2] = c ? c.width : 0;
  HEAP32[h >> 2] = c ? c.height : 0;
});
EM_JS(void, js_notify_ready, (), {
  if (Module['onRedlineReady']) Module['onRedlineReady']();
});
EM_JS(void, js_report_fatal, (const char* msg), {
  var text = UTF8ToString(msg);
  if (Module['onRedlineFatal']) Module['onRedlineFatal'](text); else console.error(text);
});
EM_JS(void, js_install_context_handlers, (), {
  var c = Module['canvas'];
  c.addEventListener('webglcontextlost', function(e) {
    e.preventDefault();  // tells the browser we want the context back
    Module['_redline_context_lost']();
    if (Module['onRedlineContextLost']) Module['onRedlineContextLost']();
  }, false);
  c.addEventListener('webglcontextrestored', function() {
    Module['_redline_context_restored']();
    if (Module['onRedlineContextRestored']) Module['onRedlineContextRestored']();
  }, false);
});
EM_JS(void, js_open_file_dialog, (), {
  if (Module['onRedlineOpenFile']) Module['onRedlineOpenFile']();
});
EM_JS(void, js_download, (const char* name, const char* mime, const std::uint8_t* data, double size), {
  // A copy out of the heap (it may move); the page makes the download.
  Module['redlineDownload'](UTF8ToString(name), UTF8ToString(mime), HEAPU8.slice(data, data + size));
});
EM_JS(void, js_copy_text, (const char* text), {
  var t = UTF8ToString(text);
  if (Module['onRedlineCopy']) Module['onRedlineCopy'](t);
});
EM_JS(char*, js_load_setting, (const char* key), {
  var v = String();
  try { v = window.localStorage.getItem("redline." + UTF8ToString(key)) || String(); } catch (e) { /* storage blocked */ }
  var n = lengthBytesUTF8(v) + 1;
  var p = _malloc(n);
  stringToUTF8(v, p, n);
  return p;
});
EM_JS(void, js_save_setting, (const char* key, const char* value), {
  try { window.localStorage.setItem("redline." + UTF8ToString(key), UTF8ToString(value)); } catch (e) { /* storage blocked */ }
});
EM_JS(double, js_post_to_engine, (const char* request), {
  return Module['onRedlinePost'] ? Module['onRedlinePost'](UTF8ToString(request)) : 0;
});
// clang-format on

extern "C" {
EMSCRIPTEN_KEEPALIVE void redline_context_lost() { redline::platform::on_context_lost(); }
EMSCRIPTEN_KEEPALIVE void redline_context_restored() { redline::platform::on_context_restored(); }
}

namespace redline::web {
float device_pixel_ratio() { return static_cast<float>(js_device_pixel_ratio()); }
void canvas_css_size(int* width, int* height) { js_canvas_css_size(width, height); }
void set_canvas_size(int width, int height) { js_set_canvas_size(width, height); }
void canvas_size(int* width, int* height) { js_canvas_size(width, height); }
void notify_ready() { js_notify_ready(); }
void report_fatal(const char* message) { js_report_fatal(message); }
void install_context_handlers() { js_install_context_handlers(); }
void open_file_dialog() { js_open_file_dialog(); }
void download(const std::string& name, const std::string& mime, const std::vector<std::uint8_t>& bytes) {
  js_download(name.c_str(), mime.c_str(), bytes.data(), static_cast<double>(bytes.size()));
}
void copy_text(const std::string& text) { js_copy_text(text.c_str()); }
std::string load_setting(const std::string& key) {
  char* p = js_load_setting(key.c_str());
  std::string out = p ? p : "";
  std::free(p);
  return out;
}
void save_setting(const std::string& key, const std::string& value) { js_save_setting(key.c_str(), value.c_str()); }
std::int64_t post_to_engine(const std::string& request_json) {
  return static_cast<std::int64_t>(js_post_to_engine(request_json.c_str()));
}
}  // namespace redline::web
