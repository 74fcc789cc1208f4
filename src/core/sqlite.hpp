// A small RAII wrapper over the SQLite C API: a Database that owns a connection,
// a Statement that owns a prepared statement, and a Savepoint that rolls back unless
// released. Every fallible call returns a Result carrying SQLite's own message and
// the SQL that failed, so callers can say what went wrong and where.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/job.hpp"
#include "core/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace redline::sql {

class Statement;

// A database image in memory SQLite can take over (from sqlite3_malloc64), for the
// copies deserialize(bytes) makes (the blocking loader, verify's writable actual
// after). fill() can copy in pieces; the sliced loader that did no longer copies (it
// opens the file in place, open_in_place()).
class ImageBuffer {
 public:
  ImageBuffer() = default;
  ImageBuffer(ImageBuffer&& o) noexcept;
  ImageBuffer& operator=(ImageBuffer&& o) noexcept;
  ImageBuffer(const ImageBuffer&) = delete;
  ImageBuffer& operator=(const ImageBuffer&) = delete;
  ~ImageBuffer();

  // Room for `size` bytes (not touched yet); false when there is not enough memory.
  bool allocate(std::size_t size);
  // Append up to `max` more bytes of `from` (the same size as allocated); true once all are in.
  bool fill(const std::uint8_t* from, std::size_t max);
  std::size_t size() const { return size_; }
  std::size_t filled() const { return filled_; }
  std::uint8_t* data() { return data_; }
  // The buffer, for sqlite3_deserialize with FREEONCLOSE; this object is left empty.
  std::uint8_t* release();

 private:
  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0, filled_ = 0;
};

class Database {
 public:
  Database() = default;
  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // A fresh, empty in-memory database.
  static Result<Database> open_memory();
  // A database file on disk (created if missing unless read_only).
  static Result<Database> open_file(const std::string& path, bool read_only = false);
  // An in-memory database holding a copy of `bytes` (a whole SQLite file image),
  // hardened for untrusted input: defensive mode, trusted_schema=OFF,
  // cell_size_check=ON, and a quick_check before it is handed back. The caller's
  // bytes are copied, never modified. With quick_check false the caller runs the
  // check itself (LoadJob does, one table per slice).
  static Result<Database> deserialize(const std::vector<std::uint8_t>& bytes,
                                      const std::string& name, bool quick_check = true);
  // The same, hardened, without the quick_check, over `image`, whose buffer SQLite
  // takes over (it is left empty), so the bytes are not copied again.
  static Result<Database> deserialize(ImageBuffer& image, const std::string& name);
  // The same, hardened, without the quick_check, read-only, over `image` where it is:
  // the vector moves into the database (on success only; on an error it is left as it
  // was), SQLite reads its pages there and cannot write them. A file of hundreds of MB
  // is then held once, not twice, and never copied (in a browser tab, copying into
  // fresh memory costs several ms per MB).
  static Result<Database> open_in_place(std::vector<std::uint8_t>& image, const std::string& name);
  // The image open_in_place() holds (null for any other database), as it came.
  const std::vector<std::uint8_t>* held_image() const { return held_.empty() ? nullptr : &held_; }
  // Closes the database and gives back the image it held (empty if none).
  std::vector<std::uint8_t> release_held_image();

  // A new in-memory database holding a copy of this one (SQLite's backup API).
  Result<Database> clone();

  // Run one or more statements that return no rows.
  Status exec(std::string_view sql);
  Result<Statement> prepare(std::string_view sql);

  // The whole database as a SQLite file image.
  Result<std::vector<std::uint8_t>> serialize();
  // Copy the whole database into a file (via the backup API).
  Status save_to_file(const std::string& path);

  // Convenience for single-value queries: first column of the first row.
  Result<std::optional<std::int64_t>> query_int(std::string_view sql);
  // The main database's page size and page count (its image is their product).
  struct Pages {
    std::size_t size = 0, count = 0;
    std::size_t bytes() const { return size * count; }
  };
  Result<Pages> pages();

  std::int64_t changes() const;
  std::int64_t last_insert_rowid() const;
  std::string last_message() const;
  sqlite3* handle() const { return db_; }
  bool valid() const { return db_ != nullptr; }

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  static Result<Database> attach_image(std::uint8_t* data, std::size_t size, unsigned flags, const std::string& name);
  sqlite3* db_ = nullptr;
  // open_in_place()'s image: SQLite reads it where it is, so it outlives the
  // connection (closed first, in the destructor's body).
  std::vector<std::uint8_t> held_;
};

enum class StepResult { Row, Done };

class Statement {
 public:
  Statement() = default;
  Statement(Statement&&) noexcept;
  Statement& operator=(Statement&&) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binding (1-based indices, as SQLite).
  Status bind_int(int i, std::int64_t v);
  Status bind_double(int i, double v);
  Status bind_text(int i, std::string_view v);  // copied (SQLITE_TRANSIENT)
  Status bind_blob(int i, const void* data, std::size_t n);
  Status reset();  // reset and clear bindings

  Result<StepResult> step();

  int column_count() const;
  std::string column_name(int i) const;
  int column_type(int i) const;  // SQLITE_INTEGER, SQLITE_TEXT, ...
  bool column_is_null(int i) const;
  std::int64_t column_int(int i) const;
  double column_double(int i) const;
  std::string column_text(int i) const;
  std::vector<std::uint8_t> column_blob(int i) const;

  std::string sql() const;
  sqlite3_stmt* handle() const { return stmt_; }

 private:
  friend class Database;
  Statement(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
  Status check_bind(int rc, int i);
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
};

// SAVEPOINT name ... RELEASE name; rolled back (and released) on destruction unless
// release() was called. Nests like SQLite savepoints do.
class Savepoint {
 public:
  static Result<Savepoint> begin(Database& db, std::string name);
  Savepoint(Savepoint&&) noexcept;
  Savepoint& operator=(Savepoint&&) = delete;
  Savepoint(const Savepoint&) = delete;
  ~Savepoint();

  Status release();
  Status rollback();  // roll back to the savepoint and release it
  bool active() const { return db_ != nullptr; }

 private:
  Savepoint(Database* db, std::string name) : db_(db), name_(std::move(name)) {}
  Database* db_ = nullptr;
  std::string name_;
};

// The database's file image, the very bytes serialize() gives, read a slice of pages
// per step() through SQLite's sqlite_dbpage table: a large database is copied over
// several calls (the page exports the normalized database this way). Nothing may
// write to the database while the job runs.
class SerializeJob final : public Job {
 public:
  // Where the pages go instead of memory (the command line writes them to its --out
  // file as they come, rather than hold a second copy of the database).
  using Sink = std::function<Status(const std::uint8_t* bytes, std::size_t n)>;
  // What the free pages hold.
  enum class FreePages {
    AsTheyAre,  // serialize()'s bytes
    // Zeros for each leaf page of the freelist, and for the unused rest of each of its
    // trunk pages (after the list of free pages they hold). Those bytes are left over
    // from what used the page last, and SQLite does not journal a leaf it reuses: a
    // write rolled back leaves its bytes in the leaf. Blanked, the image is the same
    // whatever was written and rolled back before it was taken, and carries no rows
    // of the tables the database dropped.
    Blank,
  };
  explicit SerializeJob(Database& db, Sink sink = {}, FreePages free = FreePages::AsTheyAre)
      : db_(db), sink_(std::move(sink)), free_(free) {}
  // The image, once step() said Done (empty with a sink).
  std::vector<std::uint8_t> take() { return std::move(out_); }
  // With a sink: a step also ends where the bytes given in all reach a multiple of
  // this (0: by its budget only). A caller that holds the pages until its slice ends
  // (the page's worker) bounds what it holds by this, not by how fast the step copies:
  // in wasm a 5 ms step gave ~20 MB, which grew the heap at 1M rows.
  void set_step_bytes(std::size_t n) { step_bytes_ = n; }

 private:
  Result<bool> work(double budget_ms) override;
  Position position() const override;
  void abandon(const Error& why) override;
  Status list_free_leaves();
  Database& db_;
  std::optional<Statement> pages_;
  std::size_t page_size_ = 0, page_count_ = 0, read_ = 0, step_bytes_ = 0;
  std::vector<std::uint8_t> out_;
  Sink sink_;
  FreePages free_;
  // FreePages::Blank: by page number, the bytes of the page kept (0: a freelist leaf,
  // 8 + 4 * leaves: a trunk page, the page size: any other page).
  std::vector<std::uint32_t> kept_;
  std::vector<std::uint8_t> scratch_;  // a page with its unused bytes blanked
};

// The tables of `db`'s main schema other than SQLite's own (sqlite_sequence, ...),
// in name order.
Result<std::vector<std::string>> user_tables(Database& db);

// The first column of every row `query` returns, as integers, in the query's order.
Result<std::vector<std::int64_t>> int_column(Database& db, const std::string& query);

// Quote an identifier for SQL ("name" with doubled quotes).
std::string quote_ident(std::string_view name);
// Quote a string literal ('text' with doubled quotes).
std::string quote_literal(std::string_view text);

}  // namespace redline::sql
