#include "engine/engine.hpp"

#include "core/review/checks.hpp"
#include "core/load/wal.hpp"
#include "core/review/report_render.hpp"
#include "core/review/review.hpp"
#include "core/version.hpp"

#include <algorithm>
#include <chrono>

namespace redline::engine {

void Engine::start_demo(const DemoOptions& options) {
  cancel();
  auto job = DemoJob::start(options);
  if (!job) {
    fail(job.error());
    return;
  }
  demo_.emplace(std::move(job.value()));
  demo_options_ = options;
  error_.reset();
  job_ = JobView{true, "Generating the demo snapshot", "", "demo", 0.0};
}

void Engine::start_load(std::vector<std::uint8_t> bytes, std::string name, std::optional<WalInput> wal) {
  cancel();
  error_.reset();
  if (!wal) {
    if (auto e = wal_file_needed(bytes, name)) return fail(*e);
  }
  begin_load(std::move(bytes), std::move(name), false, std::move(wal));
}

void Engine::start_load_file(std::vector<std::uint8_t> bytes, std::string name, std::optional<WalInput> wal) {
  cancel();
  error_.reset();
  begin_load(std::move(bytes), std::move(name), false, std::move(wal));
}

void Engine::finish() {
  while (job_.active) pump(1e300);
}

void Engine::begin_load(std::vector<std::uint8_t> bytes, std::string name, bool is_demo,
                         std::optional<WalInput> wal) {
  job_ = JobView{true, "Loading " + name, "reading", "load", 0.0};
  load_fingerprint_.clear();
  load_.emplace(std::move(bytes), std::move(name), std::move(wal));
  load_is_demo_ = is_demo;
}

void Engine::clear_pages() {
  page_.reset();
  rows_.reset();
  rows_request_.reset();
  rows_served_.reset();
  check_ids_.reset();
  check_ids_request_.reset();
  check_ids_served_.reset();
  page_request_.reset();
  page_served_.reset();
  detail_.reset();
  detail_request_.reset();
  detail_served_.reset();
  location_.reset();
  locate_request_.reset();
  locate_served_.reset();
}

bool Engine::diff_ready() const { return !run_active_ && run_view_ && run_view_->ok && diff_ && run_ && db_; }

void Engine::start_run(const NormalizeOptions& options) {
  if (!db_ || !loaded_) {
    error_ = make_error(ErrorCode::Usage, "load a snapshot before normalizing");
    ++runs_;
    return;
  }
  cancel();
  error_.reset();
  clear_pages();
  run_options_ = options;
  run_ = std::make_unique<RunJob>(*db_, loaded_->input, options, std::move(prepared_));
  run_active_ = true;
  run_view_.reset();
  diff_.reset();
  moves_.reset();
  job_ = JobView{true, "Normalizing " + loaded_->summary.name, "", "run", 0.0};
}

std::string Engine::activity() const {
  if (job_.active) return job_.stage + (job_.phase.empty() ? "" : " " + job_.phase);
  return {};
}

void Engine::cancel() {
  if (export_) end_export(make_error(ErrorCode::Cancelled, "cancelled", "after image"));
  if (trace_busy()) drop_trace();
  if (demo_) demo_->cancel();
  demo_.reset();
  demo_image_.reset();  // it reads demo_db_
  demo_db_.reset();
  load_.reset();
  load_is_demo_ = false;
  prepare_job_.reset();
  to_publish_.reset();
  verify_load_.reset();
  if (run_active_ && run_) {
    if (!review_) run_->cancel();
    review_.reset();
    reviewing_.reset();
    run_active_ = false;
    run_.reset();
    diff_.reset();
    moves_.reset();
    ++runs_;
  }
  job_ = JobView{};
}

Result<std::string> Engine::report_text(const std::string& format) {
  if (!run_view_) return make_error(ErrorCode::Usage, "there is no report yet: run the normalization first");
  if (format == "json") return run_view_->report_json;
  if (format != "md" && format != "html") {
    return make_error(ErrorCode::Usage, "unknown report format '" + format + "' (json, md or html)");
  }
  RenderOptions ro;
  ro.generator = std::string("Redline ") + kVersion;
  if (run_ && !run_active_ && diff_) {
    ro.diff = diff_.get();
    ro.before = &*db_;
    ro.after = &run_->after();
  }
  return format == "md" ? render_markdown(run_view_->report, ro) : render_html(run_view_->report, ro);
}

Status Engine::after_ready() const {
  if (!run_ || run_active_ || !run_view_ || !run_view_->ok) {
    return make_error(ErrorCode::Usage, "there is no normalized database yet: run the normalization first");
  }
  return ok_status();
}

Result<std::size_t> Engine::after_image_size() {
  REDLINE_TRY(after_ready());
  auto pages = run_->after().pages();
  if (!pages) return pages.error();
  return pages->bytes();
}

Result<std::vector<std::uint8_t>> Engine::export_after() {
  REDLINE_TRY(after_ready());
  sql::SerializeJob job(run_->after(), {}, sql::SerializeJob::FreePages::Blank);
  for (;;) {
    Progress p = job.step(1e300);
    if (p.state == JobState::Done) return job.take();
    if (p.state == JobState::Error) return p.error.value_or(make_error(ErrorCode::Internal, "cannot copy the result"));
  }
}

Status Engine::start_after_export(sql::SerializeJob::Sink sink, ExportDone done, std::size_t step_bytes) {
  REDLINE_TRY(after_ready());
  if (job_.active) {
    return make_error(ErrorCode::Usage, "the engine is busy (" + activity() + "): export the normalized database once it is done");
  }
  export_ = AfterExport{std::make_unique<sql::SerializeJob>(run_->after(), std::move(sink), sql::SerializeJob::FreePages::Blank),
                        std::move(done)};
  export_->job->set_step_bytes(step_bytes);
  job_ = JobView{true, "Exporting the normalized database", "after image", "export", 0.0};
  return ok_status();
}

void Engine::end_export(std::optional<Error> error) {
  ExportDone done = std::move(export_->done);
  export_.reset();
  job_ = JobView{};
  if (done) done(std::move(error));
}

void Engine::pump(double budget_ms) {
  pump_diff_view(budget_ms);
  serve_rows();
  serve_check_ids();
  serve_lineage();
  if (page_request_ && diff_ready() && !(page_served_ && *page_served_ == *page_request_)) {
    const PageRequest& r = *page_request_;
    auto page = diff::fetch_rows(*db_, run_->after(), *diff_, r.table, r.kind, r.offset, r.limit);
    if (page) {
      page_ = std::make_shared<diff::RowPage>(std::move(page.value()));
    } else {
      error_ = page.error();
    }
    page_served_ = page_request_;
  }
  if (export_) {
    // Short steps: the pages go to the sink, and what the caller holds of them between
    // two pump() calls (the worker: until its slice ends) grows with the step.
    constexpr double kExportStepMs = 5;
    std::optional<Progress> p = step_stage(*export_->job, std::min(budget_ms, kExportStepMs), "after image");
    if (!p) return;
    if (p->state == JobState::Done) return end_export(std::nullopt);
    return end_export(p->error.value_or(make_error(ErrorCode::Internal, "cannot copy the result")));
  }
  if (trace_busy() && !job_.active) {
    pump_trace(budget_ms);
    return;
  }
  if (verify_load_) {
    pump_verify(budget_ms);
    return;
  }
  if (run_active_ && review_) {
    // The review, as the CLI does it: moves and the checklist into the report, and
    // --strict's verdict on the checks; in slices like the run.
    std::optional<Progress> p = step_stage(*review_, budget_ms);
    if (!p) return;
    RunView& view = *reviewing_;
    if (p->state == JobState::Error) {
      error_ = p->error;
    } else {
      Review rv = review_->take_result();
      view.strict = run_options_.strict;
      Status filled = fill_review(view.report, rv);
      view.checks = std::move(rv.checks);  // moved, not copied: the report has its own
      if (filled) {
        moves_ = std::make_shared<const Moves>(std::move(rv.moves));
        view.reviewed = true;
      }
      if (!filled) {
        error_ = filled.error();
      } else if (run_options_.strict) {
        if (Status verdict = strict_verdict(view.checks); !verdict) {
          view.ok = false;
          view.report.status = "refused";
          view.report.error = verdict.error();
          for (auto& s : view.report.steps)
            if (s.status == "done") s.status = "rolled_back";
        }
      }
    }
    review_.reset();
    finish_run(JobState::Done, std::nullopt);
    return;
  }
  if (run_active_) {
    std::optional<Progress> p = step_stage(*run_, budget_ms);
    if (!p) return;
    reviewing_ = std::make_shared<RunView>();
    reviewing_->report = run_->report();
    // The UI gets the diff's summary; its row ids stay here (diff_), read by request.
    diff_ = run_->diff();
    if (diff_) reviewing_->diff = std::make_shared<const DiffSummary>(summarize(*diff_));
    reviewing_->ok = p->state == JobState::Done;
    if (reviewing_->ok) {
      review_ = std::make_unique<ReviewJob>(*db_, run_->after(), run_options_, diff_, &ticks_);
      job_.stage = "review";
      return;
    }
    finish_run(p->state, p->error);
    return;
  }
  if (to_publish_) {
    preflight(budget_ms);
    return;
  }
  if (demo_image_) {
    // The demo database's file image, in slices; then it is loaded as a file would be,
    // as the CLI does after `redline demo --out`: the same bytes in, so the same bytes
    // out of the normalization.
    std::optional<Progress> p = step_stage(*demo_image_, budget_ms);
    if (!p) return;
    std::vector<std::uint8_t> image = demo_image_->take();
    demo_image_.reset();
    demo_db_.reset();
    if (p->state == JobState::Error) return fail(p->error.value_or(make_error(ErrorCode::Internal, "cannot copy the demo")));
    std::string name = std::string("demo-") + to_string(demo_options_.profile) + "-" +
                       std::to_string(demo_options_.employees) + ".sqlite3";
    begin_load(std::move(image), std::move(name), true);
    return;
  }
  if (demo_) {
    std::optional<Progress> p = step_stage(*demo_, budget_ms);
    if (!p) return;
    if (p->state == JobState::Error) {
      demo_.reset();
      fail(p->error.value_or(make_error(ErrorCode::Internal, "demo generation failed")));
    } else {
      auto db = demo_->take_database();
      demo_.reset();
      if (!db) return fail(db.error());
      demo_db_.emplace(std::move(db.value()));
      demo_image_ = std::make_unique<sql::SerializeJob>(*demo_db_);
      job_.phase = "image";
    }
    return;
  }
  if (load_) {
    if (!step_stage(*load_, budget_ms)) return;
    auto snap = load_->take_snapshot();
    std::vector<std::uint8_t> bytes = load_->take_bytes();
    load_.reset();
    if (!snap) return fail(snap.error());
    to_publish_.emplace();
    to_publish_->snapshot = std::move(snap.value());
    to_publish_->original = std::move(bytes);
    to_publish_->sha256 = std::move(load_fingerprint_);  // empty: the preflight hashes the bytes
    load_fingerprint_.clear();
    to_publish_->is_demo = load_is_demo_;
    load_is_demo_ = false;
    job_.stage = "preflight";
    job_.phase = "fingerprint";
  }
}

std::optional<Progress> Engine::step_stage(Job& job, double budget_ms, std::string_view stage) {
  Progress p = job.step(budget_ms);
  // A stage the engine names shows that name, and the job's own phase after it unless
  // the name already says it ("after image" for a SerializeJob's "image").
  if (stage.empty()) {
    job_.phase = p.phase;
  } else if (p.phase.empty() || stage.ends_with(p.phase)) {
    job_.phase = stage;
  } else {
    job_.phase = std::string(stage) + ": " + p.phase;
  }
  job_.fraction = p.fraction;
  if (p.state == JobState::More) return std::nullopt;
  return p;
}

void Engine::finish_run(JobState state, std::optional<Error> error) {
  reviewing_->report_json = reviewing_->report.to_json_text();
  run_view_ = std::move(reviewing_);
  reviewing_.reset();
  run_active_ = false;
  job_ = JobView{};
  if (state == JobState::Error && error && error->code != ErrorCode::Cancelled) error_ = error;
  ++runs_;
}

void Engine::preflight(double budget_ms) {
  Published& pub = *to_publish_;
  const auto t0 = std::chrono::steady_clock::now();
  // First the fingerprint, so that the user's bytes go before the page's preflight
  // makes its copy of the snapshot: held through it, they were the page's peak.
  if (pub.sha256.empty()) {
    // A SQLite file's bytes are where its database reads them (read-only): hashed there.
    const std::vector<std::uint8_t>* held = pub.snapshot.db.held_image();
    const std::vector<std::uint8_t>& bytes = pub.original.empty() && held ? *held : pub.original;
    // A megabyte of SHA-256 is a few ms in wasm: hash until the budget is spent.
    constexpr std::size_t kChunk = 1 << 20;
    while (pub.hashed < bytes.size() && ms_since(t0) < budget_ms) {
      const std::size_t n = std::min(kChunk, bytes.size() - pub.hashed);
      pub.digest.update(bytes.data() + pub.hashed, n);
      pub.hashed += n;
    }
    job_.fraction = bytes.empty() ? 1.0 : static_cast<double>(pub.hashed) / bytes.size();
    if (pub.hashed < bytes.size()) return;
    pub.sha256 = pub.digest.finish_hex();
  }
  // The bytes are hashed: nothing reads them again (the database holds the data), so
  // they go now rather than stay a second copy of the snapshot for the session.
  std::vector<std::uint8_t>().swap(pub.original);
  if (ms_since(t0) >= budget_ms) return;
  if (!pub.preflight_done) {
    if (page_preflight_ && pub.snapshot.summary.kind != "not_crm") {
      if (!prepare_job_) prepare_job_ = std::make_unique<PrepareRunJob>(pub.snapshot.db, NormalizeOptions{});
      std::optional<Progress> p = step_stage(*prepare_job_, std::max(1.0, budget_ms - ms_since(t0)), "hazards");
      if (!p) return;
      if (p->state == JobState::Done) {
        pub.prepared = std::make_unique<PreparedRun>(prepare_job_->take());
        pub.hazards = pub.prepared->hazards;
      } else {
        pub.preflight_error = p->error.value_or(make_error(ErrorCode::Internal, "the hazard preflight failed"));
      }
      prepare_job_.reset();
    }
    pub.preflight_done = true;
    if (ms_since(t0) >= budget_ms) return;
  }
  std::vector<char32_t> chars;
  if (page_preflight_) {
    if (!pub.chars) pub.chars = std::make_unique<load::TextCharsJob>(pub.snapshot.db);
    Progress c = pub.chars->step(std::max(1.0, budget_ms - ms_since(t0)));
    job_.phase = "characters";
    job_.fraction = c.fraction;
    if (c.state == JobState::More) return;
    // Without the characters the font keeps its fixed ranges: the data shows, with
    // '?' for the characters outside them.
    if (c.state == JobState::Done) chars = pub.chars->take_result();
    pub.chars.reset();  // it refers to pub.snapshot.db, which moves now
  }
  Published p = std::move(*to_publish_);
  to_publish_.reset();
  set_text_chars(std::move(chars), p.snapshot.summary.name);
  publish(std::move(p));
}

void Engine::publish(Published p) {
  drop_trace();  // it replays the snapshot this one replaces
  auto view = std::make_shared<LoadedView>();
  view->summary = p.snapshot.summary;
  for (const auto& [t, n] : view->summary.tables) view->total_rows += n;
  view->is_demo = p.is_demo;
  view->input = report_input(view->summary, std::move(p.sha256));
  view->hazards = std::move(p.hazards);
  view->preflight_error = std::move(p.preflight_error);
  prepared_ = std::move(p.prepared);
  run_.reset();
  run_view_.reset();
  diff_.reset();
  moves_.reset();
  clear_pages();
  verification_.reset();  // it was of the snapshot before this one
  db_ = std::move(p.snapshot.db);
  loaded_ = std::move(view);
  job_ = JobView{};
  error_.reset();
  ++generation_;
}

void Engine::set_load_fingerprint(std::string sha256) {
  const bool hex = sha256.size() == 64 && std::all_of(sha256.begin(), sha256.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
  if (load_ && hex) load_fingerprint_ = std::move(sha256);
}

void Engine::fail(Error e) {
  // The previous snapshot (if any) stays loaded: a bad file never costs the user
  // what they already had.
  error_ = std::move(e);
  job_ = JobView{};
  ++failures_;
}

}  // namespace redline::engine
