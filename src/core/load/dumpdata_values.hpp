// Value conversions of the dumpdata loader: from what Django's JSON serializer
// writes to what Django's SQLite backend stores for the same value (spec §1,
// canonical form). Kept apart from the streaming parser so each rule can be tested
// on its own.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace redline::detail::dumpdata {

// How a column's declared type (from the CRM's DDL) asks values to be written.
enum class ColumnKind {
  Integer,   // "integer", "integer unsigned": ids and foreign keys
  Bool,      // "bool": stored 0/1
  DateTime,  // "datetime": naive UTC text
  Date,      // "date": YYYY-MM-DD
  Decimal,   // "decimal": text handed to SQLite's NUMERIC affinity, as Django does
  Text,      // "varchar(n)", "text" and anything else: text byte for byte
  Any,       // a column Redline inferred (a field the CRM's schema does not name):
             // each JSON value as it is (integer, real, 0/1, text)
};

ColumnKind column_kind(std::string_view declared_type);

// A datetime as Django's JSON serializer writes it ("2023-02-21T21:44:10Z",
// "...T21:44:10.123Z", "...+02:00", or naive) to the text Django's SQLite backend
// stores: naive UTC "YYYY-MM-DD HH:MM:SS" plus ".ffffff" only when the microseconds
// are not zero (Python's str(datetime)). Accepts what Django's parse_datetime
// accepts, and a bare date (midnight), as DateTimeField.to_python does.
// Returns nullptr and fills `out`, or a reason the value is not a datetime.
// `naive` is set when the value carried no offset (it is taken as UTC).
const char* canonical_datetime(std::string_view in, std::string& out, bool& naive);

// Whether `in` has exactly the form Django's JSON serializer gives an aware
// datetime: "YYYY-MM-DDTHH:MM:SS", an optional fraction, then "Z" or "+HH:MM" /
// "-HH:MM" (and is a real datetime). What a column Redline inferred must hold in
// every value to be taken for a DateTimeField (a bare "2025-03-01" or a naive
// "2025-03-01T09:30:00" could be any text, so they do not count).
bool is_serialized_datetime(std::string_view in);

// A date "YYYY-MM-DD" (Django's parse_date: month and day may have one digit),
// checked and written zero-padded. Returns nullptr or a reason.
const char* canonical_date(std::string_view in, std::string& out);

// A whole decimal integer with an optional sign, in int64 range.
bool parse_int64(std::string_view s, std::int64_t& out);

// A finite decimal number as Python's Decimal() reads it (sign, digits, point,
// exponent; no NaN/Infinity, no surrounding spaces).
bool is_decimal_literal(std::string_view s);

}  // namespace redline::detail::dumpdata
