// Rendering a report for people. Both renderers read the report's own JSON (so they
// show exactly what the JSON says) plus, when given, example rows fetched from the
// diffed databases.
#include "core/review/report_render.hpp"

#include <algorithm>
#include <map>

namespace redline {

using nlohmann::ordered_json;

// ---- text hygiene ------------------------------------------------------------------------

std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  for (std::size_t i = 0; i < n;) {
    unsigned char c = p[i];
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = len > 0 && i + len <= n;
    for (std::size_t k = 1; ok && k < len; ++k) ok = (p[i + k] & 0xC0) == 0x80;
    if (ok && len > 1) {
      // Reject overlong forms, surrogates and code points past U+10FFFF.
      std::uint32_t cp = len == 2 ? (c & 0x1Fu) : len == 3 ? (c & 0x0Fu) : (c & 0x07u);
      for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (p[i + k] & 0x3Fu);
      ok = (len == 2 && cp >= 0x80) || (len == 3 && cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) ||
           (len == 4 && cp >= 0x10000 && cp <= 0x10FFFF);
    }
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

namespace {
// One byte of valid UTF-8 into HTML text or an attribute value.
void append_html(std::string& out, char c) {
  switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&#39;"; break;
    default: out += c;  // multi-byte sequences pass byte by byte, whole
  }
}
}  // namespace

std::string html_escape(std::string_view text) {
  std::string s = valid_utf8(text);
  std::string out;
  out.reserve(s.size() + 16);
  for (char c : s) append_html(out, c);
  return out;
}

std::string markdown_escape(std::string_view text) {
  std::string s = valid_utf8(text);
  std::string out;
  out.reserve(s.size() + 16);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '\n': out += "<br>"; break;
      case '\r': break;
      case '\t': out += "&#9;"; break;
      case '\\': case '|': case '*': case '_': case '`': case '[': case ']': case '#': case '~':
        out += '\\';
        out += c;
        break;
      default: out += c;
    }
  }
  return out;
}

namespace {

// The first `max` code points of valid UTF-8 text; `cut` says whether it was shortened.
std::string first_chars(const std::string& s, std::size_t max, bool& cut) {
  std::size_t count = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (count++ == max) break;
  }
  cut = i < s.size();
  return s.substr(0, i);
}

// A data value for HTML: escaped, control characters made visible, cut at `max`.
std::string html_value(std::string_view raw, std::size_t max = 120) {
  bool cut = false;
  std::string s = first_chars(valid_utf8(raw), max, cut);
  std::string out;
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c == '\t') out += "<span class=\"ctl\" title=\"tab\">&#8677;</span>";
    else if (c == '\n') out += "<span class=\"ctl\" title=\"line break\">&#8629;</span>\n";
    else if (c == '\r') out += "<span class=\"ctl\" title=\"carriage return\">&#9229;</span>";
    else if (c < 0x20 || c == 0x7F) {
      static const char* hex = "0123456789ABCDEF";
      out += "<span class=\"ctl\">\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
      out += "</span>";
    } else {
      append_html(out, ch);
    }
  }
  if (cut) out += "<span class=\"muted\">&#8230;</span>";
  if (raw.empty()) return "<span class=\"empty\">(empty)</span>";
  return out;
}

std::string md_value(std::string_view raw, std::size_t max = 80) {
  bool cut = false;
  std::string s = first_chars(valid_utf8(raw), max, cut);
  if (raw.empty()) return "*(empty)*";
  return markdown_escape(s) + (cut ? "…" : "");
}

std::string json_text(const ordered_json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "NULL";
  if (v.is_array()) {
    std::string out;
    for (const auto& x : v) out += (out.empty() ? "" : ", ") + json_text(x);
    return out;
  }
  return v.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

std::string count_of(std::int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string num(const ordered_json& v) {
  if (v.is_number_integer()) {
    // Thousands separated by a thin space: readable, and not a decimal comma anywhere.
    std::string d = std::to_string(v.get<std::int64_t>());
    std::string out;
    std::size_t start = d[0] == '-' ? 1 : 0;
    for (std::size_t i = 0; i < d.size(); ++i) {
      if (i > start && (d.size() - i) % 3 == 0) out += "\u2009";
      out += d[i];
    }
    return out;
  }
  return json_text(v);
}

std::int64_t as_int(const ordered_json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

std::string as_str(const ordered_json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string ids_text(const ordered_json& ids, std::size_t max) {
  std::string out;
  std::size_t k = 0;
  for (const auto& id : ids) {
    if (k == max) {
      out += ", … " + std::to_string(ids.size() - max) + " more";
      break;
    }
    out += (k++ ? ", " : "") + json_text(id);
  }
  return out;
}

const char* status_word(const std::string& s) {
  if (s == "ok") return "Completed";
  if (s == "refused") return "Refused";
  if (s == "failed") return "Failed";
  if (s == "cancelled") return "Cancelled";
  return "Not run";
}

struct Tally {
  std::int64_t pass = 0, fail = 0, warn = 0, manual = 0, ticked = 0;
  std::int64_t blockers = 0, warnings = 0, infos = 0;
  std::int64_t added = 0, removed = 0, changed = 0, cells = 0, tables = 0;
  std::int64_t moved = 0, lost = 0;
};

Tally tally(const ordered_json& j) {
  Tally t;
  for (const auto& c : j["checks"]) {
    std::string s = as_str(c, "status");
    if (s == "pass") ++t.pass;
    else if (s == "fail") ++t.fail;
    else if (s == "warn") ++t.warn;
    else ++t.manual;
    if (c.contains("tick") && c["tick"].value("ticked", false)) ++t.ticked;
  }
  for (const auto& h : j["hazards"]) {
    std::string s = as_str(h, "severity");
    if (s == "blocker") ++t.blockers;
    else if (s == "warning") ++t.warnings;
    else ++t.infos;
  }
  const auto& diff = j["diff"];
  if (diff.contains("tables")) {
    for (const auto& [name, v] : diff["tables"].items()) {
      (void)name;
      std::int64_t a = as_int(v, "added"), r = as_int(v, "removed"), c = as_int(v, "changed");
      t.added += a;
      t.removed += r;
      t.changed += c;
      t.cells += as_int(v, "cells_changed");
      if (a || r || c) ++t.tables;
    }
  }
  if (diff.contains("moves")) {
    for (const auto& m : diff["moves"]) {
      t.moved += as_int(m, "moved");
      t.lost += as_int(m, "lost");
    }
  }
  return t;
}

const char* group_title(const std::string& g) {
  if (g == "data_integrity") return "Data integrity";
  if (g == "api_compatibility") return "API compatibility";
  if (g == "performance") return "Performance";
  if (g == "frontend") return "Frontend";
  return "Other";
}

// The check's ids, per table, shortened.
std::string check_ids_text(const ordered_json& c, std::size_t max) {
  if (!c.contains("rows") || c["rows"].empty()) return {};
  std::string out;
  for (const auto& [table, ids] : c["rows"].items()) {
    out += (out.empty() ? "" : "; ") + table + " " + ids_text(ids, max);
  }
  return out;
}

// ---- example rows ----------------------------------------------------------------------------

struct Examples {
  const diff::TableDiff* table = nullptr;
  std::vector<diff::RowEntry> rows;
};

Result<std::vector<Examples>> fetch_examples(const RenderOptions& o) {
  std::vector<Examples> out;
  if (!o.diff || !o.before || !o.after) return out;
  for (const auto& t : o.diff->tables) {
    if (!t.has_row_changes()) continue;
    Examples e;
    e.table = &t;
    for (auto kind : {diff::RowChange::Changed, diff::RowChange::Added, diff::RowChange::Removed}) {
      if (t.count(kind) == 0) continue;
      auto page = diff::fetch_rows(*o.before, *o.after, t, kind, 0, o.examples_per_kind);
      if (!page) return page.error();
      for (auto& r : page->rows) e.rows.push_back(std::move(r));
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::string value_text(const diff::Value& v) { return v.display(); }

// ---- HTML ------------------------------------------------------------------------------------

constexpr const char* kCss = R"CSS(
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --bg: #f5f7fa; --card: #ffffff;
  --pass: #1e7b4f; --pass-bg: #e3f6ec; --fail: #b42318; --fail-bg: #fdecea; --warn: #9a5b00; --warn-bg: #fff4d6;
  --manual: #3e4c59; --manual-bg: #e9eef3; --info: #1d5fa8; --info-bg: #e6f0fb; --accent: #243b53; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans",
  "DejaVu Sans", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Droid Sans Fallback", sans-serif; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 12.5px; }
header.top { background: var(--accent); color: #fff; padding: 22px 32px 18px; }
header.top .brand { font-size: 12px; letter-spacing: .12em; text-transform: uppercase; opacity: .75; }
header.top h1 { margin: 4px 0 6px; font-size: 24px; font-weight: 600; }
header.top .sub { margin: 0; opacity: .85; font-size: 13px; word-break: break-all; }
header.top .badge { margin-left: 10px; vertical-align: 4px; }
main { max-width: 1200px; margin: 0 auto; padding: 20px 24px 40px; }
nav.toc { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 0 0 18px; font-size: 13px; }
nav.toc a { color: var(--accent); text-decoration: none; border-bottom: 1px solid var(--line); }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 18px 22px; margin: 0 0 18px; }
section h2 { margin: 0 0 12px; font-size: 18px; font-weight: 600; }
section h3 { margin: 18px 0 8px; font-size: 15px; font-weight: 600; }
.muted { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; margin: 0 0 14px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; background: #fbfcfd; }
.card .label { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
.card .value { font-size: 24px; font-weight: 600; margin: 2px 0; }
.card .small { font-size: 12.5px; color: var(--muted); }
.card.fail { border-color: #f4b8b2; background: var(--fail-bg); }
.card.warn { border-color: #f3d58a; background: var(--warn-bg); }
.card.pass { border-color: #a7dcc0; background: var(--pass-bg); }
.badge { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.badge.pass, .badge.ok, .badge.done { color: var(--pass); background: var(--pass-bg); }
.badge.fail, .badge.failed, .badge.refused, .badge.blocker { color: var(--fail); background: var(--fail-bg); }
.badge.warn, .badge.warning, .badge.rolled_back, .badge.cancelled { color: var(--warn); background: var(--warn-bg); }
.badge.manual, .badge.already_done, .badge.pending { color: var(--manual); background: var(--manual-bg); }
.badge.info { color: var(--info); background: var(--info-bg); }
ul.attention { margin: 0; padding-left: 0; list-style: none; }
ul.attention li { padding: 6px 0; border-top: 1px solid var(--line); }
ul.attention li:first-child { border-top: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { font-size: 12px; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: .04em; background: #f8fafc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.ids { font-size: 12.5px; color: var(--muted); max-width: 380px; }
tr.group td { background: #eef2f6; font-weight: 600; color: var(--accent); }
.scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; margin: 6px 0 12px; }
.scroll table { width: auto; min-width: 100%; }
table.rows td, table.rows th { font-size: 12.5px; white-space: pre; }
table.rows td.side { font-size: 10.5px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
table.rows tr.after td { border-bottom: 2px solid var(--line); }
table.rows td.changed { background: #fff1c2; box-shadow: inset 3px 0 0 #e0a800; }
table.rows tr.after td.changed { background: #dcf5e6; box-shadow: inset 3px 0 0 #2f9e63; }
table.rows tr.added td.v { background: #eefaf2; }
table.rows tr.removed td.v { background: #fdf0ef; text-decoration: line-through; text-decoration-color: #d99; }
.absent { color: #9aa5b1; }
.null { color: var(--info); font-style: italic; font-size: 11.5px; }
.empty { color: #9aa5b1; font-style: italic; font-size: 11.5px; }
.ctl { color: #c2410c; background: #fff1e6; border-radius: 3px; padding: 0 2px; font-size: 11px; }
.hazard { border-left: 4px solid var(--line); padding: 6px 0 6px 14px; margin: 0 0 16px; }
.hazard.blocker { border-left-color: var(--fail); }
.hazard.warning { border-left-color: #e0a800; }
.hazard.info { border-left-color: var(--info); }
.hazard p { margin: 4px 0; }
details { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 8px; background: #fbfcfd; }
details summary { cursor: pointer; padding: 8px 12px; list-style-position: inside; }
details[open] summary { border-bottom: 1px solid var(--line); }
details .body { padding: 10px 12px; }
pre { margin: 0; white-space: pre-wrap; word-break: break-word; background: #f3f5f8; border-radius: 6px; padding: 10px 12px; }
.sid { display: inline-block; min-width: 30px; font-weight: 700; color: var(--accent); }
.lost { color: var(--fail); font-weight: 600; }
.errorbox { border: 1px solid #f4b8b2; background: var(--fail-bg); color: var(--fail); border-radius: 8px; padding: 12px 16px; margin: 0 0 18px; }
footer { max-width: 1200px; margin: 0 auto; padding: 0 24px 30px; color: var(--muted); font-size: 12px; }
@media print { body { background: #fff; } section { break-inside: avoid-page; border-color: #ccc; } nav.toc { display: none; } }
)CSS";

class Html {
 public:
  std::string out;
  Html& raw(std::string_view s) {
    out += s;
    return *this;
  }
  Html& text(std::string_view s) {
    out += html_escape(s);
    return *this;
  }
  Html& badge(const std::string& cls, const std::string& label) {
    return raw("<span class=\"badge " + html_escape(cls) + "\">").text(label).raw("</span>");
  }
};

void html_header(Html& h, const ordered_json& j) {
  const auto& in = j["input"];
  std::string status = as_str(j, "status");
  h.raw("<header class=\"top\"><div class=\"brand\">Redline &#183; CRM normalization review</div><h1>");
  std::string name = as_str(in, "name");
  if (auto slash = name.find_last_of("/\\"); slash != std::string::npos) name = name.substr(slash + 1);
  h.text(name.empty() ? std::string("Normalization report") : "Normalization of " + name);
  h.badge(status.empty() ? "pending" : status, status_word(status));
  h.raw("</h1><p class=\"sub\">");
  std::string sub = as_str(in, "name") + " · format " + as_str(in, "format");
  if (j["options"].contains("now")) sub += " · run at " + json_text(j["options"]["now"]) + " UTC";
  if (!as_str(in, "sha256").empty()) sub += " · input SHA-256 " + as_str(in, "sha256");
  h.text(sub).raw("</p></header>\n<main>\n");
}

void html_summary(Html& h, const ordered_json& j, const Tally& t) {
  h.raw("<nav class=\"toc\"><a href=\"#summary\">Summary</a><a href=\"#hazards\">Hazards</a>"
        "<a href=\"#checks\">Checklist</a><a href=\"#changes\">Changes per table</a><a href=\"#moves\">Moved values</a>"
        "<a href=\"#steps\">Steps and SQL</a><a href=\"#options\">Options</a></nav>\n");
  if (j.contains("error")) {
    h.raw("<div class=\"errorbox\"><strong>The run did not finish.</strong> ")
        .text(as_str(j["error"], "message"));
    if (!as_str(j["error"], "context").empty()) h.raw(" <span class=\"mono\">(").text(as_str(j["error"], "context")).raw(")</span>");
    h.raw(" The snapshot was left unchanged.</div>\n");
  }
  h.raw("<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">");
  auto card = [&](const std::string& cls, const std::string& label, const std::string& value, const std::string& small) {
    h.raw("<div class=\"card " + cls + "\"><div class=\"label\">").text(label).raw("</div><div class=\"value\">")
        .text(value).raw("</div><div class=\"small\">").text(small).raw("</div></div>");
  };
  std::int64_t steps_done = 0;
  for (const auto& s : j["steps"]) steps_done += as_str(s, "status") == "done";
  card(as_str(j, "status") == "ok" ? "pass" : as_str(j, "status").empty() ? "" : "fail", "Run",
       status_word(as_str(j, "status")), std::to_string(steps_done) + " of " + std::to_string(j["steps"].size()) + " steps ran");
  card(t.fail ? "fail" : t.warn ? "warn" : "pass", "Checklist",
       std::to_string(t.pass) + " passed",
       std::to_string(t.fail) + " failed · " + count_of(t.warn, "warning", "warnings") + " · " +
           std::to_string(t.manual) + " manual (" + std::to_string(t.ticked) + " ticked)");
  // A blocker the run resolved (it completed) is a warning for the reader, not a stop.
  card(t.blockers && as_str(j, "status") != "ok" ? "fail" : t.blockers || t.warnings ? "warn" : "pass",
       "Hazards found before the run", std::to_string(t.blockers + t.warnings + t.infos),
       count_of(t.blockers, "blocker", "blockers") + " · " + count_of(t.warnings, "warning", "warnings") + " · " +
           std::to_string(t.infos) + " info");
  card("", "Rows changed", num(t.added + t.removed + t.changed),
       num(t.added) + " added · " + num(t.removed) + " removed · " + num(t.changed) + " changed in " +
           count_of(t.tables, "table", "tables"));
  card(t.lost ? "warn" : "", "Values moved", num(t.moved), num(t.lost) + " old values lost (listed below)");
  h.raw("</div>");

  // What a reviewer must look at, in plain words.
  std::vector<std::pair<std::string, std::string>> items;  // badge class, html
  for (const auto& c : j["checks"]) {
    std::string s = as_str(c, "status");
    if (s != "fail" && s != "warn") continue;
    items.emplace_back(s, "<strong>" + html_escape(as_str(c, "title")) + "</strong>: " + html_escape(as_str(c, "detail")));
  }
  for (const auto& hz : j["hazards"]) {
    std::string s = as_str(hz, "severity");
    if (s == "info") continue;
    items.emplace_back(s, "<strong>" + html_escape(as_str(hz, "kind")) + "</strong>: " + html_escape(as_str(hz, "message")));
  }
  h.raw("<h3>Needs your attention</h3>");
  if (items.empty()) {
    h.raw("<p class=\"muted\">Nothing: every evaluated check passed and no hazard needs a decision.</p>");
  } else {
    h.raw("<ul class=\"attention\">");
    std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
      auto rank = [](const std::string& s) { return s == "fail" || s == "blocker" ? 0 : 1; };
      return rank(a.first) < rank(b.first);
    });
    for (const auto& [cls, html] : items) {
      h.raw("<li>").badge(cls, cls == "fail" ? "failed" : cls == "warn" ? "warning" : cls).raw(" ").raw(html).raw("</li>");
    }
    h.raw("</ul>");
  }
  h.raw("</section>\n");
}

void html_hazards(Html& h, const ordered_json& j, const RenderOptions& o) {
  h.raw("<section id=\"hazards\"><h2>Hazards</h2>");
  if (j["hazards"].empty()) h.raw("<p class=\"muted\">None found.</p>");
  for (const auto& hz : j["hazards"]) {
    std::string sev = as_str(hz, "severity");
    h.raw("<div class=\"hazard " + html_escape(sev) + "\"><p>").badge(sev, sev).raw(" <strong>")
        .text(as_str(hz, "kind")).raw("</strong> <span class=\"muted\">on ").text(as_str(hz, "table"))
        .raw("</span></p><p>").text(as_str(hz, "message")).raw("</p>");
    if (!hz["ids"].empty())
      h.raw("<p class=\"muted\">Rows (").text(as_str(hz, "table")).raw(" ids): ").text(ids_text(hz["ids"], o.max_ids)).raw("</p>");
    const auto& details = hz["details"];
    if (details.is_array() && !details.empty() && details[0].is_object()) {
      std::vector<std::string> keys;
      for (const auto& d : details)
        for (const auto& [k, v] : d.items()) {
          (void)v;
          if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
        }
      h.raw("<div class=\"scroll\"><table class=\"rows\"><thead><tr>");
      for (const auto& k : keys) h.raw("<th>").text(k).raw("</th>");
      h.raw("</tr></thead><tbody>");
      std::size_t n = 0;
      for (const auto& d : details) {
        if (n++ == o.max_details) break;
        h.raw("<tr>");
        for (const auto& k : keys) {
          h.raw("<td>");
          if (!d.contains(k)) h.raw("<span class=\"absent\">&#8212;</span>");
          else if (d[k].is_string()) h.raw(html_value(d[k].get<std::string>()));
          else h.text(json_text(d[k]));
          h.raw("</td>");
        }
        h.raw("</tr>");
      }
      h.raw("</tbody></table></div>");
      if (details.size() > o.max_details)
        h.raw("<p class=\"muted\">… and ").text(std::to_string(details.size() - o.max_details)).raw(" more (all are in the JSON report).</p>");
    }
    h.raw("</div>");
  }
  h.raw("</section>\n");
}

void html_checks(Html& h, const ordered_json& j, const RenderOptions& o) {
  h.raw("<section id=\"checks\"><h2>Verification checklist</h2>");
  if (j["checks"].empty()) {
    h.raw("<p class=\"muted\">Not evaluated (the run did not finish, or no review was asked for).</p></section>\n");
    return;
  }
  h.raw("<div class=\"scroll\"><table><thead><tr><th>Status</th><th>Item</th><th>Result</th><th>Rows</th></tr></thead><tbody>");
  std::string group;
  for (const auto& c : j["checks"]) {
    if (as_str(c, "group") != group) {
      group = as_str(c, "group");
      h.raw("<tr class=\"group\"><td colspan=\"4\">").text(group_title(group)).raw("</td></tr>");
    }
    std::string s = as_str(c, "status");
    std::string label = s;
    if (s == "manual" && c.contains("tick") && c["tick"].value("ticked", false)) label = "manual · ticked";
    h.raw("<tr><td>").badge(s, label).raw("</td><td><strong>").text(as_str(c, "title"))
        .raw("</strong><br><span class=\"muted mono\">").text(as_str(c, "id")).raw("</span></td><td>")
        .text(as_str(c, "detail")).raw("</td><td class=\"ids\">").text(check_ids_text(c, o.max_ids)).raw("</td></tr>");
  }
  h.raw("</tbody></table></div></section>\n");
}

void html_row_cells(Html& h, const diff::TableDiff& t, const std::vector<std::size_t>& order,
                    const std::vector<diff::Value>& vals, const std::vector<std::size_t>& changed, bool after_side) {
  for (std::size_t c : order) {
    const bool ch = std::find(changed.begin(), changed.end(), c) != changed.end();
    h.raw(ch ? "<td class=\"v changed\">" : "<td class=\"v\">");
    const diff::Value& v = c < vals.size() ? vals[c] : diff::Value{};
    using T = diff::Value::Type;
    if (v.type == T::Absent) {
      const bool gone = after_side ? !t.columns[c].in_after : !t.columns[c].in_before;
      h.raw(gone ? "<span class=\"absent\" title=\"no such column on this side\">&#8212;</span>" : "");
    } else if (v.type == T::Null) {
      h.raw("<span class=\"null\">NULL</span>");
    } else {
      h.raw(html_value(value_text(v), 80));
    }
    h.raw("</td>");
  }
}

void html_changes(Html& h, const ordered_json& j, const std::vector<Examples>& ex) {
  h.raw("<section id=\"changes\"><h2>Changes per table</h2>");
  const auto& diff = j["diff"];
  if (!diff.contains("tables") || diff["tables"].empty()) {
    h.raw("<p class=\"muted\">No diff in this report.</p></section>\n");
    return;
  }
  h.raw("<div class=\"scroll\"><table><thead><tr><th>Table</th><th class=\"num\">Added</th><th class=\"num\">Removed</th>"
        "<th class=\"num\">Changed</th><th class=\"num\">Cells changed</th></tr></thead><tbody>");
  std::int64_t quiet = 0;
  for (const auto& [name, v] : diff["tables"].items()) {
    if (!as_int(v, "added") && !as_int(v, "removed") && !as_int(v, "changed")) {
      ++quiet;
      continue;
    }
    h.raw("<tr><td class=\"mono\">").text(name).raw("</td><td class=\"num\">").text(num(v["added"]))
        .raw("</td><td class=\"num\">").text(num(v["removed"])).raw("</td><td class=\"num\">").text(num(v["changed"]))
        .raw("</td><td class=\"num\">").text(num(v["cells_changed"])).raw("</td></tr>");
  }
  h.raw("</tbody></table></div><p class=\"muted\">").text(std::to_string(quiet)).raw(" other tables have no row changes.</p>");

  const auto& schema = diff["schema"];
  if (schema.is_array() && !schema.empty()) {
    h.raw("<details><summary><strong>Schema changes</strong> <span class=\"muted\">(").text(std::to_string(schema.size()))
        .raw(")</span></summary><div class=\"body\"><div class=\"scroll\"><table><thead><tr><th>Change</th><th>Table</th>"
             "<th>Name</th><th>Before</th><th>After</th></tr></thead><tbody>");
    for (const auto& c : schema) {
      h.raw("<tr><td>").text(json_text(c["kind"])).raw("</td><td class=\"mono\">").text(json_text(c["table"]))
          .raw("</td><td class=\"mono\">").text(c["name"].is_null() ? "" : json_text(c["name"]))
          .raw("</td><td class=\"mono\">").text(c["before"].is_null() ? "" : json_text(c["before"]))
          .raw("</td><td class=\"mono\">").text(c["after"].is_null() ? "" : json_text(c["after"])).raw("</td></tr>");
    }
    h.raw("</tbody></table></div></div></details>");
  }

  for (const auto& e : ex) {
    const diff::TableDiff& t = *e.table;
    // Key columns first, then the columns that changed in the rows shown, then the rest:
    // what changed is in view without scrolling sideways.
    std::vector<std::size_t> order;
    auto add = [&](std::size_t c) {
      if (std::find(order.begin(), order.end(), c) == order.end()) order.push_back(c);
    };
    for (std::size_t c = 0; c < t.columns.size(); ++c)
      if (t.columns[c].key) add(c);
    for (const auto& r : e.rows)
      for (std::size_t c : r.changed_columns) add(c);
    for (std::size_t c = 0; c < t.columns.size(); ++c) add(c);
    // A separate key cell only where the key is not a column (multiset tables).
    const bool key_cell = t.key_kind == diff::KeyKind::None;
    h.raw("<h3><span class=\"mono\">").text(t.name).raw("</span> <span class=\"muted\">example rows (")
        .text(std::to_string(t.changed.size()) + " changed, " + std::to_string(t.added.size()) + " added, " +
              std::to_string(t.removed.size()) + " removed)")
        .raw("</span></h3><div class=\"scroll\"><table class=\"rows\"><thead><tr><th></th>");
    if (key_cell) h.raw("<th>row</th>");
    for (std::size_t c : order) h.raw("<th>").text(t.columns[c].name).raw("</th>");
    h.raw("</tr></thead><tbody>");
    for (const auto& r : e.rows) {
      const std::string key = diff::row_key_text(t, r);
      if (r.kind == diff::RowChange::Changed) {
        h.raw("<tr class=\"before\"><td class=\"side\">before</td>");
        if (key_cell) h.raw("<td class=\"mono\" rowspan=\"2\">").text(key).raw("</td>");
        html_row_cells(h, t, order, r.before, r.changed_columns, false);
        h.raw("</tr><tr class=\"after\"><td class=\"side\">after</td>");
        html_row_cells(h, t, order, r.after, r.changed_columns, true);
        h.raw("</tr>");
      } else {
        const bool added = r.kind == diff::RowChange::Added;
        h.raw(added ? "<tr class=\"added\"><td class=\"side\">added</td>" : "<tr class=\"removed\"><td class=\"side\">removed</td>");
        if (key_cell) h.raw("<td class=\"mono\">").text(key).raw("</td>");
        html_row_cells(h, t, order, added ? r.after : r.before, {}, added);
        h.raw("</tr>");
      }
    }
    h.raw("</tbody></table></div>");
  }
  if (!ex.empty())
    h.raw("<p class=\"muted\">Changed cells are highlighted (yellow before, green after); &#8212; marks a column the "
          "row does not have on that side. Every changed row is in the CSV export.</p>");
  h.raw("</section>\n");
}

void html_moves(Html& h, const ordered_json& j, const RenderOptions& o) {
  h.raw("<section id=\"moves\"><h2>Moved values</h2>");
  const auto& diff = j["diff"];
  if (!diff.contains("moves") || diff["moves"].empty()) {
    h.raw("<p class=\"muted\">No values moved in this report.</p></section>\n");
    return;
  }
  h.raw("<p class=\"muted\">Where each old column's values went: <em>moved</em> into the new row, <em>unchanged</em> "
        "(the new row already had that value), <em>blank</em> (nothing to move), <em>lost</em> (in no row of the new "
        "structure).</p>");
  h.raw("<div class=\"scroll\"><table><thead><tr><th>From</th><th>To</th><th>Via</th><th class=\"num\">Moved</th>"
        "<th class=\"num\">Unchanged</th><th class=\"num\">Blank</th><th class=\"num\">Lost</th></tr></thead><tbody>");
  for (const auto& m : diff["moves"]) {
    const std::int64_t lost = as_int(m, "lost");
    h.raw("<tr><td class=\"mono\">").text(as_str(m, "from")).raw("</td><td class=\"mono\">").text(as_str(m, "to"))
        .raw("</td><td class=\"muted\">").text(as_str(m, "step") + " · " + as_str(m, "via"));
    if (m.contains("links"))
      h.raw("<br>").text("employees whose user was updated: " + num(m["links"]["updated"]) + ", created: " +
                         num(m["links"]["created"]) + ", linked: " + num(m["links"]["linked"]));
    h.raw("</td><td class=\"num\">").text(num(m["moved"])).raw("</td><td class=\"num\">").text(num(m["unchanged"]))
        .raw("</td><td class=\"num\">").text(num(m["blank"])).raw("</td><td class=\"num\">");
    if (lost) h.raw("<span class=\"lost\">").text(num(m["lost"])).raw("</span>");
    else h.raw("0");
    h.raw("</td></tr>");
  }
  h.raw("</tbody></table></div>");

  const ordered_json* lost = nullptr;
  for (const auto& c : j["checks"])
    if (as_str(c, "id") == "lossless" && c.contains("lost")) lost = &c["lost"];
  if (lost && !lost->empty()) {
    h.raw("<h3>Lost values <span class=\"muted\">(").text(std::to_string(lost->size())).raw(")</span></h3>");
    h.raw("<div class=\"scroll\"><table class=\"rows\"><thead><tr><th>Row</th><th>Column</th><th>Old value (lost)</th>"
          "<th>Value now</th><th>Why</th></tr></thead><tbody>");
    std::size_t n = 0;
    for (const auto& l : *lost) {
      if (n++ == o.max_details) break;
      h.raw("<tr><td class=\"mono\">").text(as_str(l, "table") + " " + json_text(l["id"])).raw("</td><td class=\"mono\">")
          .text(as_str(l, "column")).raw("</td><td class=\"v changed\">").raw(html_value(as_str(l, "old")))
          .raw("</td><td class=\"v\">").raw(html_value(as_str(l, "now"))).raw("</td><td>").text(as_str(l, "reason"))
          .raw("</td></tr>");
    }
    h.raw("</tbody></table></div>");
    if (lost->size() > o.max_details)
      h.raw("<p class=\"muted\">… and ").text(std::to_string(lost->size() - o.max_details)).raw(" more (all are in the JSON report).</p>");
  }
  h.raw("</section>\n");
}

void html_steps(Html& h, const ordered_json& j) {
  h.raw("<section id=\"steps\"><h2>Steps and their SQL</h2><p class=\"muted\">Expand a step to see every statement it ran, in order.</p>");
  for (const auto& s : j["steps"]) {
    std::string st = as_str(s, "status");
    const auto& sql = s["sql"];
    h.raw("<details><summary><span class=\"sid\">").text(as_str(s, "id")).raw("</span> ").text(as_str(s, "title"))
        .raw(" ").badge(st, st).raw(" <span class=\"muted\">").text(num(s["rows_affected"]) + " rows · " +
                                                                    json_text(s["ms"]) + " ms · " +
                                                                    std::to_string(sql.size()) + " statements")
        .raw("</span></summary><div class=\"body\">");
    if (s.contains("note")) h.raw("<p class=\"muted\">").text(as_str(s, "note")).raw("</p>");
    if (sql.empty()) {
      h.raw("<p class=\"muted\">No statement ran.</p>");
    } else {
      std::string all;
      for (const auto& q : sql) all += (all.empty() ? "" : "\n\n") + json_text(q) + (json_text(q).empty() ? "" : ";");
      h.raw("<pre>").text(all).raw("</pre>");
    }
    h.raw("</div></details>");
  }
  h.raw("</section>\n");
}

// ---- Markdown ----------------------------------------------------------------------------

std::string md_fence(const std::string& body) {
  std::size_t run = 0, longest = 0;
  for (char c : body) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return std::string(std::max<std::size_t>(3, longest + 1), '`');
}

// The carried columns (Redline's "carried" key), one line each: "employees.linkedin_url
// varchar(200) NULL". Empty when the report has none.
std::vector<std::string> carried_lines(const ordered_json& j) {
  std::vector<std::string> out;
  if (!j.contains("carried")) return out;
  for (const auto& c : j["carried"])
    out.push_back(as_str(c, "table") + "." + as_str(c, "column") + " " + as_str(c, "type") +
                  (c.value("not_null", false) ? " NOT NULL" : " NULL"));
  return out;
}
constexpr const char* kCarriedIntro =
    "Columns the spec does not name (the project's own), carried through unchanged: definition, values, indexes.";

}  // namespace

Result<std::string> render_html(const Report& report, const RenderOptions& o) {
  try {
    ordered_json j = report.to_json();
    auto ex = fetch_examples(o);
    if (!ex) return ex.error();
    Tally t = tally(j);
    Html h;
    h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    h.text("Redline report: " + as_str(j["input"], "name")).raw("</title>\n<style>").raw(kCss).raw("</style>\n</head>\n<body>\n");
    html_header(h, j);
    html_summary(h, j, t);
    html_hazards(h, j, o);
    if (auto lines = carried_lines(j); !lines.empty()) {
      h.raw("<section id=\"carried\"><h2>Carried columns</h2><p>").text(kCarriedIntro).raw("</p><ul>");
      for (const auto& l : lines) h.raw("<li><code>").text(l).raw("</code></li>");
      h.raw("</ul></section>\n");
    }
    html_checks(h, j, o);
    html_changes(h, j, *ex);
    html_moves(h, j, o);
    html_steps(h, j);
    h.raw("<section id=\"options\"><h2>Options of the run</h2><pre>")
        .text(j["options"].dump(2, ' ', false, ordered_json::error_handler_t::replace))
        .raw("</pre></section>\n</main>\n<footer>").text(o.generator)
        .raw(" · a self-contained file: no scripts, no network, no external fonts. The JSON report holds every id and "
             "value.</footer>\n</body>\n</html>\n");
    return std::move(h.out);
  } catch (const std::exception& e) {
    return make_error(ErrorCode::Internal, std::string("cannot render the HTML report: ") + e.what());
  }
}

Result<std::string> render_markdown(const Report& report, const RenderOptions& o) {
  try {
    ordered_json j = report.to_json();
    auto ex = fetch_examples(o);
    if (!ex) return ex.error();
    Tally t = tally(j);
    std::string m;
    const auto& in = j["input"];
    m += "# Redline report: " + markdown_escape(as_str(in, "name")) + "\n\n";
    m += "**Status:** " + std::string(status_word(as_str(j, "status"))) + " · format " + markdown_escape(as_str(in, "format"));
    if (j["options"].contains("now")) m += " · run at " + markdown_escape(json_text(j["options"]["now"])) + " UTC";
    m += "  \n**Input SHA-256:** `" + as_str(in, "sha256") + "`\n\n";
    if (j.contains("error"))
      m += "> **The run did not finish:** " + markdown_escape(as_str(j["error"], "message")) + " (the snapshot was left unchanged)\n\n";

    m += "## Summary\n\n";
    m += "- Checklist: " + std::to_string(t.pass) + " passed, " + std::to_string(t.fail) + " failed, " +
         std::to_string(t.warn) + " warnings, " + std::to_string(t.manual) + " manual (" + std::to_string(t.ticked) + " ticked)\n";
    m += "- Hazards: " + std::to_string(t.blockers) + " blockers, " + std::to_string(t.warnings) + " warnings, " +
         std::to_string(t.infos) + " info\n";
    m += "- Rows: " + std::to_string(t.added) + " added, " + std::to_string(t.removed) + " removed, " +
         std::to_string(t.changed) + " changed (" + std::to_string(t.cells) + " cells) in " + std::to_string(t.tables) + " tables\n";
    m += "- Values moved: " + std::to_string(t.moved) + "; old values lost: " + std::to_string(t.lost) + "\n\n";

    m += "## Hazards\n\n";
    if (j["hazards"].empty()) m += "None found.\n\n";
    else {
      m += "| Severity | Kind | Table | Rows | Message |\n|---|---|---|---|---|\n";
      for (const auto& hz : j["hazards"])
        m += "| " + markdown_escape(as_str(hz, "severity")) + " | " + markdown_escape(as_str(hz, "kind")) + " | " +
             markdown_escape(as_str(hz, "table")) + " | " + markdown_escape(ids_text(hz["ids"], o.max_ids)) + " | " +
             markdown_escape(as_str(hz, "message")) + " |\n";
      m += "\n";
    }

    if (auto lines = carried_lines(j); !lines.empty()) {
      m += "## Carried columns\n\n" + std::string(kCarriedIntro) + "\n\n";
      for (const auto& l : lines) m += "- " + markdown_escape(l) + "\n";
      m += "\n";
    }

    m += "## Verification checklist\n\n";
    if (j["checks"].empty()) m += "Not evaluated.\n\n";
    else {
      m += "| Status | Group | Item | Result | Rows |\n|---|---|---|---|---|\n";
      for (const auto& c : j["checks"]) {
        std::string s = as_str(c, "status");
        if (s == "manual" && c.contains("tick") && c["tick"].value("ticked", false)) s += " (ticked)";
        m += "| **" + markdown_escape(s) + "** | " + markdown_escape(group_title(as_str(c, "group"))) + " | " +
             markdown_escape(as_str(c, "title")) + " (`" + as_str(c, "id") + "`) | " + markdown_escape(as_str(c, "detail")) +
             " | " + markdown_escape(check_ids_text(c, o.max_ids)) + " |\n";
      }
      m += "\n";
    }

    m += "## Changes per table\n\n";
    const auto& diff = j["diff"];
    if (diff.contains("tables") && !diff["tables"].empty()) {
      m += "| Table | Added | Removed | Changed | Cells changed |\n|---|---:|---:|---:|---:|\n";
      for (const auto& [name, v] : diff["tables"].items()) {
        if (!as_int(v, "added") && !as_int(v, "removed") && !as_int(v, "changed")) continue;
        m += "| " + markdown_escape(name) + " | " + json_text(v["added"]) + " | " + json_text(v["removed"]) + " | " +
             json_text(v["changed"]) + " | " + json_text(v["cells_changed"]) + " |\n";
      }
      m += "\n";
      if (!diff["schema"].empty()) {
        m += "Schema changes:\n\n";
        for (const auto& c : diff["schema"]) {
          m += "- " + markdown_escape(json_text(c["kind"])) + " " + markdown_escape(json_text(c["table"]));
          if (!c["name"].is_null()) m += "." + markdown_escape(json_text(c["name"]));
          if (!c["before"].is_null()) m += ": " + markdown_escape(json_text(c["before"]));
          if (!c["after"].is_null()) m += " → " + markdown_escape(json_text(c["after"]));
          m += "\n";
        }
        m += "\n";
      }
    } else {
      m += "No diff in this report.\n\n";
    }
    for (const auto& e : *ex) {
      const diff::TableDiff& td = *e.table;
      m += "### " + markdown_escape(td.name) + ": example rows\n\n| Change | Key | Column | Before | After |\n|---|---|---|---|---|\n";
      for (const auto& r : e.rows) {
        const std::string key = markdown_escape(diff::row_key_text(td, r));
        if (r.kind == diff::RowChange::Changed) {
          for (std::size_t c : r.changed_columns)
            m += "| changed | " + key + " | " + markdown_escape(td.columns[c].name) + " | " +
                 md_value(value_text(r.before[c])) + " | " + md_value(value_text(r.after[c])) + " |\n";
        } else {
          const bool added = r.kind == diff::RowChange::Added;
          std::string vals;
          const auto& side = added ? r.after : r.before;
          for (std::size_t c = 0; c < td.columns.size() && c < side.size(); ++c) {
            if (side[c].type == diff::Value::Type::Absent) continue;
            vals += (vals.empty() ? "" : "; ") + td.columns[c].name + "=" + side[c].display();
          }
          m += std::string("| ") + (added ? "added" : "removed") + " | " + key + " | (all) | " +
               (added ? "" : md_value(vals, 200)) + " | " + (added ? md_value(vals, 200) : "") + " |\n";
        }
      }
      m += "\n";
    }

    m += "## Moved values\n\n";
    if (diff.contains("moves") && !diff["moves"].empty()) {
      m += "| From | To | Via | Moved | Unchanged | Blank | Lost |\n|---|---|---|---:|---:|---:|---:|\n";
      for (const auto& mv : diff["moves"])
        m += "| " + markdown_escape(as_str(mv, "from")) + " | " + markdown_escape(as_str(mv, "to")) + " | " +
             markdown_escape(as_str(mv, "step") + " · " + as_str(mv, "via")) + " | " + json_text(mv["moved"]) + " | " +
             json_text(mv["unchanged"]) + " | " + json_text(mv["blank"]) + " | " + json_text(mv["lost"]) + " |\n";
      m += "\n";
      for (const auto& c : j["checks"]) {
        if (as_str(c, "id") != "lossless" || !c.contains("lost") || c["lost"].empty()) continue;
        m += "Lost values (" + std::to_string(c["lost"].size()) + "):\n\n| Row | Column | Old value | Value now | Why |\n|---|---|---|---|---|\n";
        std::size_t n = 0;
        for (const auto& l : c["lost"]) {
          if (n++ == o.max_details) break;
          m += "| " + markdown_escape(as_str(l, "table") + " " + json_text(l["id"])) + " | " + markdown_escape(as_str(l, "column")) +
               " | " + md_value(as_str(l, "old")) + " | " + md_value(as_str(l, "now")) + " | " + markdown_escape(as_str(l, "reason")) + " |\n";
        }
        if (c["lost"].size() > o.max_details) m += "\n… and " + std::to_string(c["lost"].size() - o.max_details) + " more (see the JSON report).\n";
        m += "\n";
      }
    } else {
      m += "No values moved in this report.\n\n";
    }

    m += "## Steps and their SQL\n\n";
    for (const auto& s : j["steps"]) {
      m += "### " + markdown_escape(as_str(s, "id")) + " " + markdown_escape(as_str(s, "title")) + " (" +
           markdown_escape(as_str(s, "status")) + ", " + json_text(s["rows_affected"]) + " rows, " + json_text(s["ms"]) + " ms)\n\n";
      if (s.contains("note")) m += markdown_escape(as_str(s, "note")) + "\n\n";
      std::string all;
      for (const auto& q : s["sql"]) all += (all.empty() ? "" : "\n\n") + json_text(q) + ";";
      if (!all.empty()) {
        std::string body = valid_utf8(all);
        std::string fence = md_fence(body);
        m += "<details><summary>" + std::to_string(s["sql"].size()) + " statements</summary>\n\n" + fence + "sql\n" + body +
             "\n" + fence + "\n\n</details>\n\n";
      }
    }
    m += "## Options\n\n```json\n" + j["options"].dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n```\n\n";
    m += "_" + markdown_escape(o.generator) + "_\n";
    return m;
  } catch (const std::exception& e) {
    return make_error(ErrorCode::Internal, std::string("cannot render the Markdown report: ") + e.what());
  }
}

}  // namespace redline
