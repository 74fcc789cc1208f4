// The plan, the stepper and lineage through the worker's protocol (engine::Host),
// as the page asks for them, on crm-small (made by real Django). The reference is the
// CLI's pipeline (run_pipeline) on the same file with the same options: what M2 created
// there is what the stepper must show for M2, and every source row's address must be
// found where that after database holds it.
#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "core/migrate/steps.hpp"
#include "core/pipeline.hpp"
#include "engine/host.hpp"
#include "normalize_test_util.hpp"

namespace redline {
namespace {

using nlohmann::json;

struct Worker {
  engine::Host host;
  std::int64_t seq = 0, id = 0;

  void load(const std::string& rel) {
    auto bytes = read_file(test::fixture(rel));
    ASSERT_TRUE(bytes.ok());
    host.incoming(0) = std::move(bytes.value());
    post({{"type", "load"}, {"name", "before.sqlite3"}});
    const int g = host.engine().generation() + 1;
    while (host.engine().generation() < g && host.engine().failures() == 0) host.pump(50);
    ASSERT_EQ(host.engine().generation(), g);
    (void)host.take_messages();
  }
  void post(json r) {
    r["seq"] = ++seq;
    host.post(r.dump());
  }
  // A request with an id, pumped until it is answered: its text as JSON, or the error.
  json ask(json r) {
    r["id"] = ++id;
    post(r);
    for (int i = 0; i < 100000 && !host.has_answer(); ++i) {
      host.pump(20);
      (void)host.take_messages();
    }
    EXPECT_TRUE(host.has_answer());
    if (!host.has_answer()) return json();
    json a = json::parse(host.take_answer().json);
    EXPECT_EQ(a["id"], id);
    if (a.contains("error")) return json{{"error", a["error"]}};
    return json::parse(a["text"].get<std::string>());
  }
  void run(const json& options) {
    post({{"type", "run"}, {"options", options}});
    const int runs = host.engine().runs() + 1;
    while (host.engine().runs() < runs) host.pump(50);
    ASSERT_TRUE(host.engine().run() && host.engine().run()->ok);
    (void)host.take_messages();
  }
};

const json kOptions = {{"now", test::kNow}, {"record_timings", false}};

// The CLI's after database of crm-small with kOptions.
sql::Database reference_after() {
  auto snap = test::load_fixture("crm-small/before.sqlite3");
  EXPECT_TRUE(snap.ok());
  RunOutput out = run_pipeline(snap->db, {}, test::fixed_options());
  EXPECT_FALSE(out.error) << out.error->describe();
  return std::move(out.after);
}

std::vector<std::int64_t> ids(sql::Database& db, const std::string& q) {
  std::vector<std::int64_t> out;
  for (const auto& r : test::rows(db, q)) out.push_back(std::stoll(r));
  return out;
}

const json* step_of(const json& trace, const std::string& id) {
  for (const auto& s : trace["steps"])
    if (s["id"] == id) return &s;
  return nullptr;
}
const json* table_of(const json& step, const std::string& table) {
  for (const auto& t : step["tables"])
    if (t["table"] == table) return &t;
  return nullptr;
}

TEST(Stepper, ThePlanIsTheStepTableWithTheStatementsTheRunWillExecute) {
  Worker w;
  w.load("crm-small/before.sqlite3");
  json plan = w.ask({{"type", "trace"}, {"options", kOptions}});
  ASSERT_FALSE(plan.contains("error") && plan["error"].is_object()) << plan.dump();
  ASSERT_TRUE(plan["done"].get<bool>());
  ASSERT_EQ(plan["steps"].size(), normalization_steps().size());
  for (std::size_t i = 0; i < plan["steps"].size(); ++i) {
    EXPECT_EQ(plan["steps"][i]["id"], normalization_steps()[i].id);
    EXPECT_EQ(plan["steps"][i]["status"], "done") << plan["steps"][i]["id"];
    EXPECT_FALSE(plan["steps"][i]["sql"].empty()) << plan["steps"][i]["id"];
  }
  // The statements are the run's: the report of the real run lists the same ones.
  w.run(kOptions);
  json report = json::parse(w.host.engine().run()->report_json);
  for (std::size_t i = 0; i < plan["steps"].size(); ++i)
    EXPECT_EQ(plan["steps"][i]["sql"], report["steps"][i]["sql"]) << plan["steps"][i]["id"];

  // Other options, another plan: M1 under 'link' has another statement than 'suffix'.
  json linked = kOptions;
  linked["username_collision"] = "link";
  json plan2 = w.ask({{"type", "trace"}, {"options", linked}});
  ASSERT_TRUE(plan2["done"].get<bool>()) << plan2.dump();
  EXPECT_NE((*step_of(plan2, "M1"))["sql"], (*step_of(plan, "M1"))["sql"]);
  EXPECT_EQ(plan2["options"]["username_collision"], "link");
}

TEST(Stepper, M2ShowsExactlyTheAddressesAndLinksItCreatedAndTheStateAfterIt) {
  Worker w;
  w.load("crm-small/before.sqlite3");
  json trace = w.ask({{"type", "trace"}, {"options", kOptions}});
  ASSERT_TRUE(trace["done"].get<bool>()) << trace.dump();
  sql::Database after = reference_after();
  const json* m2 = step_of(trace, "M2");
  ASSERT_TRUE(m2);
  for (const char* t : {"addresses", "addressables"}) {
    const json* e = table_of(*m2, t);
    ASSERT_TRUE(e) << t;
    const auto want = ids(after, std::string("SELECT id FROM ") + t + " ORDER BY id");
    ASSERT_FALSE(want.empty());
    EXPECT_TRUE((*e)["keys_complete"].get<bool>());
    EXPECT_EQ((*e)["created_keys"].get<std::vector<std::int64_t>>(), want) << t;
    EXPECT_EQ((*e)["created"], want.size());
    EXPECT_EQ((*e)["changed"], 0);
    EXPECT_EQ((*e)["removed"], 0);
    ASSERT_FALSE((*e)["examples"].empty());
    EXPECT_TRUE((*e)["examples"][0]["before"].is_null());
    EXPECT_EQ((*e)["examples"][0]["after"]["id"], want.front());
  }
  // E1 made the tables, empty; M2 wrote no other table.
  EXPECT_TRUE((*table_of(*step_of(trace, "E1"), "addresses"))["table_created"].get<bool>());
  EXPECT_EQ((*table_of(*step_of(trace, "E1"), "addresses"))["created"], 0);
  for (const auto& t : (*m2)["tables"]) EXPECT_TRUE(t["table"] == "addresses" || t["table"] == "addressables") << t;
  // C2 dropped the customers' address columns: its changed rows are those that had data.
  const json* c2 = table_of(*step_of(trace, "C2"), "customers");
  ASSERT_TRUE(c2);
  EXPECT_FALSE((*c2)["columns_dropped"].empty());

  // The state after M2 (the fifth step) holds the addresses; before E1 there are none.
  const std::size_t m2_state = 5;
  json state = w.ask({{"type", "trace_state"}, {"options", kOptions}, {"state", m2_state}, {"table", "addresses"},
                      {"offset", 0}, {"limit", 1000000}});
  ASSERT_FALSE(state.contains("error")) << state.dump();
  EXPECT_EQ(state["step"], "M2");
  std::vector<std::int64_t> got;
  for (const auto& r : state["rows"]) got.push_back(r[0].get<std::int64_t>());
  EXPECT_EQ(got, ids(after, "SELECT id FROM addresses ORDER BY id"));
  EXPECT_EQ(state["total"], got.size());
  json before = w.ask({{"type", "trace_state"}, {"options", kOptions}, {"state", 0}, {"table", "addresses"}});
  ASSERT_TRUE(before.contains("error"));
  EXPECT_NE(before["error"]["message"].get<std::string>().find("no table 'addresses'"), std::string::npos);
  // Before C2 the customers still have their address columns, after it not.
  json c = w.ask({{"type", "trace_state"}, {"options", kOptions}, {"state", 7}, {"table", "customers"}, {"limit", 1}});
  json d = w.ask({{"type", "trace_state"}, {"options", kOptions}, {"state", 8}, {"table", "customers"}, {"limit", 1}});
  EXPECT_GT(c["columns"].size(), d["columns"].size());

  // The replay did not touch the loaded snapshot: the run gives the CLI's after.
  w.run(kOptions);
  EXPECT_EQ(json::parse(w.host.engine().run()->report_json)["status"], "ok");
}

TEST(Stepper, ACancelDropsTheReplayAndItsPendingAnswer) {
  Worker w;
  w.load("crm-small/before.sqlite3");
  w.post({{"type", "trace"}, {"options", kOptions}, {"id", 99}});
  w.host.pump(1);
  ASSERT_TRUE(w.host.engine().trace_busy());
  w.post({{"type", "cancel"}});
  EXPECT_FALSE(w.host.engine().trace_busy());
  (void)w.host.take_messages();
  ASSERT_TRUE(w.host.has_answer());
  json a = json::parse(w.host.take_answer().json);
  EXPECT_EQ(a["id"], 99);
  EXPECT_EQ(a["error"]["code"], "cancelled");
}

TEST(Stepper, ASnapshotAboveTheLimitGetsTheStepTableAndSaysWhyNoMore) {
  Worker w;
  w.load("crm-small/before.sqlite3");
  w.host.engine().set_trace_row_limit(10);
  json plan = w.ask({{"type", "trace"}, {"options", kOptions}});
  EXPECT_TRUE(plan["too_big"].get<bool>());
  EXPECT_TRUE(plan["done"].get<bool>());
  EXPECT_EQ(plan["row_limit"], 10);
  EXPECT_GT(plan["total_rows"].get<std::int64_t>(), 10);
  ASSERT_EQ(plan["steps"].size(), normalization_steps().size());
  for (const auto& s : plan["steps"]) {
    EXPECT_EQ(s["status"], "not reached");
    EXPECT_FALSE(s["title"].get<std::string>().empty());
  }
  json state = w.ask({{"type", "trace_state"}, {"options", kOptions}, {"state", 1}, {"table", "customers"}});
  ASSERT_TRUE(state.contains("error"));
  EXPECT_NE(state["error"]["message"].get<std::string>().find("more than the 10"), std::string::npos) << state;
}

TEST(Lineage, EverySourceRowWithAddressDataShowsItsAddresssNewHome) {
  Worker w;
  w.load("crm-small/before.sqlite3");
  w.run(kOptions);
  sql::Database after = reference_after();
  auto snap = test::load_fixture("crm-small/before.sqlite3");
  ASSERT_TRUE(snap.ok());
  int checked = 0;
  for (const char* table : {"customers", "vendors", "leads", "organizations", "employees"}) {
    auto cols = test::rows(snap->db, std::string("SELECT name FROM pragma_table_info('") + table +
                                         "') WHERE name IN ('address','city','state','postal_code','zip_code','country')");
    ASSERT_FALSE(cols.empty()) << table;
    std::string any;
    for (const auto& c : cols) any += (any.empty() ? "" : " OR ") + ("coalesce(" + c + ",'') <> ''");
    for (std::int64_t id : ids(snap->db, std::string("SELECT id FROM ") + table + " WHERE " + any + " ORDER BY id")) {
      json l = w.ask({{"type", "lineage"}, {"table", table}, {"side", "before"}, {"key", id}});
      ASSERT_TRUE(l["found"].get<bool>()) << table << " " << id << l.dump();
      const auto link = test::rows(after, std::string("SELECT a.id, a.address_id FROM addressables a JOIN "
                                                      "django_content_type t ON t.id = a.content_type_id WHERE "
                                                      "t.app_label = 'crmApp' AND t.model = '") +
                                              (std::string(table) == "customers"       ? "customer"
                                               : std::string(table) == "vendors"       ? "vendor"
                                               : std::string(table) == "leads"         ? "lead"
                                               : std::string(table) == "organizations" ? "organization"
                                                                                      : "employee") +
                                              "' AND a.object_id = " + std::to_string(id) + " ORDER BY a.id LIMIT 1");
      ASSERT_EQ(link.size(), 1u) << table << " " << id;
      const std::string via = link[0].substr(0, link[0].find('|'));
      const std::string address = link[0].substr(link[0].find('|') + 1);
      int moved = 0;
      for (const auto& line : l["lines"]) {
        if (std::find(cols.begin(), cols.end(), line["column"].get<std::string>()) == cols.end()) continue;
        if (line["fate"] != "moved") continue;
        ++moved;
        EXPECT_EQ(line["to_table"], "addresses");
        EXPECT_EQ(std::to_string(line["to_id"].get<std::int64_t>()), address) << table << " " << id;
        EXPECT_EQ(std::to_string(line["via_id"].get<std::int64_t>()), via) << table << " " << id;
        EXPECT_EQ(line["now_value"], line["value"]) << table << " " << id << " " << line;
      }
      EXPECT_GT(moved, 0) << table << " " << id << " " << l.dump();
      ++checked;
    }
  }
  EXPECT_GT(checked, 10);
}

TEST(Lineage, NewRowsNameTheirSourcesAndRowsAreFoundByKeyText) {
  Worker w;
  w.load("crm-small/before.sqlite3");
  w.run(kOptions);
  sql::Database after = reference_after();
  // An address of a customer: every value it holds came from that customer's row.
  const auto link = test::rows(after, "SELECT a.address_id, a.object_id FROM addressables a JOIN django_content_type t "
                                      "ON t.id = a.content_type_id WHERE t.model = 'customer' ORDER BY a.id LIMIT 1");
  ASSERT_EQ(link.size(), 1u);
  const std::int64_t address = std::stoll(link[0].substr(0, link[0].find('|')));
  const std::int64_t customer = std::stoll(link[0].substr(link[0].find('|') + 1));
  json l = w.ask({{"type", "lineage"}, {"table", "addresses"}, {"side", "after"}, {"key", address}});
  ASSERT_TRUE(l["found"].get<bool>()) << l.dump();
  int sourced = 0;
  for (const auto& line : l["lines"]) {
    if (!line.contains("from_table")) continue;
    ++sourced;
    EXPECT_EQ(line["from_table"], "customers");
    EXPECT_EQ(line["from_id"], customer);
    EXPECT_EQ(line["was_value"], line["value"]) << line;
  }
  EXPECT_GT(sourced, 0) << l.dump();

  // By key text: a customer's email finds that customer.
  auto snap = test::load_fixture("crm-small/before.sqlite3");
  ASSERT_TRUE(snap.ok());
  const auto row = test::rows(snap->db, "SELECT id, email FROM customers WHERE email <> '' ORDER BY id DESC LIMIT 1");
  ASSERT_EQ(row.size(), 1u);
  const std::string email = row[0].substr(row[0].find('|') + 1);
  json found = w.ask({{"type", "lineage"}, {"table", "customers"}, {"side", "before"}, {"query", email}});
  ASSERT_FALSE(found["matches"].empty()) << found.dump();
  EXPECT_EQ(std::to_string(found["key"].get<std::int64_t>()), row[0].substr(0, row[0].find('|')));
  EXPECT_TRUE(found["found"].get<bool>());
  // By id as text, and a table that is not there is named.
  json by_id = w.ask({{"type", "lineage"}, {"table", "customers"}, {"side", "before"}, {"query", "1"}});
  EXPECT_EQ(by_id["key"], 1);
  json none = w.ask({{"type", "lineage"}, {"table", "nosuch"}, {"side", "before"}, {"key", 1}});
  ASSERT_TRUE(none.contains("error"));
  EXPECT_NE(none["error"]["message"].get<std::string>().find("nosuch"), std::string::npos);
}

}  // namespace
}  // namespace redline
