#include "core/io.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <sys/stat.h>
#if defined(__linux__) && !defined(__EMSCRIPTEN__)
#include <sys/mman.h>
#endif

namespace redline {

Result<std::vector<std::uint8_t>> read_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return make_error(ErrorCode::Io, std::string("cannot open: ") + std::strerror(errno), path);
  // One buffer of the file's size (reserved, so it is never copied to grow: growing a
  // vector 64 KB at a time held up to twice the file, three times while it moved).
  // Filled by appending chunks, not by resize() and one fread(): resize() zeroes the
  // whole buffer first, a pass over fresh memory that was ~30% of the read's CPU at
  // 134 MiB (640 -> 480 ms); a chunk this size stays in the cache between the kernel's
  // copy and ours. A file whose size is unknown (a pipe) or changes while read still
  // reads whole.
  std::vector<std::uint8_t> out;
  struct stat st {};
  if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    out.reserve(static_cast<std::size_t>(st.st_size));
    advise_huge_pages(out.data(), out.capacity());
  }
  constexpr std::size_t kChunk = std::size_t{1} << 18;
  std::unique_ptr<std::uint8_t[]> chunk(new std::uint8_t[kChunk]);
  for (;;) {
    std::size_t n = std::fread(chunk.get(), 1, kChunk, f);
    out.insert(out.end(), chunk.get(), chunk.get() + n);
    if (n < kChunk) break;
  }
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return make_error(ErrorCode::Io, "read error", path);
  return out;
}

void advise_huge_pages(void* data, std::size_t size) {
#if defined(__linux__) && defined(MADV_HUGEPAGE) && !defined(__EMSCRIPTEN__)
  // Only whole huge pages inside the buffer: madvise wants page-aligned bounds, and a
  // huge page reaching past the buffer would be shared with whatever lies beside it.
  constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t first = (begin + kHuge - 1) & ~(kHuge - 1);
  const std::uintptr_t last = (begin + size) & ~(kHuge - 1);
  if (data && last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#else
  (void)data;
  (void)size;
#endif
}

namespace {
Status write_bytes(const std::string& path, const void* data, std::size_t n) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return make_error(ErrorCode::Io, std::string("cannot create: ") + std::strerror(errno), path);
  bool ok = std::fwrite(data, 1, n, f) == n;
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) return make_error(ErrorCode::Io, "write error", path);
  return ok_status();
}
}  // namespace

Status write_file(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  return write_bytes(path, bytes.data(), bytes.size());
}
Status write_file(const std::string& path, const std::string& text) {
  return write_bytes(path, text.data(), text.size());
}

}  // namespace redline
