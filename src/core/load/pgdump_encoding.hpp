// Single-byte client encodings of pg_dump (-E LATIN1, WIN1252, LATIN9) as a table
// lookup to UTF-8: the pg_dump loader reads UTF-8, and a dump in one of these
// encodings is converted once, from the SET client_encoding that announces it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace redline::detail::pgdump {

// The code points of bytes 0x80..0xFF in one single-byte encoding (0: the byte is
// not a character in it). Bytes below 0x80 are ASCII in all of them.
struct SingleByteEncoding {
  const char* name;  // PostgreSQL's name: "LATIN1", "WIN1252", "LATIN9"
  const char16_t* high;
};

// The encoding PostgreSQL calls `name` (any case, PostgreSQL's aliases: ISO88591,
// ISO_8859_1, WIN1252, WINDOWS1252, CP1252, LATIN9, ISO885915, ...), or nullptr.
const SingleByteEncoding* single_byte_encoding(std::string_view name);

// Whether `name` is UTF-8 under one of PostgreSQL's names (or SQL_ASCII, which
// pg_dump uses for byte-transparent databases: taken as UTF-8, and checked as such).
bool is_utf8_encoding(std::string_view name);

// `in` converted to UTF-8 into `out`. False when a byte is not a character of the
// encoding; `bad_at` is then its offset in `in`.
bool single_byte_to_utf8(std::string_view in, const SingleByteEncoding& enc, std::string& out, std::size_t& bad_at);

}  // namespace redline::detail::pgdump
