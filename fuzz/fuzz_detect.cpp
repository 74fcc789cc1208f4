// Format detection on arbitrary bytes, and load_snapshot for every input no loader
// takes (empty, unknown, UTF-16, compressed, pg_dump -Fc): those must be refused
// with a message naming the file and the format, whatever the bytes.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/load/snapshot.hpp"
#include "fuzz_common.hpp"

namespace {

[[noreturn]] void bug(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_detect: %s: %s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace redline;
  const Format f = detect_format(data, size);
  if (detect_format(data, size) != f) bug("detection is not deterministic", format_name(f));
  // Detection looks at the start of the file only: what follows a long prefix never
  // changes the verdict for the binary signatures.
  if (f == Format::Sqlite || f == Format::PgCustom || f == Format::Compressed) {
    std::vector<std::uint8_t> longer(data, data + size);
    longer.push_back(0x5a);
    if (size >= 16 && detect_format(longer.data(), longer.size()) != f) bug("a trailing byte changed the format", format_name(f));
  }
  if (size != 0 && f != Format::Unknown && f != Format::PgCustom && f != Format::Compressed) return 0;

  std::vector<std::uint8_t> bytes(data, data + size);
  auto r = load_snapshot(bytes, "fuzz-input.bin");
  if (r.ok()) bug("a file no loader takes was loaded", format_name(f));
  fuzz::check(r);
  const std::string where = r.error().context;
  if (where.find("fuzz-input.bin") == std::string::npos) bug("the message does not name the file", r.error().describe());
  if (where.find("format: ") == std::string::npos) bug("the message does not name the format", r.error().describe());
  if (where.find("byte ") == std::string::npos) bug("the message does not say where", r.error().describe());
  return 0;
}
