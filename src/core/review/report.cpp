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

nlohmann::ordered_json Report::document(bool with_large) const {
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
  // Without them: null in their places, for to_json_text() to write from the report.
  j["diff"] = with_large ? diff : nlohmann::ordered_json();
  j["checks"] = with_large ? checks : nlohmann::ordered_json();
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

nlohmann::ordered_json Report::to_json() const { return document(true); }

std::string Report::to_json_text(int indent) const {
  try {
    // The document's members written one by one, "diff" and "checks" from the report's
    // own trees: to_json() would copy both (the checks' evidence is several MB at
    // ~300k rows, the engine's peak) only to write them out. nlohmann's own serializer
    // writes each member at the depth it has in the document, so the bytes are
    // to_json().dump(indent)'s (a test holds them equal).
    using Json = nlohmann::ordered_json;
    const Json doc = document(false);
    const bool pretty = indent >= 0;
    const auto step = static_cast<unsigned>(pretty ? indent : 0);
    std::string out = pretty ? "{\n" : "{";
    nlohmann::detail::serializer<Json> writer(nlohmann::detail::output_adapter<char>(out), ' ',
                                              Json::error_handler_t::replace);
    bool first = true;
    for (const auto& [key, value] : doc.items()) {
      if (!first) out += pretty ? ",\n" : ",";
      first = false;
      out.append(step, ' ');
      writer.dump(Json(key), false, false, 0);
      out += pretty ? ": " : ":";
      const Json& member = key == "diff" ? diff : key == "checks" ? checks : value;
      writer.dump(member, pretty, false, step, step);
    }
    out += pretty ? "\n}\n" : "}\n";
    return out;
  } catch (const std::exception& e) {
    // Only an allocation failure can get here; say so instead of throwing.
    return std::string("{\"error\": \"cannot write the report\"}\n");
  }
}

}  // namespace redline
