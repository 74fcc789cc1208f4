// Scanning pg_dump plain SQL: statement splitting, tokens, literals, COPY fields, UTF-8.
#include "core/load/pgdump_lex.hpp"

#include <cstring>

namespace redline::detail::pgdump {

namespace {

// Length of the well-formed UTF-8 sequence at p (1..4), or 0 when it is malformed
// or truncated at `n` bytes.
std::size_t utf8_seq(const unsigned char* p, std::size_t n) {
  unsigned char c = p[0];
  if (c < 0x80) return c == 0 ? 0 : 1;
  auto cont = [&](std::size_t i) { return i < n && (p[i] & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && p[1] < 0xA0) return 0;  // overlong
    if (c == 0xED && p[1] > 0x9F) return 0;  // UTF-16 surrogates
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && p[1] < 0x90) return 0;  // overlong
    if (c == 0xF4 && p[1] > 0x8F) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

// End of a (nested, as in PostgreSQL) /* comment */ starting at i, or npos.
std::size_t skip_block_comment(std::string_view in, std::size_t i) {
  const std::size_t n = in.size();
  std::size_t depth = 0;
  while (i < n) {
    if (in[i] == '/' && i + 1 < n && in[i + 1] == '*') {
      ++depth;
      i += 2;
    } else if (in[i] == '*' && i + 1 < n && in[i + 1] == '/') {
      i += 2;
      if (--depth == 0) return i;
    } else {
      ++i;
    }
  }
  return npos;
}

// End (one past the closing quote) of a '...' literal whose opening quote is at i,
// or npos when the input ends first.
std::size_t skip_single_quoted(std::string_view in, std::size_t i, std::size_t limit, bool backslash) {
  const char* d = in.data();
  std::size_t j = i + 1;
  for (;;) {
    if (j >= limit) return npos;
    if (!backslash) {
      const void* q = std::memchr(d + j, '\'', limit - j);
      if (!q) return npos;
      j = static_cast<std::size_t>(static_cast<const char*>(q) - d);
    } else {
      while (j < limit && d[j] != '\'' && d[j] != '\\') ++j;
      if (j >= limit) return npos;
      if (d[j] == '\\') {
        j += 2;
        continue;
      }
    }
    // d[j] is a quote: doubled means a literal quote.
    if (j + 1 < limit && d[j + 1] == '\'') {
      j += 2;
      continue;
    }
    return j + 1;
  }
}

std::size_t skip_double_quoted(std::string_view in, std::size_t i, std::size_t limit) {
  const char* d = in.data();
  std::size_t j = i + 1;
  for (;;) {
    if (j >= limit) return npos;
    const void* q = std::memchr(d + j, '"', limit - j);
    if (!q) return npos;
    j = static_cast<std::size_t>(static_cast<const char*>(q) - d);
    if (j + 1 < limit && d[j + 1] == '"') {
      j += 2;
      continue;
    }
    return j + 1;
  }
}

// If a dollar quote opens at i ($tag$), its tag length (including both $); else 0.
std::size_t dollar_tag(std::string_view in, std::size_t i, std::size_t limit) {
  std::size_t j = i + 1;
  if (j < limit && in[j] == '$') return 2;
  if (j >= limit || !is_ident_start(in[j])) return 0;
  while (j < limit && is_ident_char(in[j]) && in[j] != '$') ++j;
  if (j < limit && in[j] == '$') return j - i + 1;
  return 0;
}

// End of a dollar-quoted string whose opening tag (length tag_len) is at i, or npos.
std::size_t skip_dollar_quoted(std::string_view in, std::size_t i, std::size_t tag_len, std::size_t limit) {
  std::string_view tag = in.substr(i, tag_len);
  std::size_t close = in.substr(0, limit).find(tag, i + tag_len);
  return close == std::string_view::npos ? npos : close + tag_len;
}

// Whether the quote at i is an E'' string: preceded by E/e that is not the tail of
// a longer identifier (statement start at `start`).
bool e_prefix(std::string_view in, std::size_t i, std::size_t start) {
  if (i <= start) return false;
  char p = in[i - 1];
  if (p != 'E' && p != 'e') return false;
  return i - 1 == start || !is_ident_char(in[i - 2]);
}

bool is_op_char(char c) {
  switch (c) {
    case '+': case '-': case '*': case '/': case '<': case '>': case '=': case '~': case '!':
    case '@': case '#': case '%': case '^': case '&': case '|': case '`': case '?':
      return true;
    default:
      return false;
  }
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

int hex_val(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_octal(char c) { return c >= '0' && c <= '7'; }

char ascii_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

}  // namespace

std::size_t find_bad_utf8(const char* p, std::size_t n) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  std::size_t i = 0;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  while (i < n) {
    // Fast path: eight ASCII bytes with no NUL among them.
    if (i + 8 <= n) {
      std::uint64_t w;
      std::memcpy(&w, u + i, 8);
      if (((w & kHigh) | ((w - kOnes) & ~w & kHigh)) == 0) {
        i += 8;
        continue;
      }
    }
    std::size_t len = utf8_seq(u + i, n - i);
    if (len == 0) return i;
    i += len;
  }
  return npos;
}

Chunk next_chunk(std::string_view in, std::size_t pos, bool standard_strings) {
  const std::size_t n = in.size();
  const char* d = in.data();
  Chunk c;
  // Blanks and comments between statements.
  for (;;) {
    while (pos < n && is_space(d[pos])) ++pos;
    if (pos >= n) {
      c.kind = Chunk::Kind::Eof;
      c.begin = c.end = n;
      return c;
    }
    if (d[pos] == '-' && pos + 1 < n && d[pos + 1] == '-') {
      const void* nl = std::memchr(d + pos, '\n', n - pos);
      pos = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - d) + 1 : n;
      continue;
    }
    if (d[pos] == '/' && pos + 1 < n && d[pos + 1] == '*') {
      std::size_t e = skip_block_comment(in, pos);
      if (e == npos) {
        c.kind = Chunk::Kind::Error;
        c.error = "unterminated /* comment: the file ends inside it";
        c.begin = c.error_at = pos;
        return c;
      }
      pos = e;
      continue;
    }
    break;
  }
  c.begin = pos;
  if (d[pos] == '\\') {
    // A psql meta-command (\restrict, \connect, ...) runs to the end of its line.
    const void* nl = std::memchr(d + pos, '\n', n - pos);
    c.kind = Chunk::Kind::Meta;
    c.end = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - d) : n;
    if (c.end > pos && d[c.end - 1] == '\r') --c.end;
    return c;
  }

  // `at`: where the unclosed thing opens (the statement itself by default).
  auto truncated = [&](std::string what, std::size_t at = npos) {
    c.kind = Chunk::Kind::Error;
    c.error = std::move(what);
    c.error_at = at == npos ? pos : at;
    return c;
  };

  std::size_t i = pos;
  std::size_t depth = 0;  // psql ends a statement only at a ';' outside parentheses
  while (i < n) {
    char ch = d[i];
    switch (ch) {
      case ';':
        if (depth == 0) {
          c.kind = Chunk::Kind::Statement;
          c.end = i + 1;
          return c;
        }
        ++i;
        break;
      case '(':
        ++depth;
        ++i;
        break;
      case ')':
        if (depth > 0) --depth;
        ++i;
        break;
      case '\'': {
        bool bs = !standard_strings || e_prefix(in, i, pos);
        std::size_t e = skip_single_quoted(in, i, n, bs);
        if (e == npos) return truncated("the file ends inside a string literal that opens here: a quote is missing, or the file is truncated", i);
        i = e;
        break;
      }
      case '"': {
        std::size_t e = skip_double_quoted(in, i, n);
        if (e == npos) return truncated("the file ends inside a quoted identifier that opens here: a quote is missing, or the file is truncated", i);
        i = e;
        break;
      }
      case '$': {
        std::size_t tag = (i > pos && is_ident_char(d[i - 1])) ? 0 : dollar_tag(in, i, n);
        if (tag == 0) {
          ++i;
          break;
        }
        std::size_t e = skip_dollar_quoted(in, i, tag, n);
        if (e == npos) return truncated("the file ends inside a dollar-quoted string that opens here: its closing tag is missing, or the file is truncated", i);
        i = e;
        break;
      }
      case '-':
        if (i + 1 < n && d[i + 1] == '-') {
          const void* nl = std::memchr(d + i, '\n', n - i);
          i = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - d) + 1 : n;
        } else {
          ++i;
        }
        break;
      case '/':
        if (i + 1 < n && d[i + 1] == '*') {
          std::size_t e = skip_block_comment(in, i);
          if (e == npos) return truncated("the file ends inside a /* comment that opens here (truncated?)", i);
          i = e;
        } else {
          ++i;
        }
        break;
      default:
        ++i;
    }
  }
  return truncated("the file ends in the middle of a statement: no closing ';' (truncated?)");
}

bool Token::kw(std::string_view word) const {
  if (kind != Tok::Ident || text.size() != word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i)
    if (ascii_upper(text[i]) != ascii_upper(word[i])) return false;
  return true;
}

const Token& Lexer::peek() {
  if (!has_peek_) {
    peeked_ = scan();
    has_peek_ = true;
  }
  return peeked_;
}

Token Lexer::next() {
  if (has_peek_) {
    has_peek_ = false;
    return peeked_;
  }
  return scan();
}

Token Lexer::scan() {
  const char* d = in_.data();
  // Blanks and comments.
  for (;;) {
    while (pos_ < end_ && is_space(d[pos_])) ++pos_;
    if (pos_ + 1 < end_ && d[pos_] == '-' && d[pos_ + 1] == '-') {
      while (pos_ < end_ && d[pos_] != '\n') ++pos_;
      continue;
    }
    if (pos_ + 1 < end_ && d[pos_] == '/' && d[pos_ + 1] == '*') {
      std::size_t e = skip_block_comment(in_.substr(0, end_), pos_);
      pos_ = e == npos ? end_ : e;
      continue;
    }
    break;
  }
  Token t;
  t.offset = pos_;
  if (pos_ >= end_) {
    t.kind = Tok::End;
    return t;
  }
  const std::size_t start = pos_;
  char c = d[pos_];
  auto finish = [&](Tok k, std::size_t e) {
    t.kind = k;
    t.text = in_.substr(start, e - start);
    pos_ = e;
    return t;
  };
  auto bad = [&]() { return finish(Tok::Bad, end_); };

  // Prefixed strings: E'..', N'..', B'..', X'..'.
  if ((c == 'E' || c == 'e' || c == 'N' || c == 'n' || c == 'B' || c == 'b' || c == 'X' || c == 'x') &&
      pos_ + 1 < end_ && d[pos_ + 1] == '\'') {
    char p = ascii_upper(c);
    bool bs = p == 'E' || !standard_strings_;
    std::size_t e = skip_single_quoted(in_, pos_ + 1, end_, bs);
    if (e == npos) return bad();
    t.prefix = p;
    t.backslash_escapes = bs;
    return finish(Tok::String, e);
  }
  if (c == 'U' || c == 'u') {
    if (pos_ + 2 < end_ && d[pos_ + 1] == '&' && (d[pos_ + 2] == '\'' || d[pos_ + 2] == '"'))
      return bad();  // U&'' escapes: pg_dump never writes them
  }
  if (is_ident_start(c)) {
    std::size_t e = pos_ + 1;
    while (e < end_ && is_ident_char(d[e])) ++e;
    return finish(Tok::Ident, e);
  }
  if (c >= '0' && c <= '9') {
    std::size_t e = pos_;
    while (e < end_ && d[e] >= '0' && d[e] <= '9') ++e;
    if (e < end_ && d[e] == '.' && !(e + 1 < end_ && d[e + 1] == '.')) {
      ++e;
      while (e < end_ && d[e] >= '0' && d[e] <= '9') ++e;
    }
    if (e < end_ && (d[e] == 'e' || d[e] == 'E')) {
      std::size_t f = e + 1;
      if (f < end_ && (d[f] == '+' || d[f] == '-')) ++f;
      if (f < end_ && d[f] >= '0' && d[f] <= '9') {
        while (f < end_ && d[f] >= '0' && d[f] <= '9') ++f;
        e = f;
      }
    }
    return finish(Tok::Number, e);
  }
  if (c == '.' && pos_ + 1 < end_ && d[pos_ + 1] >= '0' && d[pos_ + 1] <= '9') {
    std::size_t e = pos_ + 1;
    while (e < end_ && d[e] >= '0' && d[e] <= '9') ++e;
    if (e < end_ && (d[e] == 'e' || d[e] == 'E')) {
      std::size_t f = e + 1;
      if (f < end_ && (d[f] == '+' || d[f] == '-')) ++f;
      if (f < end_ && d[f] >= '0' && d[f] <= '9') {
        while (f < end_ && d[f] >= '0' && d[f] <= '9') ++f;
        e = f;
      }
    }
    return finish(Tok::Number, e);
  }
  switch (c) {
    case '\'': {
      std::size_t e = skip_single_quoted(in_, pos_, end_, !standard_strings_);
      if (e == npos) return bad();
      t.backslash_escapes = !standard_strings_;
      return finish(Tok::String, e);
    }
    case '"': {
      std::size_t e = skip_double_quoted(in_, pos_, end_);
      if (e == npos) return bad();
      return finish(Tok::QuotedIdent, e);
    }
    case '$': {
      std::size_t tag = dollar_tag(in_, pos_, end_);
      if (tag) {
        std::size_t e = skip_dollar_quoted(in_, pos_, tag, end_);
        if (e == npos) return bad();
        t.prefix = '$';
        return finish(Tok::String, e);
      }
      std::size_t e = pos_ + 1;
      while (e < end_ && d[e] >= '0' && d[e] <= '9') ++e;
      return finish(e > pos_ + 1 ? Tok::Param : Tok::Bad, e);
    }
    case ':':
      if (pos_ + 1 < end_ && d[pos_ + 1] == ':') return finish(Tok::Punct, pos_ + 2);
      return finish(Tok::Punct, pos_ + 1);
    case '(': case ')': case '[': case ']': case ',': case ';': case '.':
      return finish(Tok::Punct, pos_ + 1);
    default:
      break;
  }
  if (is_op_char(c)) {
    std::size_t e = pos_ + 1;
    while (e < end_ && is_op_char(d[e])) {
      // A comment start ends the operator.
      if ((d[e] == '-' && e + 1 < end_ && d[e + 1] == '-') || (d[e] == '/' && e + 1 < end_ && d[e + 1] == '*')) break;
      ++e;
    }
    return finish(Tok::Op, e);
  }
  return finish(Tok::Bad, pos_ + 1);
}

std::string ident_value(const Token& t) {
  std::string out;
  if (t.kind == Tok::QuotedIdent) {
    std::string_view body = t.text.substr(1, t.text.size() - 2);
    out.reserve(body.size());
    for (std::size_t i = 0; i < body.size(); ++i) {
      out += body[i];
      if (body[i] == '"' && i + 1 < body.size() && body[i + 1] == '"') ++i;
    }
    return out;
  }
  out.assign(t.text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool decode_string(const Token& t, std::string& scratch, std::string_view& out, std::string& error) {
  std::string_view raw = t.text;
  if (t.prefix == '$') {
    std::size_t tag = raw.find('$', 1) + 1;
    out = raw.substr(tag, raw.size() - 2 * tag);
    return true;
  }
  if (t.prefix != 0) raw.remove_prefix(1);
  std::string_view body = raw.substr(1, raw.size() - 2);
  bool needs_work = body.find('\'') != std::string_view::npos ||
                    (t.backslash_escapes && body.find('\\') != std::string_view::npos);
  if (!needs_work) {
    out = body;
    return true;
  }
  scratch.clear();
  scratch.reserve(body.size());
  bool raw_bytes = false;  // an escape wrote a byte that must be checked as UTF-8
  for (std::size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == '\'') {  // doubled quote (the lexer guaranteed the pair)
      scratch += '\'';
      ++i;
      continue;
    }
    if (c != '\\' || !t.backslash_escapes) {
      scratch += c;
      continue;
    }
    if (i + 1 >= body.size()) {
      error = "string literal ends in a lone backslash";
      return false;
    }
    char e = body[++i];
    switch (e) {
      case 'b': scratch += '\b'; break;
      case 'f': scratch += '\f'; break;
      case 'n': scratch += '\n'; break;
      case 'r': scratch += '\r'; break;
      case 't': scratch += '\t'; break;
      case 'x': {
        int v = 0, digits = 0;
        while (digits < 2 && i + 1 < body.size() && hex_val(body[i + 1]) >= 0) {
          v = v * 16 + hex_val(body[++i]);
          ++digits;
        }
        if (digits == 0) {
          scratch += 'x';
        } else {
          scratch += static_cast<char>(v);
          raw_bytes = true;
        }
        break;
      }
      case 'u':
      case 'U': {
        int want = e == 'u' ? 4 : 8;
        std::uint32_t cp = 0;
        for (int k = 0; k < want; ++k) {
          if (i + 1 >= body.size() || hex_val(body[i + 1]) < 0) {
            error = "invalid Unicode escape in string literal";
            return false;
          }
          cp = cp * 16 + static_cast<std::uint32_t>(hex_val(body[++i]));
        }
        if (cp >= 0xD800 && cp <= 0xDBFF) {  // a UTF-16 surrogate pair spelled as two escapes
          if (i + 6 < body.size() && body[i + 1] == '\\' && body[i + 2] == 'u') {
            std::uint32_t lo = 0;
            bool ok = true;
            for (int k = 0; k < 4; ++k) {
              int h = hex_val(body[i + 3 + static_cast<std::size_t>(k)]);
              if (h < 0) ok = false;
              lo = lo * 16 + static_cast<std::uint32_t>(h < 0 ? 0 : h);
            }
            if (ok && lo >= 0xDC00 && lo <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
              i += 6;
            } else {
              error = "invalid Unicode surrogate pair in string literal";
              return false;
            }
          } else {
            error = "invalid Unicode surrogate pair in string literal";
            return false;
          }
        }
        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
          error = "invalid Unicode escape value in string literal";
          return false;
        }
        append_utf8(scratch, cp);
        break;
      }
      default:
        if (is_octal(e)) {
          int v = e - '0', digits = 1;
          while (digits < 3 && i + 1 < body.size() && is_octal(body[i + 1])) {
            v = v * 8 + (body[++i] - '0');
            ++digits;
          }
          scratch += static_cast<char>(v & 0xFF);
          raw_bytes = true;
        } else {
          scratch += e;  // \\, \', and any other escaped character stand for themselves
        }
    }
  }
  if (raw_bytes && find_bad_utf8(scratch.data(), scratch.size()) != npos) {
    error = "an escape in a string literal produces a NUL byte or invalid UTF-8";
    return false;
  }
  out = scratch;
  return true;
}

bool decode_copy_field(std::string_view raw, std::string& out, std::string& error) {
  out.clear();
  out.reserve(raw.size());
  bool raw_bytes = false;
  const std::size_t n = raw.size();
  std::size_t i = 0;
  while (i < n) {
    // Copy the run up to the next backslash in one go.
    const void* bs = std::memchr(raw.data() + i, '\\', n - i);
    std::size_t j = bs ? static_cast<std::size_t>(static_cast<const char*>(bs) - raw.data()) : n;
    out.append(raw.data() + i, j - i);
    if (j >= n) break;
    if (j + 1 >= n) {
      error = "COPY field ends in a lone backslash";
      return false;
    }
    char e = raw[j + 1];
    i = j + 2;
    switch (e) {
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case 'x': {
        int v = 0, digits = 0;
        while (digits < 2 && i < n && hex_val(raw[i]) >= 0) {
          v = v * 16 + hex_val(raw[i++]);
          ++digits;
        }
        if (digits == 0) {
          out += 'x';  // PostgreSQL reads a bare \x as 'x'
        } else {
          out += static_cast<char>(v);
          raw_bytes = true;
        }
        break;
      }
      default:
        if (is_octal(e)) {
          int v = e - '0', digits = 1;
          while (digits < 3 && i < n && is_octal(raw[i])) {
            v = v * 8 + (raw[i++] - '0');
            ++digits;
          }
          out += static_cast<char>(v & 0xFF);
          raw_bytes = true;
        } else {
          out += e;
        }
    }
  }
  if (raw_bytes && find_bad_utf8(out.data(), out.size()) != npos) {
    error = "an escape in a COPY field produces a NUL byte or invalid UTF-8";
    return false;
  }
  return true;
}

}  // namespace redline::detail::pgdump
