# The `redline` CLI (the same src/cli/*.cpp over the same redline_core) built for
# node: build/<dir>/redline-cli.js + .wasm, run as
#   node --no-experimental-fetch build/wasm/redline-cli.js load SNAPSHOT --out F
# NODERAWFS gives it the real file system, so it reads and writes files like the
# native build. Also the benchmarks' wasm builds (bench/run measures native and wasm
# in one run); all EXCLUDE_FROM_ALL: built only when asked for.
set(REDLINE_WASM_NODE_FLAGS
  -sNODERAWFS=1 -sENVIRONMENT=node -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=4GB
  -sEXIT_RUNTIME=1 -fwasm-exceptions -O3)

function(redline_add_node_wasm target output_name)
  add_executable(${target} EXCLUDE_FROM_ALL ${ARGN})
  target_link_libraries(${target} PRIVATE redline_engine)
  target_compile_options(${target} PRIVATE ${REDLINE_WARNINGS} -fwasm-exceptions -O3)
  target_link_options(${target} PRIVATE ${REDLINE_WASM_NODE_FLAGS})
  set_target_properties(${target} PROPERTIES OUTPUT_NAME ${output_name} SUFFIX ".js"
    RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}")
endfunction()

file(GLOB REDLINE_CLI_WASM_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/cli/*.cpp)
redline_add_node_wasm(redline_cli_wasm redline-cli ${REDLINE_CLI_WASM_SOURCES})

redline_add_node_wasm(redline_bench_load_wasm redline_bench_load ${CMAKE_SOURCE_DIR}/bench/load_bench.cpp)
redline_add_node_wasm(redline_bench_scale_wasm redline_bench_scale ${CMAKE_SOURCE_DIR}/bench/scale_bench.cpp)
redline_add_node_wasm(redline_bench_normalize_wasm redline_bench_normalize ${CMAKE_SOURCE_DIR}/bench/normalize_bench.cpp)
get_filename_component(_redline_fixtures "${CMAKE_SOURCE_DIR}/../shared/fixtures" ABSOLUTE)
target_compile_definitions(redline_bench_normalize_wasm PRIVATE REDLINE_FIXTURES_DIR="${_redline_fixtures}")
