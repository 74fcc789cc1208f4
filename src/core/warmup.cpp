#include "core/warmup.hpp"

#include <functional>
#include <optional>
#include <utility>

#include "core/demo/demo.hpp"
#include "core/diff/diff_view.hpp"
#include "core/review/export.hpp"
#include "core/migrate/hazards.hpp"
#include "core/load/load_job.hpp"
#include "core/pipeline.hpp"
#include "core/review/review.hpp"
#include "core/load/snapshot.hpp"

namespace redline {

namespace {

// Big enough for the dirty profile to have every hazard class (20+ employees), small
// enough that the whole warm-up is a few hundred ms of slices.
constexpr int kEmployees = 24;

// A sub-job of `J` run to its end across calls: made by `make` on the first call, its
// result handed to `finish` when it is done (an error there ends the warm-up).
template <typename J>
Progress drive(std::unique_ptr<J>& job, double budget_ms, const std::function<Result<std::unique_ptr<J>>()>& make,
               const std::function<Status(J&)>& finish) {
  if (!job) {
    auto made = make();
    if (!made) return job_progress("", 0, false, made.error());
    job = std::move(made.value());
  }
  Progress p = job->step(budget_ms);
  if (p.state != JobState::Done) return p;
  Status s = finish(*job);
  job.reset();
  return job_progress(p.phase, 1, true, s ? std::nullopt : std::optional<Error>(s.error()));
}

}  // namespace

struct WarmupJob::Impl {
  struct Stage {
    std::string name;
    std::function<Progress(double)> step;
  };
  std::vector<Stage> stages;
  std::size_t next = 0;
  std::vector<std::string> done;
  std::optional<Error> error;

  // What the stages hand on to each other.
  std::unique_ptr<DemoJob> demo;
  std::optional<sql::Database> demo_db;
  std::unique_ptr<sql::SerializeJob> image;
  std::vector<std::uint8_t> files[3];  // the snapshot as a SQLite file, pg_dump, dumpdata
  std::unique_ptr<LoadJob> load;
  std::optional<Snapshot> snapshot;  // the SQLite file's, which the run normalizes
  std::unique_ptr<HazardJob> hazards;
  std::unique_ptr<diff::TextCharsJob> chars;
  NormalizeOptions options;
  std::unique_ptr<RunJob> run;
  std::unique_ptr<ReviewJob> review;

  Impl() {
    options.now = "2026-01-01 00:00:00";
    stages.push_back({"demo", [this](double b) { return demo_step(b); }});
    stages.push_back({"image", [this](double b) { return image_step(b); }});
    stages.push_back({"export", [this](double) { return export_step(); }});
    static const char* const kNames[3] = {"warmup.sqlite3", "warmup.sql", "warmup.json"};
    for (int f = 0; f < 3; ++f) {
      stages.push_back({std::string("load ") + (f == 0 ? "sqlite" : f == 1 ? "pgdump" : "dumpdata"),
                        [this, f](double b) { return load_step(b, files[f], kNames[f], f == 0); }});
    }
    stages.push_back({"hazards", [this](double b) { return hazards_step(b); }});
    stages.push_back({"characters", [this](double b) { return chars_step(b); }});
    stages.push_back({"run", [this](double b) { return run_step(b); }});
    stages.push_back({"after image", [this](double b) { return after_image_step(b); }});
    stages.push_back({"review", [this](double b) { return review_step(b); }});
  }

  Progress demo_step(double budget_ms) {
    std::unique_ptr<DemoJob>& j = demo;
    return drive<DemoJob>(
        j, budget_ms,
        []() -> Result<std::unique_ptr<DemoJob>> {
          DemoOptions o;
          o.employees = kEmployees;
          o.profile = DemoOptions::Dirty;
          auto job = DemoJob::start(o);
          if (!job) return job.error();
          return std::make_unique<DemoJob>(std::move(job.value()));
        },
        [this](DemoJob& d) -> Status {
          auto db = d.take_database();
          if (!db) return db.error();
          demo_db.emplace(std::move(db.value()));
          return ok_status();
        });
  }

  Progress image_step(double budget_ms) {
    return drive<sql::SerializeJob>(
        image, budget_ms,
        [this]() -> Result<std::unique_ptr<sql::SerializeJob>> { return std::make_unique<sql::SerializeJob>(*demo_db); },
        [this](sql::SerializeJob& s) -> Status {
          files[0] = s.take();
          return ok_status();
        });
  }

  Progress export_step() {
    for (auto [f, format] : {std::pair{1, ExportFormat::PgDump}, std::pair{2, ExportFormat::DumpData}}) {
      auto text = export_snapshot(*demo_db, format);
      if (!text) return job_progress("", 0, false, text.error());
      files[f].assign(text->begin(), text->end());
    }
    demo_db.reset();
    return job_progress("", 1, true, std::nullopt);
  }

  Progress load_step(double budget_ms, std::vector<std::uint8_t>& file, const char* name, bool keep) {
    return drive<LoadJob>(
        load, budget_ms,
        [&file, name]() -> Result<std::unique_ptr<LoadJob>> { return std::make_unique<LoadJob>(std::move(file), name); },
        [&, keep](LoadJob& l) -> Status {
          auto snap = l.take_snapshot();
          if (!snap) return snap.error();
          if (snap->summary.kind != "before") {
            return make_error(ErrorCode::Internal, "the warm-up snapshot loaded as " + snap->summary.kind, name);
          }
          if (keep) {
            snapshot.emplace(std::move(snap.value()));
            file = l.take_bytes();  // its SHA-256 goes into the run's report
          }
          return ok_status();
        });
  }

  Progress hazards_step(double budget_ms) {
    return drive<HazardJob>(
        hazards, budget_ms,
        [this]() -> Result<std::unique_ptr<HazardJob>> { return std::make_unique<HazardJob>(snapshot->db, options); },
        [](HazardJob& h) -> Status {
          if (h.hazards().empty()) return make_error(ErrorCode::Internal, "the dirty warm-up snapshot has no hazards");
          return ok_status();
        });
  }

  Progress chars_step(double budget_ms) {
    return drive<diff::TextCharsJob>(
        chars, budget_ms,
        [this]() -> Result<std::unique_ptr<diff::TextCharsJob>> {
          return std::make_unique<diff::TextCharsJob>(snapshot->db);
        },
        [](diff::TextCharsJob&) { return ok_status(); });
  }

  Progress run_step(double budget_ms) {
    if (!run) run = std::make_unique<RunJob>(snapshot->db, report_input(snapshot->summary, files[0]), options);
    Progress p = run->step(budget_ms);
    if (p.state == JobState::Done && run->report().status != "ok") {
      return job_progress(p.phase, 1, true,
                          make_error(ErrorCode::Internal, "the warm-up run ended " + run->report().status));
    }
    return p;
  }

  Progress after_image_step(double budget_ms) {
    return drive<sql::SerializeJob>(
        image, budget_ms,
        [this]() -> Result<std::unique_ptr<sql::SerializeJob>> { return std::make_unique<sql::SerializeJob>(run->after()); },
        [](sql::SerializeJob& s) -> Status {
          if (s.take().empty()) return make_error(ErrorCode::Internal, "the warm-up's after image is empty");
          return ok_status();
        });
  }

  Progress review_step(double budget_ms) {
    return drive<ReviewJob>(
        review, budget_ms,
        [this]() -> Result<std::unique_ptr<ReviewJob>> {
          return std::make_unique<ReviewJob>(snapshot->db, run->after(), options, run->diff());
        },
        [this](ReviewJob& r) -> Status {
          Report report = run->report();
          REDLINE_TRY(fill_review(report, r.take_result()));
          if (report.to_json_text().empty()) return make_error(ErrorCode::Internal, "the warm-up's report is empty");
          run.reset();
          snapshot.reset();
          return ok_status();
        });
  }
};

WarmupJob::WarmupJob() : impl_(std::make_unique<Impl>()) {}
WarmupJob::~WarmupJob() = default;

Progress WarmupJob::step(double budget_ms) {
  Impl& m = *impl_;
  if (!m.error && m.next < m.stages.size()) {
    Impl::Stage& stage = m.stages[m.next];
    Progress p = stage.step(budget_ms);
    if (p.state == JobState::Error) {
      m.error = p.error.value_or(make_error(ErrorCode::Internal, "failed"));
      m.error->context = "warm-up, stage " + stage.name + (m.error->context.empty() ? "" : ", " + m.error->context);
    } else if (p.state == JobState::Done) {
      // The next stage starts a step() of its own: its first slice is where the
      // compilation happens.
      m.done.push_back(stage.name);
      ++m.next;
    }
  }
  const std::string phase = m.next < m.stages.size() ? m.stages[m.next].name : "";
  return job_progress(phase, static_cast<double>(m.next) / static_cast<double>(m.stages.size()),
                      m.next == m.stages.size(), m.error);
}

const std::vector<std::string>& WarmupJob::stages_done() const { return impl_->done; }

}  // namespace redline
