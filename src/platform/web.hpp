// The few things the platform layer asks of the page (devicePixelRatio, the
// canvas' CSS size, the ready signal, WebGL context events, the engine's worker).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace redline::web {

float device_pixel_ratio();
void canvas_css_size(int* width, int* height);
// The canvas' backing store (device pixels): set when it differs, and read back.
void set_canvas_size(int width, int height);
void canvas_size(int* width, int* height);
void notify_ready();                        // resolves window.redline.ready
void report_fatal(const char* message);     // shown in the page when the app cannot start
void install_context_handlers();            // webglcontextlost / webglcontextrestored
void open_file_dialog();                    // the page's file picker
// Offer bytes as a browser download (a Blob; nothing leaves the machine).
void download(const std::string& name, const std::string& mime, const std::vector<std::uint8_t>& bytes);
// The system clipboard (the page writes it; see onRedlineCopy in redline-page.js).
void copy_text(const std::string& text);
// Remembered settings (localStorage "redline.<key>"); "" when never saved or blocked.
std::string load_setting(const std::string& key);
void save_setting(const std::string& key, const std::string& value);
// Post a request to the engine's worker (the page numbers it); returns its number.
std::int64_t post_to_engine(const std::string& request_json);

}  // namespace redline::web
