// Token-level reading and located errors shared by the pg_dump loader's parts (see
// pgdump_parse.hpp).
#include "core/load/pgdump_parse.hpp"

#include <algorithm>

namespace redline::detail::pgdump {

std::string upper(std::string_view s) {
  std::string o(s);
  for (char& c : o)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return o;
}

std::string describe_token(const Token& t) {
  if (t.kind == Tok::End) return "the end of the statement";
  std::string s(t.text.substr(0, 40));
  if (t.kind == Tok::String) return s + (t.text.size() > 40 ? "..." : "");  // already quoted
  return "'" + s + (t.text.size() > 40 ? "...'" : "'");
}

// ---- errors ----

std::size_t Reader::line_of(std::size_t offset) const {
  offset = std::min(offset, in().size());
  return 1 + static_cast<std::size_t>(std::count(in().begin(), in().begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

std::string Reader::where(std::size_t offset, std::string_view table) const {
  std::string ctx = src_.name + ", format: pgdump, line " + std::to_string(line_of(offset)) + ", byte " +
                    std::to_string(original_offset(offset));
  if (!table.empty()) ctx += ", table " + std::string(table);
  return ctx;
}

Error Reader::fail(std::string msg, std::size_t offset, std::string_view table, ErrorCode code) const {
  return make_error(code, std::move(msg), where(offset, table));
}

Error Reader::bad_bytes(std::size_t offset, std::string_view table) const {
  bool nul = offset < in().size() && in()[offset] == '\0';
  return fail(nul ? "NUL byte in the file: PostgreSQL text never contains one (binary or corrupt file?)"
                  : "invalid UTF-8 in the file (byte 0x" + hex_byte(offset) + "): the dump must be UTF-8" +
                        (src_.encoding ? std::string(" (or the ") + src_.encoding->name + " its SET client_encoding names)" : ""),
              offset, table);
}

std::string Reader::hex_byte(std::size_t offset) const {
  static const char* kHex = "0123456789abcdef";
  auto u = static_cast<unsigned char>(in()[offset]);
  return std::string{kHex[u >> 4], kHex[u & 15]};
}

// ---- tokens ----

Result<std::string> Reader::ident(Lexer& lx, std::string_view what) {
  Token t = lx.next();
  if (t.kind != Tok::Ident && t.kind != Tok::QuotedIdent)
    return fail("expected " + std::string(what) + ", found " + describe_token(t), t.offset);
  return pgdump::ident_value(t);
}

Result<QName> Reader::qname(Lexer& lx, std::string_view what) {
  QName q;
  q.offset = lx.peek().offset;
  auto a = ident(lx, what);
  if (!a) return a.error();
  q.name = std::move(*a);
  while (lx.peek().punct('.')) {
    lx.next();
    auto b = ident(lx, what);
    if (!b) return b.error();
    q.schema = std::move(q.name);
    q.name = std::move(*b);
  }
  return q;
}

Result<QName> Reader::qname_in_string(const Token& t) {
  std::string scratch;
  std::string_view text;
  if (t.kind != Tok::String || !pgdump::decode_string(t, scratch, text, src_.err))
    return fail("expected a quoted name, found " + describe_token(t), t.offset);
  std::string copy(text);
  Lexer lx(copy, 0, copy.size(), true);
  auto q = qname(lx, "a name");
  if (!q || lx.peek().kind != Tok::End) return fail("cannot read the name " + describe_token(t), t.offset);
  return q;
}

Status Reader::expect_punct(Lexer& lx, char c, std::string_view what) {
  Token t = lx.next();
  if (!t.punct(c))
    return fail("expected '" + std::string(1, c) + "' " + std::string(what) + ", found " + describe_token(t), t.offset);
  return ok_status();
}

Result<std::vector<std::string>> Reader::ident_list(Lexer& lx, std::string_view what) {
  REDLINE_TRY(expect_punct(lx, '(', what));
  std::vector<std::string> out;
  for (;;) {
    auto n = ident(lx, "a column name");
    if (!n) return n.error();
    out.push_back(std::move(*n));
    Token t = lx.next();
    if (t.punct(')')) break;
    if (!t.punct(',')) return fail("expected ',' or ')' in " + std::string(what) + ", found " + describe_token(t), t.offset);
  }
  return out;
}

Status Reader::skip_group(Lexer& lx) {
  std::size_t depth = 1;
  for (;;) {
    Token t = lx.next();
    if (t.kind == Tok::End) return fail("unbalanced parentheses", t.offset);
    if (t.kind == Tok::Bad) return fail("cannot read " + describe_token(t), t.offset);
    if (t.punct('(')) ++depth;
    if (t.punct(')') && --depth == 0) return ok_status();
  }
}

Status Reader::skip_element(Lexer& lx) {
  for (;;) {
    const Token& t = lx.peek();
    if (t.kind == Tok::End || t.punct(',') || t.punct(')')) return ok_status();
    if (t.kind == Tok::Bad) return fail("cannot read " + describe_token(t), t.offset);
    Token u = lx.next();
    if (u.punct('(')) REDLINE_TRY(skip_group(lx));
  }
}

Status Reader::skip_cast_type(Lexer& lx) {
  bool any = false;
  for (;;) {
    const Token& t = lx.peek();
    if (t.kind == Tok::Ident || t.kind == Tok::QuotedIdent || t.punct('.')) {
      lx.next();
      any = true;
    } else if (t.punct('(') && any) {
      lx.next();
      REDLINE_TRY(skip_group(lx));
    } else if (t.punct('[') && any) {
      lx.next();
      Token c = lx.next();
      if (!c.punct(']')) {
        if (c.kind != Tok::Number || !lx.next().punct(']')) return fail("cannot read the cast type", c.offset);
      }
    } else {
      break;
    }
  }
  if (!any) return fail("expected a type after '::'", lx.pos());
  return ok_status();
}

std::size_t Reader::original_offset(std::size_t offset) const {
  if (!src_.encoding || offset <= src_.conv_at) return offset;
  // Each byte of the file became one character: count the continuation bytes.
  offset = std::min(offset, in().size());
  std::size_t extra = 0;
  for (std::size_t i = src_.conv_at; i < offset; ++i)
    if ((static_cast<unsigned char>(in()[i]) & 0xC0) == 0x80) ++extra;
  return offset - extra;
}

}  // namespace redline::detail::pgdump
