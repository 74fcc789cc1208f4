// Value conversions of the dumpdata loader (see dumpdata_values.hpp): datetimes to
// naive UTC text, dates, integers and decimal literals, following the parsing
// rules of Django 3.2 (django.utils.dateparse) so the loader accepts what Django's
// loaddata accepts and stores what Django's SQLite backend would store.
#include "core/load/dumpdata_values.hpp"

#include <limits>

namespace redline::detail::dumpdata {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads between `min` and `max` digits at s[i]; advances i. False if fewer than min.
bool read_digits(std::string_view s, std::size_t& i, int min, int max, int& value) {
  int n = 0;
  value = 0;
  while (n < max && i < s.size() && is_digit(s[i])) {
    value = value * 10 + (s[i] - '0');
    ++i;
    ++n;
  }
  return n >= min;
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date, counted in 400-year eras
// (146097 days each) with years starting in March so the leap day comes last.
std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;                       // [0, 399]
  const std::int64_t mp = m > 2 ? m - 3 : m + 9;                // March = 0
  const std::int64_t doy = (153 * mp + 2) / 5 + d - 1;          // [0, 365]
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;  // [0, 146096]
  return era * 146097 + doe - 719468;
}

// The inverse of days_from_civil.
void civil_from_days(std::int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0));
}

// YYYY-M[M]-D[D] at the start of s (no end check); advances i.
const char* read_date(std::string_view s, std::size_t& i, int& y, int& m, int& d) {
  if (!read_digits(s, i, 4, 4, y) || i >= s.size() || s[i] != '-') return "not a date";
  ++i;
  if (!read_digits(s, i, 1, 2, m) || i >= s.size() || s[i] != '-') return "not a date";
  ++i;
  if (!read_digits(s, i, 1, 2, d)) return "not a date";
  // Python's date() refuses year 0, month 13, February 30th...
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return "no such date";
  return nullptr;
}

// Writes v (0 <= v < 10^width) as exactly `width` digits at p; returns the end.
// Hand-rolled: snprintf and string appends showed up in profiles of big loads.
char* put_digits(char* p, int v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return p + width;
}

// "YYYY-MM-DD" at p (year 1..9999, checked by the callers); returns the end.
char* put_date(char* p, int y, int m, int d) {
  p = put_digits(p, y, 4);
  *p++ = '-';
  p = put_digits(p, m, 2);
  *p++ = '-';
  return put_digits(p, d, 2);
}

}  // namespace

ColumnKind column_kind(std::string_view declared) {
  // Type names are case-insensitive, and SQLite reports "integer" as "INTEGER".
  std::string t(declared);
  for (char& c : t)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  auto starts = [&](std::string_view p) { return t.substr(0, p.size()) == p; };
  if (starts("integer")) return ColumnKind::Integer;
  if (t == "bool") return ColumnKind::Bool;
  if (t == "datetime") return ColumnKind::DateTime;
  if (t == "date") return ColumnKind::Date;
  if (starts("decimal")) return ColumnKind::Decimal;
  return ColumnKind::Text;
}

bool is_serialized_datetime(std::string_view in) {
  // YYYY-MM-DDTHH:MM:SS: digits and separators at fixed places.
  static constexpr std::string_view kShape = "0000-00-00T00:00:00";
  if (in.size() < kShape.size() + 1) return false;
  for (std::size_t i = 0; i < kShape.size(); ++i)
    if (kShape[i] == '0' ? !is_digit(in[i]) : in[i] != kShape[i]) return false;
  std::size_t i = kShape.size();
  if (in[i] == '.') {
    const std::size_t first = ++i;
    while (i < in.size() && is_digit(in[i])) ++i;
    if (i == first) return false;
  }
  std::string_view zone = in.substr(i);
  const bool offset = zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && is_digit(zone[1]) &&
                      is_digit(zone[2]) && zone[3] == ':' && is_digit(zone[4]) && is_digit(zone[5]);
  if (zone != "Z" && !offset) return false;
  std::string ignored;
  bool naive = false;
  return canonical_datetime(in, ignored, naive) == nullptr && !naive;
}

const char* canonical_date(std::string_view in, std::string& out) {
  std::size_t i = 0;
  int y, m, d;
  if (const char* why = read_date(in, i, y, m, d)) return why;
  if (i != in.size()) return "not a date";
  char buf[10];
  out.assign(buf, put_date(buf, y, m, d));
  return nullptr;
}

const char* canonical_datetime(std::string_view in, std::string& out, bool& naive) {
  std::size_t i = 0;
  int y, mo, d;
  if (const char* why = read_date(in, i, y, mo, d)) return why;
  int h = 0, mi = 0, s = 0, us = 0;
  int offset_minutes = 0;
  naive = true;
  if (i == in.size()) {
    // A bare date: DateTimeField.to_python falls back to midnight of that day.
  } else {
    if (in[i] != 'T' && in[i] != ' ') return "not a datetime";
    ++i;
    if (!read_digits(in, i, 1, 2, h) || i >= in.size() || in[i] != ':') return "not a datetime";
    ++i;
    if (!read_digits(in, i, 1, 2, mi)) return "not a datetime";
    if (i < in.size() && in[i] == ':') {
      ++i;
      if (!read_digits(in, i, 1, 2, s)) return "not a datetime";
      if (i < in.size() && (in[i] == '.' || in[i] == ',')) {
        ++i;
        // Up to six digits are the microseconds (padded right); up to six more
        // are read and dropped, as Django's regular expression does.
        int digits = 0;
        std::size_t start = i;
        if (!read_digits(in, i, 1, 6, us)) return "not a datetime";
        digits = static_cast<int>(i - start);
        for (; digits < 6; ++digits) us *= 10;
        int ignored;
        (void)read_digits(in, i, 0, 6, ignored);
      }
    }
    while (i < in.size() && (in[i] == ' ' || in[i] == '\t')) ++i;
    if (i < in.size()) {
      if (in[i] == 'Z') {
        ++i;
        naive = false;
      } else if (in[i] == '+' || in[i] == '-') {
        bool negative = in[i] == '-';
        ++i;
        int oh = 0, om = 0;
        if (!read_digits(in, i, 2, 2, oh)) return "bad time zone offset";
        bool colon = i < in.size() && in[i] == ':';
        if (colon) ++i;
        if ((colon || i < in.size()) && !read_digits(in, i, 2, 2, om)) return "bad time zone offset";
        offset_minutes = oh * 60 + om;
        // Python's timezone() takes offsets strictly within one day.
        if (offset_minutes >= 24 * 60) return "time zone offset out of range";
        if (negative) offset_minutes = -offset_minutes;
        naive = false;
      }
    }
    if (i != in.size()) return "not a datetime";
    if (h > 23 || mi > 59 || s > 59) return "no such time";
  }

  // Django's SQLite backend converts aware values to UTC and drops the offset.
  std::int64_t seconds = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s -
                         static_cast<std::int64_t>(offset_minutes) * 60;
  std::int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
  std::int64_t rem = seconds - days * 86400;
  civil_from_days(days, y, mo, d);
  if (y < 1 || y > 9999) return "datetime out of range in UTC";
  h = static_cast<int>(rem / 3600);
  mi = static_cast<int>(rem / 60 % 60);
  s = static_cast<int>(rem % 60);

  char buf[32];
  char* p = put_date(buf, y, mo, d);
  *p++ = ' ';
  p = put_digits(p, h, 2);
  *p++ = ':';
  p = put_digits(p, mi, 2);
  *p++ = ':';
  p = put_digits(p, s, 2);
  if (us != 0) {  // str(datetime) prints microseconds only when there are some
    *p++ = '.';
    p = put_digits(p, us, 6);
  }
  out.assign(buf, p);
  return nullptr;
}

bool parse_int64(std::string_view s, std::int64_t& out) {
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  if (i == s.size()) return false;
  // Accumulate negatively so INT64_MIN fits.
  std::int64_t v = 0;
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  for (; i < s.size(); ++i) {
    if (!is_digit(s[i])) return false;
    int digit = s[i] - '0';
    if (v < (kMin + digit) / 10) return false;
    v = v * 10 - digit;
  }
  if (!negative) {
    if (v == kMin) return false;
    v = -v;
  }
  out = v;
  return true;
}

bool is_decimal_literal(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++int_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++frac_digits;
  }
  if (int_digits + frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t exp_digits = 0;
    while (i < s.size() && is_digit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

}  // namespace redline::detail::dumpdata
