#include "core/review.hpp"

namespace redline {

Result<Review> review_run(sql::Database& before, sql::Database& after, const NormalizeOptions& options,
                          const ManualTicks* ticks, std::shared_ptr<const diff::DiffResult> diff) {
  Review r;
  r.diff = std::move(diff);
  if (!r.diff) {
    auto d = diff::diff_databases(before, after);
    if (!d) return d.error();
    r.diff = std::make_shared<const diff::DiffResult>(std::move(d.value()));
  }
  auto m = compute_moves(before, after, moves_options(options));
  if (!m) return m.error();
  r.moves = std::move(m.value());
  ChecksInput in;
  in.before = &before;
  in.after = &after;
  in.moves = &r.moves;
  in.diff = r.diff.get();
  in.ticks = ticks;
  if (!options.now.empty()) in.now = options.now;
  auto c = run_checks(in);
  if (!c) return c.error();
  r.checks = std::move(c.value());
  return r;
}

Status fill_review(Report& report, const diff::DiffResult* diff, const Moves* moves,
                   const std::vector<CheckItem>* checks) {
  try {
    if (diff) {
      auto s = diff::summary_json(*diff);
      if (!s) return s.error();
      nlohmann::ordered_json moves_part = report.diff.value("moves", nlohmann::ordered_json::array());
      report.diff = std::move(s.value());
      report.diff["moves"] = std::move(moves_part);
    }
    if (moves) report.diff["moves"] = moves->to_json();
    if (checks) report.checks = checks_json(*checks);
    return ok_status();
  } catch (const std::exception& e) {
    return make_error(ErrorCode::Internal, std::string("cannot fill the report: ") + e.what());
  }
}

}  // namespace redline
