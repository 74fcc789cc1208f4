// Issue #14 in the page, through the page's own path (app::Session -> engine::Host,
// as redline-worker.js carries it): the PostgreSQL scripts the Run panel downloads
// are the bytes the real `redline script` writes, and "actual after" gives the same
// verdict as `redline verify` (Django's own result of crm-small accepted, one changed
// cell rejected and named, a damaged file refused with the loader's error while the
// loaded snapshot stays).
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "app/session.hpp"
#include "core/sqlite.hpp"
#include "engine/host.hpp"
#include "test_util.hpp"

namespace redline {
namespace {

using nlohmann::json;

std::vector<std::uint8_t> file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Page {
  engine::Host host;
  app::Session session;
  std::int64_t seq = 0;

  Page() {
    session.post = [this](const std::string& r) {
      auto j = json::parse(r);
      j["seq"] = ++seq;
      if (j.contains("download")) j["id"] = seq;
      host.post(j.dump());
      return seq;
    };
  }
  void slices() {
    for (int i = 0; i < 100000; ++i) {
      const bool more = host.pump(20);
      session.receive(host.take_messages());
      if (!more) return;
    }
    ADD_FAILURE() << "the engine never finished";
  }
  // As web/redline-page.js: the file's bytes into incoming(0), then the request.
  void send_file(const std::vector<std::uint8_t>& bytes, json request) {
    host.incoming(0) = bytes;
    request["seq"] = ++seq;
    host.post(request.dump());
    slices();
  }
  void load(const std::string& path, const std::string& name) {
    send_file(file_bytes(path), {{"type", "load"}, {"name", name}});
    ASSERT_TRUE(session.loaded()) << (session.error() ? session.error()->message : "");
  }
  engine::Host::Answer take() {
    EXPECT_TRUE(host.has_answer());
    return host.has_answer() ? host.take_answer() : engine::Host::Answer{};
  }
  // verify {options}: the answer's JSON (the verify view) and what the UI received.
  json verify(const std::vector<std::uint8_t>& bytes, const std::string& name) {
    send_file(bytes, {{"type", "verify"}, {"id", 77}, {"name", name}, {"options", json::object()}});
    auto a = json::parse(take().json);
    EXPECT_EQ(a["id"], 77);
    return a.contains("text") ? json::parse(a["text"].get<std::string>()) : a;
  }
};

TEST(HostScript, SameBytesAsTheCli) {
  test::TempDir dir;
  const std::string before = test::fixture("crm-small/before.pg.sql");
  for (bool revert : {false, true}) {
    auto r = test::run_cli("script " + test::shell_quote(before) + " --target postgresql --out " +
                           test::shell_quote(dir.file("s.sql")) + (revert ? " --revert" : ""));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    const auto cli = file_bytes(dir.file("s.sql"));

    Page p;
    p.load(before, "before.pg.sql");
    // The Run panel's button: Session::download_script, as the page posts it.
    p.session.download_script(NormalizeOptions{}, revert, "before-migration.sql");
    auto a = p.take();
    auto head = json::parse(a.json);
    ASSERT_FALSE(head.contains("error")) << a.json;
    EXPECT_EQ(head["bytes"], a.bytes.size());
    EXPECT_EQ(a.bytes, cli) << "revert " << revert;
  }
}

TEST(HostScript, OptionsReachTheScriptAsOnTheCli) {
  test::TempDir dir;
  const std::string before = test::fixture("crm-dirty/before.sqlite3");
  std::ofstream(dir.file("o.json")) << R"({"username_collision": "link", "contact_overwrite": "fill_blanks"})";
  auto r = test::run_cli("script " + test::shell_quote(before) + " --target postgresql --options " +
                         test::shell_quote(dir.file("o.json")) + " --batch-rows 250 --out " +
                         test::shell_quote(dir.file("s.sql")));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  Page p;
  p.load(before, "before.sqlite3");
  p.host.post(json{{"type", "script"},
                   {"id", 1},
                   {"batch_rows", 250},
                   {"options", {{"username_collision", "link"}, {"contact_overwrite", "fill_blanks"}}}}
                  .dump());
  auto a = p.take();
  ASSERT_FALSE(json::parse(a.json).contains("error")) << a.json;
  EXPECT_EQ(a.bytes, file_bytes(dir.file("s.sql")));
}

TEST(HostScript, RefusesASnapshotInTheNewStructure) {
  Page p;
  p.load(test::fixture("crm-small/after.sqlite3"), "after.sqlite3");
  p.host.post(json{{"type", "script"}, {"id", 3}}.dump());
  auto a = json::parse(p.take().json);
  ASSERT_TRUE(a.contains("error"));
  EXPECT_NE(a["error"]["message"].get<std::string>().find("old structure"), std::string::npos) << a.dump();
  EXPECT_EQ(a["error"]["context"], "after.sqlite3");
}

TEST(HostVerify, DjangosResultIsAccepted) {
  // Each format's before with Django's after of the same database (the SQLite and the
  // PostgreSQL runs recorded their migrations at different times).
  for (const char* fmt : {".sqlite3", ".pg.sql"}) {
    Page p;
    const std::string before = std::string("crm-small/before") + fmt, after = std::string("crm-small/after") + fmt;
    p.load(test::fixture(before), before);
    auto v = p.verify(file_bytes(test::fixture(after)), after);
    EXPECT_TRUE(v["error"].is_null()) << v.dump();
    EXPECT_EQ(v["verified"], true) << after << ": " << v["mismatches"].dump().substr(0, 2000);
    EXPECT_EQ(v["mismatch_count"], 0);
    EXPECT_FALSE(v["checks"].empty());
    ASSERT_TRUE(p.session.verification());
    EXPECT_TRUE(p.session.verification()->verified());
    EXPECT_EQ(p.session.verification()->name, after);
  }
}

TEST(HostVerify, OneChangedCellIsNamed) {
  auto db = sql::Database::open_file(test::fixture("crm-small/after.sqlite3"), true);
  ASSERT_TRUE(db);
  auto copy = db->clone();
  ASSERT_TRUE(copy);
  std::string old;
  {
    auto st = copy->prepare("SELECT name FROM customers WHERE id = 3");
    ASSERT_TRUE(st);
    auto row = st->step();
    ASSERT_TRUE(row && *row == sql::StepResult::Row);
    old = st->column_text(0);
  }
  ASSERT_TRUE(copy->exec("UPDATE customers SET name = 'Changed by hand' WHERE id = 3").ok());
  auto image = copy->serialize();
  ASSERT_TRUE(image);

  Page p;
  p.load(test::fixture("crm-small/before.sqlite3"), "before.sqlite3");
  auto v = p.verify(*image, "after-changed.sqlite3");
  EXPECT_EQ(v["verified"], false);
  EXPECT_EQ(v["mismatch_count"], 1) << v["mismatches"].dump();
  ASSERT_EQ(v["mismatches"].size(), 1u);
  const json& m = v["mismatches"][0];
  EXPECT_EQ(m["table"], "customers");
  EXPECT_NE(m["key"].get<std::string>().find('3'), std::string::npos) << m.dump();
  EXPECT_EQ(m["column"], "name");
  EXPECT_NE(m["predicted"].get<std::string>().find(old), std::string::npos) << m.dump();
  EXPECT_NE(m["actual"].get<std::string>().find("Changed by hand"), std::string::npos) << m.dump();
  ASSERT_TRUE(p.session.verification());
  EXPECT_FALSE(p.session.verification()->verified());
  EXPECT_EQ(p.session.verification()->result.mismatches.at(0).column, "name");
}

TEST(HostVerify, ADamagedFileIsRefusedAndTheSnapshotStays) {
  Page p;
  p.load(test::fixture("crm-small/before.sqlite3"), "before.sqlite3");
  const auto loaded = p.session.loaded();
  const int generation = p.session.generation();
  auto bytes = file_bytes(test::fixture("crm-small/after.pg.sql"));
  bytes.resize(bytes.size() / 2);  // cut in the middle of a COPY block
  auto v = p.verify(bytes, "after-cut.pg.sql");
  ASSERT_TRUE(v["error"].is_object()) << v.dump().substr(0, 500);
  EXPECT_NE(v["error"]["context"].get<std::string>().find("after-cut.pg.sql"), std::string::npos) << v.dump();
  EXPECT_EQ(v["verified"], false);
  ASSERT_TRUE(p.session.error());
  EXPECT_EQ(p.session.error()->message, v["error"]["message"].get<std::string>());
  // The loaded snapshot is the same one, and it can still be normalized.
  EXPECT_EQ(p.session.generation(), generation);
  ASSERT_TRUE(p.session.loaded());
  EXPECT_EQ(p.session.loaded()->summary.name, loaded->summary.name);
  EXPECT_EQ(p.session.loaded()->input.sha256, loaded->input.sha256);
  p.session.start_run(NormalizeOptions{});
  p.slices();
  ASSERT_TRUE(p.session.run());
  EXPECT_TRUE(p.session.run()->ok);
}

TEST(HostVerify, NeedsTheSnapshotBefore) {
  Page p;
  auto v = p.verify(file_bytes(test::fixture("crm-small/after.sqlite3")), "after.sqlite3");
  ASSERT_TRUE(v["error"].is_object());
  EXPECT_NE(v["error"]["message"].get<std::string>().find("snapshot taken before the migration"), std::string::npos);
}

TEST(ProtocolVerify, TheViewCrossesByteForByte) {
  engine::VerifyView v;
  v.name = "after \xff.sql";  // not UTF-8: crosses as base64
  v.result.mismatch_count = 3;
  v.result.mismatches.push_back({"customers", "id=3", "name", "'Kwame'", "'K\xe9'"});
  CheckItem c;
  c.id = "D1";
  c.title = "rows";
  c.status = CheckStatus::Fail;
  c.detail = "1 row";
  v.result.checks.push_back(c);
  auto back = engine::verify_from_json(json::parse(engine::dump(engine::to_json(v))));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->name, v.name);
  EXPECT_FALSE(back->error);
  EXPECT_EQ(back->result.mismatch_count, 3);
  ASSERT_EQ(back->result.mismatches.size(), 1u);
  EXPECT_EQ(back->result.mismatches[0].actual, "'K\xe9'");
  EXPECT_EQ(back->result.mismatches[0].key, "id=3");
  ASSERT_EQ(back->result.checks.size(), 1u);
  EXPECT_EQ(back->result.checks[0].status, CheckStatus::Fail);
  EXPECT_FALSE(back->verified());

  engine::VerifyView failed;
  failed.name = "cut.pg.sql";
  failed.error = make_error(ErrorCode::BadInput, "truncated COPY block", "cut.pg.sql, line 9");
  auto f = engine::verify_from_json(json::parse(engine::dump(engine::to_json(failed))));
  ASSERT_TRUE(f);
  ASSERT_TRUE(f->error);
  EXPECT_EQ(f->error->context, "cut.pg.sql, line 9");
  EXPECT_FALSE(f->verified());
  // A field missing (a version skew) is an error naming it, not a throw.
  json broken = engine::to_json(v);
  broken.erase("mismatches");
  auto bad = engine::verify_from_json(broken);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("mismatches"), std::string::npos) << bad.error().message;
}

}  // namespace
}  // namespace redline
