// The pg_dump plain-SQL loader: reads what `pg_dump` (15) writes, in one streaming
// pass over the bytes, into an SQLite database in the canonical form of spec §1.
//
// Tables the CRM schema knows (crm::match_table) are created with Django's exact
// SQLite DDL and filled by column name; other tables get a Django-like translation
// of their PostgreSQL definition. COPY data is read row by row and INSERTs (plain,
// --column-inserts, multi-row) tuple by tuple, each bound to a reused prepared
// statement with views into the input, all in one transaction. What the loader does
// not need (SET, ownership, grants, functions, ...) is tallied in summary.skipped;
// anything surprising becomes a summary.warnings line; bad input is an Error naming
// the file, the format, the line, the byte offset and the table.
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/crm_schema.hpp"
#include "core/load/loaders.hpp"
#include "core/load/pgdump_encoding.hpp"
#include "core/load/pgdump_lex.hpp"
#include "core/load/pgdump_values.hpp"

namespace redline::detail {

namespace {

using pgdump::Chunk;
using pgdump::Lexer;
using pgdump::PgKind;
using pgdump::Tok;
using pgdump::Token;

// Django's own migrations rebuild these tables on SQLite while they are still empty
// (auth 0002 and 0010, contenttypes 0002: "remake table" copies the old table into
// a new AUTOINCREMENT one), which leaves a sqlite_sequence row with seq 0 even when
// no row was ever inserted. A database Django made always has these rows, so the
// canonical form has them too.
// Rows per multi-row INSERT, and the parameters one may have at most.
constexpr std::size_t kBatchRows = 64;
constexpr std::size_t kBatchParams = 4096;
// A batch is written early once its rows hold this much decoded text, and scratch
// buffers grown past kScratchKeep are given back: rows of huge escaped values must
// not multiply into batch-size copies.
constexpr std::size_t kBatchBytes = 8u << 20;
constexpr std::size_t kScratchKeep = 1u << 20;

constexpr std::array<std::string_view, 3> kRemadeWhileEmpty = {"auth_group", "auth_permission",
                                                               "django_content_type"};

struct Column {
  std::string name;
  std::string pg_type;  // normalized: lower case, single spaces
  PgKind kind = PgKind::Other;
  bool not_null = false;
  bool primary_key = false;  // inline PRIMARY KEY
  bool unique = false;       // inline UNIQUE
  bool identity = false;     // GENERATED ... AS IDENTITY
  bool generated = false;    // GENERATED ALWAYS AS (...) STORED
  std::string ref_table;     // inline REFERENCES
  std::string ref_column;
};

struct ForeignKey {
  std::vector<std::string> cols;
  std::string ref_table;
  std::vector<std::string> ref_cols;
};

struct Table {
  std::string name;              // as in SQLite
  std::vector<Column> columns;   // PostgreSQL's declaration order
  const crm::TableDef* crm = nullptr;
  bool loaded = true;            // false: read but not loaded (other schema, partition, ...)
  std::size_t created_at = 0;    // byte offset of its CREATE TABLE
  // Constraints of tables outside the CRM schema, turned into DDL at the end.
  std::vector<std::string> pk;
  std::vector<std::pair<std::string, std::vector<std::string>>> uniques;  // name, columns
  std::vector<ForeignKey> fks;
  std::string created_ddl;       // outside the CRM: the DDL it was created with
  std::string autoinc_column;    // the AUTOINCREMENT primary key, if any

  int find(std::string_view col) const {
    for (std::size_t i = 0; i < columns.size(); ++i)
      if (columns[i].name == col) return static_cast<int>(i);
    return -1;
  }
};

// One converted value waiting to be bound: a view (into the input or into its slot's
// scratch space), an integer, or NULL.
struct Slot {
  enum class Kind : std::uint8_t { Null, Text, Int, Blob };
  Kind kind = Kind::Null;
  std::int64_t i = 0;
  const char* p = nullptr;
  std::size_t n = 0;
};

// Prepared INSERTs for one table and one list of columns. Rows are collected in
// slots and written `batch` at a time by one multi-row INSERT: one statement run per
// batch instead of per row is what makes bulk loading fast in SQLite (an
// AUTOINCREMENT table, for one, reads and writes sqlite_sequence once per run).
// Slots own scratch space for values that are not views into the input, so a value
// stays valid until its batch is written.
struct Inserter {
  Table* table = nullptr;
  std::vector<int> cols;  // positions in table->columns, in the order values arrive
  bool or_ignore = false;
  sql::Statement one;     // INSERT of one row
  sql::Statement many;    // INSERT of `batch` rows
  std::size_t batch = 1;
  std::size_t pending = 0;               // complete rows waiting in `slots`
  std::size_t pending_bytes = 0;         // scratch bytes those rows hold
  std::vector<Slot> slots;               // batch x cols
  std::vector<std::size_t> row_at;       // byte offset of each pending row, for errors
  std::vector<std::string> scratch;      // per slot
  std::vector<std::array<char, pgdump::kDateTimeBuf>> small;  // per slot
  std::size_t slot(std::size_t col) const { return pending * cols.size() + col; }
};

struct QName {
  std::string schema;
  std::string name;
  std::size_t offset = 0;
};

struct Constraint {
  enum class Kind { PrimaryKey, Unique, ForeignKey, Check, Other } kind = Kind::Other;
  std::string name;
  std::vector<std::string> cols;
  std::string ref_table;
  std::vector<std::string> ref_cols;
  std::string word;  // Other: its first keyword
};

struct IndexDef {
  std::string name;
  std::string table;
  bool unique = false;
  std::vector<std::string> cols;  // rendered: "col" [DESC]
  std::size_t offset = 0;
};

struct SeqValue {
  std::int64_t value = 0;
  bool called = true;
};

struct OddValues {
  std::size_t count = 0;
  std::size_t first_offset = 0;
  std::string first_value;
  std::string why;
};

std::string upper(std::string_view s) {
  std::string o(s);
  for (char& c : o)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return o;
}

std::string describe_token(const Token& t) {
  if (t.kind == Tok::End) return "the end of the statement";
  std::string s(t.text.substr(0, 40));
  if (t.kind == Tok::String) return s + (t.text.size() > 40 ? "..." : "");  // already quoted
  return "'" + s + (t.text.size() > 40 ? "...'" : "'");
}

class Loader {
 public:
  Loader(const std::vector<std::uint8_t>& bytes, const std::string& name, sql::Database& db, LoadSummary& summary)
      : in_(reinterpret_cast<const char*>(bytes.data()), bytes.size()), file_size_(bytes.size()), name_(name), db_(db),
        summary_(summary) {}

  Status run();
  // The same work in slices (LoadJob): begin() once, then step() until it says done.
  Status begin();
  Result<bool> step(std::chrono::steady_clock::time_point deadline);
  std::size_t consumed() const {
    const std::size_t p = copy_active_ ? copy_.p : pos_;
    if (!encoding_ || p <= conv_at_) return p;
    // Converted text is longer than the file: scale it back (progress only).
    const double f = static_cast<double>(p - conv_at_) / static_cast<double>(in_.size() - conv_at_);
    return conv_at_ + static_cast<std::size_t>(f * static_cast<double>(file_size_ - conv_at_));
  }
  std::string current_table() const { return copy_active_ && copy_.t ? copy_.t->name : current_table_; }

 private:
  // ---- errors and tallies ----
  std::size_t line_of(std::size_t offset) const {
    offset = std::min(offset, in_.size());
    return 1 + static_cast<std::size_t>(std::count(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
  }
  std::string where(std::size_t offset, std::string_view table = {}) const {
    std::string ctx = name_ + ", format: pgdump, line " + std::to_string(line_of(offset)) + ", byte " +
                      std::to_string(original_offset(offset));
    if (!table.empty()) ctx += ", table " + std::string(table);
    return ctx;
  }
  Error fail(std::string msg, std::size_t offset, std::string_view table = {}, ErrorCode code = ErrorCode::BadInput) const {
    return make_error(code, std::move(msg), where(offset, table));
  }
  Error bad_bytes(std::size_t offset, std::string_view table = {}) const {
    bool nul = offset < in_.size() && in_[offset] == '\0';
    return fail(nul ? "NUL byte in the file: PostgreSQL text never contains one (binary or corrupt file?)"
                    : "invalid UTF-8 in the file (byte 0x" + hex_byte(offset) + "): the dump must be UTF-8" +
                          (encoding_ ? std::string(" (or the ") + encoding_->name + " its SET client_encoding names)" : ""),
                offset, table);
  }
  std::string hex_byte(std::size_t offset) const {
    static const char* kHex = "0123456789abcdef";
    auto u = static_cast<unsigned char>(in_[offset]);
    return std::string{kHex[u >> 4], kHex[u & 15]};
  }
  void skip(const std::string& kind) { ++summary_.skipped[kind]; }
  void warn(std::string w) { summary_.warnings.push_back(std::move(w)); }
  std::string line_ref(std::size_t offset) const { return "line " + std::to_string(line_of(offset)); }

  // ---- statements ----
  Status statement(const Chunk& c);
  Status meta(const Chunk& c);
  Status set_stmt(Lexer& lx, std::size_t at);
  Status select_stmt(Lexer& lx, std::size_t at);
  Status create_stmt(Lexer& lx, std::size_t at);
  Status create_table(Lexer& lx, std::size_t at);
  // An index the loader cannot read is skipped with a warning: indexes hold no data.
  Status create_index(Lexer& lx, bool unique, std::size_t at);
  Status read_index(Lexer& lx, bool unique, std::size_t at, std::string& index_name);
  Status alter_stmt(Lexer& lx, std::size_t at);
  Status alter_table(Lexer& lx, std::size_t at);
  Status alter_sequence(Lexer& lx, std::size_t at);
  // Starts a COPY: its data rows are then read by copy_rows(), in slices.
  Status copy_stmt(Lexer& lx, std::size_t at, std::size_t stmt_end);
  Status copy_rows(std::chrono::steady_clock::time_point deadline);
  Status insert_stmt(Lexer& lx, std::size_t at, std::size_t stmt_end);
  // After the last statement: tables rebuilt with their keys and the list of indexes
  // to create (finish_tables), the indexes one at a time, then sequences and warnings.
  Status finish_tables();
  // A dump that loaded no table at all is an error saying what it held instead.
  Status refuse_no_tables();
  Status finish_rest();
  Status next_statement();

  // ---- parsing helpers ----
  Result<QName> qname(Lexer& lx, std::string_view what);
  Result<std::string> ident(Lexer& lx, std::string_view what);
  Result<std::vector<std::string>> ident_list(Lexer& lx, std::string_view what);
  Status expect_punct(Lexer& lx, char c, std::string_view what);
  Status skip_group(Lexer& lx);  // after '(' was consumed: to the matching ')'
  Status skip_element(Lexer& lx);  // to ',' or ')' at depth 0, or the end
  Result<Constraint> constraint(Lexer& lx);
  Result<std::string> column_type(Lexer& lx);
  Status skip_cast_type(Lexer& lx);
  // What a table (or sequence) is called in SQLite: tables of the CRM's schema by
  // their own name, others' as "schema.name".
  std::string local_name(const QName& q) const { return (q.schema.empty() || q.schema == home_) ? q.name : q.schema + "." + q.name; }
  std::string seq_key(const QName& q) const { return local_name(q); }
  // Before the first statement: refuse a pg_dumpall file, and find the CRM's schema.
  Status refuse_cluster_dump();
  void find_home_schema();
  // SET client_encoding / \encoding: UTF-8 goes on; a single-byte encoding converts
  // the rest of the input (from `from`); anything else is refused.
  Status client_encoding(std::string_view value, std::size_t at, std::size_t from);
  std::size_t original_offset(std::size_t offset) const;
  Result<QName> qname_in_string(const Token& t);
  Table* table(const QName& q);

  // ---- loading ----
  Result<Inserter*> inserter(Table* t, const std::vector<int>& cols, bool or_ignore, std::size_t at);
  // The value of column i of the row being collected.
  void set(Inserter& ins, std::size_t i, std::string_view v, bool is_null, std::size_t at);
  // The row being collected is complete; writes a batch when one is full.
  Status end_row(Inserter& ins, std::size_t at);
  // Write the rows still waiting (before anything else touches the database).
  Status flush();
  Status bind_row(sqlite3_stmt* st, const Inserter& ins, std::size_t row, int first_param);
  // The batch is written: forget its rows, and give back scratch grown for huge values.
  void release_scratch(Inserter& ins);
  void odd(const Table& t, const Column& c, std::string_view v, std::size_t at, const char* why);
  std::string unknown_ddl(const Table& t, const std::string& sql_name);
  Status exec(const std::string& sql, std::size_t at, std::string_view table, const char* what);
  const std::set<std::string>& crm_index_names(const crm::TableDef* def);

  std::string_view in_;
  std::size_t file_size_ = 0;  // of the input as given (in_ may be its conversion)
  const std::string& name_;
  sql::Database& db_;
  LoadSummary& summary_;

  bool standard_strings_ = true;
  // The schema whose tables load under their own names: the one holding the CRM
  // (home_schema()); tables of other schemas load as "schema.table".
  std::string home_ = "public";
  // A dump in a single-byte encoding: in_ is then `converted_`, the input with
  // everything from byte conv_at_ on converted to UTF-8.
  const pgdump::SingleByteEncoding* encoding_ = nullptr;
  std::string converted_;
  std::size_t conv_at_ = 0;
  std::size_t tables_created_ = 0;  // CREATE TABLEs seen (zero tables from a dump is an error)
  std::vector<std::unique_ptr<Table>> tables_;
  std::map<std::string, Table*, std::less<>> by_name_;
  std::vector<std::unique_ptr<Inserter>> inserters_;
  Inserter* last_inserter_ = nullptr;
  std::map<std::string, std::pair<std::string, std::string>> seq_owner_;  // sequence -> (table, column)
  std::map<std::string, SeqValue> setval_;
  std::vector<IndexDef> indexes_;
  std::map<std::string, OddValues> odd_;
  std::map<const crm::TableDef*, std::set<std::string>> crm_index_names_;
  std::set<int> crm_shapes_;  // which CRM shapes the known tables came from

  // Where the driver is (begin/step).
  enum class Phase { Statements, Indexes, Done };
  Phase phase_ = Phase::Statements;
  std::size_t pos_ = 0;
  std::optional<sql::Savepoint> tx_;
  std::string current_table_;
  struct IndexTask {
    std::string sql;
    std::size_t offset = 0;
    std::string table;
    const char* what = "";
  };
  std::vector<IndexTask> index_tasks_;
  std::size_t next_index_ = 0;
  // The COPY whose data rows are being read.
  struct CopyState {
    Table* t = nullptr;
    Inserter* ins = nullptr;
    std::size_t p = 0;   // the next data line
    std::size_t at = 0;  // the COPY statement
    std::size_t ncols = 0;
  };
  bool copy_active_ = false;
  CopyState copy_;

  // Reused per row / per statement.
  std::vector<std::string_view> fields_;
  std::vector<int> cols_;
  std::vector<std::string> col_names_;
  std::string err_;
};

// ===========================================================================
// Driver

Status Loader::run() {
  REDLINE_TRY(begin());
  for (;;) {
    auto done = step(std::chrono::steady_clock::time_point::max());
    if (!done) return done.error();
    if (*done) return ok_status();
  }
}

Status Loader::begin() {
  pos_ = 0;
  if (in_.size() >= 3 && static_cast<unsigned char>(in_[0]) == 0xEF && static_cast<unsigned char>(in_[1]) == 0xBB &&
      static_cast<unsigned char>(in_[2]) == 0xBF) {
    pos_ = 3;  // UTF-8 byte order mark
  }
  REDLINE_TRY(refuse_cluster_dump());
  find_home_schema();
  auto tx = sql::Savepoint::begin(db_, "redline_pgdump_load");
  if (!tx) return tx.error();
  tx_.emplace(std::move(tx.value()));
  return ok_status();
}

Result<bool> Loader::step(std::chrono::steady_clock::time_point deadline) {
  for (bool first = true;; first = false) {
    if (copy_active_) {
      REDLINE_TRY(copy_rows(deadline));
      if (copy_active_) return false;  // out of time inside the COPY data
    }
    if (phase_ == Phase::Done) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (phase_ == Phase::Statements) {
      REDLINE_TRY(next_statement());
    } else if (next_index_ < index_tasks_.size()) {
      // One index per call, first in it: each is a sort of its whole table, which
      // cannot be split, so it does not follow other work in the same call.
      if (!first) return false;
      const IndexTask& task = index_tasks_[next_index_++];
      current_table_ = task.table;
      REDLINE_TRY(exec(task.sql, task.offset, task.table, task.what));
    } else {
      REDLINE_TRY(finish_rest());
      // pg_dump opens with "-- PostgreSQL database dump" and closes with "-- PostgreSQL
      // database dump complete": a dump cut between two statements is otherwise whole.
      std::string_view head = in_.substr(0, 4096);
      std::string_view tail = in_.substr(in_.size() > 4096 ? in_.size() - 4096 : 0);
      if (head.find("-- PostgreSQL database dump") != std::string_view::npos &&
          tail.find("-- PostgreSQL database dump complete") == std::string_view::npos) {
        warn("the file does not end with pg_dump's \"PostgreSQL database dump complete\" line: it may be truncated");
      }
      REDLINE_TRY(tx_->release());
      phase_ = Phase::Done;
      return true;
    }
  }
}

// Reads and runs the statement (or meta-command) at pos_; at the end of the input,
// moves on to finishing.
Status Loader::next_statement() {
  const std::size_t pos = pos_;
  Chunk c = pgdump::next_chunk(in_, pos, standard_strings_);
  if (c.kind == Chunk::Kind::Eof) {
    pos_ = in_.size();
    REDLINE_TRY(refuse_no_tables());
    REDLINE_TRY(finish_tables());
    phase_ = Phase::Indexes;
    return ok_status();
  }
  if (c.kind == Chunk::Kind::Error) {
    // Say which statement the file ended in: its first words.
    Lexer lx(in_, c.begin, std::min({in_.size(), c.begin + 200, c.error_at > c.begin ? c.error_at : in_.size()}),
             standard_strings_);
    Token a = lx.next(), b = lx.next();
    std::string what = a.kind == Tok::Ident ? upper(a.text) + (b.kind == Tok::Ident ? " " + upper(b.text) : "") : "";
    return fail(c.error + (what.empty() ? "" : " (statement " + what + ")"), c.error_at);
  }
  // Everything outside COPY data is checked here, one statement at a time.
  std::size_t bad = pgdump::find_bad_utf8(in_.data() + pos, c.end - pos);
  if (bad != pgdump::npos) {
    // Name the table when the bad bytes are in an INSERT's values.
    std::string table;
    if (c.kind == Chunk::Kind::Statement && pos + bad >= c.begin) {
      Lexer lx(in_, c.begin, std::min(c.end, pos + bad), standard_strings_);
      if (lx.next().kw("INSERT") && lx.next().kw("INTO")) {
        auto q = qname(lx, "a table name");
        if (q) table = q->name;
      }
    }
    return bad_bytes(pos + bad, table);
  }
  if (c.kind == Chunk::Kind::Meta) {
    REDLINE_TRY(meta(c));
    pos_ = c.end;
    return ok_status();
  }
  // A COPY's data follows its statement: copy_rows() moves pos_ past it.
  pos_ = c.end;
  return statement(c);
}

Status Loader::statement(const Chunk& c) {
  // The lexer sees the statement without its ';'.
  Lexer lx(in_, c.begin, c.end - 1, standard_strings_);
  const Token& first = lx.peek();
  if (first.kind == Tok::Bad) return fail("cannot read this statement: " + describe_token(first), first.offset);
  if (first.kind == Tok::End) return ok_status();  // a lone ';'
  if (first.kind != Tok::Ident) return fail("expected an SQL statement, found " + describe_token(first), first.offset);

  // Rows of --inserts dumps are batched across INSERT statements; anything else
  // writes them first.
  if (!first.kw("INSERT")) REDLINE_TRY(flush());

  if (first.kw("SET")) return set_stmt(lx, c.begin);
  if (first.kw("RESET")) {
    skip("RESET");
    return ok_status();
  }
  if (first.kw("SELECT")) return select_stmt(lx, c.begin);
  if (first.kw("CREATE")) return create_stmt(lx, c.begin);
  if (first.kw("ALTER")) return alter_stmt(lx, c.begin);
  if (first.kw("COPY")) return copy_stmt(lx, c.begin, c.end);  // its rows: copy_rows()
  if (first.kw("INSERT")) return insert_stmt(lx, c.begin, c.end - 1);

  Token t = lx.next();
  std::string word = upper(t.text);
  if (word == "COMMENT" || word == "GRANT" || word == "REVOKE" || word == "SECURITY" || word == "BEGIN" ||
      word == "COMMIT" || word == "START" || word == "END" || word == "ANALYZE" || word == "VACUUM" ||
      word == "REFRESH" || word == "CHECKPOINT" || word == "LOCK") {
    skip(word == "SECURITY" ? "SECURITY LABEL" : word);
    return ok_status();
  }
  if (word == "DROP") {
    Token k = lx.next();
    skip("DROP " + (k.kind == Tok::Ident ? upper(k.text) : std::string("?")));
    return ok_status();
  }
  skip(word);
  if (word == "UPDATE" || word == "DELETE" || word == "TRUNCATE" || word == "MERGE" || word == "DO" ||
      word == "CALL" || word == "ROLLBACK" || word == "ABORT") {
    warn(word + " statement at " + line_ref(c.begin) + " skipped: pg_dump does not write it, and the loader "
         "does not run statements that change data after it is loaded");
  } else {
    warn("unrecognized statement " + word + " at " + line_ref(c.begin) + " skipped");
  }
  return ok_status();
}

Status Loader::meta(const Chunk& c) {
  std::string_view line = in_.substr(c.begin, c.end - c.begin);
  std::size_t sp = 1;
  while (sp < line.size() && !pgdump::is_space(line[sp])) ++sp;
  std::string cmd(line.substr(0, sp));
  skip(cmd);
  // \restrict / \unrestrict (pg_dump 15.14+), \connect (pg_dump -C) and \set change
  // nothing in the data; anything else is unexpected in a dump.
  if (cmd != "\\restrict" && cmd != "\\unrestrict" && cmd != "\\connect" && cmd != "\\c" && cmd != "\\set" &&
      cmd != "\\encoding") {
    warn("psql meta-command " + cmd + " at " + line_ref(c.begin) + " skipped");
  }
  std::string_view arg = line.substr(sp);
  while (!arg.empty() && pgdump::is_space(arg.front())) arg.remove_prefix(1);
  while (!arg.empty() && pgdump::is_space(arg.back())) arg.remove_suffix(1);
  if (cmd == "\\encoding" && !arg.empty()) return client_encoding(arg, c.begin, c.end);
  if ((cmd == "\\connect" || cmd == "\\c") && tables_created_ > 0) {
    // pg_dump -C connects once, before its tables; a second database after them is
    // several dumps in one file (pg_dumpall without its header, or files joined).
    return fail("the file goes on with another database (" + cmd + " " + std::string(arg.substr(0, 60)) +
                    ") after tables of the first: it holds several databases. Redline loads one database: "
                    "dump it alone with pg_dump -d NAME > FILE.sql",
                c.begin, {}, ErrorCode::Unsupported);
  }
  return ok_status();
}

// ===========================================================================
// The file as a whole: cluster dumps, the CRM's schema, the client encoding

Status Loader::refuse_cluster_dump() {
  // pg_dumpall opens with "-- PostgreSQL database cluster dump" and then, for each
  // database, "\connect NAME" followed by that database's pg_dump.
  const std::size_t header = in_.substr(0, 4096).find("-- PostgreSQL database cluster dump");
  if (header == std::string_view::npos) return ok_status();
  struct Db {
    std::string name;
    std::size_t tables = 0;
  };
  std::vector<Db> dbs;
  for (std::size_t p = 0; p < in_.size();) {
    std::size_t e = in_.find('\n', p);
    if (e == std::string_view::npos) e = in_.size();
    std::string_view line = in_.substr(p, e - p);
    if (line.rfind("\\connect ", 0) == 0) {
      std::string_view arg = line.substr(9);
      // \connect -reuse-previous=on "dbname='we''ird'" for names that need quoting.
      std::string name;
      std::size_t q = arg.find("dbname='");
      if (q != std::string_view::npos) {
        for (std::size_t i = q + 8; i < arg.size(); ++i) {
          if (arg[i] == '\'' && i + 1 < arg.size() && arg[i + 1] == '\'') {
            name += '\'';
            ++i;
          } else if (arg[i] == '\'') {
            break;
          } else {
            name += arg[i];
          }
        }
      } else {
        while (!arg.empty() && pgdump::is_space(arg.back())) arg.remove_suffix(1);
        name = std::string(arg);
      }
      if (name != "template1") dbs.push_back({name, 0});
    } else if (!dbs.empty() && line.rfind("CREATE TABLE ", 0) == 0) {
      ++dbs.back().tables;
    }
    p = e + 1;
  }
  std::string list;
  const Db* biggest = nullptr;
  for (const auto& d : dbs) {
    list += (list.empty() ? "" : ", ") + d.name + " (" +
            (d.tables ? std::to_string(d.tables) + " table" + (d.tables == 1 ? "" : "s") : "no tables") + ")";
    if (!biggest || d.tables > biggest->tables) biggest = &d;
  }
  // Which database holds the CRM is the user's call: even one database with tables
  // is refused rather than guessed, so what is loaded is always what was named.
  std::string db = biggest && biggest->tables ? biggest->name : "NAME";
  return fail("the file is a pg_dumpall of a whole PostgreSQL cluster" +
                  (dbs.empty() ? std::string(" (no database in it)") : " (databases: " + list + ")") +
                  "; Redline loads the dump of one database: pg_dump -d " + db + " > " + db + ".sql",
              header, {}, ErrorCode::Unsupported);
}

void Loader::find_home_schema() {
  // pg_dump names every table with its schema and empties the search_path, so the
  // CRM is found by name: the schema with the most CRM tables (public on a tie).
  // Tables come before any data, so the statements up to the first COPY or INSERT
  // are enough.
  std::map<std::string, std::size_t> crm_tables;
  bool standard = standard_strings_;
  for (std::size_t p = pos_;;) {
    Chunk c = pgdump::next_chunk(in_, p, standard);
    if (c.kind == Chunk::Kind::Eof || c.kind == Chunk::Kind::Error) break;
    p = c.end;
    if (c.kind != Chunk::Kind::Statement) continue;
    Lexer lx(in_, c.begin, c.end - 1, standard);
    Token t = lx.next();
    if (t.kw("COPY") || t.kw("INSERT")) break;
    if (t.kw("SET") && lx.peek().kw("standard_conforming_strings")) {
      lx.next();
      lx.next();
      Token v = lx.next();
      standard = !(v.kw("off") || v.text == "'off'" || v.kw("false"));
      continue;
    }
    if (!t.kw("CREATE")) continue;
    while (lx.peek().kw("UNLOGGED") || lx.peek().kw("GLOBAL") || lx.peek().kw("LOCAL") || lx.peek().kw("TEMP") ||
           lx.peek().kw("TEMPORARY")) {
      lx.next();
    }
    if (!lx.next().kw("TABLE")) continue;
    if (lx.peek().kw("IF")) {
      lx.next();
      lx.next();
      lx.next();
    }
    auto q = qname(lx, "a table name");
    if (!q) continue;
    if (crm::find_table(crm::Shape::Before, q->name) || crm::find_table(crm::Shape::After, q->name))
      ++crm_tables[q->schema.empty() ? std::string("public") : q->schema];
  }
  std::size_t best = crm_tables.count("public") ? crm_tables["public"] : 0;
  for (const auto& [schema, n] : crm_tables) {
    if (n > best) {
      best = n;
      home_ = schema;
    }
  }
  if (home_ != "public") {
    warn("the CRM's tables are in schema " + home_ + ": loaded under their own names; tables of other schemas are "
         "loaded as schema.table");
  }
}

Status Loader::client_encoding(std::string_view value, std::size_t at, std::size_t from) {
  if (pgdump::is_utf8_encoding(value)) return ok_status();
  const pgdump::SingleByteEncoding* enc = pgdump::single_byte_encoding(value);
  if (!enc) {
    return fail("the dump is in encoding " + std::string(value) +
                    ", which Redline does not convert (it reads UTF-8, LATIN1, LATIN9 and WIN1252): dump again with "
                    "pg_dump -E UTF8",
                at, {}, ErrorCode::Unsupported);
  }
  if (encoding_) {
    if (enc == encoding_) return ok_status();
    return fail(std::string("the dump switches from encoding ") + encoding_->name + " to " + enc->name +
                    ": dump again with pg_dump -E UTF8",
                at, {}, ErrorCode::Unsupported);
  }
  // The rest of the input, converted once; what came before is ASCII in practice
  // (pg_dump's header) and was checked as UTF-8.
  std::string out(in_.substr(0, from));
  std::string rest;
  std::size_t bad = 0;
  if (!pgdump::single_byte_to_utf8(in_.substr(from), *enc, rest, bad)) {
    return fail(std::string("byte 0x") + hex_byte(from + bad) + " is not a character in " + enc->name +
                    ", the encoding the dump's SET client_encoding names: dump again with pg_dump -E UTF8",
                from + bad);
  }
  out += rest;
  converted_ = std::move(out);
  in_ = converted_;
  conv_at_ = from;
  encoding_ = enc;
  return ok_status();
}

std::size_t Loader::original_offset(std::size_t offset) const {
  if (!encoding_ || offset <= conv_at_) return offset;
  // Each byte of the file became one character: count the continuation bytes.
  offset = std::min(offset, in_.size());
  std::size_t extra = 0;
  for (std::size_t i = conv_at_; i < offset; ++i)
    if ((static_cast<unsigned char>(in_[i]) & 0xC0) == 0x80) ++extra;
  return offset - extra;
}

// ===========================================================================
// Parsing helpers

Result<std::string> Loader::ident(Lexer& lx, std::string_view what) {
  Token t = lx.next();
  if (t.kind != Tok::Ident && t.kind != Tok::QuotedIdent)
    return fail("expected " + std::string(what) + ", found " + describe_token(t), t.offset);
  return pgdump::ident_value(t);
}

Result<QName> Loader::qname(Lexer& lx, std::string_view what) {
  QName q;
  q.offset = lx.peek().offset;
  auto a = ident(lx, what);
  if (!a) return a.error();
  q.name = std::move(*a);
  while (lx.peek().punct('.')) {
    lx.next();
    auto b = ident(lx, what);
    if (!b) return b.error();
    q.schema = std::move(q.name);
    q.name = std::move(*b);
  }
  return q;
}

Result<QName> Loader::qname_in_string(const Token& t) {
  std::string scratch;
  std::string_view text;
  if (t.kind != Tok::String || !pgdump::decode_string(t, scratch, text, err_))
    return fail("expected a quoted name, found " + describe_token(t), t.offset);
  std::string copy(text);
  Lexer lx(copy, 0, copy.size(), true);
  auto q = qname(lx, "a name");
  if (!q || lx.peek().kind != Tok::End) return fail("cannot read the name " + describe_token(t), t.offset);
  return q;
}

Status Loader::expect_punct(Lexer& lx, char c, std::string_view what) {
  Token t = lx.next();
  if (!t.punct(c))
    return fail("expected '" + std::string(1, c) + "' " + std::string(what) + ", found " + describe_token(t), t.offset);
  return ok_status();
}

Result<std::vector<std::string>> Loader::ident_list(Lexer& lx, std::string_view what) {
  REDLINE_TRY(expect_punct(lx, '(', what));
  std::vector<std::string> out;
  for (;;) {
    auto n = ident(lx, "a column name");
    if (!n) return n.error();
    out.push_back(std::move(*n));
    Token t = lx.next();
    if (t.punct(')')) break;
    if (!t.punct(',')) return fail("expected ',' or ')' in " + std::string(what) + ", found " + describe_token(t), t.offset);
  }
  return out;
}

Status Loader::skip_group(Lexer& lx) {
  std::size_t depth = 1;
  for (;;) {
    Token t = lx.next();
    if (t.kind == Tok::End) return fail("unbalanced parentheses", t.offset);
    if (t.kind == Tok::Bad) return fail("cannot read " + describe_token(t), t.offset);
    if (t.punct('(')) ++depth;
    if (t.punct(')') && --depth == 0) return ok_status();
  }
}

Status Loader::skip_element(Lexer& lx) {
  for (;;) {
    const Token& t = lx.peek();
    if (t.kind == Tok::End || t.punct(',') || t.punct(')')) return ok_status();
    if (t.kind == Tok::Bad) return fail("cannot read " + describe_token(t), t.offset);
    Token u = lx.next();
    if (u.punct('(')) REDLINE_TRY(skip_group(lx));
  }
}

Result<std::string> Loader::column_type(Lexer& lx) {
  // A type is everything up to the first column-constraint keyword (or the end of
  // the column definition), rendered in lower case with single spaces.
  std::string type;
  for (;;) {
    const Token& t = lx.peek();
    if (t.kind == Tok::End || t.punct(',') || t.punct(')')) break;
    if (t.kw("NOT") || t.kw("NULL") || t.kw("DEFAULT") || t.kw("COLLATE") || t.kw("CONSTRAINT") ||
        t.kw("CHECK") || t.kw("PRIMARY") || t.kw("UNIQUE") || t.kw("REFERENCES") || t.kw("GENERATED")) {
      break;
    }
    Token u = lx.next();
    if (u.kind == Tok::Bad) return fail("cannot read the column type: " + describe_token(u), u.offset);
    if (u.punct('(')) {
      type += '(';
      std::size_t depth = 1;
      while (depth > 0) {
        Token v = lx.next();
        if (v.kind == Tok::End || v.kind == Tok::Bad) return fail("unbalanced parentheses in a column type", v.offset);
        if (v.punct('(')) ++depth;
        if (v.punct(')')) --depth;
        if (v.punct(',')) {
          type += ',';
          continue;
        }
        type.append(v.text);
      }
      continue;
    }
    if (u.punct('[') || u.punct(']') || u.punct('.')) {
      type.append(u.text);
      continue;
    }
    if (!type.empty() && type.back() != '.' && type.back() != '(') type += ' ';
    type += (u.kind == Tok::QuotedIdent || u.kind == Tok::Ident) ? pgdump::ident_value(u) : std::string(u.text);
  }
  if (type.empty()) return fail("a column without a type", lx.pos());
  return type;
}

Status Loader::skip_cast_type(Lexer& lx) {
  bool any = false;
  for (;;) {
    const Token& t = lx.peek();
    if (t.kind == Tok::Ident || t.kind == Tok::QuotedIdent || t.punct('.')) {
      lx.next();
      any = true;
    } else if (t.punct('(') && any) {
      lx.next();
      REDLINE_TRY(skip_group(lx));
    } else if (t.punct('[') && any) {
      lx.next();
      Token c = lx.next();
      if (!c.punct(']')) {
        if (c.kind != Tok::Number || !lx.next().punct(']')) return fail("cannot read the cast type", c.offset);
      }
    } else {
      break;
    }
  }
  if (!any) return fail("expected a type after '::'", lx.pos());
  return ok_status();
}

Result<Constraint> Loader::constraint(Lexer& lx) {
  Constraint c;
  if (lx.peek().kw("CONSTRAINT")) {
    lx.next();
    auto n = ident(lx, "a constraint name");
    if (!n) return n.error();
    c.name = std::move(*n);
  }
  Token t = lx.next();
  if (t.kw("PRIMARY") || t.kw("UNIQUE")) {
    c.kind = t.kw("PRIMARY") ? Constraint::Kind::PrimaryKey : Constraint::Kind::Unique;
    if (c.kind == Constraint::Kind::PrimaryKey && !lx.next().kw("KEY")) return fail("expected PRIMARY KEY", t.offset);
    if (lx.peek().kw("NULLS")) {  // UNIQUE NULLS [NOT] DISTINCT
      lx.next();
      if (lx.peek().kw("NOT")) lx.next();
      lx.next();
    }
    if (lx.peek().kw("USING")) {  // ... USING INDEX name: nothing we can translate
      c.kind = Constraint::Kind::Other;
      c.word = "USING INDEX";
    } else {
      auto cols = ident_list(lx, "the constraint's columns");
      if (!cols) return cols.error();
      c.cols = std::move(*cols);
    }
  } else if (t.kw("FOREIGN")) {
    c.kind = Constraint::Kind::ForeignKey;
    if (!lx.next().kw("KEY")) return fail("expected FOREIGN KEY", t.offset);
    auto cols = ident_list(lx, "the foreign key's columns");
    if (!cols) return cols.error();
    c.cols = std::move(*cols);
    if (!lx.next().kw("REFERENCES")) return fail("expected REFERENCES", t.offset);
    auto ref = qname(lx, "the referenced table");
    if (!ref) return ref.error();
    c.ref_table = local_name(*ref);
    if (lx.peek().punct('(')) {
      auto rc = ident_list(lx, "the referenced columns");
      if (!rc) return rc.error();
      c.ref_cols = std::move(*rc);
    }
  } else if (t.kw("CHECK")) {
    c.kind = Constraint::Kind::Check;
  } else {
    c.kind = Constraint::Kind::Other;
    c.word = t.kind == Tok::Ident ? upper(t.text) : std::string(t.text);
  }
  // Options (DEFERRABLE, MATCH, ON DELETE, NOT VALID, the CHECK expression, ...).
  REDLINE_TRY(skip_element(lx));
  return c;
}

Table* Loader::table(const QName& q) {
  auto it = by_name_.find(local_name(q));
  return it == by_name_.end() ? nullptr : it->second;
}

// ===========================================================================
// SET, SELECT

Status Loader::set_stmt(Lexer& lx, std::size_t at) {
  lx.next();  // SET
  if (lx.peek().kw("SESSION") || lx.peek().kw("LOCAL")) lx.next();
  Token var = lx.next();
  skip("SET");
  if (var.kind != Tok::Ident) return ok_status();
  Token eq = lx.next();
  if (!(eq.is(Tok::Op, "=") || eq.kw("TO"))) return ok_status();
  Token val = lx.next();
  std::string value;
  if (val.kind == Tok::String) {
    std::string scratch;
    std::string_view v;
    if (pgdump::decode_string(val, scratch, v, err_)) value = upper(v);
  } else {
    value = upper(val.text);
  }
  if (var.kw("standard_conforming_strings")) {
    standard_strings_ = !(value == "OFF" || value == "FALSE" || value == "0");
  } else if (var.kw("client_encoding")) {
    return client_encoding(value, at, pos_);  // pos_: just after this statement
  }
  return ok_status();
}

Status Loader::select_stmt(Lexer& lx, std::size_t at) {
  lx.next();  // SELECT
  Token a = lx.next();
  std::string fn = a.kind == Tok::Ident ? pgdump::ident_value(a) : "";
  if (fn == "pg_catalog" && lx.peek().punct('.')) {
    lx.next();
    Token b = lx.next();
    fn = b.kind == Tok::Ident ? pgdump::ident_value(b) : "";
  }
  if (fn == "set_config") {
    skip("SELECT set_config");
    return ok_status();
  }
  if (fn == "setval" && lx.peek().punct('(')) {
    // setval('public.x_id_seq', N[, is_called]): where the sequence stood at dump time.
    lx.next();
    Token s = lx.next();
    auto q = qname_in_string(s);
    if (!q) {
      // Only sqlite_sequence depends on it: the data is whole, so say so and go on.
      skip("SELECT setval (unreadable name)");
      warn("setval() at " + line_ref(at) + " names the sequence " + describe_token(s) +
           ", which is not a valid (quoted) name: skipped");
      return ok_status();
    }
    if (lx.peek().is(Tok::Punct, "::")) {
      lx.next();
      REDLINE_TRY(skip_cast_type(lx));
    }
    REDLINE_TRY(expect_punct(lx, ',', "in setval()"));
    bool neg = false;
    if (lx.peek().is(Tok::Op, "-")) {
      lx.next();
      neg = true;
    }
    Token n = lx.next();
    std::int64_t v = 0;
    if (n.kind != Tok::Number || !pgdump::parse_int64(n.text, v))
      return fail("expected the sequence value in setval(), found " + describe_token(n), n.offset);
    SeqValue sv{neg ? -v : v, true};
    if (lx.peek().punct(',')) {
      lx.next();
      Token b = lx.next();
      if (b.kw("false")) sv.called = false;
      else if (!b.kw("true")) return fail("expected true or false in setval(), found " + describe_token(b), b.offset);
    }
    setval_[seq_key(*q)] = sv;
    return ok_status();
  }
  skip("SELECT");
  warn("SELECT statement at " + line_ref(at) + " skipped" + (fn.empty() ? "" : " (" + fn + ")"));
  return ok_status();
}

// ===========================================================================
// CREATE

Status Loader::create_stmt(Lexer& lx, std::size_t at) {
  lx.next();  // CREATE
  if (lx.peek().kw("OR")) {  // OR REPLACE
    lx.next();
    lx.next();
  }
  while (lx.peek().kw("UNLOGGED") || lx.peek().kw("GLOBAL") || lx.peek().kw("LOCAL") ||
         lx.peek().kw("TEMP") || lx.peek().kw("TEMPORARY")) {
    lx.next();
  }
  const Token& k = lx.peek();
  if (k.kw("TABLE")) {
    lx.next();
    return create_table(lx, at);
  }
  if (k.kw("UNIQUE")) {
    lx.next();
    if (!lx.next().kw("INDEX")) return fail("expected CREATE UNIQUE INDEX", at);
    return create_index(lx, true, at);
  }
  if (k.kw("INDEX")) {
    lx.next();
    return create_index(lx, false, at);
  }
  std::string kind = k.kind == Tok::Ident ? upper(k.text) : "?";
  lx.next();
  if ((kind == "MATERIALIZED" || kind == "FOREIGN" || kind == "EVENT" || kind == "CONSTRAINT" ||
       kind == "DEFAULT" || kind == "TEXT" || kind == "USER") && lx.peek().kind == Tok::Ident) {
    kind += " " + upper(lx.next().text);
  }
  skip("CREATE " + kind);
  if (kind == "VIEW" || kind == "MATERIALIZED VIEW" || kind == "TRIGGER" || kind == "CONSTRAINT TRIGGER" ||
      kind == "RULE" || kind == "POLICY" || kind == "FOREIGN TABLE") {
    warn("CREATE " + kind + " at " + line_ref(at) + " skipped: Redline loads tables and their data only");
  }
  return ok_status();
}

Status Loader::create_table(Lexer& lx, std::size_t at) {
  if (lx.peek().kw("IF")) {  // IF NOT EXISTS
    lx.next();
    lx.next();
    lx.next();
  }
  auto q = qname(lx, "a table name");
  if (!q) return q.error();
  auto t = std::make_unique<Table>();
  t->created_at = at;
  t->name = local_name(*q);
  ++tables_created_;
  if (by_name_.count(t->name)) return fail("table " + t->name + " is created twice", at, t->name);

  const Token& open = lx.peek();
  if (!open.punct('(')) {
    // PARTITION OF / OF type: no column list of its own.
    t->loaded = false;
    skip("CREATE TABLE (not loaded)");
    warn("table " + t->name + " at " + line_ref(at) + " (" + describe_token(open) +
         " ...) is not a plain table: skipped with its data");
    by_name_[t->name] = t.get();
    tables_.push_back(std::move(t));
    return ok_status();
  }
  lx.next();
  std::vector<std::string> checks;
  if (!lx.peek().punct(')')) {
    for (;;) {
      const Token& e = lx.peek();
      if (e.kw("CONSTRAINT") || e.kw("PRIMARY") || e.kw("UNIQUE") || e.kw("CHECK") || e.kw("FOREIGN") ||
          e.kw("EXCLUDE") || e.kw("LIKE")) {
        std::size_t c_at = e.offset;
        auto c = constraint(lx);
        if (!c) return c.error();
        switch (c->kind) {
          case Constraint::Kind::PrimaryKey: t->pk = c->cols; break;
          case Constraint::Kind::Unique: t->uniques.emplace_back(c->name, c->cols); break;
          case Constraint::Kind::ForeignKey: t->fks.push_back({c->cols, c->ref_table, c->ref_cols}); break;
          case Constraint::Kind::Check: checks.push_back(c->name); break;
          case Constraint::Kind::Other:
            warn("table " + t->name + ": " + c->word + " clause at " + line_ref(c_at) + " not translated");
            break;
        }
      } else {
        Column col;
        auto n = ident(lx, "a column name");
        if (!n) return n.error();
        col.name = std::move(*n);
        auto type = column_type(lx);
        if (!type) return type.error();
        col.pg_type = std::move(*type);
        col.kind = pgdump::classify_pg_type(col.pg_type);
        // Column constraints.
        for (;;) {
          const Token& c = lx.peek();
          if (c.kind == Tok::End || c.punct(',') || c.punct(')')) break;
          Token w = lx.next();
          if (w.kw("NOT")) {
            if (lx.peek().kw("NULL")) {
              lx.next();
              col.not_null = true;
            }
          } else if (w.kw("NULL") || w.kw("DEFERRABLE") || w.kw("INITIALLY") || w.kw("DEFERRED") ||
                     w.kw("IMMEDIATE")) {
          } else if (w.kw("CONSTRAINT") || w.kw("COLLATE")) {
            auto cn = ident(lx, "a name");
            if (!cn) return cn.error();
            while (lx.peek().punct('.')) {
              lx.next();
              auto more = ident(lx, "a name");
              if (!more) return more.error();
            }
          } else if (w.kw("DEFAULT")) {
            // The default expression runs to the next constraint keyword.
            for (;;) {
              const Token& d = lx.peek();
              if (d.kind == Tok::End || d.punct(',') || d.punct(')') || d.kw("NOT") || d.kw("NULL") ||
                  d.kw("CONSTRAINT") || d.kw("CHECK") || d.kw("PRIMARY") || d.kw("UNIQUE") ||
                  d.kw("REFERENCES") || d.kw("GENERATED") || d.kw("COLLATE")) {
                break;
              }
              Token u = lx.next();
              if (u.kind == Tok::Bad) return fail("cannot read a DEFAULT expression", u.offset);
              if (u.punct('(')) REDLINE_TRY(skip_group(lx));
            }
          } else if (w.kw("CHECK")) {
            REDLINE_TRY(expect_punct(lx, '(', "after CHECK"));
            REDLINE_TRY(skip_group(lx));
            checks.push_back(col.name);
          } else if (w.kw("PRIMARY")) {
            lx.next();  // KEY
            col.primary_key = true;
          } else if (w.kw("UNIQUE")) {
            col.unique = true;
          } else if (w.kw("REFERENCES")) {
            auto ref = qname(lx, "the referenced table");
            if (!ref) return ref.error();
            col.ref_table = local_name(*ref);
            if (lx.peek().punct('(')) {
              auto rc = ident_list(lx, "the referenced column");
              if (!rc) return rc.error();
              if (!rc->empty()) col.ref_column = (*rc)[0];
            }
          } else if (w.kw("GENERATED")) {
            // GENERATED {ALWAYS|BY DEFAULT} AS IDENTITY [(...)] or GENERATED ALWAYS AS (expr) STORED
            bool identity = false;
            while (lx.peek().kw("ALWAYS") || lx.peek().kw("BY") || lx.peek().kw("DEFAULT") || lx.peek().kw("AS") ||
                   lx.peek().kw("IDENTITY") || lx.peek().kw("STORED")) {
              Token g = lx.next();
              if (g.kw("IDENTITY")) identity = true;
              if (g.kw("AS") && lx.peek().punct('(')) {
                lx.next();
                REDLINE_TRY(skip_group(lx));
              }
            }
            if (identity) {
              col.identity = true;
              if (lx.peek().punct('(')) {
                // (SEQUENCE NAME public.x START WITH ...): remember the sequence's name.
                lx.next();
                std::size_t depth = 1;
                while (depth > 0) {
                  Token s = lx.next();
                  if (s.kind == Tok::End || s.kind == Tok::Bad) return fail("unbalanced parentheses", s.offset);
                  if (s.punct('(')) ++depth;
                  if (s.punct(')')) --depth;
                  if (s.kw("NAME") && depth == 1) {
                    auto sq = qname(lx, "a sequence name");
                    if (!sq) return sq.error();
                    seq_owner_[seq_key(*sq)] = {t->name, col.name};
                  }
                }
              }
            } else {
              col.generated = true;
              warn("table " + t->name + ": generated column " + col.name +
                   " is loaded as a plain column (pg_dump does not dump its values)");
            }
          } else if (w.punct('(')) {
            REDLINE_TRY(skip_group(lx));
          }
        }
        if (t->find(col.name) >= 0) return fail("column " + col.name + " is declared twice", at, t->name);
        t->columns.push_back(std::move(col));
      }
      Token sep = lx.next();
      if (sep.punct(')')) break;
      if (!sep.punct(',')) return fail("expected ',' or ')' in CREATE TABLE, found " + describe_token(sep), sep.offset, t->name);
    }
  } else {
    lx.next();
  }
  // INHERITS, PARTITION BY, WITH (...), TABLESPACE: nothing SQLite can use.
  const Token& tail = lx.peek();
  if (tail.kw("INHERITS") || tail.kw("PARTITION")) {
    warn("table " + t->name + ": " + upper(tail.text) + " clause at " + line_ref(at) + " ignored");
  }

  if (t->name.rfind("sqlite_", 0) == 0) {
    t->loaded = false;
    skip("CREATE TABLE (not loaded)");
    warn("table " + t->name + " at " + line_ref(at) + " has a name SQLite reserves: skipped with its data");
    by_name_[t->name] = t.get();
    tables_.push_back(std::move(t));
    return ok_status();
  }

  // A CRM table: Django's exact DDL. The shape whose nullability agrees wins, so that
  // e.g. deals (same columns before and after, currency nullable only after) is right.
  std::vector<std::string> names;
  for (const auto& c : t->columns) names.push_back(c.name);
  const bool home = q->schema.empty() || q->schema == home_;
  const crm::TableDef* def = home ? crm::match_table(t->name, names) : nullptr;
  if (def) {
    const crm::TableDef* exact[2] = {nullptr, nullptr};
    int shape_index = 0;
    for (crm::Shape s : {crm::Shape::Before, crm::Shape::After}) {
      const crm::TableDef* cand = crm::find_table(s, t->name);
      if (cand && cand->columns.size() == t->columns.size()) {
        bool same = true;
        for (const auto& c : t->columns) {
          const crm::ColumnDef* cd = cand->column(c.name);
          if (!cd || cd->not_null != c.not_null) {
            same = false;
            break;
          }
        }
        if (same) exact[shape_index] = cand;
      }
      ++shape_index;
    }
    // Only a table that differs between the shapes tells which shape the dump has.
    if (exact[0] && !exact[1]) crm_shapes_.insert(0);
    if (exact[1] && !exact[0]) crm_shapes_.insert(1);
    const crm::TableDef* chosen = exact[0] ? exact[0] : exact[1];
    if (!chosen) {
      warn("table " + t->name + ": the NOT NULL constraints differ from Django's; loaded with Django's definition");
    }
    t->crm = chosen ? chosen : def;
    REDLINE_TRY(exec(t->crm->create_sql, at, t->name, "cannot create the table"));
  } else {
    if (home && (crm::find_table(crm::Shape::Before, t->name) || crm::find_table(crm::Shape::After, t->name))) {
      warn("table " + t->name + ": its columns match neither shape of the CRM's " + t->name +
           " table; created from its PostgreSQL definition");
    } else {
      warn("table " + t->name + " is not part of the CRM schema; created from its PostgreSQL definition");
    }
    for (const auto& c : t->columns) {
      if (c.kind == PgKind::Interval)
        warn("table " + t->name + ": interval column " + c.name + " is kept as PostgreSQL's text");
    }
    if (!checks.empty()) {
      skip("CHECK constraint (not translated)");
      warn("table " + t->name + ": CHECK constraints are not translated to SQLite");
    }
    t->created_ddl = unknown_ddl(*t, t->name);
    REDLINE_TRY(exec(t->created_ddl, at, t->name, "cannot create the table"));
  }
  by_name_[t->name] = t.get();
  tables_.push_back(std::move(t));
  return ok_status();
}

const std::set<std::string>& Loader::crm_index_names(const crm::TableDef* def) {
  auto it = crm_index_names_.find(def);
  if (it != crm_index_names_.end()) return it->second;
  std::set<std::string> names;
  for (const auto& sql : def->index_sql) {
    Lexer lx(sql, 0, sql.size(), true);
    Token t;
    while ((t = lx.next()).kind != Tok::End) {
      if (t.kw("INDEX")) {
        Token n = lx.next();
        if (n.kind == Tok::Ident || n.kind == Tok::QuotedIdent) names.insert(pgdump::ident_value(n));
        break;
      }
    }
  }
  return crm_index_names_[def] = std::move(names);
}

Status Loader::create_index(Lexer& lx, bool unique, std::size_t at) {
  std::string index_name;
  Status s = read_index(lx, unique, at, index_name);
  if (s) return s;
  skip("CREATE INDEX (not read)");
  warn("index " + (index_name.empty() ? std::string("") : index_name + " ") + "at " + line_ref(at) +
       " is not translated to SQLite (" + s.error().message + "): skipped");
  return ok_status();
}

Status Loader::read_index(Lexer& lx, bool unique, std::size_t at, std::string& index_name) {
  if (lx.peek().kw("CONCURRENTLY")) lx.next();
  if (lx.peek().kw("IF")) {
    lx.next();
    lx.next();
    lx.next();
  }
  if (!lx.peek().kw("ON")) {
    auto n = ident(lx, "an index name");
    if (!n) return n.error();
    index_name = std::move(*n);
  }
  if (!lx.next().kw("ON")) return fail("expected ON in CREATE INDEX", at);
  if (lx.peek().kw("ONLY")) lx.next();
  auto q = qname(lx, "a table name");
  if (!q) return q.error();
  Table* t = table(*q);
  if (!t) {
    skip("CREATE INDEX (no such table)");
    warn("index " + index_name + " at " + line_ref(at) + " is on table " + q->name + ", which the dump never created: skipped");
    return ok_status();
  }
  if (!t->loaded) {
    skip("CREATE INDEX (table not loaded)");
    return ok_status();
  }
  std::string method = "btree";
  if (lx.peek().kw("USING")) {
    lx.next();
    auto m = ident(lx, "an index method");
    if (!m) return m.error();
    method = *m;
  }
  REDLINE_TRY(expect_punct(lx, '(', "before the index columns"));
  IndexDef idx;
  idx.name = index_name;
  idx.table = t->name;
  idx.unique = unique;
  idx.offset = at;
  bool translatable = method == "btree";
  bool pattern_ops = false;
  for (;;) {
    const Token& e = lx.peek();
    if (e.punct('(')) {  // an expression
      lx.next();
      REDLINE_TRY(skip_group(lx));
      translatable = false;
    } else if (e.kind == Tok::Ident || e.kind == Tok::QuotedIdent) {
      Token c = lx.next();
      if (lx.peek().punct('(')) {  // a function call: lower(name)
        lx.next();
        REDLINE_TRY(skip_group(lx));
        translatable = false;
      } else {
        std::string col = pgdump::ident_value(c);
        if (t->find(col) < 0) translatable = false;
        std::string rendered = sql::quote_ident(col);
        while (lx.peek().kind == Tok::Ident || lx.peek().kind == Tok::QuotedIdent) {
          Token o = lx.next();
          if (o.kw("DESC")) rendered += " DESC";
          else if (o.kw("ASC")) {
          } else if (o.kw("NULLS")) {
            lx.next();  // FIRST / LAST: SQLite's default order is fine for lookups
          } else if (o.kw("COLLATE")) {
            auto coll = qname(lx, "a collation");
            if (!coll) return coll.error();
            translatable = false;
          } else {
            // An operator class, maybe schema-qualified (public.gin_trgm_ops) and
            // with parameters (gist_trgm_ops(siglen=32)).
            std::string opclass = pgdump::ident_value(o);
            while (lx.peek().punct('.')) {
              lx.next();
              auto part = ident(lx, "an operator class");
              if (!part) return part.error();
              opclass = *part;
            }
            if (lx.peek().punct('(')) {
              lx.next();
              REDLINE_TRY(skip_group(lx));
            }
            if (opclass.find("pattern_ops") != std::string::npos) pattern_ops = true;
            else translatable = false;
          }
        }
        if (!lx.peek().punct(',') && !lx.peek().punct(')')) {
          // Anything else in the element: read past it, not translated.
          REDLINE_TRY(skip_element(lx));
          translatable = false;
        }
        idx.cols.push_back(std::move(rendered));
      }
    } else {
      return fail("cannot read the index columns: " + describe_token(e), e.offset, t->name);
    }
    Token sep = lx.next();
    if (sep.punct(')')) break;
    if (!sep.punct(',')) return fail("expected ',' or ')' in the index columns, found " + describe_token(sep), sep.offset, t->name);
  }
  // INCLUDE (...), WITH (...), TABLESPACE, WHERE: anything more is not translated.
  if (lx.peek().kind != Tok::End) translatable = false;

  if (t->crm) {
    // Django's DDL already made the table's indexes; pg_dump's are PostgreSQL's view
    // of the same (plus the *_like ones PostgreSQL needs for LIKE on varchar).
    if (crm_index_names(t->crm).count(index_name)) {
      skip("CREATE INDEX (in CRM schema)");
    } else if (pattern_ops) {
      skip("CREATE INDEX (PostgreSQL-only)");
    } else {
      skip("CREATE INDEX (not in CRM schema)");
      warn("index " + index_name + " on " + t->name + " at " + line_ref(at) +
           " is not part of the CRM schema: skipped (the table has Django's indexes)");
    }
    return ok_status();
  }
  if (!translatable && !pattern_ops) {
    skip("CREATE INDEX (not translated)");
    warn("index " + index_name + " on " + t->name + " at " + line_ref(at) + " (" + method +
         ", expression, partial or with options) is not translated to SQLite");
    return ok_status();
  }
  indexes_.push_back(std::move(idx));
  return ok_status();
}

// ===========================================================================
// ALTER

Status Loader::alter_stmt(Lexer& lx, std::size_t at) {
  lx.next();  // ALTER
  const Token& k = lx.peek();
  if (k.kw("TABLE")) {
    lx.next();
    return alter_table(lx, at);
  }
  if (k.kw("SEQUENCE")) {
    lx.next();
    return alter_sequence(lx, at);
  }
  std::string kind = k.kind == Tok::Ident ? upper(k.text) : "?";
  lx.next();
  if ((kind == "DEFAULT" || kind == "MATERIALIZED" || kind == "FOREIGN" || kind == "EVENT" || kind == "TEXT") &&
      lx.peek().kind == Tok::Ident) {
    kind += " " + upper(lx.next().text);
  }
  skip("ALTER " + kind);
  return ok_status();
}

Status Loader::alter_table(Lexer& lx, std::size_t at) {
  if (lx.peek().kw("IF")) {  // IF EXISTS
    lx.next();
    lx.next();
  }
  if (lx.peek().kw("ONLY")) lx.next();
  auto q = qname(lx, "a table name");
  if (!q) return q.error();
  if (lx.peek().is(Tok::Op, "*")) lx.next();
  Table* t = table(*q);
  Token w = lx.next();

  if (w.kw("OWNER")) {
    skip("ALTER TABLE OWNER");
    return ok_status();
  }
  if (w.kw("ALTER")) {
    if (lx.peek().kw("COLUMN")) lx.next();
    auto col = ident(lx, "a column name");
    if (!col) return col.error();
    Token a = lx.next();
    if (a.kw("SET") && lx.peek().kw("DEFAULT")) {
      lx.next();
      // nextval('public.x_id_seq'::regclass): the column is fed by that sequence.
      Token f = lx.next();
      if (f.kind == Tok::Ident && pgdump::ident_value(f) == "nextval" && lx.peek().punct('(')) {
        lx.next();
        Token name = lx.next();
        auto sq = qname_in_string(name);
        if (!sq) {
          warn("nextval() at " + line_ref(at) + " names the sequence " + describe_token(name) +
               ", which is not a valid (quoted) name: its sequence is not followed");
        } else {
          seq_owner_.emplace(seq_key(*sq), std::make_pair(t ? t->name : q->name, *col));
        }
      }
      skip("ALTER TABLE SET DEFAULT");
      return ok_status();
    }
    if (a.kw("ADD") && lx.peek().kw("GENERATED")) {
      // ADD GENERATED ... AS IDENTITY (SEQUENCE NAME public.x ...)
      for (;;) {
        Token s = lx.next();
        if (s.kind == Tok::End) break;
        if (s.kind == Tok::Bad) return fail("cannot read " + describe_token(s), s.offset);
        if (s.kw("NAME")) {
          auto sq = qname(lx, "a sequence name");
          if (!sq) return sq.error();
          seq_owner_[seq_key(*sq)] = {t ? t->name : q->name, *col};
        }
      }
      if (t) {
        int ci = t->find(*col);
        if (ci >= 0) t->columns[static_cast<std::size_t>(ci)].identity = true;
      }
      skip("ALTER TABLE ADD IDENTITY");
      return ok_status();
    }
    skip("ALTER TABLE ALTER COLUMN");
    return ok_status();
  }
  if (w.kw("ADD")) {
    std::size_t c_at = lx.peek().offset;
    auto c = constraint(lx);
    if (!c) {
      // Constraint syntax the loader does not model: the data is whole without it.
      skip("ALTER TABLE ADD (not read)");
      warn("constraint at " + line_ref(at) + " on table " + (t ? t->name : q->name) + " is not translated to SQLite (" +
           c.error().message + "): skipped");
      return ok_status();
    }
    if (!t) {
      skip("ALTER TABLE ADD CONSTRAINT (no such table)");
      warn("constraint " + c->name + " at " + line_ref(at) + " is on table " + q->name +
           ", which the dump never created: skipped");
      return ok_status();
    }
    if (!t->loaded) {
      skip("ALTER TABLE ADD CONSTRAINT (table not loaded)");
      return ok_status();
    }
    if (t->crm) {
      skip("ALTER TABLE ADD CONSTRAINT (in CRM schema)");
      return ok_status();
    }
    for (const auto& col : c->cols) {
      if (t->find(col) < 0) return fail("constraint " + c->name + " names column " + col + ", which table " + t->name + " does not have", c_at, t->name);
    }
    switch (c->kind) {
      case Constraint::Kind::PrimaryKey:
        t->pk = c->cols;
        break;
      case Constraint::Kind::Unique:
        t->uniques.emplace_back(c->name, c->cols);
        break;
      case Constraint::Kind::ForeignKey:
        t->fks.push_back({c->cols, c->ref_table, c->ref_cols});
        break;
      case Constraint::Kind::Check:
        skip("CHECK constraint (not translated)");
        warn("table " + t->name + ": CHECK constraint " + c->name + " at " + line_ref(at) + " is not translated to SQLite");
        break;
      case Constraint::Kind::Other:
        skip("ALTER TABLE ADD " + c->word);
        warn("table " + t->name + ": " + c->word + " constraint " + c->name + " at " + line_ref(at) + " is not translated to SQLite");
        break;
    }
    return ok_status();
  }
  skip("ALTER TABLE " + (w.kind == Tok::Ident ? upper(w.text) : std::string("?")));
  return ok_status();
}

Status Loader::alter_sequence(Lexer& lx, std::size_t /*at*/) {
  if (lx.peek().kw("IF")) {
    lx.next();
    lx.next();
  }
  auto sq = qname(lx, "a sequence name");
  if (!sq) return sq.error();
  if (lx.peek().kw("OWNED")) {
    lx.next();
    if (!lx.next().kw("BY")) return ok_status();
    if (lx.peek().kw("NONE")) {
      skip("ALTER SEQUENCE OWNED BY");
      return ok_status();
    }
    // OWNED BY [schema.]table.column: the last part is the column.
    std::vector<std::string> parts;
    for (;;) {
      auto p = ident(lx, "the owning column");
      if (!p) return p.error();
      parts.push_back(std::move(*p));
      if (!lx.peek().punct('.')) break;
      lx.next();
    }
    if (parts.size() >= 2) {
      QName owner;
      owner.name = parts[parts.size() - 2];
      if (parts.size() >= 3) owner.schema = parts[parts.size() - 3];
      seq_owner_[seq_key(*sq)] = {local_name(owner), parts.back()};
    }
    skip("ALTER SEQUENCE OWNED BY");
    return ok_status();
  }
  skip("ALTER SEQUENCE");
  return ok_status();
}

// ===========================================================================
// Data: COPY and INSERT

Result<Inserter*> Loader::inserter(Table* t, const std::vector<int>& cols, bool or_ignore, std::size_t at) {
  if (last_inserter_ && last_inserter_->table == t && last_inserter_->cols == cols &&
      last_inserter_->or_ignore == or_ignore) {
    return last_inserter_;
  }
  REDLINE_TRY(flush());  // rows of the previous table go first
  for (auto& p : inserters_) {
    if (p->table == t && p->cols == cols && p->or_ignore == or_ignore) {
      last_inserter_ = p.get();
      return last_inserter_;
    }
  }
  auto ins = std::make_unique<Inserter>();
  ins->table = t;
  ins->cols = cols;
  ins->or_ignore = or_ignore;
  const std::size_t nc = cols.size();
  // Rows per statement: enough to amortize running a statement, few enough to stay
  // well under SQLite's limit on parameters (32766).
  ins->batch = std::clamp<std::size_t>(kBatchParams / std::max<std::size_t>(nc, 1), 1, kBatchRows);
  std::string head = or_ignore ? "INSERT OR IGNORE INTO " : "INSERT INTO ";
  head += sql::quote_ident(t->name) + " (";
  for (std::size_t i = 0; i < nc; ++i) {
    if (i) head += ", ";
    head += sql::quote_ident(t->columns[static_cast<std::size_t>(cols[i])].name);
  }
  head += ") VALUES ";
  std::string tuple = "(";
  for (std::size_t i = 0; i < nc; ++i) tuple += i ? ", ?" : "?";
  tuple += ")";
  auto one = db_.prepare(head + tuple);
  if (!one) return fail("cannot prepare the insert: " + one.error().message, at, t->name, ErrorCode::Sqlite);
  ins->one = std::move(*one);
  if (ins->batch > 1) {
    std::string sql = head;
    for (std::size_t r = 0; r < ins->batch; ++r) {
      if (r) sql += ", ";
      sql += tuple;
    }
    auto many = db_.prepare(sql);
    if (!many) return fail("cannot prepare the insert: " + many.error().message, at, t->name, ErrorCode::Sqlite);
    ins->many = std::move(*many);
  }
  ins->slots.resize(ins->batch * nc);
  ins->scratch.resize(ins->batch * nc);
  ins->small.resize(ins->batch * nc);
  ins->row_at.resize(ins->batch);
  inserters_.push_back(std::move(ins));
  last_inserter_ = inserters_.back().get();
  return last_inserter_;
}

void Loader::odd(const Table& t, const Column& c, std::string_view v, std::size_t at, const char* why) {
  OddValues& o = odd_[t.name + "." + c.name];
  if (o.count++ == 0) {
    o.first_offset = at;
    o.first_value = std::string(v.substr(0, 60));
    o.why = why;
  }
}

void Loader::set(Inserter& ins, std::size_t i, std::string_view v, bool is_null, std::size_t at) {
  const std::size_t k = ins.slot(i);
  Slot& out = ins.slots[k];
  const Table& t = *ins.table;
  const Column& col = t.columns[static_cast<std::size_t>(ins.cols[i])];
  auto text = [&](const char* p, std::size_t n) {
    out.kind = Slot::Kind::Text;
    out.p = p;
    out.n = n;
  };
  if (is_null) {
    out.kind = Slot::Kind::Null;
    return;
  }
  switch (col.kind) {
    case PgKind::Integer:
      // Binding the integer gives what SQLite's affinity would make of the text,
      // without SQLite parsing it again.
      if (pgdump::parse_int64(v, out.i)) out.kind = Slot::Kind::Int;
      else text(v.data(), v.size());
      return;
    case PgKind::Bool: {
      bool b;
      if (pgdump::parse_bool(v, b)) {
        out.kind = Slot::Kind::Int;
        out.i = b ? 1 : 0;
      } else {
        odd(t, col, v, at, "not a boolean");
        text(v.data(), v.size());
      }
      return;
    }
    case PgKind::TimestampTz:
    case PgKind::Timestamp:
    case PgKind::Time: {
      char* buf = ins.small[k].data();
      std::size_t n = col.kind == PgKind::TimestampTz ? pgdump::timestamptz_to_utc(v, buf)
                      : col.kind == PgKind::Timestamp ? pgdump::timestamp_normalize(v, buf)
                                                      : pgdump::time_normalize(v, buf);
      if (n) {
        text(buf, n);
      } else {
        odd(t, col, v, at, col.kind == PgKind::Time ? "not a time Django can store" : "not a datetime Django can store");
        text(v.data(), v.size());
      }
      return;
    }
    case PgKind::Date:
      if (!pgdump::valid_date(v)) odd(t, col, v, at, "not a date Django can store");
      text(v.data(), v.size());
      return;
    case PgKind::Uuid: {
      char* buf = ins.small[k].data();
      if (pgdump::uuid_to_hex32(v, buf)) {
        text(buf, 32);
      } else {
        odd(t, col, v, at, "not a UUID");
        text(v.data(), v.size());
      }
      return;
    }
    case PgKind::Bytea: {
      std::string& s = ins.scratch[k];
      // The text may itself live in this slot's scratch (COPY escapes undone there).
      std::string bytes;
      if (pgdump::decode_bytea_hex(v, bytes)) {
        s = std::move(bytes);
        out.kind = Slot::Kind::Blob;
        out.p = s.data();
        out.n = s.size();
      } else {
        odd(t, col, v, at, "not bytea in hex format");
        text(v.data(), v.size());
      }
      return;
    }
    default:  // Text, Numeric, Float, Json, Interval, Other: PostgreSQL's text as is
      text(v.data(), v.size());
  }
}

Status Loader::bind_row(sqlite3_stmt* st, const Inserter& ins, std::size_t row, int first_param) {
  const std::size_t nc = ins.cols.size();
  for (std::size_t i = 0; i < nc; ++i) {
    const Slot& v = ins.slots[row * nc + i];
    const int p = first_param + static_cast<int>(i);
    int rc;
    switch (v.kind) {
      case Slot::Kind::Null: rc = sqlite3_bind_null(st, p); break;
      case Slot::Kind::Int: rc = sqlite3_bind_int64(st, p, v.i); break;
      // An empty view may have no data pointer; SQLite would read that as NULL.
      case Slot::Kind::Text: rc = sqlite3_bind_text64(st, p, v.n ? v.p : "", v.n, SQLITE_STATIC, SQLITE_UTF8); break;
      case Slot::Kind::Blob: rc = sqlite3_bind_blob64(st, p, v.n ? v.p : "", v.n, SQLITE_STATIC); break;
      default: rc = SQLITE_MISUSE;
    }
    if (rc != SQLITE_OK) {
      const Column& col = ins.table->columns[static_cast<std::size_t>(ins.cols[i])];
      return fail("cannot take the value of column " + col.name + ": " + sqlite3_errmsg(db_.handle()),
                  ins.row_at[row], ins.table->name, rc == SQLITE_TOOBIG ? ErrorCode::BadInput : ErrorCode::Sqlite);
    }
  }
  return ok_status();
}

Status Loader::end_row(Inserter& ins, std::size_t at) {
  ins.row_at[ins.pending] = at;
  if (++ins.pending == ins.batch || ins.pending_bytes > kBatchBytes) return flush();
  return ok_status();
}

Status Loader::flush() {
  Inserter* ins = last_inserter_;
  if (!ins || ins->pending == 0) return ok_status();
  const std::size_t nc = ins->cols.size();
  if (ins->pending == ins->batch && ins->batch > 1) {
    sqlite3_stmt* st = ins->many.handle();
    for (std::size_t r = 0; r < ins->pending; ++r) REDLINE_TRY(bind_row(st, *ins, r, static_cast<int>(r * nc) + 1));
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE) {
      release_scratch(*ins);
      return ok_status();
    }
    // The statement was undone as a whole; row by row below finds the row to blame.
  }
  sqlite3_stmt* st = ins->one.handle();
  for (std::size_t r = 0; r < ins->pending; ++r) {
    REDLINE_TRY(bind_row(st, *ins, r, 1));
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE) {
      std::string msg = sqlite3_errmsg(db_.handle());
      sqlite3_reset(st);
      ins->pending = 0;
      return fail("the row is rejected: " + msg, ins->row_at[r], ins->table->name);
    }
    sqlite3_reset(st);
  }
  release_scratch(*ins);
  return ok_status();
}

void Loader::release_scratch(Inserter& ins) {
  if (ins.pending_bytes > kScratchKeep) {
    for (auto& s : ins.scratch)
      if (s.capacity() > kScratchKeep) std::string().swap(s);
  }
  ins.pending = 0;
  ins.pending_bytes = 0;
}

Status Loader::copy_stmt(Lexer& lx, std::size_t at, std::size_t stmt_end) {
  lx.next();  // COPY
  auto q = qname(lx, "a table name");
  if (!q) return q.error();
  col_names_.clear();
  bool has_list = false;
  if (lx.peek().punct('(')) {
    auto cols = ident_list(lx, "the COPY column list");
    if (!cols) return cols.error();
    col_names_ = std::move(*cols);
    has_list = true;
  }
  Token from = lx.next();
  if (!from.kw("FROM")) {
    return fail("COPY " + q->name + " " + std::string(from.text) + " ... is not COPY FROM stdin: a dump does not contain it",
                from.offset, q->name, ErrorCode::Unsupported);
  }
  Token src = lx.next();
  if (!src.kw("stdin")) {
    return fail("COPY FROM " + std::string(src.text) + " reads a file on the server; a dump has its data inline (FROM stdin)",
                src.offset, q->name, ErrorCode::Unsupported);
  }
  if (lx.peek().kind != Tok::End) {
    return fail("COPY options (" + describe_token(lx.peek()) +
                    " ...) are not supported: pg_dump writes COPY data in the default text format",
                lx.peek().offset, q->name, ErrorCode::Unsupported);
  }

  // The data starts on the line after the statement.
  const char* d = in_.data();
  const std::size_t n = in_.size();
  std::size_t p = stmt_end;
  while (p < n && (d[p] == ' ' || d[p] == '\t' || d[p] == '\r')) ++p;
  if (p >= n) return fail("unterminated COPY: the file ends right after the COPY statement (truncated?)", at, q->name);
  if (d[p] != '\n') return fail("unexpected text after the COPY statement on the same line", p, q->name);
  ++p;

  Table* t = table(*q);
  if (!t) {
    return fail("COPY into table " + q->name + ", which the dump never created (no CREATE TABLE: a --data-only dump?)",
                at, q->name);
  }
  Inserter* ins = nullptr;
  if (t->loaded) {
    cols_.clear();
    if (has_list) {
      for (const auto& c : col_names_) {
        int ci = t->find(c);
        if (ci < 0) return fail("COPY names column " + c + ", which table " + t->name + " does not have", at, t->name);
        if (std::find(cols_.begin(), cols_.end(), ci) != cols_.end())
          return fail("COPY names column " + c + " twice", at, t->name);
        cols_.push_back(ci);
      }
    } else {
      for (std::size_t i = 0; i < t->columns.size(); ++i) cols_.push_back(static_cast<int>(i));
    }
    auto r = inserter(t, cols_, false, at);
    if (!r) return r.error();
    ins = *r;
  } else {
    skip("COPY (table not loaded)");
  }
  const std::size_t ncols = ins ? ins->cols.size() : 0;
  fields_.resize(ncols + 2);
  copy_ = CopyState{t, ins, p, at, ncols};
  copy_active_ = true;
  return ok_status();
}

Status Loader::copy_rows(std::chrono::steady_clock::time_point deadline) {
  Table* const t = copy_.t;
  Inserter* const ins = copy_.ins;
  const std::size_t at = copy_.at;
  const std::size_t ncols = copy_.ncols;
  const char* d = in_.data();
  const std::size_t n = in_.size();
  std::size_t p = copy_.p;
  std::size_t rows = 0;
  // Row by row: one line, split on unescaped tabs, each field bound as a view into
  // the input (or into the column's scratch buffer when it had escapes).
  for (;;) {
    // The clock is read every few hundred rows: often enough for a frame's budget.
    if ((++rows & 255) == 0 && std::chrono::steady_clock::now() >= deadline) {
      copy_.p = p;
      return ok_status();
    }
    if (p >= n) {
      return fail("unterminated COPY: the file ends before the \\. line that closes the data of table " + t->name +
                      " (COPY at " + line_ref(at) + "; truncated?)",
                  n, t->name);
    }
    const char* line = d + p;
    const void* nl = std::memchr(line, '\n', n - p);
    std::size_t len = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - line) : n - p;
    const std::size_t next = nl ? p + len + 1 : n;
    if (len && line[len - 1] == '\r') --len;  // a dump saved with CRLF line ends
    if (len == 2 && line[0] == '\\' && line[1] == '.') {
      REDLINE_TRY(flush());
      copy_active_ = false;
      pos_ = next;
      return ok_status();
    }
    if (!nl) {
      return fail("unterminated COPY: the file ends inside a data row of table " + t->name +
                      ", before the \\. line (truncated?)",
                  p, t->name);
    }
    std::size_t bad = pgdump::find_bad_utf8(line, len);
    if (bad != pgdump::npos) return bad_bytes(p + bad, t->name);
    if (!ins) {
      p = next;
      continue;
    }

    // Split into fields_[0..nf): at most ncols + 1, so a line of a million tabs
    // costs no more than a normal one before it is rejected.
    const char* e = line + len;
    const bool any_escape = std::memchr(line, '\\', len) != nullptr;
    std::size_t nf = 0;
    if (!any_escape) {
      const char* s = line;
      for (;;) {
        const void* tab = std::memchr(s, '\t', static_cast<std::size_t>(e - s));
        if (!tab) {
          fields_[nf++] = std::string_view(s, static_cast<std::size_t>(e - s));
          break;
        }
        fields_[nf++] = std::string_view(s, static_cast<std::size_t>(static_cast<const char*>(tab) - s));
        s = static_cast<const char*>(tab) + 1;
        if (nf > ncols) break;
      }
    } else {
      const char* s = line;
      const char* c = line;
      while (c < e) {
        if (*c == '\\') {
          c += 2;  // the escaped byte is never a separator
          continue;
        }
        if (*c == '\t') {
          fields_[nf++] = std::string_view(s, static_cast<std::size_t>(c - s));
          s = c + 1;
          if (nf > ncols) break;
        }
        ++c;
      }
      if (nf <= ncols) fields_[nf++] = std::string_view(s, static_cast<std::size_t>(std::min(c, e) - s));
    }
    if (nf != ncols) {
      return fail("COPY row has " + std::string(nf > ncols ? "more than " + std::to_string(ncols) : std::to_string(nf)) +
                      " field(s), but the COPY of table " + t->name + " lists " + std::to_string(ncols) + " column(s)",
                  p, t->name);
    }
    for (std::size_t i = 0; i < ncols; ++i) {
      std::string_view f = fields_[i];
      bool is_null = false;
      if (any_escape) {
        if (f.size() == 2 && f[0] == '\\' && f[1] == 'N') {
          is_null = true;
        } else if (std::memchr(f.data(), '\\', f.size())) {
          std::string& s = ins->scratch[ins->slot(i)];
          if (!pgdump::decode_copy_field(f, s, err_))
            return fail(err_ + " (column " + t->columns[static_cast<std::size_t>(ins->cols[i])].name + ")",
                        static_cast<std::size_t>(f.data() - d), t->name);
          ins->pending_bytes += s.size();
          f = s;
        }
      }
      set(*ins, i, f, is_null, p);
    }
    REDLINE_TRY(end_row(*ins, p));
    p = next;
  }
}

Status Loader::insert_stmt(Lexer& lx, std::size_t at, std::size_t stmt_end) {
  lx.next();  // INSERT
  if (!lx.next().kw("INTO")) return fail("expected INSERT INTO", at);
  auto q = qname(lx, "a table name");
  if (!q) return q.error();
  if (lx.peek().kw("AS")) {
    lx.next();
    lx.next();
  }
  bool has_list = false;
  col_names_.clear();
  if (lx.peek().punct('(')) {
    auto cols = ident_list(lx, "the INSERT column list");
    if (!cols) return cols.error();
    col_names_ = std::move(*cols);
    has_list = true;
  }
  if (lx.peek().kw("OVERRIDING")) {  // OVERRIDING SYSTEM VALUE (identity columns)
    lx.next();
    lx.next();
    lx.next();
  }
  Table* t = table(*q);
  if (!t) {
    return fail("INSERT into table " + q->name + ", which the dump never created (no CREATE TABLE: a --data-only dump?)",
                at, q->name);
  }
  if (!t->loaded) {
    skip("INSERT (table not loaded)");
    return ok_status();
  }
  const Token& v = lx.peek();
  if (v.kw("DEFAULT")) {
    return fail("INSERT ... DEFAULT VALUES is not supported", v.offset, t->name, ErrorCode::Unsupported);
  }
  if (!v.kw("VALUES")) {
    return fail("INSERT ... " + describe_token(v) + " is not supported: only INSERT ... VALUES, as pg_dump writes",
                v.offset, t->name, ErrorCode::Unsupported);
  }
  lx.next();

  // pg_dump --on-conflict-do-nothing ends each INSERT with ON CONFLICT DO NOTHING.
  bool or_ignore = false;
  {
    std::string_view s = in_.substr(at, stmt_end - at);
    while (!s.empty() && pgdump::is_space(s.back())) s.remove_suffix(1);
    static constexpr std::string_view kTail = "DO NOTHING";
    if (s.size() >= kTail.size()) {
      std::string tail = upper(s.substr(s.size() - kTail.size()));
      or_ignore = tail == kTail;
    }
  }

  cols_.clear();
  if (has_list) {
    for (const auto& c : col_names_) {
      int ci = t->find(c);
      if (ci < 0) return fail("INSERT names column " + c + ", which table " + t->name + " does not have", at, t->name);
      if (std::find(cols_.begin(), cols_.end(), ci) != cols_.end())
        return fail("INSERT names column " + c + " twice", at, t->name);
      cols_.push_back(ci);
    }
  } else {
    for (std::size_t i = 0; i < t->columns.size(); ++i) cols_.push_back(static_cast<int>(i));
  }
  auto r = inserter(t, cols_, or_ignore, at);
  if (!r) return r.error();
  Inserter& ins = **r;
  const std::size_t ncols = ins.cols.size();

  static constexpr std::string_view kTrue = "true", kFalse = "false";
  for (;;) {
    Token open = lx.next();
    if (!open.punct('(')) return fail("expected '(' to start a row of values, found " + describe_token(open), open.offset, t->name);
    const std::size_t row_at = open.offset;
    std::size_t i = 0;
    for (;;) {
      Token tk = lx.next();
      std::string_view value;
      bool is_null = false;
      std::size_t value_at = tk.offset;
      if (tk.kind == Tok::String) {
        std::string& s = i < ncols ? ins.scratch[ins.slot(i)] : err_;
        if (!pgdump::decode_string(tk, s, value, err_)) return fail(err_, tk.offset, t->name);
        if (value.data() == s.data()) ins.pending_bytes += s.size();
      } else if (tk.kind == Tok::Number) {
        value = tk.text;
      } else if (tk.is(Tok::Op, "-") || tk.is(Tok::Op, "+")) {
        Token num = lx.next();
        if (num.kind != Tok::Number) return fail("expected a number after '" + std::string(tk.text) + "'", num.offset, t->name);
        if (tk.text == "+") {
          value = num.text;
        } else if (num.offset == tk.offset + 1) {
          value = in_.substr(tk.offset, num.text.size() + 1);  // "-12.5" as written
        } else {
          std::string& s = i < ncols ? ins.scratch[ins.slot(i)] : err_;
          s.clear();
          s.push_back('-');
          s.append(num.text.data(), num.text.size());
          value = s;
        }
      } else if (tk.kw("NULL")) {
        is_null = true;
      } else if (tk.kw("TRUE")) {
        value = kTrue;
      } else if (tk.kw("FALSE")) {
        value = kFalse;
      } else if (tk.kw("DEFAULT")) {
        is_null = true;  // pg_dump writes DEFAULT for generated columns
      } else if (tk.kind == Tok::Bad) {
        return fail("cannot read this value: " + describe_token(tk) + " (unterminated string?)", tk.offset, t->name);
      } else {
        return fail("unsupported value in INSERT: " + describe_token(tk) + " (pg_dump writes only literals)",
                    tk.offset, t->name, tk.kind == Tok::Ident ? ErrorCode::Unsupported : ErrorCode::BadInput);
      }
      while (lx.peek().is(Tok::Punct, "::")) {  // 'NaN'::numeric, '{1,2}'::integer[]
        lx.next();
        REDLINE_TRY(skip_cast_type(lx));
      }
      if (i >= ncols) {
        return fail("INSERT row has more than " + std::to_string(ncols) + " value(s), but " +
                        (has_list ? "the INSERT lists " : "table " + t->name + " has ") + std::to_string(ncols) +
                        " column(s)",
                    row_at, t->name);
      }
      set(ins, i, value, is_null, value_at);
      ++i;
      Token sep = lx.next();
      if (sep.punct(')')) break;
      if (!sep.punct(',')) return fail("expected ',' or ')' after a value, found " + describe_token(sep), sep.offset, t->name);
    }
    if (i != ncols) {
      return fail("INSERT row has " + std::to_string(i) + " value(s), but " +
                      (has_list ? "the INSERT lists " : "table " + t->name + " has ") + std::to_string(ncols) +
                      " column(s)",
                  row_at, t->name);
    }
    REDLINE_TRY(end_row(ins, row_at));
    const Token& after = lx.peek();
    if (after.punct(',')) {
      lx.next();
      continue;
    }
    if (after.kind == Tok::End || after.kw("ON")) break;
    return fail("unexpected " + describe_token(after) + " after a row of values", after.offset, t->name);
  }
  return ok_status();
}

// ===========================================================================
// The end: constraints, indexes, sequences

std::string Loader::unknown_ddl(const Table& t, const std::string& sql_name) {
  // Django's way of writing a table on SQLite: "col" type NOT NULL/NULL, an integer
  // primary key fed by a sequence as PRIMARY KEY AUTOINCREMENT, single-column UNIQUE
  // and REFERENCES inline, DEFERRABLE INITIALLY DEFERRED foreign keys.
  std::string single_pk;
  for (const auto& c : t.columns)
    if (c.primary_key) single_pk = c.name;
  if (t.pk.size() == 1) single_pk = t.pk[0];
  std::vector<std::string> composite_pk = t.pk.size() > 1 ? t.pk : std::vector<std::string>{};

  std::string ddl = "CREATE TABLE " + sql::quote_ident(sql_name) + " (";
  bool first = true;
  for (const auto& c : t.columns) {
    if (!first) ddl += ", ";
    first = false;
    bool is_pk = c.name == single_pk;
    bool fed = false;
    if (is_pk && c.kind == PgKind::Integer) {
      if (c.identity) fed = true;
      for (const auto& [seq, owner] : seq_owner_)
        if (owner.first == t.name && owner.second == c.name) fed = true;
    }
    ddl += sql::quote_ident(c.name) + " " + (fed ? std::string("integer") : pgdump::sqlite_type_for(c.pg_type, c.kind));
    ddl += (c.not_null || is_pk) ? " NOT NULL" : " NULL";
    if (is_pk) ddl += fed ? " PRIMARY KEY AUTOINCREMENT" : " PRIMARY KEY";
    bool unique = c.unique && !is_pk;
    for (const auto& [n, cols] : t.uniques)
      if (cols.size() == 1 && cols[0] == c.name && !is_pk) unique = true;
    if (unique) ddl += " UNIQUE";
    std::string ref_table = c.ref_table, ref_col = c.ref_column;
    for (const auto& fk : t.fks) {
      if (fk.cols.size() == 1 && fk.cols[0] == c.name) {
        ref_table = fk.ref_table;
        ref_col = fk.ref_cols.empty() ? "" : fk.ref_cols[0];
      }
    }
    if (!ref_table.empty()) {
      ddl += " REFERENCES " + sql::quote_ident(ref_table);
      if (!ref_col.empty()) ddl += " (" + sql::quote_ident(ref_col) + ")";
      ddl += " DEFERRABLE INITIALLY DEFERRED";
    }
  }
  auto col_list = [](const std::vector<std::string>& cols) {
    std::string s = "(";
    for (std::size_t i = 0; i < cols.size(); ++i) s += (i ? ", " : "") + sql::quote_ident(cols[i]);
    return s + ")";
  };
  if (!composite_pk.empty()) ddl += ", PRIMARY KEY " + col_list(composite_pk);
  for (const auto& fk : t.fks) {
    if (fk.cols.size() < 2) continue;
    ddl += ", FOREIGN KEY " + col_list(fk.cols) + " REFERENCES " + sql::quote_ident(fk.ref_table);
    if (!fk.ref_cols.empty()) {
      ddl += ' ';
      ddl += col_list(fk.ref_cols);
    }
    ddl += " DEFERRABLE INITIALLY DEFERRED";
  }
  ddl += ")";
  return ddl;
}

Status Loader::exec(const std::string& sql, std::size_t at, std::string_view table, const char* what) {
  Status s = db_.exec(sql);
  if (!s) {
    bool data = s.error().message.find("UNIQUE") != std::string::npos ||
                s.error().message.find("constraint") != std::string::npos ||
                s.error().message.find("already exists") != std::string::npos;
    return fail(std::string(what) + ": " + s.error().message, at, table, data ? ErrorCode::BadInput : ErrorCode::Sqlite);
  }
  return ok_status();
}

Status Loader::refuse_no_tables() {
  for (const auto& t : tables_)
    if (t->loaded) return ok_status();
  std::vector<std::pair<std::int64_t, std::string>> seen;
  for (const auto& [kind, n] : summary_.skipped) seen.emplace_back(-n, kind);
  std::sort(seen.begin(), seen.end());
  std::string list;
  for (std::size_t i = 0; i < seen.size() && i < 6; ++i)
    list += (i ? ", " : "") + std::to_string(-seen[i].first) + " " + seen[i].second;
  if (seen.size() > 6) list += ", ...";
  return fail(std::string("the file has no table Redline can load (") +
                  (tables_created_ ? std::to_string(tables_created_) + " CREATE TABLE skipped; " : "no CREATE TABLE; ") +
                  (list.empty() ? "no statements" : "it holds " + list) +
                  "): it is not a pg_dump of the CRM's database. Make one with pg_dump -d NAME > FILE.sql",
              in_.size());
}

Status Loader::finish_tables() {
  REDLINE_TRY(flush());
  // Statements must not hold the tables while they are rebuilt.
  last_inserter_ = nullptr;
  inserters_.clear();

  // Tables outside the CRM schema whose keys arrived after their data (pg_dump adds
  // PRIMARY KEY / UNIQUE / FOREIGN KEY at the end) are rebuilt with them inline.
  for (auto& tp : tables_) {
    Table& t = *tp;
    if (!t.loaded || t.crm) continue;
    const std::string final_ddl = unknown_ddl(t, t.name);
    if (final_ddl != t.created_ddl) {
      std::string tmp = t.name + "__redline_rebuild";
      std::string cols;
      for (std::size_t i = 0; i < t.columns.size(); ++i) cols += (i ? ", " : "") + sql::quote_ident(t.columns[i].name);
      REDLINE_TRY(exec(unknown_ddl(t, tmp), t.created_at, t.name, "cannot rebuild the table with its keys"));
      REDLINE_TRY(exec("INSERT INTO " + sql::quote_ident(tmp) + " (" + cols + ") SELECT " + cols + " FROM " +
                           sql::quote_ident(t.name),
                       t.created_at, t.name, "the table's data violates its keys"));
      REDLINE_TRY(exec("DROP TABLE " + sql::quote_ident(t.name), t.created_at, t.name, "cannot rebuild the table"));
      REDLINE_TRY(exec("ALTER TABLE " + sql::quote_ident(tmp) + " RENAME TO " + sql::quote_ident(t.name), t.created_at,
                       t.name, "cannot rebuild the table"));
    }
    for (const auto& [n, cols] : t.uniques) {
      if (cols.size() < 2) continue;
      IndexDef idx;
      idx.name = n;
      idx.table = t.name;
      idx.unique = true;
      idx.offset = t.created_at;
      for (const auto& c : cols) idx.cols.push_back(sql::quote_ident(c));
      indexes_.push_back(std::move(idx));
    }
    // Which column (if any) ended up as the AUTOINCREMENT key.
    if (final_ddl.find("AUTOINCREMENT") != std::string::npos) {
      for (const auto& c : t.columns)
        if (c.primary_key || (t.pk.size() == 1 && t.pk[0] == c.name)) t.autoinc_column = c.name;
    }
  }

  // Indexes after the data: one sort each instead of a b-tree insert per row. They
  // are created by step(), one per turn, in this order.
  for (auto& tp : tables_) {
    const Table& t = *tp;
    if (!t.loaded || !t.crm) continue;
    for (const auto& sql : t.crm->index_sql)
      index_tasks_.push_back({sql, t.created_at, t.name, "cannot create an index of the CRM schema (duplicate values?)"});
  }
  for (const auto& idx : indexes_) {
    std::string sql = std::string(idx.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ") + sql::quote_ident(idx.name) +
                      " ON " + sql::quote_ident(idx.table) + " (";
    for (std::size_t i = 0; i < idx.cols.size(); ++i) sql += (i ? ", " : "") + idx.cols[i];
    sql += ")";
    index_tasks_.push_back({sql, idx.offset, idx.table, "cannot create the index (duplicate values?)"});
  }
  return ok_status();
}

Status Loader::finish_rest() {

  // sqlite_sequence as Django would have it: an AUTOINCREMENT table's counter is the
  // last id handed out, which is where pg_dump's setval() left the sequence.
  auto has_seq_table = db_.query_int("SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_sequence'");
  if (!has_seq_table) return has_seq_table.error();
  if (has_seq_table->value_or(0) > 0) {
    auto get = db_.prepare("SELECT seq FROM sqlite_sequence WHERE name = ?");
    auto upd = db_.prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = ?");
    auto add = db_.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)");
    if (!get) return get.error();
    if (!upd) return upd.error();
    if (!add) return add.error();
    for (auto& tp : tables_) {
      const Table& t = *tp;
      if (!t.loaded) continue;
      std::string key_col;
      if (t.crm) {
        if (t.crm->create_sql.find("AUTOINCREMENT") == std::string::npos) continue;
        for (const auto& c : t.crm->columns)
          if (c.primary_key) key_col = c.name;
      } else {
        key_col = t.autoinc_column;
      }
      if (key_col.empty()) continue;
      std::optional<std::int64_t> last;
      std::string seq_name;
      for (const auto& [seq, owner] : seq_owner_)
        if (owner.first == t.name && owner.second == key_col) seq_name = seq;
      if (seq_name.empty()) seq_name = t.name + "_" + key_col + "_seq";  // PostgreSQL's serial naming
      auto sv = setval_.find(seq_name);
      if (sv != setval_.end()) last = sv->second.called ? sv->second.value : sv->second.value - 1;

      REDLINE_TRY(get->reset());
      REDLINE_TRY(get->bind_text(1, t.name));
      auto r = get->step();
      if (!r) return r.error();
      bool exists = *r == sql::StepResult::Row;
      std::int64_t current = exists ? get->column_int(0) : 0;
      REDLINE_TRY(get->reset());
      bool remade = t.crm && std::find(kRemadeWhileEmpty.begin(), kRemadeWhileEmpty.end(), t.name) != kRemadeWhileEmpty.end();
      std::int64_t want = std::max<std::int64_t>(current, last.value_or(0));
      if (exists) {
        if (want == current) continue;
        REDLINE_TRY(upd->reset());
        REDLINE_TRY(upd->bind_int(1, want));
        REDLINE_TRY(upd->bind_text(2, t.name));
        auto u = upd->step();
        if (!u) return u.error();
      } else if (want > 0 || remade) {
        REDLINE_TRY(add->reset());
        REDLINE_TRY(add->bind_text(1, t.name));
        REDLINE_TRY(add->bind_int(2, want));
        auto a = add->step();
        if (!a) return a.error();
      }
    }
  }

  // Values kept as PostgreSQL wrote them, one line per column.
  for (const auto& [col, o] : odd_) {
    warn(col + ": " + std::to_string(o.count) + " value(s) " + o.why + ", kept as PostgreSQL's text (first at " +
         line_ref(o.first_offset) + ": '" + o.first_value + "')");
  }
  if (crm_shapes_.size() > 1) {
    warn("the dump mixes CRM tables of the old (before) and the normalized (after) shape");
  }
  return ok_status();
}

}  // namespace

Status load_pgdump(const std::vector<std::uint8_t>& bytes, const std::string& name, sql::Database& db,
                   LoadSummary& summary) {
  // Nothing thrown may leave the core: a failed allocation on a hostile input is an
  // error like any other.
  try {
    Loader loader(bytes, name, db, summary);
    return loader.run();
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::Io, "out of memory while loading the pg_dump file", name + ", format: pgdump");
  } catch (const std::exception& e) {
    return make_error(ErrorCode::Internal, std::string("unexpected failure while loading: ") + e.what(),
                      name + ", format: pgdump");
  }
}

Result<std::unique_ptr<SlicedLoader>> start_pgdump(const std::vector<std::uint8_t>& bytes, const std::string& name,
                                                   sql::Database& db, LoadSummary& summary) {
  // As in load_pgdump: nothing thrown leaves the core.
  return start_sliced<Loader>(bytes, name, db, summary, [](const std::exception& e, const std::string& n) {
    if (dynamic_cast<const std::bad_alloc*>(&e))
      return make_error(ErrorCode::Io, "out of memory while loading the pg_dump file", n + ", format: pgdump");
    return make_error(ErrorCode::Internal, std::string("unexpected failure while loading: ") + e.what(),
                      n + ", format: pgdump");
  });
}

}  // namespace redline::detail
