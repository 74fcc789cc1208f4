#include "core/load/text_chars.hpp"

#include <algorithm>
#include <chrono>

#include <sqlite3.h>

namespace redline::load {

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

Result<bool> TextCharsJob::work(double budget_ms) {
  const auto t0 = std::chrono::steady_clock::now();
  if (!listed_) {
    auto tables = sql::user_tables(db_);
    if (!tables) return tables.error();
    tables_ = std::move(tables.value());
    listed_ = true;
  }
  std::size_t rows = 0;
  while (next_ < tables_.size()) {
    if (!scan_) {
      // A plain scan yields row by row (a DISTINCT or a filter in SQL could read the
      // whole table before its first row).
      auto st = db_.prepare("SELECT * FROM main." + sql::quote_ident(tables_[next_]));
      if (!st) return st.error();
      scan_ = std::move(st.value());
    }
    auto r = scan_->step();
    if (!r) return r.error();
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
    if (++rows % 256 == 0 && ms_since(t0) >= budget_ms)
      return false;
  }
  dedup();
  return true;
}

Position TextCharsJob::position() const {
  return {tables_.empty() ? 0.0 : static_cast<double>(next_) / static_cast<double>(tables_.size()), "characters"};
}

}  // namespace redline::load
