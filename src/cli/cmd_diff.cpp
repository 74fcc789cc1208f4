// `redline diff BEFORE AFTER [--json D.json]`: load two snapshots (any supported
// format), compare them (core/diff.hpp) and print what changed: a per-table
// summary of row changes, then every schema change. --json writes the summary in
// the shape of the report's "diff" part (spec §5); when BEFORE is the CRM in its old
// structure and AFTER normalized, it includes "moves" (core/moves.hpp).
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>

#include "cli/cli.hpp"
#include "core/diff/diff.hpp"
#include "core/io.hpp"
#include "core/review/moves.hpp"
#include "core/load/recognize.hpp"
#include "core/load/snapshot.hpp"

namespace redline::cli {

namespace {

const char* presence_note(diff::TablePresence p) {
  switch (p) {
    case diff::TablePresence::AddedTable: return " (new)";
    case diff::TablePresence::DroppedTable: return " (dropped)";
    case diff::TablePresence::Both: return "";
  }
  return "";
}

}  // namespace

int cmd_diff(int argc, char** argv) {
  auto args = parse_args(argc, argv, 2, {"--json"});
  if (!args) return usage_error(args.error().message);
  if (args->positional.size() != 2) return usage_error("diff takes exactly two snapshots: BEFORE AFTER");
  int json_count = 0;
  for (const auto& [k, v] : args->options) json_count += k == "--json" ? 1 : 0;
  if (json_count > 1) return usage_error("--json is given more than once");
  if (args->has("--json") && args->get("--json").empty()) return usage_error("--json needs a file name");

  auto before = load_input(args->positional[0]);
  if (!before) return fail(before.error());
  auto after = load_input(args->positional[1]);
  if (!after) return fail(after.error());

  auto result = diff::diff_databases(before->db, after->db);
  if (!result) return fail(result.error());

  std::size_t width = 5;
  for (const auto& t : result->tables) width = std::max(width, t.name.size() + std::string(presence_note(t.presence)).size());
  std::printf("diff %s -> %s\n\n", args->positional[0].c_str(), args->positional[1].c_str());
  std::printf("%-*s %10s %10s %10s %12s\n", static_cast<int>(width), "table", "added", "removed", "changed", "cells");
  long long added = 0, removed = 0, changed = 0, cells = 0;
  for (const auto& t : result->tables) {
    std::string name = t.name + presence_note(t.presence);
    std::printf("%-*s %10zu %10zu %10zu %12lld\n", static_cast<int>(width), name.c_str(), t.added.size(),
                t.removed.size(), t.changed.size(), static_cast<long long>(t.cells_changed));
    added += static_cast<long long>(t.added.size());
    removed += static_cast<long long>(t.removed.size());
    changed += static_cast<long long>(t.changed.size());
    cells += t.cells_changed;
  }
  std::printf("%-*s %10lld %10lld %10lld %12lld\n", static_cast<int>(width), "total", added, removed, changed, cells);

  std::printf("\n%zu schema change(s)%s\n", result->schema.size(), result->schema.empty() ? "" : ":");
  for (const auto& c : result->schema) std::printf("  %s\n", c.describe().c_str());

  // Both sides the CRM, before and after its normalization: where the moved values
  // went (the collision resolution is the one whose plan matches the after's links).
  std::optional<Moves> moves;
  auto kb = recognize_snapshot(before->db);
  if (!kb) return fail(kb.error());
  auto ka = recognize_snapshot(after->db);
  if (!ka) return fail(ka.error());
  if (kb->kind == SnapshotKind::Before && ka->kind == SnapshotKind::After) {
    auto m = compute_moves(before->db, after->db);
    if (!m) return fail(m.error());
    moves = std::move(m.value());
    std::printf("\nmoved values (%s):\n", moves->has_m1 ? "M1 employees -> users, M2 addresses" : "M2 addresses");
    for (const auto& s : moves->summaries())
      std::printf("  %-26s -> %-24s %8lld moved %8lld unchanged %8lld blank %8lld lost\n", s.from.c_str(), s.to.c_str(),
                  static_cast<long long>(s.moved), static_cast<long long>(s.unchanged), static_cast<long long>(s.blank),
                  static_cast<long long>(s.lost));
  }

  if (args->has("--json")) {
    std::string path = args->get("--json");
    auto summary = diff::summary_json(*result);
    if (!summary) return fail(summary.error());
    if (moves) (*summary)["moves"] = moves->to_json();
    std::string text = summary->dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    auto written = write_file(path, text + "\n");
    if (!written) return fail(written.error());
    std::printf("\nsummary written to %s\n", path.c_str());
  }
  return kExitOk;
}

}  // namespace redline::cli
