#include "core/snapshot.hpp"

#include <chrono>
#include <cstring>

#include "core/loaders.hpp"
#include "core/recognize.hpp"

namespace redline {

const char* format_name(Format f) {
  switch (f) {
    case Format::Sqlite: return "sqlite";
    case Format::PgDump: return "pgdump";
    case Format::DumpData: return "dumpdata";
    case Format::PgCustom: return "pg_dump custom format";
    case Format::Compressed: return "compressed archive";
    case Format::Unknown: return "unknown";
  }
  return "unknown";
}

namespace {

bool starts_with(const std::uint8_t* d, std::size_t n, const char* magic, std::size_t m) {
  return n >= m && std::memcmp(d, magic, m) == 0;
}

bool starts_with_word(const std::uint8_t* d, std::size_t n, const char* word) {
  std::size_t m = std::strlen(word);
  if (n < m) return false;
  for (std::size_t i = 0; i < m; ++i) {
    char c = static_cast<char>(d[i]);
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != word[i]) return false;
  }
  return n == m || !((d[m] >= 'A' && d[m] <= 'Z') || (d[m] >= 'a' && d[m] <= 'z') || d[m] == '_');
}

}  // namespace

Format detect_format(const std::uint8_t* d, std::size_t n) {
  if (starts_with(d, n, "SQLite format 3\0", 16)) return Format::Sqlite;
  if (starts_with(d, n, "PGDMP", 5)) return Format::PgCustom;
  if (starts_with(d, n, "\x1f\x8b", 2) || starts_with(d, n, "\x28\xb5\x2f\xfd", 4) ||
      starts_with(d, n, "\xfd" "7zXZ\0", 6) || starts_with(d, n, "BZh", 3) ||
      starts_with(d, n, "PK\x03\x04", 4)) {
    return Format::Compressed;
  }
  std::size_t i = 0;
  if (starts_with(d, n, "\xef\xbb\xbf", 3)) i = 3;  // UTF-8 byte order mark
  while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n')) ++i;
  if (i >= n) return Format::Unknown;
  if (d[i] == '[' || d[i] == '{') return Format::DumpData;
  const std::uint8_t* p = d + i;
  std::size_t r = n - i;
  if (starts_with(p, r, "--", 2) || starts_with(p, r, "/*", 2) || starts_with(p, r, "\\restrict", 9)) {
    return Format::PgDump;
  }
  for (const char* kw : {"SET", "CREATE", "INSERT", "COPY", "SELECT", "BEGIN", "ALTER", "START"}) {
    if (starts_with_word(p, r, kw)) return Format::PgDump;
  }
  return Format::Unknown;
}

Result<std::map<std::string, std::int64_t>> table_row_counts(sql::Database& db) {
  auto names = db.prepare(
      "SELECT name FROM sqlite_schema WHERE type='table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
      "ORDER BY name");
  if (!names) return names.error();
  std::map<std::string, std::int64_t> out;
  for (;;) {
    auto r = names->step();
    if (!r) return r.error();
    if (*r == sql::StepResult::Done) break;
    std::string t = names->column_text(0);
    auto c = db.query_int("SELECT count(*) FROM " + sql::quote_ident(t));
    if (!c) return c.error();
    out[t] = c->value_or(0);
  }
  return out;
}

Status describe_snapshot(sql::Database& db, LoadSummary& summary) {
  auto counts = table_row_counts(db);
  if (!counts) return counts.error();
  summary.tables = std::move(counts.value());
  auto recognized = recognize_snapshot(db);
  if (!recognized) return recognized.error();
  summary.kind = to_string(recognized->kind);
  summary.recognition = recognized->description;
  return ok_status();
}

Result<Snapshot> load_snapshot(const std::vector<std::uint8_t>& bytes, const std::string& name) {
  auto t0 = std::chrono::steady_clock::now();
  LoadSummary summary;
  summary.name = name;
  summary.bytes = bytes.size();
  if (bytes.empty()) {
    return make_error(ErrorCode::BadInput, "the file is empty: nothing to load", name);
  }
  summary.format = detect_format(bytes.data(), bytes.size());

  sql::Database db;
  switch (summary.format) {
    case Format::Sqlite: {
      auto r = detail::load_sqlite(bytes, name, summary);
      if (!r) return r.error();
      db = std::move(r.value());
      break;
    }
    case Format::PgDump:
    case Format::DumpData: {
      auto m = sql::Database::open_memory();
      if (!m) return m.error();
      db = std::move(m.value());
      Status s = summary.format == Format::PgDump
                     ? detail::load_pgdump(bytes, name, db, summary)
                     : detail::load_dumpdata(bytes, name, db, summary);
      if (!s) return s.error();
      break;
    }
    case Format::PgCustom:
      return make_error(ErrorCode::Unsupported,
                        "this is a pg_dump custom-format archive (-Fc), which Redline cannot read; "
                        "convert it to plain SQL with: pg_restore -f backup.sql " + name,
                        name + ", format: pg_dump custom");
    case Format::Compressed:
      return make_error(ErrorCode::Unsupported,
                        "this file is compressed; decompress it first (for example "
                        "gunzip, unzstd, unxz or unzip) and load the plain file",
                        name + ", format: compressed");
    case Format::Unknown:
      return make_error(ErrorCode::BadInput,
                        "unrecognized file: expected a SQLite database, pg_dump plain SQL or "
                        "Django dumpdata JSON",
                        name + ", byte 0");
  }
  REDLINE_TRY(describe_snapshot(db, summary));
  summary.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return Snapshot{std::move(db), std::move(summary)};
}

namespace detail {

Result<sql::Database> load_sqlite(const std::vector<std::uint8_t>& bytes, const std::string& name,
                                  LoadSummary& /*summary*/) {
  auto db = sql::Database::deserialize(bytes, name);
  if (!db) {
    Error e = db.error();
    e.context = name + ", format: sqlite" + (e.context == name ? "" : "; " + e.context);
    return e;
  }
  return db;
}

}  // namespace detail

}  // namespace redline
