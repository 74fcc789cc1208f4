#include "engine/host.hpp"

#include <chrono>

#include "core/migrate/normalize_options.hpp"
#include "core/review/checks.hpp"
#include "engine/protocol.hpp"

namespace redline::engine {

namespace {

using nlohmann::json;

Result<diff::RowChange> kind_of(const json& r) {
  const std::string k = r.value("kind", "changed");
  if (k == "changed") return diff::RowChange::Changed;
  if (k == "added") return diff::RowChange::Added;
  if (k == "removed") return diff::RowChange::Removed;
  return make_error(ErrorCode::Usage, "unknown kind of row change '" + k + "' (changed, added or removed)");
}

template <typename T>
json view_json(const std::shared_ptr<const T>& v) {
  return v ? to_json(*v) : json(nullptr);
}

}  // namespace

void Host::post(std::string_view request_json) {
  auto parsed = parse(request_json);
  json r = parsed ? std::move(parsed.value()) : json();
  if (!r.is_object() || !r.contains("type") || !r["type"].is_string()) {
    engine_.report_error(make_error(ErrorCode::Internal, "the engine got a request it cannot read",
                                    std::string(request_json.substr(0, 200))));
    return;
  }
  if (r.contains("seq") && r["seq"].is_number_integer()) seen_ = r["seq"].get<std::int64_t>();
  try {
    handle(r);
  } catch (const json::exception& e) {
    // A field of the wrong type: a version skew between the two modules.
    engine_.report_error(make_error(ErrorCode::Internal, std::string("the engine got a malformed request: ") + e.what(),
                                    r["type"].get<std::string>()));
  }
}

void Host::answer_error(std::int64_t id, const Error& e) {
  answers_.push_back({dump(json{{"id", id}, {"error", to_json(e)}}), {}});
}

void Host::handle(const json& r) {
  const std::string type = r["type"].get<std::string>();
  // Work that takes memory in proportion to the data drops the warm-up; other
  // requests only pause it (the engine's own work comes first in pump()). A demo
  // asked for before the warm-up started (the page's built-in one, at start) only
  // puts it off: it runs once the demo is loaded, and the person's first file, or
  // their first run of the demo, meets compiled code.
  if (type == "load" || type == "run" || type == "verify" || (type == "demo" && warm_)) drop_warm_up();
  if (handle_stepper(type, r)) return;
  if (type == "demo") {
    DemoOptions o;
    o.employees = r.value("employees", 300);
    o.seed = r.value("seed", std::uint64_t{1});
    o.profile = r.value("profile", "dirty") == "clean" ? DemoOptions::Clean : DemoOptions::Dirty;
    engine_.start_demo(o);
  } else if (type == "load") {
    std::optional<WalInput> wal;
    const std::string wal_name = r.value("wal_name", "");
    if (!wal_name.empty()) wal = WalInput{std::move(incoming_wal_), wal_name};
    engine_.start_load(std::move(incoming_), r.value("name", "snapshot"), std::move(wal));
    engine_.set_load_fingerprint(r.value("sha256", ""));
    incoming_ = {};
    incoming_wal_ = {};
  } else if (type == "run") {
    auto options = options_from_json(r.contains("options") ? r["options"] : json::object(), "normalize() options");
    if (!options) return engine_.report_error(options.error());
    engine_.start_run(*options);
  } else if (type == "cancel") {
    engine_.cancel();
  } else if (type == "skip" || type == "pick_actual") {
    // A request the page ended or served itself (a load refused before its bytes came
    // in; the actual-after picker, which posts verify with the file): only
    // its seq counts, so that the UI knows the engine's status covers it.
  } else if (type == "error") {
    engine_.report_error(make_error(ErrorCode::Usage, r.value("message", ""), r.value("context", "")));
  } else if (type == "page" || type == "search") {
    auto kind = kind_of(r);
    if (!kind) return engine_.report_error(kind.error());
    if (type == "page") {
      engine_.request_page({r.value("table", ""), *kind, r.value("offset", std::size_t{0}), r.value("limit", std::size_t{0})});
    } else {
      engine_.request_search({r.value("table", ""), *kind, r.value("query", "")});
    }
  } else if (type == "density") {
    engine_.request_density(r.value("table", ""), r.value("buckets", std::size_t{0}));
  } else if (type == "rows") {
    engine_.request_rows({r.value("table", ""), r.value("ids", std::vector<std::int64_t>{}), r.value("check", "")});
  } else if (type == "check_ids") {
    engine_.request_check_ids({r.value("check", ""), r.value("offset", std::size_t{0}), r.value("limit", std::size_t{0})});
  } else if (type == "detail") {
    auto kind = kind_of(r);
    if (!kind) return engine_.report_error(kind.error());
    engine_.request_detail({r.value("table", ""), *kind, r.value("before_id", std::int64_t{0}),
                            r.value("after_id", std::int64_t{0})});
  } else if (type == "locate") {
    auto kind = kind_of(r);
    if (!kind) return engine_.report_error(kind.error());
    engine_.request_locate({r.value("table", ""), r.value("id", std::int64_t{0}), r.value("any_kind", false), *kind});
  } else if (type == "ticks") {
    auto ticks = ticks_from_json(r.contains("ticks") ? r["ticks"].dump() : std::string("{}"), "setTicks() ticks");
    if (!ticks) return engine_.report_error(ticks.error());
    engine_.set_ticks(std::move(ticks.value()));
  } else if (type == "script") {
    // The PostgreSQL script as bytes: the download and exportScript() get exactly
    // what `redline script` writes (no text re-encoding on the way).
    const std::int64_t id = r.value("id", std::int64_t{0});
    auto options = options_from_json(r.contains("options") ? r["options"] : json::object(), "script options");
    if (!options) return answer_error(id, options.error());
    auto text = engine_.script(*options, r.value("revert", false), r.value("batch_rows", std::int64_t{0}));
    if (!text) return answer_error(id, text.error());
    std::vector<std::uint8_t> bytes(text->begin(), text->end());
    answers_.push_back({json{{"id", id}, {"bytes", bytes.size()}}.dump(), std::move(bytes)});
  } else if (type == "verify") {
    // The actual-after file is in incoming(0), copied there as a load's is; the
    // answer (the verification's view) comes when the engine has compared it.
    const std::int64_t id = r.value("id", std::int64_t{0});
    const std::string name = r.value("name", "actual after");
    auto options = options_from_json(r.contains("options") ? r["options"] : json::object(), "verifyActual() options");
    std::vector<std::uint8_t> bytes = std::move(incoming_);
    incoming_ = {};
    incoming_wal_ = {};
    if (!options) {
      engine_.report_error(options.error());
      return answer_error(id, options.error());
    }
    // One check at a time: the one under way keeps its answer, this one is refused.
    if (verify_pending_) {
      return answer_error(id, make_error(ErrorCode::Usage,
                                         "an actual-after check is under way: load the next one once it is done", name));
    }
    verify_pending_ = {id, engine_.verifications()};
    engine_.start_verify(std::move(bytes), name, *options);
  } else if (type == "report" || type == "csv" || type == "after") {
    const std::int64_t id = r.value("id", std::int64_t{0});
    if (type == "after") {
      // Pieces of 1 MB, each out of the heap at the end of the slice that made it: a
      // slice makes tens of MB, and larger pieces held until then grew the heap
      // (8 MB pieces: by ~60 MB at 1M rows). A step gives a piece at most, and pump()
      // ends the slice once a piece waits, so one piece is held at a time, however
      // many pages a step copies (a 5 ms step copied ~20 MB: the heap grew 18 MB at
      // 1M rows; 4 MB waiting grew it 4 MB at ~100k and ~300k rows).
      constexpr std::size_t kPiece = 1u << 20;
      struct Pieces {
        std::vector<std::uint8_t> piece;
        std::size_t total = 0;
        std::size_t of = 0;  // the whole image's size
      };
      auto out = std::make_shared<Pieces>();
      auto size = engine_.after_image_size();
      if (!size) return answer_error(id, size.error());
      out->of = *size;
      auto send = [this, id, out] {
        const std::size_t n = out->piece.size();
        answers_.push_back({json{{"id", id}, {"piece", true}, {"bytes", n}, {"of", out->of}}.dump(), std::move(out->piece)});
        out->piece = {};
      };
      Status started = engine_.start_after_export(
          [out, send](const std::uint8_t* b, std::size_t n) -> Status {
            if (out->piece.empty()) out->piece.reserve(kPiece);
            out->piece.insert(out->piece.end(), b, b + n);
            out->total += n;
            if (out->piece.size() >= kPiece) send();
            return ok_status();
          },
          [this, id, out, send](std::optional<Error> e) {
            if (e) return answer_error(id, *e);
            if (!out->piece.empty()) send();
            answers_.push_back({json{{"id", id}, {"size", out->total}}.dump(), {}});
          },
          kPiece);
      if (!started) answer_error(id, started.error());
      return;
    }
    auto text = type == "report" ? engine_.report_text(r.value("format", "json")) : engine_.table_csv(r.value("table", ""));
    if (!text) return answer_error(id, text.error());
    answers_.push_back({dump(json{{"id", id}, {"text", std::move(text.value())}}), {}});
  } else {
    engine_.report_error(make_error(ErrorCode::Internal, "the engine got a request of an unknown type", type));
  }
}

bool Host::pump(double budget_ms) {
  // The engine advances one job step per pump(); steps are short next to the budget,
  // so keep stepping until it is spent (or nothing is left to do).
  const auto t0 = std::chrono::steady_clock::now();
  for (;;) {
    engine_.pump(std::max(1.0, budget_ms - ms_since(t0)));
    const auto search = engine_.search();
    const bool more = engine_.job().active || (search && !search->done) || engine_.trace_busy();
    if (!more) return pump_warm_up(std::max(1.0, budget_ms - ms_since(t0)));
    if (ms_since(t0) >= budget_ms) return true;
    // A piece of the after image waiting: out of the heap first (the worker sends it
    // at the end of its slice), or a slice would hold tens of MB of them.
    for (const Answer& a : answers_)
      if (!a.bytes.empty()) return true;
  }
}

// A dirty demo of this many employees (~10k rows): every step and hazard of the
// pipeline runs, each often enough for V8 to optimize its hot code (~0.15 s natively).
constexpr int kWarmUpEmployees = 300;

void Host::drop_warm_up() {
  if (!warm_) {
    if (warm_wanted_ && warm_end_.empty()) warm_end_ = "dropped before it started";
    return;
  }
  static const char* const kStages[] = {"demo", "run", "image", "load"};
  const Engine& e = warm_->engine;
  const bool loaded = warm_->stage == WarmUp::Load && !e.job().active && !e.error() && e.loaded();
  warm_end_ = loaded ? "done" : std::string("dropped at ") + kStages[warm_->stage];
  if (e.error()) warm_end_ += ": " + e.error()->describe();
  warm_.reset();
}

bool Host::pump_warm_up(double budget_ms) {
  if (!warm_wanted_ || !warm_end_.empty()) return false;  // off, or it has run
  const auto t0 = std::chrono::steady_clock::now();
  if (!warm_) {
    warm_ = std::make_unique<WarmUp>();
    DemoOptions demo;
    demo.employees = kWarmUpEmployees;
    demo.profile = DemoOptions::Dirty;
    warm_->engine.start_demo(demo);
  }
  Engine& e = warm_->engine;
  bool done = false;
  while (!done && ms_since(t0) < budget_ms) {
    if (e.job().active) {
      e.pump(std::max(1.0, budget_ms - ms_since(t0)));
      continue;
    }
    // A stage that failed (none should) ends the warm-up: it only ever saves time.
    if (e.error()) {
      done = true;
    } else if (warm_->stage == WarmUp::Demo && e.loaded()) {
      e.start_run(NormalizeOptions{});
      warm_->stage = WarmUp::Run;
    } else if (warm_->stage == WarmUp::Run && e.run() && e.run()->ok) {
      std::vector<std::uint8_t>& image = warm_->image;
      done = !e.start_after_export(
          [&image](const std::uint8_t* bytes, std::size_t n) {
            image.insert(image.end(), bytes, bytes + n);
            return ok_status();
          },
          nullptr);
      warm_->stage = WarmUp::Image;
    } else if (warm_->stage == WarmUp::Image && !warm_->image.empty()) {
      e.start_load(std::move(warm_->image), "warm-up.sqlite3");
      warm_->stage = WarmUp::Load;
    } else {
      done = true;  // the image loaded (or a stage ended without its result)
    }
  }
  if (done) drop_warm_up();
  return warm_ != nullptr;
}

Host::Answer Host::take_answer() {
  Answer a = std::move(answers_.front());
  answers_.pop_front();
  return a;
}

void Host::answer_verify() {
  if (!verify_pending_) return;
  const auto [id, before] = *verify_pending_;
  if (engine_.verifications() > before) {
    verify_pending_.reset();
    const auto v = engine_.verification();
    answers_.push_back({dump(json{{"id", id}, {"text", dump(to_json(*v))}}), {}});
  } else if (engine_.job().stage != "verify") {
    verify_pending_.reset();  // cancelled (or replaced by another job) before it ended
    answer_error(id, make_error(ErrorCode::Cancelled, "cancelled", "actual after"));
  }
}

std::string Host::take_messages() {
  answer_verify();
  answer_traces();
  json out = json::array();
  auto send_view = [&](const char* type, auto now, auto& sent) {
    if (now == sent) return;
    sent = now;
    out.push_back({{"type", type}, {"view", view_json(now)}});
  };
  // Views before the status: the UI sees a new generation with its view in place.
  send_view("loaded", engine_.loaded(), sent_loaded_);
  send_view("run", engine_.run(), sent_run_);
  send_view("page", engine_.page(), sent_page_);
  send_view("search", engine_.search(), sent_search_);
  send_view("density", engine_.density(), sent_density_);
  send_view("rows", engine_.rows(), sent_rows_);
  send_view("check_ids", engine_.check_ids(), sent_check_ids_);
  send_view("detail", engine_.detail(), sent_detail_);
  send_view("location", engine_.location(), sent_location_);
  send_view("verify", engine_.verification(), sent_verify_);
  auto send_raw = [&](const char* type, auto now, auto& sent) {
    if (now == sent) return;
    sent = now;
    out.push_back({{"type", type}, {"view", now ? json(*now) : json(nullptr)}});
  };
  send_raw("trace", engine_.trace_view(), sent_trace_);
  send_raw("trace_state", state_view_, sent_state_);
  send_raw("lineage", lineage_view_, sent_lineage_);
  if (engine_.text_chars_generation() != last_chars_generation_) {
    last_chars_generation_ = engine_.text_chars_generation();
    json chars = json::array();
    for (char32_t c : engine_.text_chars()) chars.push_back(static_cast<std::uint32_t>(c));
    out.push_back({{"type", "chars"}, {"chars", std::move(chars)}});
  }
  json status = {{"type", "status"},
                 {"seen", seen_},
                 {"job", to_json(engine_.job())},
                 {"generation", engine_.generation()},
                 {"failures", engine_.failures()},
                 {"runs", engine_.runs()},
                 {"error", engine_.error() ? to_json(*engine_.error()) : json(nullptr)}};
  std::string status_text = dump(status);
  if (status_text != last_status_) {
    last_status_ = status_text;
    out.push_back(std::move(status));
  }
  return dump(out);
}

}  // namespace redline::engine
