// The text `sqlite3 FILE .dump` prints ("PRAGMA foreign_keys=OFF; BEGIN
// TRANSACTION; CREATE TABLE ...; INSERT ...; COMMIT;"), loaded by executing it
// statement by statement in the fresh in-memory database, which gives the same
// contents as the file it was dumped from. The text is untrusted SQL, so an
// authorizer lets through only what a dump does: no ATTACH/DETACH, no PRAGMA but
// foreign_keys, no function that reaches files or extensions; each statement is
// bounded in length. The same loader serves load_snapshot() (one call to step())
// and LoadJob (a few statements per slice).
#include <sqlite3.h>

#include <cstring>
#include <string>

#include "core/load/loaders.hpp"

namespace redline::detail {

namespace {

// The longest statement taken: a dump writes one row per INSERT, so only a row
// with a huge blob or text comes near this.
constexpr int kMaxStatement = 64 << 20;

class SqliteDumpLoader final : public SlicedLoader {
 public:
  SqliteDumpLoader(const std::vector<std::uint8_t>& bytes, const std::string& name, sql::Database& db)
      : name_(name), db_(db), text_(bytes.begin(), bytes.end()) {}
  ~SqliteDumpLoader() override {
    if (db_.handle()) sqlite3_set_authorizer(db_.handle(), nullptr, nullptr);
  }

  Status begin() {
    sqlite3* h = db_.handle();
    sqlite3_db_config(h, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    sqlite3_db_config(h, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
    sqlite3_db_config(h, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
    sqlite3_limit(h, SQLITE_LIMIT_SQL_LENGTH, kMaxStatement);
    sqlite3_set_authorizer(h, &SqliteDumpLoader::authorize, this);
    // Skip a UTF-8 byte order mark.
    if (text_.size() >= 3 && std::memcmp(text_.data(), "\xef\xbb\xbf", 3) == 0) pos_ = 3;
    // SQLite reads a statement up to a NUL byte; a dump has none (it writes X'00' for one).
    std::size_t nul = text_.find('\0');
    if (nul != std::string::npos) {
      return make_error(ErrorCode::BadInput,
                        "a NUL byte in the text: a sqlite3 .dump is plain UTF-8 SQL (is the file damaged, or not a "
                        "dump?); dump the database again with: sqlite3 FILE .dump",
                        where(nul) + ", byte " + std::to_string(nul));
    }
    return ok_status();
  }

  Result<bool> step(std::chrono::steady_clock::time_point deadline) override {
    sqlite3* h = db_.handle();
    while (pos_ < text_.size()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      const char* start = text_.c_str() + pos_;
      const char* tail = nullptr;
      sqlite3_stmt* st = nullptr;
      denied_.clear();
      table_.clear();
      // -1: the text is NUL-terminated, so SQLite neither copies nor scans it all.
      int rc = sqlite3_prepare_v2(h, start, -1, &st, &tail);
      if (rc == SQLITE_OK && st) {
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        }
        if (rc == SQLITE_DONE) rc = SQLITE_OK;
      }
      std::string err = rc == SQLITE_OK ? std::string() : sqlite3_errmsg(h);
      sqlite3_finalize(st);
      if (rc != SQLITE_OK) return fail(start, rc, err);
      // begin() refused NUL bytes, so SQLite consumes up to the text's end.
      const std::size_t next = static_cast<std::size_t>(tail - text_.c_str());
      advance(next > pos_ ? next : text_.size());
    }
    sqlite3_set_authorizer(h, nullptr, nullptr);  // the normalization runs on this database next
    // A dump ends with COMMIT; without it, the text was cut (and the rows after the cut are missing).
    if (!sqlite3_get_autocommit(h)) {
      return make_error(ErrorCode::BadInput,
                        "the text ends inside its transaction (no COMMIT at the end): the .dump is truncated, "
                        "and rows after the cut would be missing; dump the database again with: sqlite3 FILE .dump > " +
                            name_,
                        where(text_.size()) + " (end of file)");
    }
    return true;
  }

  std::uint64_t consumed() const override { return pos_; }
  std::string table() const override { return last_table_; }

 private:
  static int authorize(void* self_, int action, const char* a1, const char* a2, const char*, const char*) {
    auto* self = static_cast<SqliteDumpLoader*>(self_);
    auto arg = [](const char* s) { return std::string(s ? s : ""); };
    switch (action) {
      case SQLITE_ATTACH:
      case SQLITE_DETACH:
        self->denied_ = "ATTACH/DETACH (a dump never attaches files)";
        return SQLITE_DENY;
      case SQLITE_PRAGMA:
        if (sqlite3_stricmp(arg(a1).c_str(), "foreign_keys") == 0) return SQLITE_OK;
        self->denied_ = "PRAGMA " + arg(a1) + " (only PRAGMA foreign_keys is run)";
        return SQLITE_DENY;
      case SQLITE_FUNCTION: {
        // Built-in functions only exist here; these reach files or load code.
        for (const char* f : {"load_extension", "readfile", "writefile", "edit", "fts3_tokenizer"}) {
          if (sqlite3_stricmp(arg(a2).c_str(), f) == 0) {
            self->denied_ = "the function " + arg(a2) + "() (it reaches files or loads code)";
            return SQLITE_DENY;
          }
        }
        return SQLITE_OK;
      }
      case SQLITE_INSERT:
        if (a1 && std::strncmp(a1, "sqlite_", 7) != 0) self->table_ = a1;
        return SQLITE_OK;
      default: return SQLITE_OK;
    }
  }

  // Moves to `next`, counting the lines passed.
  void advance(std::size_t next) {
    for (std::size_t i = pos_; i < next; ++i) line_ += text_[i] == '\n';
    pos_ = next;
    if (!table_.empty()) last_table_ = table_;
  }

  std::string where(std::size_t at) const {
    std::size_t line = line_;
    for (std::size_t i = pos_; i < at && i < text_.size(); ++i) line += text_[i] == '\n';
    return name_ + ", format: sqlite .dump text, line " + std::to_string(line);
  }

  Error fail(const char* start, int rc, const std::string& err) {
    // The statement's line: skip the blank space before it.
    std::size_t at = pos_;
    while (at < text_.size() && (text_[at] == ' ' || text_[at] == '\n' || text_[at] == '\r' || text_[at] == '\t')) ++at;
    std::string shown(start + (at - pos_), std::min<std::size_t>(60, text_.size() - at));
    shown = shown.substr(0, shown.find('\n'));
    std::string ctx = where(at) + (table_.empty() ? "" : ", table " + table_) + ": " + shown;
    if (!denied_.empty()) {
      return make_error(ErrorCode::Unsupported,
                        "the text runs " + denied_ + ", which is not in what sqlite3 .dump writes and Redline does "
                        "not run; load the database file itself, or a plain .dump of it (sqlite3 FILE .dump)",
                        ctx);
    }
    if (rc == SQLITE_TOOBIG) {
      return make_error(ErrorCode::BadInput,
                        "a statement longer than " + std::to_string(kMaxStatement >> 20) +
                            " MB (the most Redline takes in one); load the database file itself instead",
                        ctx);
    }
    return make_error(ErrorCode::BadInput,
                      "the statement fails in SQLite (" + err +
                          "): the .dump text is damaged or edited; dump the database again with: sqlite3 FILE .dump",
                      ctx);
  }

  const std::string& name_;
  sql::Database& db_;
  std::string text_;  // NUL-terminated copy for sqlite3_prepare_v2
  std::size_t pos_ = 0, line_ = 1;
  std::string denied_, table_, last_table_;
};

}  // namespace

Status load_sqlite_dump(const std::vector<std::uint8_t>& bytes, const std::string& name, sql::Database& db,
                        LoadSummary& summary) {
  (void)summary;  // a dump has nothing to skip or warn about: every statement runs, or the load fails
  SqliteDumpLoader l(bytes, name, db);
  REDLINE_TRY(l.begin());
  auto r = l.step(std::chrono::steady_clock::time_point::max());
  if (!r) return r.error();
  return ok_status();
}

Result<std::unique_ptr<SlicedLoader>> start_sqlite_dump(const std::vector<std::uint8_t>& bytes,
                                                        const std::string& name, sql::Database& db,
                                                        LoadSummary&) {
  auto l = std::make_unique<SqliteDumpLoader>(bytes, name, db);
  REDLINE_TRY(l->begin());
  return std::unique_ptr<SlicedLoader>(std::move(l));
}

}  // namespace redline::detail
