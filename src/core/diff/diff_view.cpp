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

Progress SearchJob::step(double budget_ms) {
  Progress p;
  p.phase = "search";
  const auto t0 = std::chrono::steady_clock::now();
  while (!result_.done) {
    auto page = fetch_rows(before_, after_, table_, result_.kind, result_.scanned, kSearchPage);
    if (!page) {
      p.state = JobState::Error;
      p.error = page.error();
      result_.done = true;
      return p;
    }
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
    if (std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() >= budget_ms) break;
  }
  p.fraction = result_.total ? static_cast<double>(result_.scanned) / static_cast<double>(result_.total) : 1.0;
  p.state = result_.done ? JobState::Done : JobState::More;
  return p;
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

void add_code_points(std::string_view s, std::vector<char32_t>& out) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
    char32_t cp = len == 4 ? c & 0x07 : len == 3 ? c & 0x0F : c & 0x1F;
    bool ok = len > 0 && i + static_cast<std::size_t>(len) <= s.size();
    for (int k = 1; ok && k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
      if ((cc & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are invalid too.
    if (ok && ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
               (cp >= 0xD800 && cp <= 0xDFFF)))
      ok = false;
    if (!ok) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += static_cast<std::size_t>(len);
  }
}

Result<std::vector<char32_t>> text_code_points(sql::Database& db) {
  TextCharsJob job(db);
  for (;;) {
    Progress p = job.step(1e9);
    if (p.state == JobState::Error) return *p.error;
    if (p.state == JobState::Done) return job.take_result();
  }
}

void TextCharsJob::dedup() {
  std::sort(out_.begin(), out_.end());
  out_.erase(std::unique(out_.begin(), out_.end()), out_.end());
}

Progress TextCharsJob::step(double budget_ms) {
  Progress p;
  p.phase = "characters";
  const auto t0 = std::chrono::steady_clock::now();
  auto fail = [&](const Error& e) {
    p.state = JobState::Error;
    p.error = e;
    return p;
  };
  if (!listed_) {
    auto tables = sql::user_tables(db_);
    if (!tables) return fail(tables.error());
    tables_ = std::move(tables.value());
    listed_ = true;
  }
  std::size_t rows = 0;
  while (next_ < tables_.size()) {
    if (!scan_) {
      // A plain scan yields row by row (a DISTINCT or a filter in SQL could read the
      // whole table before its first row).
      auto st = db_.prepare("SELECT * FROM main." + sql::quote_ident(tables_[next_]));
      if (!st) return fail(st.error());
      scan_ = std::move(st.value());
    }
    auto r = scan_->step();
    if (!r) return fail(r.error());
    if (*r == sql::StepResult::Row) {
      sqlite3_stmt* h = scan_->handle();
      const int n = sqlite3_column_count(h);
      for (int c = 0; c < n; ++c) {
        if (sqlite3_column_type(h, c) != SQLITE_TEXT) continue;
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(h, c));
        const int len = sqlite3_column_bytes(h, c);
        std::string_view v(text ? text : "", static_cast<std::size_t>(text ? len : 0));
        // Most values are ASCII: only those with a byte above 0x7F are decoded.
        if (std::any_of(v.begin(), v.end(), [](char ch) { return static_cast<unsigned char>(ch) > 0x7F; }))
          add_code_points(v, out_);
      }
      if (out_.size() > dedup_at_) {
        dedup();
        dedup_at_ = std::max<std::size_t>(4096, 2 * out_.size());
      }
    } else {
      scan_.reset();
      ++next_;
    }
    if (++rows % 256 == 0 &&
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() >= budget_ms)
      break;
  }
  if (next_ >= tables_.size()) {
    dedup();
    p.state = JobState::Done;
    p.fraction = 1.0;
  } else {
    p.fraction = static_cast<double>(next_) / static_cast<double>(tables_.size());
  }
  return p;
}

}  // namespace redline::diff
