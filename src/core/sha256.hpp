// SHA-256 (FIPS 180-4), written here so the core has no crypto dependency: the
// report identifies its input by the SHA-256 of the exact bytes the user loaded.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace redline {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, std::size_t size);
  // The digest; the object must not be updated afterwards.
  std::array<std::uint8_t, 32> finish();
  std::string finish_hex();  // the same, as lower-case hex

 private:
  void block(const std::uint8_t* p, std::size_t blocks);
  std::array<std::uint32_t, 8> h_;
  std::array<std::uint8_t, 64> buf_{};
  std::size_t used_ = 0;       // bytes waiting in buf_
  std::uint64_t total_ = 0;    // message length in bytes
};

namespace sha256_detail {
// The compression function over `blocks` 64-byte blocks, updating the 8-word state.
using BlocksFn = void (*)(std::uint32_t* state, const std::uint8_t* p, std::size_t blocks);
void blocks_portable(std::uint32_t* state, const std::uint8_t* p, std::size_t blocks);
// The CPU's SHA instructions, or nullptr where this build or CPU has none (wasm).
BlocksFn blocks_hardware();
}  // namespace sha256_detail

// Lower-case hex digest of the whole input.
std::string sha256_hex(const void* data, std::size_t size);
std::string sha256_hex(const std::vector<std::uint8_t>& bytes);
std::string sha256_hex(std::string_view text);

}  // namespace redline
