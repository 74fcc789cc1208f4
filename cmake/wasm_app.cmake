# The browser page, two wasm modules:
#   the UI module (redline.js + .wasm): Dear ImGui (its GLFW backend; the WebGL2
#     renderer is src/platform/imgui_gl), src/app and
#     src/platform, on the page's main thread; it draws and posts requests, and links
#     the core for its types and the protocol's JSON only (not the engine);
#   the engine module (redline-engine.js + .wasm): SQLite, the core and src/engine
#     behind src/worker's C exports, run in a Web Worker by web/redline-worker.js.
# dist/ gets both as served files; dist-single/redline.html is the whole page as one
# file (the -sSINGLE_FILE build, wasm inlined, with its scripts and style inlined into
# the HTML by cmake/single_html.mjs), which opens from file:// with no server.
set(IMGUI_DIR "${REDLINE_DEPS_DIR}/imgui")
add_library(redline_imgui STATIC
  ${IMGUI_DIR}/imgui.cpp ${IMGUI_DIR}/imgui_draw.cpp ${IMGUI_DIR}/imgui_tables.cpp
  ${IMGUI_DIR}/imgui_widgets.cpp
  ${IMGUI_DIR}/backends/imgui_impl_glfw.cpp)
target_include_directories(redline_imgui SYSTEM PUBLIC ${IMGUI_DIR} ${IMGUI_DIR}/backends)
target_compile_options(redline_imgui PRIVATE -O2)
# IMGUI_USE_WCHAR32: 32-bit ImWchar, so glyphs beyond the BMP (emoji, CJK Extension B)
# can be in the atlas; PUBLIC, as every file including imgui.h must agree on it.
target_compile_definitions(redline_imgui PUBLIC IMGUI_DISABLE_OBSOLETE_FUNCTIONS IMGUI_IMPL_OPENGL_ES3 IMGUI_USE_WCHAR32)

file(GLOB REDLINE_APP_SOURCES CONFIGURE_DEPENDS src/app/*.cpp src/platform/*.cpp)
list(APPEND REDLINE_APP_SOURCES src/engine/protocol.cpp)

set(REDLINE_FONT_DIR "/usr/share/fonts/truetype" CACHE PATH "Debian font packages' TTF folder")
set(REDLINE_UI_FONT "${REDLINE_FONT_DIR}/dejavu/DejaVuSans.ttf")
if(NOT EXISTS "${REDLINE_UI_FONT}")
  message(FATAL_ERROR "UI font ${REDLINE_UI_FONT} missing: install fonts-dejavu-core (scripts/setup does).")
endif()
# CJK, merged into the UI font for the characters the loaded data uses.
set(REDLINE_CJK_FONT "${REDLINE_FONT_DIR}/droid/DroidSansFallbackFull.ttf")
if(NOT EXISTS "${REDLINE_CJK_FONT}")
  message(FATAL_ERROR "CJK font ${REDLINE_CJK_FONT} missing: install fonts-droid-fallback (scripts/setup does).")
endif()
include(cmake/fonts.cmake)
# The GLSL ES 3.0 shaders the app compiles at startup live in shaders/ and are
# embedded as files (/shaders/...), so they stay plain shader sources.
file(GLOB REDLINE_SHADERS CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/shaders/*")
# The page shell, copied beside the module when it links: a change to it alone must
# link again, or dist/ (and dist-single/'s inlined copy) keep the old shell.
file(GLOB REDLINE_WEB_FILES CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/web/*")

set(REDLINE_WASM_LINK_FLAGS
  -sUSE_GLFW=3 -sUSE_WEBGL2=1 -sFULL_ES3=1 -sMIN_WEBGL_VERSION=2 -sMAX_WEBGL_VERSION=2
  -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=1GB -sINITIAL_MEMORY=32MB
  -sMODULARIZE=1 -sEXPORT_NAME=createRedline -sENVIRONMENT=web
  -sEXPORTED_FUNCTIONS=_main,_malloc,_free
  -sEXPORTED_RUNTIME_METHODS=ccall,cwrap,UTF8ToString,stringToUTF8,lengthBytesUTF8,HEAPU8
  -sNO_EXIT_RUNTIME=1 -sFILESYSTEM=1
  "--embed-file=${REDLINE_UI_FONT}@/fonts/ui.ttf"
  "--embed-file=${REDLINE_CJK_FONT}@/fonts/ui-fallback.ttf"
  ${REDLINE_EXTRA_FONT_FLAGS}
  "--embed-file=${CMAKE_SOURCE_DIR}/shaders@/shaders"
  -fwasm-exceptions)

# The engine module: no main loop, no file system; 4 GB of heap for the user's data.
# Its heap starts small and grows by at most 4 MB at a time (Emscripten's default
# grows by 20% up to 96 MB a step): wasm memory never shrinks, so what a step
# over-reserves stays for the session; the worker's peak heap is what issue #16's
# "at most 3x the file" measures (16 MB steps: 140 MB at ~300k rows, 4 MB: 132 MB).
# (Growing is cheap: the browser reserves the 4 GB of address space up front and does
# not copy the heap.)
set(REDLINE_ENGINE_LINK_FLAGS
  -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=4GB -sINITIAL_MEMORY=16MB -sMEMORY_GROWTH_GEOMETRIC_CAP=4MB
  -sMODULARIZE=1 -sEXPORT_NAME=createRedlineEngine -sENVIRONMENT=worker
  -sEXPORTED_FUNCTIONS=_malloc,_free
  -sEXPORTED_RUNTIME_METHODS=UTF8ToString,stringToUTF8,lengthBytesUTF8,HEAPU8
  -sFILESYSTEM=0 -fwasm-exceptions)

function(redline_add_engine target outdir extra_flags)
  add_executable(${target} src/worker/worker_main.cpp)
  target_link_libraries(${target} PRIVATE redline_engine)
  target_compile_options(${target} PRIVATE ${REDLINE_WARNINGS} -fwasm-exceptions)
  target_link_options(${target} PRIVATE ${REDLINE_ENGINE_LINK_FLAGS} ${extra_flags})
  set_target_properties(${target} PROPERTIES OUTPUT_NAME redline-engine SUFFIX ".js"
    RUNTIME_OUTPUT_DIRECTORY "${outdir}" LINK_DEPENDS "${CMAKE_SOURCE_DIR}/web/redline-worker.js;${CMAKE_SOURCE_DIR}/cmake/wasm_from_data_uri.js")
  # The worker's whole script as one string the page makes a blob: URL of.
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND node "${CMAKE_SOURCE_DIR}/cmake/embed_worker.mjs" "${outdir}/redline-engine.js"
            "${CMAKE_SOURCE_DIR}/web/redline-worker.js" "${outdir}/redline-engine-src.js")
endfunction()

function(redline_add_app target outdir extra_flags engine)
  add_executable(${target} ${REDLINE_APP_SOURCES})
  target_link_libraries(${target} PRIVATE redline_core redline_imgui)
  add_dependencies(${target} ${engine} redline_fonts)
  target_compile_options(${target} PRIVATE ${REDLINE_WARNINGS} -fwasm-exceptions)
  target_link_options(${target} PRIVATE ${REDLINE_WASM_LINK_FLAGS} ${extra_flags})
  set_target_properties(${target} PROPERTIES OUTPUT_NAME redline SUFFIX ".js"
    RUNTIME_OUTPUT_DIRECTORY "${outdir}" LINK_DEPENDS "${REDLINE_SHADERS};${REDLINE_EXTRA_FONT_FILES};${REDLINE_WEB_FILES};${CMAKE_SOURCE_DIR}/cmake/wasm_from_data_uri.js")
  # The page shell (HTML, CSS, JS glue) goes beside the module.
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${CMAKE_COMMAND} -E copy_directory "${CMAKE_SOURCE_DIR}/web" "${outdir}"
    COMMAND ${CMAKE_COMMAND} -E remove "${outdir}/redline-worker.js")  # it is in redline-engine-src.js
endfunction()

# Where the pages go: dist/ and dist-single/ under this folder (a separate folder lets
# several builds of the page coexist, e.g. a work tree's own test build).
set(REDLINE_DIST_ROOT "${CMAKE_SOURCE_DIR}" CACHE PATH "Folder that receives dist/ and dist-single/")
redline_add_engine(redline_engine_worker "${REDLINE_DIST_ROOT}/dist" "")
# The single-file build's parts go to the build tree; only redline.html is the product.
set(REDLINE_SINGLE_PARTS "${CMAKE_BINARY_DIR}/single-parts")
set(REDLINE_SINGLE_FLAGS -sSINGLE_FILE=1 "SHELL:--pre-js ${CMAKE_SOURCE_DIR}/cmake/wasm_from_data_uri.js")
redline_add_engine(redline_engine_worker_single "${REDLINE_SINGLE_PARTS}" "${REDLINE_SINGLE_FLAGS}")
redline_add_app(redline_app "${REDLINE_DIST_ROOT}/dist" "" redline_engine_worker)
redline_add_app(redline_app_single "${REDLINE_SINGLE_PARTS}" "${REDLINE_SINGLE_FLAGS}" redline_engine_worker_single)
# dist-single/ holds nothing but redline.html (no stale parts of older builds beside it).
add_custom_command(TARGET redline_app_single POST_BUILD
  COMMAND ${CMAKE_COMMAND} -E remove_directory "${REDLINE_DIST_ROOT}/dist-single"
  COMMAND node "${CMAKE_SOURCE_DIR}/cmake/single_html.mjs" "${REDLINE_SINGLE_PARTS}"
          "${REDLINE_DIST_ROOT}/dist-single/redline.html")
include(cmake/wasm_cli.cmake)
