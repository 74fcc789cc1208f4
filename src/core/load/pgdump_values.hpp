// PostgreSQL types and values as the pg_dump loader turns them into what Django
// writes on SQLite (spec §1, canonical form): type classification, SQLite declared
// types for tables the CRM schema does not know, and value conversions (timestamps
// to naive UTC text, booleans to 0/1, bytea to blobs, uuid to Django's 32 hex
// digits). Conversions write into small caller-owned buffers: no allocation per value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace redline::detail::pgdump {

enum class PgKind {
  Integer,      // smallint, integer, bigint (and serials)
  Bool,         // boolean
  Numeric,      // numeric / decimal
  Float,        // real, double precision
  TimestampTz,  // timestamp with time zone
  Timestamp,    // timestamp without time zone
  Date,
  Time,         // time without time zone
  Text,         // text, varchar, char, citext, name
  Uuid,
  Json,         // json, jsonb
  Bytea,
  Interval,
  Other,        // arrays, enums, inet, time with time zone, ...: kept as PostgreSQL's text
};

// Classify a type as written in CREATE TABLE, normalized to lower case with single
// spaces ("character varying(150)", "timestamp(3) with time zone", "integer[]").
PgKind classify_pg_type(std::string_view type);

// The declared SQLite type Django would use for a column of this PostgreSQL type
// ("varchar(150)", "datetime", "bool", "decimal", ...).
std::string sqlite_type_for(std::string_view type, PgKind kind);

// Sizes of the output buffers the conversions below need.
inline constexpr std::size_t kDateTimeBuf = 32;

// "2023-02-21 21:44:10+00", "...:10.5-05:30", "...:10+05:30:17" -> naive UTC
// "YYYY-MM-DD HH:MM:SS[.ffffff]" (fraction written only when not zero, six digits,
// as Django writes). Returns the length written to `out`, or 0 when the value is not
// a timestamp Django can store (infinity, BC, years outside 1..9999, garbage).
std::size_t timestamptz_to_utc(std::string_view in, char* out);
// The same for timestamp without time zone (no offset allowed; fraction normalized).
std::size_t timestamp_normalize(std::string_view in, char* out);
// "HH:MM:SS[.f]" -> "HH:MM:SS[.ffffff]"; 0 when not a valid time.
std::size_t time_normalize(std::string_view in, char* out);
// Whether `in` is a plain "YYYY-MM-DD" date in years 1..9999.
bool valid_date(std::string_view in);

// PostgreSQL's boolean input forms (t/f, true/false, yes/no, on/off, 1/0).
bool parse_bool(std::string_view in, bool& value);
// A canonical decimal integer (no leading zeros, no '+', fits in 64 bits): the form
// for which binding an int64 gives exactly what SQLite's affinity would give the text.
bool parse_int64(std::string_view in, std::int64_t& value);
// bytea hex output ("\x0a0b") -> raw bytes. False for other forms.
bool decode_bytea_hex(std::string_view in, std::string& out);
// "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11" -> 32 lower-case hex digits (Django's
// UUIDField on SQLite). `out` must hold 32 bytes. False when not a UUID.
bool uuid_to_hex32(std::string_view in, char* out);

}  // namespace redline::detail::pgdump
