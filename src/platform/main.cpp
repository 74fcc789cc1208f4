// The UI module's entry point and frame loop (the browser calls frame() from
// requestAnimationFrame via emscripten_set_main_loop_arg). The frame only draws: the
// engine works in its own Web Worker, and the app draws what it last published.
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <cmath>
#include <cstdio>

#include <emscripten.h>
#include <GLES3/gl3.h>

#include "app/app.hpp"
#include "platform/minimap_gl.hpp"
#include "platform/platform.hpp"
#include "platform/web.hpp"

namespace redline::platform {

namespace {

Platform g_platform;
app::App* g_app = nullptr;

// Keep the framebuffer at device-pixel resolution of the canvas' CSS size, so text
// is crisp on hi-DPI screens and the canvas follows the window.
void sync_size(Platform& p) {
  float ratio = web::device_pixel_ratio();
  int css_w = 0, css_h = 0;
  web::canvas_css_size(&css_w, &css_h);
  if (css_w <= 0 || css_h <= 0) glfwGetWindowSize(p.window, &css_w, &css_h);
  int want_w = static_cast<int>(std::lround(css_w * ratio));
  int want_h = static_cast<int>(std::lround(css_h * ratio));
  int cur_w = 0, cur_h = 0;
  glfwGetWindowSize(p.window, &cur_w, &cur_h);
  if (want_w > 0 && want_h > 0 && (want_w != cur_w || want_h != cur_h)) {
    glfwSetWindowSize(p.window, want_w, want_h);
  }
  if (std::fabs(ratio - p.pixel_ratio) > 0.01f) {
    p.pixel_ratio = ratio;
    p.fonts_dirty = true;
  }
  glfwGetFramebufferSize(p.window, &p.width, &p.height);
}

void frame(void*) {
  Platform& p = g_platform;
  glfwPollEvents();
  sync_size(p);
  if (p.context_lost) return;  // nothing can be drawn until the browser restores it

  if (p.renderer_dirty) {
    // The old GL objects died with the lost context: make new ones.
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplOpenGL3_Init("#version 300 es");
    init_minimap_renderer();
    p.renderer_dirty = false;
  }
  if (p.fonts_dirty || g_app->fonts_stale()) {
    g_app->rebuild_fonts(p.pixel_ratio);
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    p.fonts_dirty = false;
  }

  const double draw_start = glfwGetTime();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  // ImGui works in device pixels (mouse events arrive in canvas pixels); fonts and
  // sizes are scaled by the pixel ratio instead.
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(static_cast<float>(p.width), static_cast<float>(p.height));
  io.DisplayFramebufferScale = ImVec2(1.0f, 1.0f);
  ImGui::NewFrame();

  g_app->frame();

  ImGui::Render();
  glViewport(0, 0, p.width, p.height);
  const ImVec4 bg = g_app->clear_color();
  glClearColor(bg.x, bg.y, bg.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
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
  ImGui_ImplOpenGL3_Init("#version 300 es");
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
  web::install_context_handlers();

  emscripten_set_main_loop_arg(platform::frame, nullptr, 0, true);
  return 0;
}
