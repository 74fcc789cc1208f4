// The step-by-step replay (see trace.hpp). States live in an attached in-memory
// database, one table per (state, table) that changed; a table a step left alone is
// shared with the state before. The comparison runs in SQL on the copy's connection,
// where the run's uncommitted changes are visible.
#include "core/migrate/trace.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include <sqlite3.h>

#include "core/migrate/normalize.hpp"
#include "core/migrate/steps.hpp"
#include "core/sliced_copy.hpp"

namespace redline {

namespace {

using nlohmann::ordered_json;
using sql::quote_ident;

constexpr const char* kSchema = "redline_trace";
constexpr const char* kRowid = "__redline_rowid";

ordered_json cell(const sql::Statement& st, int i) {
  switch (st.column_type(i)) {
    case SQLITE_NULL: return nullptr;
    case SQLITE_INTEGER: return st.column_int(i);
    case SQLITE_FLOAT: return st.column_double(i);
    case SQLITE_BLOB: return "(blob, " + std::to_string(st.column_blob(i).size()) + " bytes)";
    default: return st.column_text(i);
  }
}

Result<std::vector<std::string>> columns_of(sql::Database& db, const std::string& schema, const std::string& table) {
  auto st = db.prepare("SELECT name FROM pragma_table_info(?1, ?2)");
  if (!st) return st.error();
  REDLINE_TRY(st->bind_text(1, table));
  REDLINE_TRY(st->bind_text(2, schema));
  std::vector<std::string> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (*r == sql::StepResult::Done) return out;
    if (st->column_text(0) != kRowid) out.push_back(st->column_text(0));
  }
}

}  // namespace

Result<ordered_json> row_as_json(sql::Database& db, const std::string& from, const std::string& key_expr,
                              std::int64_t key) {
  auto st = db.prepare("SELECT * FROM " + from + " WHERE " + key_expr + " = ?1");
  if (!st) return st.error();
  REDLINE_TRY(st->bind_int(1, key));
  auto r = st->step();
  if (!r) return r.error();
  if (*r == sql::StepResult::Done) return ordered_json(nullptr);
  ordered_json o = ordered_json::object();
  for (int i = 0; i < st->column_count(); ++i)
    if (st->column_name(i) != kRowid) o[st->column_name(i)] = cell(*st, i);
  return o;
}

ordered_json TableEffect::to_json() const {
  ordered_json ex = ordered_json::array();
  for (const auto& e : examples) ex.push_back({{"kind", e.kind}, {"key", e.key}, {"before", e.before}, {"after", e.after}});
  return {{"table", table},
          {"key", key},
          {"table_created", table_created},
          {"table_dropped", table_dropped},
          {"rows_before", rows_before},
          {"rows_after", rows_after},
          {"created", created},
          {"changed", changed},
          {"removed", removed},
          {"created_keys", created_keys},
          {"changed_keys", changed_keys},
          {"removed_keys", removed_keys},
          {"keys_complete", keys_complete},
          {"columns_added", columns_added},
          {"columns_dropped", columns_dropped},
          {"examples", std::move(ex)}};
}

ordered_json StepTrace::to_json() const {
  ordered_json t = ordered_json::array();
  for (const auto& e : tables) t.push_back(e.to_json());
  return {{"id", id},         {"phase", phase}, {"title", title},
          {"records", records}, {"done_when", done_when}, {"status", status},
          {"note", note},     {"sql", sql},     {"rows_affected", rows_affected},
          {"tables", std::move(t)}};
}

ordered_json Trace::to_json() const {
  ordered_json s = ordered_json::array();
  for (const auto& st : steps) s.push_back(st.to_json());
  ordered_json e = nullptr;
  if (error) e = {{"code", to_string(error->code)}, {"message", error->message}, {"context", error->context}};
  return {{"steps", std::move(s)}, {"error", std::move(e)}};
}

Trace untraced_steps() {
  Trace trace;
  for (const StepDef& d : normalization_steps()) {
    StepTrace s;
    s.id = d.id;
    s.phase = to_string(d.phase);
    s.title = d.title;
    s.records = d.records;
    s.done_when = d.done_when;
    s.status = "not reached";
    trace.steps.push_back(std::move(s));
  }
  return trace;
}

struct TraceJob::Impl {
  sql::Database& before;
  NormalizeOptions options;
  // Each slice honours its budget like the run's phases (a slice overran by 700 ms in
  // the page, where a cancel waits for it): the copy is made page by page, and the
  // states are stored and compared a table at a time.
  std::unique_ptr<SlicedCopy> copying;  // until `copy` is made
  std::optional<sql::Database> copy;
  std::vector<std::string> to_store;  // tables of state 0 not stored yet
  std::unique_ptr<NormalizeJob> run;  // kept alive: its SAVEPOINT holds the states
  bool run_done = false;
  // The capture of step captured + 1 under way: the tables to compare, the next one.
  bool capturing = false;
  std::vector<std::string> capture_tables;
  std::size_t capture_next = 0;
  Trace trace;
  // Per state (0: before; k: after step k), table -> the stored copy's name.
  std::vector<std::map<std::string, std::string>> states;
  std::size_t captured = 0;  // steps whose state is recorded
  bool finished = false;

  Impl(sql::Database& b, NormalizeOptions o) : before(b), options(std::move(o)), trace(untraced_steps()) {}

  std::string stored(std::size_t state, const std::string& table) const {
    return std::string(kSchema) + "." + quote_ident("s" + std::to_string(state) + ":" + table);
  }

  Status store(std::size_t state, const std::string& table) {
    const std::string name = stored(state, table);
    REDLINE_TRY(copy->exec("CREATE TABLE " + name + " AS SELECT rowid AS " + kRowid + ", * FROM main." +
                           quote_ident(table)));
    states[state][table] = name;
    return ok_status();
  }

  // Start recording the state after step captured + 1, which has ended, and what it did.
  Status begin_capture() {
    const auto& rec = run->steps()[captured];
    StepTrace& s = trace.steps[captured];
    s.status = rec.status;
    s.note = rec.note;
    s.sql = rec.sql;
    s.rows_affected = rec.rows_affected;
    auto tables = sql::user_tables(*copy);
    if (!tables) return tables.error();
    capture_tables = std::move(tables.value());
    capture_next = 0;
    states.emplace_back();
    capturing = true;
    return ok_status();
  }

  // Compare the tables of the capture under way with the state before, a table at a
  // time until `over_budget`; true when the step is recorded.
  template <typename OverBudget>
  Result<bool> capture_some(OverBudget over_budget) {
    const std::size_t k = captured + 1;
    StepTrace& step = trace.steps[k - 1];
    while (capture_next < capture_tables.size()) {
      if (capture_next > 0 && over_budget()) return false;
      const std::string& t = capture_tables[capture_next++];
      TableEffect e;
      REDLINE_TRY(compare(states[k - 1], t, e));
      if (e.touched()) {
        REDLINE_TRY(store(k, t));
        step.tables.push_back(std::move(e));
      } else {
        states[k][t] = states[k - 1].at(t);
      }
    }
    std::set<std::string> now(capture_tables.begin(), capture_tables.end());
    for (const auto& [t, name] : states[k - 1]) {
      if (now.count(t)) continue;
      TableEffect e;
      e.table = t;
      e.key = "id";
      e.table_dropped = true;
      auto n = copy->query_int("SELECT count(*) FROM " + name);
      if (!n) return n.error();
      e.rows_before = e.removed = n->value_or(0);
      step.tables.push_back(std::move(e));
    }
    std::sort(step.tables.begin(), step.tables.end(),
              [](const TableEffect& a, const TableEffect& b) { return a.table < b.table; });
    capturing = false;
    capture_tables.clear();
    ++captured;
    return true;
  }

  // What changed in main.`t` since its stored copy in `prev` (if any).
  Status compare(const std::map<std::string, std::string>& prev, const std::string& t, TableEffect& e) {
    e.table = t;
    const std::string live = "main." + quote_ident(t);
    auto cols_now = columns_of(*copy, "main", t);
    if (!cols_now) return cols_now.error();
    auto n_now = copy->query_int("SELECT count(*) FROM " + live);
    if (!n_now) return n_now.error();
    e.rows_after = n_now->value_or(0);
    const bool has_id = std::find(cols_now->begin(), cols_now->end(), "id") != cols_now->end();
    auto it = prev.find(t);
    std::vector<std::string> cols_then;
    if (it != prev.end()) {
      auto st = copy->prepare("SELECT * FROM " + it->second + " LIMIT 0");
      if (!st) return st.error();
      for (int i = 0; i < st->column_count(); ++i)
        if (st->column_name(i) != kRowid) cols_then.push_back(st->column_name(i));
    }
    const bool had_id = std::find(cols_then.begin(), cols_then.end(), "id") != cols_then.end();
    e.key = has_id && (it == prev.end() || had_id) ? "id" : "rowid";
    const std::string k_now = e.key == "id" ? "\"id\"" : "rowid";
    const std::string k_then = e.key == "id" ? "\"id\"" : kRowid;

    auto keep_keys = [&](const std::string& q, std::int64_t& count, std::vector<std::int64_t>& keys) -> Status {
      auto all = sql::int_column(*copy, q);
      if (!all) return all.error();
      count = static_cast<std::int64_t>(all->size());
      if (all->size() > kTraceKeyLimit) {
        all->resize(kTraceKeyLimit);
        e.keys_complete = false;
      }
      keys = std::move(all.value());
      return ok_status();
    };
    if (it == prev.end()) {
      e.table_created = true;
      REDLINE_TRY(keep_keys("SELECT " + k_now + " FROM " + live + " ORDER BY 1", e.created, e.created_keys));
    } else {
      const std::string then = it->second;
      auto n = copy->query_int("SELECT count(*) FROM " + then);
      if (!n) return n.error();
      e.rows_before = n->value_or(0);
      std::vector<std::string> common;
      for (const auto& c : cols_now.value()) {
        if (std::find(cols_then.begin(), cols_then.end(), c) != cols_then.end()) common.push_back(c);
        else e.columns_added.push_back(c);
      }
      for (const auto& c : cols_then)
        if (std::find(cols_now->begin(), cols_now->end(), c) == cols_now->end()) e.columns_dropped.push_back(c);
      REDLINE_TRY(keep_keys("SELECT " + k_now + " FROM " + live + " WHERE " + k_now + " NOT IN (SELECT " + k_then +
                                " FROM " + then + ") ORDER BY 1",
                            e.created, e.created_keys));
      REDLINE_TRY(keep_keys("SELECT " + k_then + " FROM " + then + " WHERE " + k_then + " NOT IN (SELECT " + k_now +
                                " FROM " + live + ") ORDER BY 1",
                            e.removed, e.removed_keys));
      // Changed: a kept column holds another value, or a dropped column held one (the
      // row lost it from this table; where it went is the lineage's business).
      std::string differs;
      for (const auto& c : common) {
        if (!differs.empty()) differs += " OR ";
        differs += "a." + quote_ident(c) + " IS NOT b." + quote_ident(c);
      }
      for (const auto& c : e.columns_dropped) {
        if (!differs.empty()) differs += " OR ";
        differs += "(a." + quote_ident(c) + " IS NOT NULL AND a." + quote_ident(c) + " <> '')";
      }
      if (!differs.empty()) {
        REDLINE_TRY(keep_keys("SELECT a." + k_then + " FROM " + then + " a JOIN " + live + " b ON a." + k_then +
                                  " = b." + k_now + " WHERE " + differs + " ORDER BY 1",
                              e.changed, e.changed_keys));
      }
    }
    if (!e.touched()) return ok_status();
    auto example = [&](const char* kind, const std::vector<std::int64_t>& keys) -> Status {
      for (std::size_t i = 0; i < keys.size() && i < kTraceExamples; ++i) {
        TraceExample x;
        x.kind = kind;
        x.key = keys[i];
        if (it != prev.end()) {
          auto b = row_as_json(*copy, it->second, k_then, keys[i]);
          if (!b) return b.error();
          x.before = std::move(b.value());
        }
        auto a = row_as_json(*copy, live, k_now, keys[i]);
        if (!a) return a.error();
        x.after = std::move(a.value());
        e.examples.push_back(std::move(x));
      }
      return ok_status();
    };
    REDLINE_TRY(example("created", e.created_keys));
    REDLINE_TRY(example("changed", e.changed_keys));
    REDLINE_TRY(example("removed", e.removed_keys));
    return ok_status();
  }

  Result<bool> work(double budget_ms) {
    const auto t0 = std::chrono::steady_clock::now();
    auto over_budget = [&] { return ms_since(t0) >= budget_ms; };
    if (!copy) {
      if (!copying) {
        copying = std::make_unique<SlicedCopy>();
        REDLINE_TRY(copying->start(before));
      }
      auto copied = copying->step_until(over_budget);
      if (!copied || !*copied) return copied;
      copy.emplace(copying->take());
      copying.reset();
      REDLINE_TRY(copy->exec(std::string("ATTACH DATABASE ':memory:' AS ") + kSchema));
      states.emplace_back();
      auto tables = sql::user_tables(*copy);
      if (!tables) return tables.error();
      to_store = std::move(tables.value());
      if (over_budget()) return false;
    }
    // State 0, a table at a time.
    while (!to_store.empty()) {
      REDLINE_TRY(store(0, to_store.back()));
      to_store.pop_back();
      if (over_budget()) return false;
    }
    if (!run) run = std::make_unique<NormalizeJob>(*copy, options);
    const auto& recs = run->steps();
    for (;;) {
      // Record every step that has ended since the last slice of the run.
      if (!capturing && captured < recs.size() &&
          (recs[captured].status == "done" || recs[captured].status == "already_done")) {
        REDLINE_TRY(begin_capture());
      }
      if (capturing) {
        auto recorded = capture_some(over_budget);
        if (!recorded) return recorded.error();
        if (!*recorded) return false;
        continue;
      }
      if (run_done || captured >= trace.steps.size()) break;
      if (over_budget()) return false;
      // The smallest slices the run takes (one statement or unit each), so that every
      // step's end is seen before the next step starts.
      Progress p = run->step(0);
      if (p.state == JobState::Error) {
        // The run stops here (e.g. a blocker the options leave unresolved): the trace
        // says so, with the steps it did reach.
        trace.error = p.error;
        for (std::size_t i = captured; i < trace.steps.size(); ++i) {
          const auto& r = run->steps()[i];
          if (r.status == "failed") {
            trace.steps[i].status = "failed";
            trace.steps[i].sql = r.sql;
          }
        }
        finished = true;
        return true;
      }
      if (p.state == JobState::Done) run_done = true;
    }
    finished = true;
    return true;
  }

  Position position() const {
    if (!copy || !to_store.empty()) return {0.0, "copying the snapshot"};
    const std::size_t n = trace.steps.size();
    if (captured >= n) return {1.0, "done"};
    return {static_cast<double>(captured) / static_cast<double>(n), "replaying " + trace.steps[captured].id};
  }

  void drop() {
    run.reset();  // rolls the replay back
    copying.reset();
    copy.reset();
    to_store.clear();
    capture_tables.clear();
    capturing = false;
    states.clear();
  }
};

TraceJob::TraceJob(sql::Database& before, NormalizeOptions options)
    : impl_(std::make_unique<Impl>(before, std::move(options))) {}
TraceJob::~TraceJob() = default;

const Trace& TraceJob::trace() const { return impl_->trace; }

Result<bool> TraceJob::work(double budget_ms) { return impl_->work(budget_ms); }
Position TraceJob::position() const { return impl_->position(); }
void TraceJob::abandon(const Error&) { impl_->drop(); }

Result<ordered_json> TraceJob::state_rows(std::size_t state, const std::string& table, std::size_t offset,
                                          std::size_t limit) {
  Impl& m = *impl_;
  if (!m.finished || !m.copy) return make_error(ErrorCode::Usage, "the step-by-step replay is not ready yet");
  if (state >= m.states.size()) {
    return make_error(ErrorCode::Usage, "no state after step " + std::to_string(state) + " (the replay has " +
                                            std::to_string(m.states.size() - 1) + " steps)");
  }
  const auto& tables = m.states[state];
  ordered_json out = {{"state", state},
                      {"step", state == 0 ? std::string("before") : m.trace.steps[state - 1].id},
                      {"tables", ordered_json::array()}};
  for (const auto& [t, name] : tables) {
    auto n = m.copy->query_int("SELECT count(*) FROM " + name);
    if (!n) return n.error();
    out["tables"].push_back({{"name", t}, {"rows", n->value_or(0)}});
  }
  auto it = tables.find(table);
  if (table.empty()) return out;
  if (it == tables.end()) {
    return make_error(ErrorCode::Usage, "no table '" + table + "' in the state after " + out["step"].get<std::string>());
  }
  auto st = m.copy->prepare("SELECT * FROM " + it->second + " ORDER BY " + kRowid + " LIMIT ?1 OFFSET ?2");
  if (!st) return st.error();
  REDLINE_TRY(st->bind_int(1, static_cast<std::int64_t>(std::min<std::size_t>(limit, 10000))));
  REDLINE_TRY(st->bind_int(2, static_cast<std::int64_t>(offset)));
  ordered_json cols = ordered_json::array(), rows = ordered_json::array();
  for (int i = 0; i < st->column_count(); ++i)
    if (st->column_name(i) != kRowid) cols.push_back(st->column_name(i));
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (*r == sql::StepResult::Done) break;
    ordered_json row = ordered_json::array();
    for (int i = 0; i < st->column_count(); ++i)
      if (st->column_name(i) != kRowid) row.push_back(cell(*st, i));
    rows.push_back(std::move(row));
  }
  ordered_json total = 0;
  for (const auto& t : out["tables"])
    if (t["name"] == table) total = t["rows"];
  out["table"] = table;
  out["columns"] = std::move(cols);
  out["rows"] = std::move(rows);
  out["offset"] = offset;
  out["total"] = std::move(total);
  return out;
}

}  // namespace redline
