// Byte-level scanning of pg_dump plain SQL for the pg_dump loader: splitting the
// input into statements and psql meta-commands, tokenizing one statement, decoding
// string literals and COPY text-format fields, and checking UTF-8. Everything works
// on views into the caller's buffer; scratch output goes into caller-owned strings
// that are reused, so scanning allocates nothing per byte or per value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace redline::detail::pgdump {

inline constexpr std::size_t npos = static_cast<std::size_t>(-1);

// Offset of the first byte in [p, p+n) that is NUL or not part of well-formed UTF-8
// (overlong forms, surrogates and code points above U+10FFFF are rejected, as
// PostgreSQL's UTF8 encoding does), or npos when all is well.
std::size_t find_bad_utf8(const char* p, std::size_t n);

inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
// Bytes that may continue an identifier (non-ASCII bytes count, as in PostgreSQL).
inline bool is_ident_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' ||
         u == '$' || u >= 0x80;
}
inline bool is_ident_start(char c) {
  auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u == '_' || u >= 0x80;
}

// One piece of the input, as psql would split it.
struct Chunk {
  enum class Kind { Eof, Meta, Statement, Error };
  Kind kind = Kind::Eof;
  std::size_t begin = 0;  // first byte after leading blanks and comments (Error: of the statement)
  std::size_t end = 0;    // Statement: one past its ';'; Meta: end of its line (before '\n')
  std::string error;      // Kind::Error: what went wrong ...
  std::size_t error_at = 0;  // ... and where (byte offset)
};

// The statement or meta-command that starts at or after `pos`. A statement ends at
// a ';' outside quotes, comments and parentheses (psql's rule); when the input ends
// first, the result is an Error ("truncated"). `standard_strings` is the session's
// standard_conforming_strings: when off, backslashes escape in every '...' string.
Chunk next_chunk(std::string_view in, std::size_t pos, bool standard_strings);

enum class Tok {
  End,          // end of the statement
  Ident,        // unquoted identifier or keyword
  QuotedIdent,  // "..."
  String,       // '...', E'...', N'...', B'...', X'...', $tag$...$tag$
  Number,       // 12, 1.5, .5, 1e-3 (unsigned: a sign is an Op token)
  Punct,        // ( ) [ ] , ; . : and ::
  Op,           // operator characters (+ - * / < > = ~ ! @ # % ^ & | ` ?)
  Param,        // $1
  Bad,          // something the lexer cannot read (e.g. an unterminated string)
};

struct Token {
  Tok kind = Tok::End;
  std::string_view text;      // the raw bytes, quotes and prefix included
  std::size_t offset = 0;     // of text.data() from the start of the input
  char prefix = 0;            // String: 'E', 'N', 'B', 'X', '$' (dollar-quoted) or 0
  bool backslash_escapes = false;  // String: backslash escapes apply (E'', or scs off)

  bool is(Tok k, std::string_view t) const { return kind == k && text == t; }
  bool punct(char c) const { return kind == Tok::Punct && text.size() == 1 && text[0] == c; }
  // A keyword match: an unquoted identifier equal to `word` (ASCII, case-insensitive).
  bool kw(std::string_view word) const;
};

// Tokens of one statement: [begin, end) of `in`. Offsets stay relative to `in`, so
// error messages can point into the file.
class Lexer {
 public:
  Lexer(std::string_view in, std::size_t begin, std::size_t end, bool standard_strings)
      : in_(in), pos_(begin), end_(end), standard_strings_(standard_strings) {}

  Token next();
  const Token& peek();
  std::size_t pos() const { return has_peek_ ? peeked_.offset : pos_; }
  std::size_t end() const { return end_; }

 private:
  Token scan();
  std::string_view in_;
  std::size_t pos_;
  std::size_t end_;
  bool standard_strings_;
  bool has_peek_ = false;
  Token peeked_;
};

// The value of an identifier token: unquoted ones folded to lower case (ASCII only,
// as PostgreSQL does for the bytes pg_dump writes), quoted ones with "" undoubled.
std::string ident_value(const Token& t);

// Decode a String token. Returns the text in `out`, which is either a view into the
// input (no escapes to undo) or into `scratch`. On failure returns false and sets
// `error` (e.g. invalid escape, invalid UTF-8 produced by an escape).
bool decode_string(const Token& t, std::string& scratch, std::string_view& out, std::string& error);

// Decode one COPY text-format field (already split on unescaped tabs; not "\N"):
// \b \f \n \r \t \v, \\, octal \N..\NNN, hex \xH / \xHH, and \c for any other c.
// Returns false with `error` set when the field ends in a lone backslash or when an
// escape produces a NUL byte or invalid UTF-8.
bool decode_copy_field(std::string_view raw, std::string& out, std::string& error);

}  // namespace redline::detail::pgdump
