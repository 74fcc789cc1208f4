// The report (spec §5) for people: Markdown, and one self-contained HTML file (inline
// CSS, no script, no external asset or font: it opens offline, from file://, and reads
// top-down for a non-developer: summary, hazards, checklist, changes per table with
// example rows, moves, steps with their SQL folded). JSON is Report::to_json_text();
// CSV of a table's changed rows is diff::export_csv.
//
// Everything rendered from data is escaped (HTML: & < > " '; Markdown: its own
// punctuation and table pipes too); invalid UTF-8 becomes U+FFFD; control characters
// in values are shown (tab as ⇥, line breaks kept, others as \xNN).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/diff/diff.hpp"
#include "core/review/report.hpp"
#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace redline {

struct RenderOptions {
  // For example rows (before/after values): the diff and the two databases it compared.
  // Without them the per-table section shows counts only.
  const diff::DiffResult* diff = nullptr;
  sql::Database* before = nullptr;
  sql::Database* after = nullptr;
  std::size_t examples_per_kind = 3;  // rows per table and kind of change
  std::size_t max_ids = 40;           // ids listed per hazard or check (then "... N more")
  std::size_t max_details = 25;       // detail rows per hazard, lost values listed
  std::string generator = "Redline";  // shown in the footer (e.g. "Redline 0.1.0")
};

Result<std::string> render_html(const Report& report, const RenderOptions& options = {});
Result<std::string> render_markdown(const Report& report, const RenderOptions& options = {});

// Escaping, exposed for tests and other renderers.
std::string html_escape(std::string_view text);      // also repairs invalid UTF-8
std::string markdown_escape(std::string_view text);  // for a table cell or a line of text
std::string valid_utf8(std::string_view text);       // invalid sequences -> U+FFFD

}  // namespace redline
