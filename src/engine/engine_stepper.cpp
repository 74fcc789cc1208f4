// The engine's plan and stepper (issue #15): the loaded snapshot's normalization with
// the options the person chose, replayed step by step on a copy (core TraceJob), so
// the Run panel can show before the run the statements each step will execute and
// the rows it will touch, and after it what each step did and the database as it
// stood after any step. It comes from the same step table and the same NormalizeJob
// as the run; the replay runs in slices between other work and can be cancelled.
#include "engine/engine.hpp"

namespace redline::engine {

void Engine::drop_trace() {
  if (trace_job_ && trace_job_->running()) trace_job_->cancel();
  trace_job_.reset();
  trace_view_.reset();
  trace_options_ = nullptr;
}

void Engine::publish_trace() {
  auto v = std::make_shared<nlohmann::ordered_json>();
  nlohmann::ordered_json& j = *v;
  const std::int64_t rows = loaded_ ? loaded_->total_rows : 0;
  const bool too_big = rows > trace_row_limit_;
  const Trace& t = trace_job_ && !too_big ? trace_job_->trace() : untraced_steps();
  Progress p = trace_job_ ? trace_job_->progress() : Progress{JobState::Done, 1.0, "", std::nullopt};
  j = t.to_json();
  j["options"] = trace_options_;
  j["done"] = p.state != JobState::More;
  j["fraction"] = p.fraction;
  j["phase"] = p.phase;
  j["too_big"] = too_big;
  j["row_limit"] = trace_row_limit_;
  j["total_rows"] = rows;
  if (p.state == JobState::Error && p.error) {
    j["error"] = {{"code", to_string(p.error->code)}, {"message", p.error->message}, {"context", p.error->context}};
  }
  trace_view_ = std::move(v);
}

void Engine::request_trace(const NormalizeOptions& options) {
  nlohmann::ordered_json asked = options_to_json(options);
  if (trace_view_ && asked == trace_options_) return;  // the one kept (or under way)
  drop_trace();
  if (!db_ || !loaded_) {
    error_ = make_error(ErrorCode::Usage, "load a snapshot before asking for the plan");
    return;
  }
  trace_options_ = std::move(asked);
  if (loaded_->total_rows <= trace_row_limit_) trace_job_ = std::make_unique<TraceJob>(*db_, options);
  publish_trace();
}

void Engine::pump_trace(double budget_ms) {
  const Progress before = trace_job_->progress();
  trace_job_->step(budget_ms);
  const Progress after = trace_job_->progress();
  // A new view only when there is something new to show: the UI redraws on each.
  if (after.state != JobState::More || after.phase != before.phase) publish_trace();
}

Result<nlohmann::ordered_json> Engine::trace_state(const NormalizeOptions& options, std::size_t state,
                                                   const std::string& table, std::size_t offset, std::size_t limit) {
  if (!trace_view_ || options_to_json(options) != trace_options_) {
    return make_error(ErrorCode::Usage, "no step-by-step replay for these options: ask for the plan (trace) first");
  }
  if (!trace_job_) {
    return make_error(ErrorCode::Usage,
                      "the snapshot has " + std::to_string(loaded_ ? loaded_->total_rows : 0) +
                          " rows, more than the " + std::to_string(trace_row_limit_) +
                          " a step-by-step replay keeps: only the per-step counts of the run are shown");
  }
  if (trace_job_->running()) return make_error(ErrorCode::Usage, "the step-by-step replay is still under way");
  return trace_job_->state_rows(state, table, offset, limit);
}

}  // namespace redline::engine
