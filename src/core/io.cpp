#include "core/io.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>

namespace redline {

Result<std::vector<std::uint8_t>> read_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return make_error(ErrorCode::Io, std::string("cannot open: ") + std::strerror(errno), path);
  // One buffer of the file's size, read into directly: growing a vector 64 KB at a time
  // copied the bytes again at each doubling and held up to twice the file (then three
  // times while it moved), the largest share of a small run and of the peak memory.
  // A file whose size is unknown (a pipe) or changes while read still reads whole.
  std::vector<std::uint8_t> out;
  struct stat st {};
  std::size_t expected = 0;
  if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) expected = static_cast<std::size_t>(st.st_size);
  out.resize(expected);
  std::size_t got = expected ? std::fread(out.data(), 1, expected, f) : 0;
  out.resize(got);
  if (got == expected) {
    std::uint8_t buf[1 << 16];
    for (;;) {
      std::size_t n = std::fread(buf, 1, sizeof buf, f);
      out.insert(out.end(), buf, buf + n);
      if (n < sizeof buf) break;
    }
  }
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return make_error(ErrorCode::Io, "read error", path);
  return out;
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
