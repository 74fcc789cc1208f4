#include "app/fonts.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "core/job.hpp"

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

// New glyphs are rasterized this many characters at a time (one small atlas each),
// so a slice ends soon after its budget.
constexpr std::size_t kChunkChars = 16;
// The atlas grows by doubling its height up to this many rows; past it the whole
// atlas is built again (ImGui then picks a wider texture). WebGL2 promises only 2048
// (ImGui's whole build does not ask either; at pixel ratio 2 its atlas of the fixed
// ranges has 2048 rows already); desktop GPUs and SwiftShader take 8192 or more.
constexpr int kMaxTexHeight = 4096;

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
float line_height_em(const std::vector<unsigned char>& file) {
  auto u16 = [&file](std::uint32_t at) -> std::uint32_t {
    return at + 2 <= file.size() ? (static_cast<std::uint32_t>(file[at]) << 8) | file[at + 1] : 0;
  };
  auto u32 = [&u16](std::uint32_t at) { return (u16(at) << 16) | u16(at + 2); };
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

// `chars` (sorted) as ImGui's glyph ranges: pairs of first and last, then 0. (What
// ImFontGlyphRangesBuilder gives, without its walk over every code point.)
ImVector<ImWchar> ranges_of(const std::vector<char32_t>& chars) {
  ImVector<ImWchar> r;
  for (char32_t c : chars) {
    if (c > IM_UNICODE_CODEPOINT_MAX || c == 0) continue;
    const auto w = static_cast<ImWchar>(c);
    if (r.Size > 0 && (r.back() == w || r.back() + 1 == w)) {
      r.back() = w;
    } else {
      r.push_back(w);
      r.push_back(w);
    }
  }
  r.push_back(0);
  return r;
}

// Adds the font in `bytes` to `atlas` without a copy of them (ImGui copies the bytes
// of a font it does not own, 8 MB for all of ours, at every build): the atlas is
// given them as its own, then told they are not, so it never frees them.
ImFont* add_font(ImFontAtlas* atlas, const std::vector<unsigned char>& bytes, float pixels, ImFontConfig cfg,
                 const ImWchar* ranges) {
  cfg.FontDataOwnedByAtlas = true;
  ImFont* font = atlas->AddFontFromMemoryTTF(const_cast<unsigned char*>(bytes.data()), static_cast<int>(bytes.size()), pixels,
                                             &cfg, ranges);
  atlas->ConfigData.back().FontDataOwnedByAtlas = false;
  return font;
}

void insert_sorted(std::vector<char32_t>& set, char32_t c) {
  const auto at = std::lower_bound(set.begin(), set.end(), c);
  if (at == set.end() || *at != c) set.insert(at, c);
}

bool contains(const std::vector<char32_t>& set, char32_t c) { return std::binary_search(set.begin(), set.end(), c); }

}  // namespace

// One font file of the UI font, read once, a piece at a time, and kept: every atlas
// built from it points at these bytes instead of a fresh copy of the file. (Reading
// the merged fonts, 7 MB, took 150 ms at a load of 10: a slice reads what its budget
// allows.)
struct UiFont::Source {
  const char* path;
  const char* covers;
  std::vector<unsigned char> bytes;  // the file (empty when missing)
  std::size_t done = 0;              // bytes of it read so far
  bool opened = false;
  float line_height_em = 0;

  bool read() const { return opened && done == bytes.size(); }
  // Reads up to `n` more bytes of the file.
  void read_piece(std::size_t n) {
    std::FILE* f = std::fopen(path, "rb");
    long size = 0;
    if (f && !opened) {
      size = std::fseek(f, 0, SEEK_END) == 0 ? std::ftell(f) : -1;
      if (size > 0) bytes.resize(static_cast<std::size_t>(size));
    }
    opened = true;
    std::size_t got = 0;
    if (f && size >= 0 && std::fseek(f, static_cast<long>(done), SEEK_SET) == 0)
      got = std::fread(bytes.data() + done, 1, std::min(n, bytes.size() - done), f);
    if (f) std::fclose(f);
    done += got;
    if (!f || size < 0 || (got == 0 && done < bytes.size())) {
      bytes.clear();
      done = 0;
      std::fprintf(stderr, "redline: %s missing: %s text shows as '?'\n", path, covers);
    }
    if (read()) line_height_em = redline::app::line_height_em(bytes);
  }
};

// A glyph rasterized into the atlas' pixels, not yet in the font: where its bitmap is
// (texels) and its quad and advance as ImGui laid it out.
struct UiFont::Staged {
  ImWchar codepoint;
  float x0, y0, x1, y1, advance;
  int x, y, w, h;
};

UiFont::UiFont() = default;
UiFont::~UiFont() = default;

bool UiFont::read_sources(bool merged, double budget_ms) {
  constexpr std::size_t kPiece = 256 * 1024;
  const auto start = std::chrono::steady_clock::now();
  if (sources_.empty()) {
    sources_.push_back({kUiFontPath, "the UI", {}});
    for (const MergedFont& m : kMergedFonts) sources_.push_back({m.path, m.covers, {}});
  }
  // The merged fonts only once the data brings characters beyond the fixed ranges.
  const std::size_t n = merged ? sources_.size() : 1;
  for (std::size_t i = 0; i < n; ++i) {
    while (!sources_[i].read()) {
      if (ms_since(start) >= budget_ms) return false;
      sources_[i].read_piece(kPiece);
    }
  }
  return true;
}

void UiFont::build(ImFontAtlas* atlas, float pixels, const std::vector<char32_t>& chars) {
  pixels_ = pixels;
  staged_.clear();
  tried_.clear();
  invisible_.clear();
  adding_ = false;
  atlas->Clear();
  {
    ImFontGlyphRangesBuilder b;
    b.AddRanges(kFixedRanges);
    add_chars(b, chars);
    primary_ranges_.clear();
    b.BuildRanges(&primary_ranges_);
  }
  {
    ImFontGlyphRangesBuilder b;
    add_chars(b, chars);
    fallback_ranges_.clear();
    b.BuildRanges(&fallback_ranges_);
  }
  ImFont* font = add_fonts(atlas, primary_ranges_, fallback_ranges_, chars);
  if (fallback_ranges_.Size > 1 && !sources_[0].bytes.empty())
    for (char32_t c : chars)
      if (invisible(c)) insert_sorted(invisible_, c);
  atlas->Build();
  unsigned char* pixels_a8 = nullptr;
  int w = 0, h = 0;
  atlas->GetTexDataAsAlpha8(&pixels_a8, &w, &h);
  tex_.assign(pixels_a8, pixels_a8 + static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
  // The pixels are kept here (new glyphs are added to them): ImGui needs only its
  // glyph table.
  atlas->ClearTexData();
  tex_width_ = w;
  tex_height_ = h;
  // The rows below the last glyph or custom rectangle are free for new glyphs.
  int used = 0;
  for (const ImFontAtlasCustomRect& r : atlas->CustomRects)
    if (r.IsPacked()) used = std::max(used, r.Y + r.Height);
  if (font)
    for (const ImFontGlyph& g : font->Glyphs) used = std::max(used, static_cast<int>(std::ceil(g.V1 * static_cast<float>(h))));
  shelf_x_ = 0;
  shelf_y_ = used + atlas->TexGlyphPadding;
  shelf_h_ = 0;
  dirty_y0_ = 0;
  dirty_y1_ = h;
  rasterized_ = font ? font->Glyphs.Size : 0;
  finish(atlas, chars);
}

// Adds the UI font to `atlas` for `primary` and, when `merged` has any, the merged
// fonts (sized to the UI font's em) for `merged` and an empty glyph for each invisible
// character of `chars`. The fonts' bytes stay ours (FontDataOwnedByAtlas = false).
ImFont* UiFont::add_fonts(ImFontAtlas* atlas, const ImVector<ImWchar>& primary, const ImVector<ImWchar>& merged,
                          const std::vector<char32_t>& chars) {
  read_sources(merged.Size > 1, HUGE_VAL);
  const Source& ui = sources_[0];
  ImFontConfig cfg;
  cfg.OversampleH = 2;
  cfg.OversampleV = 1;
  ImFont* font = ui.bytes.empty() ? nullptr : add_font(atlas, ui.bytes, pixels_, cfg, primary.Data);
  fallback_loaded_ = false;
  if (!font) {
    // Only a broken build lacks the font; ImGui's own font keeps the page usable.
    ImFontConfig fallback;
    fallback.SizePixels = pixels_;
    font = atlas->AddFontDefault(&fallback);
  } else if (merged.Size > 1) {
    // Merged: DejaVu's glyphs win where both fonts have one (ImGui keeps the first).
    ImFontConfig merge;
    merge.MergeMode = true;
    merge.OversampleH = 1;  // CJK glyphs are dense enough without it; halves their area
    merge.OversampleV = 1;
    for (std::size_t i = 1; i < sources_.size(); ++i) {
      const Source& m = sources_[i];
      if (m.bytes.empty()) continue;  // missing
      const float size = ui.line_height_em > 0 && m.line_height_em > 0 ? pixels_ * m.line_height_em / ui.line_height_em : pixels_;
      const bool loaded = add_font(atlas, m.bytes, size, merge, merged.Data) != nullptr;
      if (i == 1) fallback_loaded_ = loaded;
    }
    for (char32_t c : chars) {
      if (invisible(c) && c <= IM_UNICODE_CODEPOINT_MAX) atlas->AddCustomRectFontGlyph(font, static_cast<ImWchar>(c), 1, 1, 0.0f);
    }
  }
  return font;
}

bool UiFont::add(ImFontAtlas* atlas, const std::vector<char32_t>& chars, double budget_ms) {
  const auto start = std::chrono::steady_clock::now();
  ImFont* font = atlas->Fonts.Size > 0 ? atlas->Fonts[0] : nullptr;
  if (!font || sources_.empty() || sources_[0].bytes.empty()) {
    finish(atlas, chars);
    return true;
  }
  // What the atlas lacks: characters with no glyph yet, and invisible ones without
  // their empty glyph (the UI font may have drawn one of its own), skipping those
  // this add has rasterized already or found no font for.
  std::vector<char32_t> todo;
  for (char32_t c : chars) {
    if (c > IM_UNICODE_CODEPOINT_MAX || contains(tried_, c)) continue;
    const bool empty_glyph_wanted = invisible(c) && !contains(invisible_, c);
    if (!empty_glyph_wanted && font->FindGlyphNoFallback(static_cast<ImWchar>(c))) continue;
    todo.push_back(c);
  }
  if (!adding_) {
    adding_ = true;
    rasterized_ = 0;
  }
  if (!todo.empty() && !read_sources(true, budget_ms)) return false;
  for (std::size_t at = 0; at < todo.size(); at += kChunkChars) {
    const double ms = ms_since(start);
    if (ms >= budget_ms) return false;  // the rest in the next frames
    const std::vector<char32_t> chunk(todo.begin() + static_cast<std::ptrdiff_t>(at),
                                      todo.begin() + static_cast<std::ptrdiff_t>(std::min(todo.size(), at + kChunkChars)));
    if (!rasterize(atlas, chunk)) {
      // No room left below kMaxTexHeight: everything again, in a wider texture.
      build(atlas, pixels_, chars);
      return true;
    }
    for (char32_t c : chunk) insert_sorted(tried_, c);
  }
  publish(atlas);
  finish(atlas, chars);
  return true;
}

// Rasterizes `chunk` with ImGui's own builder, in a small atlas of the same fonts and
// sizes (so each glyph's bitmap, quad and advance are those the whole atlas would
// give it), and copies the glyphs into free rows of the atlas' pixels, staged.
// False when the atlas has no room left.
bool UiFont::rasterize(ImFontAtlas* atlas, const std::vector<char32_t>& chunk) {
  ImFontAtlas batch;
  batch.Flags |= ImFontAtlasFlags_NoMouseCursors | ImFontAtlasFlags_NoBakedLines;
  batch.TexGlyphPadding = atlas->TexGlyphPadding;
  // ' ', which the UI font has, gives the batch's font the UI font's ascent (ImGui
  // sets a font's metrics from its first source only when that brings a glyph), so
  // glyphs sit on the same baseline as in the whole atlas.
  std::vector<char32_t> with_space{U' '};
  with_space.insert(with_space.end(), chunk.begin(), chunk.end());
  const ImVector<ImWchar> primary = ranges_of(with_space), merged = ranges_of(chunk);
  ImFont* font = atlas->Fonts[0];
  ImFont* batch_font = add_fonts(&batch, primary, merged, chunk);
  batch.Build();
  unsigned char* pixels = nullptr;
  int w = 0, h = 0;
  batch.GetTexDataAsAlpha8(&pixels, &w, &h);
  const ImVector<ImFontGlyph>& glyphs = batch_font->Glyphs;
  for (int i = 0; i < glyphs.Size; ++i) {
    const ImFontGlyph& g = glyphs[i];
    const auto c = static_cast<ImWchar>(g.Codepoint);
    if (c == ' ' || c == '\t') continue;
    // Where the batch has two glyphs for a character (an invisible one the UI font
    // draws, then its empty glyph), the whole atlas has both and uses the last: copy
    // the first only when the atlas lacks the character, as the whole atlas would.
    bool last = true;
    for (int j = i + 1; j < glyphs.Size; ++j) last = last && glyphs[j].Codepoint != g.Codepoint;
    if (!last && font->FindGlyphNoFallback(c)) continue;
    // The bitmap's texels: ImGui's UVs are texel / size, exact for these sizes.
    const int x0 = static_cast<int>(std::lround(g.U0 * static_cast<float>(w)));
    const int x1 = static_cast<int>(std::lround(g.U1 * static_cast<float>(w)));
    const int y0 = static_cast<int>(std::lround(g.V0 * static_cast<float>(h)));
    const int y1 = static_cast<int>(std::lround(g.V1 * static_cast<float>(h)));
    int x = 0, y = 0;
    if (!place(x1 - x0, y1 - y0, &x, &y)) return false;
    for (int row = 0; row < y1 - y0; ++row)
      std::memcpy(&tex_[static_cast<std::size_t>(y + row) * static_cast<std::size_t>(tex_width_) + static_cast<std::size_t>(x)],
                  pixels + static_cast<std::size_t>(y0 + row) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x0),
                  static_cast<std::size_t>(x1 - x0));
    staged_.push_back({c, g.X0, g.Y0, g.X1, g.Y1, g.AdvanceX, x, y, x1 - x0, y1 - y0});
    ++rasterized_;
  }
  for (char32_t c : chunk)
    if (invisible(c)) insert_sorted(invisible_, c);
  return true;
}

// A free place of w x h texels in the atlas' pixels, in shelves below what is there,
// with ImGui's padding around it; the pixels grow by doubling their rows when full.
bool UiFont::place(int w, int h, int* x, int* y) {
  const int pad = 1;
  if (shelf_x_ + w > tex_width_) {
    shelf_y_ += shelf_h_ + pad;
    shelf_x_ = 0;
    shelf_h_ = 0;
  }
  int rows = static_cast<int>(tex_.size() / static_cast<std::size_t>(tex_width_));
  while (shelf_y_ + h + pad > rows) {
    if (rows * 2 > kMaxTexHeight) return false;
    rows *= 2;
    tex_.resize(static_cast<std::size_t>(rows) * static_cast<std::size_t>(tex_width_), 0);
  }
  *x = shelf_x_;
  *y = shelf_y_;
  shelf_x_ += w + pad;
  shelf_h_ = std::max(shelf_h_, h);
  return true;
}

// Puts the staged glyphs into the font, all at once, and the atlas at its new height.
void UiFont::publish(ImFontAtlas* atlas) {
  adding_ = false;
  tried_.clear();
  if (staged_.empty()) return;
  ImFont* font = atlas->Fonts[0];
  const int rows = static_cast<int>(tex_.size() / static_cast<std::size_t>(tex_width_));
  if (rows != tex_height_) {
    // The height doubled: every V halves, exactly (powers of two).
    const float k = static_cast<float>(tex_height_) / static_cast<float>(rows);
    for (ImFontGlyph& g : font->Glyphs) {
      g.V0 *= k;
      g.V1 *= k;
    }
    atlas->TexUvWhitePixel.y *= k;
    for (ImVec4& uv : atlas->TexUvLines) {
      uv.y *= k;
      uv.w *= k;
    }
    atlas->TexHeight = rows;
    atlas->TexUvScale.y = 1.0f / static_cast<float>(rows);
    tex_height_ = rows;
    dirty_y0_ = 0;
    dirty_y1_ = rows;
  }
  // BuildLookupTable makes the tab glyph again, last.
  if (!font->Glyphs.empty() && font->Glyphs.back().Codepoint == '\t') font->Glyphs.pop_back();
  const float iw = 1.0f / static_cast<float>(tex_width_), ih = 1.0f / static_cast<float>(tex_height_);
  for (const Staged& s : staged_) {
    font->AddGlyph(nullptr, s.codepoint, s.x0, s.y0, s.x1, s.y1, static_cast<float>(s.x) * iw, static_cast<float>(s.y) * ih,
                   static_cast<float>(s.x + s.w) * iw, static_cast<float>(s.y + s.h) * ih, s.advance);
    if (dirty_y1_ <= dirty_y0_) {
      dirty_y0_ = s.y;
      dirty_y1_ = s.y + s.h;
    } else {
      dirty_y0_ = std::min(dirty_y0_, s.y);
      dirty_y1_ = std::max(dirty_y1_, s.y + s.h);
    }
  }
  font->BuildLookupTable();
  staged_.clear();
}

void UiFont::finish(ImFontAtlas* atlas, const std::vector<char32_t>& chars) {
  const ImFont* font = atlas->Fonts.Size > 0 ? atlas->Fonts[0] : nullptr;
  glyphs_ = font ? font->Glyphs.Size : 0;
  missing_.clear();
  for (char32_t c : chars) {
    if (c > IM_UNICODE_CODEPOINT_MAX || !font || !font->FindGlyphNoFallback(static_cast<ImWchar>(c))) missing_.push_back(c);
  }
}

FontTexture UiFont::texture() const { return {tex_.data(), tex_width_, tex_height_, dirty_y0_, dirty_y1_}; }

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

// The part of a frame new glyphs may take: with the frame's own work it stays well
// under the 50 ms a main-thread task may last.
constexpr double kFontSliceMs = 10;

void App::update_fonts() {
  if (fonts_stale() && font_.add(ImGui::GetIO().Fonts, session_.text_chars(), kFontSliceMs))
    font_chars_generation_ = session_.text_chars_generation();
}

std::string App::font_json() const {
  nlohmann::json j;
  j["chars"] = to_utf8(session_.text_chars());
  j["missing"] = to_utf8(font_.missing());
  j["glyphs"] = font_.glyphs();
  j["rasterized"] = font_.rasterized();
  const FontTexture t = font_.texture();
  j["texture"] = {t.width, t.height};
  j["fallback_loaded"] = font_.fallback_loaded();
  j["stale"] = fonts_stale();
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace redline::app
