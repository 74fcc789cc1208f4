#include "core/load/wal.hpp"

#include <algorithm>
#include <cstring>

namespace redline {

namespace {

constexpr std::size_t kWalHeader = 32;
constexpr std::size_t kFrameHeader = 24;

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}
std::uint32_t le32(const std::uint8_t* p) {
  return (std::uint32_t{p[3]} << 24) | (std::uint32_t{p[2]} << 16) | (std::uint32_t{p[1]} << 8) | p[0];
}

// SQLite's WAL checksum: pairs of 32-bit words (big-endian when the magic number's
// low bit is set, little-endian otherwise) folded into two running sums.
void checksum(bool big_endian, const std::uint8_t* p, std::size_t n, std::uint32_t& s1, std::uint32_t& s2) {
  for (std::size_t i = 0; i + 8 <= n; i += 8) {
    std::uint32_t x0 = big_endian ? be32(p + i) : le32(p + i);
    std::uint32_t x1 = big_endian ? be32(p + i + 4) : le32(p + i + 4);
    s1 += x0 + s2;
    s2 += x1 + s1;
  }
}

std::uint32_t page_size_of(std::uint32_t field) { return field == 1 ? 65536 : field; }

}  // namespace

bool sqlite_wal_mode(const std::uint8_t* header, std::size_t size) {
  return size >= 20 && header[18] == 2 && header[19] == 2;
}

Result<WalApplied> apply_wal(const std::vector<std::uint8_t>& main, const std::vector<std::uint8_t>& wal,
                             const std::string& main_name, const std::string& wal_name) {
  const std::string ctx = wal_name + ", format: sqlite WAL (the -wal of " + main_name + "), byte ";
  // What to do when the WAL cannot be used: it may not belong to this database.
  const std::string instead =
      ". If it is not " + main_name + "'s own -wal file, move it away and load " + main_name +
      " alone (as of its last checkpoint); if it is, let SQLite fold in what it can on a copy: cp " + main_name +
      " " + wal_name + " /tmp/ and run sqlite3 /tmp/<main file> \"PRAGMA journal_mode=DELETE\", then load the copy";
  // The caller checked `main` as a SQLite file; a short one is still refused here,
  // not read past its end (the fuzzer hands over anything).
  if (main.size() < 100) {
    return make_error(ErrorCode::BadInput,
                      main_name + " is " + std::to_string(main.size()) +
                          " bytes, shorter than a SQLite file's 100-byte header: it has no database the -wal "
                          "could belong to",
                      ctx + "0");
  }
  WalApplied out;
  out.image = main;
  const std::uint32_t page = page_size_of((std::uint32_t{main[16]} << 8) | main[17]);
  if (!wal.empty()) {
    if (wal.size() < kWalHeader) {
      return make_error(ErrorCode::BadInput,
                        "the -wal file is " + std::to_string(wal.size()) +
                            " bytes, shorter than the 32-byte WAL header (truncated?)" + instead,
                        ctx + std::to_string(wal.size()) + " (end of file)");
    }
    const std::uint32_t magic = be32(&wal[0]);
    if (magic != 0x377f0682 && magic != 0x377f0683) {
      return make_error(ErrorCode::BadInput, "this is not a SQLite WAL file (no WAL magic number)" + instead,
                        ctx + "0 (WAL header: magic number)");
    }
    const bool big = (magic & 1) != 0;
    std::uint32_t s1 = 0, s2 = 0;
    checksum(big, wal.data(), 24, s1, s2);
    if (s1 != be32(&wal[24]) || s2 != be32(&wal[28])) {
      return make_error(ErrorCode::BadInput, "the WAL header's checksum does not match its contents" + instead,
                        ctx + "24 (WAL header: checksum)");
    }
    const std::uint32_t wal_page = be32(&wal[8]);
    if (wal_page != page) {
      return make_error(ErrorCode::BadInput,
                        "the WAL's page size is " + std::to_string(wal_page) + " but " + main_name + "'s is " +
                            std::to_string(page) + ": the -wal file belongs to another database" + instead,
                        ctx + "8 (WAL header: page size)");
    }
    const std::uint8_t* salt = &wal[16];
    const std::size_t frame = kFrameHeader + page;
    // First pass: how far the log is valid, and where its last commit is.
    std::size_t valid = 0, last_commit = 0, commits = 0;
    std::size_t off = kWalHeader;
    for (; off + frame <= wal.size(); off += frame) {
      const std::uint8_t* f = &wal[off];
      if (std::memcmp(f + 8, salt, 8) != 0 || be32(f) == 0) break;
      checksum(big, f, 8, s1, s2);
      checksum(big, f + kFrameHeader, page, s1, s2);
      if (s1 != be32(f + 16) || s2 != be32(f + 20)) {
        // A torn write at the end of the log is normal (that transaction never
        // committed); a bad frame with committed frames of this log after it means
        // committed changes are lost, which SQLite would silently drop.
        for (std::size_t later = off + frame; later + frame <= wal.size(); later += frame) {
          if (std::memcmp(&wal[later + 8], salt, 8) == 0 && be32(&wal[later + 4]) != 0) {
            return make_error(ErrorCode::BadInput,
                              "frame " + std::to_string((off - kWalHeader) / frame + 1) +
                                  " of the -wal file has a wrong checksum, and committed transactions follow "
                                  "it: the -wal file is damaged and loading it would lose committed rows" + instead,
                              ctx + std::to_string(off) + " (frame " + std::to_string((off - kWalHeader) / frame + 1) +
                                  ", page " + std::to_string(be32(f)) + ")");
          }
        }
        break;
      }
      ++valid;
      if (be32(f + 4) != 0) {
        last_commit = valid;
        ++commits;
      }
    }
    // Frames the log holds beyond its last commit: uncommitted, or left from before
    // a checkpoint restarted the log (other salts). SQLite ignores them too.
    out.ignored = (wal.size() - kWalHeader) / frame - last_commit;
    out.frames = last_commit;
    out.commits = commits;
    // Second pass: apply the committed frames in order (a later frame of a page wins).
    // A page past the main file's end must come from the WAL, so no valid log makes
    // the database larger than the main file plus its frames; a number beyond that
    // is damage (and must not size an allocation).
    std::size_t db_pages = main.size() / page;
    const std::size_t most = db_pages + last_commit;
    for (std::size_t k = 0; k < last_commit; ++k) {
      const std::uint8_t* f = &wal[kWalHeader + k * frame];
      const std::uint32_t pgno = be32(f);
      if (pgno > most || be32(f + 4) > most) {
        const std::size_t at = kWalHeader + k * frame;
        return make_error(ErrorCode::BadInput,
                          "frame " + std::to_string(k + 1) + " of the -wal file names page " +
                              std::to_string(std::max(pgno, be32(f + 4))) + ", beyond the " + std::to_string(most) +
                              " pages the main file and the log can hold: the -wal file is damaged" + instead,
                          ctx + std::to_string(at) + " (frame " + std::to_string(k + 1) + ")");
      }
      if (pgno > out.image.size() / page) out.image.resize(std::size_t{pgno} * page, 0);
      std::memcpy(&out.image[std::size_t{pgno - 1} * page], f + kFrameHeader, page);
      if (be32(f + 4) != 0) db_pages = be32(f + 4);
    }
    // The last commit says how many pages the database has (a VACUUM may shrink it).
    out.image.resize(db_pages * page, 0);
  }
  // Opened as a rollback-journal database: an in-memory image has no -wal beside it.
  out.image[18] = out.image[19] = 1;
  return out;
}

std::optional<Error> wal_file_needed(const std::vector<std::uint8_t>& main, const std::string& name) {
  if (main.size() < 100 || std::memcmp(main.data(), "SQLite format 3", 16) != 0 ||
      !sqlite_wal_mode(main.data(), main.size())) {
    return std::nullopt;
  }
  return make_error(ErrorCode::Unsupported,
                    name + " is a SQLite database in WAL mode: its latest changes may be in " + name +
                        "-wal, a second file beside it, which did not come with it, and loading " + name +
                        " alone could miss rows. Drop (or choose) " + name + " and " + name +
                        "-wal together; or run sqlite3 " + name +
                        " \"PRAGMA journal_mode=DELETE\" (it folds the -wal into the file and leaves WAL mode) and "
                        "load " + name + " again",
                    name + ", format: sqlite, byte 18 (header: WAL mode)");
}

std::string wal_note(const WalApplied& w, const std::string& wal_name) {
  std::string s = "read " + wal_name + ": " + std::to_string(w.commits) + " committed transaction(s), " +
                  std::to_string(w.frames) + " page frame(s) applied";
  if (w.ignored) {
    s += "; " + std::to_string(w.ignored) +
         " frame(s) after the last commit ignored (not committed, or left from before a checkpoint, as SQLite "
         "ignores them)";
  }
  return s;
}

}  // namespace redline
