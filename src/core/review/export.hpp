// Exporters: a loaded CRM database (any SQLite database in the canonical form of
// spec §1) written back out as the other two snapshot formats, so a generated
// snapshot exists as a SQLite file, pg_dump plain SQL and Django dumpdata JSON at any
// size (benchmarks, round-trip tests, people who want to try the pg_dump path).
//
//  - pg_dump: what pg_dump 15 writes for these tables: the SET header, CREATE TABLE
//    with PostgreSQL types (varchar(n) -> character varying(n), datetime ->
//    timestamp with time zone, bool -> boolean, decimal -> numeric(p,s), ...), the id
//    sequences, COPY blocks in the text format (\\ \t \n \r \b \f \v escaped, \N for
//    NULL), setval(), then primary keys, unique constraints, indexes and foreign keys.
//    Foreign keys that rows of the snapshot break (SQLite does not enforce them) are
//    written NOT VALID, so PostgreSQL accepts the file as it stands.
//  - dumpdata: Django's JSON serializer's output: {"model", "pk", "fields"} per row,
//    foreign keys under the field name (no _id), datetimes ISO 8601 with Z (Django
//    keeps milliseconds; six digits are written only when the microseconds are not
//    whole milliseconds, so nothing is lost), booleans, decimals as strings,
//    many-to-many fields as lists of pks. Tables that are no Django model of the CRM
//    (django_migrations, sqlite_sequence, foreign tables) are left out, as dumpdata
//    leaves them out; the summary says which.
//
// Both read the database through one read transaction; neither changes it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace redline {

enum class ExportFormat { PgDump, DumpData };

// "pgdump" / "dumpdata"; anything else is a Usage error.
Result<ExportFormat> parse_export_format(std::string_view text);
const char* export_format_name(ExportFormat f);

struct ExportSummary {
  std::map<std::string, std::int64_t> tables;  // table -> rows written
  std::vector<std::string> warnings;           // what was left out or weakened, and why
  std::uint64_t bytes = 0;
};

// The whole export as one string (a 1M-row snapshot gives about 100 MB of pg_dump).
Result<std::string> export_snapshot(sql::Database& db, ExportFormat format, ExportSummary* summary = nullptr);

// Django's model label of a CRM table ("users" -> "crmApp.user"), or nullptr for
// tables dumpdata does not write as objects of their own.
const char* dumpdata_label_of_table(std::string_view table);

}  // namespace redline
