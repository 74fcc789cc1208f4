#include "core/loaders.hpp"

namespace redline::detail {

Status load_pgdump(const std::vector<std::uint8_t>& /*bytes*/, const std::string& name,
                   sql::Database& /*db*/, LoadSummary& /*summary*/) {
  return make_error(ErrorCode::Unsupported, "loading pg_dump SQL is not implemented yet",
                    name + ", format: pgdump");
}

}  // namespace redline::detail
