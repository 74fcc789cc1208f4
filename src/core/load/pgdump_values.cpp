// PostgreSQL types and value conversions for the pg_dump loader (canonical form).
#include "core/load/pgdump_values.hpp"

#include <limits>

namespace redline::detail::pgdump {

namespace {

// The type without modifiers in parentheses: "timestamp(3) with time zone" ->
// "timestamp with time zone", "character varying(20)" -> "character varying".
std::string base_type(std::string_view type) {
  std::string out;
  int depth = 0;
  for (char c : type) {
    if (c == '(') {
      ++depth;
      continue;
    }
    if (c == ')') {
      if (depth > 0) --depth;
      continue;
    }
    if (depth == 0) out += c;
  }
  // Collapse doubled spaces left behind by a removed modifier.
  std::string tidy;
  for (char c : out) {
    if (c == ' ' && (tidy.empty() || tidy.back() == ' ')) continue;
    tidy += c;
  }
  while (!tidy.empty() && tidy.back() == ' ') tidy.pop_back();
  // Schema-qualified built-ins: "pg_catalog.int4".
  if (tidy.rfind("pg_catalog.", 0) == 0) tidy.erase(0, 11);
  return tidy;
}

// The modifier of a type ("(150)" of "character varying(150)"), or "".
std::string_view type_modifier(std::string_view type) {
  std::size_t open = type.find('(');
  if (open == std::string_view::npos) return {};
  std::size_t close = type.find(')', open);
  if (close == std::string_view::npos) return {};
  return type.substr(open, close - open + 1);
}

bool digits(std::string_view s, std::size_t at, std::size_t n, int& v) {
  if (at + n > s.size()) return false;
  v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  return true;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int days_in_month(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, int& m, int& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y += m <= 2;
}

struct DateTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  char frac[6] = {'0', '0', '0', '0', '0', '0'};
  bool has_frac = false;  // a non-zero fraction
  bool has_offset = false;
  int offset_seconds = 0;  // east of UTC
};

// "HH:MM:SS[.f{1,6}]" at `at`; returns the position after it or npos.
std::size_t parse_time_part(std::string_view s, std::size_t at, DateTime& t) {
  if (!digits(s, at, 2, t.hour) || at + 2 >= s.size() || s[at + 2] != ':' || !digits(s, at + 3, 2, t.minute) ||
      at + 5 >= s.size() || s[at + 5] != ':' || !digits(s, at + 6, 2, t.second)) {
    return std::string_view::npos;
  }
  if (t.hour > 23 || t.minute > 59 || t.second > 59) return std::string_view::npos;
  std::size_t i = at + 8;
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::size_t n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (n == 6) return std::string_view::npos;  // PostgreSQL keeps microseconds at most
      t.frac[n++] = s[i++];
      if (t.frac[n - 1] != '0') t.has_frac = true;
    }
    if (n == 0) return std::string_view::npos;
  }
  return i;
}

// "YYYY-MM-DD HH:MM:SS[.f][+HH[:MM[:SS]]]". Only four-digit years (1..9999): what
// Python's datetime, and so Django, can hold.
bool parse_datetime(std::string_view s, DateTime& t, bool allow_offset) {
  if (s.size() < 19 || !digits(s, 0, 4, t.year) || s[4] != '-' || !digits(s, 5, 2, t.month) || s[7] != '-' ||
      !digits(s, 8, 2, t.day) || s[10] != ' ') {
    return false;
  }
  if (t.year < 1 || t.month < 1 || t.month > 12 || t.day < 1 || t.day > days_in_month(t.year, t.month)) return false;
  std::size_t i = parse_time_part(s, 11, t);
  if (i == std::string_view::npos) return false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    if (!allow_offset) return false;
    int sign = s[i] == '-' ? -1 : 1;
    int hh = 0, mm = 0, ss = 0;
    if (!digits(s, i + 1, 2, hh)) return false;
    i += 3;
    if (i < s.size() && s[i] == ':') {
      if (!digits(s, i + 1, 2, mm)) return false;
      i += 3;
      if (i < s.size() && s[i] == ':') {
        if (!digits(s, i + 1, 2, ss)) return false;
        i += 3;
      }
    }
    if (mm > 59 || ss > 59) return false;
    t.has_offset = true;
    t.offset_seconds = sign * (hh * 3600 + mm * 60 + ss);
  }
  return i == s.size();  // anything else (" BC", a zone name) is not storable
}

char* put2(char* p, int v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
  return p + 2;
}

std::size_t format_datetime(const DateTime& t, char* out) {
  char* p = out;
  p = put2(p, t.year / 100);
  p = put2(p, t.year % 100);
  *p++ = '-';
  p = put2(p, t.month);
  *p++ = '-';
  p = put2(p, t.day);
  *p++ = ' ';
  p = put2(p, t.hour);
  *p++ = ':';
  p = put2(p, t.minute);
  *p++ = ':';
  p = put2(p, t.second);
  if (t.has_frac) {
    *p++ = '.';
    for (char c : t.frac) *p++ = c;
  }
  return static_cast<std::size_t>(p - out);
}

}  // namespace

PgKind classify_pg_type(std::string_view type) {
  if (!type.empty() && type.back() == ']') return PgKind::Other;  // arrays
  std::string b = base_type(type);
  if (b == "integer" || b == "int" || b == "int4" || b == "bigint" || b == "int8" || b == "smallint" ||
      b == "int2" || b == "serial" || b == "serial4" || b == "bigserial" || b == "serial8" ||
      b == "smallserial" || b == "serial2") {
    return PgKind::Integer;
  }
  if (b == "boolean" || b == "bool") return PgKind::Bool;
  if (b == "numeric" || b == "decimal") return PgKind::Numeric;
  if (b == "real" || b == "float4" || b == "double precision" || b == "float8" || b == "float") return PgKind::Float;
  if (b == "timestamp with time zone" || b == "timestamptz") return PgKind::TimestampTz;
  if (b == "timestamp" || b == "timestamp without time zone") return PgKind::Timestamp;
  if (b == "date") return PgKind::Date;
  if (b == "time" || b == "time without time zone") return PgKind::Time;
  if (b == "text" || b == "character varying" || b == "varchar" || b == "character" || b == "char" ||
      b == "bpchar" || b == "citext" || b == "name" || b == "public.citext") {
    return PgKind::Text;
  }
  if (b == "uuid") return PgKind::Uuid;
  if (b == "json" || b == "jsonb") return PgKind::Json;
  if (b == "bytea") return PgKind::Bytea;
  if (b == "interval") return PgKind::Interval;
  return PgKind::Other;
}

std::string sqlite_type_for(std::string_view type, PgKind kind) {
  std::string b = base_type(type);
  std::string_view mod = type_modifier(type);
  switch (kind) {
    case PgKind::Integer:
      if (b == "bigint" || b == "int8" || b == "bigserial" || b == "serial8") return "bigint";
      if (b == "smallint" || b == "int2" || b == "smallserial" || b == "serial2") return "smallint";
      return "integer";
    case PgKind::Bool: return "bool";
    case PgKind::Numeric: return "decimal";
    case PgKind::Float: return "real";
    case PgKind::TimestampTz:
    case PgKind::Timestamp: return "datetime";
    case PgKind::Date: return "date";
    case PgKind::Time: return "time";
    case PgKind::Text:
      if (b == "character varying" || b == "varchar") return mod.empty() ? "varchar" : "varchar" + std::string(mod);
      if (b == "character" || b == "char" || b == "bpchar") return "char" + std::string(mod.empty() ? "(1)" : mod);
      return "text";
    case PgKind::Uuid: return "char(32)";
    case PgKind::Json: return "text";
    case PgKind::Bytea: return "BLOB";
    case PgKind::Interval: return "text";
    case PgKind::Other: return "text";
  }
  return "text";
}

std::size_t timestamptz_to_utc(std::string_view in, char* out) {
  DateTime t;
  if (!parse_datetime(in, t, true) || !t.has_offset) return 0;
  if (t.offset_seconds != 0) {
    std::int64_t secs = days_from_civil(t.year, t.month, t.day) * 86400 + t.hour * 3600 + t.minute * 60 +
                        t.second - t.offset_seconds;
    std::int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    std::int64_t rem = secs - days * 86400;
    std::int64_t y;
    civil_from_days(days, y, t.month, t.day);
    if (y < 1 || y > 9999) return 0;
    t.year = static_cast<int>(y);
    t.hour = static_cast<int>(rem / 3600);
    t.minute = static_cast<int>(rem % 3600 / 60);
    t.second = static_cast<int>(rem % 60);
  }
  return format_datetime(t, out);
}

std::size_t timestamp_normalize(std::string_view in, char* out) {
  DateTime t;
  if (!parse_datetime(in, t, false)) return 0;
  return format_datetime(t, out);
}

std::size_t time_normalize(std::string_view in, char* out) {
  DateTime t;
  std::size_t end = parse_time_part(in, 0, t);
  if (end == std::string_view::npos || end != in.size()) return 0;
  char* p = out;
  p = put2(p, t.hour);
  *p++ = ':';
  p = put2(p, t.minute);
  *p++ = ':';
  p = put2(p, t.second);
  if (t.has_frac) {
    *p++ = '.';
    for (char c : t.frac) *p++ = c;
  }
  return static_cast<std::size_t>(p - out);
}

bool valid_date(std::string_view s) {
  int y, m, d;
  if (s.size() != 10 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, m) || s[7] != '-' ||
      !digits(s, 8, 2, d)) {
    return false;
  }
  return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

bool parse_bool(std::string_view s, bool& v) {
  auto eq = [&](std::string_view w) {
    if (s.size() != w.size()) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != w[i]) return false;
    }
    return true;
  };
  if (eq("t") || eq("true") || eq("y") || eq("yes") || eq("on") || eq("1")) {
    v = true;
    return true;
  }
  if (eq("f") || eq("false") || eq("n") || eq("no") || eq("off") || eq("0")) {
    v = false;
    return true;
  }
  return false;
}

bool parse_int64(std::string_view s, std::int64_t& v) {
  std::size_t i = 0;
  bool neg = false;
  if (i < s.size() && s[i] == '-') {
    neg = true;
    ++i;
  }
  if (i >= s.size() || s.size() - i > 19) return false;
  if (s[i] == '0' && s.size() - i > 1) return false;  // leading zero: leave it to SQLite
  std::uint64_t acc = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return false;
    acc = acc * 10 + static_cast<std::uint64_t>(c - '0');
  }
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (neg) {
    if (acc > kMax + 1) return false;
    if (acc == 0) return false;  // "-0": SQLite keeps it as integer 0, but be literal
    v = acc == kMax + 1 ? std::numeric_limits<std::int64_t>::min() : -static_cast<std::int64_t>(acc);
  } else {
    if (acc > kMax) return false;
    v = static_cast<std::int64_t>(acc);
  }
  return true;
}

bool decode_bytea_hex(std::string_view s, std::string& out) {
  if (s.size() < 2 || s[0] != '\\' || s[1] != 'x' || (s.size() - 2) % 2 != 0) return false;
  auto hv = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  out.clear();
  out.reserve((s.size() - 2) / 2);
  for (std::size_t i = 2; i < s.size(); i += 2) {
    int h = hv(s[i]), l = hv(s[i + 1]);
    if (h < 0 || l < 0) return false;
    out += static_cast<char>(h * 16 + l);
  }
  return true;
}

bool uuid_to_hex32(std::string_view s, char* out) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '-' && (i == 8 || i == 13 || i == 18 || i == 23) && s.size() == 36) continue;
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) || n == 32) return false;
    out[n++] = c;
  }
  return n == 32;
}

}  // namespace redline::detail::pgdump
