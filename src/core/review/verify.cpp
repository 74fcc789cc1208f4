// The prediction against the real result (see verify.hpp).
#include "core/review/verify.hpp"

#include <map>
#include <set>

#include "core/migrate/normalize.hpp"
#include "core/migrate/normalize_sql.hpp"
#include "core/review/review.hpp"

namespace redline {

std::string Mismatch::describe() const {
  std::string where = table + (key.empty() ? "" : " " + key) + (column.empty() ? "" : " " + column);
  return where + ": predicted " + predicted + ", actual " + actual;
}

nlohmann::ordered_json Mismatch::to_json() const {
  return {{"table", table}, {"key", key}, {"column", column}, {"predicted", predicted}, {"actual", actual}};
}

bool Verification::checks_failed() const {
  for (const auto& c : checks)
    if (c.status == CheckStatus::Fail) return true;
  return false;
}

nlohmann::ordered_json Verification::to_json() const {
  nlohmann::ordered_json j;
  j["equal"] = equal();
  j["mismatch_count"] = mismatch_count;
  j["mismatches"] = nlohmann::ordered_json::array();
  for (const auto& m : mismatches) j["mismatches"].push_back(m.to_json());
  j["checks"] = checks_json(checks);
  return j;
}

namespace {

void add(Verification& v, Mismatch m) {
  ++v.mismatch_count;
  if (v.mismatches.size() < kMaxMismatches) v.mismatches.push_back(std::move(m));
}

// Every address with the row it belongs to, as "model object_id" -> values -> count.
Result<std::map<std::string, std::map<std::string, std::int64_t>>> addresses_by_content(sql::Database& db) {
  std::map<std::string, std::map<std::string, std::int64_t>> out;
  auto st = db.prepare(
      "SELECT ct.model || ' ' || x.object_id, quote(a.address_line1) || ', ' || quote(a.address_line2) || ', ' || "
      "quote(a.city) || ', ' || quote(a.state) || ', ' || quote(a.postal_code) || ', ' || quote(a.country) || ', ' || "
      "quote(a.address_type) || ', ' || quote(a.is_primary) FROM addressables AS x "
      "LEFT JOIN addresses AS a ON a.id = x.address_id LEFT JOIN django_content_type AS ct ON ct.id = x.content_type_id");
  if (!st) return st.error();
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (*r == sql::StepResult::Done) break;
    ++out[st->column_is_null(0) ? std::string("(dangling)") : st->column_text(0)]
         [st->column_is_null(1) ? std::string("(no address)") : st->column_text(1)];
  }
  return out;
}

std::string join_values(const std::map<std::string, std::int64_t>& m) {
  if (m.empty()) return "none";
  std::string s;
  for (const auto& [v, n] : m) s += (s.empty() ? "" : " | ") + v + (n > 1 ? " (x" + std::to_string(n) + ")" : "");
  return s;
}

}  // namespace

Result<Verification> compare_with_prediction(sql::Database& before, sql::Database& predicted, sql::Database& actual) {
  Verification v;
  auto max_user = before.query_int("SELECT max(id) FROM users");
  if (!max_user) return max_user.error();
  const std::int64_t users_before = max_user->value_or(0);
  const std::set<std::string> recorded(std::begin(norm::kMigrationNames), std::end(norm::kMigrationNames));

  auto d = diff::diff_databases(predicted, actual);
  if (!d) return d.error();
  // The migration script's own state (schema redline_migration: progress, plan,
  // pre-images) is not part of the CRM's result.
  auto script_state = [](const std::string& table) { return table.rfind("redline_migration.", 0) == 0; };
  for (const auto& s : d->schema)
    if (!script_state(s.table)) add(v, {s.table, "", "(schema)", s.before.empty() ? "absent" : s.before, s.describe()});

  for (const auto& t : d->tables) {
    if (t.name == "addresses" || t.name == "addressables") continue;  // by content, below
    if (t.presence != diff::TablePresence::Both) continue;             // a schema change, above
    if (script_state(t.name)) continue;
    for (auto kind : {diff::RowChange::Added, diff::RowChange::Removed, diff::RowChange::Changed}) {
      for (std::size_t off = 0;; off += 1000) {
        auto page = diff::fetch_rows(predicted, actual, t, kind, off, 1000);
        if (!page) return page.error();
        if (page->rows.empty()) break;
        for (const auto& row : page->rows) {
          const std::string key = diff::row_key_text(t, row);
          if (kind == diff::RowChange::Added) {
            add(v, {t.name, key, "(row)", "absent", "present"});
            continue;
          }
          if (kind == diff::RowChange::Removed) {
            add(v, {t.name, key, "(row)", "present", "absent"});
            continue;
          }
          for (std::size_t c : row.changed_columns) {
            const std::string& col = t.columns[c].name;
            // Spec §2: the created users' date_joined is the run's time.
            if (t.name == "users" && col == "date_joined" && row.before_id > users_before) continue;
            // ... and so is when the run's migrations were applied.
            if (t.name == "django_migrations" && col == "applied") {
              std::size_t name_col = 0, app_col = 0;
              for (std::size_t k = 0; k < t.columns.size(); ++k) {
                if (t.columns[k].name == "name") name_col = k;
                if (t.columns[k].name == "app") app_col = k;
              }
              if (row.before[app_col].bytes == "crmApp" && recorded.count(row.before[name_col].bytes)) continue;
            }
            add(v, {t.name, key, col, row.before[c].display(), row.after[c].display()});
          }
        }
        if (page->rows.size() < 1000) break;
      }
    }
  }

  auto p = addresses_by_content(predicted);
  if (!p) return p.error();
  auto a = addresses_by_content(actual);
  if (!a) return a.error();
  std::set<std::string> owners;
  for (const auto& [k, _] : *p) owners.insert(k);
  for (const auto& [k, _] : *a) owners.insert(k);
  static const std::map<std::string, std::int64_t> kNone;
  for (const auto& o : owners) {
    const auto& pv = p->count(o) ? p->at(o) : kNone;
    const auto& av = a->count(o) ? a->at(o) : kNone;
    if (pv != av) add(v, {"addresses", o, "(address)", join_values(pv), join_values(av)});
  }
  return v;
}

Result<Verification> verify_result(sql::Database& before, sql::Database& actual, const NormalizeOptions& options,
                                   sql::Database* expected) {
  NormalizeOptions o = options;
  if (o.now.empty()) o.now = "2000-01-01 00:00:00";  // only created users' date_joined, not compared
  o.record_timings = false;
  o.strict = false;
  // The API checks write to the actual database in a savepoint they roll back: one a
  // load holds read-only where its bytes are becomes SQLite's own copy first.
  if (const std::vector<std::uint8_t>* held = actual.held_image()) {
    auto own = sql::Database::deserialize(*held, "the actual after", false);
    if (!own) return own.error();
    actual = std::move(own.value());
  }
  sql::Database predicted;
  if (!expected) {
    auto copy = before.clone();
    if (!copy) return copy.error();
    predicted = std::move(copy.value());
    Report r = normalize(predicted, o);
    if (r.error) return *r.error;
  }
  auto v = compare_with_prediction(before, expected ? *expected : predicted, actual);
  if (!v) return v.error();
  auto rv = review_run(before, actual, o);
  if (!rv) return rv.error();
  v->checks = std::move(rv->checks);
  return v;
}

}  // namespace redline
