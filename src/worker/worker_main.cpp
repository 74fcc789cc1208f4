// The engine module's entry: the C exports web/redline-worker.js drives inside the
// page's Web Worker (SQLite, the core and src/engine; no UI, GL or main loop). Requests
// go in as JSON text, pump() works for a budget, messages and answers come out as JSON
// text, bytes cross through the buffers named here. Nothing thrown crosses into
// JavaScript.
#include <emscripten.h>
#include <emscripten/heap.h>
#include <malloc.h>

#include <cstdint>
#include <new>
#include <string>

#include "core/load/load_job.hpp"
#include "core/load/snapshot.hpp"
#include "core/version.hpp"
#include "engine/host.hpp"
#include "engine/protocol.hpp"

namespace {
redline::engine::Host g_host;
std::string g_text;                     // the last text returned; JS copies it at once
redline::engine::Host::Answer g_answer;  // the answer being taken, until the next
}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE const char* redline_worker_version() { return redline::kVersion; }

EMSCRIPTEN_KEEPALIVE void redline_worker_post(const char* request) { g_host.post(request ? request : ""); }

// Work for about budget_ms; 1 while work remains.
EMSCRIPTEN_KEEPALIVE int redline_worker_pump(double budget_ms) {
  try {
    return g_host.pump(budget_ms) ? 1 : 0;
  } catch (const std::bad_alloc&) {
    // The engine's jobs turn what they throw into errors; this is a last guard.
    g_host.report_error(redline::make_error(redline::ErrorCode::Internal, "out of memory in the engine"));
    g_host.engine().cancel();
    return 0;
  }
}

// The warm-up (Host::set_warm_up): on from the start, run while the engine is idle.
EMSCRIPTEN_KEEPALIVE void redline_worker_warm_up() { g_host.set_warm_up(true); }
// 1 while the warm-up holds an engine (its slices are timed as "warm-up").
EMSCRIPTEN_KEEPALIVE int redline_worker_warming() { return g_host.warming() ? 1 : 0; }

// What the engine is doing ("stage phase", "" when idle): the worker's time per stage
// is kept under this name.
EMSCRIPTEN_KEEPALIVE const char* redline_worker_activity() {
  g_text = g_host.engine().activity();
  return g_text.c_str();
}

// What changed since the last call (Host::take_messages): a JSON array.
EMSCRIPTEN_KEEPALIVE const char* redline_worker_take() {
  g_text = g_host.take_messages();
  return g_text.c_str();
}

// The next answer's JSON ("" when none); its bytes, if any, at
// redline_worker_answer_data() until the next call.
EMSCRIPTEN_KEEPALIVE const char* redline_worker_take_answer() {
  g_answer = g_host.has_answer() ? g_host.take_answer() : redline::engine::Host::Answer{};
  return g_answer.json.c_str();
}
EMSCRIPTEN_KEEPALIVE const std::uint8_t* redline_worker_answer_data() { return g_answer.bytes.data(); }
EMSCRIPTEN_KEEPALIVE void redline_worker_answer_release() { g_answer = {}; }

// Issue #7: can a file of `size` bytes starting with the `head_size` bytes at `head`
// be loaded in what is left of this heap? "" when it can, else the error's JSON (also
// shown as the page's error). Called before anything is copied in.
EMSCRIPTEN_KEEPALIVE const char* redline_worker_check_load(const std::uint8_t* head, std::uint32_t head_size,
                                                           double size, const char* name) {
  g_text.clear();
  // Before every copy in (the worker checks first): what the warm-up holds is freed,
  // not counted against the room the file gets.
  g_host.drop_warm_up();
  redline::Format f = redline::detect_format(head, head_size);
  if (f != redline::Format::Sqlite && f != redline::Format::SqliteDump && f != redline::Format::PgDump &&
      f != redline::Format::DumpData)
    return g_text.c_str();  // the loader names what it is and refuses it
  struct mallinfo mi = mallinfo();
  auto fits = redline::check_load_fits(f, static_cast<std::uint64_t>(size < 0 ? 0 : size),
                                       static_cast<std::uint64_t>(emscripten_get_heap_max()),
                                       static_cast<std::uint64_t>(mi.uordblks), name ? name : "snapshot");
  if (fits) return g_text.c_str();
  g_host.report_error(fits.error());
  g_text = redline::engine::dump(redline::engine::to_json(fits.error()));
  return g_text.c_str();
}

// The buffer (0: the file, 1: its -wal) a file of `size` bytes is copied into before
// its load request; null when the heap cannot hold it.
EMSCRIPTEN_KEEPALIVE std::uint8_t* redline_worker_buffer(int which, double size) {
  std::vector<std::uint8_t>& v = g_host.incoming(which);
  v = std::vector<std::uint8_t>();
  try {
    v.resize(static_cast<std::size_t>(size));
  } catch (const std::bad_alloc&) {
    v = std::vector<std::uint8_t>();
    return nullptr;
  }
  return v.data();
}
// A load that will not happen (cancelled while its bytes came in): free its buffers.
EMSCRIPTEN_KEEPALIVE void redline_worker_drop_buffers() {
  g_host.incoming(0) = {};
  g_host.incoming(1) = {};
}

// The heap: its size now (wasm memory only grows, so also its peak), its limit and
// the bytes malloc has handed out (JSON).
EMSCRIPTEN_KEEPALIVE const char* redline_worker_heap() {
  struct mallinfo mi = mallinfo();
  g_text = "{\"size\":" + std::to_string(emscripten_get_heap_size()) +
           ",\"max\":" + std::to_string(emscripten_get_heap_max()) + ",\"used\":" + std::to_string(mi.uordblks) + "}";
  return g_text.c_str();
}

}  // extern "C"
