// Exporters to pg_dump plain SQL and Django dumpdata JSON (see export.hpp).
//
// Both walk the database's own schema (sqlite_schema, pragma table_info,
// foreign_key_list, index_list), so they write any loaded snapshot: the before or the
// after shape, half-migrated ones, and tables the CRM does not know. Rows are read
// with the raw SQLite API and appended to one output string: no allocation per value.
#include "core/review/export.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "core/load/dumpdata_models.hpp"
#include "core/sha256.hpp"
#include "core/version.hpp"

namespace redline {

namespace {

// ---- the schema as the exporters need it ----------------------------------------

enum class Kind { Integer, Bool, DateTime, Date, Time, Decimal, Real, Text, Blob };

struct Column {
  std::string name;
  std::string decl;     // declared SQLite type, lower case
  Kind kind = Kind::Text;
  std::string pg_type;  // "character varying(150)", "timestamp with time zone", ...
  int scale = -1;       // decimals: digits after the point (Django's decimal_places), -1 unknown
  bool not_null = false;
  bool unsigned_int = false;  // Django's Positive*Field: a CHECK (col >= 0) in PostgreSQL
  bool fk = false;
};

struct ForeignKey {
  std::string from, table, to;
};

struct Index {
  std::string name;
  bool unique = false;
  bool auto_index = false;  // sqlite_autoindex_*: a column's UNIQUE in CREATE TABLE
  std::vector<std::string> cols;
  std::string where;  // partial index predicate, without WHERE
};

struct Table {
  std::string name;
  std::vector<Column> cols;
  std::string pk;       // the single INTEGER PRIMARY KEY column, if any
  bool autoincrement = false;
  std::vector<ForeignKey> fks;
  std::vector<Index> indexes;
};

std::string lower(std::string_view s) {
  std::string o(s);
  for (auto& c : o)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return o;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Django's decimal_places for the CRM's DecimalFields (SQLite's DDL keeps no
// precision; PostgreSQL's does): max_digits, decimal_places.
struct DecimalSpec {
  const char* table;
  const char* column;
  int precision, scale;
};
constexpr DecimalSpec kCrmDecimals[] = {
    {"deals", "value", 14, 2},          {"employees", "salary", 12, 2}, {"leads", "estimated_value", 14, 2},
    {"orders", "total_amount", 14, 2},  {"payments", "amount", 14, 2},
};

// The PostgreSQL type Django creates for a column SQLite declares as `decl`.
void classify(const std::string& table, Column& c) {
  std::string d = c.decl;
  std::string mod;  // "(150)"
  if (auto p = d.find('('); p != std::string::npos) {
    mod = d.substr(p);
    d = d.substr(0, p);
    while (!d.empty() && d.back() == ' ') d.pop_back();
  }
  if (d.size() > 9 && d.compare(d.size() - 9, 9, " unsigned") == 0) {
    c.unsigned_int = true;
    d.resize(d.size() - 9);
  }
  if (d == "integer" || d == "int" || d == "bigint" || d == "smallint" || d == "int8" || d == "int4" ||
      d == "int2") {
    c.kind = Kind::Integer;
    c.pg_type = (d == "bigint" || d == "int8") ? "bigint" : (d == "smallint" || d == "int2") ? "smallint" : "integer";
  } else if (d == "bool" || d == "boolean") {
    c.kind = Kind::Bool;
    c.pg_type = "boolean";
  } else if (d == "datetime" || d == "timestamp") {
    c.kind = Kind::DateTime;
    c.pg_type = "timestamp with time zone";
  } else if (d == "date") {
    c.kind = Kind::Date;
    c.pg_type = "date";
  } else if (d == "time") {
    c.kind = Kind::Time;
    c.pg_type = "time without time zone";
  } else if (d == "decimal" || d == "numeric") {
    c.kind = Kind::Decimal;
    c.pg_type = "numeric" + mod;
    if (!mod.empty()) {
      auto comma = mod.find(',');
      c.scale = comma == std::string::npos ? 0 : std::atoi(mod.c_str() + comma + 1);
    }
    for (const auto& s : kCrmDecimals) {
      if (mod.empty() && table == s.table && c.name == s.column) {
        c.pg_type = "numeric(" + std::to_string(s.precision) + "," + std::to_string(s.scale) + ")";
        c.scale = s.scale;
      }
    }
  } else if (d == "real" || d == "double" || d == "double precision" || d == "float") {
    c.kind = Kind::Real;
    c.pg_type = "double precision";
  } else if (d == "varchar" || d == "character varying") {
    c.pg_type = "character varying" + mod;
  } else if (d == "char" || d == "character") {
    c.pg_type = "character" + (mod.empty() ? std::string("(1)") : mod);
  } else if (d == "blob") {
    c.kind = Kind::Blob;
    c.pg_type = "bytea";
  } else {
    c.pg_type = "text";
  }
}

// Run a query, calling `row` for each result row.
template <typename F>
Status each_row(sql::Database& db, const std::string& query, F&& row) {
  auto st = db.prepare(query);
  if (!st) return st.error();
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (*r == sql::StepResult::Done) return ok_status();
    row(*st);
  }
}

Result<std::vector<Table>> read_schema(sql::Database& db, std::vector<std::string>& warnings) {
  std::vector<std::pair<std::string, std::string>> names;  // name, sql
  REDLINE_TRY(each_row(db,
                       "SELECT type, name, coalesce(sql, '') FROM sqlite_schema WHERE type IN ('table', 'view') "
                       "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
                       [&](sql::Statement& s) {
                         std::string type = s.column_text(0), name = s.column_text(1), ddl = s.column_text(2);
                         if (type == "view") {
                           warnings.push_back("view " + name + " left out (only tables are exported)");
                         } else if (lower(ddl).find("create virtual table") == 0) {
                           warnings.push_back("virtual table " + name + " left out");
                         } else {
                           names.emplace_back(name, ddl);
                         }
                       }));
  // pg_dump orders objects by name, byte for byte.
  std::sort(names.begin(), names.end());
  std::vector<Table> tables;
  for (const auto& entry : names) {
    // Named copies, not structured bindings: lambdas below capture them, which
    // clang 14 (Emscripten 3.1.6) does not allow for bindings.
    const std::string& name = entry.first;
    const std::string& ddl = entry.second;
    Table t;
    t.name = name;
    t.autoincrement = lower(ddl).find("autoincrement") != std::string::npos;
    std::string lit = sql::quote_literal(name);
    int pk_cols = 0;
    std::string pk_col, pk_decl;
    REDLINE_TRY(each_row(db, "SELECT name, type, \"notnull\", pk FROM pragma_table_info(" + lit + ") ORDER BY cid",
                         [&](sql::Statement& s) {
                           Column c;
                           c.name = s.column_text(0);
                           c.decl = lower(s.column_text(1));
                           c.not_null = s.column_int(2) != 0 || s.column_int(3) != 0;
                           if (s.column_int(3) != 0) {
                             ++pk_cols;
                             pk_col = c.name;
                             pk_decl = c.decl;
                           }
                           classify(name, c);
                           t.cols.push_back(std::move(c));
                         }));
    if (pk_cols == 1 && pk_decl == "integer") t.pk = pk_col;
    REDLINE_TRY(each_row(db, "SELECT \"from\", \"table\", coalesce(\"to\", '') FROM pragma_foreign_key_list(" + lit +
                                 ") ORDER BY id, seq",
                         [&](sql::Statement& s) {
                           t.fks.push_back({s.column_text(0), s.column_text(1), s.column_text(2)});
                         }));
    for (auto& fk : t.fks) {
      if (fk.to.empty()) fk.to = "id";  // REFERENCES t with no column: its primary key (Django always names it)
      for (auto& c : t.cols)
        if (c.name == fk.from) c.fk = true;
    }
    std::vector<std::pair<std::string, bool>> idx;  // name, unique
    REDLINE_TRY(each_row(db, "SELECT name, \"unique\", origin FROM pragma_index_list(" + lit + ") ORDER BY name",
                         [&](sql::Statement& s) {
                           // origin 'pk' is the PRIMARY KEY itself (written as a constraint).
                           if (s.column_text(2) != "pk") idx.emplace_back(s.column_text(0), s.column_int(1) != 0);
                         }));
    for (const auto& [iname, unique] : idx) {
      Index ix;
      ix.name = iname;
      ix.unique = unique;
      ix.auto_index = starts_with(iname, "sqlite_autoindex_");
      bool expression = false;
      REDLINE_TRY(each_row(db, "SELECT cid, coalesce(name, '') FROM pragma_index_info(" + sql::quote_literal(iname) +
                                   ") ORDER BY seqno",
                           [&](sql::Statement& s) {
                             if (s.column_int(0) < 0) expression = true;
                             ix.cols.push_back(s.column_text(1));
                           }));
      if (expression) {
        warnings.push_back("index " + iname + " on " + name + " left out (an expression index)");
        continue;
      }
      if (!ix.auto_index) {
        auto q = db.prepare("SELECT coalesce(sql, '') FROM sqlite_schema WHERE type = 'index' AND name = ?1");
        if (!q) return q.error();
        REDLINE_TRY(q->bind_text(1, iname));
        auto r = q->step();
        if (!r) return r.error();
        std::string isql = *r == sql::StepResult::Row ? q->column_text(0) : "";
        // The predicate of a partial index: what follows WHERE after the column list.
        std::string l = lower(isql);
        std::size_t open = l.find('('), close = std::string::npos;
        for (std::size_t i = open, depth = 0; open != std::string::npos && i < l.size(); ++i) {
          if (l[i] == '(') ++depth;
          if (l[i] == ')' && --depth == 0) {
            close = i;
            break;
          }
        }
        auto wh = close == std::string::npos ? std::string::npos : l.find("where", close);
        if (wh != std::string::npos) {
          ix.where = isql.substr(wh + 5);
          while (!ix.where.empty() && (ix.where.front() == ' ' || ix.where.front() == '\n')) ix.where.erase(0, 1);
          while (!ix.where.empty() && (ix.where.back() == ';' || ix.where.back() == ' ')) ix.where.pop_back();
        }
      }
      t.indexes.push_back(std::move(ix));
    }
    tables.push_back(std::move(t));
  }
  return tables;
}

// ---- Django's generated names ----------------------------------------------------

// MD5 (RFC 1321), only for Django's names_digest(): the 8 hex digits in the names
// Django gives indexes and constraints ("customers_organization_id_7cb69820").
std::string md5_hex(std::string_view msg) {
  static const std::uint32_t K[64] = {
      0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
      0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
      0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
      0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
      0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
      0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
      0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
      0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
  static const int R[16] = {7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21};
  std::string m(msg);
  const std::uint64_t bits = static_cast<std::uint64_t>(m.size()) * 8;
  m += static_cast<char>(0x80);
  while (m.size() % 64 != 56) m += '\0';
  for (int i = 0; i < 8; ++i) m += static_cast<char>((bits >> (8 * i)) & 0xff);
  std::uint32_t h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
  for (std::size_t off = 0; off < m.size(); off += 64) {
    std::uint32_t w[16];
    for (int i = 0; i < 16; ++i) {
      const auto* b = reinterpret_cast<const unsigned char*>(m.data() + off + 4 * i);
      w[i] = b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<std::uint32_t>(b[3]) << 24);
    }
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    for (int i = 0; i < 64; ++i) {
      std::uint32_t f;
      int g;
      if (i < 16) f = (b & c) | (~b & d), g = i;
      else if (i < 32) f = (d & b) | (~d & c), g = (5 * i + 1) % 16;
      else if (i < 48) f = b ^ c ^ d, g = (3 * i + 5) % 16;
      else f = c ^ (b | ~d), g = (7 * i) % 16;
      std::uint32_t x = a + f + K[i] + w[g];
      int r = R[(i / 16) * 4 + i % 4];
      a = d;
      d = c;
      c = b;
      b = b + ((x << r) | (x >> (32 - r)));
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d;
  }
  std::string hex;
  for (std::uint32_t v : h)
    for (int i = 0; i < 4; ++i) {
      unsigned byte = (v >> (8 * i)) & 0xff;
      hex += "0123456789abcdef"[byte >> 4];
      hex += "0123456789abcdef"[byte & 15];
    }
  return hex;
}

// Django's BaseDatabaseSchemaEditor._create_index_name() with PostgreSQL's 63-byte
// limit: "<table>_<columns>_<digest><suffix>", both halves cut when too long.
std::string django_index_name(const std::string& table, const std::vector<std::string>& cols,
                              const std::string& suffix) {
  std::string joined;
  for (const auto& c : cols) joined += (joined.empty() ? "" : "_") + c;
  std::string all = table;
  for (const auto& c : cols) all += c;
  std::string hash_suffix = md5_hex(all).substr(0, 8) + suffix;
  const std::size_t max_length = 63;
  std::string name = table + "_" + joined + "_" + hash_suffix;
  if (name.size() <= max_length) return name;
  if (hash_suffix.size() > max_length / 3) hash_suffix.resize(max_length / 3);
  std::size_t other = (max_length - hash_suffix.size()) / 2 - 1;
  name = table.substr(0, other) + "_" + joined.substr(0, other) + "_" + hash_suffix;
  if (name[0] == '_' || (name[0] >= '0' && name[0] <= '9')) name = "D" + name.substr(0, name.size() - 1);
  return name;
}

// ---- appending values ------------------------------------------------------------

void put_int(std::string& out, std::int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// The shortest decimal text that reads back as exactly `v` (what PostgreSQL 12+ and
// Python's repr print).
void put_double(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "Infinity" : "-Infinity";
    return;
  }
  char buf[40];
  int n = 0;
  for (int prec = 15; prec <= 17; ++prec) {
    n = std::snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  out.append(buf, static_cast<std::size_t>(n));
}

// A decimal with Django's decimal_places when that form reads back as the same
// double ("123421.30", "5000.00"); the shortest exact form otherwise.
void put_decimal(std::string& out, double v, int scale) {
  if (scale >= 0 && scale <= 18 && std::isfinite(v) && std::fabs(v) < 1e15) {
    char buf[64];
    int n = std::snprintf(buf, sizeof buf, "%.*f", scale, v);
    if (n > 0 && n < static_cast<int>(sizeof buf) && std::strtod(buf, nullptr) == v) {
      out.append(buf, static_cast<std::size_t>(n));
      return;
    }
  }
  put_double(out, v);
}

void put_int_decimal(std::string& out, std::int64_t v, int scale) {
  put_int(out, v);
  if (scale > 0) {
    out += '.';
    out.append(static_cast<std::size_t>(scale), '0');
  }
}

bool digits(const unsigned char* p, int n) {
  for (int i = 0; i < n; ++i)
    if (p[i] < '0' || p[i] > '9') return false;
  return true;
}

// Django's stored datetime "YYYY-MM-DD HH:MM:SS[.f{1,6}]": the length of its
// fraction digits (0 when none), or -1 when the text is not in that form.
int canonical_datetime_fraction(const unsigned char* p, int n) {
  if (n < 19 || !digits(p, 4) || p[4] != '-' || !digits(p + 5, 2) || p[7] != '-' || !digits(p + 8, 2) ||
      p[10] != ' ' || !digits(p + 11, 2) || p[13] != ':' || !digits(p + 14, 2) || p[16] != ':' || !digits(p + 17, 2)) {
    return -1;
  }
  if (n == 19) return 0;
  if (p[19] != '.' || n == 20 || n > 26 || !digits(p + 20, n - 20)) return -1;
  return n - 20;
}

// ---- pg_dump ---------------------------------------------------------------------

// PostgreSQL's keywords that are not UNRESERVED (reserved, column-name and
// type/function-name ones): pg_dump quotes identifiers spelled like them.
constexpr const char* kPgKeywords[] = {
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "between",
    "bigint", "binary", "bit", "boolean", "both", "case", "cast", "char", "character", "check", "coalesce",
    "collate", "collation", "column", "concurrently", "constraint", "create", "cross", "current_catalog",
    "current_date", "current_role", "current_schema", "current_time", "current_timestamp", "current_user", "dec",
    "decimal", "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "exists", "extract",
    "false", "fetch", "float", "for", "foreign", "freeze", "from", "full", "grant", "greatest", "group",
    "grouping", "having", "ilike", "in", "initially", "inner", "inout", "int", "integer", "intersect",
    "interval", "into", "is", "isnull", "join", "lateral", "leading", "least", "left", "like", "limit",
    "localtime", "localtimestamp", "national", "natural", "nchar", "none", "normalize", "not", "notnull", "null",
    "nullif", "numeric", "offset", "on", "only", "or", "order", "out", "outer", "overlaps", "overlay", "placing",
    "position", "precision", "primary", "real", "references", "returning", "right", "row", "select",
    "session_user", "setof", "similar", "smallint", "some", "substring", "symmetric", "table", "tablesample",
    "then", "time", "timestamp", "to", "trailing", "treat", "trim", "true", "union", "unique", "user", "using",
    "values", "varchar", "variadic", "verbose", "when", "where", "window", "with", "xmlattributes", "xmlconcat",
    "xmlelement", "xmlexists", "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot", "xmlserialize",
    "xmltable",
};

// An identifier as pg_dump writes it: bare when it is lower case, [a-z_][a-z0-9_$]*,
// and no keyword; double-quoted otherwise.
std::string pg_ident(std::string_view name) {
  bool bare = !name.empty() && ((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_');
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$')) bare = false;
  if (bare)
    for (const char* k : kPgKeywords)
      if (name == k) bare = false;
  if (bare) return std::string(name);
  std::string o = "\"";
  for (char c : name) {
    if (c == '"') o += '"';
    o += c;
  }
  return o + "\"";
}

std::string pg_literal(std::string_view s) {
  std::string o = "'";
  for (char c : s) {
    if (c == '\'') o += '\'';
    o += c;
  }
  return o + "'";
}

// A generated constraint name, cut to PostgreSQL's 63 bytes (NAMEDATALEN - 1) on a
// UTF-8 character boundary.
std::string pg_name(std::string name) {
  if (name.size() <= 63) return name;
  std::size_t n = 63;
  while (n > 0 && (static_cast<unsigned char>(name[n]) & 0xC0) == 0x80) --n;
  name.resize(n);
  return name;
}

// Text in COPY's text format: backslash, and the control characters COPY TO names
// (\b \f \n \r \t \v) escaped; everything else byte for byte.
void put_copy_text(std::string& out, const unsigned char* p, int n) {
  int run = 0;
  for (int i = 0; i < n; ++i) {
    unsigned char c = p[i];
    if (c >= 0x20 && c != '\\') continue;
    char esc = 0;
    switch (c) {
      case '\\': esc = '\\'; break;
      case '\b': esc = 'b'; break;
      case '\f': esc = 'f'; break;
      case '\n': esc = 'n'; break;
      case '\r': esc = 'r'; break;
      case '\t': esc = 't'; break;
      case '\v': esc = 'v'; break;
      default: continue;  // other control characters go out as they are, as COPY writes them
    }
    out.append(reinterpret_cast<const char*>(p + run), static_cast<std::size_t>(i - run));
    out += '\\';
    out += esc;
    run = i + 1;
  }
  out.append(reinterpret_cast<const char*>(p + run), static_cast<std::size_t>(n - run));
}

const char kHex[] = "0123456789abcdef";

void put_copy_value(std::string& out, sqlite3_stmt* st, int i, const Column& c) {
  int type = sqlite3_column_type(st, i);
  if (type == SQLITE_NULL) {
    out += "\\N";
    return;
  }
  if (type == SQLITE_BLOB) {
    // bytea's hex output, its backslash escaped for COPY: \\x0a0b
    const auto* b = static_cast<const unsigned char*>(sqlite3_column_blob(st, i));
    int n = sqlite3_column_bytes(st, i);
    out += "\\\\x";
    for (int k = 0; k < n; ++k) {
      out += kHex[b[k] >> 4];
      out += kHex[b[k] & 15];
    }
    return;
  }
  switch (c.kind) {
    case Kind::Bool:
      if (type == SQLITE_INTEGER) {
        out += sqlite3_column_int64(st, i) != 0 ? 't' : 'f';
        return;
      }
      break;
    case Kind::Decimal:
      if (type == SQLITE_INTEGER) return put_int_decimal(out, sqlite3_column_int64(st, i), c.scale);
      if (type == SQLITE_FLOAT) return put_decimal(out, sqlite3_column_double(st, i), c.scale);
      break;
    case Kind::Real:
      if (type == SQLITE_FLOAT) return put_double(out, sqlite3_column_double(st, i));
      break;
    case Kind::DateTime:
      if (type == SQLITE_TEXT) {
        const unsigned char* p = sqlite3_column_text(st, i);
        int n = sqlite3_column_bytes(st, i);
        int frac = canonical_datetime_fraction(p, n);
        if (frac >= 0) {
          // timestamptz output in UTC: trailing zeros of the fraction dropped.
          int keep = frac;
          while (keep > 0 && p[20 + keep - 1] == '0') --keep;
          out.append(reinterpret_cast<const char*>(p), 19);
          if (keep > 0) {
            out += '.';
            out.append(reinterpret_cast<const char*>(p + 20), static_cast<std::size_t>(keep));
          }
          out += "+00";
          return;
        }
      }
      break;
    default: break;
  }
  if (type == SQLITE_INTEGER) return put_int(out, sqlite3_column_int64(st, i));
  if (type == SQLITE_FLOAT) return put_double(out, sqlite3_column_double(st, i));
  put_copy_text(out, sqlite3_column_text(st, i), sqlite3_column_bytes(st, i));
}

void comment(std::string& out, const std::string& name, const char* type) {
  out += "--\n-- Name: ";
  out += name;
  out += "; Type: ";
  out += type;
  out += "; Schema: public; Owner: postgres\n--\n\n";
}

std::string seq_name(const Table& t) { return pg_name(t.name + "_" + t.pk + "_seq"); }

Result<std::string> write_pgdump(sql::Database& db, std::vector<Table>& tables, ExportSummary& summary) {
  std::string ddl_text;  // for the \restrict key: derived from the schema, so the output is deterministic
  for (const auto& t : tables) {
    ddl_text += t.name + "\n";
    for (const auto& c : t.cols) ddl_text += c.name + " " + c.pg_type + "\n";
  }
  const std::string key = sha256_hex(ddl_text);

  std::string out;
  out.reserve(1 << 20);
  out += "--\n-- PostgreSQL database dump\n--\n\n\\restrict " + key + "\n\n";
  out += std::string("-- Dumped from database version 15 (a SQLite snapshot, exported by Redline ") + kVersion + ")\n";
  out += std::string("-- Dumped by pg_dump version 15 (Redline ") + kVersion + "'s pg_dump writer)\n\n";
  out +=
      "SET statement_timeout = 0;\n"
      "SET lock_timeout = 0;\n"
      "SET idle_in_transaction_session_timeout = 0;\n"
      "SET client_encoding = 'UTF8';\n"
      "SET standard_conforming_strings = on;\n"
      "SELECT pg_catalog.set_config('search_path', '', false);\n"
      "SET check_function_bodies = false;\n"
      "SET xmloption = content;\n"
      "SET client_min_messages = warning;\n"
      "SET row_security = off;\n\n"
      "SET default_tablespace = '';\n\n"
      "SET default_table_access_method = heap;\n\n";

  // Tables and their sequences, interleaved by name as pg_dump sorts them.
  std::vector<std::pair<std::string, std::string>> sections;  // name, text
  for (const auto& t : tables) {
    const std::string qt = "public." + pg_ident(t.name);
    std::string text;
    comment(text, t.name, "TABLE");
    text += "CREATE TABLE " + qt + " (\n";
    std::vector<std::string> lines;
    for (const auto& c : t.cols)
      lines.push_back("    " + pg_ident(c.name) + " " + c.pg_type + (c.not_null ? " NOT NULL" : ""));
    for (const auto& c : t.cols) {
      if (c.unsigned_int) {
        lines.push_back("    CONSTRAINT " + pg_ident(pg_name(t.name + "_" + c.name + "_check")) + " CHECK ((" +
                        pg_ident(c.name) + " >= 0))");
      }
    }
    for (std::size_t i = 0; i < lines.size(); ++i) text += lines[i] + (i + 1 < lines.size() ? ",\n" : "\n");
    text += ");\n\n\nALTER TABLE " + qt + " OWNER TO postgres;\n\n";
    sections.emplace_back(t.name, std::move(text));
    if (!t.pk.empty()) {
      const std::string seq = seq_name(t);
      const char* as = "integer";
      for (const auto& c : t.cols)
        if (c.name == t.pk && c.pg_type == "bigint") as = "bigint";
      std::string st;
      comment(st, seq, "SEQUENCE");
      st += "CREATE SEQUENCE public." + pg_ident(seq) + "\n    AS " + as +
            "\n    START WITH 1\n    INCREMENT BY 1\n    NO MINVALUE\n    NO MAXVALUE\n    CACHE 1;\n\n\n";
      st += "ALTER TABLE public." + pg_ident(seq) + " OWNER TO postgres;\n\n";
      comment(st, seq, "SEQUENCE OWNED BY");
      st += "ALTER SEQUENCE public." + pg_ident(seq) + " OWNED BY " + qt + "." + pg_ident(t.pk) + ";\n\n\n";
      sections.emplace_back(seq, std::move(st));
    }
  }
  std::stable_sort(sections.begin(), sections.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& sec : sections) out += sec.second;
  for (const auto& t : tables) {
    if (t.pk.empty()) continue;
    comment(out, t.name + " " + t.pk, "DEFAULT");
    out += "ALTER TABLE ONLY public." + pg_ident(t.name) + " ALTER COLUMN " + pg_ident(t.pk) +
           " SET DEFAULT nextval(" + pg_literal("public." + pg_ident(seq_name(t))) + "::regclass);\n\n\n";
  }

  // The rows.
  for (const auto& t : tables) {
    std::string cols, sel;
    for (const auto& c : t.cols) {
      cols += (cols.empty() ? "" : ", ") + pg_ident(c.name);
      sel += (sel.empty() ? "" : ", ") + sql::quote_ident(c.name);
    }
    out += "--\n-- Data for Name: " + t.name + "; Type: TABLE DATA; Schema: public; Owner: postgres\n--\n\n";
    out += "COPY public." + pg_ident(t.name) + " (" + cols + ") FROM stdin;\n";
    // Rows in key order; WITHOUT ROWID tables (no rowid) in their own key order.
    auto st = db.prepare("SELECT " + sel + " FROM " + sql::quote_ident(t.name) + " ORDER BY " +
                         (t.pk.empty() ? std::string("rowid") : sql::quote_ident(t.pk)));
    if (!st) st = db.prepare("SELECT " + sel + " FROM " + sql::quote_ident(t.name));
    if (!st) return st.error();
    sqlite3_stmt* h = st->handle();
    const int n = static_cast<int>(t.cols.size());
    std::int64_t rows = 0;
    int rc;
    while ((rc = sqlite3_step(h)) == SQLITE_ROW) {
      for (int i = 0; i < n; ++i) {
        if (i) out += '\t';
        put_copy_value(out, h, i, t.cols[static_cast<std::size_t>(i)]);
      }
      out += '\n';
      ++rows;
    }
    if (rc != SQLITE_DONE) return make_error(ErrorCode::Sqlite, sqlite3_errmsg(db.handle()), "export of " + t.name);
    out += "\\.\n\n\n";
    summary.tables[t.name] = rows;
  }

  // Where each sequence stands: Django's sqlite_sequence counter for AUTOINCREMENT
  // tables (the last id handed out, even when those rows are gone), else the largest id.
  bool has_seq_table = false;
  REDLINE_TRY(each_row(db, "SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_sequence'",
                       [&](sql::Statement&) { has_seq_table = true; }));
  std::vector<std::pair<std::string, std::string>> setvals;  // by sequence name
  for (const auto& t : tables) {
    if (t.pk.empty()) continue;
    std::int64_t last = 0;
    auto mx = db.query_int("SELECT max(" + sql::quote_ident(t.pk) + ") FROM " + sql::quote_ident(t.name));
    if (!mx) return mx.error();
    last = mx->value_or(0);
    if (has_seq_table && t.autoincrement) {
      auto q = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = ?1");
      if (!q) return q.error();
      REDLINE_TRY(q->bind_text(1, t.name));
      auto r = q->step();
      if (!r) return r.error();
      if (*r == sql::StepResult::Row) last = std::max(last, q->column_int(0));
    }
    std::string text;
    comment(text, seq_name(t), "SEQUENCE SET");
    text += "SELECT pg_catalog.setval(" + pg_literal("public." + pg_ident(seq_name(t))) + ", ";
    if (last > 0) {
      put_int(text, last);
      text += ", true);\n\n\n";
    } else {
      text += "1, false);\n\n\n";
    }
    setvals.emplace_back(seq_name(t), std::move(text));
  }
  std::stable_sort(setvals.begin(), setvals.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& sv : setvals) out += sv.second;

  // Primary keys and unique constraints (sorted by name, as pg_dump sorts them),
  // then indexes, then foreign keys.
  struct Item {
    std::string sort, text;
  };
  std::vector<Item> constraints, indexes, fkeys;
  auto col_list = [](const std::vector<std::string>& cols) {
    std::string s;
    for (const auto& c : cols) s += (s.empty() ? "" : ", ") + pg_ident(c);
    return s;
  };
  for (const auto& t : tables) {
    const std::string only = "ALTER TABLE ONLY public." + pg_ident(t.name) + "\n    ADD CONSTRAINT ";
    std::vector<std::string> pk_cols;
    {
      std::vector<std::pair<int, std::string>> pk;
      REDLINE_TRY(each_row(db, "SELECT pk, name FROM pragma_table_info(" + sql::quote_literal(t.name) + ") WHERE pk > 0",
                           [&](sql::Statement& s) { pk.emplace_back(static_cast<int>(s.column_int(0)), s.column_text(1)); }));
      std::sort(pk.begin(), pk.end());
      for (auto& [k, name] : pk) pk_cols.push_back(name);
    }
    if (!pk_cols.empty()) {
      std::string name = pg_name(t.name + "_pkey");
      constraints.push_back({name, "--\n-- Name: " + t.name + " " + name +
                                       "; Type: CONSTRAINT; Schema: public; Owner: postgres\n--\n\n" + only +
                                       pg_ident(name) + " PRIMARY KEY (" + col_list(pk_cols) + ");\n\n\n"});
    }
    for (const auto& ix : t.indexes) {
      if (ix.unique && ix.where.empty()) {
        std::string name = ix.name;
        if (ix.auto_index) {
          name = t.name;
          for (const auto& c : ix.cols) name += "_" + c;
          name = pg_name(name + "_key");
        }
        constraints.push_back({name, "--\n-- Name: " + t.name + " " + name +
                                         "; Type: CONSTRAINT; Schema: public; Owner: postgres\n--\n\n" + only +
                                         pg_ident(name) + " UNIQUE (" + col_list(ix.cols) + ");\n\n\n"});
      }
      // Django on PostgreSQL adds a pattern-ops index beside the index or unique
      // constraint of every indexed varchar/text column, for LIKE lookups.
      if (ix.cols.size() == 1 && ix.where.empty() &&
          (ix.auto_index || ix.name == django_index_name(t.name, ix.cols, ""))) {
        for (const auto& c : t.cols) {
          if (c.name != ix.cols[0] || c.name == t.pk) continue;
          const char* ops = starts_with(c.pg_type, "character varying") ? "varchar_pattern_ops"
                            : c.pg_type == "text"                        ? "text_pattern_ops"
                                                                         : nullptr;
          if (!ops) continue;
          std::string name = django_index_name(t.name, ix.cols, "_like");
          indexes.push_back({name, "--\n-- Name: " + name + "; Type: INDEX; Schema: public; Owner: postgres\n--\n\n" +
                                       "CREATE INDEX " + pg_ident(name) + " ON public." + pg_ident(t.name) +
                                       " USING btree (" + pg_ident(c.name) + " " + ops + ");\n\n\n"});
        }
      }
      if (ix.unique && ix.where.empty()) {
        // written above as a constraint
      } else {
        std::string text = "--\n-- Name: " + ix.name + "; Type: INDEX; Schema: public; Owner: postgres\n--\n\n" +
                           (ix.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ") + pg_ident(ix.name) + " ON public." +
                           pg_ident(t.name) + " USING btree (" + col_list(ix.cols) + ")";
        if (!ix.where.empty()) text += " WHERE (" + ix.where + ")";
        indexes.push_back({ix.name, text + ";\n\n\n"});
      }
    }
    for (const auto& fk : t.fks) {
      bool target_known = false;
      for (const auto& u : tables)
        if (u.name == fk.table) target_known = true;
      if (!target_known) {
        summary.warnings.push_back("foreign key " + t.name + "." + fk.from + " -> " + fk.table +
                                   " left out (no such table in the snapshot)");
        continue;
      }
      std::string name = django_index_name(t.name, {fk.from}, "_fk_" + fk.table + "_" + fk.to);
      // SQLite does not enforce foreign keys: rows may point at nothing. PostgreSQL
      // accepts such a constraint only as NOT VALID (not checked for existing rows).
      auto broken = db.query_int("SELECT count(*) FROM " + sql::quote_ident(t.name) + " WHERE " +
                                 sql::quote_ident(fk.from) + " IS NOT NULL AND " + sql::quote_ident(fk.from) +
                                 " NOT IN (SELECT " + sql::quote_ident(fk.to) + " FROM " + sql::quote_ident(fk.table) +
                                 " WHERE " + sql::quote_ident(fk.to) + " IS NOT NULL)");
      if (!broken) return broken.error();
      std::int64_t nbroken = broken->value_or(0);
      if (nbroken > 0) {
        summary.warnings.push_back(std::to_string(nbroken) + " row(s) of " + t.name + " have a " + fk.from +
                                   " that is not in " + fk.table + ": its foreign key is written NOT VALID");
      }
      fkeys.push_back({name, "--\n-- Name: " + t.name + " " + name +
                                 "; Type: FK CONSTRAINT; Schema: public; Owner: postgres\n--\n\n" + only +
                                 pg_ident(name) + " FOREIGN KEY (" + pg_ident(fk.from) + ") REFERENCES public." +
                                 pg_ident(fk.table) + "(" + pg_ident(fk.to) + ") DEFERRABLE INITIALLY DEFERRED" +
                                 (nbroken > 0 ? " NOT VALID" : "") + ";\n\n\n"});
    }
  }
  for (auto* list : {&constraints, &indexes, &fkeys}) {
    std::stable_sort(list->begin(), list->end(), [](const Item& a, const Item& b) { return a.sort < b.sort; });
    for (const auto& it : *list) out += it.text;
  }
  out += "--\n-- PostgreSQL database dump complete\n--\n\n\\unrestrict " + key + "\n\n";
  return out;
}

// ---- dumpdata --------------------------------------------------------------------

struct LabelOfTable {
  const char* table;
  const char* label;
};
// In the order Django's dumpdata writes them (apps in INSTALLED_APPS order, models
// in definition order).
constexpr LabelOfTable kLabels[] = {
    {"django_content_type", "contenttypes.contenttype"},
    {"auth_permission", "auth.permission"},
    {"auth_group", "auth.group"},
    {"users", "crmApp.user"},
    {"organizations", "crmApp.organization"},
    {"employees", "crmApp.employee"},
    {"customers", "crmApp.customer"},
    {"vendors", "crmApp.vendor"},
    {"leads", "crmApp.lead"},
    {"deals", "crmApp.deal"},
    {"orders", "crmApp.order"},
    {"payments", "crmApp.payment"},
    {"addresses", "crmApp.address"},
    {"addressables", "crmApp.addressable"},
};

void put_json_string(std::string& out, const unsigned char* p, int n) {
  out += '"';
  int run = 0;
  for (int i = 0; i < n; ++i) {
    unsigned char c = p[i];
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(reinterpret_cast<const char*>(p + run), static_cast<std::size_t>(i - run));
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
  }
  out.append(reinterpret_cast<const char*>(p + run), static_cast<std::size_t>(n - run));
  out += '"';
}

void put_base64(std::string& out, const unsigned char* p, int n) {
  static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  out += '"';
  for (int i = 0; i < n; i += 3) {
    unsigned v = static_cast<unsigned>(p[i]) << 16;
    if (i + 1 < n) v |= static_cast<unsigned>(p[i + 1]) << 8;
    if (i + 2 < n) v |= p[i + 2];
    out += b64[(v >> 18) & 63];
    out += b64[(v >> 12) & 63];
    out += i + 1 < n ? b64[(v >> 6) & 63] : '=';
    out += i + 2 < n ? b64[v & 63] : '=';
  }
  out += '"';
}

void put_json_value(std::string& out, sqlite3_stmt* st, int i, const Column& c) {
  int type = sqlite3_column_type(st, i);
  switch (type) {
    case SQLITE_NULL: out += "null"; return;
    case SQLITE_BLOB:  // BinaryField: Django serializes base64
      put_base64(out, static_cast<const unsigned char*>(sqlite3_column_blob(st, i)), sqlite3_column_bytes(st, i));
      return;
    case SQLITE_INTEGER: {
      std::int64_t v = sqlite3_column_int64(st, i);
      if (c.kind == Kind::Bool) {
        out += v != 0 ? "true" : "false";
      } else if (c.kind == Kind::Decimal) {
        out += '"';
        put_int_decimal(out, v, c.scale);
        out += '"';
      } else if (c.kind == Kind::Text || c.kind == Kind::DateTime || c.kind == Kind::Date || c.kind == Kind::Time) {
        out += '"';
        put_int(out, v);
        out += '"';
      } else {
        put_int(out, v);
      }
      return;
    }
    case SQLITE_FLOAT: {
      double v = sqlite3_column_double(st, i);
      bool quoted = c.kind != Kind::Real && c.kind != Kind::Integer;
      if (quoted) out += '"';
      if (c.kind == Kind::Decimal) put_decimal(out, v, c.scale);
      else put_double(out, v);
      if (quoted) out += '"';
      return;
    }
    default: break;
  }
  const unsigned char* p = sqlite3_column_text(st, i);
  int n = sqlite3_column_bytes(st, i);
  if (c.kind == Kind::DateTime) {
    int frac = canonical_datetime_fraction(p, n);
    if (frac >= 0) {
      // DjangoJSONEncoder: isoformat() with milliseconds and Z. Six digits only when
      // the value has microseconds below the millisecond (nothing is dropped).
      out += '"';
      out.append(reinterpret_cast<const char*>(p), 10);
      out += 'T';
      out.append(reinterpret_cast<const char*>(p + 11), 8);
      if (frac > 0) {
        char f[7] = "000000";
        std::memcpy(f, p + 20, static_cast<std::size_t>(frac));
        bool whole_ms = f[3] == '0' && f[4] == '0' && f[5] == '0';
        bool zero = whole_ms && f[0] == '0' && f[1] == '0' && f[2] == '0';
        if (!zero) {
          out += '.';
          out.append(f, whole_ms ? 3 : 6);
        }
      }
      out += "Z\"";
      return;
    }
  }
  put_json_string(out, p, n);
}

Result<std::string> write_dumpdata(sql::Database& db, std::vector<Table>& tables, ExportSummary& summary) {
  std::string out;
  out.reserve(1 << 20);
  out += "[";
  bool first = true;
  std::vector<std::string> covered;  // tables written: models and their junction tables
  for (const auto& lt : kLabels) {
    const Table* tp = nullptr;
    for (const auto& t : tables)
      if (t.name == lt.table) tp = &t;
    if (!tp) continue;
    const Table& t = *tp;
    if (t.pk.empty()) {
      summary.warnings.push_back("table " + t.name + " left out of dumpdata: it has no integer primary key");
      continue;
    }
    covered.push_back(t.name);
    // Many-to-many fields: owner pk -> target pks, in the junction table's id order.
    const auto* model = detail::dumpdata::find_model(lt.label);
    struct M2m {
      std::string field;
      std::unordered_map<std::int64_t, std::vector<std::int64_t>> lists;
    };
    std::vector<M2m> m2ms;
    for (std::size_t k = 0; model && k < model->m2m_count; ++k) {
      const auto& m = model->m2m[k];
      M2m mm;
      mm.field = m.field;
      bool present = false;
      for (const auto& u : tables)
        if (u.name == m.table) present = true;
      if (present) {
        covered.push_back(m.table);
        REDLINE_TRY(each_row(db,
                             std::string("SELECT ") + sql::quote_ident(m.owner_column) + ", " +
                                 sql::quote_ident(m.target_column) + " FROM " + sql::quote_ident(m.table) +
                                 " ORDER BY rowid",
                             [&](sql::Statement& s) { mm.lists[s.column_int(0)].push_back(s.column_int(1)); }));
        std::int64_t n = 0;
        for (const auto& [o, l] : mm.lists) n += static_cast<std::int64_t>(l.size());
        summary.tables[m.table] = n;
      }
      m2ms.push_back(std::move(mm));
    }

    // The fields, in column order: foreign keys under their field name.
    std::string sel;
    std::vector<std::string> keys;  // `, "name": ` before each non-pk column
    int pk_index = -1;
    for (std::size_t i = 0; i < t.cols.size(); ++i) {
      const auto& c = t.cols[i];
      sel += (sel.empty() ? "" : ", ") + sql::quote_ident(c.name);
      if (c.name == t.pk) {
        pk_index = static_cast<int>(i);
        keys.emplace_back();
        continue;
      }
      std::string field = c.name;
      if (c.fk && field.size() > 3 && field.compare(field.size() - 3, 3, "_id") == 0) field.resize(field.size() - 3);
      std::string k;
      put_json_string(k, reinterpret_cast<const unsigned char*>(field.data()), static_cast<int>(field.size()));
      keys.push_back(k + ": ");
    }
    std::string head = "{\"model\": \"" + std::string(lt.label) + "\", \"pk\": ";
    auto st = db.prepare("SELECT " + sel + " FROM " + sql::quote_ident(t.name) + " ORDER BY " + sql::quote_ident(t.pk));
    if (!st) return st.error();
    sqlite3_stmt* h = st->handle();
    const int n = static_cast<int>(t.cols.size());
    std::int64_t rows = 0;
    int rc;
    while ((rc = sqlite3_step(h)) == SQLITE_ROW) {
      out += first ? "\n" : ",\n";
      first = false;
      out += head;
      std::int64_t pk = sqlite3_column_int64(h, pk_index);
      put_int(out, pk);
      out += ", \"fields\": {";
      bool first_field = true;
      for (int i = 0; i < n; ++i) {
        if (i == pk_index) continue;
        if (!first_field) out += ", ";
        first_field = false;
        out += keys[static_cast<std::size_t>(i)];
        put_json_value(out, h, i, t.cols[static_cast<std::size_t>(i)]);
      }
      for (const auto& m : m2ms) {
        if (!first_field) out += ", ";
        first_field = false;
        out += "\"" + m.field + "\": [";
        auto it = m.lists.find(pk);
        if (it != m.lists.end()) {
          for (std::size_t k = 0; k < it->second.size(); ++k) {
            if (k) out += ", ";
            put_int(out, it->second[k]);
          }
        }
        out += "]";
      }
      out += "}}";
      ++rows;
    }
    if (rc != SQLITE_DONE) return make_error(ErrorCode::Sqlite, sqlite3_errmsg(db.handle()), "export of " + t.name);
    summary.tables[t.name] = rows;
  }
  out += first ? "]\n" : "\n]\n";
  for (const auto& t : tables) {
    if (std::find(covered.begin(), covered.end(), t.name) != covered.end()) continue;
    std::int64_t rows = 0;
    auto c = db.query_int("SELECT count(*) FROM " + sql::quote_ident(t.name));
    if (c) rows = c->value_or(0);
    summary.warnings.push_back("table " + t.name + " (" + std::to_string(rows) +
                               " rows) left out: it is no Django model of the CRM, and dumpdata does not carry it");
  }
  return out;
}

}  // namespace

Result<ExportFormat> parse_export_format(std::string_view text) {
  if (text == "pgdump") return ExportFormat::PgDump;
  if (text == "dumpdata") return ExportFormat::DumpData;
  return make_error(ErrorCode::Usage, "unknown export format '" + std::string(text) + "' (pgdump or dumpdata)");
}

const char* export_format_name(ExportFormat f) { return f == ExportFormat::PgDump ? "pgdump" : "dumpdata"; }

const char* dumpdata_label_of_table(std::string_view table) {
  for (const auto& lt : kLabels)
    if (table == lt.table) return lt.label;
  return nullptr;
}

Result<std::string> export_snapshot(sql::Database& db, ExportFormat format, ExportSummary* summary_out) {
  ExportSummary summary;
  // One read transaction: the schema and every row seen at one moment.
  auto sp = sql::Savepoint::begin(db, "redline_export");
  if (!sp) return sp.error();
  auto tables = read_schema(db, summary.warnings);
  if (!tables) return tables.error();
  auto out = format == ExportFormat::PgDump ? write_pgdump(db, *tables, summary) : write_dumpdata(db, *tables, summary);
  if (!out) return out.error();
  REDLINE_TRY(sp->release());
  summary.bytes = out->size();
  if (summary_out) *summary_out = std::move(summary);
  return out;
}

}  // namespace redline
