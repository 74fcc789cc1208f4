#include "core/migrate/normalize_options.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace redline {

const char* to_string(CollisionResolution r) {
  switch (r) {
    case CollisionResolution::Suffix: return "suffix";
    case CollisionResolution::Link: return "link";
    case CollisionResolution::Stop: return "stop";
  }
  return "suffix";
}

const char* to_string(OverwriteResolution r) {
  switch (r) {
    case OverwriteResolution::EmployeeWins: return "employee_wins";
    case OverwriteResolution::UserWins: return "user_wins";
    case OverwriteResolution::FillBlanks: return "fill_blanks";
  }
  return "employee_wins";
}

const char* to_string(ZipOnlyResolution r) { return r == ZipOnlyResolution::Keep ? "keep" : "guide"; }

Result<NormalizeOptions> options_from_json(const nlohmann::json& j, const std::string& name) {
  if (!j.is_object()) return make_error(ErrorCode::Usage, "options must be a JSON object", name);
  NormalizeOptions o;
  auto bad = [&](const std::string& key, const std::string& why) {
    return make_error(ErrorCode::Usage, "option '" + key + "': " + why, name);
  };
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    const auto& v = it.value();
    if (key == "username_collision") {
      if (!v.is_string()) return bad(key, "expected a string");
      auto s = v.get<std::string>();
      if (s == "suffix") o.username_collision = CollisionResolution::Suffix;
      else if (s == "link") o.username_collision = CollisionResolution::Link;
      else if (s == "stop") o.username_collision = CollisionResolution::Stop;
      else return bad(key, "'" + s + "' is not one of suffix, link, stop");
    } else if (key == "contact_overwrite") {
      if (!v.is_string()) return bad(key, "expected a string");
      auto s = v.get<std::string>();
      if (s == "employee_wins") o.contact_overwrite = OverwriteResolution::EmployeeWins;
      else if (s == "user_wins") o.contact_overwrite = OverwriteResolution::UserWins;
      else if (s == "fill_blanks") o.contact_overwrite = OverwriteResolution::FillBlanks;
      else return bad(key, "'" + s + "' is not one of employee_wins, user_wins, fill_blanks");
    } else if (key == "zip_only_address") {
      if (!v.is_string()) return bad(key, "expected a string");
      auto s = v.get<std::string>();
      if (s == "guide") o.zip_only_address = ZipOnlyResolution::Guide;
      else if (s == "keep") o.zip_only_address = ZipOnlyResolution::Keep;
      else return bad(key, "'" + s + "' is not one of guide, keep");
    } else if (key == "now") {
      if (v.is_null()) continue;
      if (!v.is_string()) return bad(key, "expected a string");
      o.now = v.get<std::string>();
      if (!o.now.empty() && !is_valid_timestamp(o.now))
        return bad(key, "'" + o.now + "' is not a timestamp 'YYYY-MM-DD HH:MM:SS[.ffffff]'");
    } else if (key == "strict") {
      if (!v.is_boolean()) return bad(key, "expected true or false");
      o.strict = v.get<bool>();
    } else if (key == "record_timings") {
      if (!v.is_boolean()) return bad(key, "expected true or false");
      o.record_timings = v.get<bool>();
    } else {
      return bad(key, "unknown option (known: username_collision, contact_overwrite, zip_only_address, now, "
                      "strict, record_timings)");
    }
  }
  return o;
}

Result<NormalizeOptions> options_from_json(std::string_view text, const std::string& name) {
  // nlohmann reports errors by throwing; nothing thrown may leave the core.
  try {
    auto j = nlohmann::json::parse(text.begin(), text.end());
    return options_from_json(j, name);
  } catch (const nlohmann::json::parse_error& e) {
    return make_error(ErrorCode::Usage, std::string("options are not valid JSON: ") + e.what(),
                      name + ", byte " + std::to_string(e.byte));
  } catch (const std::exception& e) {
    return make_error(ErrorCode::Usage, std::string("cannot read options: ") + e.what(), name);
  }
}

nlohmann::ordered_json options_to_json(const NormalizeOptions& o) {
  // An ordered, fixed set of keys: the report must be byte-identical between runs.
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["username_collision"] = to_string(o.username_collision);
  j["contact_overwrite"] = to_string(o.contact_overwrite);
  j["zip_only_address"] = to_string(o.zip_only_address);
  j["now"] = o.now;
  j["strict"] = o.strict;
  j["record_timings"] = o.record_timings;
  return j;
}

bool is_valid_timestamp(std::string_view ts) {
  // Shape first, then ranges; no regex (it would throw on some platforms' errors).
  static constexpr std::string_view kShape = "dddd-dd-dd dd:dd:dd";
  if (ts.size() != kShape.size() && ts.size() != kShape.size() + 7) return false;
  for (std::size_t i = 0; i < ts.size(); ++i) {
    char want = i < kShape.size() ? kShape[i] : (i == kShape.size() ? '.' : 'd');
    if (want == 'd' ? (ts[i] < '0' || ts[i] > '9') : ts[i] != want) return false;
  }
  auto num = [&](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) v = v * 10 + (ts[at + i] - '0');
    return v;
  };
  int month = num(5, 2), day = num(8, 2), hour = num(11, 2), minute = num(14, 2), second = num(17, 2);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 59;
}

std::string current_utc_timestamp() {
  auto now = std::chrono::system_clock::now();
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(us / 1000000);
  long micros = static_cast<long>(us % 1000000);
  std::tm tm{};
#if defined(_WIN32)
  gmtime_s(&tm, &secs);
#else
  gmtime_r(&secs, &tm);
#endif
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string out = buf;
  if (micros != 0) {
    std::snprintf(buf, sizeof buf, ".%06ld", micros);
    out += buf;
  }
  return out;
}

}  // namespace redline
