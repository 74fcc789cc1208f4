// The app's view of the engine, which runs in the page's Web Worker: the same calls the
// panels made on the engine when it ran in the page's thread, kept here as a client.
// Requests are posted (JSON, engine/host.hpp) and never waited for; the worker's
// messages are applied by receive() into the same immutable views (engine/protocol.hpp)
// the panels draw from. Exports are asynchronous: the bytes go from the worker to the
// page's JavaScript, which downloads them.
//
// No UI or Emscripten code: the platform sets `post`, and the native tests connect a
// Session to an engine::Host directly.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/demo/demo.hpp"
#include "core/migrate/normalize_options.hpp"
#include "core/result.hpp"
#include "core/review/checks.hpp"
#include "engine/engine.hpp"  // the request types only: the UI does not link the engine
#include "engine/protocol.hpp"

namespace redline::app {

using engine::CheckIdsPage;
using engine::DetailLine;
using engine::DiffSummary;
using engine::JobView;
using engine::LoadedView;
using engine::RowDetail;
using engine::RowLocation;
using engine::RowsView;
using engine::RunView;
using engine::TableSummary;

class Session {
 public:
  // Posts one request (JSON text) to the engine; returns its sequence number (the
  // engine's status says which one it has seen).
  std::function<std::int64_t(const std::string& request)> post;

  void start_demo(const DemoOptions& options);
  void start_run(const NormalizeOptions& options);
  void cancel();
  // A load the page's JavaScript posted itself (it hands the file to the worker):
  // shown as in progress until the engine's status has seen request `seq`.
  void expect_load(std::int64_t seq, const std::string& name);
  // An error found outside the engine (bad options, files that do not pair up): shown
  // at once, and kept by the engine like its own.
  void report_error(Error e);

  // Apply the worker's messages (a JSON array, Host::take_messages). An unreadable one
  // is an error shown like the engine's (the two modules disagree on the protocol).
  void receive(const std::string& messages_json);
  // Batches of messages received so far: what the UI shows may have changed.
  long long received() const { return received_; }

  const JobView& job() const { return job_; }
  std::shared_ptr<const LoadedView> loaded() const { return loaded_; }
  const std::optional<Error>& error() const { return error_; }
  int generation() const { return generation_; }
  int failures() const { return failures_; }
  std::shared_ptr<const RunView> run() const { return run_; }
  int runs() const { return runs_; }

  using PageRequest = engine::Engine::PageRequest;
  void request_page(PageRequest request);
  std::shared_ptr<const diff::RowPage> page() const { return page_; }

  using SearchRequest = engine::Engine::SearchRequest;
  void request_search(SearchRequest request);
  std::shared_ptr<const diff::SearchResult> search() const { return search_; }

  void request_density(std::string table, std::size_t buckets);
  std::shared_ptr<const diff::ChangeDensity> density() const { return density_; }

  using RowsRequest = engine::Engine::RowsRequest;
  void request_rows(RowsRequest request);
  std::shared_ptr<const RowsView> rows() const { return rows_; }

  // The ids behind a checklist item (the run's view has their counts only).
  using CheckIdsRequest = engine::Engine::CheckIdsRequest;
  void request_check_ids(CheckIdsRequest request);
  std::shared_ptr<const CheckIdsPage> check_ids() const { return check_ids_; }

  // One row of the diff, worked out by the engine (its values and moves).
  using DetailRequest = engine::Engine::DetailRequest;
  void request_detail(DetailRequest request);
  std::shared_ptr<const RowDetail> detail() const { return detail_; }

  // Where a row is in the run's diff (RowLocation says what is asked and answered).
  using LocateRequest = engine::Engine::LocateRequest;
  void request_locate(LocateRequest request);
  std::shared_ptr<const RowLocation> location() const { return location_; }

  const std::vector<char32_t>& text_chars() const { return text_chars_; }
  int text_chars_generation() const { return text_chars_generation_; }

  const ManualTicks& ticks() const { return ticks_; }
  void set_ticks(ManualTicks ticks);

  // Downloads, made by the page from the worker's answer (or its error shown):
  // the after image, a report ("json", "md", "html"), a table's changes as CSV.
  void download_after(const std::string& name);
  void download_report(const std::string& format, const std::string& name, const std::string& mime);
  void download_csv(const std::string& table, const std::string& name);
  // The PostgreSQL migration script (or the revert script) of the loaded snapshot
  // with `options`: the bytes `redline script` writes for the same file and options.
  void download_script(const NormalizeOptions& options, bool revert, const std::string& name);

  // Ask the page to let the user choose the actual-after snapshot; it is then
  // compared with the prediction made with `options`.
  void pick_actual(const NormalizeOptions& options);
  // The last "actual after" check (the page's JavaScript posts it with the file's
  // bytes, as it does a load); null before one or after a new snapshot.
  std::shared_ptr<const engine::VerifyView> verification() const { return verification_; }

  // The plan and the stepper (the normalization with `options` replayed step by step
  // on a copy, engine_stepper.cpp), a table as it stood after `state` steps of it, and
  // one row's lineage: the engine's JSON views (host_stepper.cpp says their fields),
  // null until asked and answered. Asked once however often a panel asks.
  void request_trace(const NormalizeOptions& options);
  void request_trace_state(const NormalizeOptions& options, std::size_t state, const std::string& table,
                           std::size_t offset, std::size_t limit);
  void request_lineage(const std::string& table, const std::string& side, const std::string& query);
  std::shared_ptr<const nlohmann::json> trace() const { return trace_; }
  std::shared_ptr<const nlohmann::json> trace_state() const { return trace_state_; }
  std::shared_ptr<const nlohmann::json> lineage() const { return lineage_; }

 private:
  void ask_once(std::string& asked, const nlohmann::json& request);
  std::shared_ptr<const nlohmann::json> trace_, trace_state_, lineage_;
  std::string trace_asked_, state_asked_, lineage_asked_;
  std::int64_t send(const nlohmann::json& request);
  void apply(const nlohmann::json& message);
  void forget_requests();  // a new snapshot or run: what was asked is asked again

  JobView job_;
  std::int64_t job_seq_ = 0;  // the status' job is taken once the engine has seen this
  std::shared_ptr<const LoadedView> loaded_;
  std::shared_ptr<const RunView> run_;
  std::optional<Error> error_;
  int generation_ = 0, failures_ = 0, runs_ = 0;
  long long received_ = 0;
  std::shared_ptr<const diff::RowPage> page_;
  std::shared_ptr<const diff::SearchResult> search_;
  std::shared_ptr<const diff::ChangeDensity> density_;
  std::shared_ptr<const RowsView> rows_;
  std::shared_ptr<const CheckIdsPage> check_ids_;
  std::shared_ptr<const RowDetail> detail_;
  std::shared_ptr<const RowLocation> location_;
  std::shared_ptr<const engine::VerifyView> verification_;
  std::vector<char32_t> text_chars_;
  int text_chars_generation_ = 0;
  ManualTicks ticks_;
  // The last request of each kind posted: panels ask every frame, the worker once.
  std::optional<PageRequest> page_asked_;
  std::optional<SearchRequest> search_asked_;
  std::optional<std::pair<std::string, std::size_t>> density_asked_;
  std::optional<RowsRequest> rows_asked_;
  std::optional<CheckIdsRequest> check_ids_asked_;
  std::optional<DetailRequest> detail_asked_;
  std::optional<LocateRequest> locate_asked_;
};

}  // namespace redline::app
