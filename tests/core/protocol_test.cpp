// The messages between the page's UI and its engine (engine/protocol.hpp): every view
// made from real runs (the Django fixtures, the dirty demo) goes to JSON text and back
// unchanged, the diff summary counts what the diff has, values come back byte for
// byte, and JSON that is not what to_json writes gives an error naming the field.
// Through the Engine: what it publishes crosses the same way, and the row detail and
// row locations it works out (for the Diff panel) say what the databases hold.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>

#include "core/demo/demo.hpp"
#include "core/diff/diff_view.hpp"
#include "core/migrate/hazards.hpp"
#include "engine/engine.hpp"
#include "engine/host.hpp"
#include "engine/protocol.hpp"
#include "review_test_util.hpp"

namespace redline::test {
namespace {

using engine::dump;
using engine::parse;
using engine::to_json;
using nlohmann::json;

// to_json -> dump -> parse -> from_json -> to_json: the same JSON and the same text.
// Returns what came back.
template <typename T, typename From>
T round_trip(const T& v, From from_json) {
  const json j = to_json(v);
  const std::string text = dump(j);
  auto parsed = parse(text);
  EXPECT_TRUE(parsed.ok());
  if (!parsed.ok()) return v;
  auto back = from_json(*parsed);
  EXPECT_TRUE(back.ok()) << (back.ok() ? "" : back.error().describe());
  if (!back.ok()) return v;
  EXPECT_EQ(to_json(*back), j);
  EXPECT_EQ(dump(to_json(*back)), text);
  return std::move(*back);
}

// Values as the database holds them: a real compares by its bits (-0.0 is not 0.0).
bool same_value(const diff::Value& a, const diff::Value& b) {
  if (a.type != b.type) return false;
  if (a.type == diff::Value::Type::Real) return std::memcmp(&a.real, &b.real, sizeof a.real) == 0;
  return a == b;
}

void expect_same_rows(const std::vector<diff::RowEntry>& a, const std::vector<diff::RowEntry>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].kind, b[i].kind);
    EXPECT_EQ(a[i].before_id, b[i].before_id);
    EXPECT_EQ(a[i].after_id, b[i].after_id);
    EXPECT_EQ(a[i].changed_columns, b[i].changed_columns);
    ASSERT_EQ(a[i].before.size(), b[i].before.size());
    ASSERT_EQ(a[i].after.size(), b[i].after.size());
    for (std::size_t c = 0; c < a[i].before.size(); ++c) {
      EXPECT_TRUE(same_value(a[i].before[c], b[i].before[c])) << "row " << i << " column " << c << " before";
      EXPECT_TRUE(same_value(a[i].after[c], b[i].after[c])) << "row " << i << " column " << c << " after";
    }
  }
}

// The diff summary says what the diff has, table by table.
void expect_summary_of(const engine::DiffSummary& s, const diff::DiffResult& d) {
  ASSERT_EQ(s.tables.size(), d.tables.size());
  ASSERT_EQ(s.schema.size(), d.schema.size());
  for (std::size_t i = 0; i < d.schema.size(); ++i) EXPECT_EQ(s.schema[i].describe(), d.schema[i].describe());
  for (std::size_t i = 0; i < d.tables.size(); ++i) {
    const engine::TableSummary& ts = s.tables[i];
    const diff::TableDiff& td = d.tables[i];
    SCOPED_TRACE(td.name);
    EXPECT_EQ(ts.name, td.name);
    EXPECT_EQ(ts.presence, td.presence);
    EXPECT_EQ(ts.key_kind, td.key_kind);
    for (auto k : {diff::RowChange::Added, diff::RowChange::Removed, diff::RowChange::Changed})
      EXPECT_EQ(ts.count(k), td.count(k));
    EXPECT_EQ(ts.cells_changed, td.cells_changed);
    EXPECT_EQ(ts.has_row_changes(), td.has_row_changes());
    EXPECT_EQ(ts.before.rows, td.before.rows);
    EXPECT_EQ(ts.after.rows, td.after.rows);
    EXPECT_EQ(ts.before.primary_key, td.before.primary_key);
    ASSERT_EQ(ts.columns.size(), td.columns.size());
    for (std::size_t c = 0; c < td.columns.size(); ++c) {
      EXPECT_EQ(ts.columns[c].name, td.columns[c].name);
      EXPECT_EQ(ts.columns[c].key, td.columns[c].key);
      EXPECT_EQ(ts.columns[c].after_type, td.columns[c].after_type);
    }
    EXPECT_EQ(s.table(td.name), &ts);
  }
}

// Rows of `table` by id, as the checklist's drill-down shows them.
engine::RowsView read_rows(sql::Database& db, const std::string& table, int limit) {
  engine::RowsView v;
  v.table = table;
  v.source = "after";
  auto st = db.prepare("SELECT * FROM " + sql::quote_ident(table) + " ORDER BY 1 LIMIT " + std::to_string(limit));
  EXPECT_TRUE(st.ok());
  if (!st.ok()) return v;
  for (int c = 0; c < st->column_count(); ++c) v.columns.push_back(st->column_name(c));
  for (;;) {
    auto r = st->step();
    if (!r.ok() || *r == sql::StepResult::Done) break;
    std::vector<std::string> row;
    for (int c = 0; c < st->column_count(); ++c) row.push_back(st->column_is_null(c) ? "NULL" : st->column_text(c));
    v.rows.push_back(std::move(row));
  }
  v.asked = v.rows.size() + 3;
  return v;
}

// What crosses to the UI of a hazard, of a report: all but the hazards' details.
Hazard without_details(Hazard h) {
  h.details = nlohmann::ordered_json::array();
  return h;
}
Report without_details(Report r) {
  for (auto& h : r.hazards) h = without_details(h);
  return r;
}
// An item as the UI gets it: its rows' tables and counts, no ids, no lost values.
CheckItem without_ids(CheckItem c) {
  for (auto& r : c.rows) {
    r.count = r.ids.size();
    r.ids.clear();
  }
  c.extra.erase("lost");
  return c;
}
// The report as the UI makes it again from the run's view: no hazard details or ids,
// and its checks made from the items as the UI has them.
Report as_the_ui_has_it(const Report& report, const std::vector<CheckItem>& checks) {
  Report r = without_details(report);
  for (auto& h : r.hazards) h.ids.clear();
  std::vector<CheckItem> items;
  for (const auto& c : checks) items.push_back(without_ids(c));
  if (!checks.empty()) r.checks = checks_json(items);
  return r;
}

// Every view of a reviewed run, made as the engine makes them, round-tripped.
void expect_every_view_round_trips(Reviewed& r) {
  // What the page shows after loading.
  engine::LoadedView loaded;
  loaded.summary = r.before.summary;
  for (const auto& [t, n] : loaded.summary.tables) loaded.total_rows += n;
  auto bytes = read_file(r.before_path);
  ASSERT_TRUE(bytes.ok());
  loaded.input = report_input(loaded.summary, *bytes);
  auto hazards = find_hazards(r.before.db, NormalizeOptions{});
  ASSERT_TRUE(hazards.ok());
  loaded.hazards = *hazards;
  ASSERT_FALSE(loaded.hazards.empty());
  const engine::LoadedView l2 = round_trip(loaded, engine::loaded_from_json);
  EXPECT_EQ(l2.summary.tables, loaded.summary.tables);
  EXPECT_EQ(l2.input.sha256, loaded.input.sha256);
  ASSERT_EQ(l2.hazards.size(), loaded.hazards.size());
  for (std::size_t i = 0; i < loaded.hazards.size(); ++i) {
    // All but the details, which stay in the worker (the UI never draws them).
    EXPECT_EQ(l2.hazards[i].to_json(), without_details(loaded.hazards[i]).to_json());
  }
  EXPECT_FALSE(engine::to_json(loaded)["hazards"][0].contains("details"));

  // What the page shows after the run.
  engine::RunView run;
  run.report = r.run.report;
  ASSERT_TRUE(fill_review(run.report, r.run.diff.get(), &r.moves, &r.checks).ok());
  run.report.status = "ok";
  run.report_json = run.report.to_json_text();
  run.diff = std::make_shared<const engine::DiffSummary>(engine::summarize(*r.run.diff));
  run.ok = true;
  run.reviewed = true;
  run.checks = r.checks;
  const engine::RunView r2 = round_trip(run, engine::run_from_json);
  // The checklist crosses once, as the items (the page's main thread parses the view).
  const nlohmann::json wire = engine::to_json(run);
  EXPECT_TRUE(wire["report_checks_from_items"].get<bool>());
  EXPECT_EQ(wire["report"]["checks"], "[]");
  // The report made again on the UI side is the same document, byte for byte, but for
  // the hazards' details and ids and the checklist's row ids and lost values (the
  // report's text and files come from the worker).
  EXPECT_EQ(r2.report.to_json_text(), as_the_ui_has_it(run.report, run.checks).to_json_text());
  EXPECT_FALSE(wire["report"]["hazards"][0].contains("details"));
  ASSERT_TRUE(r2.diff);
  expect_summary_of(*r2.diff, *r.run.diff);
  ASSERT_EQ(r2.checks.size(), r.checks.size());
  for (std::size_t i = 0; i < r.checks.size(); ++i) {
    EXPECT_EQ(r2.checks[i].to_json(), without_ids(r.checks[i]).to_json());
    ASSERT_EQ(r2.checks[i].rows.size(), r.checks[i].rows.size());
    for (std::size_t t = 0; t < r.checks[i].rows.size(); ++t) {
      EXPECT_EQ(r2.checks[i].rows[t].table, r.checks[i].rows[t].table);
      EXPECT_EQ(r2.checks[i].rows[t].count, r.checks[i].rows[t].ids.size());
    }
  }

  // Pages of every kind of every changed table, and shape() for their keys.
  std::size_t pages = 0;
  for (const diff::TableDiff& t : r.run.diff->tables) {
    for (auto kind : {diff::RowChange::Changed, diff::RowChange::Added, diff::RowChange::Removed}) {
      if (!t.count(kind)) continue;
      auto page = diff::fetch_rows(r.before.db, r.after(), t, kind, t.count(kind) / 2, 40);
      ASSERT_TRUE(page.ok());
      const diff::RowPage p2 = round_trip(*page, engine::page_from_json);
      EXPECT_EQ(p2.total, t.count(kind));
      expect_same_rows(p2.rows, page->rows);
      const diff::TableDiff shape = r2.diff->table(t.name)->shape();
      for (const auto& row : p2.rows) EXPECT_EQ(diff::row_key_text(shape, row), diff::row_key_text(t, row));
      ++pages;
    }
    // The minimap's density: floats exactly.
    auto density = diff::change_density(r.before.db, r.after(), t, 64);
    ASSERT_TRUE(density.ok());
    const diff::ChangeDensity d2 = round_trip(*density, engine::density_from_json);
    EXPECT_EQ(d2.added, density->added);
    EXPECT_EQ(d2.removed, density->removed);
    EXPECT_EQ(d2.changed, density->changed);
    EXPECT_EQ(d2.lo, density->lo);
  }
  EXPECT_GT(pages, 5u);

  // A search that finds rows (the employees' changed rows hold '@' in their emails).
  const diff::TableDiff* employees = r.run.diff->table("employees");
  ASSERT_NE(employees, nullptr);
  diff::SearchJob search(r.before.db, r.after(), *employees, diff::RowChange::Changed, "@", 30);
  while (search.step(1000).state == JobState::More) {
  }
  ASSERT_GT(search.result().matches, 0u);
  const diff::SearchResult s2 = round_trip(search.result(), engine::search_from_json);
  EXPECT_EQ(s2.indices, search.result().indices);
  expect_same_rows(s2.rows, search.result().rows);

  const engine::RowsView rows = read_rows(r.after(), "addresses", 25);
  ASSERT_FALSE(rows.rows.empty());
  const engine::RowsView v2 = round_trip(rows, engine::rows_from_json);
  EXPECT_EQ(v2.rows, rows.rows);

  round_trip(engine::JobView{true, "Normalizing " + r.before.summary.name, "M2", "run", 1.0 / 3}, engine::job_from_json);
}

std::string write_temp(const TempDir& dir, const std::string& name, const std::vector<std::uint8_t>& bytes) {
  const std::string path = dir.file(name);
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                              static_cast<std::streamsize>(bytes.size()));
  return path;
}

TEST(Protocol, EveryViewOfTheDirtyFixtureRoundTrips) {
  auto r = review_fixture(kDirtyFixture);
  ASSERT_TRUE(r);
  expect_every_view_round_trips(*r);
}

TEST(Protocol, EveryViewOfTheDirtyDemoRoundTrips) {
  auto db = generate_demo(DemoOptions{300, 1, DemoOptions::Dirty});
  ASSERT_TRUE(db.ok()) << db.error().describe();
  auto image = db->serialize();
  ASSERT_TRUE(image.ok());
  TempDir dir;
  auto r = review_file(write_temp(dir, "demo-dirty-300.sqlite3", *image));
  ASSERT_TRUE(r);
  expect_every_view_round_trips(*r);
}

// Values that JSON cannot hold as such (text that is not UTF-8, blobs, -0.0, the
// infinities, the smallest subnormal) come back with the same bytes and bits, and so
// do names that are not UTF-8.
TEST(Protocol, ValuesComeBackByteForByte) {
  auto before = sql::Database::open_memory();
  auto after = sql::Database::open_memory();
  ASSERT_TRUE(before.ok() && after.ok());
  const std::string create = "CREATE TABLE t(id INTEGER PRIMARY KEY, v, \"w\xe9\" TEXT);";
  const std::string values =
      "INSERT INTO t(id, v, \"w\xe9\") VALUES"
      " (1, CAST(X'636166E9' AS TEXT), 'x'), (2, X'00FF80', CAST(X'C0AF' AS TEXT)), (3, -0.0, NULL),"
      " (4, 1e308 * 10, ''), (5, -1e308 * 10, 'caf\xc3\xa9'), (6, 4.9406564584124654e-324, 'a'),"
      " (7, 0.1, 'b'), (8, -9223372036854775808, 'c'), (9, 9223372036854775807, 'd'), (10, NULL, 'e'),"
      " (11, CAST(X'610062' AS TEXT), 'f'), (12, 1.0, X''), (13, 'gone', 'g');";
  ASSERT_TRUE(before->exec(create + values).ok());
  ASSERT_TRUE(after->exec(create + values +
                          "UPDATE t SET v = CAST(X'FFFE' AS TEXT) WHERE id = 1;"
                          "UPDATE t SET \"w\xe9\" = X'80' WHERE id BETWEEN 2 AND 12;"
                          "DELETE FROM t WHERE id = 13;"
                          "INSERT INTO t VALUES (14, 2.5e-300, CAST(X'E282' AS TEXT));")
                  .ok());
  auto d = diff::diff_databases(*before, *after);
  ASSERT_TRUE(d.ok());
  const diff::TableDiff* t = d->table("t");
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->count(diff::RowChange::Changed), 12u);
  const engine::DiffSummary s = round_trip(engine::summarize(*d), engine::summary_from_json);
  expect_summary_of(s, *d);
  EXPECT_EQ(s.tables[0].columns[2].name, "w\xe9");
  for (auto kind : {diff::RowChange::Changed, diff::RowChange::Added, diff::RowChange::Removed}) {
    auto page = diff::fetch_rows(*before, *after, *t, kind, 0, 100);
    ASSERT_TRUE(page.ok());
    const diff::RowPage p2 = round_trip(*page, engine::page_from_json);
    expect_same_rows(p2.rows, page->rows);
  }
  auto changed = diff::fetch_rows(*before, *after, *t, diff::RowChange::Changed, 0, 100);
  ASSERT_TRUE(changed.ok());
  // The database really held what this test is about.
  using T = diff::Value::Type;
  EXPECT_EQ(changed->rows[0].before[1].type, T::Text);
  EXPECT_EQ(changed->rows[0].before[1].bytes, "caf\xe9");
  EXPECT_EQ(changed->rows[1].before[1].type, T::Blob);
  EXPECT_EQ(changed->rows[2].before[1].type, T::Real);
  EXPECT_TRUE(std::signbit(changed->rows[2].before[1].real));
  EXPECT_TRUE(std::isinf(changed->rows[3].before[1].real));
  EXPECT_EQ(changed->rows[10].before[1].bytes, std::string("a\0b", 3));

  // Text that is not UTF-8 elsewhere (a row's display text, an error's context).
  engine::RowsView rv{"t\xff", "before", {"v"}, {{"caf\xe9"}, {"NULL"}}, 2};
  EXPECT_EQ(round_trip(rv, engine::rows_from_json).rows, rv.rows);
  const Error e = round_trip(make_error(ErrorCode::BadInput, "bad byte \xff", "line 3"), engine::error_from_json);
  EXPECT_EQ(e.message, "bad byte \xff");
  EXPECT_EQ(e.code, ErrorCode::BadInput);
}

// Malformed messages: the error names the field, with its path from the message's root.
TEST(Protocol, MalformedJsonNamesTheField) {
  auto r = review_fixture("crm-small/before.sqlite3");
  ASSERT_TRUE(r);
  engine::RunView run;
  run.report = r->run.report;
  run.diff = std::make_shared<const engine::DiffSummary>(engine::summarize(*r->run.diff));
  run.checks = r->checks;
  const json good = to_json(run);
  ASSERT_TRUE(engine::run_from_json(good).ok());

  auto expect_names = [](const Result<engine::RunView>& got, const std::string& field, const std::string& what) {
    ASSERT_FALSE(got.ok()) << field;
    EXPECT_EQ(got.error().code, ErrorCode::BadInput);
    EXPECT_EQ(got.error().context, field);
    EXPECT_NE(got.error().message.find(field + ": " + what), std::string::npos) << got.error().message;
  };
  json j = good;
  j.erase("ok");
  expect_names(engine::run_from_json(j), "run.ok", "missing");
  j = good;
  j["report"]["steps"][2]["ms"] = "fast";
  expect_names(engine::run_from_json(j), "run.report.steps[2].ms", "expected a number, found string");
  j = good;
  j["diff"]["tables"][1]["key_kind"] = "hash";
  expect_names(engine::run_from_json(j), "run.diff.tables[1].key_kind", "unknown value 'hash'");
  j = good;
  j["diff"]["tables"][0]["added"] = -1;
  expect_names(engine::run_from_json(j), "run.diff.tables[0].added", "expected a count, found a negative number");
  j = good;
  j["checks"][0]["rows"] = json::object();
  expect_names(engine::run_from_json(j), "run.checks[0].rows", "expected an array, found object");
  j = good;
  j["report"]["options"] = "{not json";
  expect_names(engine::run_from_json(j), "run.report.options", "expected JSON text");
  expect_names(engine::run_from_json(json::array()), "run", "expected an object, found array");

  auto page = diff::fetch_rows(r->before.db, r->after(), *r->run.diff->table("employees"), diff::RowChange::Changed, 0, 3);
  ASSERT_TRUE(page.ok());
  json p = to_json(*page);
  p["rows"][1]["after"][0] = {{"blob", "@@"}};
  auto bad = engine::page_from_json(p);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().context, "page.rows[1].after[0].blob");
  p = to_json(*page);
  p["rows"][0]["before_id"] = 1.5;
  bad = engine::page_from_json(p);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().context, "page.rows[0].before_id");

  auto not_json = parse("{\"table\": ");
  ASSERT_FALSE(not_json.ok());
  EXPECT_EQ(not_json.error().code, ErrorCode::BadInput);
  auto no_error = engine::error_from_json(json{{"code", "io"}, {"message", "x"}});
  ASSERT_FALSE(no_error.ok());
  EXPECT_EQ(no_error.error().context, "error.context");
}

// ---- The engine's published views --------------------------------------------------

// Pump until `done` says so (with a bound: a stuck engine fails the test, not hangs it).
template <typename Done>
bool pump_until(engine::Engine& e, Done done) {
  for (int i = 0; i < 200000 && !done(); ++i) e.pump(50);
  return done();
}

// The engine with `path` loaded and normalized (fixed options), the run reviewed.
std::unique_ptr<engine::Engine> engine_run(const std::string& path) {
  auto e = std::make_unique<engine::Engine>();
  auto bytes = read_file(path);
  EXPECT_TRUE(bytes.ok());
  if (!bytes.ok()) return nullptr;
  e->start_load(std::move(*bytes), path);
  EXPECT_TRUE(pump_until(*e, [&] { return e->loaded() || e->error(); }));
  EXPECT_FALSE(e->error()) << e->error()->describe();
  if (!e->loaded()) return nullptr;
  e->start_run(fixed_options());
  EXPECT_TRUE(pump_until(*e, [&] { return e->runs() > 0; }));
  EXPECT_TRUE(e->run() && e->run()->ok && e->run()->reviewed);
  if (!e->run() || !e->run()->reviewed) return nullptr;
  return e;
}

std::shared_ptr<const engine::RowDetail> detail(engine::Engine& e, engine::Engine::DetailRequest r) {
  e.request_detail(r);
  e.pump(50);
  auto d = e.detail();
  EXPECT_TRUE(d) << (e.error() ? e.error()->describe() : "no detail");
  if (d) {
    EXPECT_EQ(d->table, r.table);
    EXPECT_EQ(d->kind, r.kind);
  }
  return d;
}

const engine::DetailLine* line(const engine::RowDetail& d, const std::string& column) {
  for (const auto& l : d.lines)
    if (l.column == column) return &l;
  return nullptr;
}

// The Diff panel's detail of a row, worked out by the engine from the moves: an
// address a customer's columns went to names the customer row and column each value
// came from, and an employee whose contact data went to a created user names that
// user's row. Checked against the after database itself.
TEST(Protocol, EngineDetailNamesWhereACustomersAddressWent) {
  auto e = engine_run(fixture("crm-small/before.sqlite3"));
  ASSERT_TRUE(e);
  auto r = review_fixture("crm-small/before.sqlite3");
  ASSERT_TRUE(r);
  attach_before(r->after(), r->before_path);
  // A customer with a full address, and the address and addressables rows it got.
  const auto linked = rows(r->after(),
                           "SELECT c.id, a.id, x.id FROM b.customers c"
                           " JOIN main.addressables x ON x.object_id = c.id"
                           " JOIN main.django_content_type ct ON ct.id = x.content_type_id AND ct.model = 'customer'"
                           " JOIN main.addresses a ON a.id = x.address_id"
                           " WHERE c.address <> '' AND c.city <> '' AND c.postal_code <> '' ORDER BY c.id LIMIT 1");
  ASSERT_EQ(linked.size(), 1u);
  std::int64_t customer = 0, address = 0, link = 0;
  ASSERT_EQ(std::sscanf(linked[0].c_str(), "%lld|%lld|%lld", reinterpret_cast<long long*>(&customer),
                        reinterpret_cast<long long*>(&address), reinterpret_cast<long long*>(&link)),
            3);
  // The customer's row is not a change (its address columns are a schema change);
  // the address row it got is an added row.
  const engine::TableSummary* customers = e->run()->diff->table("customers");
  ASSERT_NE(customers, nullptr);
  EXPECT_FALSE(customers->has_row_changes());
  auto d = detail(*e, {"addresses", diff::RowChange::Added, 0, address});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->key, std::to_string(address));
  const std::string from = "<- customers #" + std::to_string(customer) + ".";
  for (auto [to, old] : {std::pair{"address_line1", "address"}, {"city", "city"}, {"postal_code", "postal_code"}}) {
    const engine::DetailLine* l = line(*d, to);
    ASSERT_NE(l, nullptr) << to;
    EXPECT_EQ(l->moved, from + old + " (from customers " + std::to_string(customer) + "." + old + ")") << to;
    EXPECT_EQ(l->before, "(none)");
    EXPECT_EQ(l->after, rows(r->after(), std::string("SELECT ") + old + " FROM b.customers WHERE id = " +
                                             std::to_string(customer))[0]);
  }
  // Its addressables row links the two, as added.
  auto ad = detail(*e, {"addressables", diff::RowChange::Added, 0, link});
  ASSERT_TRUE(ad);
  EXPECT_EQ(line(*ad, "object_id")->after, std::to_string(customer));
  EXPECT_EQ(line(*ad, "address_id")->after, std::to_string(address));
  // What moved comes first.
  EXPECT_FALSE(d->lines.front().moved.empty());

  // An employee whose values went to a created user: "moved -> users #N.first_name".
  const auto created = rows(r->after(),
                            "SELECT e.id, e.user_id FROM main.employees e JOIN b.employees o ON o.id = e.id"
                            " WHERE o.user_id IS NULL AND e.user_id IS NOT NULL ORDER BY e.id LIMIT 1");
  ASSERT_EQ(created.size(), 1u);
  const std::int64_t employee = std::stoll(created[0]);
  auto ed = detail(*e, {"employees", diff::RowChange::Changed, employee, employee});
  ASSERT_TRUE(ed);
  const engine::DetailLine* first = line(*ed, "first_name");
  ASSERT_NE(first, nullptr);
  const std::string user = created[0].substr(created[0].find('|') + 1);
  EXPECT_EQ(first->moved, "moved -> users #" + user + ".first_name (copied to the created user " + user + ")");
  // Its address went to the addresses row its addressables row links it to.
  const auto employee_address =
      rows(r->after(), "SELECT x.address_id FROM main.addressables x JOIN main.django_content_type ct"
                       " ON ct.id = x.content_type_id AND ct.model = 'employee' WHERE x.object_id = " +
                           std::to_string(employee));
  ASSERT_EQ(employee_address.size(), 1u);
  const engine::DetailLine* addr = line(*ed, "address");
  ASSERT_NE(addr, nullptr);
  EXPECT_EQ(addr->moved.rfind("moved -> addresses #" + employee_address[0] + ".address_line1 (", 0), 0u) << addr->moved;
  ASSERT_TRUE(r->after().exec("DETACH b").ok());

  // The detail crosses as JSON like any view.
  const engine::RowDetail back = round_trip(*d, engine::detail_from_json);
  EXPECT_EQ(back.lines.size(), d->lines.size());
  EXPECT_EQ(back.lines.front().moved, d->lines.front().moved);

  // A row that is not a change of that kind: an error, no detail.
  e->request_detail({"customers", diff::RowChange::Changed, customer, customer});
  e->pump(50);
  EXPECT_FALSE(e->detail());
  ASSERT_TRUE(e->error());
  EXPECT_NE(e->error()->message.find("no changed row #" + std::to_string(customer)), std::string::npos);
}

// Where a row is: the kind that holds it exactly (the checklist's "open this row"), or
// the position of the first row at or after an id (jump to key, the minimap).
TEST(Protocol, EngineLocatesRows) {
  auto e = engine_run(fixture("crm-small/before.sqlite3"));
  ASSERT_TRUE(e);
  auto r = review_fixture("crm-small/before.sqlite3");
  ASSERT_TRUE(r);
  const diff::TableDiff& users = *r->run.diff->table("users");
  ASSERT_GT(users.added.size(), 2u);
  auto locate = [&](engine::Engine::LocateRequest q) {
    e->request_locate(q);
    e->pump(50);
    auto l = e->location();
    EXPECT_TRUE(l);
    return l ? *l : engine::RowLocation{};
  };
  engine::RowLocation l = locate({"users", users.added[2], true});
  EXPECT_TRUE(l.found);
  EXPECT_EQ(l.kind, diff::RowChange::Added);
  EXPECT_EQ(l.index, 2u);
  l = locate({"users", users.changed.before_ids[5], true});
  EXPECT_EQ(l.kind, diff::RowChange::Changed);
  EXPECT_EQ(l.index, 5u);
  l = locate({"users", -7, true});
  EXPECT_FALSE(l.found);
  l = locate({"users", users.changed.before_ids[5] + 1, false, diff::RowChange::Changed});
  EXPECT_TRUE(l.found);
  EXPECT_EQ(l.index, 6u);
  l = locate({"users", std::numeric_limits<std::int64_t>::max(), false, diff::RowChange::Changed});
  EXPECT_EQ(l.index, users.changed.size() - 1);
  EXPECT_EQ(round_trip(l, engine::location_from_json).index, l.index);
}

// What the engine publishes for the page, on the dirty demo, crosses as JSON unchanged.
TEST(Protocol, EngineViewsOfTheDirtyDemoRoundTrip) {
  engine::Engine e;
  e.start_demo(DemoOptions{300, 1, DemoOptions::Dirty});
  e.pump(5);
  round_trip(e.job(), engine::job_from_json);
  ASSERT_TRUE(pump_until(e, [&] { return e.loaded() || e.error(); }));
  ASSERT_TRUE(e.loaded());
  const engine::LoadedView loaded = round_trip(*e.loaded(), engine::loaded_from_json);
  EXPECT_TRUE(loaded.is_demo);
  EXPECT_FALSE(loaded.hazards.empty());
  e.start_run(fixed_options());
  ASSERT_TRUE(pump_until(e, [&] { return e.runs() > 0; }));
  ASSERT_TRUE(e.run() && e.run()->ok && e.run()->reviewed);
  const engine::RunView run = round_trip(*e.run(), engine::run_from_json);
  // report_json stays in the worker; the UI's report makes the same text.
  EXPECT_TRUE(run.report_json.empty());
  EXPECT_EQ(run.report.to_json_text(), as_the_ui_has_it(e.run()->report, e.run()->checks).to_json_text());
  const engine::TableSummary* users = run.diff->table("users");
  ASSERT_TRUE(users && users->changed > 0);

  e.request_page({"users", diff::RowChange::Changed, 0, 100});
  e.request_search({"users", diff::RowChange::Changed, "@"});
  e.request_density("users", 256);
  const CheckItem* failing = nullptr;
  for (const auto& c : e.run()->checks)
    if (!c.rows.empty() && !failing) failing = &c;
  ASSERT_NE(failing, nullptr);
  e.request_rows({failing->rows[0].table, failing->rows[0].ids, {}});
  ASSERT_TRUE(pump_until(e, [&] { return e.page() && e.search() && e.search()->done && e.density() && e.rows(); }));
  EXPECT_EQ(round_trip(*e.page(), engine::page_from_json).rows.size(), std::min<std::size_t>(100, users->changed));
  EXPECT_GT(round_trip(*e.search(), engine::search_from_json).matches, 0u);
  EXPECT_EQ(round_trip(*e.density(), engine::density_from_json).buckets, 256u);
  EXPECT_FALSE(round_trip(*e.rows(), engine::rows_from_json).rows.empty());
  const diff::RowEntry& row = e.page()->rows.front();
  auto d = detail(e, {"users", row.kind, row.before_id, row.after_id});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->key, diff::row_key_text(users->shape(), row));
  round_trip(*d, engine::detail_from_json);
}

// The run's view crosses to the page's main thread, which parses it: at a size with
// thousands of rows behind failing and warning items it stays small, because the
// checklist carries how many rows are behind each item, not their ids nor the lossless
// item's lost values. The UI asks for the ids in pages (check_ids), and they are the
// report's, table by table; "show their values" by item reads the same rows.
TEST(Protocol, TheRunViewStaysSmallAndTheChecklistIdsComeInPages) {
  engine::Host host;
  std::int64_t seq = 0;
  auto post = [&](json r) {
    r["seq"] = ++seq;
    host.post(r.dump());
  };
  // The views of each type the host sent, as text, until `done` holds.
  std::map<std::string, std::string> sent;
  auto pump_until_sent = [&](auto done) {
    for (int i = 0; i < 100000 && !done(); ++i) {
      host.pump(50);
      auto messages = parse(host.take_messages());
      ASSERT_TRUE(messages.ok());
      for (const json& m : *messages)
        if (m.contains("view")) sent[m["type"].get<std::string>()] = dump(m["view"]);
    }
    ASSERT_TRUE(done());
  };
  // The run's view of the dirty demo with `employees`, as sent.
  auto run_demo = [&](int employees) {
    const int runs = host.engine().runs(), generation = host.engine().generation();
    post({{"type", "demo"}, {"employees", employees}, {"seed", 1}, {"profile", "dirty"}});
    pump_until_sent([&] { return host.engine().generation() > generation; });
    post({{"type", "run"}, {"options", options_to_json(fixed_options())}});
    pump_until_sent([&] { return host.engine().runs() > runs && !host.engine().job().active; });
    return sent.at("run");
  };
  const std::string small_view = run_demo(300);
  const std::string big_view = run_demo(3000);
  const auto run = host.engine().run();
  ASSERT_TRUE(run && run->ok && run->reviewed);

  // What the report lists behind the checklist.
  const json report = json::parse(run->report_json);
  std::size_t ids = 0, lost = 0;
  for (const json& c : report["checks"]) {
    ids += c["ids"].size();
    if (c.contains("lost")) lost += c["lost"].size();
  }
  std::printf("run view: %zu bytes at 300 employees, %zu at 3000; behind the checklist at 3000: %zu ids, %zu lost "
              "values\n", small_view.size(), big_view.size(), ids, lost);
  ASSERT_GT(ids, 1500u);
  ASSERT_GT(lost, 200u);
  // Ten times the rows, not a tenth more view (its counts get more digits); the ids
  // and lost values alone would add some 60 KB.
  EXPECT_LT(big_view.size(), 96u * 1024) << "the run's view is parsed on the page's main thread";
  EXPECT_LT(big_view.size(), small_view.size() * 11 / 10);

  // Each item's ids in pages of 100, through the host as the UI asks for them.
  std::size_t items_with_rows = 0;
  for (const json& c : report["checks"]) {
    const std::string id = c["id"];
    if (c["rows"].empty()) continue;
    ++items_with_rows;
    std::map<std::string, std::vector<std::int64_t>> paged;
    for (std::size_t offset = 0;; offset += 100) {
      post({{"type", "check_ids"}, {"check", id}, {"offset", offset}, {"limit", 100}});
      sent.erase("check_ids");
      pump_until_sent([&] { return sent.count("check_ids") > 0; });
      auto page = engine::check_ids_from_json(json::parse(sent.at("check_ids")));
      ASSERT_TRUE(page.ok()) << page.error().describe();
      ASSERT_EQ(page->check, id);
      ASSERT_EQ(page->rows.size(), c["rows"].size());
      bool more = false;
      for (const CheckRows& r : page->rows) {
        EXPECT_EQ(r.count, c["rows"][r.table].size());
        EXPECT_LE(r.ids.size(), 100u);
        paged[r.table].insert(paged[r.table].end(), r.ids.begin(), r.ids.end());
        more = more || offset + 100 < r.count;
      }
      if (!more) break;
    }
    for (const auto& [table, want] : c["rows"].items())
      EXPECT_EQ(paged[table], want.get<std::vector<std::int64_t>>()) << id << " " << table;
    // Their values, by item: the rows the ids name.
    const std::string table = c["rows"].begin().key();
    post({{"type", "rows"}, {"table", table}, {"check", id}});
    sent.erase("rows");
    pump_until_sent([&] { return sent.count("rows") > 0; });
    auto rows = engine::rows_from_json(json::parse(sent.at("rows")));
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ(rows->asked, c["rows"][table].size());
    EXPECT_FALSE(rows->rows.empty());
  }
  EXPECT_GE(items_with_rows, 2u);

  // An item the run does not have is an error that names it.
  post({{"type", "check_ids"}, {"check", "no_such_item"}, {"offset", 0}, {"limit", 10}});
  host.pump(50);
  ASSERT_TRUE(host.engine().error());
  EXPECT_NE(host.engine().error()->message.find("no_such_item"), std::string::npos);
}

}  // namespace
}  // namespace redline::test
