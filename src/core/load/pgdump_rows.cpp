// Row writing of the pg_dump loader (see pgdump_rows.hpp).
#include "core/load/pgdump_rows.hpp"

#include <algorithm>
#include <cstring>

namespace redline::detail::pgdump {

namespace {

// Rows per multi-row INSERT, and the parameters one may have at most.
constexpr std::size_t kBatchRows = 64;
constexpr std::size_t kBatchParams = 4096;
static_assert(kDateTimeBuf <= Inserter::kSmall, "converted values live in the inserter's small buffers");

}  // namespace

Result<Rows::TableInserter*> Rows::inserter(Table* t, const std::vector<int>& cols, bool or_ignore, std::size_t at) {
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
  std::vector<std::string> names;
  for (int c : cols) names.push_back(t->columns[static_cast<std::size_t>(c)].name);
  Inserter::Options options;
  options.max_rows = kBatchRows;
  options.max_params = kBatchParams;
  options.or_ignore = or_ignore;
  // A rejected row is blamed on its place in the file (the tag is its byte offset).
  Blame blame = [this, t, cols](const RowFailure& f) {
    if (f.column < 0) return fail("the row is rejected: " + f.message, f.tag, t->name);
    const Column& col = t->columns[static_cast<std::size_t>(cols[static_cast<std::size_t>(f.column)])];
    return fail("cannot take the value of column " + col.name + ": " + f.message, f.tag, t->name,
                f.rc == SQLITE_TOOBIG ? ErrorCode::BadInput : ErrorCode::Sqlite);
  };
  auto ins = Inserter::make(db_, t->name, names, options, std::move(blame));
  if (!ins) return fail("cannot prepare the insert: " + ins.error().message, at, t->name, ErrorCode::Sqlite);
  inserters_.push_back(std::make_unique<TableInserter>(TableInserter{t, cols, or_ignore, std::move(*ins)}));
  last_inserter_ = inserters_.back().get();
  return last_inserter_;
}

void Rows::odd(const Table& t, const Column& c, std::string_view v, std::size_t at, const char* why) {
  OddValues& o = odd_[t.name + "." + c.name];
  if (o.count++ == 0) {
    o.first_offset = at;
    o.first_value = std::string(v.substr(0, 60));
    o.why = why;
  }
}

void Rows::set(TableInserter& ti, std::size_t i, std::string_view v, bool is_null, std::size_t at) {
  Inserter& ins = ti.ins;
  const Table& t = *ti.table;
  const Column& col = t.columns[static_cast<std::size_t>(ti.cols[i])];
  if (is_null) {
    ins.set_null(i);
    return;
  }
  switch (col.kind) {
    case PgKind::Integer: {
      // Binding the integer gives what SQLite's affinity would make of the text,
      // without SQLite parsing it again.
      std::int64_t n = 0;
      if (pgdump::parse_int64(v, n)) ins.set_int(i, n);
      else ins.set_text(i, v);
      return;
    }
    case PgKind::Bool: {
      bool b;
      if (pgdump::parse_bool(v, b)) {
        ins.set_int(i, b ? 1 : 0);
      } else {
        odd(t, col, v, at, "not a boolean");
        ins.set_text(i, v);
      }
      return;
    }
    case PgKind::TimestampTz:
    case PgKind::Timestamp:
    case PgKind::Time: {
      char* buf = ins.small(i);
      std::size_t n = col.kind == PgKind::TimestampTz ? pgdump::timestamptz_to_utc(v, buf)
                      : col.kind == PgKind::Timestamp ? pgdump::timestamp_normalize(v, buf)
                                                      : pgdump::time_normalize(v, buf);
      if (n) {
        ins.set_text(i, std::string_view(buf, n));
      } else {
        odd(t, col, v, at, col.kind == PgKind::Time ? "not a time Django can store" : "not a datetime Django can store");
        ins.set_text(i, v);
      }
      return;
    }
    case PgKind::Date:
      if (!pgdump::valid_date(v)) odd(t, col, v, at, "not a date Django can store");
      ins.set_text(i, v);
      return;
    case PgKind::Uuid: {
      char* buf = ins.small(i);
      if (pgdump::uuid_to_hex32(v, buf)) {
        ins.set_text(i, std::string_view(buf, 32));
      } else {
        odd(t, col, v, at, "not a UUID");
        ins.set_text(i, v);
      }
      return;
    }
    case PgKind::Bytea: {
      std::string& s = ins.scratch(i);
      // The text may itself live in this slot's scratch (COPY escapes undone there).
      std::string bytes;
      if (pgdump::decode_bytea_hex(v, bytes)) {
        s = std::move(bytes);
        ins.set_blob(i, s);
      } else {
        odd(t, col, v, at, "not bytea in hex format");
        ins.set_text(i, v);
      }
      return;
    }
    default:  // Text, Numeric, Float, Json, Interval, Other: PostgreSQL's text as is
      ins.set_text(i, v);
  }
}

Status Rows::flush() {
  return last_inserter_ ? last_inserter_->ins.flush() : ok_status();
}

Status Rows::copy_stmt(Lexer& lx, std::size_t at, std::size_t stmt_end) {
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
  const char* d = in().data();
  const std::size_t n = in().size();
  std::size_t p = stmt_end;
  while (p < n && (d[p] == ' ' || d[p] == '\t' || d[p] == '\r')) ++p;
  if (p >= n) return fail("unterminated COPY: the file ends right after the COPY statement (truncated?)", at, q->name);
  if (d[p] != '\n') return fail("unexpected text after the COPY statement on the same line", p, q->name);
  ++p;

  Table* t = schema_.table(*q);
  if (!t) {
    return fail("COPY into table " + q->name + ", which the dump never created (no CREATE TABLE: a --data-only dump?); "
                "dump the schema with the data: pg_dump -d NAME > FILE.sql (without --data-only or -a)",
                at, q->name);
  }
  TableInserter* ins = nullptr;
  if (t->loaded) {
    REDLINE_TRY(resolve_columns(*t, has_list, "COPY", at));
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

Status Rows::copy_rows(std::chrono::steady_clock::time_point deadline) {
  Table* const t = copy_.t;
  TableInserter* const ins = copy_.ins;
  const std::size_t at = copy_.at;
  const std::size_t ncols = copy_.ncols;
  const char* d = in().data();
  const std::size_t n = in().size();
  std::size_t p = copy_.p;
  std::size_t rows = 0;
  // Row by row: one line, split on unescaped tabs, each field bound as a view into
  // the input (or into the column's scratch buffer when it had escapes).
  for (;;) {
    // The clock is read every few hundred rows: often enough for a slice's budget.
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
      copy_end_ = next;
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
          std::string& s = ins->ins.scratch(i);
          if (!pgdump::decode_copy_field(f, s, src_.err))
            return fail(src_.err + " (column " + t->columns[static_cast<std::size_t>(ins->cols[i])].name + ")",
                        static_cast<std::size_t>(f.data() - d), t->name);
          ins->ins.add_scratch_bytes(s.size());
          f = s;
        }
      }
      set(*ins, i, f, is_null, p);
    }
    REDLINE_TRY(ins->ins.end_row(p));
    p = next;
  }
}

Status Rows::insert_stmt(Lexer& lx, std::size_t at, std::size_t stmt_end) {
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
  Table* t = schema_.table(*q);
  if (!t) {
    return fail("INSERT into table " + q->name + ", which the dump never created (no CREATE TABLE: a --data-only dump?); "
                "dump the schema with the data: pg_dump -d NAME > FILE.sql (without --data-only or -a)",
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
    std::string_view s = in().substr(at, stmt_end - at);
    while (!s.empty() && pgdump::is_space(s.back())) s.remove_suffix(1);
    static constexpr std::string_view kTail = "DO NOTHING";
    if (s.size() >= kTail.size()) {
      std::string tail = upper(s.substr(s.size() - kTail.size()));
      or_ignore = tail == kTail;
    }
  }

  REDLINE_TRY(resolve_columns(*t, has_list, "INSERT", at));
  auto r = inserter(t, cols_, or_ignore, at);
  if (!r) return r.error();
  TableInserter& ins = **r;
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
        std::string& s = i < ncols ? ins.ins.scratch(i) : src_.err;
        if (!pgdump::decode_string(tk, s, value, src_.err)) return fail(src_.err, tk.offset, t->name);
        if (value.data() == s.data()) ins.ins.add_scratch_bytes(s.size());
      } else if (tk.kind == Tok::Number) {
        value = tk.text;
      } else if (tk.is(Tok::Op, "-") || tk.is(Tok::Op, "+")) {
        Token num = lx.next();
        if (num.kind != Tok::Number) return fail("expected a number after '" + std::string(tk.text) + "'", num.offset, t->name);
        if (tk.text == "+") {
          value = num.text;
        } else if (num.offset == tk.offset + 1) {
          value = in().substr(tk.offset, num.text.size() + 1);  // "-12.5" as written
        } else {
          std::string& s = i < ncols ? ins.ins.scratch(i) : src_.err;
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
    REDLINE_TRY(ins.ins.end_row(row_at));
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

Status Rows::resolve_columns(const Table& t, bool has_list, const char* verb, std::size_t at) {
  cols_.clear();
  if (!has_list) {
    for (std::size_t i = 0; i < t.columns.size(); ++i) cols_.push_back(static_cast<int>(i));
    return ok_status();
  }
  for (const auto& c : col_names_) {
    int ci = t.find(c);
    if (ci < 0) return fail(std::string(verb) + " names column " + c + ", which table " + t.name + " does not have", at, t.name);
    if (std::find(cols_.begin(), cols_.end(), ci) != cols_.end())
      return fail(std::string(verb) + " names column " + c + " twice", at, t.name);
    cols_.push_back(ci);
  }
  return ok_status();
}

Status Rows::close() {
  REDLINE_TRY(flush());
  // Statements must not hold the tables while they are rebuilt.
  last_inserter_ = nullptr;
  inserters_.clear();
  return ok_status();
}

void Rows::report_odd_values() {
  // Values kept as PostgreSQL wrote them, one line per column.
  for (const auto& [col, o] : odd_) {
    warn(col + ": " + std::to_string(o.count) + " value(s) " + o.why + ", kept as PostgreSQL's text (first at " +
         line_ref(o.first_offset) + ": '" + o.first_value + "')");
  }
}

}  // namespace redline::detail::pgdump
