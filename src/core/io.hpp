// Whole-file reading and writing with errors as values (native builds and the
// wasm app's in-memory file system alike).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace redline {

Result<std::vector<std::uint8_t>> read_file(const std::string& path);
Status write_file(const std::string& path, const std::vector<std::uint8_t>& bytes);
Status write_file(const std::string& path, const std::string& text);

}  // namespace redline
