#include "platform/minimap_gl.hpp"

#include <imgui.h>

#include <cstdio>
#include <string>
#include <vector>

#include "app/minimap.hpp"

#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>

#include "platform/gl_program.hpp"

namespace redline::platform {

namespace {

class GlMinimap final : public app::MinimapRenderer {
 public:
  bool init() {
    std::string log;
    program_ = link_program("/shaders/minimap.vert", "/shaders/minimap.frag", log);
    if (!program_) {
      std::fprintf(stderr, "redline: minimap shader unavailable (%s); drawing the minimap without it\n", log.c_str());
      return false;
    }
    for (auto& [loc, name] : {std::pair<GLint*, const char*>{&u_density_, "u_density"}, {&u_buckets_, "u_buckets"},
                              {&u_size_, "u_size"}, {&u_window_, "u_window"}, {&u_background_, "u_background"},
                              {&u_added_, "u_added"}, {&u_removed_, "u_removed"}, {&u_changed_, "u_changed"}})
      *loc = glGetUniformLocation(program_, name);
    glGenVertexArrays(1, &vao_);
    glGenTextures(1, &texture_);
    return true;
  }

  bool ready() const override { return program_ != 0; }

  void add(ImDrawList* list, const app::MinimapView& view) override {
    view_ = view;
    // The UI's renderer (imgui_gl) sets its own state up again after a callback.
    list->AddCallback(&GlMinimap::render, this);
  }

 private:
  static void render(const ImDrawList*, const ImDrawCmd* cmd) {
    static_cast<GlMinimap*>(cmd->UserCallbackData)->draw(*cmd);
  }

  void upload() {
    const diff::ChangeDensity& d = *view_.density;
    std::vector<unsigned char> texels(d.buckets * 4);
    auto byte = [](float x) { return static_cast<unsigned char>(x <= 0 ? 0 : x >= 1 ? 255 : 1 + x * 254); };
    for (std::size_t b = 0; b < d.buckets; ++b) {
      texels[b * 4 + 0] = byte(d.added[b]);
      texels[b * 4 + 1] = byte(d.removed[b]);
      texels[b * 4 + 2] = byte(d.changed[b]);
      texels[b * 4 + 3] = 255;
    }
    glBindTexture(GL_TEXTURE_2D, texture_);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, static_cast<GLsizei>(d.buckets), 1, 0, GL_RGBA, GL_UNSIGNED_BYTE, texels.data());
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    uploaded_ = view_.density;
  }

  void draw(const ImDrawCmd& cmd) {
    if (!view_.density || view_.density->buckets == 0) return;
    // Nothing is saved to put back: asking the GL for its state makes the page wait for
    // the GPU process (imgui_gl.hpp), and the UI's renderer sets its state again after.
    glActiveTexture(GL_TEXTURE0);
    if (uploaded_ != view_.density) upload();
    const ImDrawData* dd = ImGui::GetDrawData();
    const float fb_h = dd->DisplaySize.y * dd->FramebufferScale.y;
    const float sx = dd->FramebufferScale.x, sy = dd->FramebufferScale.y;
    const float x = (view_.min.x - dd->DisplayPos.x) * sx, y = (view_.min.y - dd->DisplayPos.y) * sy;
    const float w = (view_.max.x - view_.min.x) * sx, h = (view_.max.y - view_.min.y) * sy;
    glViewport(static_cast<GLint>(x), static_cast<GLint>(fb_h - y - h), static_cast<GLsizei>(w), static_cast<GLsizei>(h));
    // Clipped like the ImGui item it stands for.
    const ImVec4 c = cmd.ClipRect;
    glEnable(GL_SCISSOR_TEST);
    glScissor(static_cast<GLint>((c.x - dd->DisplayPos.x) * sx), static_cast<GLint>(fb_h - (c.w - dd->DisplayPos.y) * sy),
              static_cast<GLsizei>((c.z - c.x) * sx), static_cast<GLsizei>((c.w - c.y) * sy));
    glDisable(GL_BLEND);
    glUseProgram(program_);
    glBindVertexArray(vao_);
    glBindTexture(GL_TEXTURE_2D, texture_);
    glUniform1i(u_density_, 0);
    glUniform1f(u_buckets_, static_cast<float>(view_.density->buckets));
    glUniform2f(u_size_, w, h);
    glUniform2f(u_window_, view_.window_lo, view_.window_hi);
    auto color = [](GLint loc, const ImVec4& v) { glUniform4f(loc, v.x, v.y, v.z, v.w); };
    color(u_background_, view_.background);
    color(u_added_, view_.added);
    color(u_removed_, view_.removed);
    color(u_changed_, view_.changed);
    glDrawArrays(GL_TRIANGLES, 0, 3);
  }

  GLuint program_ = 0, vao_ = 0, texture_ = 0;
  GLint u_density_ = -1, u_buckets_ = -1, u_size_ = -1, u_window_ = -1, u_background_ = -1, u_added_ = -1,
        u_removed_ = -1, u_changed_ = -1;
  app::MinimapView view_;
  std::shared_ptr<const diff::ChangeDensity> uploaded_;
};

GlMinimap g_minimap;

}  // namespace

void init_minimap_renderer() {
  g_minimap = GlMinimap();
  app::set_minimap_renderer(g_minimap.init() ? &g_minimap : nullptr);
}

}  // namespace redline::platform

#else

namespace redline::platform {
// Native builds draw the minimap with ImDrawList.
void init_minimap_renderer() { app::set_minimap_renderer(nullptr); }
}  // namespace redline::platform

#endif
