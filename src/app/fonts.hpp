// The UI font: DejaVu Sans (Latin with its extensions incl. Vietnamese, Greek,
// Cyrillic) with Droid Sans Fallback (CJK), Nanum Gothic (Hangul), Lohit Devanagari,
// Symbola (monochrome emoji) and Noto Sans CJK (CJK beyond the BMP) merged in, all
// from Debian font packages and embedded in the build (ImWchar is 32-bit:
// IMGUI_USE_WCHAR32). Text is not shaped: Devanagari conjuncts show as their parts,
// emoji sequences as their single emoji. The atlas holds the fixed ranges plus just the
// characters the loaded data uses, since every CJK glyph would not fit a WebGL
// texture budget.
//
// When the data brings characters the atlas lacks, only those are rasterized and
// added (UiFont::add): a few at a time, in slices of a frame's budget, into the free
// rows of the atlas' pixels (grown by doubling its height when full), while frames
// keep drawing with the atlas as it was; the new glyphs are published all at once, so
// no frame draws with part of them. A whole rebuild (build: every glyph rasterized
// again) is left for a new pixel ratio. The font files are read once and kept.
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

namespace redline::app {

// The atlas' pixels (one channel, width x height) and the rows [dirty_y0, dirty_y1)
// changed since they were last uploaded (none when equal).
struct FontTexture {
  const unsigned char* pixels = nullptr;
  int width = 0, height = 0;
  int dirty_y0 = 0, dirty_y1 = 0;
};

class UiFont {
 public:
  UiFont();
  ~UiFont();
  UiFont(const UiFont&) = delete;
  UiFont& operator=(const UiFont&) = delete;

  // Clears `atlas` and builds the UI font at `pixels` for the fixed ranges and `chars`.
  void build(ImFontAtlas* atlas, float pixels, const std::vector<char32_t>& chars);
  // Adds to the built `atlas` the glyphs of `chars` (sorted) it lacks, rasterizing
  // only those, for about `budget_ms` of work per call. False while some are left (the
  // atlas is unchanged: call again next frame); true once they are all in the atlas,
  // with missing() and the texture's changed rows updated. `chars` may differ between
  // calls (a new snapshot): what was rasterized for the old set is kept.
  bool add(ImFontAtlas* atlas, const std::vector<char32_t>& chars, double budget_ms);

  // The pixels to upload; uploaded() once they are in the GL texture.
  FontTexture texture() const;
  void uploaded() { dirty_y0_ = dirty_y1_ = 0; }

  const std::vector<char32_t>& missing() const { return missing_; }  // the data's characters no merged font has
  int glyphs() const { return glyphs_; }                               // glyphs in the atlas
  // Glyphs rasterized by the last build or add (an add rasterizes only the new ones).
  int rasterized() const { return rasterized_; }
  bool fallback_loaded() const { return fallback_loaded_; }

 private:
  struct Staged;
  struct Source;
  // Reads the font files (the merged ones too with `merged`) for about `budget_ms`;
  // true once they are all read.
  bool read_sources(bool merged, double budget_ms);
  ImFont* add_fonts(ImFontAtlas* atlas, const ImVector<ImWchar>& primary, const ImVector<ImWchar>& merged,
                    const std::vector<char32_t>& chars);
  bool rasterize(ImFontAtlas* atlas, const std::vector<char32_t>& chunk);
  bool place(int w, int h, int* x, int* y);
  void publish(ImFontAtlas* atlas);
  void finish(ImFontAtlas* atlas, const std::vector<char32_t>& chars);

  std::vector<Source> sources_;  // the UI font, then the merged ones in merge order (read when first needed)
  float pixels_ = 0;
  ImVector<ImWchar> primary_ranges_;   // must outlive the atlas build
  ImVector<ImWchar> fallback_ranges_;
  std::vector<unsigned char> tex_;     // the atlas' pixels, rows of tex_width_
  int tex_width_ = 0, tex_height_ = 0;  // tex_height_: the height the atlas' UVs are in
  int shelf_x_ = 0, shelf_y_ = 0, shelf_h_ = 0;  // where the next new glyph goes
  int dirty_y0_ = 0, dirty_y1_ = 0;
  std::vector<Staged> staged_;          // rasterized, not yet in the font
  std::vector<char32_t> tried_;         // characters this add has rasterized or found no font for
  bool adding_ = false;                 // an add is under way (staged glyphs not yet published)
  std::vector<char32_t> invisible_;     // invisible characters given their empty glyph
  std::vector<char32_t> missing_;
  int glyphs_ = 0;
  int rasterized_ = 0;
  bool fallback_loaded_ = false;
};

// `chars` as UTF-8 (U+FFFD for what ImWchar cannot hold).
std::string to_utf8(const std::vector<char32_t>& chars);

}  // namespace redline::app
