#include "core/io.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace redline {

Result<std::vector<std::uint8_t>> read_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return make_error(ErrorCode::Io, std::string("cannot open: ") + std::strerror(errno), path);
  std::vector<std::uint8_t> out;
  std::uint8_t buf[1 << 16];
  for (;;) {
    std::size_t n = std::fread(buf, 1, sizeof buf, f);
    out.insert(out.end(), buf, buf + n);
    if (n < sizeof buf) break;
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
