// The UI's own Dear ImGui renderer for WebGL2 (in place of ImGui's OpenGL3 backend).
// Why its own: on the page's main thread, every GL call that returns a value
// (getParameter, isEnabled, getError, ...) makes Chromium wait until the GPU process
// has run all commands sent before it; with software WebGL on a 2-core machine whose
// other core runs the engine's worker, that wait was most of the page's long tasks
// (bench/trace_longtasks.mjs: CommandBufferProxyImpl::WaitForGetOffset). ImGui's
// backend asks for ~20 values per frame to save and restore the GL state. This one owns
// the context: it sets its state and asks the GL nothing while drawing. It also keeps
// its vertex and index buffers (grown, never re-made per frame) and uploads a
// one-channel font atlas (a quarter of the bytes of RGBA).
#pragma once

#include <imgui.h>

namespace redline::platform::imgui_gl {

// Make the program, buffers and vertex array (again after a lost context: the old
// objects died with it). False when the shaders cannot be linked (logged).
bool init();
void shutdown();
// Upload the rows [y0, y1) of the font atlas' pixels (one channel, width x height) to
// the texture the frames draw with (io.Fonts' texture id); all of them when the
// texture is new or of another size.
void upload_fonts(const unsigned char* pixels, int width, int height, int y0, int y1);
// Draw a frame: clear to `clear`, then the draw data, into a framebuffer of
// width x height device pixels. User callbacks (the minimap) may change any GL state;
// it is set again after each.
void render(const ImDrawData* data, int width, int height, const ImVec4& clear);

}  // namespace redline::platform::imgui_gl
