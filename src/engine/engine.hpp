// The engine: the one session of work behind the page (and the CLI): the snapshot the
// user loaded (or the generated demo), the long job in progress, and the immutable
// results it publishes. Only the engine touches SQLite; a UI reads what it publishes.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/review/checks.hpp"
#include "core/demo/demo.hpp"
#include "core/diff/diff_view.hpp"
#include "core/migrate/hazards.hpp"
#include "core/load/load_job.hpp"
#include "core/load/text_chars.hpp"
#include "core/review/moves.hpp"
#include "core/migrate/normalize_options.hpp"
#include "core/migrate/trace.hpp"
#include "core/pipeline.hpp"
#include "core/review/review.hpp"
#include "core/result.hpp"
#include "core/sha256.hpp"
#include "core/load/snapshot.hpp"
#include "engine/protocol.hpp"

namespace redline::engine {

class Engine {
 public:
  void start_demo(const DemoOptions& options);
  // Takes the user's bytes; they are hashed for the report (the input's SHA-256) and
  // then freed: the loaded database is what the session works on.
  // `wal`: a SQLite file's -wal file that came with it. A SQLite file in WAL mode
  // without one is refused (wal_file_needed): the page cannot look beside it.
  void start_load(std::vector<std::uint8_t> bytes, std::string name, std::optional<WalInput> wal = std::nullopt);
  // The command line's load: as start_load, but a SQLite file in WAL mode whose -wal
  // the caller looked for beside it and did not find loads as of its last checkpoint
  // (load_snapshot()'s warning in the summary), as `redline` has always loaded it.
  void start_load_file(std::vector<std::uint8_t> bytes, std::string name, std::optional<WalInput> wal);
  // Normalize the loaded snapshot (a copy of it: the before stays as loaded).
  void start_run(const NormalizeOptions& options);
  void cancel();
  // An error from outside a job (bad options, an export without a run): shown like
  // a job's error.
  void report_error(Error e) { error_ = std::move(e); }

  // Advance the job in progress by about budget_ms.
  void pump(double budget_ms);
  // Pump until no job is under way (the command line, which has nothing else to do).
  void finish();

  // What the session is doing, for the frame statistics: "<stage> <phase>" of the
  // job ("load customers"), or "" when idle.
  std::string activity() const;

  const JobView& job() const { return job_; }
  std::shared_ptr<const LoadedView> loaded() const { return loaded_; }
  const std::optional<Error>& error() const { return error_; }
  int generation() const { return generation_; }  // completed loads so far
  int failures() const { return failures_; }      // failed loads so far
  std::shared_ptr<const RunView> run() const { return run_view_; }
  int runs() const { return runs_; }              // finished runs (ok or not)

  // Ask for rows of the last run's diff; fetched before the next frame (panels never
  // query SQLite while drawing) and published as page().
  struct PageRequest {
    std::string table;
    diff::RowChange kind = diff::RowChange::Changed;
    std::size_t offset = 0;
    std::size_t limit = 0;
    bool operator==(const PageRequest& o) const {
      return table == o.table && kind == o.kind && offset == o.offset && limit == o.limit;
    }
  };
  void request_page(PageRequest request) { page_request_ = std::move(request); }
  std::shared_ptr<const diff::RowPage> page() const { return page_; }

  // Search the last run's diff: rows of one kind of one table whose key or text
  // matches (diff::SearchJob), run a budgeted slice per frame; published as search()
  // (partial until done). An empty query clears it.
  struct SearchRequest {
    std::string table;
    diff::RowChange kind = diff::RowChange::Changed;
    std::string query;
    bool operator==(const SearchRequest& o) const { return table == o.table && kind == o.kind && query == o.query; }
  };
  void request_search(SearchRequest request) { search_request_ = std::move(request); }
  std::shared_ptr<const diff::SearchResult> search() const { return search_; }
  // The change density of a table of the last run's diff (the minimap), computed
  // before the next frame; published as density().
  void request_density(std::string table, std::size_t buckets) { density_request_ = {std::move(table), buckets}; }
  std::shared_ptr<const diff::ChangeDensity> density() const { return density_; }
  // The characters above U+007F in the loaded snapshot's text (ascending), for the
  // UI font; text_chars_generation() changes whenever they do.
  const std::vector<char32_t>& text_chars() const { return text_chars_; }
  int text_chars_generation() const { return text_chars_generation_; }
  // Rows of `table` with these ids, from the after database (the before one when the
  // table is gone after the run); fetched before the next frame and published as rows().
  // With `check`: the ids are that checklist item's rows of `table` (`ids` unused).
  struct RowsRequest {
    std::string table;
    std::vector<std::int64_t> ids;
    std::string check;
    bool operator==(const RowsRequest& o) const { return table == o.table && ids == o.ids && check == o.check; }
  };
  void request_rows(RowsRequest request) { rows_request_ = std::move(request); }
  std::shared_ptr<const RowsView> rows() const { return rows_; }
  // The ids behind a checklist item of the last run (the run's view has their counts
  // only): a page of each table of its rows, published as check_ids() before the next
  // frame.
  struct CheckIdsRequest {
    std::string check;
    std::size_t offset = 0, limit = 0;
    bool operator==(const CheckIdsRequest& o) const {
      return check == o.check && offset == o.offset && limit == o.limit;
    }
  };
  void request_check_ids(CheckIdsRequest request) { check_ids_request_ = std::move(request); }
  std::shared_ptr<const CheckIdsPage> check_ids() const { return check_ids_; }
  // One row of the last run's diff in full: per column its before and after and where
  // moved values went or came from (Moves); worked out before the next frame and
  // published as detail() (engine_lineage.cpp).
  struct DetailRequest {
    std::string table;
    diff::RowChange kind = diff::RowChange::Changed;
    std::int64_t before_id = 0, after_id = 0;
    bool operator==(const DetailRequest& o) const {
      return table == o.table && kind == o.kind && before_id == o.before_id && after_id == o.after_id;
    }
  };
  void request_detail(DetailRequest request) { detail_request_ = std::move(request); }
  std::shared_ptr<const RowDetail> detail() const { return detail_; }
  // Where a row is in the last run's diff (RowLocation says what is asked and
  // answered); published as location() before the next frame.
  struct LocateRequest {
    std::string table;
    std::int64_t id = 0;
    bool any_kind = false;
    diff::RowChange kind = diff::RowChange::Changed;
    bool operator==(const LocateRequest& o) const {
      return table == o.table && id == o.id && any_kind == o.any_kind && kind == o.kind;
    }
  };
  void request_locate(LocateRequest request) { locate_request_ = std::move(request); }
  std::shared_ptr<const RowLocation> location() const { return location_; }

  // The person's ticks of the manual checklist items (the page's version of the
  // CLI's --ticks): used by the next run and applied to the published run at once,
  // so the report carries them exactly as `redline normalize --ticks` would.
  const ManualTicks& ticks() const { return ticks_; }
  void set_ticks(ManualTicks ticks);

  // CSV of one table's row changes in the last run (as the CLI's --csv-dir writes),
  // also of a run --strict refused after its review.
  Result<std::string> table_csv(const std::string& table);

  // The last run's report as "json", "md" or "html" (the same documents as the CLI's
  // --report, --report-md, --report-html); with the changed rows when the run
  // finished, --strict refused or not.
  Result<std::string> report_text(const std::string& format);

  // The normalized database as a SQLite file image (after a successful run), made now
  // in one go: its free pages blanked (sql::SerializeJob::FreePages::Blank), so the
  // bytes are the same whatever the review wrote and rolled back before.
  Result<std::vector<std::uint8_t>> export_after();
  // The same bytes as a job ("export" stage, phase "after image"), made only when
  // asked: each slice's pages go to `sink`, so no image of the database is held
  // besides the database (the command line streams them to its --out file, the
  // page's worker copies them into the one buffer or Blob the page gets). `done` is
  // called once: with no error when every page went, else with the error (Cancelled
  // when cancel() or another job stopped it). Refused while another job is under way.
  // `step_bytes`: at most about this many bytes to `sink` per pump()
  // (SerializeJob::set_step_bytes; 0: as many as a step's time allows).
  using ExportDone = std::function<void(std::optional<Error>)>;
  Status start_after_export(sql::SerializeJob::Sink sink, ExportDone done, std::size_t step_bytes = 0);
  // The after image's size in bytes (its pages times the page size), as
  // start_after_export() gives it: the worker makes room for it once.
  Result<std::size_t> after_image_size();
  // Whether a load also prepares what only the page shows: the hazards found with the
  // default options before any run (loaded()->hazards) and its text's characters for the
  // font. The hazards are found on the copy a run normalizes (PrepareRunJob), kept for
  // the first run after the load: it starts at its first step, and with the default
  // resolutions takes those hazards as its own. The command line turns it off: it
  // draws nothing, and its run finds the hazards with the run's own options (the
  // report's are those, either way).
  void set_page_preflight(bool on) { page_preflight_ = on; }
  // The SHA-256 (lowercase hex) of the bytes of the load just started, computed by
  // whoever had them first (the page's worker hashes the file with the browser's own
  // SHA-256 on another thread while it copies it in): the preflight then does not hash
  // them again. Anything but 64 hex digits is ignored.
  void set_load_fingerprint(std::string sha256);

  // The PostgreSQL migration script (`revert`: the revert script) for the loaded
  // snapshot with `options`: pg::script_file, the same bytes as `redline script` for
  // the same file (its name and SHA-256 as loaded) and options (engine_verify.cpp).
  Result<std::string> script(const NormalizeOptions& options, bool revert, std::int64_t batch_rows = 0);

  // "Actual after": load `bytes` (any snapshot format) as the real database after the
  // migration, in slices like a load, and compare it with the prediction from the
  // loaded snapshot with `options` as `redline verify` does (core/review/verify.hpp).
  // Published as verification() when done, an error in it (and error()) when the
  // file cannot be loaded; the loaded snapshot and its run are left as they are.
  void start_verify(std::vector<std::uint8_t> bytes, std::string name, const NormalizeOptions& options);
  std::shared_ptr<const VerifyView> verification() const { return verification_; }
  int verifications() const { return verifications_; }  // finished (ok or not)

  // The plan and the stepper (engine_stepper.cpp): the normalization with `options`
  // replayed step by step on a copy of the loaded snapshot (TraceJob), in slices
  // between other work, the last one kept. Published as trace_view(): {options, done,
  // fraction, phase, too_big, row_limit, total_rows, steps, error}; above
  // kTraceRowLimit rows only the step table, with too_big set.
  void request_trace(const NormalizeOptions& options);
  std::shared_ptr<const nlohmann::ordered_json> trace_view() const { return trace_view_; }
  bool trace_busy() const { return trace_job_ && trace_job_->running(); }
  // The size above which no replay is made (kTraceRowLimit; tests lower it).
  void set_trace_row_limit(std::int64_t rows) { trace_row_limit_ = rows; }
  // Rows of `table` as the database stood after `state` steps of the last trace
  // (TraceJob::state_rows); `options` must be the trace's.
  Result<nlohmann::ordered_json> trace_state(const NormalizeOptions& options, std::size_t state,
                                             const std::string& table, std::size_t offset, std::size_t limit);
  // Lineage of one row of any table of the last run (engine_lineage.cpp): `side`
  // "before" (a source row: where each old value lives now, or that it was lost, and
  // why) or "after" (a row of the result: where each value came from). The row is
  // `key` (its id), or the first row whose id or text matches `query` (the matches
  // are listed too).
  Result<nlohmann::ordered_json> lineage(const std::string& table, const std::string& side,
                                         std::optional<std::int64_t> key, const std::string& query);

 private:
  struct Published;
  void pump_trace(double budget_ms);
  void drop_trace();
  void publish_trace();
  std::unique_ptr<TraceJob> trace_job_;
  nlohmann::ordered_json trace_options_;  // of trace_job_ (as asked)
  std::int64_t trace_row_limit_ = kTraceRowLimit;
  std::shared_ptr<const nlohmann::ordered_json> trace_view_;
  void publish(Published p);
  void begin_load(std::vector<std::uint8_t> bytes, std::string name, bool is_demo,
                  std::optional<WalInput> wal = std::nullopt);
  void clear_pages();  // the published row pages and rows, and what was asked of them
  void preflight(double budget_ms);
  void pump_diff_view(double budget_ms);  // search and density (session_diff.cpp)
  // text_chars_: `chars` (of db_'s text) and those of the snapshot's name (session_diff.cpp).
  void set_text_chars(std::vector<char32_t> chars, std::string_view name);
  // One slice of a stage's job, its progress copied into job_ (phase under `stage` when
  // given); nothing while the job has more to do, else its final progress.
  std::optional<Progress> step_stage(Job& job, double budget_ms, std::string_view stage = {});
  void finish_run(JobState state, std::optional<Error> error);
  void fail(Error e);
  void pump_verify(double budget_ms);  // verify_load_, then the comparison (engine_verify.cpp)
  void end_verify(VerifyView view);
  void serve_rows();  // the pending rows request, if any (called by pump)
  void serve_check_ids();  // likewise, the pending check_ids request
  void serve_lineage();  // the pending detail and locate requests (engine_lineage.cpp)
  // Is there a finished run whose diff the panels can read (diff_, run_->after())?
  bool diff_ready() const;


  ManualTicks ticks_;
  std::optional<RowsRequest> rows_request_;
  std::optional<RowsRequest> rows_served_;
  std::shared_ptr<const RowsView> rows_;
  std::optional<CheckIdsRequest> check_ids_request_;
  std::optional<CheckIdsRequest> check_ids_served_;
  std::shared_ptr<const CheckIdsPage> check_ids_;

  std::optional<DemoJob> demo_;
  DemoOptions demo_options_;
  std::optional<sql::Database> demo_db_;          // the demo generated, while its image is taken
  std::unique_ptr<sql::SerializeJob> demo_image_;  // of demo_db_
  std::optional<LoadJob> load_;
  bool load_is_demo_ = false;  // load_ loads the demo's image
  // A snapshot loaded or generated, published once what the page shows with it is
  // ready, each in slices of its own frames: the SHA-256 of its bytes (for the report;
  // the bytes go then), its hazard preflight (with its run's start, PrepareRunJob), the
  // characters of its text (for the font).
  struct Published {
    Snapshot snapshot;
    std::vector<std::uint8_t> original;
    bool is_demo = false;
    bool preflight_done = false;
    std::vector<Hazard> hazards;
    std::optional<Error> preflight_error;
    std::unique_ptr<PreparedRun> prepared;  // the page's: a run's start, with the hazards
    Sha256 digest;
    std::size_t hashed = 0;  // bytes of `original` (or of the held image) in `digest`
    std::string sha256;      // set when all are
    std::unique_ptr<load::TextCharsJob> chars;
  };
  std::optional<Published> to_publish_;
  std::unique_ptr<PrepareRunJob> prepare_job_;  // the page's preflight of to_publish_
  // The loaded snapshot's run, prepared by the page's preflight (with the default
  // options), until a run takes it: only the first run after a load starts from it.
  std::unique_ptr<PreparedRun> prepared_;

  std::unique_ptr<RunJob> run_;                  // owns the after database once done
  NormalizeOptions run_options_;
  bool run_active_ = false;
  std::unique_ptr<ReviewJob> review_;           // after the run: moves and checks
  struct AfterExport {
    std::unique_ptr<sql::SerializeJob> job;  // of run_'s after database
    ExportDone done;
  };
  std::optional<AfterExport> export_;  // start_after_export()'s, under way
  Status after_ready() const;          // why there is no after image to export, if so
  void end_export(std::optional<Error> error);
  std::shared_ptr<RunView> reviewing_;          // the run's view while it is reviewed
  std::shared_ptr<const RunView> run_view_;
  // The run's diff and moves in full (run_view_ has the diff's summary only): what
  // pages, searches, details and CSV are read with. Set as the run finishes and the
  // review ends; reset with run_view_.
  std::shared_ptr<const diff::DiffResult> diff_;
  std::shared_ptr<const Moves> moves_;
  int runs_ = 0;
  std::optional<DetailRequest> detail_request_;
  std::optional<DetailRequest> detail_served_;
  std::shared_ptr<const RowDetail> detail_;
  std::optional<LocateRequest> locate_request_;
  std::optional<LocateRequest> locate_served_;
  std::shared_ptr<const RowLocation> location_;
  std::optional<PageRequest> page_request_;
  std::optional<PageRequest> page_served_;
  std::shared_ptr<const diff::RowPage> page_;
  std::optional<SearchRequest> search_request_;
  std::optional<SearchRequest> search_running_;
  std::unique_ptr<diff::SearchJob> search_job_;
  std::shared_ptr<const RunView> search_run_;   // the run search_job_ reads
  std::shared_ptr<const diff::DiffResult> search_diff_;  // its diff (search_job_ refers to a table of it)
  std::shared_ptr<const diff::SearchResult> search_;
  std::optional<std::pair<std::string, std::size_t>> density_request_;
  std::shared_ptr<const RunView> density_run_;  // the run density_ is of
  std::shared_ptr<const diff::ChangeDensity> density_;
  std::vector<char32_t> text_chars_;
  int text_chars_generation_ = 0;

  std::optional<LoadJob> verify_load_;  // the actual-after file being loaded
  NormalizeOptions verify_options_;
  std::string verify_name_;
  std::shared_ptr<const VerifyView> verification_;
  int verifications_ = 0;

  std::optional<sql::Database> db_;              // the loaded snapshot (before)
  bool page_preflight_ = true;
  std::string load_fingerprint_;  // set_load_fingerprint(), for the load under way
  std::shared_ptr<const LoadedView> loaded_;
  JobView job_;
  std::optional<Error> error_;
  int generation_ = 0;
  int failures_ = 0;
};

}  // namespace redline::engine
