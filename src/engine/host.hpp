// The engine's side of the page protocol: what runs in the page's Web Worker around an
// Engine. Requests arrive as JSON (from the UI module or from window.redline), the
// engine works in budgeted pump() calls, and what changed since the last take goes out
// as messages (protocol.hpp's views as JSON); answers to requests that carry an id
// (reports, CSV, the after image) are queued apart, bytes and all. Plain C++ with no
// Emscripten: the worker's C exports (src/worker/worker_main.cpp) wrap it, and the
// native tests drive it the way the page does.
//
// Requests, {"type": ..., "seq": n, ...}:
//   demo {employees, seed, profile: "clean"|"dirty"}   load {name, wal_name?, sha256?} (the
//   bytes are in incoming(0) and incoming(1); sha256: the file's, already computed)   run {options}   cancel   error {message, context}
//   page {table, kind, offset, limit}   search {table, kind, query}   density {table, buckets}
//   rows {table, ids | check}   check_ids {check, offset, limit}   detail {table, kind, before_id, after_id}
//   locate {table, id, any_kind, kind}   ticks {ticks}
//   report {id, format}   csv {id, table}   after {id}   skip (a load the page refused)
//   script {id, options, revert, batch_rows} (answered with the script's bytes)
//   verify {id, name, options} (the actual-after file's bytes are in incoming(0);
//   answered with the verify view's JSON as text once compared)
// Messages, {"type": ...}: status {seen, job, generation, failures, runs, error};
//   loaded, run, page, search, density, rows, check_ids, detail, location, verify {view (null when cleared)};
//   chars {chars}. `seen` is the seq of the last request taken: the UI knows from it
//   whether the job it asked for is already reflected.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/engine.hpp"

namespace redline::engine {

class Host {
 public:
  // One request (JSON text). A malformed one is shown as an error, never thrown.
  void post(std::string_view request_json);
  // Work for about budget_ms. True while work remains (a job, a search in progress).
  bool pump(double budget_ms);
  // What changed since the last call, as a JSON array ("[]" when nothing did).
  std::string take_messages();

  // An answer to a request with an id: {"id", "text"} or {"id", "error"}; with
  // bytes (the PostgreSQL script) `bytes` holds them and the JSON says "bytes": size.
  // The after image comes in pieces (1 MB) as it is made, each {"id", "piece": true,
  // "bytes": size, "of": the whole image's size} with its bytes, then {"id", "size":
  // the image's size}: the engine's heap never holds a copy of the whole image (the
  // worker copies each piece out into the one buffer or Blob the page gets).
  struct Answer {
    std::string json;
    std::vector<std::uint8_t> bytes;
  };
  bool has_answer() const { return !answers_.empty(); }
  Answer take_answer();

  // The buffers a file and its -wal are copied into before a load request (0: the
  // file, 1: the -wal): the page copies into them, the load request moves them into
  // the engine. No second copy of the user's bytes is made.
  std::vector<std::uint8_t>& incoming(int which) { return which ? incoming_wal_ : incoming_; }
  void report_error(Error e) { engine_.report_error(std::move(e)); }

  Engine& engine() { return engine_; }

  // The warm-up (the page's worker turns it on). A fresh page's first run is 3-4x
  // slower than its next ones: V8 compiles wasm with its baseline compiler first and
  // optimizes the hot functions as they run (bench/findings.md, eighth pass). So while
  // the engine has nothing to do, a small dirty demo goes once through the pipeline on
  // an engine of its own (demo, preflight, normalize, review, after image, then that
  // image loaded as a SQLite file), and the user's first file meets compiled code.
  // Nothing of it is published. Any request that starts work drops it with its
  // memory, as does drop_warm_up() (the worker calls it before a file is copied in),
  // except a demo asked for before it started, which only puts it off.
  void set_warm_up(bool on) { warm_wanted_ = on; }
  void drop_warm_up();
  bool warming() const { return warm_ != nullptr; }
  // How the warm-up ended: "" (not yet), "done" (its image loaded), "dropped at
  // <stage>" (demo, run, image, load; with the error if a stage failed) or "dropped
  // before it started". It runs once: once this is set it does not start again.
  const std::string& warm_up_end() const { return warm_end_; }

 private:
  bool pump_warm_up(double budget_ms);  // true while it has work left
  // The warm-up's engine and where it is: the demo's load and preflight, its run and
  // review, its after image (kept), that image loaded as a user's SQLite file.
  struct WarmUp {
    enum Stage { Demo, Run, Image, Load } stage = Demo;
    Engine engine;
    std::vector<std::uint8_t> image;
  };
  std::unique_ptr<WarmUp> warm_;
  bool warm_wanted_ = false;
  std::string warm_end_;  // warm_up_end()

  void handle(const nlohmann::json& request);
  void answer_error(std::int64_t id, const Error& e);
  void answer_verify();  // the pending verify request's answer, once the engine has it
  // The plan and stepper's requests (trace, trace_state, lineage: host_stepper.cpp).
  bool handle_stepper(const std::string& type, const nlohmann::json& request);
  void answer_traces();  // pending trace requests whose replay has ended
  std::vector<std::pair<std::int64_t, nlohmann::ordered_json>> trace_pending_;  // id, options
  std::shared_ptr<const nlohmann::ordered_json> state_view_, lineage_view_;  // for the UI
  std::shared_ptr<const nlohmann::ordered_json> sent_trace_, sent_state_, sent_lineage_;

  std::optional<std::pair<std::int64_t, int>> verify_pending_;  // id, verifications() when asked

  Engine engine_;
  std::vector<std::uint8_t> incoming_, incoming_wal_;
  std::deque<Answer> answers_;
  std::int64_t seen_ = 0;
  // What was sent last: views by identity, the status and characters by value.
  std::string last_status_;
  int last_chars_generation_ = 0;
  std::shared_ptr<const LoadedView> sent_loaded_;
  std::shared_ptr<const RunView> sent_run_;
  std::shared_ptr<const diff::RowPage> sent_page_;
  std::shared_ptr<const diff::SearchResult> sent_search_;
  std::shared_ptr<const diff::ChangeDensity> sent_density_;
  std::shared_ptr<const RowsView> sent_rows_;
  std::shared_ptr<const CheckIdsPage> sent_check_ids_;
  std::shared_ptr<const RowDetail> sent_detail_;
  std::shared_ptr<const RowLocation> sent_location_;
  std::shared_ptr<const VerifyView> sent_verify_;
};

}  // namespace redline::engine
