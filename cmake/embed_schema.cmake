# Turns src/core/schema/*.sql into a C++ source of raw string literals (build time).
file(READ "${BEFORE}" REDLINE_BEFORE_SQL)
file(READ "${AFTER}" REDLINE_AFTER_SQL)
file(WRITE "${OUT}.tmp"
"// Generated from src/core/schema/*.sql by cmake/embed_schema.cmake. Do not edit.\n"
"namespace redline::crm::embedded {\n"
"extern const char* const kBeforeSchema;\nextern const char* const kAfterSchema;\n"
"const char* const kBeforeSchema = R\"redline_sql(${REDLINE_BEFORE_SQL})redline_sql\";\n"
"const char* const kAfterSchema = R\"redline_sql(${REDLINE_AFTER_SQL})redline_sql\";\n"
"}\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
