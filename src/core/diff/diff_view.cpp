#include "core/diff/diff_view.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <sqlite3.h>

namespace redline::diff {

namespace {

constexpr std::size_t kSearchPage = 512;

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string fold_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool value_contains(const Value& v, const std::string& folded_query) {
  // NULL shows as "NULL" but is no text: searching "null" should not find every row.
  if (v.type == Value::Type::Absent || v.type == Value::Type::Null) return false;
  return fold_ascii(v.display()).find(folded_query) != std::string::npos;
}

}  // namespace

bool row_matches(const TableDiff& table, const RowEntry& row, std::string_view query) {
  query = trim(query);
  if (query.empty()) return false;
  std::string key = row_key_text(table, row);
  if (key == query) return true;
  // "#12" finds the row with key 12 too, as keys are often written that way.
  if (query.front() == '#' && key == query.substr(1)) return true;
  const std::string q = fold_ascii(query);
  for (const Value& v : row.before)
    if (value_contains(v, q)) return true;
  for (const Value& v : row.after)
    if (value_contains(v, q)) return true;
  return false;
}

SearchJob::SearchJob(sql::Database& before, sql::Database& after, const TableDiff& table, RowChange kind,
                     std::string query, std::size_t keep)
    : before_(before), after_(after), table_(table), keep_(keep) {
  result_.table = table.name;
  result_.kind = kind;
  result_.query = std::move(query);
  result_.total = table.count(kind);
  if (trim(result_.query).empty()) {
    result_.scanned = result_.total;
    result_.done = true;
  }
}

Result<bool> SearchJob::work(double budget_ms) {
  const auto t0 = std::chrono::steady_clock::now();
  while (!result_.done) {
    auto page = fetch_rows(before_, after_, table_, result_.kind, result_.scanned, kSearchPage);
    if (!page) return page.error();
    for (std::size_t i = 0; i < page->rows.size(); ++i) {
      if (!row_matches(table_, page->rows[i], result_.query)) continue;
      ++result_.matches;
      if (result_.rows.size() < keep_) {
        result_.indices.push_back(result_.scanned + i);
        result_.rows.push_back(std::move(page->rows[i]));
      }
    }
    result_.scanned += page->rows.size();
    if (page->rows.empty() || result_.scanned >= result_.total) result_.done = true;
    if (ms_since(t0) >= budget_ms) break;
  }
  return result_.done;
}

Position SearchJob::position() const {
  return {result_.total ? static_cast<double>(result_.scanned) / static_cast<double>(result_.total) : 1.0, "search"};
}

double ChangeDensity::position(std::int64_t id) const {
  if (hi <= lo) return 0.0;
  return std::clamp(static_cast<double>(id - lo) / static_cast<double>(hi - lo + 1), 0.0, 1.0);
}

std::int64_t ChangeDensity::id_at(double pos) const {
  if (hi <= lo) return lo;
  pos = std::clamp(pos, 0.0, 1.0);
  return std::min(hi, lo + static_cast<std::int64_t>(std::floor(pos * static_cast<double>(hi - lo + 1) + 1e-9)));
}

Result<ChangeDensity> change_density(sql::Database& before, sql::Database& after, const TableDiff& table,
                                     std::size_t buckets) {
  ChangeDensity d;
  d.table = table.name;
  d.buckets = std::max<std::size_t>(buckets, 1);
  bool any = false;
  auto widen = [&](std::int64_t a, std::int64_t b) {
    if (!any) {
      d.lo = a;
      d.hi = b;
      any = true;
    } else {
      d.lo = std::min(d.lo, a);
      d.hi = std::max(d.hi, b);
    }
  };
  // The range of row handles on each side: rowids, or positions for WITHOUT ROWID
  // tables (diff.hpp's handles), so that unchanged rows take their share of the map.
  auto side_range = [&](sql::Database& db, const TableSide& side) -> Status {
    if (!side.present || side.rows == 0) return ok_status();
    if (side.without_rowid) {
      widen(1, side.rows);
      return ok_status();
    }
    auto st = db.prepare("SELECT min(rowid), max(rowid) FROM main." + sql::quote_ident(side.name));
    if (!st) return st.error();
    auto r = st->step();
    if (!r) return r.error();
    if (!st->column_is_null(0)) widen(st->column_int(0), st->column_int(1));
    return ok_status();
  };
  if (Status s = side_range(before, table.before); !s) return s.error();
  if (Status s = side_range(after, table.after); !s) return s.error();
  for (const auto* v : {&table.added, &table.removed, &table.changed.before_ids})
    if (!v->empty()) widen(v->front(), v->back());

  d.added.assign(d.buckets, 0.0f);
  d.removed.assign(d.buckets, 0.0f);
  d.changed.assign(d.buckets, 0.0f);
  if (!any) {
    d.hi = d.lo - 1;
    return d;
  }
  const double span = static_cast<double>(d.hi - d.lo + 1);
  auto bucket_of = [&](std::int64_t id) {
    auto b = static_cast<std::size_t>(std::floor(static_cast<double>(id - d.lo) / span * static_cast<double>(d.buckets)));
    return std::min(b, d.buckets - 1);
  };
  auto count = [&](const std::vector<std::int64_t>& ids, std::vector<float>& out) {
    for (std::int64_t id : ids) out[bucket_of(id)] += 1.0f;
  };
  count(table.added, d.added);
  count(table.removed, d.removed);
  count(table.changed.before_ids, d.changed);
  // Density: a bucket covers span/buckets id slots (at least one).
  const float slots = static_cast<float>(std::max(1.0, span / static_cast<double>(d.buckets)));
  for (auto* v : {&d.added, &d.removed, &d.changed})
    for (float& x : *v) x = std::min(1.0f, x / slots);
  return d;
}

}  // namespace redline::diff
