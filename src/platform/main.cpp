// The UI module's entry point and frame loop (the browser calls frame() from
// requestAnimationFrame via emscripten_set_main_loop_arg). The frame only draws: the
// engine works in its own Web Worker, and the app draws what it last published.
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>

#include <cmath>
#include <cstdio>

#include <emscripten.h>
#include <GLES3/gl3.h>

#include "app/app.hpp"
#include "platform/imgui_gl.hpp"
#include "platform/minimap_gl.hpp"
#include "platform/platform.hpp"
#include "platform/present.hpp"
#include "platform/web.hpp"

namespace redline::platform {

namespace {

Platform g_platform;
app::App* g_app = nullptr;

// Keep the framebuffer at device-pixel resolution of the canvas' CSS size, so text
// is crisp on hi-DPI screens and the canvas follows the window. The canvas' backing
// store is sized directly, not through glfwSetWindowSize: Emscripten's GLFW asks the
// browser for full screen when that size equals the screen's, which outside a user
// gesture throws "Permissions check failed" (a window the size of the screen: F11, a
// projector), every frame. GLFW's own window size is then stale and unused: ImGui's
// display size is set from p.width/p.height each frame, and GLFW reports the mouse in
// canvas pixels from the canvas' backing-store size (Browser.calculateMouseEvent).
void sync_size(Platform& p) {
  float ratio = web::device_pixel_ratio();
  int css_w = 0, css_h = 0;
  web::canvas_css_size(&css_w, &css_h);
  if (css_w <= 0 || css_h <= 0) glfwGetWindowSize(p.window, &css_w, &css_h);
  const int want_w = static_cast<int>(std::lround(css_w * ratio));
  const int want_h = static_cast<int>(std::lround(css_h * ratio));
  if (want_w > 0 && want_h > 0) web::set_canvas_size(want_w, want_h);
  if (std::fabs(ratio - p.pixel_ratio) > 0.01f) {
    p.pixel_ratio = ratio;
    p.fonts_dirty = true;
  }
  web::canvas_size(&p.width, &p.height);
}

// Did the user do something this frame (the mouse moved, a button, the wheel, a key,
// text)? Then they wait for the answer on screen.
bool user_input(const ImGuiIO& io) {
  if (io.MouseDelta.x != 0 || io.MouseDelta.y != 0 || io.MouseWheel != 0 || io.MouseWheelH != 0) return true;
  if (io.InputQueueCharacters.Size > 0) return true;
  for (bool down : io.MouseDown)
    if (down) return true;
  for (float d : io.KeysDownDuration)
    if (d == 0.0f) return true;  // pressed this frame
  return false;
}

// A fingerprint of what ImGui would draw now: its vertices, indices and commands
// (FNV-1a over the bytes), the framebuffer's size, and the engine's messages so far
// (a GL callback such as the minimap draws what they brought, unseen by ImGui).
unsigned long long draw_data_hash(const ImDrawData* d, int width, int height, long long received) {
  unsigned long long h = 1469598103934665603ull;
  auto mix = [&h](const void* data, std::size_t n) {
    const auto* b = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
  };
  mix(&width, sizeof width);
  mix(&height, sizeof height);
  mix(&received, sizeof received);
  for (int i = 0; i < d->CmdListsCount; ++i) {
    const ImDrawList* l = d->CmdLists[i];
    mix(l->VtxBuffer.Data, static_cast<std::size_t>(l->VtxBuffer.Size) * sizeof(ImDrawVert));
    mix(l->IdxBuffer.Data, static_cast<std::size_t>(l->IdxBuffer.Size) * sizeof(ImDrawIdx));
    for (const ImDrawCmd& c : l->CmdBuffer) {
      mix(&c.ClipRect, sizeof c.ClipRect);
      mix(&c.TextureId, sizeof c.TextureId);
      mix(&c.ElemCount, sizeof c.ElemCount);
      mix(&c.UserCallbackData, sizeof c.UserCallbackData);
    }
  }
  return h;
}

// Draw this frame? Not when it would put the same pixels on the canvas again (the
// canvas keeps the last frame). And while the engine works, whose progress changes the
// frame at every message, at most every kBusyFrameS unless the user did something: a
// software-WebGL frame costs the browser far more than the frame's own code. Without
// GPU compositing Chromium reads every drawn WebGL frame back on this thread
// (DrawingBuffer's ReadPixels at the frame's commit), waiting for the GPU process to
// render it, which on a 2-core machine whose other core runs the worker is starved:
// 30-100 ms a drawn frame (bench/trace_longtasks.mjs). A frame not drawn costs none
// of it, and a progress bar needs no more than a few frames a second.
bool should_draw(Platform& p, bool had_input) {
  constexpr double kBusyFrameS = 0.25;
  const unsigned long long h =
      draw_data_hash(ImGui::GetDrawData(), p.width, p.height, g_app->session().received());
  if (h == p.drawn_hash && p.frames > 2) return false;
  const double now = glfwGetTime();
  const bool busy = g_app->session().job().active;
  if (busy && !had_input && p.last_draw_s >= 0 && now - p.last_draw_s < kBusyFrameS) return false;
  p.drawn_hash = h;
  p.last_draw_s = now;
  return true;
}

// While the engine works, frames come from a 50 ms timer instead of every display
// refresh: each requestAnimationFrame makes the browser run its rendering update on
// this thread, which with software WebGL on a 2-core machine (the other core runs
// the worker) takes 50-100 ms whether or not the frame draws anything. Input is still
// taken by event handlers and shown at the next frame.
void pace_frames(Platform& p) {
#ifdef __EMSCRIPTEN__
  const bool busy = g_app->session().job().active;
  if (busy == p.timer_frames) return;
  p.timer_frames = busy;
  if (busy) {
    emscripten_set_main_loop_timing(EM_TIMING_SETTIMEOUT, 50);
  } else {
    emscripten_set_main_loop_timing(EM_TIMING_RAF, 1);
  }
#else
  (void)p;
#endif
}

// Puts the font atlas' changed rows into its texture. True when there were any.
bool upload_fonts() {
  const app::FontTexture t = g_app->font().texture();
  if (t.dirty_y1 <= t.dirty_y0) return false;
  imgui_gl::upload_fonts(t.pixels, t.width, t.height, t.dirty_y0, t.dirty_y1);
  g_app->fonts_uploaded();
  return true;
}

void frame(void*) {
  Platform& p = g_platform;
  glfwPollEvents();
  const int drawn_w = p.width, drawn_h = p.height;
  sync_size(p);
  // A resize cleared the canvas: it is drawn again now, even while a job throttles
  // frames, or the user sees it blank.
  const bool resized = p.width != drawn_w || p.height != drawn_h;
  if (p.context_lost) return;  // nothing can be drawn until the browser restores it

  if (p.renderer_dirty) {
    // The old GL objects died with the lost context: make new ones.
    imgui_gl::shutdown();
    imgui_gl::init();
    present::reset();
    init_minimap_renderer();
    p.fonts_dirty = true;  // the font texture died with the context too
    p.renderer_dirty = false;
    p.drawn_hash = 0;
  }
  if (p.fonts_dirty) {
    g_app->rebuild_fonts(p.pixel_ratio);
    p.fonts_dirty = false;
  } else {
    g_app->update_fonts();
  }
  if (upload_fonts()) p.drawn_hash = 0;

  const double draw_start = glfwGetTime();
  ImGui_ImplGlfw_NewFrame();
  // ImGui works in device pixels (mouse events arrive in canvas pixels); fonts and
  // sizes are scaled by the pixel ratio instead.
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(static_cast<float>(p.width), static_cast<float>(p.height));
  io.DisplayFramebufferScale = ImVec2(1.0f, 1.0f);
  ImGui::NewFrame();

  g_app->frame();

  ImGui::Render();
  pace_frames(p);
  if (present::fenced() && present::busy(p.width, p.height)) return;
  if (!should_draw(p, resized || user_input(io))) return;
  if (present::fenced()) present::begin(p.width, p.height);
  imgui_gl::render(ImGui::GetDrawData(), p.width, p.height, g_app->clear_color());
  if (present::fenced()) present::end();
  g_app->note_draw((glfwGetTime() - draw_start) * 1000.0);
  if (++p.frames == 2) web::notify_ready();  // the first frames are on screen
}

}  // namespace

Platform& instance() { return g_platform; }
app::App* current_app() { return g_app; }

void on_context_lost() { g_platform.context_lost = true; }
void on_context_restored() {
  g_platform.context_lost = false;
  g_platform.renderer_dirty = true;
  g_platform.fonts_dirty = true;
}

}  // namespace redline::platform

int main() {
  using namespace redline;
  platform::Platform& p = platform::instance();
  if (!glfwInit()) {
    std::fprintf(stderr, "redline: cannot initialise GLFW\n");
    web::report_fatal("Cannot start the graphics layer (GLFW).");
    return 1;
  }
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  // Only a colour buffer, opaque: the UI draws no depth or stencil, and each of them is
  // one more buffer for software WebGL to clear every frame (and an alpha channel one
  // more blend for the compositor).
  glfwWindowHint(GLFW_DEPTH_BITS, 0);
  glfwWindowHint(GLFW_STENCIL_BITS, 0);
  glfwWindowHint(GLFW_ALPHA_BITS, 0);
  p.window = glfwCreateWindow(1280, 800, "Redline", nullptr, nullptr);
  if (!p.window) {
    web::report_fatal("This browser could not create a WebGL2 context.");
    return 1;
  }
  glfwMakeContextCurrent(p.window);
  glfwSwapInterval(1);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // nothing is written behind the user's back
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  ImGui_ImplGlfw_InitForOpenGL(p.window, true);
  if (!platform::imgui_gl::init()) {
    web::report_fatal("This browser could not compile the UI's WebGL2 shaders.");
    return 1;
  }
  platform::init_minimap_renderer();

  static app::App application;  // lives for the whole page
  platform::g_app = &application;
  p.pixel_ratio = web::device_pixel_ratio();
  application.open_file_dialog = web::open_file_dialog;
  application.download = web::download;
  application.copy_text = web::copy_text;
  application.load_setting = web::load_setting;
  application.save_setting = web::save_setting;
  application.session().post = web::post_to_engine;
  application.init(p.pixel_ratio);
  platform::upload_fonts();
  web::install_context_handlers();

  emscripten_set_main_loop_arg(platform::frame, nullptr, 0, true);
  return 0;
}
