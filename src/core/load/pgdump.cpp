// The pg_dump plain-SQL loader: reads what `pg_dump` (15) writes, in one streaming
// pass over the bytes, into an SQLite database in the canonical form of spec §1.
//
// Its parts, as SQLite's own front end is split (tokenize -> parse -> build):
//  - pgdump_lex.*: the bytes split into statements, psql meta-commands and tokens;
//  - pgdump_parse.*: names, lists and located errors read from those tokens;
//  - pgdump_ddl.*: CREATE TABLE / INDEX, ALTER TABLE and sequences translated to
//    the canonical SQLite schema (Django's own DDL for the CRM's tables);
//  - pgdump_rows.*: COPY and INSERT rows converted and written by the batched
//    Inserter (inserter.*);
//  - this file: the driver, which reads one statement at a time (or a slice of COPY
//    data, for LoadJob), dispatches it, and finishes the load (indexes after the
//    data, sqlite_sequence). It also handles what concerns the file as a whole: a
//    pg_dumpall file or several databases in one (refused, naming them), the client
//    encoding (single-byte ones converted to UTF-8), a truncated end.
// What the loader does not need (SET, ownership, grants, functions, ...) is tallied
// in summary.skipped; anything surprising becomes a summary.warnings line; bad input
// is an Error naming the file, the format, the line, the byte offset and the table.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/load/loaders.hpp"
#include "core/load/pgdump_ddl.hpp"
#include "core/load/pgdump_encoding.hpp"
#include "core/load/pgdump_lex.hpp"
#include "core/load/pgdump_parse.hpp"
#include "core/load/pgdump_rows.hpp"

namespace redline::detail {

namespace {

using namespace pgdump;

// The Source goes first: Reader and the parts keep a reference to it.
struct SourceHolder {
  Source source;
};

class Loader : SourceHolder, Reader {
 public:
  Loader(const std::vector<std::uint8_t>& bytes, const std::string& name, sql::Database& db, LoadSummary& summary)
      : SourceHolder{Source(bytes, name, summary)}, Reader(source), db_(db), schema_(source, db), rows_(source, db, schema_) {}

  Status run();
  // The same work in slices (LoadJob): begin() once, then step() until it says done.
  Status begin();
  Result<bool> step(std::chrono::steady_clock::time_point deadline);
  std::size_t consumed() const {
    const std::size_t p = rows_.copy_active() ? rows_.copy_pos() : pos_;
    if (!src_.encoding || p <= src_.conv_at) return p;
    // Converted text is longer than the file: scale it back (progress only).
    const double f = static_cast<double>(p - src_.conv_at) / static_cast<double>(in().size() - src_.conv_at);
    return src_.conv_at + static_cast<std::size_t>(f * static_cast<double>(src_.file_size - src_.conv_at));
  }
  std::string current_table() const { return rows_.copy_active() ? rows_.copy_table() : current_table_; }

 private:
  Status next_statement();
  Status statement(const Chunk& c);
  Status meta(const Chunk& c);
  Status set_stmt(Lexer& lx, std::size_t at);
  Status select_stmt(Lexer& lx, std::size_t at);
  Status create_stmt(Lexer& lx, std::size_t at);
  Status alter_stmt(Lexer& lx, std::size_t at);
  // Before the first statement: a pg_dumpall file is refused, naming its databases.
  Status refuse_cluster_dump();
  // SET client_encoding / \encoding: UTF-8 goes on; a single-byte encoding converts
  // the rest of the input (from `from`); anything else is refused.
  Status client_encoding(std::string_view value, std::size_t at, std::size_t from);

  sql::Database& db_;
  Schema schema_;
  Rows rows_;

  // Where the driver is (begin/step).
  enum class Phase { Statements, Indexes, Done };
  Phase phase_ = Phase::Statements;
  std::size_t pos_ = 0;
  std::optional<sql::Savepoint> tx_;
  std::string current_table_;
  std::vector<IndexTask> index_tasks_;
  std::size_t next_index_ = 0;
};

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
  if (in().size() >= 3 && static_cast<unsigned char>(in()[0]) == 0xEF && static_cast<unsigned char>(in()[1]) == 0xBB &&
      static_cast<unsigned char>(in()[2]) == 0xBF) {
    pos_ = 3;  // UTF-8 byte order mark
  }
  REDLINE_TRY(refuse_cluster_dump());
  schema_.find_home_schema(pos_);
  auto tx = sql::Savepoint::begin(db_, "redline_pgdump_load");
  if (!tx) return tx.error();
  tx_.emplace(std::move(tx.value()));
  return ok_status();
}

Result<bool> Loader::step(std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    if (rows_.copy_active()) {
      REDLINE_TRY(rows_.copy_rows(deadline));
      if (rows_.copy_active()) return false;  // out of time inside the COPY data
      pos_ = rows_.copy_end();
    }
    if (phase_ == Phase::Done) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (phase_ == Phase::Statements) {
      REDLINE_TRY(next_statement());
    } else if (next_index_ < index_tasks_.size()) {
      // One index at a time: each is a sort of its whole table, which cannot be split.
      const IndexTask& task = index_tasks_[next_index_++];
      current_table_ = task.table;
      REDLINE_TRY(schema_.exec(task.sql, task.offset, task.table, task.what));
    } else {
      rows_.report_odd_values();
      REDLINE_TRY(schema_.finish_sequences());
      // pg_dump opens with "-- PostgreSQL database dump" and closes with "-- PostgreSQL
      // database dump complete": a dump cut between two statements is otherwise whole.
      std::string_view head = in().substr(0, 4096);
      std::string_view tail = in().substr(in().size() > 4096 ? in().size() - 4096 : 0);
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

Status Loader::next_statement() {
  const std::size_t pos = pos_;
  Chunk c = pgdump::next_chunk(in(), pos, src_.standard_strings);
  if (c.kind == Chunk::Kind::Eof) {
    pos_ = in().size();
    REDLINE_TRY(schema_.refuse_no_tables(in().size()));
    REDLINE_TRY(rows_.close());
    REDLINE_TRY(schema_.finish_tables(index_tasks_));
    phase_ = Phase::Indexes;
    return ok_status();
  }
  if (c.kind == Chunk::Kind::Error) {
    // Say which statement the file ended in: its first words.
    Lexer lx(in(), c.begin, std::min({in().size(), c.begin + 200, c.error_at > c.begin ? c.error_at : in().size()}),
             src_.standard_strings);
    Token a = lx.next(), b = lx.next();
    std::string what = a.kind == Tok::Ident ? upper(a.text) + (b.kind == Tok::Ident ? " " + upper(b.text) : "") : "";
    return fail(c.error + (what.empty() ? "" : " (statement " + what + ")"), c.error_at);
  }
  // Everything outside COPY data is checked here, one statement at a time.
  std::size_t bad = pgdump::find_bad_utf8(in().data() + pos, c.end - pos);
  if (bad != pgdump::npos) {
    // Name the table when the bad bytes are in an INSERT's values.
    std::string table;
    if (c.kind == Chunk::Kind::Statement && pos + bad >= c.begin) {
      Lexer lx(in(), c.begin, std::min(c.end, pos + bad), src_.standard_strings);
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
  Lexer lx(in(), c.begin, c.end - 1, src_.standard_strings);
  const Token& first = lx.peek();
  if (first.kind == Tok::Bad) return fail("cannot read this statement: " + describe_token(first), first.offset);
  if (first.kind == Tok::End) return ok_status();  // a lone ';'
  if (first.kind != Tok::Ident) return fail("expected an SQL statement, found " + describe_token(first), first.offset);

  // Rows of --inserts dumps are batched across INSERT statements; anything else
  // writes them first.
  if (!first.kw("INSERT")) REDLINE_TRY(rows_.flush());

  if (first.kw("SET")) return set_stmt(lx, c.begin);
  if (first.kw("RESET")) {
    skip("RESET");
    return ok_status();
  }
  if (first.kw("SELECT")) return select_stmt(lx, c.begin);
  if (first.kw("CREATE")) return create_stmt(lx, c.begin);
  if (first.kw("ALTER")) return alter_stmt(lx, c.begin);
  if (first.kw("COPY")) return rows_.copy_stmt(lx, c.begin, c.end);  // its rows: step()
  if (first.kw("INSERT")) return rows_.insert_stmt(lx, c.begin, c.end - 1);

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
  std::string_view line = in().substr(c.begin, c.end - c.begin);
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
  if ((cmd == "\\connect" || cmd == "\\c") && schema_.tables_created() > 0) {
    // pg_dump -C connects once, before its tables; a second database after them is
    // several dumps in one file (pg_dumpall without its header, or files joined).
    return fail("the file goes on with another database (" + cmd + " " + std::string(arg.substr(0, 60)) +
                    ") after tables of the first: it holds several databases. Redline loads one database: "
                    "dump it alone with pg_dump -d NAME > FILE.sql",
                c.begin, {}, ErrorCode::Unsupported);
  }
  return ok_status();
}

Status Loader::refuse_cluster_dump() {
  // pg_dumpall opens with "-- PostgreSQL database cluster dump" and then, for each
  // database, "\connect NAME" followed by that database's pg_dump.
  const std::size_t header = in().substr(0, 4096).find("-- PostgreSQL database cluster dump");
  if (header == std::string_view::npos) return ok_status();
  struct Db {
    std::string name;
    std::size_t tables = 0;
  };
  std::vector<Db> dbs;
  for (std::size_t p = 0; p < in().size();) {
    std::size_t e = in().find('\n', p);
    if (e == std::string_view::npos) e = in().size();
    std::string_view line = in().substr(p, e - p);
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

Status Loader::client_encoding(std::string_view value, std::size_t at, std::size_t from) {
  if (pgdump::is_utf8_encoding(value)) return ok_status();
  const pgdump::SingleByteEncoding* enc = pgdump::single_byte_encoding(value);
  if (!enc) {
    return fail("the dump is in encoding " + std::string(value) +
                    ", which Redline does not convert (it reads UTF-8, LATIN1, LATIN9 and WIN1252): dump again with "
                    "pg_dump -E UTF8",
                at, {}, ErrorCode::Unsupported);
  }
  if (src_.encoding) {
    if (enc == src_.encoding) return ok_status();
    return fail(std::string("the dump switches from encoding ") + src_.encoding->name + " to " + enc->name +
                    ": dump again with pg_dump -E UTF8",
                at, {}, ErrorCode::Unsupported);
  }
  // The rest of the input, converted once; what came before is ASCII in practice
  // (pg_dump's header) and was checked as UTF-8.
  std::string out(in().substr(0, from));
  std::string rest;
  std::size_t bad = 0;
  if (!pgdump::single_byte_to_utf8(in().substr(from), *enc, rest, bad)) {
    return fail(std::string("byte 0x") + hex_byte(from + bad) + " is not a character in " + enc->name +
                    ", the encoding the dump's SET client_encoding names: dump again with pg_dump -E UTF8",
                from + bad);
  }
  out += rest;
  src_.converted = std::move(out);
  src_.in = src_.converted;
  src_.conv_at = from;
  src_.encoding = enc;
  return ok_status();
}

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
    if (pgdump::decode_string(val, scratch, v, src_.err)) value = upper(v);
  } else {
    value = upper(val.text);
  }
  if (var.kw("standard_conforming_strings")) {
    src_.standard_strings = !(value == "OFF" || value == "FALSE" || value == "0");
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
    return schema_.setval(lx, at);
  }
  skip("SELECT");
  warn("SELECT statement at " + line_ref(at) + " skipped" + (fn.empty() ? "" : " (" + fn + ")"));
  return ok_status();
}

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
    return schema_.create_table(lx, at);
  }
  if (k.kw("UNIQUE")) {
    lx.next();
    if (!lx.next().kw("INDEX")) return fail("expected CREATE UNIQUE INDEX", at);
    return schema_.create_index(lx, true, at);
  }
  if (k.kw("INDEX")) {
    lx.next();
    return schema_.create_index(lx, false, at);
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

Status Loader::alter_stmt(Lexer& lx, std::size_t at) {
  lx.next();  // ALTER
  const Token& k = lx.peek();
  if (k.kw("TABLE")) {
    lx.next();
    return schema_.alter_table(lx, at);
  }
  if (k.kw("SEQUENCE")) {
    lx.next();
    return schema_.alter_sequence(lx, at);
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
