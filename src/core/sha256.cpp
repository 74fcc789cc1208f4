// SHA-256 as specified in FIPS 180-4, section 6.2: a portable implementation (the one
// wasm runs) and, on x86-64 CPUs that have them, the SHA instructions, chosen at run time
// (the snapshot's hash is a whole pass over the input file).
#include "core/sha256.hpp"

#include <algorithm>
#include <cstring>

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__)) && !defined(__EMSCRIPTEN__)
#define REDLINE_SHA_NI 1
#include <cpuid.h>
#include <immintrin.h>
#else
#define REDLINE_SHA_NI 0
#endif

namespace redline {

namespace {

constexpr std::uint32_t kRound[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

inline std::uint32_t rotr(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

inline std::uint32_t load_be(const std::uint8_t* p) {
  // Big-endian words, independent of the host's byte order.
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | std::uint32_t(p[3]);
}

#if REDLINE_SHA_NI
// The x86 SHA extensions (SHA-NI): four rounds and the message schedule's two halves
// are single instructions, ~4-5x the portable code's speed on the same core. The state
// lives as the instructions want it: one register ABEF, the other CDGH.
__attribute__((target("sha,sse4.1,ssse3"))) void blocks_sha_ni(std::uint32_t* h, const std::uint8_t* p,
                                                                std::size_t n) {
  const __m128i kBigEndian = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
  __m128i dcba = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h));
  __m128i hgfe = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + 4));
  __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
  __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
  __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
  __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
  for (; n > 0; --n, p += 64) {
    const __m128i abef_in = abef, cdgh_in = cdgh;
    __m128i w[4];  // the last four groups of four schedule words
    for (int g = 0; g < 16; ++g) {
      __m128i m;
      if (g < 4) {
        m = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * g)), kBigEndian);
      } else {
        // W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], four words at a time.
        m = _mm_sha256msg1_epu32(w[g & 3], w[(g + 1) & 3]);
        m = _mm_add_epi32(m, _mm_alignr_epi8(w[(g + 3) & 3], w[(g + 2) & 3], 4));
        m = _mm_sha256msg2_epu32(m, w[(g + 3) & 3]);
      }
      w[g & 3] = m;
      __m128i wk = _mm_add_epi32(m, _mm_loadu_si128(reinterpret_cast<const __m128i*>(kRound + 4 * g)));
      cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
      abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));
    }
    abef = _mm_add_epi32(abef, abef_in);
    cdgh = _mm_add_epi32(cdgh, cdgh_in);
  }
  __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
  __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(h), _mm_blend_epi16(feba, dchg, 0xF0));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(h + 4), _mm_alignr_epi8(dchg, feba, 8));
}

bool cpu_has_sha_ni() {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
  const bool ssse3 = c & (1u << 9), sse41 = c & (1u << 19);
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
  return ssse3 && sse41 && (b & (1u << 29));
}
#endif

// The blocks' function, chosen once per process from what the CPU offers.
sha256_detail::BlocksFn chosen_blocks() {
  static const sha256_detail::BlocksFn fn = [] {
    sha256_detail::BlocksFn hw = sha256_detail::blocks_hardware();
    return hw ? hw : &sha256_detail::blocks_portable;
  }();
  return fn;
}

}  // namespace

namespace sha256_detail {

// FIPS 180-4 6.2.2, the 64 rounds written out eight at a time with the variables'
// roles rotated instead of moved, and the schedule kept in a 16-word ring: the form
// compilers (wasm's included) keep in registers.
void blocks_portable(std::uint32_t* state, const std::uint8_t* p, std::size_t n) {
  for (; n > 0; --n, p += 64) {
    std::uint32_t w[16];
    for (int i = 0; i < 16; ++i) w[i] = load_be(p + 4 * i);
    std::uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    std::uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
#define REDLINE_SHA_ROUND(a, b, c, d, e, f, g, h, i, expand)                                      \
  do {                                                                                            \
    std::uint32_t wi;                                                                             \
    if (!(expand)) {                                                                              \
      wi = w[(i) & 15];                                                                           \
    } else {                                                                                      \
      const std::uint32_t x = w[((i) + 1) & 15], y = w[((i) + 14) & 15];                          \
      wi = w[(i) & 15] += (rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3)) + w[((i) + 9) & 15] +             \
                          (rotr(y, 17) ^ rotr(y, 19) ^ (y >> 10));                                \
    }                                                                                             \
    const std::uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + (g ^ (e & (f ^ g))) + \
                             kRound[i] + wi;                                                      \
    const std::uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) | (c & (a | b))); \
    d += t1;                                                                                      \
    h = t1 + t2;                                                                                  \
  } while (0)
#define REDLINE_SHA_EIGHT(i, expand)                           \
  do {                                                         \
    REDLINE_SHA_ROUND(a, b, c, d, e, f, g, h, (i), expand);     \
    REDLINE_SHA_ROUND(h, a, b, c, d, e, f, g, (i) + 1, expand); \
    REDLINE_SHA_ROUND(g, h, a, b, c, d, e, f, (i) + 2, expand); \
    REDLINE_SHA_ROUND(f, g, h, a, b, c, d, e, (i) + 3, expand); \
    REDLINE_SHA_ROUND(e, f, g, h, a, b, c, d, (i) + 4, expand); \
    REDLINE_SHA_ROUND(d, e, f, g, h, a, b, c, (i) + 5, expand); \
    REDLINE_SHA_ROUND(c, d, e, f, g, h, a, b, (i) + 6, expand); \
    REDLINE_SHA_ROUND(b, c, d, e, f, g, h, a, (i) + 7, expand); \
  } while (0)
    REDLINE_SHA_EIGHT(0, false);
    REDLINE_SHA_EIGHT(8, false);
    for (int i = 16; i < 64; i += 8) REDLINE_SHA_EIGHT(i, true);
#undef REDLINE_SHA_EIGHT
#undef REDLINE_SHA_ROUND
    state[0] += a; state[1] += b; state[2] += c; state[3] += d;
    state[4] += e; state[5] += f; state[6] += g; state[7] += h;
  }
}

BlocksFn blocks_hardware() {
#if REDLINE_SHA_NI
  static const bool has = cpu_has_sha_ni();
  return has ? &blocks_sha_ni : nullptr;
#else
  return nullptr;
#endif
}

}  // namespace sha256_detail

Sha256::Sha256()
    : h_{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19} {}

void Sha256::block(const std::uint8_t* p, std::size_t n) { chosen_blocks()(h_.data(), p, n); }

void Sha256::update(const void* data, std::size_t size) {
  const auto* p = static_cast<const std::uint8_t*>(data);
  total_ += size;
  if (used_ > 0) {
    std::size_t take = std::min(size, buf_.size() - used_);
    std::memcpy(buf_.data() + used_, p, take);
    used_ += take; p += take; size -= take;
    if (used_ < buf_.size()) return;
    block(buf_.data(), 1);
    used_ = 0;
  }
  // Whole blocks straight from the input, without copying, in one call.
  if (size >= 64) {
    block(p, size / 64);
    p += size / 64 * 64;
    size %= 64;
  }
  if (size > 0) {
    std::memcpy(buf_.data(), p, size);
    used_ = size;
  }
}

std::array<std::uint8_t, 32> Sha256::finish() {
  std::uint64_t bits = total_ * 8;
  // Padding: 0x80, zeros up to 56 mod 64, then the length in bits, big-endian.
  std::uint8_t pad[72] = {0x80};
  std::size_t pad_len = (used_ < 56 ? 56 - used_ : 120 - used_);
  for (int i = 0; i < 8; ++i) pad[pad_len + i] = static_cast<std::uint8_t>(bits >> (56 - 8 * i));
  std::uint64_t keep = total_;
  update(pad, pad_len + 8);
  total_ = keep;
  std::array<std::uint8_t, 32> out{};
  for (int i = 0; i < 8; ++i) {
    out[4 * i] = static_cast<std::uint8_t>(h_[i] >> 24);
    out[4 * i + 1] = static_cast<std::uint8_t>(h_[i] >> 16);
    out[4 * i + 2] = static_cast<std::uint8_t>(h_[i] >> 8);
    out[4 * i + 3] = static_cast<std::uint8_t>(h_[i]);
  }
  return out;
}

std::string sha256_hex(const void* data, std::size_t size) {
  Sha256 s;
  s.update(data, size);
  return s.finish_hex();
}

std::string Sha256::finish_hex() {
  auto d = finish();
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (auto b : d) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string sha256_hex(const std::vector<std::uint8_t>& bytes) { return sha256_hex(bytes.data(), bytes.size()); }
std::string sha256_hex(std::string_view text) { return sha256_hex(text.data(), text.size()); }

}  // namespace redline
