// The Host's requests for the plan, the stepper and lineage (issue #15):
//   trace {options, id?}: replay the normalization with `options` step by step
//     (Engine::request_trace); with an id, answered with the trace once it has ended
//   trace_state {options, state, table, offset, limit, id?}: rows of a table as the
//     database stood after `state` steps of that replay
//   lineage {table, side, key?, query?, id?}: one row's lineage (Engine::lineage)
// Without an id (the UI module's requests) the answers go out as views, errors in them.
#include "core/migrate/normalize_options.hpp"
#include "engine/host.hpp"

namespace redline::engine {

namespace {
// As protocol's dump(): invalid UTF-8 in the data replaced, never a throw.
std::string json_text(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}
}  // namespace

bool Host::handle_stepper(const std::string& type, const nlohmann::json& r) {
  if (type != "trace" && type != "trace_state" && type != "lineage") return false;
  const std::int64_t id = r.value("id", std::int64_t{0});
  auto fail = [&](const Error& e) {
    if (id) return answer_error(id, e);
    auto view = std::make_shared<const nlohmann::ordered_json>(nlohmann::ordered_json{{"error", to_json(e)}});
    if (type == "trace") engine_.report_error(e);
    else if (type == "trace_state") state_view_ = view;
    else lineage_view_ = view;
  };
  Result<NormalizeOptions> options = NormalizeOptions{};
  if (type != "lineage") {
    options = options_from_json(r.contains("options") ? r["options"] : nlohmann::json::object(), type + " options");
    if (!options) {
      fail(options.error());
      return true;
    }
  }
  if (type == "trace") {
    engine_.request_trace(*options);
    if (id) trace_pending_.emplace_back(id, options_to_json(*options));
    return true;
  }
  Result<nlohmann::ordered_json> answer =
      type == "trace_state"
          ? engine_.trace_state(*options, r.value("state", std::size_t{0}), r.value("table", ""),
                                r.value("offset", std::size_t{0}), r.value("limit", std::size_t{50}))
          : engine_.lineage(r.value("table", ""), r.value("side", "before"),
                            r.contains("key") && r["key"].is_number_integer()
                                ? std::optional<std::int64_t>(r["key"].get<std::int64_t>())
                                : std::nullopt,
                            r.value("query", ""));
  if (!answer) {
    fail(answer.error());
    return true;
  }
  if (id) {
    answers_.push_back({nlohmann::json{{"id", id}, {"text", json_text(answer.value())}}.dump(), {}});
    return true;
  }
  (type == "trace_state" ? state_view_ : lineage_view_) =
      std::make_shared<const nlohmann::ordered_json>(std::move(answer.value()));
  return true;
}

void Host::answer_traces() {
  if (trace_pending_.empty()) return;
  const auto view = engine_.trace_view();
  std::vector<std::pair<std::int64_t, nlohmann::ordered_json>> still;
  for (auto& [id, options] : trace_pending_) {
    if (view && (*view)["options"] == options) {
      if (!(*view)["done"].get<bool>()) {
        still.emplace_back(id, std::move(options));
      } else {
        answers_.push_back({nlohmann::json{{"id", id}, {"text", json_text(*view)}}.dump(), {}});
      }
    } else {
      // Dropped: a new snapshot, a cancel, a run, or a trace with other options.
      answer_error(id, make_error(ErrorCode::Cancelled, "the step-by-step replay was cancelled", "trace"));
    }
  }
  trace_pending_ = std::move(still);
}

}  // namespace redline::engine
