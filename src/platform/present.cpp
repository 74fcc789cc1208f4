// See present.hpp: a frame drawn offscreen, shown once the GPU has finished it.
#include "platform/present.hpp"

#include <emscripten.h>
#include <GLES3/gl3.h>

namespace redline::platform::present {

namespace {

struct Target {
  GLuint fbo = 0, color = 0;
  int width = 0, height = 0;
  GLsync fence = nullptr;  // the last frame drawn, not yet shown
  bool direct = false;     // this frame goes straight to the canvas (see begin())
};
Target g;

void make(int width, int height) {
  if (g.fbo && g.width == width && g.height == height) return;
  if (!g.fbo) {
    glGenFramebuffers(1, &g.fbo);
    glGenRenderbuffers(1, &g.color);
  }
  glBindRenderbuffer(GL_RENDERBUFFER, g.color);
  glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, width, height);
  glBindFramebuffer(GL_FRAMEBUFFER, g.fbo);
  glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, g.color);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  g.width = width;
  g.height = height;
}

}  // namespace

bool fenced() {
  static const bool on = EM_ASM_INT({
    try {
      return new URLSearchParams(window.location.search).get('present') === 'direct' ? 0 : 1;
    } catch (e) {
      return 1;
    }
  }) != 0;
  return on;
}

bool busy(int width, int height) {
  if (!g.fence) return false;
  // The canvas was resized, which cleared it: the frame in flight is of the old size
  // and would never be shown, so it is dropped and a new one drawn now (begin()).
  if (g.width != width || g.height != height) {
    glDeleteSync(g.fence);
    g.fence = nullptr;
    return false;
  }
  // WebGL2 answers this from a status it refreshes between tasks: no wait here.
  GLint status = GL_UNSIGNALED;
  glGetSynciv(g.fence, GL_SYNC_STATUS, 1, nullptr, &status);
  if (status != GL_SIGNALED) return true;
  glDeleteSync(g.fence);
  g.fence = nullptr;
  // The blit obeys the scissor test, which the UI's last draw command left on.
  glDisable(GL_SCISSOR_TEST);
  glBindFramebuffer(GL_READ_FRAMEBUFFER, g.fbo);
  glBindFramebuffer(GL_DRAW_FRAMEBUFFER, 0);
  glBlitFramebuffer(0, 0, width, height, 0, 0, width, height, GL_COLOR_BUFFER_BIT, GL_NEAREST);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  // No new frame in this task: the commit's read would wait for it too.
  return true;
}

void begin(int width, int height) {
  // A new size means the canvas was just cleared (a resize, a new pixel ratio, the
  // first frame, a restored context). Drawn behind a fence, this frame would reach the
  // canvas a frame or more later and the browser would show it blank until then: a
  // black flash on every resize. So it is drawn straight into the canvas, as
  // ?present=direct does; the frames after it are fenced again.
  g.direct = g.width != width || g.height != height;
  make(width, height);
  glBindFramebuffer(GL_FRAMEBUFFER, g.direct ? 0 : g.fbo);
}

void end() {
  if (g.direct) return;
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  g.fence = glFenceSync(GL_SYNC_GPU_COMMANDS_COMPLETE, 0);
  glFlush();  // the GPU process starts on it now, not at the next commit
}

void reset() { g = Target{}; }

}  // namespace redline::platform::present
