#include "core/review/report.hpp"

#include "core/sha256.hpp"

namespace redline {

ReportInput report_input(const LoadSummary& summary, const std::vector<std::uint8_t>& bytes) {
  return report_input(summary, sha256_hex(bytes));
}

ReportInput report_input(const LoadSummary& summary, std::string sha256) {
  ReportInput in;
  in.name = summary.name;
  in.format = report_format_name(summary.format);
  in.sha256 = std::move(sha256);
  in.tables = summary.tables;
  return in;
}

nlohmann::ordered_json StepRecord::to_json(bool timings) const {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["id"] = id;
  j["title"] = title;
  j["status"] = status;
  j["sql"] = sql;
  j["rows_affected"] = rows_affected;
  // Rounded to microseconds: more digits are noise and make reports harder to read.
  j["ms"] = timings ? static_cast<double>(static_cast<std::int64_t>(ms * 1000.0 + 0.5)) / 1000.0 : 0.0;
  if (!note.empty()) j["note"] = note;
  return j;
}

nlohmann::ordered_json Report::to_json() const {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  nlohmann::ordered_json in = nlohmann::ordered_json::object();
  in["name"] = input.name;
  in["format"] = input.format;
  in["sha256"] = input.sha256;
  in["tables"] = nlohmann::ordered_json::object();
  for (const auto& [t, n] : input.tables) in["tables"][t] = n;
  j["input"] = std::move(in);
  j["options"] = options;
  j["hazards"] = nlohmann::ordered_json::array();
  for (const auto& h : hazards) j["hazards"].push_back(h.to_json());
  j["steps"] = nlohmann::ordered_json::array();
  for (const auto& s : steps) j["steps"].push_back(s.to_json(timings));
  j["diff"] = diff;
  j["checks"] = checks;
  j["carried"] = nlohmann::ordered_json::array();
  for (const auto& c : carried)
    j["carried"].push_back({{"table", c.table}, {"column", c.column}, {"type", c.type}, {"not_null", c.not_null}});
  if (!status.empty()) j["status"] = status;
  if (error) {
    j["error"] = nlohmann::ordered_json{{"code", to_string(error->code)},
                                {"message", error->message},
                                {"context", error->context}};
  }
  return j;
}

std::string Report::to_json_text(int indent) const {
  try {
    return to_json().dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  } catch (const std::exception& e) {
    // Only an allocation failure can get here; say so instead of throwing.
    return std::string("{\"error\": \"cannot write the report\"}\n");
  }
}

}  // namespace redline
