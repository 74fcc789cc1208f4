#include "core/sqlite.hpp"

#include "core/io.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <utility>

namespace redline::sql {

namespace {

Error sqlite_error(sqlite3* db, int rc, std::string_view what, std::string_view sql = {}) {
  std::string msg(what);
  msg += ": ";
  msg += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string ctx;
  if (!sql.empty()) {
    constexpr std::size_t kMax = 200;
    ctx = "SQL: ";
    ctx += sql.size() > kMax ? std::string(sql.substr(0, kMax)) + "..." : std::string(sql);
  }
  return make_error(ErrorCode::Sqlite, std::move(msg), std::move(ctx));
}

}  // namespace

std::string quote_ident(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string quote_literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

// ---- Database ---------------------------------------------------------------

// A held image moves with its connection: a vector's move keeps its buffer, so the
// pages SQLite reads stay where they are.
Database::Database(Database&& o) noexcept : db_(std::exchange(o.db_, nullptr)), held_(std::move(o.held_)) {}
Database& Database::operator=(Database&& o) noexcept {
  if (this != &o) {
    if (db_) sqlite3_close_v2(db_);
    db_ = std::exchange(o.db_, nullptr);
    held_ = std::move(o.held_);  // after the close: the old image outlived its connection
  }
  return *this;
}
Database::~Database() {
  if (db_) sqlite3_close_v2(db_);
}

std::vector<std::uint8_t> Database::release_held_image() {
  if (db_) sqlite3_close_v2(std::exchange(db_, nullptr));
  return std::move(held_);
}

Result<Database> Database::open_memory() {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    Error e = sqlite_error(db, rc, "cannot open an in-memory database");
    sqlite3_close_v2(db);
    return e;
  }
  return Database(db);
}

Result<Database> Database::open_file(const std::string& path, bool read_only) {
  sqlite3* db = nullptr;
  int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error e = sqlite_error(db, rc, "cannot open database file");
    e.context = path;
    sqlite3_close_v2(db);
    return e;
  }
  return Database(db);
}

ImageBuffer::ImageBuffer(ImageBuffer&& o) noexcept
    : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)), filled_(std::exchange(o.filled_, 0)) {}
ImageBuffer& ImageBuffer::operator=(ImageBuffer&& o) noexcept {
  if (this != &o) {
    sqlite3_free(data_);
    data_ = std::exchange(o.data_, nullptr);
    size_ = std::exchange(o.size_, 0);
    filled_ = std::exchange(o.filled_, 0);
  }
  return *this;
}
ImageBuffer::~ImageBuffer() { sqlite3_free(data_); }

bool ImageBuffer::allocate(std::size_t size) {
  sqlite3_free(data_);
  data_ = static_cast<std::uint8_t*>(sqlite3_malloc64(static_cast<sqlite3_uint64>(size)));
  size_ = data_ ? size : 0;
  filled_ = 0;
  advise_huge_pages(data_, size_);
  return data_ != nullptr;
}

bool ImageBuffer::fill(const std::uint8_t* from, std::size_t max) {
  const std::size_t n = std::min(max, size_ - filled_);
  if (n > 0) std::memcpy(data_ + filled_, from + filled_, n);
  filled_ += n;
  return filled_ == size_;
}

std::uint8_t* ImageBuffer::release() {
  size_ = filled_ = 0;
  return std::exchange(data_, nullptr);
}

// A fresh in-memory database, hardened, with the image at `data` attached as "main"
// under `flags` (with FREEONCLOSE the buffer is SQLite's from this call on, whatever
// happens).
Result<Database> Database::attach_image(std::uint8_t* data, std::size_t size, unsigned flags,
                                        const std::string& name) {
  auto opened = open_memory();
  if (!opened) {
    if (flags & SQLITE_DESERIALIZE_FREEONCLOSE) sqlite3_free(data);
    return opened.error();
  }
  Database db = std::move(opened.value());

  // Harden before the untrusted image is attached: defensive mode forbids writes to
  // the schema and shadow tables; trusted_schema=OFF keeps functions in views and
  // triggers from running with side effects.
  sqlite3_db_config(db.db_, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db.db_, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);

  auto n = static_cast<sqlite3_int64>(size);
  int rc = sqlite3_deserialize(db.db_, "main", data, n, n, flags);
  if (rc != SQLITE_OK) {
    Error e = sqlite_error(db.db_, rc, "cannot read the SQLite file");
    e.code = ErrorCode::BadInput;
    e.context = name;
    return e;
  }
  REDLINE_TRY(db.exec("PRAGMA trusted_schema=OFF; PRAGMA cell_size_check=ON;"));
  return db;
}

Result<Database> Database::deserialize(ImageBuffer& image, const std::string& name) {
  if (image.size() == 0) {
    return make_error(ErrorCode::BadInput, "the SQLite file is empty", name);
  }
  // SQLite owns the buffer from here and may grow it.
  const std::size_t size = image.size();
  return attach_image(image.release(), size, SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE, name);
}

Result<Database> Database::open_in_place(std::vector<std::uint8_t>& image, const std::string& name) {
  if (image.empty()) {
    return make_error(ErrorCode::BadInput, "the SQLite file is empty", name);
  }
  // Read-only: the image stays the user's bytes (the fingerprint is taken from it).
  // SQLite neither frees nor grows it.
  auto db = attach_image(image.data(), image.size(), SQLITE_DESERIALIZE_READONLY, name);
  if (!db) return db.error();
  db->held_ = std::move(image);
  return db;
}

Result<Database> Database::deserialize(const std::vector<std::uint8_t>& bytes,
                                       const std::string& name, bool quick_check) {
  // The caller's vector is copied and never touched.
  ImageBuffer image;
  if (!bytes.empty()) {
    if (!image.allocate(bytes.size())) return make_error(ErrorCode::Io, "out of memory copying the SQLite file", name);
    image.fill(bytes.data(), bytes.size());
  }
  auto opened = deserialize(image, name);
  if (!opened || !quick_check) return opened;
  Database db = std::move(opened.value());

  // quick_check reads every page and checks the b-tree structure; a corrupt or
  // truncated file fails here (or at prepare time, when the header is bad).
  auto st = db.prepare("PRAGMA quick_check");
  if (!st) {
    Error e = st.error();
    e.code = ErrorCode::BadInput;
    e.message = "not a valid SQLite database: " + e.message;
    e.context = name;
    return e;
  }
  std::string problems;
  int count = 0;
  for (;;) {
    auto r = st->step();
    if (!r) {
      Error e = r.error();
      e.code = ErrorCode::BadInput;
      e.message = "the SQLite file is corrupt: " + e.message;
      e.context = name;
      return e;
    }
    if (*r == StepResult::Done) break;
    std::string line = st->column_text(0);
    if (line == "ok") continue;
    if (count++ < 3) problems += (problems.empty() ? "" : "; ") + line;
  }
  if (count > 0) {
    return make_error(ErrorCode::BadInput,
                      "the SQLite file is corrupt (" + std::to_string(count) +
                          " problem(s)): " + problems,
                      name);
  }
  return db;
}

Status Database::exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return make_error(ErrorCode::Sqlite, "SQL failed: " + msg,
                      "SQL: " + (s.size() > 200 ? s.substr(0, 200) + "..." : s));
  }
  return ok_status();
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return sqlite_error(db_, rc, "cannot prepare statement", sql);
  }
  return Statement(stmt, db_);
}

Result<std::vector<std::uint8_t>> Database::serialize() {
  sqlite3_int64 size = 0;
  unsigned char* data = sqlite3_serialize(db_, "main", &size, 0);
  if (!data) {
    if (size == 0) {
      // An empty database serializes to nothing useful; vacuum gives a page image.
      return make_error(ErrorCode::Sqlite, "cannot serialize the database", last_message());
    }
    return make_error(ErrorCode::Sqlite, "out of memory serializing the database");
  }
  std::vector<std::uint8_t> out(data, data + size);
  sqlite3_free(data);
  return out;
}

Result<std::vector<std::string>> user_tables(Database& db) {
  auto st = db.prepare(
      "SELECT name FROM main.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
      "ORDER BY name");
  if (!st) return st.error();
  std::vector<std::string> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (*r == StepResult::Done) return out;
    out.push_back(st->column_text(0));
  }
}

Result<std::vector<std::int64_t>> int_column(Database& db, const std::string& query) {
  auto st = db.prepare(query);
  if (!st) return st.error();
  std::vector<std::int64_t> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (*r == StepResult::Done) return out;
    out.push_back(st->column_int(0));
  }
}

Result<bool> SerializeJob::work(double budget_ms) {
  const auto t0 = std::chrono::steady_clock::now();
  if (!pages_) {
    auto pages = db_.pages();
    if (!pages) return pages.error();
    page_size_ = pages->size;
    page_count_ = pages->count;
    if (page_size_ == 0 || page_count_ == 0) return make_error(ErrorCode::Sqlite, "cannot serialize the database", "no pages");
    // Reserved, not filled: zeroing (and so touching) the whole image here would be
    // one slice of tens of ms for a 40 MB database; the pages are appended in order.
    out_.clear();
    if (!sink_) out_.reserve(page_size_ * page_count_);
    if (free_ == FreePages::Blank) REDLINE_TRY(list_free_leaves());
    auto st = db_.prepare("SELECT pgno, data FROM sqlite_dbpage('main')");
    if (!st) return st.error();
    pages_ = std::move(st.value());
  }
  for (;;) {
    auto r = pages_->step();
    if (!r) return r.error();
    if (*r == StepResult::Done) break;
    const auto pgno = static_cast<std::size_t>(pages_->column_int(0));
    const void* data = sqlite3_column_blob(pages_->handle(), 1);
    const auto n = static_cast<std::size_t>(sqlite3_column_bytes(pages_->handle(), 1));
    // sqlite_dbpage gives the pages in order, 1 to page_count.
    if (pgno != read_ + 1 || pgno > page_count_ || n != page_size_)
      return make_error(ErrorCode::Internal, "cannot serialize the database", "page " + std::to_string(pgno));
    const auto* bytes = static_cast<const std::uint8_t*>(data);
    if (pgno < kept_.size() && kept_[pgno] < n) {
      std::copy(bytes, bytes + kept_[pgno], scratch_.begin());
      std::fill(scratch_.begin() + kept_[pgno], scratch_.end(), 0);
      bytes = scratch_.data();
    }
    if (sink_) {
      REDLINE_TRY(sink_(bytes, n));
    } else {
      out_.insert(out_.end(), bytes, bytes + n);
    }
    ++read_;
    // A step ends where the bytes given in all reach a multiple of step_bytes, so a
    // caller that cuts pieces of that size completes at most one per step (a bound on
    // the bytes of a step alone let one step complete a piece and end the image,
    // whose tail made a second piece).
    if (step_bytes_ != 0 && (read_ - 1) * page_size_ / step_bytes_ != read_ * page_size_ / step_bytes_ &&
        read_ < page_count_)
      return false;
    // 64 pages (256 KB with 4 KB pages) between looks at the clock.
    if (read_ % 64 == 0 && ms_since(t0) >= budget_ms)
      return false;
  }
  pages_.reset();
  if (read_ != page_count_)
    return make_error(ErrorCode::Internal, "cannot serialize the database",
                      std::to_string(read_) + " of " + std::to_string(page_count_) + " pages read");
  return true;
}

// The freelist as the database file records it (https://www.sqlite.org/fileformat.html,
// "The Freelist"): page 1's header gives the first trunk page (offset 32) and the
// number of free pages (36); a trunk page holds the next trunk (offset 0), its number
// of leaves L (4) and L leaf page numbers (8...), all 4-byte big-endian.
Status SerializeJob::list_free_leaves() {
  auto st = db_.prepare("SELECT data FROM sqlite_dbpage('main') WHERE pgno = ?1");
  if (!st) return st.error();
  auto page = [&](std::size_t pgno) -> Result<std::vector<std::uint8_t>> {
    REDLINE_TRY(st->reset());
    REDLINE_TRY(st->bind_int(1, static_cast<std::int64_t>(pgno)));
    auto r = st->step();
    if (!r) return r.error();
    const auto n = static_cast<std::size_t>(sqlite3_column_bytes(st->handle(), 0));
    const auto* b = static_cast<const std::uint8_t*>(sqlite3_column_blob(st->handle(), 0));
    if (*r != StepResult::Row || n != page_size_ || !b)
      return make_error(ErrorCode::Internal, "cannot serialize the database", "page " + std::to_string(pgno));
    return std::vector<std::uint8_t>(b, b + n);
  };
  auto u32 = [](const std::vector<std::uint8_t>& b, std::size_t at) {
    return (std::size_t{b[at]} << 24) | (std::size_t{b[at + 1]} << 16) | (std::size_t{b[at + 2]} << 8) | b[at + 3];
  };
  auto first = page(1);
  if (!first) return first.error();
  const std::size_t free_count = u32(*first, 36);
  std::size_t trunk = u32(*first, 32), seen = 0;
  kept_.assign(page_count_ + 1, static_cast<std::uint32_t>(page_size_));
  auto corrupt = [&](const std::string& what) {
    return make_error(ErrorCode::Sqlite, "cannot serialize the database: its freelist is damaged", what);
  };
  while (trunk != 0) {
    // Each trunk counts as a free page: a chain longer than the count loops.
    if (trunk > page_count_ || ++seen > free_count) return corrupt("trunk page " + std::to_string(trunk));
    auto t = page(trunk);
    if (!t) return t.error();
    const std::size_t leaves = u32(*t, 4);
    if (leaves > (page_size_ - 8) / 4 || kept_[trunk] != page_size_) return corrupt("trunk page " + std::to_string(trunk));
    kept_[trunk] = static_cast<std::uint32_t>(8 + 4 * leaves);
    for (std::size_t k = 0; k < leaves; ++k) {
      const std::size_t leaf = u32(*t, 8 + 4 * k);
      if (leaf == 0 || leaf > page_count_ || kept_[leaf] != page_size_ || ++seen > free_count)
        return corrupt("leaf page " + std::to_string(leaf) + " of trunk page " + std::to_string(trunk));
      kept_[leaf] = 0;
    }
    trunk = u32(*t, 0);
  }
  scratch_.assign(page_size_, 0);
  return ok_status();
}

Position SerializeJob::position() const {
  return {page_count_ ? static_cast<double>(read_) / static_cast<double>(page_count_) : 0.0, "image"};
}

void SerializeJob::abandon(const Error&) {
  pages_.reset();
  out_ = {};
  kept_ = {};
}


Result<Database> Database::clone() {
  auto copy = open_memory();
  if (!copy) return copy.error();
  sqlite3_backup* b = sqlite3_backup_init(copy->db_, "main", db_, "main");
  if (!b) return sqlite_error(copy->db_, SQLITE_ERROR, "cannot copy the database");
  int rc = sqlite3_backup_step(b, -1);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) return sqlite_error(copy->db_, rc, "cannot copy the database");
  // The copy must be as hardened as the original for the same untrusted content.
  sqlite3_db_config(copy->db_, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(copy->db_, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  return copy;
}

Status Database::save_to_file(const std::string& path) {
  auto target = open_file(path);
  if (!target) return target.error();
  sqlite3_backup* b = sqlite3_backup_init(target->db_, "main", db_, "main");
  if (!b) return sqlite_error(target->db_, SQLITE_ERROR, "cannot start writing " + path);
  int rc = sqlite3_backup_step(b, -1);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) {
    Error e = sqlite_error(target->db_, rc, "cannot write database file");
    e.context = path;
    return e;
  }
  return ok_status();
}

Result<std::optional<std::int64_t>> Database::query_int(std::string_view sql) {
  auto st = prepare(sql);
  if (!st) return st.error();
  auto r = st->step();
  if (!r) return r.error();
  if (*r == StepResult::Done || st->column_is_null(0)) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>{st->column_int(0)};
}

Result<Database::Pages> Database::pages() {
  auto size = query_int("PRAGMA main.page_size");
  if (!size) return size.error();
  auto count = query_int("PRAGMA main.page_count");
  if (!count) return count.error();
  return Pages{static_cast<std::size_t>(size->value_or(0)), static_cast<std::size_t>(count->value_or(0))};
}

std::int64_t Database::changes() const { return sqlite3_changes64(db_); }
std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
std::string Database::last_message() const { return db_ ? sqlite3_errmsg(db_) : ""; }

// ---- Statement ----------------------------------------------------------------

Statement::Statement(Statement&& o) noexcept : stmt_(o.stmt_), db_(o.db_) {
  o.stmt_ = nullptr;
}
Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(stmt_);
    stmt_ = o.stmt_;
    db_ = o.db_;
    o.stmt_ = nullptr;
  }
  return *this;
}
Statement::~Statement() { sqlite3_finalize(stmt_); }

Status Statement::check_bind(int rc, int i) {
  if (rc == SQLITE_OK) return ok_status();
  return sqlite_error(db_, rc, "cannot bind parameter " + std::to_string(i), sql());
}

Status Statement::bind_int(int i, std::int64_t v) {
  return check_bind(sqlite3_bind_int64(stmt_, i, v), i);
}
Status Statement::bind_double(int i, double v) {
  return check_bind(sqlite3_bind_double(stmt_, i, v), i);
}
Status Statement::bind_text(int i, std::string_view v) {
  return check_bind(sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT,
                                        SQLITE_UTF8),
                    i);
}
Status Statement::bind_blob(int i, const void* data, std::size_t n) {
  return check_bind(sqlite3_bind_blob64(stmt_, i, data, n, SQLITE_TRANSIENT), i);
}
Status Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  return ok_status();
}

Result<StepResult> Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return StepResult::Row;
  if (rc == SQLITE_DONE) return StepResult::Done;
  Error e = sqlite_error(db_, rc, "statement failed", sql());
  sqlite3_reset(stmt_);
  return e;
}

int Statement::column_count() const { return sqlite3_column_count(stmt_); }
std::string Statement::column_name(int i) const {
  const char* n = sqlite3_column_name(stmt_, i);
  return n ? n : "";
}
int Statement::column_type(int i) const { return sqlite3_column_type(stmt_, i); }
bool Statement::column_is_null(int i) const {
  return sqlite3_column_type(stmt_, i) == SQLITE_NULL;
}
std::int64_t Statement::column_int(int i) const { return sqlite3_column_int64(stmt_, i); }
double Statement::column_double(int i) const { return sqlite3_column_double(stmt_, i); }
std::string Statement::column_text(int i) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
  if (!p) return {};
  return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i)));
}
std::vector<std::uint8_t> Statement::column_blob(int i) const {
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, i));
  auto n = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i));
  if (!p) return {};
  return std::vector<std::uint8_t>(p, p + n);
}
std::string Statement::sql() const {
  const char* s = stmt_ ? sqlite3_sql(stmt_) : nullptr;
  return s ? s : "";
}

// ---- Savepoint ----------------------------------------------------------------

Result<Savepoint> Savepoint::begin(Database& db, std::string name) {
  REDLINE_TRY(db.exec("SAVEPOINT " + quote_ident(name)));
  return Savepoint(&db, std::move(name));
}

Savepoint::Savepoint(Savepoint&& o) noexcept : db_(o.db_), name_(std::move(o.name_)) {
  o.db_ = nullptr;
}

Savepoint::~Savepoint() {
  if (db_) (void)rollback();
}

Status Savepoint::release() {
  if (!db_) return make_error(ErrorCode::Internal, "savepoint already ended", name_);
  Database* db = db_;
  db_ = nullptr;
  return db->exec("RELEASE " + quote_ident(name_));
}

Status Savepoint::rollback() {
  if (!db_) return make_error(ErrorCode::Internal, "savepoint already ended", name_);
  Database* db = db_;
  db_ = nullptr;
  std::string q = quote_ident(name_);
  return db->exec("ROLLBACK TO " + q + "; RELEASE " + q);
}

}  // namespace redline::sql
