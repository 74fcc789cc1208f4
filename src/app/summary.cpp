// The first screen and the after-run summary as data (summary.hpp): computed from the
// views the engine already publishes (the load summary, the preflight's hazards, the
// run's diff summary, report moves and checklist), never from a second source.
#include "app/summary.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <string_view>

#include "app/panels.hpp"

namespace redline::app {

namespace {

using nlohmann::json;

// The tables spec §1 names: the normalization reads or writes these; every other
// table is carried through untouched. django_migrations gets the migration's record.
constexpr std::array<std::string_view, 11> kCrmTables = {"users",   "employees", "organizations", "customers",
                                                         "vendors", "leads",     "deals",         "orders",
                                                         "payments", "django_content_type", "django_migrations"};

bool is_crm_table(std::string_view t) {
  return std::find(kCrmTables.begin(), kCrmTables.end(), t) != kCrmTables.end();
}

// Not the CRM's, but the run adds rows to it: Django's post-migrate bookkeeping makes
// the permissions of the new models (addresses, addressables).
bool is_touched(std::string_view t) { return is_crm_table(t) || t == "auth_permission"; }

// The Django app a table belongs to, from Django's table naming (<app_label>_<model>);
// the CRM's own tables have no prefix, and Django's contrib apps have known names.
std::string app_of(const std::string& table) {
  static const std::map<std::string, std::string, std::less<>> known = {
      {"django_content_type", "contenttypes"}, {"django_admin_log", "admin"}, {"django_session", "sessions"},
      {"django_site", "sites"},                {"django_migrations", ""}};
  if (auto it = known.find(table); it != known.end()) return it->second;
  if (is_crm_table(table) || table == "addresses" || table == "addressables") return "crmApp";
  // users_groups, users_user_permissions: the custom user model's many-to-many tables.
  for (std::string_view t : kCrmTables)
    if (table.size() > t.size() && table.compare(0, t.size(), t) == 0 && table[t.size()] == '_') return "crmApp";
  auto us = table.find('_');
  return us == std::string::npos ? table : table.substr(0, us);
}

SummaryNumber number(std::string key, std::int64_t value, SummaryTarget target) {
  if (value == 0) target = SummaryTarget{};  // nothing to lead to
  return SummaryNumber{std::move(key), value, std::move(target)};
}

SummaryTarget diff_target(const std::string& table, const char* kind) {
  SummaryTarget t;
  t.panel = "diff";
  t.table = table;
  t.kind = kind;
  return t;
}

SummaryTarget check_target(std::string check, int filter) {
  SummaryTarget t;
  t.panel = "checklist";
  t.check = std::move(check);
  t.check_filter = filter;
  return t;
}

std::int64_t int_of(const nlohmann::ordered_json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

std::string table_of(const std::string& column_path) {
  auto dot = column_path.find('.');
  return dot == std::string::npos ? column_path : column_path.substr(0, dot);
}

json num(const SummaryNumber& n) { return {{"key", n.key}, {"value", n.value}, {"target", to_json(n.target)}}; }

}  // namespace

bool SummaryTableRow::touched() const {
  return added.value || removed.value || changed.value || cells.value || lost.value || !moved.empty() ||
         before.value != after.value;
}

const SummaryNumber* RunSummary::find(const std::string& key) const {
  for (const SummaryNumber* n : {&pass, &fail, &warn, &manual})
    if (n->key == key) return n;
  for (const auto& t : tables) {
    for (const SummaryNumber* n : {&t.before, &t.after, &t.added, &t.removed, &t.changed, &t.cells, &t.lost})
      if (n->key == key) return n;
    for (const auto& m : t.moved)
      if (m.moved.key == key) return &m.moved;
  }
  return nullptr;
}

const char* resolution_option(const std::string& kind) {
  if (kind == "username_collision") return "username_collision";
  if (kind == "contact_overwrite") return "contact_overwrite";
  if (kind == "zip_only_address") return "zip_only_address";
  return "";
}

FirstScreen first_screen(const engine::LoadedView& loaded, const HazardsPanel& options, bool busy) {
  FirstScreen f;
  std::set<std::string> apps;
  for (const auto& [table, rows] : loaded.summary.tables) {
    if (std::string a = app_of(table); !a.empty()) apps.insert(a);
    if (!is_touched(table)) {
      f.carried.push_back(table);
      f.carried_rows += rows;
    }
  }
  // crmApp first: it is the app the normalization is about.
  if (apps.erase("crmApp")) f.apps.push_back("crmApp");
  f.apps.insert(f.apps.end(), apps.begin(), apps.end());

  for (const Hazard& h : loaded.hazards) {
    HazardLine line;
    line.hazard = &h;
    line.option = resolution_option(h.kind);
    if (h.severity == Severity::Blocker) {
      ++f.blockers;
      // Spec section 3: the blocker's default resolution is suffix, shown selected; only
      // "stop" leaves it unresolved.
      line.resolved = h.kind == "username_collision" && options.collision != 2;
    }
    if (h.severity == Severity::Warning) ++f.warnings;
    if (h.severity == Severity::Info) ++f.infos;
    f.hazards.push_back(line);
  }
  std::stable_sort(f.hazards.begin(), f.hazards.end(), [](const HazardLine& a, const HazardLine& b) {
    return static_cast<int>(a.hazard->severity) > static_cast<int>(b.hazard->severity);
  });

  if (busy) {
    f.blocked = "Wait: a job is running (the bar at the bottom shows it).";
  } else if (loaded.preflight_error) {
    f.blocked = "The preflight could not run: " + loaded.preflight_error->message;
  } else if (loaded.summary.kind == "not_crm") {
    f.blocked = "This snapshot is not the CRM: there is nothing to normalize. Open another file.";
  } else {
    for (const HazardLine& l : f.hazards) {
      if (l.resolved) continue;
      f.blocked = options.collision == 2
                      ? "The resolution \"stop\" refuses to run: pick suffix or link for the username collision."
                      : "Choose how to resolve the blocker \"" + l.hazard->kind + "\" first (below).";
      break;
    }
  }
  return f;
}

const FirstScreen& SummaryCache::first(const std::shared_ptr<const engine::LoadedView>& loaded,
                                        const HazardsPanel& options, bool busy) {
  // first_screen() reads only the blocker's resolution of the options.
  if (loaded != loaded_ || options.collision != collision_ || busy != busy_) {
    loaded_ = loaded;
    collision_ = options.collision;
    busy_ = busy;
    first_ = loaded ? first_screen(*loaded, options, busy) : FirstScreen{};
  }
  return first_;
}

const RunSummary& SummaryCache::run(const std::shared_ptr<const engine::RunView>& run) {
  if (run != run_) {
    run_ = run;
    summary_ = run ? run_summary(*run) : RunSummary{};
  }
  return summary_;
}

RunSummary run_summary(const engine::RunView& run) {
  RunSummary s;
  s.present = true;
  s.status = run.report.status;
  s.error = run.report.error ? run.report.error->message : std::string();
  s.reviewed = run.reviewed;
  if (!run.checks.empty()) {
    CheckCounts c = count_checks(run.checks);
    s.strict_ok = static_cast<bool>(strict_verdict(run.checks));
    s.pass = number("checks/pass", c.pass, check_target("", 4));
    s.fail = number("checks/fail", c.fail, check_target("", 1));
    s.warn = number("checks/warn", c.warn, check_target("", 2));
    s.manual = number("checks/manual", c.manual, check_target("", 3));
  }
  if (!run.ok) {
    s.verdict = "The run did not finish (" + s.status + "): the snapshot is unchanged.";
  } else if (run.checks.empty()) {
    s.verdict = "The run finished; the checklist is not evaluated yet.";
  } else if (s.fail.value) {
    s.verdict = "Not ready: " + std::to_string(s.fail.value) + " check(s) fail.";
  } else if (s.warn.value) {
    s.verdict = "Ready with warnings: no check fails; " + std::to_string(s.warn.value) + " to look at.";
  } else {
    s.verdict = "Ready: every evaluated check passes.";
  }
  if (!run.diff) return s;

  // Moves per (from table, to table), and lost values per from table (spec §5 diff.moves).
  std::map<std::string, std::map<std::string, std::int64_t>> moved;
  std::map<std::string, std::int64_t> lost;
  const auto& moves = run.report.diff.find("moves");
  if (moves != run.report.diff.end() && moves->is_array()) {
    for (const auto& m : *moves) {
      const std::string from = table_of(m.value("from", std::string())), to = table_of(m.value("to", std::string()));
      if (std::int64_t n = int_of(m, "moved")) moved[from][to] += n;
      lost[from] += int_of(m, "lost");
    }
  }

  std::vector<SummaryTableRow> touched, quiet;
  for (const engine::TableSummary& t : run.diff->tables) {
    SummaryTableRow r;
    r.table = t.name;
    const std::string k = t.name + "/";
    r.before = number(k + "before", t.before.rows, diff_target(t.name, "changed"));
    r.after = number(k + "after", t.after.rows, diff_target(t.name, "changed"));
    r.added = number(k + "added", static_cast<std::int64_t>(t.added), diff_target(t.name, "added"));
    r.removed = number(k + "removed", static_cast<std::int64_t>(t.removed), diff_target(t.name, "removed"));
    r.changed = number(k + "changed", static_cast<std::int64_t>(t.changed), diff_target(t.name, "changed"));
    r.cells = number(k + "cells", t.cells_changed, diff_target(t.name, "changed"));
    r.lost = number(k + "lost", lost[t.name], check_target("lossless", 0));
    for (const auto& [to, n] : moved[t.name]) {
      // The moved values are the destination's new or rewritten rows: whichever kind
      // holds more of them (addresses: added; users: mostly updated, some created).
      const TableSummary* dest = run.diff->table(to);
      const char* kind = dest && dest->added >= dest->changed ? "added" : "changed";
      r.moved.push_back(SummaryMove{to, number(k + "moved/" + to, n, diff_target(dest ? dest->name : to, kind))});
      s.moved_total += n;
    }
    s.lost_total += r.lost.value;
    if (r.touched()) {
      touched.push_back(std::move(r));
    } else {
      s.untouched.push_back(t.name);
      quiet.push_back(std::move(r));
    }
  }
  s.tables = std::move(touched);
  s.tables.insert(s.tables.end(), std::make_move_iterator(quiet.begin()), std::make_move_iterator(quiet.end()));
  return s;
}

json to_json(const SummaryTarget& t) {
  if (t.panel.empty()) return nullptr;
  if (t.panel == "diff") return {{"panel", t.panel}, {"table", t.table}, {"kind", t.kind}};
  return {{"panel", t.panel}, {"check", t.check}, {"filter", t.check_filter}};
}

json to_json(const FirstScreen& f, const engine::LoadedView& loaded) {
  json hazards = json::array();
  for (const HazardLine& l : f.hazards)
    hazards.push_back({{"kind", l.hazard->kind}, {"severity", to_string(l.hazard->severity)},
                       {"table", l.hazard->table}, {"rows", l.hazard->ids.size()},
                       {"option", l.option}, {"resolved", l.resolved}});
  return {{"name", loaded.summary.name},
          {"format", format_name(loaded.summary.format)},
          {"bytes", loaded.summary.bytes},
          {"tables", loaded.summary.tables.size()},
          {"rows", loaded.total_rows},
          {"kind", loaded.summary.kind},
          {"apps", f.apps},
          {"carried", {{"tables", f.carried}, {"rows", f.carried_rows}}},
          {"hazards", std::move(hazards)},
          {"blockers", f.blockers},
          {"warnings", f.warnings},
          {"infos", f.infos},
          {"normalize", {{"enabled", f.blocked.empty()}, {"reason", f.blocked}}}};
}

json to_json(const RunSummary& s) {
  if (!s.present) return nullptr;
  json tables = json::array();
  for (const auto& t : s.tables) {
    json moved = json::array();
    for (const auto& m : t.moved) moved.push_back({{"to", m.to_table}, {"number", num(m.moved)}});
    tables.push_back({{"table", t.table},         {"before", num(t.before)},   {"after", num(t.after)},
                      {"added", num(t.added)},     {"removed", num(t.removed)}, {"changed", num(t.changed)},
                      {"cells", num(t.cells)},     {"lost", num(t.lost)},       {"moved", std::move(moved)},
                      {"touched", t.touched()}});
  }
  return {{"status", s.status},
          {"error", s.error},
          {"reviewed", s.reviewed},
          {"verdict", s.verdict},
          {"strict_ok", s.strict_ok},
          {"checks", {{"pass", num(s.pass)}, {"fail", num(s.fail)}, {"warn", num(s.warn)}, {"manual", num(s.manual)}}},
          {"tables", std::move(tables)},
          {"untouched", s.untouched},
          {"moved_total", s.moved_total},
          {"lost_total", s.lost_total}};
}

}  // namespace redline::app
