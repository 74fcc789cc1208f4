// SHA-256 against the FIPS 180-2 / NIST test vectors (suite named for the
// normalizer's test filter, whose report uses it).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "core/sha256.hpp"

using namespace redline;

TEST(NormalizeSha256, NistVectors) {
  EXPECT_EQ(sha256_hex(std::string_view("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex(std::string_view("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(std::string_view("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string_view("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(NormalizeSha256, IncrementalEqualsWholeAtEveryBoundary) {
  // Lengths around the 55/56/64-byte padding edges, fed in uneven pieces.
  for (std::size_t n : {0u, 1u, 55u, 56u, 57u, 63u, 64u, 65u, 119u, 120u, 127u, 128u, 1000u}) {
    std::string msg;
    for (std::size_t k = 0; k < n; ++k) msg += static_cast<char>('a' + k % 26);
    Sha256 s;
    for (std::size_t at = 0; at < n;) {
      std::size_t take = std::min<std::size_t>(1 + at % 7, n - at);
      s.update(msg.data() + at, take);
      at += take;
    }
    auto d = s.finish();
    static const char* kHex = "0123456789abcdef";
    std::string hex;
    for (auto b : d) { hex += kHex[b >> 4]; hex += kHex[b & 15]; }
    EXPECT_EQ(hex, sha256_hex(std::string_view(msg))) << n;
  }
}

TEST(NormalizeSha256, HardwareAndPortableAgree) {
  // The CPU's SHA instructions (where this machine has them) and the portable code
  // wasm runs give the same state over the same blocks, from the same start.
  sha256_detail::BlocksFn hw = sha256_detail::blocks_hardware();
  std::printf("[ info ] SHA instructions %s\n", hw ? "used" : "absent: the portable code only");
  std::vector<std::uint8_t> data(64 * 1000);
  std::uint32_t x = 12345;
  for (auto& b : data) b = static_cast<std::uint8_t>((x = x * 1103515245u + 12345u) >> 16);
  for (std::size_t blocks : {1u, 2u, 3u, 17u, 1000u}) {
    std::uint32_t portable[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    std::uint32_t hardware[8];
    std::copy(std::begin(portable), std::end(portable), hardware);
    sha256_detail::blocks_portable(portable, data.data(), blocks);
    (hw ? hw : &sha256_detail::blocks_portable)(hardware, data.data(), blocks);
    EXPECT_TRUE(std::equal(std::begin(portable), std::end(portable), hardware)) << blocks;
  }
  // The portable code alone against a NIST vector (the public API takes the hardware's).
  std::uint32_t s[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::uint8_t abc[64] = {'a', 'b', 'c', 0x80};
  abc[63] = 24;  // the length in bits
  sha256_detail::blocks_portable(s, abc, 1);
  EXPECT_EQ(s[0], 0xba7816bfu);
  EXPECT_EQ(s[7], 0xf20015adu);
}
