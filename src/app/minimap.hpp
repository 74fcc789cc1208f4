// The change minimap beside the diff's row table: the current table's change
// density (diff::ChangeDensity, computed by the core) with the rows on screen
// marked. The platform draws it with its own GL program (shaders/minimap.frag)
// through an ImDrawList callback; without one, or when the shader did not compile,
// it is drawn with plain ImDrawList rectangles.
#pragma once

#include <imgui.h>

#include <memory>

#include "core/diff/diff_view.hpp"

namespace redline::app {

struct MinimapView {
  ImVec2 min, max;                 // screen rectangle (framebuffer pixels)
  float window_lo = 0, window_hi = 0;  // rows on screen, 0..1 from the top
  std::shared_ptr<const diff::ChangeDensity> density;
  ImVec4 background, added, removed, changed;
};

// A GPU renderer the platform provides.
class MinimapRenderer {
 public:
  virtual ~MinimapRenderer() = default;
  virtual bool ready() const = 0;  // its program compiled and linked
  // Adds the drawing of `view` to `list` (callbacks run during rendering).
  virtual void add(ImDrawList* list, const MinimapView& view) = 0;
};

void set_minimap_renderer(MinimapRenderer* renderer);
// Draws with the GPU renderer when it is ready, else with ImDrawList; returns
// whether the GPU drew it.
bool draw_minimap(ImDrawList* list, const MinimapView& view);

}  // namespace redline::app
