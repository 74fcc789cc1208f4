// The platform layer of the UI module: the GLFW window, the WebGL2 context, Dear
// ImGui's backends and the frame loop. The app (src/app) sees none of this: it gets
// one call per frame.
#pragma once

struct GLFWwindow;

namespace redline::app {
class App;
}

namespace redline::platform {

struct Platform {
  GLFWwindow* window = nullptr;
  float pixel_ratio = 1.0f;   // device pixels per CSS pixel (hi-DPI screens: 2, 3, ...)
  int width = 0, height = 0;  // framebuffer size in device pixels
  bool context_lost = false;  // WebGL context lost: skip rendering until restored
  bool renderer_dirty = false;  // renderer objects must be recreated (context restored)
  bool fonts_dirty = false;     // font atlas must be rebuilt (pixel ratio changed)
  long long frames = 0;
  // What the last frame put on the canvas, so an unchanged frame is not drawn again
  // (drawing_hash), and when (last_draw_s, glfwGetTime()).
  unsigned long long drawn_hash = 0;
  double last_draw_s = -1;
  bool timer_frames = false;  // frames paced by a timer (the engine works), not by the display
};

Platform& instance();
app::App* current_app();  // nullptr until main() has set it up

// Called by JavaScript (the WebGL context events, web.cpp).
void on_context_lost();
void on_context_restored();

}  // namespace redline::platform
