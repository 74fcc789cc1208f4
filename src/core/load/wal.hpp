// A SQLite database in WAL mode, read with its -wal file: the WAL's committed
// frames patched into a copy of the main file's pages, in memory.
//
// Why in memory and not by letting SQLite open both files: the page (wasm) has no
// file system beyond MEMFS, and the CLI must never write beside the user's files
// (SQLite opening a WAL database writes a -shm and may checkpoint into the main
// file). The WAL format is small and documented (sqlite.org/fileformat2.html §4):
// a 32-byte header, then frames of a 24-byte header and one page; a frame counts
// when its salts match the header's and its cumulative checksum is right, and only
// frames up to the last valid commit frame are part of the database, which is what
// SQLite's own recovery reads. The same code serves both builds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace redline {

struct WalApplied {
  std::vector<std::uint8_t> image;  // the database as of the WAL's last commit
  std::size_t frames = 0;           // frames applied (up to and with the last commit)
  std::size_t commits = 0;          // committed transactions among them
  std::size_t ignored = 0;          // frames after the last commit (not committed) or stale
};

// True when a SQLite header (>= 20 bytes) says the database is in WAL mode.
bool sqlite_wal_mode(const std::uint8_t* header, std::size_t size);

// `main` (a whole SQLite file in WAL mode, already checked as a SQLite file) with
// the committed frames of `wal` applied. The image's header is marked as a
// rollback-journal database (bytes 18/19 = 1) so it opens without a -wal. Errors
// (naming `wal_name`): a WAL header that is not one, a page size other than the main
// file's, a damaged frame followed by committed ones.
Result<WalApplied> apply_wal(const std::vector<std::uint8_t>& main, const std::vector<std::uint8_t>& wal,
                             const std::string& main_name, const std::string& wal_name);

// The page's refusal of a SQLite file in WAL mode that came without its -wal: a
// browser gets only the files the user drops, so it cannot tell whether a -wal was
// left beside it (whose committed rows a load of the main file alone would miss).
// Nothing when `main` is not a SQLite file in WAL mode.
std::optional<Error> wal_file_needed(const std::vector<std::uint8_t>& main, const std::string& name);

// The sentence a summary carries about a WAL that was read.
std::string wal_note(const WalApplied& w, const std::string& wal_name);

}  // namespace redline
