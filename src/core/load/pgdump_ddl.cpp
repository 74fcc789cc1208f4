// DDL translation of the pg_dump loader (see pgdump_ddl.hpp).
#include "core/load/pgdump_ddl.hpp"

#include <algorithm>
#include <array>
#include <optional>

namespace redline::detail::pgdump {

namespace {

// Django's own migrations rebuild these tables on SQLite while they are still empty
// (auth 0002 and 0010, contenttypes 0002: "remake table" copies the old table into
// a new AUTOINCREMENT one), which leaves a sqlite_sequence row with seq 0 even when
// no row was ever inserted. A database Django made always has these rows, so the
// canonical form has them too.
constexpr std::array<std::string_view, 3> kRemadeWhileEmpty = {"auth_group", "auth_permission",
                                                               "django_content_type"};

}  // namespace

void Schema::find_home_schema(std::size_t from) {
  // pg_dump names every table with its schema and empties the search_path, so the
  // CRM is found by name: the schema with the most CRM tables (public on a tie).
  // Tables come before any data, so the statements up to the first COPY or INSERT
  // are enough.
  std::map<std::string, std::size_t> crm_tables;
  bool standard = src_.standard_strings;
  for (std::size_t p = from;;) {
    Chunk c = pgdump::next_chunk(in(), p, standard);
    if (c.kind == Chunk::Kind::Eof || c.kind == Chunk::Kind::Error) break;
    p = c.end;
    if (c.kind != Chunk::Kind::Statement) continue;
    Lexer lx(in(), c.begin, c.end - 1, standard);
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

Result<std::string> Schema::column_type(Lexer& lx) {
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

Result<Schema::Constraint> Schema::constraint(Lexer& lx) {
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

Table* Schema::table(const QName& q) {
  auto it = by_name_.find(local_name(q));
  return it == by_name_.end() ? nullptr : it->second;
}

Status Schema::create_table(Lexer& lx, std::size_t at) {
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
  if (t->name != q->name) t->schema = q->schema;
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

const std::set<std::string>& Schema::crm_index_names(const crm::TableDef* def) {
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

Status Schema::create_index(Lexer& lx, bool unique, std::size_t at) {
  std::string index_name;
  Status s = read_index(lx, unique, at, index_name);
  if (s) return s;
  skip("CREATE INDEX (not read)");
  warn("index " + (index_name.empty() ? std::string("") : index_name + " ") + "at " + line_ref(at) +
       " is not translated to SQLite (" + s.error().message + "): skipped");
  return ok_status();
}

Status Schema::read_index(Lexer& lx, bool unique, std::size_t at, std::string& index_name) {
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
  // SQLite's index names are one namespace: those of other schemas' tables keep
  // their schema, as the tables do.
  idx.name = t->schema.empty() ? index_name : t->schema + "." + index_name;
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

Status Schema::alter_table(Lexer& lx, std::size_t at) {
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

Status Schema::alter_sequence(Lexer& lx, std::size_t /*at*/) {
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

std::string Schema::unknown_ddl(const Table& t, const std::string& sql_name) {
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

Status Schema::exec(const std::string& sql, std::size_t at, std::string_view table, const char* what) {
  Status s = db_.exec(sql);
  if (!s) {
    bool data = s.error().message.find("UNIQUE") != std::string::npos ||
                s.error().message.find("constraint") != std::string::npos ||
                s.error().message.find("already exists") != std::string::npos;
    return fail(std::string(what) + ": " + s.error().message, at, table, data ? ErrorCode::BadInput : ErrorCode::Sqlite);
  }
  return ok_status();
}

Status Schema::refuse_no_tables(std::size_t at) {
  for (const auto& t : tables_)
    if (t->loaded) return ok_status();
  std::vector<std::pair<std::int64_t, std::string>> seen;
  for (const auto& [kind, n] : src_.summary.skipped) seen.emplace_back(-n, kind);
  std::sort(seen.begin(), seen.end());
  std::string list;
  for (std::size_t i = 0; i < seen.size() && i < 6; ++i)
    list += (i ? ", " : "") + std::to_string(-seen[i].first) + " " + seen[i].second;
  if (seen.size() > 6) list += ", ...";
  return fail(std::string("the file has no table Redline can load (") +
                  (tables_created_ ? std::to_string(tables_created_) + " CREATE TABLE skipped; " : "no CREATE TABLE; ") +
                  (list.empty() ? "no statements" : "it holds " + list) +
                  "): it is not a pg_dump of the CRM's database. Make one with pg_dump -d NAME > FILE.sql",
              at);
}

Status Schema::finish_tables(std::vector<IndexTask>& tasks) {
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
      idx.name = t.schema.empty() ? n : t.schema + "." + n;
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
      tasks.push_back({sql, t.created_at, t.name, "cannot create an index of the CRM schema (duplicate values?)"});
  }
  for (const auto& idx : indexes_) {
    std::string sql = std::string(idx.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ") + sql::quote_ident(idx.name) +
                      " ON " + sql::quote_ident(idx.table) + " (";
    for (std::size_t i = 0; i < idx.cols.size(); ++i) sql += (i ? ", " : "") + idx.cols[i];
    sql += ")";
    tasks.push_back({sql, idx.offset, idx.table, "cannot create the index (duplicate values?)"});
  }
  return ok_status();
}

Status Schema::finish_sequences() {
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

  if (crm_shapes_.size() > 1) {
    warn("the dump mixes CRM tables of the old (before) and the normalized (after) shape");
  }
  return ok_status();
}

Status Schema::setval(Lexer& lx, std::size_t at) {
  // setval('public.x_id_seq', N[, is_called]): where the sequence stood at dump time.
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

}  // namespace redline::detail::pgdump
