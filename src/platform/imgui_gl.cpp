#include "platform/imgui_gl.hpp"

#include <GLES3/gl3.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "platform/gl_program.hpp"

namespace redline::platform::imgui_gl {

namespace {

struct Renderer {
  GLuint program = 0, vao = 0, vbo = 0, ibo = 0, font = 0;
  int font_width = 0, font_height = 0;  // the font texture's size
  GLint u_projection = -1, u_texture = -1;
  GLsizeiptr vbo_size = 0, ibo_size = 0;  // bytes allocated (grown, never shrunk)
};
Renderer g;

// Everything the frame's drawing needs, set without asking the GL what it was.
void set_state(const ImDrawData* d, int width, int height) {
  glViewport(0, 0, width, height);
  glEnable(GL_BLEND);
  glBlendEquation(GL_FUNC_ADD);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glDisable(GL_CULL_FACE);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_STENCIL_TEST);
  glEnable(GL_SCISSOR_TEST);
  glUseProgram(g.program);
  glActiveTexture(GL_TEXTURE0);
  glUniform1i(g.u_texture, 0);
  const float l = d->DisplayPos.x, r = d->DisplayPos.x + d->DisplaySize.x;
  const float t = d->DisplayPos.y, b = d->DisplayPos.y + d->DisplaySize.y;
  const float projection[16] = {
      2.0f / (r - l), 0, 0, 0, 0, 2.0f / (t - b), 0, 0, 0, 0, -1.0f, 0, (r + l) / (l - r), (t + b) / (b - t), 0, 1.0f,
  };
  glUniformMatrix4fv(g.u_projection, 1, GL_FALSE, projection);
  glBindVertexArray(g.vao);
  glBindBuffer(GL_ARRAY_BUFFER, g.vbo);
}

// Point the vertex attributes at the vertex `first` of the buffer (WebGL2 has no
// base-vertex draw: a list's or command's vertex offset moves the pointers instead).
void point_attributes(std::size_t first) {
  const auto base = static_cast<std::uintptr_t>(first * sizeof(ImDrawVert));
  const auto stride = static_cast<GLsizei>(sizeof(ImDrawVert));
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, stride, reinterpret_cast<const void*>(base + offsetof(ImDrawVert, pos)));
  glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, stride, reinterpret_cast<const void*>(base + offsetof(ImDrawVert, uv)));
  glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, stride,
                        reinterpret_cast<const void*>(base + offsetof(ImDrawVert, col)));
}

// Room for `bytes` in `buffer` (bound to `target`): grown to twice what is needed,
// so a growing UI does not re-make it frame after frame.
void reserve(GLenum target, GLsizeiptr& size, GLsizeiptr bytes) {
  if (bytes <= size) return;
  size = bytes * 2;
  glBufferData(target, size, nullptr, GL_DYNAMIC_DRAW);
}

}  // namespace

bool init() {
  std::string log;
  g = Renderer{};
  g.program = link_program("/shaders/imgui.vert", "/shaders/imgui.frag", log);
  if (!g.program) {
    std::fprintf(stderr, "redline: the UI shaders failed: %s\n", log.c_str());
    return false;
  }
  g.u_projection = glGetUniformLocation(g.program, "u_projection");
  g.u_texture = glGetUniformLocation(g.program, "u_texture");
  glGenVertexArrays(1, &g.vao);
  glGenBuffers(1, &g.vbo);
  glGenBuffers(1, &g.ibo);
  glBindVertexArray(g.vao);
  glBindBuffer(GL_ARRAY_BUFFER, g.vbo);
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, g.ibo);  // part of the vertex array's state
  for (GLuint i = 0; i < 3; ++i) glEnableVertexAttribArray(i);
  point_attributes(0);
  glBindVertexArray(0);
  ImGuiIO& io = ImGui::GetIO();
  io.BackendRendererName = "redline_webgl2";
  io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;  // 16-bit indices, any number of vertices
  return true;
}

void shutdown() {
  if (g.font) glDeleteTextures(1, &g.font);
  if (g.vbo) glDeleteBuffers(1, &g.vbo);
  if (g.ibo) glDeleteBuffers(1, &g.ibo);
  if (g.vao) glDeleteVertexArrays(1, &g.vao);
  if (g.program) glDeleteProgram(g.program);
  g = Renderer{};
  ImGui::GetIO().Fonts->SetTexID(nullptr);
}

void upload_fonts(const unsigned char* pixels, int width, int height, int y0, int y1) {
  const bool whole = !g.font || width != g.font_width || height != g.font_height;
  if (!g.font) glGenTextures(1, &g.font);
  glBindTexture(GL_TEXTURE_2D, g.font);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  if (whole) {
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, width, height, 0, GL_RED, GL_UNSIGNED_BYTE, pixels);
    g.font_width = width;
    g.font_height = height;
  } else {
    // Only the rows new glyphs went into.
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, y0, width, y1 - y0, GL_RED, GL_UNSIGNED_BYTE,
                    pixels + static_cast<std::size_t>(y0) * static_cast<std::size_t>(width));
  }
  ImGui::GetIO().Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(g.font)));
}

void render(const ImDrawData* d, int width, int height, const ImVec4& clear) {
  glDisable(GL_SCISSOR_TEST);  // the clear covers the whole canvas
  glViewport(0, 0, width, height);
  glClearColor(clear.x, clear.y, clear.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  if (!g.program || !d || d->DisplaySize.x <= 0 || d->DisplaySize.y <= 0) return;
  set_state(d, width, height);

  // All lists' vertices and indices in one upload each, at their offsets.
  const auto vtx_bytes = static_cast<GLsizeiptr>(d->TotalVtxCount) * static_cast<GLsizeiptr>(sizeof(ImDrawVert));
  const auto idx_bytes = static_cast<GLsizeiptr>(d->TotalIdxCount) * static_cast<GLsizeiptr>(sizeof(ImDrawIdx));
  reserve(GL_ARRAY_BUFFER, g.vbo_size, vtx_bytes);
  reserve(GL_ELEMENT_ARRAY_BUFFER, g.ibo_size, idx_bytes);  // the vertex array binds the index buffer
  GLintptr vtx_at = 0, idx_at = 0;
  for (int n = 0; n < d->CmdListsCount; ++n) {
    const ImDrawList* list = d->CmdLists[n];
    const auto vb = static_cast<GLsizeiptr>(list->VtxBuffer.Size) * static_cast<GLsizeiptr>(sizeof(ImDrawVert));
    const auto ib = static_cast<GLsizeiptr>(list->IdxBuffer.Size) * static_cast<GLsizeiptr>(sizeof(ImDrawIdx));
    if (vb) glBufferSubData(GL_ARRAY_BUFFER, vtx_at, vb, list->VtxBuffer.Data);
    if (ib) glBufferSubData(GL_ELEMENT_ARRAY_BUFFER, idx_at, ib, list->IdxBuffer.Data);
    vtx_at += vb;
    idx_at += ib;
  }

  const ImVec2 pos = d->DisplayPos, scale = d->FramebufferScale;
  std::size_t list_vtx = 0, list_idx = 0;  // the list's first vertex and index in the buffers
  // The vertex the attributes point at: unknown at the start (the vertex array keeps
  // where the last frame left them).
  std::size_t pointed = static_cast<std::size_t>(-1);
  ImTextureID bound = nullptr;
  glBindTexture(GL_TEXTURE_2D, 0);
  for (int n = 0; n < d->CmdListsCount; ++n) {
    const ImDrawList* list = d->CmdLists[n];
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      if (cmd.UserCallback) {
        if (cmd.UserCallback != ImDrawCallback_ResetRenderState) cmd.UserCallback(list, &cmd);
        set_state(d, width, height);
        pointed = static_cast<std::size_t>(-1);
        bound = nullptr;
        continue;
      }
      const float x0 = (cmd.ClipRect.x - pos.x) * scale.x, y0 = (cmd.ClipRect.y - pos.y) * scale.y;
      const float x1 = (cmd.ClipRect.z - pos.x) * scale.x, y1 = (cmd.ClipRect.w - pos.y) * scale.y;
      if (x1 <= x0 || y1 <= y0 || cmd.ElemCount == 0) continue;
      glScissor(static_cast<GLint>(x0), static_cast<GLint>(static_cast<float>(height) - y1),
                static_cast<GLsizei>(x1 - x0), static_cast<GLsizei>(y1 - y0));
      if (cmd.GetTexID() != bound) {
        bound = cmd.GetTexID();
        glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(reinterpret_cast<std::intptr_t>(bound)));
      }
      const std::size_t first = list_vtx + cmd.VtxOffset;
      if (first != pointed) {
        point_attributes(first);
        pointed = first;
      }
      glDrawElements(GL_TRIANGLES, static_cast<GLsizei>(cmd.ElemCount),
                     sizeof(ImDrawIdx) == 2 ? GL_UNSIGNED_SHORT : GL_UNSIGNED_INT,
                     reinterpret_cast<const void*>((list_idx + cmd.IdxOffset) * sizeof(ImDrawIdx)));
    }
    list_vtx += static_cast<std::size_t>(list->VtxBuffer.Size);
    list_idx += static_cast<std::size_t>(list->IdxBuffer.Size);
  }
  glBindVertexArray(0);
}

}  // namespace redline::platform::imgui_gl
