#include "app/fonts.hpp"

#include <cstdint>
#include <cstdio>
#include <fstream>

namespace redline::app {

namespace {

constexpr const char* kUiFontPath = "/fonts/ui.ttf";            // DejaVuSans.ttf, embedded at link time
// Merged into the UI font in this order, for the data's characters DejaVu lacks (a
// glyph of an earlier font wins). Embedded by cmake/wasm_app.cmake and
// cmake/fonts.cmake (those four cut to their scripts' blocks at build time).
struct MergedFont {
  const char* path;
  const char* covers;
};
constexpr MergedFont kMergedFonts[] = {
    {"/fonts/ui-fallback.ttf", "CJK"},          // DroidSansFallbackFull.ttf
    {"/fonts/hangul.ttf", "Hangul"},            // Nanum Gothic
    {"/fonts/devanagari.ttf", "Devanagari"},    // Lohit Devanagari
    {"/fonts/symbols.ttf", "emoji and symbols"},  // Symbola (monochrome)
    {"/fonts/cjk-ext.otf", "CJK beyond the BMP"},  // Noto Sans CJK JP, Extension B on
};

// Characters that are drawn as nothing (zero width joiner and non-joiner, variation
// selectors such as the emoji selector U+FE0F, word joiner, BOM): in the data they
// come with emoji and Indic text, and no font draws them, so the atlas gets an empty
// glyph of no width for each the data uses rather than a '?' box.
bool invisible(char32_t c) {
  return (c >= 0x200B && c <= 0x200F) || (c >= 0x2060 && c <= 0x2064) || (c >= 0xFE00 && c <= 0xFE0F) ||
         c == 0xFEFF || (c >= 0xE0100 && c <= 0xE01EF);
}

// What the UI itself writes and what European names need, whatever the data.
const ImWchar kFixedRanges[] = {
    0x0020, 0x00FF,  // Basic Latin, Latin-1
    0x0100, 0x024F,  // Latin Extended-A and -B (Polish, Czech, Turkish, ...)
    0x0300, 0x036F,  // combining diacritical marks (decomposed Vietnamese)
    0x0370, 0x03FF,  // Greek
    0x0400, 0x04FF,  // Cyrillic
    0x1E00, 0x1EFF,  // Latin Extended Additional (precomposed Vietnamese)
    0x2000, 0x206F,  // general punctuation (dashes, quotes, ellipsis)
    0x2190, 0x21FF,  // arrows (before -> after)
    0,
};

// A font's line height in ems, (hhea ascent - descent) / head unitsPerEm, read from
// the file's tables (0 when unreadable). ImGui sizes a font by that line height, so a
// font with tall ascenders (Lohit Devanagari: 1.6 em, Noto CJK: 1.45 em) would draw
// its letters far smaller than DejaVu's (1.16 em) at the same pixel size; merged fonts
// are sized to the same em as the UI font instead.
float line_height_em(const char* path) {
  std::ifstream in(path, std::ios::binary);
  auto u16 = [&in](std::uint32_t at) -> std::uint32_t {
    unsigned char b[2] = {0, 0};
    in.seekg(at);
    in.read(reinterpret_cast<char*>(b), 2);
    return in ? (static_cast<std::uint32_t>(b[0]) << 8) | b[1] : 0;
  };
  auto u32 = [&u16](std::uint32_t at) { return (u16(at) << 16) | u16(at + 2); };
  if (!in) return 0;
  const std::uint32_t tables = u16(4);
  std::uint32_t head = 0, hhea = 0;
  for (std::uint32_t i = 0; i < tables && i < 64; ++i) {
    const std::uint32_t rec = 12 + 16 * i;
    const std::uint32_t tag = u32(rec);
    if (tag == 0x68656164) head = u32(rec + 8);  // 'head'
    if (tag == 0x68686561) hhea = u32(rec + 8);  // 'hhea'
  }
  if (!head || !hhea) return 0;
  const auto upm = static_cast<float>(u16(head + 18));
  const auto ascent = static_cast<float>(static_cast<std::int16_t>(u16(hhea + 4)));
  const auto descent = static_cast<float>(static_cast<std::int16_t>(u16(hhea + 6)));
  return upm > 0 ? (ascent - descent) / upm : 0;
}

void add_chars(ImFontGlyphRangesBuilder& b, const std::vector<char32_t>& chars) {
  for (char32_t c : chars)
    if (c <= IM_UNICODE_CODEPOINT_MAX) b.AddChar(static_cast<ImWchar>(c));
}

}  // namespace

void build_ui_font(ImFontAtlas* atlas, float pixels, const std::vector<char32_t>& chars, UiFont& out) {
  atlas->Clear();
  out.missing.clear();
  {
    ImFontGlyphRangesBuilder b;
    b.AddRanges(kFixedRanges);
    add_chars(b, chars);
    out.primary_ranges.clear();
    b.BuildRanges(&out.primary_ranges);
  }
  {
    ImFontGlyphRangesBuilder b;
    add_chars(b, chars);
    out.fallback_ranges.clear();
    b.BuildRanges(&out.fallback_ranges);
  }
  ImFontConfig cfg;
  cfg.OversampleH = 2;
  cfg.OversampleV = 1;
  ImFont* font = atlas->AddFontFromFileTTF(kUiFontPath, pixels, &cfg, out.primary_ranges.Data);
  out.fallback_loaded = false;
  if (!font) {
    // Only a broken build lacks the font; ImGui's own font keeps the page usable.
    ImFontConfig fallback;
    fallback.SizePixels = pixels;
    font = atlas->AddFontDefault(&fallback);
  } else if (out.fallback_ranges.Size > 1) {
    // Merged: DejaVu's glyphs win where both fonts have one (ImGui keeps the first).
    ImFontConfig merge;
    merge.MergeMode = true;
    merge.OversampleH = 1;  // CJK glyphs are dense enough without it; halves their area
    merge.OversampleV = 1;
    const float ui_em = line_height_em(kUiFontPath);
    for (const MergedFont& m : kMergedFonts) {
      const float em = line_height_em(m.path);
      const float size = ui_em > 0 && em > 0 ? pixels * em / ui_em : pixels;
      const bool loaded = atlas->AddFontFromFileTTF(m.path, size, &merge, out.fallback_ranges.Data) != nullptr;
      if (m.path == kMergedFonts[0].path) out.fallback_loaded = loaded;
      if (!loaded) std::fprintf(stderr, "redline: %s missing: %s text shows as '?'\n", m.path, m.covers);
    }
    for (char32_t c : chars) {
      if (invisible(c)) atlas->AddCustomRectFontGlyph(font, static_cast<ImWchar>(c), 1, 1, 0.0f);
    }
  }
  atlas->Build();
  out.tex_width = atlas->TexWidth;
  out.tex_height = atlas->TexHeight;
  out.glyphs = font ? font->Glyphs.Size : 0;
  for (char32_t c : chars) {
    if (c > IM_UNICODE_CODEPOINT_MAX || !font || !font->FindGlyphNoFallback(static_cast<ImWchar>(c))) out.missing.push_back(c);
  }
}

std::string to_utf8(const std::vector<char32_t>& chars) {
  std::string s;
  for (char32_t c : chars) {
    if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) c = 0xFFFD;
    if (c < 0x80) {
      s += static_cast<char>(c);
    } else if (c < 0x800) {
      s += static_cast<char>(0xC0 | (c >> 6));
      s += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      s += static_cast<char>(0xE0 | (c >> 12));
      s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      s += static_cast<char>(0xF0 | (c >> 18));
      s += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return s;
}

}  // namespace redline::app

#include <nlohmann/json.hpp>

#include "app/app.hpp"

namespace redline::app {

bool App::fonts_need_rebuild() {
  if (!fonts_stale()) return false;
  const ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  const ImFont* font = atlas->Fonts.Size > 0 ? atlas->Fonts[0] : nullptr;
  if (!font || !atlas->IsBuilt()) return true;
  for (char32_t c : session_.text_chars())
    if (c > IM_UNICODE_CODEPOINT_MAX || !font->FindGlyphNoFallback(static_cast<ImWchar>(c))) return true;
  font_chars_generation_ = session_.text_chars_generation();
  font_.missing.clear();
  return false;
}

std::string App::font_json() const {
  nlohmann::json j;
  j["chars"] = to_utf8(session_.text_chars());
  j["missing"] = to_utf8(font_.missing);
  j["glyphs"] = font_.glyphs;
  j["texture"] = {font_.tex_width, font_.tex_height};
  j["fallback_loaded"] = font_.fallback_loaded;
  j["stale"] = fonts_stale();
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace redline::app
