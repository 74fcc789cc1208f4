#include "core/loaders.hpp"

namespace redline::detail {

Status load_dumpdata(const std::vector<std::uint8_t>& /*bytes*/, const std::string& name,
                     sql::Database& /*db*/, LoadSummary& /*summary*/) {
  return make_error(ErrorCode::Unsupported, "loading dumpdata JSON is not implemented yet",
                    name + ", format: dumpdata");
}

}  // namespace redline::detail
