// The UI font: DejaVu Sans (Latin with its extensions incl. Vietnamese, Greek,
// Cyrillic) with Droid Sans Fallback (CJK), Nanum Gothic (Hangul), Lohit Devanagari,
// Symbola (monochrome emoji) and Noto Sans CJK (CJK beyond the BMP) merged in, all
// from Debian font packages and embedded in the build (ImWchar is 32-bit:
// IMGUI_USE_WCHAR32). Text is not shaped: Devanagari conjuncts show as their parts,
// emoji sequences as their single emoji. The atlas holds the fixed ranges plus just the
// characters the loaded data uses, since every CJK glyph would not fit a WebGL
// texture budget; the app rebuilds it between frames when the data brings new ones.
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

namespace redline::app {

struct UiFont {
  ImVector<ImWchar> primary_ranges;   // must outlive the atlas build
  ImVector<ImWchar> fallback_ranges;
  std::vector<char32_t> missing;      // characters of the data no merged font has
  int glyphs = 0;                     // glyphs in the atlas
  int tex_width = 0, tex_height = 0;
  bool fallback_loaded = false;
};

// Clears `atlas` and builds the UI font at `pixels` for the fixed ranges and `chars`.
void build_ui_font(ImFontAtlas* atlas, float pixels, const std::vector<char32_t>& chars, UiFont& out);

// `chars` as UTF-8 (U+FFFD for what ImWchar cannot hold).
std::string to_utf8(const std::vector<char32_t>& chars);

}  // namespace redline::app
