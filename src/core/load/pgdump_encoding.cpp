// Tables of the single-byte encodings pg_dump can write (see pgdump_encoding.hpp).
// The code points are those of the Unicode mapping files for ISO-8859-1,
// ISO-8859-15 and Windows code page 1252, which PostgreSQL's conversions follow.
#include "core/load/pgdump_encoding.hpp"

#include <array>

namespace redline::detail::pgdump {

namespace {

// ISO-8859-1: every byte is the code point of the same number.
constexpr std::array<char16_t, 128> latin1_high() {
  std::array<char16_t, 128> t{};
  for (int i = 0; i < 128; ++i) t[static_cast<std::size_t>(i)] = static_cast<char16_t>(0x80 + i);
  return t;
}

constexpr std::array<char16_t, 128> kLatin1 = latin1_high();

// ISO-8859-15: ISO-8859-1 with eight letters and the euro sign in place of symbols.
constexpr std::array<char16_t, 128> latin9_high() {
  std::array<char16_t, 128> t = latin1_high();
  t[0xA4 - 0x80] = 0x20AC;
  t[0xA6 - 0x80] = 0x0160;
  t[0xA8 - 0x80] = 0x0161;
  t[0xB4 - 0x80] = 0x017D;
  t[0xB8 - 0x80] = 0x017E;
  t[0xBC - 0x80] = 0x0152;
  t[0xBD - 0x80] = 0x0153;
  t[0xBE - 0x80] = 0x0178;
  return t;
}
constexpr std::array<char16_t, 128> kLatin9 = latin9_high();

// Windows-1252: ISO-8859-1 with printable characters in 0x80..0x9F, five of which
// are not assigned (0x81, 0x8D, 0x8F, 0x90, 0x9D: PostgreSQL refuses them too).
constexpr std::array<char16_t, 128> win1252_high() {
  std::array<char16_t, 128> t = latin1_high();
  constexpr char16_t c1[32] = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                               0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                               0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                               0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};
  for (int i = 0; i < 32; ++i) t[static_cast<std::size_t>(i)] = c1[i];
  return t;
}
constexpr std::array<char16_t, 128> kWin1252 = win1252_high();

constexpr SingleByteEncoding kEncodings[] = {
    {"LATIN1", kLatin1.data()},
    {"LATIN9", kLatin9.data()},
    {"WIN1252", kWin1252.data()},
};

// PostgreSQL compares encoding names ignoring case and non-alphanumerics.
std::string squeeze(std::string_view name) {
  std::string s;
  for (char c : name) {
    if (c >= 'a' && c <= 'z') s += static_cast<char>(c - 'a' + 'A');
    else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) s += c;
  }
  return s;
}

}  // namespace

const SingleByteEncoding* single_byte_encoding(std::string_view name) {
  const std::string s = squeeze(name);
  if (s == "LATIN1" || s == "ISO88591" || s == "L1") return &kEncodings[0];
  if (s == "LATIN9" || s == "ISO885915" || s == "L9") return &kEncodings[1];
  if (s == "WIN1252" || s == "WINDOWS1252" || s == "CP1252") return &kEncodings[2];
  return nullptr;
}

bool is_utf8_encoding(std::string_view name) {
  const std::string s = squeeze(name);
  return s == "UTF8" || s == "UNICODE" || s == "SQLASCII";
}

bool single_byte_to_utf8(std::string_view in, const SingleByteEncoding& enc, std::string& out, std::size_t& bad_at) {
  out.clear();
  out.reserve(in.size() + in.size() / 8);
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto u = static_cast<unsigned char>(in[i]);
    if (u < 0x80) {
      out += static_cast<char>(u);
      continue;
    }
    const char16_t cp = enc.high[u - 0x80];
    if (cp == 0) {
      bad_at = i;
      return false;
    }
    if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
    } else {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    }
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return true;
}

}  // namespace redline::detail::pgdump
