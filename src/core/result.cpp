#include "core/result.hpp"

namespace redline {

const char* to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::Io: return "io";
    case ErrorCode::BadInput: return "bad_input";
    case ErrorCode::Unsupported: return "unsupported";
    case ErrorCode::Sqlite: return "sqlite";
    case ErrorCode::Usage: return "usage";
    case ErrorCode::Hazard: return "hazard";
    case ErrorCode::Cancelled: return "cancelled";
    case ErrorCode::Internal: return "internal";
  }
  return "internal";
}

std::string Error::describe() const {
  if (context.empty()) return message;
  return message + " (" + context + ")";
}

}  // namespace redline
