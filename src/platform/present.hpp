// How a drawn frame reaches the screen. Each frame is drawn into an offscreen
// framebuffer and copied to the canvas only once the GPU has finished it (a WebGL2
// fence), drawing no new frame meanwhile. (?present=direct draws straight into the
// canvas, as before, to compare.) Why: with software compositing, Chromium reads
// every changed WebGL canvas back on the page's main thread when it commits a frame,
// and that read waits until the GPU process (SwiftShader) has rendered everything sent
// before it: on a loaded 2-core machine most of the page's long tasks
// (bench/trace_longtasks.mjs). Fenced, the read waits only for one copy. Measured on
// a 300k-row load + normalize + export at load average ~14: 67-95 main-thread tasks of
// 50 ms or more drawing directly, 18-20 fenced.
#pragma once

namespace redline::platform::present {

// False only when the page's URL says ?present=direct (read once).
bool fenced();
// Every frame, before deciding whether to draw: when a fenced frame has finished,
// copy it to the canvas. True while one is still being rendered, and in the frame that
// copies it: draw nothing new then. False when the size changed (the frame in flight
// is dropped).
bool busy(int width, int height);
// Around imgui_gl::render(): the framebuffer the frame goes to (made or resized as
// needed), then the fence after it. The first frame at a new size goes straight to
// the canvas, which the resize cleared, so that it is never shown blank.
void begin(int width, int height);
void end();
// After a lost context: the old objects died with it.
void reset();

}  // namespace redline::platform::present
