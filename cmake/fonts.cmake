# The UI font's merged scripts beyond DejaVu Sans and Droid Sans Fallback: Hangul
# (Nanum Gothic), Devanagari (Lohit Devanagari), monochrome emoji and symbols (Symbola)
# and CJK beyond the BMP, Extension B and on (Noto Sans CJK), all from Debian font
# packages. Each is cut at build time (fontTools' subsetter) to the blocks of its
# script, without hinting or layout tables (ImGui's rasterizer uses neither), so the
# page carries about 3 MB more instead of the 28 MB of the whole files; the atlas
# still holds only the characters the loaded data uses (src/app/fonts.cpp).
# Sets REDLINE_EXTRA_FONT_FLAGS (--embed-file ...) and the target redline_fonts.
find_program(REDLINE_DEBIAN_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT REDLINE_DEBIAN_PYTHON)
  set(REDLINE_DEBIAN_PYTHON python3)
endif()
execute_process(COMMAND ${REDLINE_DEBIAN_PYTHON} -c "import fontTools.subset"
  RESULT_VARIABLE _redline_fonttools OUTPUT_QUIET ERROR_QUIET)
if(NOT _redline_fonttools EQUAL 0)
  message(FATAL_ERROR "fontTools missing for ${REDLINE_DEBIAN_PYTHON}: install python3-fonttools (scripts/setup does).")
endif()

set(REDLINE_EXTRA_FONT_FLAGS "")
set(REDLINE_EXTRA_FONT_FILES "")
# redline_subset_font(NAME SOURCE_FILE PACKAGE UNICODES [FONT_NUMBER]): the subset
# goes to ${CMAKE_BINARY_DIR}/fonts/NAME and is embedded at /fonts/NAME.
function(redline_subset_font name source package unicodes)
  if(NOT EXISTS "${source}")
    message(FATAL_ERROR "Font ${source} missing: install ${package} (scripts/setup does).")
  endif()
  set(number 0)
  if(ARGC GREATER 4)
    set(number ${ARGV4})
  endif()
  set(out "${CMAKE_BINARY_DIR}/fonts/${name}")
  add_custom_command(OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${CMAKE_BINARY_DIR}/fonts"
    COMMAND ${REDLINE_DEBIAN_PYTHON} -m fontTools.subset "${source}" --font-number=${number}
            "--unicodes=${unicodes}" --no-hinting --layout-features= --output-file=${out}
    DEPENDS "${source}" VERBATIM)
  set(REDLINE_EXTRA_FONT_FILES ${REDLINE_EXTRA_FONT_FILES} "${out}" PARENT_SCOPE)
  set(REDLINE_EXTRA_FONT_FLAGS ${REDLINE_EXTRA_FONT_FLAGS} "--embed-file=${out}@/fonts/${name}" PARENT_SCOPE)
endfunction()

# The order is the merge order in src/app/fonts.cpp (kMergedFonts); names must match.
redline_subset_font(hangul.ttf "${REDLINE_FONT_DIR}/nanum/NanumGothic.ttf" fonts-nanum
  "U+1100-11FF,U+3130-318F,U+A960-A97F,U+AC00-D7FF")
redline_subset_font(devanagari.ttf "${REDLINE_FONT_DIR}/lohit-devanagari/Lohit-Devanagari.ttf" fonts-lohit-deva
  "U+0900-097F,U+1CD0-1CFF,U+A8E0-A8FF")
redline_subset_font(symbols.ttf "${REDLINE_FONT_DIR}/ancient-scripts/Symbola_hint.ttf" fonts-symbola
  "U+2300-23FF,U+2460-24FF,U+25A0-27BF,U+2900-2BFF,U+1F000-1FAFF")
# Font 0 of the collection is the Japanese one; its Extension B-G glyphs are the
# characters of personal names (e.g. U+20BB7) the other regions' fonts share.
redline_subset_font(cjk-ext.otf "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc" fonts-noto-cjk
  "U+20000-3134F" 0)
add_custom_target(redline_fonts DEPENDS ${REDLINE_EXTRA_FONT_FILES})
