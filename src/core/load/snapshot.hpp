// Snapshot loading: recognizes an export of the CRM from its content (not its
// name) and loads it into an in-memory SQLite database in the canonical form of
// spec §1. The user's bytes are kept unmodified as the "before" original.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace redline {

enum class Format {
  Sqlite,     // a SQLite database file
  SqliteDump, // the text `sqlite3 FILE .dump` prints (loaded by executing it)
  PgDump,     // pg_dump plain SQL
  DumpData,   // Django dumpdata JSON
  PgCustom,   // pg_dump -Fc (recognized, not loadable)
  Compressed, // gzip / zstd / xz / bzip2 / zip (recognized, not loadable)
  Unknown,
};

const char* format_name(Format f);  // "sqlite", "sqlite-dump", "pgdump", "dumpdata", ...
// The name the report's input.format takes (spec §5 allows sqlite|pgdump|dumpdata):
// a sqlite3 .dump is the same database as the file it was dumped from, so "sqlite".
const char* report_format_name(Format f);

// Decide the format from the first bytes of the file.
Format detect_format(const std::uint8_t* data, std::size_t size);

struct LoadSummary {
  std::string name;
  Format format = Format::Unknown;
  std::map<std::string, std::int64_t> tables;  // table -> rows
  std::map<std::string, std::int64_t> skipped; // kind of skipped statement -> count
  std::vector<std::string> warnings;
  std::string wal;  // what was read from a -wal file that came with a SQLite file ("" if none)
  double ms = 0;
  std::uint64_t bytes = 0;
  // What the snapshot is (see recognize.hpp): "before", "after", "partial" or
  // "not_crm", and a sentence saying so (with what is missing, or which steps are done).
  std::string kind;
  std::string recognition;
};

// A SQLite main file's -wal file, when one comes with it (read, never written).
struct WalInput {
  std::vector<std::uint8_t> bytes;
  std::string name;
};

struct Snapshot {
  sql::Database db;
  LoadSummary summary;
};

// Load `bytes` (named `name` for messages) into a new in-memory database. A SQLite
// file in WAL mode is read with `wal` (its -wal file) when given: the database as
// of the WAL's last commit (see wal.hpp); without it, as of its last checkpoint,
// with a warning saying no -wal came with it.
Result<Snapshot> load_snapshot(const std::vector<std::uint8_t>& bytes, const std::string& name,
                               const WalInput* wal = nullptr);

// Fill the summary's table row counts and recognition from a loaded database
// (load_snapshot does this; so does the page for the generated demo).
Status describe_snapshot(sql::Database& db, LoadSummary& summary);

// Row counts of every user table (sqlite_* excluded), in name order.
Result<std::map<std::string, std::int64_t>> table_row_counts(sql::Database& db);

}  // namespace redline
