#include "core/load/snapshot.hpp"

#include <sqlite3.h>

#include <cctype>
#include <chrono>
#include <cstring>
#include <memory>
#include <optional>

#include "core/load/loaders.hpp"
#include "core/load/recognize.hpp"
#include "core/load/wal.hpp"

namespace redline {

const char* format_name(Format f) {
  switch (f) {
    case Format::Sqlite: return "sqlite";
    case Format::SqliteDump: return "sqlite-dump";
    case Format::PgDump: return "pgdump";
    case Format::DumpData: return "dumpdata";
    case Format::PgCustom: return "pg_dump custom format";
    case Format::Compressed: return "compressed archive";
    case Format::Unknown: return "unknown";
  }
  return "unknown";
}

const char* report_format_name(Format f) { return f == Format::SqliteDump ? "sqlite" : format_name(f); }

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
  // A SQLite file cut inside its 16-byte magic string: the SQLite loader says so.
  if (n >= 6 && n < 16 && std::memcmp(d, "SQLite format 3\0", n) == 0) return Format::Sqlite;
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
  // sqlite3's .dump always opens with these two statements (pg_dump never writes PRAGMA).
  if (starts_with(p, r, "PRAGMA foreign_keys=OFF;", 24)) {
    std::size_t j = 24;
    while (j < r && (p[j] == '\r' || p[j] == '\n')) ++j;
    if (starts_with(p + j, r - j, "BEGIN TRANSACTION;", 18)) return Format::SqliteDump;
  }
  if (starts_with(p, r, "--", 2) || starts_with(p, r, "/*", 2) || starts_with(p, r, "\\restrict", 9)) {
    return Format::PgDump;
  }
  for (const char* kw : {"SET", "CREATE", "INSERT", "COPY", "SELECT", "BEGIN", "ALTER", "START"}) {
    if (starts_with_word(p, r, kw)) return Format::PgDump;
  }
  return Format::Unknown;
}

Result<std::map<std::string, std::int64_t>> table_row_counts(sql::Database& db) {
  auto names = sql::user_tables(db);
  if (!names) return names.error();
  std::map<std::string, std::int64_t> out;
  for (const std::string& t : *names) {
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

namespace {

const char* compression_name(const std::vector<std::uint8_t>& b) {
  if (b.size() >= 2 && b[0] == 0x1f && b[1] == 0x8b) return "gzip";
  if (b.size() >= 4 && b[0] == 0x28 && b[1] == 0xb5) return "zstd";
  if (b.size() >= 1 && b[0] == 0xfd) return "xz";
  if (b.size() >= 1 && b[0] == 'B') return "bzip2";
  return "zip";
}

// Why a file is none of the three formats, and where its content starts.
Error unrecognized(const std::vector<std::uint8_t>& b, const std::string& name) {
  const std::size_t n = b.size();
  // UTF-16 text: a byte order mark, or ASCII with every other byte NUL.
  const char* utf16 = nullptr;
  if (n >= 2 && b[0] == 0xff && b[1] == 0xfe) utf16 = "UTF-16 little-endian (byte order mark FF FE)";
  else if (n >= 2 && b[0] == 0xfe && b[1] == 0xff) utf16 = "UTF-16 big-endian (byte order mark FE FF)";
  else if (n >= 4 && b[0] != 0 && b[0] < 0x80 && b[1] == 0 && b[2] != 0 && b[2] < 0x80 && b[3] == 0)
    utf16 = "UTF-16 little-endian";
  else if (n >= 4 && b[0] == 0 && b[1] != 0 && b[1] < 0x80 && b[2] == 0 && b[3] != 0 && b[3] < 0x80)
    utf16 = "UTF-16 big-endian";
  if (utf16) {
    return make_error(ErrorCode::BadInput,
                      std::string("the file is text in ") + utf16 +
                          "; Redline reads UTF-8 exports: convert it first (iconv -f UTF-16 -t UTF-8)",
                      name + ", format: unknown (UTF-16 text), byte 0");
  }
  // A -wal file given instead of its database (its magic number 0x377f0682/3).
  if (n >= 4 && b[0] == 0x37 && b[1] == 0x7f && b[2] == 0x06 && (b[3] == 0x82 || b[3] == 0x83)) {
    const bool suffixed = name.size() > 4 && name.compare(name.size() - 4, 4, "-wal") == 0;
    const std::string db = suffixed ? name.substr(0, name.size() - 4) : std::string("the database file");
    return make_error(ErrorCode::BadInput,
                      "this is a SQLite WAL file (the -wal file of a database in WAL mode), not a database: load " +
                          db + " instead, and Redline reads this -wal file beside it",
                      name + ", format: sqlite WAL, byte 0 (WAL magic number)");
  }
  std::size_t i = n >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf ? 3 : 0;
  while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) ++i;
  if (i >= n) {
    return make_error(ErrorCode::BadInput,
                      "the file holds only blank space (" + std::to_string(n) + " bytes): nothing to load",
                      name + ", format: unknown, byte " + std::to_string(n));
  }
  // Django's other dumpdata formats: named, with the command that makes the JSON one.
  auto at = [&](const char* text) {
    std::size_t len = std::strlen(text);
    return n - i >= len && std::memcmp(b.data() + i, text, len) == 0;
  };
  const char* other = nullptr;
  if (at("<?xml") || at("<django-objects")) other = "XML";
  else if (at("- model:") || at("- pk:") || at("- fields:")) other = "YAML";
  if (other) {
    return make_error(ErrorCode::Unsupported,
                      std::string("this is a Django dumpdata ") + other + " export (dumpdata --format " +
                          (other[0] == 'X' ? "xml" : "yaml") +
                          "), which Redline does not read; export JSON instead: python manage.py dumpdata "
                          "--format json --indent 1 > FILE.json",
                      name + ", format: dumpdata " + other + ", byte " + std::to_string(i));
  }
  // Show the first bytes: printable ASCII as is, anything else as \xNN.
  std::string shown;
  for (std::size_t k = i; k < n && k < i + 16; ++k) {
    if (b[k] >= 0x20 && b[k] < 0x7f) {
      shown += static_cast<char>(b[k]);
    } else {
      static const char* kHex = "0123456789abcdef";
      shown += "\\x";
      shown += kHex[b[k] >> 4];
      shown += kHex[b[k] & 15];
    }
  }
  return make_error(ErrorCode::BadInput,
                    "unrecognized file: expected a SQLite database, pg_dump plain SQL or Django dumpdata "
                    "JSON, found '" + shown + (n > i + 16 ? "...'" : "'"),
                    name + ", format: unknown, byte " + std::to_string(i));
}

}  // namespace

namespace {
// A POSIX tar archive: "ustar" at byte 257 of its first header. pg_dump -Ft writes one
// (its first member is toc.dat).
bool is_tar(const std::vector<std::uint8_t>& b) {
  return b.size() >= 262 && std::memcmp(b.data() + 257, "ustar", 5) == 0;
}
}  // namespace

std::optional<Error> detail::unloadable(const std::vector<std::uint8_t>& bytes, const std::string& name) {
  if (bytes.empty()) {
    return make_error(ErrorCode::BadInput, "the file is empty: nothing to load",
                      name + ", format: unknown, byte 0");
  }
  switch (detect_format(bytes.data(), bytes.size())) {
    case Format::PgCustom:
      return make_error(ErrorCode::Unsupported,
                        "this is a pg_dump custom-format archive (-Fc), which Redline cannot read; "
                        "convert it to plain SQL with: pg_restore -f backup.sql " + name,
                        name + ", format: pg_dump custom, byte 0 (signature PGDMP)");
    case Format::Compressed:
      return make_error(ErrorCode::Unsupported,
                        std::string("this file is ") + compression_name(bytes) +
                            "-compressed; decompress it first (for example gunzip, unzstd, unxz, "
                            "bunzip2 or unzip) and load the plain file",
                        name + ", format: compressed (" + compression_name(bytes) + "), byte 0");
    case Format::Unknown:
      if (is_tar(bytes)) {
        const bool pg = bytes.size() >= 7 && std::memcmp(bytes.data(), "toc.dat", 7) == 0;
        return make_error(ErrorCode::Unsupported,
                          std::string(pg ? "this is a pg_dump tar-format archive (-Ft)"
                                         : "this is a tar archive") +
                              ", which Redline cannot read; " +
                              (pg ? "convert it to plain SQL with: pg_restore -f backup.sql " + name
                                  : "extract it (tar xf " + name + ") and load the snapshot inside"),
                          name + ", format: " + (pg ? "pg_dump tar" : "tar") + ", byte 257 (ustar header)");
      }
      return unrecognized(bytes, name);
    default: return std::nullopt;
  }
}

Result<Snapshot> load_snapshot(const std::vector<std::uint8_t>& bytes, const std::string& name,
                               const WalInput* wal) {
  auto t0 = std::chrono::steady_clock::now();
  LoadSummary summary;
  summary.name = name;
  summary.bytes = bytes.size();
  if (auto e = detail::unloadable(bytes, name)) return *e;
  summary.format = detect_format(bytes.data(), bytes.size());

  sql::Database db;
  switch (summary.format) {
    case Format::Sqlite: {
      auto r = detail::load_sqlite(bytes, name, summary, wal);
      if (!r) return r.error();
      db = std::move(r.value());
      break;
    }
    case Format::SqliteDump:
    case Format::PgDump:
    case Format::DumpData: {
      auto m = sql::Database::open_memory();
      if (!m) return m.error();
      db = std::move(m.value());
      Status s = summary.format == Format::PgDump       ? detail::load_pgdump(bytes, name, db, summary)
                 : summary.format == Format::SqliteDump ? detail::load_sqlite_dump(bytes, name, db, summary)
                                                        : detail::load_dumpdata(bytes, name, db, summary);
      if (!s) return s.error();
      break;
    }
    case Format::PgCustom:
    case Format::Compressed:
    case Format::Unknown:
      // unloadable() above has refused these, with the message saying why.
      return make_error(ErrorCode::Internal, "a format Redline cannot load reached the loader", name);
  }
  REDLINE_TRY(describe_snapshot(db, summary));
  summary.ms = ms_since(t0);
  return Snapshot{std::move(db), std::move(summary)};
}

namespace detail {

namespace {

std::uint32_t be16(const std::uint8_t* p) { return (std::uint32_t{p[0]} << 8) | p[1]; }
std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// A SQLite file is a 100-byte header and whole pages of the size it declares. What
// SQLite would only call "malformed" is said here precisely, with the byte offset.
std::optional<Error> check_sqlite_header(const std::vector<std::uint8_t>& b, const std::string& name) {
  const std::string ctx = name + ", format: sqlite, byte ";
  const std::size_t n = b.size();
  if (n < 100) {
    return make_error(ErrorCode::BadInput,
                      "the file ends inside the 100-byte SQLite header, after " + std::to_string(n) +
                          " byte(s) (truncated?)",
                      ctx + std::to_string(n) + " (end of file)");
  }
  std::uint32_t page = be16(&b[16]);
  if (page == 1) page = 65536;
  if (page < 512 || (page & (page - 1)) != 0) {
    return make_error(ErrorCode::BadInput,
                      "the header's page size is " + std::to_string(page) +
                          ", which is not a SQLite page size (a power of two from 512 to 65536)",
                      ctx + "16 (header: page size)");
  }
  if (b[18] < 1 || b[18] > 2 || b[19] < 1 || b[19] > 2) {
    return make_error(ErrorCode::BadInput,
                      "the header's file format versions are " + std::to_string(b[18]) + " and " +
                          std::to_string(b[19]) + " (SQLite writes 1 or 2)",
                      ctx + "18 (header: file format versions)");
  }
  if (b[21] != 64 || b[22] != 32 || b[23] != 32) {
    return make_error(ErrorCode::BadInput,
                      "the header's payload fractions are " + std::to_string(b[21]) + "/" +
                          std::to_string(b[22]) + "/" + std::to_string(b[23]) + " (SQLite writes 64/32/32)",
                      ctx + "21 (header: payload fractions)");
  }
  if (b[20] > page - 480) {
    return make_error(ErrorCode::BadInput,
                      "the header reserves " + std::to_string(b[20]) + " bytes of each " + std::to_string(page) +
                          "-byte page, leaving too little for data",
                      ctx + "20 (header: reserved bytes per page)");
  }
  const std::size_t whole = n / page;
  if (n % page != 0) {
    return make_error(ErrorCode::BadInput,
                      "the file is " + std::to_string(n) + " bytes, not a whole number of the " +
                          std::to_string(page) + "-byte pages its header declares at byte 16: it is " +
                          "truncated (or the page size in the header is wrong)",
                      ctx + std::to_string(n) + " (end of file, inside page " + std::to_string(whole + 1) + ")");
  }
  // The page count in the header counts when it is "valid" (SQLite's rule: non-zero,
  // and the change counter at 24 equals the version-valid-for number at 92).
  std::uint32_t declared = be32(&b[28]);
  if (declared != 0 && be32(&b[24]) == be32(&b[92]) && declared > whole) {
    return make_error(ErrorCode::BadInput,
                      "the header says the database has " + std::to_string(declared) +
                          " pages (byte 28), but the file holds only " + std::to_string(whole) + " pages of " +
                          std::to_string(page) + " bytes: it is truncated",
                      ctx + std::to_string(n) + " (end of file, where page " + std::to_string(whole + 1) +
                          " should start)");
  }
  return std::nullopt;
}

// The first "page N" in a quick_check line ("Page 4: ...", "On tree page 4 cell 0: ...").
std::string page_in(const std::string& line) {
  for (std::size_t i = 0; i + 5 < line.size(); ++i) {
    if ((line[i] == 'p' || line[i] == 'P') && line.compare(i + 1, 4, "age ") == 0 &&
        std::isdigit(static_cast<unsigned char>(line[i + 5]))) {
      std::size_t j = i + 5;
      while (j < line.size() && std::isdigit(static_cast<unsigned char>(line[j]))) ++j;
      return line.substr(i + 5, j - i - 5);
    }
  }
  return {};
}

// Where a file SQLite called corrupt is damaged: which table (each table's b-tree is
// checked on its own) and which page. Only on the error path; never fails.
std::string locate_damage(const std::vector<std::uint8_t>& bytes, std::string& problem) {
  auto m = sql::Database::open_memory();
  if (!m) return {};
  sqlite3* db = m->handle();
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  auto* buf = static_cast<unsigned char*>(sqlite3_malloc64(bytes.size()));
  if (!buf) return {};
  std::memcpy(buf, bytes.data(), bytes.size());
  auto size = static_cast<sqlite3_int64>(bytes.size());
  if (sqlite3_deserialize(db, "main", buf, size, size,
                          SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY) != SQLITE_OK) {
    return {};
  }
  auto rows = [&](const std::string& sql, std::vector<std::string>& out) {
    sqlite3_stmt* st = nullptr;
    int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
      const unsigned char* t = sqlite3_column_text(st, 0);
      out.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
      rc = SQLITE_OK;
    }
    std::string err = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db);
    sqlite3_finalize(st);
    return err;
  };
  std::vector<std::string> tables;
  std::string err = rows("SELECT name FROM sqlite_schema WHERE type = 'table' AND rootpage > 0 ORDER BY rootpage",
                         tables);
  if (!err.empty()) {
    // "malformed database schema (organizations) - ...": the entry that does not parse.
    auto open = err.find("schema (");
    auto close = open == std::string::npos ? std::string::npos : err.find(')', open);
    if (close != std::string::npos) return "table " + err.substr(open + 8, close - open - 8) + " (its sqlite_schema entry), page 1";
    return "page 1 (the schema)";
  }
  // quick_check's rows: "ok", or problems, the first one prefixed with a line
  // "*** in database main ***".
  auto first_problem = [](const std::vector<std::string>& lines) {
    for (std::string l : lines) {
      if (l.rfind("*** in database", 0) == 0) {
        auto nl = l.find('\n');
        l = nl == std::string::npos ? std::string() : l.substr(nl + 1);
      }
      l = l.substr(0, l.find('\n'));
      if (!l.empty() && l != "ok") return l;
    }
    return std::string();
  };
  std::vector<std::string> all;
  (void)rows("PRAGMA quick_check", all);
  problem = first_problem(all);
  std::string where, page = page_in(problem);
  for (const auto& t : tables) {
    std::vector<std::string> out;
    std::string e = rows("PRAGMA quick_check(" + sql::quote_ident(t) + ")", out);
    std::string line = first_problem(out);
    if (e.empty() && line.empty()) continue;
    where = "table " + t;
    if (problem.empty()) problem = line.empty() ? e : line;
    if (!page_in(line).empty()) page = page_in(line);
    break;
  }
  if (!page.empty()) where += (where.empty() ? "" : ", ") + std::string("page ") + page;
  return where;
}

// The image SQLite opens: `bytes` itself, or for a database in WAL mode (header
// bytes 18 and 19 are 2) a copy in `storage` with `wal`'s committed frames applied,
// marked as a rollback-journal database (an in-memory image has no -wal beside
// it). The caller's bytes stay as they are.
Result<const std::vector<std::uint8_t>*> sqlite_image(const std::vector<std::uint8_t>& bytes, const std::string& name,
                                                      const WalInput* wal, std::vector<std::uint8_t>& storage,
                                                      LoadSummary& summary) {
  if (!sqlite_wal_mode(bytes.data(), bytes.size())) {
    if (wal) {
      summary.warnings.push_back(wal->name + " was not read: " + name +
                                 " is not in WAL mode (header bytes 18-19), so SQLite ignores that file too");
    }
    return &bytes;
  }
  static const std::vector<std::uint8_t> kNoWal;
  auto applied = apply_wal(bytes, wal ? wal->bytes : kNoWal, name, wal ? wal->name : name + "-wal");
  if (!applied) return applied.error();
  storage = std::move(applied->image);
  if (wal) {
    summary.wal = wal_note(*applied, wal->name);
  } else {
    summary.warnings.push_back("the database is in WAL mode and no " + name +
                               "-wal file came with it: loaded as of its last checkpoint (changes still in a "
                               "-wal file, if one was left beside it, are not in this load)");
  }
  return &storage;
}


// The image opened and checked whole (quick_check), an error naming the table and
// page of the damage.
Result<sql::Database> checked_sqlite(const std::vector<std::uint8_t>& image, const std::string& name) {
  auto db = sql::Database::deserialize(image, name);
  if (!db) {
    Error e = db.error();
    std::string problem;
    std::string where = locate_damage(image, problem);
    if (!problem.empty() && e.message.find(problem) == std::string::npos) e.message += " (" + problem + ")";
    e.context = name + ", format: sqlite" + (where.empty() ? std::string(", page 1") : ", " + where) +
                (e.context == name ? "" : "; " + e.context);
    return e;
  }
  return db;
}

}  // namespace

Result<sql::Database> load_sqlite(const std::vector<std::uint8_t>& bytes, const std::string& name,
                                  LoadSummary& summary, const WalInput* wal) {
  if (auto bad = check_sqlite_header(bytes, name)) return *bad;
  std::vector<std::uint8_t> storage;
  auto src = sqlite_image(bytes, name, wal, storage, summary);
  if (!src) return src.error();
  return checked_sqlite(**src, name);
}


namespace {

// The SQLite file in slices: the header check, the image opened where it is (the
// user's bytes, or a WAL-mode file's image with its -wal applied, moved into the
// database, read-only: never copied), then quick_check one b-tree at a time (the
// schema, then each table with its indexes). On a problem, the error is
// load_sqlite()'s (checked_sqlite() on the same image: its count of problems and the
// table and page of the damage); the file is not read again, but the image is
// checked whole once more on that path.
class SlicedSqlite final : public SlicedLoader {
 public:
  SlicedSqlite(std::vector<std::uint8_t>& bytes, const std::string& name, sql::Database& db, LoadSummary& summary)
      : bytes_(bytes), name_(name), db_(db), summary_(summary), total_(bytes.size()) {}

  Status begin(const WalInput* wal) {
    if (auto bad = check_sqlite_header(bytes_, name_)) return *bad;
    auto src = sqlite_image(bytes_, name_, wal, storage_, summary_);
    if (!src) return src.error();
    in_bytes_ = *src == &bytes_;
    return ok_status();
  }

  Result<bool> step(std::chrono::steady_clock::time_point deadline) override {
    if (!db_.valid() && !open()) return damaged();
    while (next_ < trees_.size()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      const std::string& t = trees_[next_];
      auto st = db_.prepare("PRAGMA quick_check(" + sql::quote_ident(t) + ")");
      if (!st) return damaged();
      for (;;) {
        auto r = st->step();
        if (!r) return damaged();
        if (*r == sql::StepResult::Done) break;
        if (st->column_text(0) != "ok") return damaged();
      }
      ++next_;
    }
    return true;
  }
  // The checks are the work (opening takes no time).
  std::uint64_t consumed() const override {
    return trees_.empty() ? 0 : total_ * next_ / trees_.size();
  }
  std::string table() const override { return next_ < trees_.size() ? trees_[next_] : std::string(); }

 private:
  std::vector<std::uint8_t>& image() { return in_bytes_ ? bytes_ : storage_; }

  // The error of a damaged file, as load_sqlite() words it. The image comes back
  // from the database first (the user's bytes go back to the job).
  Error damaged() {
    if (db_.held_image()) image() = db_.release_held_image();
    db_ = sql::Database();
    auto whole = checked_sqlite(image(), name_);
    if (!whole) return whole.error();
    return make_error(ErrorCode::BadInput, "the SQLite file is corrupt", name_ + ", format: sqlite");
  }

  // SQLite takes the image where it is; the b-trees to check are listed.
  Status open() {
    auto db = sql::Database::open_in_place(image(), name_);
    if (!db) return db.error();
    db_ = std::move(db.value());
    trees_.push_back("sqlite_schema");
    auto names = db_.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND rootpage > 0 ORDER BY rootpage");
    if (!names) return names.error();
    for (;;) {
      auto r = names->step();
      if (!r) return r.error();
      if (*r == sql::StepResult::Done) break;
      trees_.push_back(names->column_text(0));
    }
    return ok_status();
  }

  std::vector<std::uint8_t>& bytes_;  // the job's: moved into the database once open
  const std::string& name_;
  sql::Database& db_;
  LoadSummary& summary_;
  std::uint64_t total_;                // the file's size
  std::vector<std::uint8_t> storage_;  // a WAL-mode file's image (sqlite_image)
  bool in_bytes_ = true;               // the image is the user's bytes (no WAL applied)
  std::vector<std::string> trees_;
  std::size_t next_ = 0;
};
}  // namespace

Result<std::unique_ptr<SlicedLoader>> start_sqlite(std::vector<std::uint8_t>& bytes, const std::string& name,
                                                   sql::Database& db, LoadSummary& summary,
                                                   const WalInput* wal) {
  auto l = std::make_unique<SlicedSqlite>(bytes, name, db, summary);
  REDLINE_TRY(l->begin(wal));
  return std::unique_ptr<SlicedLoader>(std::move(l));
}

}  // namespace detail

}  // namespace redline
