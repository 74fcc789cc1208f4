#include "app/session.hpp"

namespace redline::app {

namespace {
using nlohmann::json;

// Store a view the worker sent (null clears it); false when it cannot be read.
template <typename T, typename Parse>
Status take_view(const json& m, std::shared_ptr<const T>& slot, Parse parse) {
  const json& v = m.contains("view") ? m["view"] : json(nullptr);
  if (v.is_null()) {
    slot.reset();
    return ok_status();
  }
  auto parsed = parse(v);
  if (!parsed) return parsed.error();
  slot = std::make_shared<const T>(std::move(parsed.value()));
  return ok_status();
}
}  // namespace

std::int64_t Session::send(const json& request) {
  return post ? post(engine::dump(request)) : 0;
}

void Session::start_demo(const DemoOptions& options) {
  job_seq_ = send({{"type", "demo"},
                   {"employees", options.employees},
                   {"seed", options.seed},
                   {"profile", options.profile == DemoOptions::Clean ? "clean" : "dirty"}});
  job_ = JobView{true, "Generating the demo snapshot", "", "demo", 0.0};
  error_.reset();
}

void Session::start_run(const NormalizeOptions& options) {
  job_seq_ = send({{"type", "run"}, {"options", options_to_json(options)}});
  if (loaded_) {
    job_ = JobView{true, "Normalizing " + loaded_->summary.name, "", "run", 0.0};
    error_.reset();
  }
}

void Session::expect_load(std::int64_t seq, const std::string& name) {
  job_seq_ = seq;
  job_ = JobView{true, "Loading " + name, "reading", "load", 0.0};
  error_.reset();
}

void Session::cancel() {
  // The job shows until the engine's status says it stopped: what state() reports is
  // what the engine did, not what was asked.
  job_seq_ = send({{"type", "cancel"}});
}

void Session::report_error(Error e) {
  send({{"type", "error"}, {"message", e.message}, {"context", e.context}});
  error_ = std::move(e);
}

void Session::request_page(PageRequest r) {
  if (page_asked_ == r) return;
  send({{"type", "page"}, {"table", r.table}, {"kind", diff::to_string(r.kind)}, {"offset", r.offset}, {"limit", r.limit}});
  page_asked_ = std::move(r);
}

void Session::request_search(SearchRequest r) {
  if (search_asked_ == r) return;
  send({{"type", "search"}, {"table", r.table}, {"kind", diff::to_string(r.kind)}, {"query", r.query}});
  search_asked_ = std::move(r);
}

void Session::request_density(std::string table, std::size_t buckets) {
  std::pair<std::string, std::size_t> r{std::move(table), buckets};
  if (density_asked_ == r) return;
  send({{"type", "density"}, {"table", r.first}, {"buckets", r.second}});
  density_asked_ = std::move(r);
}

void Session::request_rows(RowsRequest r) {
  if (rows_asked_ == r) return;
  send({{"type", "rows"}, {"table", r.table}, {"ids", r.ids}, {"check", r.check}});
  rows_asked_ = std::move(r);
}

void Session::request_check_ids(CheckIdsRequest r) {
  if (check_ids_asked_ == r) return;
  send({{"type", "check_ids"}, {"check", r.check}, {"offset", r.offset}, {"limit", r.limit}});
  check_ids_asked_ = std::move(r);
}

void Session::request_detail(DetailRequest r) {
  if (detail_asked_ == r) return;
  send({{"type", "detail"}, {"table", r.table}, {"kind", diff::to_string(r.kind)},
        {"before_id", r.before_id}, {"after_id", r.after_id}});
  detail_asked_ = std::move(r);
}

void Session::request_locate(LocateRequest r) {
  if (locate_asked_ == r) return;
  send({{"type", "locate"}, {"table", r.table}, {"id", r.id}, {"any_kind", r.any_kind}, {"kind", diff::to_string(r.kind)}});
  locate_asked_ = std::move(r);
}

void Session::set_ticks(ManualTicks ticks) {
  send({{"type", "ticks"}, {"ticks", ticks_to_json(ticks)}});
  ticks_ = std::move(ticks);
}

void Session::download_after(const std::string& name) {
  send({{"type", "after"}, {"download", {{"name", name}, {"mime", "application/vnd.sqlite3"}}}});
}

void Session::download_report(const std::string& format, const std::string& name, const std::string& mime) {
  send({{"type", "report"}, {"format", format}, {"download", {{"name", name}, {"mime", mime}}}});
}

void Session::download_csv(const std::string& table, const std::string& name) {
  send({{"type", "csv"}, {"table", table}, {"download", {{"name", name}, {"mime", "text/csv"}}}});
}

void Session::download_script(const NormalizeOptions& options, bool revert, const std::string& name) {
  send({{"type", "script"},
        {"options", options_to_json(options)},
        {"revert", revert},
        {"download", {{"name", name}, {"mime", "application/sql"}}}});
}

void Session::pick_actual(const NormalizeOptions& options) {
  // Handled by the page's JavaScript (its file picker), which posts the verify request
  // with the file's bytes itself.
  send({{"type", "pick_actual"}, {"options", options_to_json(options)}});
}

void Session::ask_once(std::string& asked, const json& request) {
  std::string text = request.dump();
  if (text == asked) return;
  send(request);
  asked = std::move(text);
}
void Session::request_trace(const NormalizeOptions& options) {
  ask_once(trace_asked_, {{"type", "trace"}, {"options", options_to_json(options)}});
}
void Session::request_trace_state(const NormalizeOptions& options, std::size_t state, const std::string& table,
                                  std::size_t offset, std::size_t limit) {
  ask_once(state_asked_, {{"type", "trace_state"}, {"options", options_to_json(options)}, {"state", state},
                          {"table", table}, {"offset", offset}, {"limit", limit}});
}
void Session::request_lineage(const std::string& table, const std::string& side, const std::string& query) {
  ask_once(lineage_asked_, {{"type", "lineage"}, {"table", table}, {"side", side}, {"query", query}});
}
void Session::forget_requests() {
  trace_asked_.clear();
  state_asked_.clear();
  lineage_asked_.clear();
  page_asked_.reset();
  search_asked_.reset();
  density_asked_.reset();
  rows_asked_.reset();
  check_ids_asked_.reset();
  detail_asked_.reset();
  locate_asked_.reset();
}

void Session::receive(const std::string& messages_json) {
  ++received_;
  auto parsed = engine::parse(messages_json);
  const json messages = parsed ? std::move(parsed.value()) : json();
  if (!messages.is_array()) {
    error_ = make_error(ErrorCode::Internal, "the page could not read the engine's messages",
                        messages_json.substr(0, 200));
    return;
  }
  for (const json& m : messages) {
    try {
      apply(m);
    } catch (const json::exception& e) {
      error_ = make_error(ErrorCode::Internal, std::string("the page could not read a message of the engine: ") + e.what(),
                          m.dump().substr(0, 200));
    }
  }
}

void Session::apply(const json& m) {
  const std::string type = m.at("type").get<std::string>();
  Status s = ok_status();
  if (type == "status") {
    // A status sent before the engine saw the job asked for would show it idle.
    if (m.at("seen").get<std::int64_t>() >= job_seq_) {
      auto job = engine::job_from_json(m.at("job"));
      if (!job) return void(error_ = job.error());
      job_ = std::move(job.value());
    }
    generation_ = m.at("generation").get<int>();
    failures_ = m.at("failures").get<int>();
    runs_ = m.at("runs").get<int>();
    if (m.at("error").is_null()) {
      error_.reset();
    } else {
      auto e = engine::error_from_json(m.at("error"));
      error_ = e ? std::move(e.value()) : e.error();
    }
    return;
  }
  if (type == "loaded") {
    s = take_view(m, loaded_, engine::loaded_from_json);
    forget_requests();
  } else if (type == "run") {
    s = take_view(m, run_, engine::run_from_json);
    forget_requests();
  } else if (type == "page") {
    s = take_view(m, page_, engine::page_from_json);
  } else if (type == "search") {
    s = take_view(m, search_, engine::search_from_json);
  } else if (type == "density") {
    s = take_view(m, density_, engine::density_from_json);
  } else if (type == "rows") {
    s = take_view(m, rows_, engine::rows_from_json);
  } else if (type == "check_ids") {
    s = take_view(m, check_ids_, engine::check_ids_from_json);
  } else if (type == "detail") {
    s = take_view(m, detail_, engine::detail_from_json);
  } else if (type == "location") {
    s = take_view(m, location_, engine::location_from_json);
  } else if (type == "verify") {
    s = take_view(m, verification_, engine::verify_from_json);
  } else if (type == "trace" || type == "trace_state" || type == "lineage") {
    auto& slot = type == "trace" ? trace_ : type == "trace_state" ? trace_state_ : lineage_;
    const json& v = m.contains("view") ? m["view"] : json(nullptr);
    slot = v.is_null() ? nullptr : std::make_shared<const json>(v);
  } else if (type == "chars") {
    text_chars_.clear();
    for (const json& c : m.at("chars")) text_chars_.push_back(static_cast<char32_t>(c.get<std::uint32_t>()));
    ++text_chars_generation_;
  }
  if (!s) error_ = s.error();
}

}  // namespace redline::app
