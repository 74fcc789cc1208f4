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

// Asks the kernel to back [data, data + size) with huge pages where it can (Linux's
// madvise(MADV_HUGEPAGE), which these machines' "madvise" THP mode needs): a buffer of
// a whole snapshot is first touched page by page, and at 4 KB that is one page fault
// per page, ~70% of a ~1M-row run's faults and ~10% of its CPU. A hint: nothing
// happens where it is not supported (other systems, wasm) or for small buffers.
void advise_huge_pages(void* data, std::size_t size);

}  // namespace redline
