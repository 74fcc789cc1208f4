// The page's two halves joined as the page joins them, without the browser: the UI's
// client (app::Session) posts its requests to the worker's engine::Host, and the
// Host's messages come back into the Session after each pump, as redline-worker.js
// carries them. What the panels see (loaded, run, pages, errors, progress) must
// arrive, cancel must leave the loaded snapshot as it was, and a status the engine sent
// before it saw a request must not undo what the UI shows for it.
#include <gtest/gtest.h>

#include <functional>

#include <nlohmann/json.hpp>

#include "app/session.hpp"
#include "engine/host.hpp"

namespace redline {
namespace {

struct Page {
  engine::Host host;
  app::Session session;
  std::int64_t seq = 0;
  std::vector<std::string> requests;  // as posted, in order

  Page() {
    session.post = [this](const std::string& r) {
      auto j = nlohmann::json::parse(r);
      j["seq"] = ++seq;
      if (j.contains("download")) j["id"] = seq;  // the page's JavaScript gives answered requests an id
      requests.push_back(j.dump());
      host.post(requests.back());
      return seq;
    };
  }
  // One slice of the worker and the messages it sends; true while work remains.
  bool slice(double budget_ms = 50) {
    const bool more = host.pump(budget_ms);
    session.receive(host.take_messages());
    return more;
  }
  // Slices until `done` holds (the UI's view of it), at most `limit` of them.
  // Short slices catch each phase of a small snapshot's jobs.
  template <typename Done>
  int until(Done done, double budget_ms = 2, int limit = 100000) {
    int n = 0;
    while (!done()) {
      slice(budget_ms);
      if (++n > limit) {
        ADD_FAILURE() << "the page never saw it";
        break;
      }
    }
    return n;
  }
  nlohmann::json answer() {
    EXPECT_TRUE(host.has_answer());
    return host.has_answer() ? nlohmann::json::parse(host.take_answer().json) : nlohmann::json();
  }
};

// A report without its timings (every "ms"), which differ from run to run.
nlohmann::json untimed(const std::string& report_json) {
  nlohmann::json j = nlohmann::json::parse(report_json);
  std::function<void(nlohmann::json&)> strip = [&](nlohmann::json& v) {
    if (v.is_object()) v.erase("ms");
    if (v.is_object() || v.is_array())
      for (auto& c : v) strip(c);
  };
  strip(j);
  return j;
}

NormalizeOptions at_fixed_time() {
  NormalizeOptions o;
  o.now = "2026-01-02 03:04:05";
  return o;
}

void load_demo(Page& p, int employees) {
  DemoOptions demo;
  demo.employees = employees;
  demo.seed = 1;
  demo.profile = DemoOptions::Dirty;
  p.session.start_demo(demo);
  EXPECT_TRUE(p.session.job().active) << "the UI shows the job at once, before the engine answers";
  p.until([&] { return p.session.generation() == 1 || p.session.failures() > 0; });
  ASSERT_EQ(p.session.failures(), 0) << p.session.error()->describe();
}

TEST(WorkerProtocol, ADemoLoadsRunsAndIsReviewedThroughMessagesOnly) {
  Page p;
  load_demo(p, 40);
  auto loaded = p.session.loaded();
  ASSERT_TRUE(loaded);
  EXPECT_TRUE(loaded->is_demo);
  EXPECT_GT(loaded->total_rows, 100);
  EXPECT_EQ(loaded->summary.name, "demo-dirty-40.sqlite3");
  EXPECT_FALSE(loaded->input.sha256.empty());

  p.session.start_run(at_fixed_time());
  EXPECT_EQ(p.session.job().stage, "run");
  double last = 0;
  bool saw_review = false;
  p.until([&] {
    if (p.session.job().active) {
      saw_review = saw_review || p.session.job().stage == "review";
      last = p.session.job().fraction;
    }
    return p.session.runs() == 1;
  });
  EXPECT_TRUE(saw_review) << "progress of each phase travels as messages";
  EXPECT_GE(last, 0.0);
  auto run = p.session.run();
  ASSERT_TRUE(run);
  EXPECT_TRUE(run->ok) << run->report.to_json_text();
  EXPECT_FALSE(run->checks.empty());
  ASSERT_TRUE(run->diff);
  EXPECT_EQ(nlohmann::json::parse(run->report.to_json_text())["status"], "ok");

  // A page of the diff, asked once however often the panel asks.
  const engine::TableSummary* employees = run->diff->table("employees");
  ASSERT_TRUE(employees);
  ASSERT_GT(employees->changed, 0u);
  const std::size_t before = p.requests.size();
  for (int i = 0; i < 3; ++i) p.session.request_page({"employees", diff::RowChange::Changed, 0, 10});
  EXPECT_EQ(p.requests.size(), before + 1);
  p.until([&] { return p.session.page() != nullptr; });
  EXPECT_EQ(p.session.page()->table, "employees");
  EXPECT_EQ(p.session.page()->rows.size(), std::min<std::size_t>(10, employees->changed));

  // Reports and the after image are answers to requests with an id.
  p.session.download_report("md", "x-report.md", "text/markdown");
  auto md = p.answer();
  EXPECT_NE(md.value("text", "").find("#"), std::string::npos);
  // The after image comes in pieces as the export makes it, then its size; together
  // they are the engine's own export_after().
  p.host.post(R"({"type":"after","id":77})");
  EXPECT_EQ(p.host.engine().job().stage, "export") << "the export is a job";
  std::vector<std::uint8_t> image;
  int pieces = 0;
  nlohmann::json final_answer;
  p.until([&] {
    while (p.host.has_answer()) {
      auto a = p.host.take_answer();
      auto j = nlohmann::json::parse(a.json);
      EXPECT_EQ(j["id"], 77);
      if (j.value("piece", false)) {
        EXPECT_EQ(j["bytes"], a.bytes.size());
        EXPECT_EQ(j["of"], p.host.engine().after_image_size().value()) << "each piece says the whole image's size";
        image.insert(image.end(), a.bytes.begin(), a.bytes.end());
        ++pieces;
      } else {
        final_answer = j;
      }
    }
    return !final_answer.is_null();
  });
  ASSERT_FALSE(final_answer.contains("error")) << final_answer.dump();
  EXPECT_EQ(final_answer["size"], image.size());
  EXPECT_GE(pieces, 1);
  ASSERT_GT(image.size(), 100u);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(image.data()), 15), "SQLite format 3");
  auto whole = p.host.engine().export_after();
  ASSERT_TRUE(whole.ok());
  EXPECT_TRUE(*whole == image);
  p.slice();
  EXPECT_FALSE(p.session.job().active) << "the export's job ended";

  // A second export while one is under way is refused; a cancel stops the first.
  p.host.post(R"({"type":"after","id":78})");
  p.host.post(R"({"type":"after","id":79})");
  ASSERT_TRUE(p.host.has_answer());
  auto refused = nlohmann::json::parse(p.host.take_answer().json);
  EXPECT_EQ(refused["id"], 79);
  EXPECT_TRUE(refused.contains("error")) << refused.dump();
  p.host.post(R"({"type":"cancel"})");
  nlohmann::json cancelled;
  while (p.host.has_answer()) cancelled = nlohmann::json::parse(p.host.take_answer().json);
  EXPECT_EQ(cancelled["id"], 78);
  EXPECT_EQ(cancelled["error"]["code"], "cancelled") << cancelled.dump();
  EXPECT_TRUE(p.session.run() && p.session.run()->ok) << "a cancelled export leaves the run as it was";
}

// A slice of the after image's export ends once it has made a piece (1 MB): the
// worker sends it out of the heap before the next, so the export never holds more
// (4 MB waiting grew the worker's heap by 4 MB at ~100k and ~300k rows).
TEST(WorkerProtocol, AnExportSliceEndsWithThePieceItMade) {
  Page p;
  load_demo(p, 1000);
  p.session.start_run(at_fixed_time());
  p.until([&] { return p.session.runs() == 1; });
  ASSERT_TRUE(p.session.run() && p.session.run()->ok);
  p.host.post(R"({"type":"after","id":5})");
  std::size_t total = 0, of = 0;
  int slices = 0;
  bool done = false;
  while (!done) {
    ASSERT_LT(++slices, 1000) << "the export ends";
    p.host.pump(1000);  // a budget that would copy the whole image at once
    int pieces = 0;
    while (p.host.has_answer()) {
      auto a = p.host.take_answer();
      auto j = nlohmann::json::parse(a.json);
      ASSERT_FALSE(j.contains("error")) << j.dump();
      if (j.value("piece", false)) {
        ++pieces;
        total += a.bytes.size();
        of = j["of"];
        EXPECT_LE(a.bytes.size(), std::size_t{1} << 20);
      } else {
        done = true;
      }
    }
    EXPECT_LE(pieces, 1) << "slice " << slices;
  }
  EXPECT_EQ(total, of);
  EXPECT_GT(of, std::size_t{3} << 20) << "an image of several pieces";
  EXPECT_GT(slices, 3);
}

// The warm-up: run while the engine waits for a file, never seen by the page, and
// dropped (not resumed) by the first request that brings data.
TEST(WorkerProtocol, TheWarmUpRunsUnseenWhileIdleAndGivesWayToTheFirstLoad) {
  {
    Page p;
    p.host.set_warm_up(true);
    EXPECT_TRUE(p.slice(5)) << "a fresh engine with the warm-up on has work";
    EXPECT_TRUE(p.host.warming());
    int slices = 1;
    while (p.slice(50)) ASSERT_LT(++slices, 2000) << "the warm-up ends";
    EXPECT_FALSE(p.host.warming()) << "its engine is dropped once the image is loaded again";
    EXPECT_EQ(p.host.warm_up_end(), "done") << "demo, run, review, after image and its load all ran";
    EXPECT_FALSE(p.slice(50)) << "and it runs once";
    EXPECT_EQ(p.session.generation(), 0) << "nothing of it is published";
    EXPECT_EQ(p.session.runs(), 0);
    EXPECT_FALSE(p.session.loaded());
    EXPECT_FALSE(p.session.error());
    EXPECT_FALSE(p.session.job().active);
    EXPECT_FALSE(p.host.has_answer());
  }
  Page p;
  p.host.set_warm_up(true);
  for (int i = 0; i < 3; ++i) p.slice(5);
  ASSERT_TRUE(p.host.warming());
  load_demo(p, 40);  // its request drops the warm-up
  EXPECT_FALSE(p.host.warming());
  EXPECT_EQ(p.host.warm_up_end().rfind("dropped at ", 0), 0u) << p.host.warm_up_end();
  p.session.start_run(at_fixed_time());
  p.until([&] { return p.session.runs() == 1; });
  ASSERT_TRUE(p.session.run());
  EXPECT_TRUE(p.session.run()->ok);
  EXPECT_FALSE(p.slice(50)) << "the warm-up does not come back once dropped";
  EXPECT_FALSE(p.host.warming());

  // The same run without a warm-up: the same report.
  Page q;
  load_demo(q, 40);
  q.session.start_run(at_fixed_time());
  q.until([&] { return q.session.runs() == 1; });
  EXPECT_EQ(untimed(p.session.run()->report.to_json_text()), untimed(q.session.run()->report.to_json_text()));
}

// The page's built-in demo is asked for before the warm-up starts: the warm-up waits
// for it and then runs, without touching what the demo published.
TEST(WorkerProtocol, TheWarmUpRunsAfterABuiltInDemoAskedForFirst) {
  Page p;
  p.host.set_warm_up(true);
  load_demo(p, 40);
  EXPECT_EQ(p.host.warm_up_end(), "") << "the demo only put it off";
  auto loaded = p.session.loaded();
  ASSERT_TRUE(loaded);
  int slices = 0;
  while (p.slice(50)) ASSERT_LT(++slices, 2000) << "the warm-up ends";
  EXPECT_GT(slices, 0) << "it ran after the demo";
  EXPECT_EQ(p.host.warm_up_end(), "done");
  EXPECT_EQ(p.session.generation(), 1) << "nothing of it is published";
  EXPECT_EQ(p.session.loaded(), loaded);
  EXPECT_EQ(p.session.runs(), 0);
  EXPECT_FALSE(p.session.error());
  EXPECT_FALSE(p.host.has_answer());
  // The demo still runs as it would have.
  p.session.start_run(at_fixed_time());
  p.until([&] { return p.session.runs() == 1; });
  ASSERT_TRUE(p.session.run() && p.session.run()->ok);
  Page q;
  load_demo(q, 40);
  q.session.start_run(at_fixed_time());
  q.until([&] { return q.session.runs() == 1; });
  EXPECT_EQ(untimed(p.session.run()->report.to_json_text()), untimed(q.session.run()->report.to_json_text()));
}

TEST(WorkerProtocol, CancelInEachPhaseLeavesTheLoadedSnapshotAndTheNextRunTheSame) {
  Page p;
  load_demo(p, 300);
  auto loaded = p.session.loaded();
  p.session.start_run(at_fixed_time());
  p.until([&] { return p.session.runs() == 1; });
  ASSERT_TRUE(p.session.run() && p.session.run()->ok);
  const nlohmann::json reference = untimed(p.session.run()->report.to_json_text());

  for (const char* phase : {"run", "review"}) {
    SCOPED_TRACE(phase);
    const int runs = p.session.runs();
    p.session.start_run(at_fixed_time());
    p.until([&] { return p.session.job().stage == phase || !p.session.job().active; });
    ASSERT_TRUE(p.session.job().active) << "the run ended before its " << phase << " phase";
    p.session.cancel();
    p.slice();
    EXPECT_FALSE(p.session.job().active) << "the engine's status after the cancel";
    EXPECT_FALSE(p.host.pump(1)) << "nothing runs on after a cancel";
    EXPECT_EQ(p.session.loaded(), loaded) << "the loaded snapshot is the one published before";
    EXPECT_FALSE(p.session.error()) << p.session.error()->describe();
    EXPECT_GT(p.session.runs(), runs);
    p.session.start_run(at_fixed_time());
    const int after_cancel = p.session.runs();
    p.until([&] { return p.session.runs() > after_cancel; });
    ASSERT_TRUE(p.session.run() && p.session.run()->ok);
    EXPECT_EQ(untimed(p.session.run()->report.to_json_text()), reference) << "a run after the cancel gives the same report";
  }

  // Cancelled while a new snapshot loads (the demo's generation, its load, its
  // preflight): the loaded one stays.
  for (const char* phase : {"demo", "load", "preflight"}) {
    SCOPED_TRACE(phase);
    DemoOptions demo;
    demo.employees = 300;
    demo.seed = 2;
    p.session.start_demo(demo);
    p.until([&] { return p.session.job().stage == phase || !p.session.job().active; });
    ASSERT_TRUE(p.session.job().active) << "the demo ended before its " << phase << " phase";
    p.session.cancel();
    p.slice();
    EXPECT_FALSE(p.session.job().active);
    EXPECT_EQ(p.session.generation(), 1);
    EXPECT_EQ(p.session.loaded(), loaded);
  }
}

TEST(WorkerProtocol, AStatusSentBeforeTheEngineSawTheRequestDoesNotHideTheJob) {
  Page p;
  load_demo(p, 20);
  // The engine's status of before the run request, delivered after it was posted.
  nlohmann::json stale = nlohmann::json::array();
  stale.push_back({{"type", "status"}, {"seen", p.seq}, {"job", engine::to_json(engine::JobView{})},
                   {"generation", 1}, {"failures", 0}, {"runs", 0}, {"error", nullptr}});
  p.session.post = [&](const std::string& r) {  // posted, not yet taken by the engine
    p.requests.push_back(r);
    return ++p.seq;
  };
  p.session.start_run(at_fixed_time());
  p.session.receive(stale.dump());
  EXPECT_TRUE(p.session.job().active);
  EXPECT_EQ(p.session.job().stage, "run");
}

TEST(WorkerProtocol, ABadRequestOrBadOptionsAreShownAsErrorsNotThrown) {
  Page p;
  p.host.post("not json");
  p.slice();
  ASSERT_TRUE(p.session.error());
  EXPECT_NE(p.session.error()->message.find("cannot read"), std::string::npos);
  p.host.post(R"({"type":"run","seq":5,"options":{"username_collision":"nope"}})");
  p.slice();
  ASSERT_TRUE(p.session.error());
  EXPECT_NE(p.session.error()->message.find("username_collision"), std::string::npos) << p.session.error()->message;
  p.host.post(R"({"type":"report","id":3,"format":"md"})");
  auto a = p.answer();
  EXPECT_TRUE(a.contains("error"));
  EXPECT_EQ(a["id"], 3);
  // Garbage from the worker is an error in the UI, not a crash.
  p.session.receive("[{\"type\":\"loaded\",\"view\":{\"summary\":42}}]");
  EXPECT_TRUE(p.session.error());
}

}  // namespace
}  // namespace redline
