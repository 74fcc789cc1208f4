// Schema side of the diff engine: what SQLite itself reports about tables, columns
// and indexes (table_list, table_info, index_list, index_xinfo), compared by name
// (case-insensitively, as SQLite resolves identifiers) and indexes also by what
// they index, so a renamed index or a renumbered sqlite_autoindex is not reported
// as one dropped and one added.
#include "core/diff/diff_schema.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace redline::diff::detail {

namespace {

bool contains(const std::string& hay, const char* needle) { return hay.find(needle) != std::string::npos; }

// Runs of white space become one space, outside quotes; leading/trailing removed.
std::string collapse_space(std::string_view s) {
  std::string out;
  char quote = 0;
  bool pending_space = false;
  for (char c : s) {
    if (quote) {
      out += c;
      if (c == quote) quote = 0;  // a doubled quote closes and reopens: same text
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    if (c == '\'' || c == '"' || c == '`') quote = c;
    if (c == '[') quote = ']';
    out += c;
  }
  return out;
}

std::string join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || static_cast<unsigned char>(c) >= 0x80;
}

Error in_schema(Error e, const std::string& schema) {
  e.context = "schema " + schema + (e.context.empty() ? "" : "; " + e.context);
  return e;
}

}  // namespace

std::string fold(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool same_ident(std::string_view a, std::string_view b) { return a.size() == b.size() && fold(a) == fold(b); }

Affinity affinity_of(std::string_view declared_type, bool strict_table) {
  std::string t = fold(declared_type);
  if (strict_table && t == "any") return Affinity::Any;
  // The order of these tests is SQLite's: "CHARINT" is INTEGER, "FLOATING POINT" is
  // INTEGER (it contains "INT"), and so on.
  if (contains(t, "int")) return Affinity::Integer;
  if (contains(t, "char") || contains(t, "clob") || contains(t, "text")) return Affinity::Text;
  if (t.empty() || contains(t, "blob")) return Affinity::Blob;
  if (contains(t, "real") || contains(t, "floa") || contains(t, "doub")) return Affinity::Real;
  return Affinity::Numeric;
}

const ColumnSchema* TableSchema::column(std::string_view n) const {
  for (const auto& c : columns)
    if (same_ident(c.name, n)) return &c;
  return nullptr;
}

const TableSchema* SchemaImage::table(std::string_view n) const {
  for (const auto& t : tables)
    if (same_ident(t.name, n)) return &t;
  return nullptr;
}

IndexSqlParts split_index_sql(std::string_view s) {
  IndexSqlParts parts;
  const std::size_t n = s.size();
  int depth = 0;
  bool seen_on = false, in_list = false, list_done = false;
  std::size_t elem_start = 0;
  std::size_t i = 0;
  while (i < n) {
    char c = s[i];
    if (c == '\'' || c == '"' || c == '`' || c == '[') {
      char close = c == '[' ? ']' : c;
      ++i;
      while (i < n) {
        if (s[i] == close) {
          if (close != ']' && i + 1 < n && s[i + 1] == close) {
            i += 2;  // doubled quote inside a quoted token
            continue;
          }
          break;
        }
        ++i;
      }
      ++i;
      continue;
    }
    if (c == '-' && i + 1 < n && s[i + 1] == '-') {
      while (i < n && s[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && i + 1 < n && s[i + 1] == '*') {
      std::size_t end = s.find("*/", i + 2);
      i = end == std::string_view::npos ? n : end + 2;
      continue;
    }
    if (c == '(') {
      ++depth;
      if (depth == 1 && seen_on && !in_list && !list_done) {
        in_list = true;
        elem_start = i + 1;
      }
      ++i;
      continue;
    }
    if (c == ')') {
      if (depth == 1 && in_list) {
        parts.elements.push_back(collapse_space(s.substr(elem_start, i - elem_start)));
        in_list = false;
        list_done = true;
      }
      if (depth > 0) --depth;
      ++i;
      continue;
    }
    if (c == ',' && depth == 1 && in_list) {
      parts.elements.push_back(collapse_space(s.substr(elem_start, i - elem_start)));
      elem_start = i + 1;
      ++i;
      continue;
    }
    if (is_word_char(c)) {
      std::size_t start = i;
      while (i < n && is_word_char(s[i])) ++i;
      if (depth == 0) {
        std::string word = fold(s.substr(start, i - start));
        if (word == "on" && !seen_on) seen_on = true;
        if (word == "where" && list_done) {
          parts.where = collapse_space(s.substr(i));
          break;
        }
      }
      continue;
    }
    ++i;
  }
  return parts;
}

Result<SchemaImage> read_schema(sql::Database& db, const std::string& schema) {
  SchemaImage img;
  {
    auto st = db.prepare(
        "SELECT name, wr, strict FROM pragma_table_list WHERE schema = ?1 AND type = 'table' "
        "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name");
    if (!st) return st.error();
    REDLINE_TRY(st->bind_text(1, schema));
    for (;;) {
      auto r = st->step();
      if (!r) return in_schema(r.error(), schema);
      if (*r == sql::StepResult::Done) break;
      TableSchema t;
      t.name = st->column_text(0);
      t.without_rowid = st->column_int(1) != 0;
      t.strict = st->column_int(2) != 0;
      img.tables.push_back(std::move(t));
    }
  }

  auto cols = db.prepare("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1, ?2) ORDER BY cid");
  if (!cols) return cols.error();
  auto idx_list = db.prepare("SELECT name, \"unique\", origin FROM pragma_index_list(?1, ?2) ORDER BY name");
  if (!idx_list) return idx_list.error();
  auto idx_cols = db.prepare(
      "SELECT cid, name, \"desc\", coll FROM pragma_index_xinfo(?1, ?2) WHERE key ORDER BY seqno");
  if (!idx_cols) return idx_cols.error();
  auto idx_sql = db.prepare("SELECT sql FROM " + sql::quote_ident(schema) +
                            ".sqlite_schema WHERE type = 'index' AND name = ?1");
  if (!idx_sql) return idx_sql.error();

  for (auto& t : img.tables) {
    REDLINE_TRY(cols->reset());
    REDLINE_TRY(cols->bind_text(1, t.name));
    REDLINE_TRY(cols->bind_text(2, schema));
    std::vector<std::pair<int, std::string>> pk;
    for (;;) {
      auto r = cols->step();
      if (!r) return in_schema(r.error(), schema);
      if (*r == sql::StepResult::Done) break;
      ColumnSchema c;
      c.name = cols->column_text(0);
      c.type = cols->column_text(1);
      c.not_null = cols->column_int(2) != 0;
      c.pk = static_cast<int>(cols->column_int(3));
      if (c.pk > 0) pk.emplace_back(c.pk, c.name);
      t.columns.push_back(std::move(c));
    }
    std::sort(pk.begin(), pk.end());
    for (auto& [pos, name] : pk) t.primary_key.push_back(name);
    // An INTEGER PRIMARY KEY aliases the rowid (lang_createtable.html#rowid). The
    // "INTEGER PRIMARY KEY DESC" quirk, which does not, is not told apart.
    if (!t.without_rowid && t.primary_key.size() == 1) {
      const ColumnSchema* k = t.column(t.primary_key[0]);
      t.rowid_alias = k && fold(collapse_space(k->type)) == "integer";
    }

    REDLINE_TRY(idx_list->reset());
    REDLINE_TRY(idx_list->bind_text(1, t.name));
    REDLINE_TRY(idx_list->bind_text(2, schema));
    struct Listed {
      std::string name;
      bool unique;
      std::string origin;
    };
    std::vector<Listed> listed;
    for (;;) {
      auto r = idx_list->step();
      if (!r) return in_schema(r.error(), schema);
      if (*r == sql::StepResult::Done) break;
      listed.push_back({idx_list->column_text(0), idx_list->column_int(1) != 0, idx_list->column_text(2)});
    }
    for (const auto& l : listed) {
      // The PRIMARY KEY's own index is the primary key: PrimaryKey changes cover it.
      if (l.origin == "pk") continue;
      IndexSchema ix;
      ix.name = l.name;
      ix.table = t.name;
      ix.automatic = l.origin != "c";

      std::string text;
      REDLINE_TRY(idx_sql->reset());
      REDLINE_TRY(idx_sql->bind_text(1, l.name));
      auto r = idx_sql->step();
      if (!r) return in_schema(r.error(), schema);
      if (*r == sql::StepResult::Row) text = idx_sql->column_text(0);
      IndexSqlParts parts = split_index_sql(text);

      std::vector<std::string> shown, keyed;
      REDLINE_TRY(idx_cols->reset());
      REDLINE_TRY(idx_cols->bind_text(1, l.name));
      REDLINE_TRY(idx_cols->bind_text(2, schema));
      for (std::size_t seq = 0;; ++seq) {
        auto rc = idx_cols->step();
        if (!rc) return in_schema(rc.error(), schema);
        if (*rc == sql::StepResult::Done) break;
        std::int64_t cid = idx_cols->column_int(0);
        if (cid == -2) {
          // An expression: only the CREATE INDEX text has it.
          std::string e = seq < parts.elements.size() ? parts.elements[seq] : std::string("<expression>");
          shown.push_back(e);
          keyed.push_back(e);
          continue;
        }
        std::string name = cid == -1 ? std::string("rowid") : idx_cols->column_text(1);
        std::string coll = idx_cols->column_text(3);
        bool desc = idx_cols->column_int(2) != 0;
        std::string extra = desc ? " DESC" : "";
        if (!same_ident(coll, "BINARY")) extra += " COLLATE " + coll;
        shown.push_back(name + extra);
        keyed.push_back(fold(name) + fold(extra));
      }
      std::string where = parts.where;
      ix.definition = std::string(l.unique ? "UNIQUE " : "") + "ON " + t.name + " (" + join(shown, ", ") + ")" +
                      (where.empty() ? "" : " WHERE " + where);
      ix.match_key = fold(t.name) + "|" + (l.unique ? "u" : "") + "|" + join(keyed, ",") + "|" + where;
      img.indexes.push_back(std::move(ix));
    }
  }
  return img;
}

std::vector<SchemaChange> compare_schemas(const SchemaImage& before, const SchemaImage& after) {
  // Changes are grouped by table; within a table: the table, its columns, its
  // primary key, its indexes.
  struct Keyed {
    std::string table_key;
    int group;
    SchemaChange change;
  };
  std::vector<Keyed> out;
  auto add = [&](int group, SchemaChangeKind kind, const std::string& table, std::string name, std::string b,
                 std::string a) {
    out.push_back({fold(table), group, SchemaChange{kind, table, std::move(name), std::move(b), std::move(a)}});
  };
  auto pk_text = [](const TableSchema& t) {
    std::string s;
    if (!t.primary_key.empty()) {
      s = "(";
      s += join(t.primary_key, ", ");
      s += ")";
    }
    if (t.without_rowid) s += " WITHOUT ROWID";
    return s;
  };

  for (const auto& bt : before.tables) {
    const TableSchema* at = after.table(bt.name);
    if (!at) {
      add(0, SchemaChangeKind::TableDropped, bt.name, "", "", "");
      continue;
    }
    for (const auto& bc : bt.columns) {
      const ColumnSchema* ac = at->column(bc.name);
      if (!ac) {
        add(1, SchemaChangeKind::ColumnDropped, bt.name, bc.name, bc.type, "");
        continue;
      }
      if (fold(collapse_space(bc.type)) != fold(collapse_space(ac->type)))
        add(1, SchemaChangeKind::ColumnType, bt.name, bc.name, bc.type, ac->type);
      if (bc.not_null != ac->not_null)
        add(1, SchemaChangeKind::ColumnNullability, bt.name, bc.name, bc.not_null ? "NOT NULL" : "NULL",
            ac->not_null ? "NOT NULL" : "NULL");
    }
    for (const auto& ac : at->columns)
      if (!bt.column(ac.name)) add(1, SchemaChangeKind::ColumnAdded, bt.name, ac.name, "", ac.type);
    if (fold(pk_text(bt)) != fold(pk_text(*at)))
      add(2, SchemaChangeKind::PrimaryKey, bt.name, "", pk_text(bt), pk_text(*at));
  }
  for (const auto& at : after.tables)
    if (!before.table(at.name)) add(0, SchemaChangeKind::TableAdded, at.name, "", "", "");

  // Indexes: first by name (explicit indexes only: sqlite_autoindex_* names are
  // positional), then what is left by definition, then the rest is dropped/added.
  std::vector<bool> b_done(before.indexes.size()), a_done(after.indexes.size());
  for (std::size_t i = 0; i < before.indexes.size(); ++i) {
    const auto& bi = before.indexes[i];
    if (bi.automatic) continue;
    for (std::size_t j = 0; j < after.indexes.size(); ++j) {
      const auto& ai = after.indexes[j];
      if (a_done[j] || ai.automatic || !same_ident(bi.name, ai.name)) continue;
      b_done[i] = a_done[j] = true;
      if (bi.match_key != ai.match_key)
        add(3, SchemaChangeKind::IndexChanged, ai.table, ai.name, bi.definition, ai.definition);
      break;
    }
  }
  for (std::size_t i = 0; i < before.indexes.size(); ++i) {
    if (b_done[i]) continue;
    const auto& bi = before.indexes[i];
    for (std::size_t j = 0; j < after.indexes.size(); ++j) {
      const auto& ai = after.indexes[j];
      if (a_done[j] || bi.match_key != ai.match_key) continue;
      b_done[i] = a_done[j] = true;
      if (!same_ident(bi.name, ai.name) && !(bi.automatic && ai.automatic))
        add(3, SchemaChangeKind::IndexRenamed, ai.table, ai.name, bi.name, ai.name);
      break;
    }
  }
  for (std::size_t i = 0; i < before.indexes.size(); ++i)
    if (!b_done[i])
      add(3, SchemaChangeKind::IndexDropped, before.indexes[i].table, before.indexes[i].name,
          before.indexes[i].definition, "");
  for (std::size_t j = 0; j < after.indexes.size(); ++j)
    if (!a_done[j])
      add(3, SchemaChangeKind::IndexAdded, after.indexes[j].table, after.indexes[j].name, "",
          after.indexes[j].definition);

  std::stable_sort(out.begin(), out.end(), [](const Keyed& x, const Keyed& y) {
    if (x.table_key != y.table_key) return x.table_key < y.table_key;
    return x.group < y.group;
  });
  std::vector<SchemaChange> changes;
  changes.reserve(out.size());
  for (auto& k : out) changes.push_back(std::move(k.change));
  return changes;
}

}  // namespace redline::diff::detail
