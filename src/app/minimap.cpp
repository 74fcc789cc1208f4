#include "app/minimap.hpp"

#include <algorithm>
#include <cmath>

namespace redline::app {

namespace {
MinimapRenderer* g_renderer = nullptr;

ImU32 mix(const ImVec4& a, const ImVec4& b, float t) {
  return ImGui::ColorConvertFloat4ToU32(ImVec4(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, a.z + (b.z - a.z) * t, 1.0f));
}

// The shader's picture, one rectangle per pixel row and lane that has a change.
void draw_plain(ImDrawList* list, const MinimapView& v) {
  list->AddRectFilled(v.min, v.max, ImGui::ColorConvertFloat4ToU32(v.background));
  const float h = v.max.y - v.min.y, w = v.max.x - v.min.x;
  if (v.density && v.density->buckets > 0 && h >= 1.0f) {
    const diff::ChangeDensity& d = *v.density;
    const std::vector<float>* lanes[] = {&d.added, &d.removed, &d.changed};
    const ImVec4* colors[] = {&v.added, &v.removed, &v.changed};
    const int rows = static_cast<int>(h);
    for (int lane = 0; lane < 3; ++lane) {
      const std::vector<float>& dens = *lanes[lane];
      for (int y = 0; y < rows; ++y) {
        auto b0 = static_cast<std::size_t>(std::floor(static_cast<double>(y) / rows * static_cast<double>(d.buckets)));
        auto b1 = static_cast<std::size_t>(std::floor(static_cast<double>(y + 1) / rows * static_cast<double>(d.buckets)));
        b1 = std::min(std::max(b1, b0 + 1), d.buckets);
        float m = 0;
        for (std::size_t b = b0; b < b1; ++b) m = std::max(m, dens[b]);
        if (m <= 0) continue;
        const float x0 = v.min.x + w * static_cast<float>(lane) / 3.0f;
        list->AddRectFilled(ImVec2(x0, v.min.y + static_cast<float>(y)),
                            ImVec2(x0 + w / 3.0f, v.min.y + static_cast<float>(y + 1)),
                            mix(v.background, *colors[lane], 0.45f + 0.55f * std::sqrt(m)));
      }
    }
  }
  const float top = v.min.y + v.window_lo * h;
  const float bottom = std::max(v.min.y + v.window_hi * h, top + 2.0f);
  list->AddRectFilled(ImVec2(v.min.x, top), ImVec2(v.max.x, bottom), IM_COL32(255, 255, 255, 40));
  list->AddRect(ImVec2(v.min.x, top), ImVec2(v.max.x, bottom), IM_COL32(235, 235, 235, 255));
}
}  // namespace

void set_minimap_renderer(MinimapRenderer* renderer) { g_renderer = renderer; }

bool draw_minimap(ImDrawList* list, const MinimapView& view) {
  if (g_renderer && g_renderer->ready() && view.density) {
    g_renderer->add(list, view);
    return true;
  }
  draw_plain(list, view);
  return false;
}

}  // namespace redline::app
