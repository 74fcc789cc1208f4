// The pg_dump loader's reading of one statement's tokens, shared by its parts (the
// driver in pgdump.cpp, DDL translation in pgdump_ddl.*, row writing in
// pgdump_rows.*): the input and where things are in it (line, byte, table, for
// errors that name them), the load summary's tallies, and the token-level pieces of
// SQL every part reads (names, lists, parenthesized groups, casts).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/load/pgdump_encoding.hpp"
#include "core/load/pgdump_lex.hpp"
#include "core/load/snapshot.hpp"
#include "core/result.hpp"

namespace redline::detail::pgdump {

// A possibly schema-qualified name, and where it starts.
struct QName {
  std::string schema;
  std::string name;
  std::size_t offset = 0;
};

std::string upper(std::string_view s);
// A token as an error message quotes it.
std::string describe_token(const Token& t);

// The input being loaded, shared by the parts of one load.
struct Source {
  Source(const std::vector<std::uint8_t>& bytes, const std::string& file_name, LoadSummary& load_summary)
      : in(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
        file_size(bytes.size()),
        name(file_name),
        summary(load_summary) {}

  std::string_view in;    // the input, UTF-8 (a conversion of the file past conv_at)
  std::size_t file_size;  // of the file as given
  const std::string& name;
  LoadSummary& summary;
  bool standard_strings = true;  // the session's standard_conforming_strings
  std::string err;               // scratch for decoding errors

  // A dump in a single-byte encoding: `in` is then `converted`, the file with
  // everything from byte conv_at on converted to UTF-8.
  const SingleByteEncoding* encoding = nullptr;
  std::string converted;
  std::size_t conv_at = 0;
};

// What every part of the loader reads statements with.
class Reader {
 public:
  explicit Reader(Source& src) : src_(src) {}

 protected:
  std::string_view in() const { return src_.in; }
  // ---- errors and tallies ----
  std::size_t line_of(std::size_t offset) const;
  // The byte offset in the file of `offset` in the input (they differ past a
  // single-byte encoding's conversion).
  std::size_t original_offset(std::size_t offset) const;
  std::string where(std::size_t offset, std::string_view table = {}) const;
  Error fail(std::string msg, std::size_t offset, std::string_view table = {},
             ErrorCode code = ErrorCode::BadInput) const;
  Error bad_bytes(std::size_t offset, std::string_view table = {}) const;
  std::string hex_byte(std::size_t offset) const;
  void skip(const std::string& kind) { ++src_.summary.skipped[kind]; }
  void warn(std::string w) { src_.summary.warnings.push_back(std::move(w)); }
  std::string line_ref(std::size_t offset) const { return "line " + std::to_string(line_of(offset)); }

  // ---- tokens ----
  Result<QName> qname(Lexer& lx, std::string_view what);
  Result<std::string> ident(Lexer& lx, std::string_view what);
  Result<std::vector<std::string>> ident_list(Lexer& lx, std::string_view what);
  Status expect_punct(Lexer& lx, char c, std::string_view what);
  Status skip_group(Lexer& lx);    // after '(' was consumed: to the matching ')'
  Status skip_element(Lexer& lx);  // to ',' or ')' at depth 0, or the end
  Status skip_cast_type(Lexer& lx);
  Result<QName> qname_in_string(const Token& t);

  Source& src_;
};

}  // namespace redline::detail::pgdump
