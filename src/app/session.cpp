#include "app/session.hpp"

#include "core/checks.hpp"
#include "core/report_render.hpp"
#include "core/review.hpp"
#include "core/version.hpp"

#include <chrono>

namespace redline::app {

void Session::start_demo(const DemoOptions& options) {
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

void Session::start_load(std::vector<std::uint8_t> bytes, std::string name) {
  cancel();
  error_.reset();
  job_ = JobView{true, "Loading " + name, "reading", "load", 0.0};
  load_.emplace(std::move(bytes), std::move(name));
}

void Session::start_run(const NormalizeOptions& options) {
  if (!db_ || !loaded_) {
    error_ = make_error(ErrorCode::Usage, "load a snapshot before normalizing");
    ++runs_;
    return;
  }
  cancel();
  error_.reset();
  page_.reset();
  rows_.reset();
  rows_request_.reset();
  rows_served_.reset();
  page_request_.reset();
  page_served_.reset();
  run_options_ = options;
  after_image_ = {};
  run_ = std::make_unique<RunJob>(*db_, loaded_->input, options);
  run_active_ = true;
  run_view_.reset();
  job_ = JobView{true, "Normalizing " + loaded_->summary.name, "", "run", 0.0};
}

void Session::cancel() {
  if (demo_) demo_->cancel();
  demo_.reset();
  load_.reset();
  hazard_job_.reset();
  to_publish_.reset();
  if (run_active_ && run_) {
    if (!review_) run_->cancel();
    review_.reset();
    reviewing_.reset();
    run_active_ = false;
    run_.reset();
    ++runs_;
  }
  job_ = JobView{};
}

Result<std::string> Session::report_text(const std::string& format) {
  if (!run_view_) return make_error(ErrorCode::Usage, "there is no report yet: run the normalization first");
  if (format == "json") return run_view_->report_json;
  if (format != "md" && format != "html") {
    return make_error(ErrorCode::Usage, "unknown report format '" + format + "' (json, md or html)");
  }
  RenderOptions ro;
  ro.generator = std::string("Redline ") + kVersion;
  if (run_view_->ok && run_ && run_view_->diff) {
    ro.diff = run_view_->diff.get();
    ro.before = &*db_;
    ro.after = &run_->after();
  }
  return format == "md" ? render_markdown(run_view_->report, ro) : render_html(run_view_->report, ro);
}

Result<std::vector<std::uint8_t>> Session::export_after() {
  if (!run_ || run_active_ || !run_view_ || !run_view_->ok) {
    return make_error(ErrorCode::Usage, "there is no normalized database yet: run the normalization first");
  }
  return after_image_;
}

void Session::pump(double budget_ms) {
  pump_diff_view(budget_ms);
  serve_rows();
  if (page_request_ && !run_active_ && run_view_ && run_view_->ok && run_view_->diff &&
      !(page_served_ && *page_served_ == *page_request_)) {
    const PageRequest& r = *page_request_;
    auto page = diff::fetch_rows(*db_, run_->after(), *run_view_->diff, r.table, r.kind, r.offset, r.limit);
    if (page) {
      page_ = std::make_shared<diff::RowPage>(std::move(page.value()));
    } else {
      error_ = page.error();
    }
    page_served_ = page_request_;
  }
  if (run_active_ && review_) {
    // The review, as the CLI does it: moves and the checklist into the report, and
    // --strict's verdict on the checks; in slices like the run.
    Progress p = review_->step(budget_ms);
    job_.phase = p.phase;
    job_.fraction = p.fraction;
    if (p.state == JobState::More) return;
    RunView& view = *reviewing_;
    if (p.state == JobState::Error) {
      error_ = p.error;
    } else {
      Review rv = review_->take_result();
      view.checks = rv.checks;
      view.strict = run_options_.strict;
      Status filled = fill_review(view.report, rv);
      if (filled) view.moves = std::make_shared<const Moves>(std::move(rv.moves));
      if (!filled) {
        error_ = filled.error();
      } else if (run_options_.strict) {
        if (Status verdict = strict_verdict(rv.checks); !verdict) {
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
    Progress p = run_->step(budget_ms);
    job_.phase = p.phase;
    job_.fraction = p.fraction;
    if (p.state == JobState::More) return;
    reviewing_ = std::make_shared<RunView>();
    reviewing_->report = run_->report();
    reviewing_->diff = run_->diff();
    reviewing_->ok = p.state == JobState::Done;
    if (reviewing_->ok) {
      // The export's image, before the review touches the after database; the
      // review starts in the next frame, so the copy has a frame of its own.
      auto image = run_->after().serialize();
      if (!image) {
        reviewing_->ok = false;
        reviewing_->report.status = "failed";
        finish_run(JobState::Error, image.error());
        return;
      }
      after_image_ = std::move(image.value());
      review_ = std::make_unique<ReviewJob>(*db_, run_->after(), run_options_, reviewing_->diff, &ticks_);
      job_.stage = "review";
      return;
    }
    finish_run(p.state, p.error);
    return;
  }
  if (to_publish_) {
    preflight(budget_ms);
    return;
  }
  if (demo_) {
    Progress p = demo_->step(budget_ms);
    job_.phase = p.phase;
    job_.fraction = p.fraction;
    if (p.state == JobState::Error) {
      demo_.reset();
      fail(p.error.value_or(make_error(ErrorCode::Internal, "demo generation failed")));
    } else if (p.state == JobState::Done) {
      auto t0 = std::chrono::steady_clock::now();
      auto db = demo_->take_database();
      demo_.reset();
      if (!db) return fail(db.error());
      auto image = db->serialize();
      if (!image) return fail(image.error());
      // Continue from the image, as the CLI does after `redline demo --out`: the same
      // bytes in, so the same bytes out of the normalization.
      auto reloaded = sql::Database::deserialize(*image, "demo");
      if (!reloaded) return fail(reloaded.error());
      db = std::move(reloaded.value());
      std::string name = std::string("demo-") + to_string(demo_options_.profile) + "-" +
                         std::to_string(demo_options_.employees) + ".sqlite3";
      Snapshot snap{std::move(db.value()), LoadSummary{}};
      snap.summary.name = name;
      snap.summary.format = Format::Sqlite;
      if (Status d = describe_snapshot(snap.db, snap.summary); !d) return fail(d.error());
      snap.summary.bytes = image->size();
      snap.summary.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      to_publish_ = Published{std::move(snap), std::move(image.value()), true};
      job_.stage = "preflight";
      job_.phase = "hazards";
    }
    return;
  }
  if (load_) {
    Progress p = load_->step(budget_ms);
    job_.phase = p.phase;
    job_.fraction = p.fraction;
    if (p.state == JobState::More) return;
    auto snap = load_->take_snapshot();
    std::vector<std::uint8_t> bytes = load_->take_bytes();
    load_.reset();
    if (!snap) return fail(snap.error());
    to_publish_ = Published{std::move(snap.value()), std::move(bytes), false};
    job_.stage = "preflight";
    job_.phase = "hazards";
  }
}

void Session::finish_run(JobState state, std::optional<Error> error) {
  reviewing_->report_json = reviewing_->report.to_json_text();
  run_view_ = std::move(reviewing_);
  reviewing_.reset();
  run_active_ = false;
  job_ = JobView{};
  if (state == JobState::Error && error && error->code != ErrorCode::Cancelled) error_ = error;
  ++runs_;
}

void Session::preflight(double budget_ms) {
  std::vector<Hazard> hazards;
  std::optional<Error> preflight_error;
  if (to_publish_->snapshot.summary.kind != "not_crm") {
    if (!hazard_job_) hazard_job_ = std::make_unique<HazardJob>(to_publish_->snapshot.db, NormalizeOptions{});
    Progress p = hazard_job_->step(budget_ms);
    job_.phase = "hazards" + (p.phase.empty() ? std::string() : ": " + p.phase);
    job_.fraction = p.fraction;
    if (p.state == JobState::More) return;
    if (p.state == JobState::Done) {
      hazards = hazard_job_->hazards();
    } else {
      preflight_error = p.error.value_or(make_error(ErrorCode::Internal, "the hazard preflight failed"));
    }
    hazard_job_.reset();
  }
  Published p = std::move(*to_publish_);
  to_publish_.reset();
  publish(std::move(p.snapshot), std::move(p.original), p.is_demo, std::move(hazards), std::move(preflight_error));
}

void Session::publish(Snapshot snapshot, std::vector<std::uint8_t> original, bool is_demo, std::vector<Hazard> hazards,
                      std::optional<Error> preflight_error) {
  auto view = std::make_shared<LoadedView>();
  view->summary = snapshot.summary;
  for (const auto& [t, n] : view->summary.tables) view->total_rows += n;
  view->is_demo = is_demo;
  view->input = report_input(view->summary, original);
  view->hazards = std::move(hazards);
  view->preflight_error = std::move(preflight_error);
  run_.reset();
  run_view_.reset();
  after_image_ = {};
  page_.reset();
  rows_.reset();
  rows_request_.reset();
  rows_served_.reset();
  page_request_.reset();
  page_served_.reset();
  db_ = std::move(snapshot.db);
  original_ = std::move(original);
  loaded_ = std::move(view);
  scan_text_chars();
  job_ = JobView{};
  error_.reset();
  ++generation_;
}

void Session::fail(Error e) {
  // The previous snapshot (if any) stays loaded: a bad file never costs the user
  // what they already had.
  error_ = std::move(e);
  job_ = JobView{};
  ++failures_;
}

}  // namespace redline::app
