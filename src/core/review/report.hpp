// The report of a normalization run (spec §5): what was loaded, with which options,
// the hazards found, each step with the exact SQL it ran. "diff" and "checks" are
// filled by the diff and the verification checklist; the normalizer leaves them empty.
// The CLI's --report and the page's normalize() return this same document.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/migrate/hazards.hpp"
#include "core/result.hpp"
#include "core/load/snapshot.hpp"

namespace redline {

struct ReportInput {
  std::string name;
  std::string format;  // "sqlite", "pgdump", "dumpdata"
  std::string sha256;  // of the bytes the user loaded, unmodified
  std::map<std::string, std::int64_t> tables;  // table -> rows, as loaded
};

// The input section for a loaded snapshot and the bytes it came from.
ReportInput report_input(const LoadSummary& summary, const std::vector<std::uint8_t>& bytes);
// The same when the bytes' SHA-256 (hex) is known (the page hashes in slices).
ReportInput report_input(const LoadSummary& summary, std::string sha256);

struct StepRecord {
  std::string id;     // E1 E2 E3 M1 M2 M3 C1 C2 C3 I1 P1
  std::string title;
  // "done": ran in this run; "already_done": the snapshot had it already, nothing ran;
  // "rolled_back": ran, then undone (a later failure, a cancel, a --strict refusal);
  // "failed": this step's error stopped the run.
  std::string status;
  std::vector<std::string> sql;  // every statement run, in order (the failing one last)
  std::int64_t rows_affected = 0;
  double ms = 0;
  std::string note;   // why something was skipped or what was partly done already

  nlohmann::ordered_json to_json(bool timings) const;
};

// A column of a CRM table that the spec does not name (the project's own, e.g. a
// field a later migration added): carried through the run untouched (spec §1).
struct CarriedColumn {
  std::string table, column;
  std::string type;  // declared type, as in the table's DDL
  bool not_null = false;
};

struct Report {
  ReportInput input;
  nlohmann::ordered_json options = nlohmann::ordered_json::object();
  std::vector<Hazard> hazards;
  std::vector<StepRecord> steps;
  nlohmann::ordered_json diff = nlohmann::ordered_json{{"tables", nlohmann::ordered_json::object()},
                                       {"schema", nlohmann::ordered_json::array()},
                                       {"moves", nlohmann::ordered_json::array()}};
  nlohmann::ordered_json checks = nlohmann::ordered_json::array();
  // Redline's own key (not in spec §5's list): the carried columns, by table and
  // declaration order; written as "carried": [{table, column, type, not_null}].
  std::vector<CarriedColumn> carried;
  // "ok", "refused" (stop resolution or --strict), "failed", "cancelled"; empty while
  // the run has not ended.
  std::string status;
  std::optional<Error> error;  // why the run did not finish
  bool timings = true;         // false: every "ms" is written as 0 (reproducible reports)

  nlohmann::ordered_json to_json() const;
  // to_json().dump(indent) and a newline (indent < 0: on one line), written without
  // copying "diff" and "checks"; invalid UTF-8 in data is replaced, never thrown about.
  std::string to_json_text(int indent = 2) const;

 private:
  // The report as JSON; with_large false: "diff" and "checks" are null.
  nlohmann::ordered_json document(bool with_large) const;
};

}  // namespace redline
