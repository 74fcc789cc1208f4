// `redline verify BEFORE AFTER [--options O.json] [--report R.json] [--expected REF]`:
// the real result
// of the migration (AFTER, a snapshot of the database after it ran, any format)
// against Redline's prediction from BEFORE (core/review/verify.hpp). Exit 0 when they
// are equal under spec §2's rules and no check of the checklist fails on AFTER, 1 when
// not (each difference named: table, key, column, predicted and actual value), 2 bad
// input or usage. --expected compares AFTER with REF (e.g. Django's own result of the
// same migration) instead of Redline's prediction, under the same rules.
#include <cstdio>
#include <optional>

#include "cli/cli.hpp"
#include "core/io.hpp"
#include "core/review/verify.hpp"

namespace redline::cli {

int cmd_verify(int argc, char** argv) {
  auto args = parse_args(argc, argv, 2, {"--options", "--report", "--expected"});
  if (!args) return usage_error(args.error().message);
  if (args->positional.size() != 2) return usage_error("verify takes exactly two snapshots: BEFORE AFTER");
  auto parsed_options = options_arg(*args);
  if (!parsed_options) return fail(parsed_options.error());
  NormalizeOptions options = std::move(parsed_options.value());
  const std::string& before_path = args->positional[0];
  const std::string& after_path = args->positional[1];
  auto before = load_input(before_path);
  if (!before) return fail(before.error());
  auto after = load_input(after_path);
  if (!after) return fail(after.error());

  std::optional<Snapshot> expected;
  if (args->has("--expected")) {
    auto e = load_input(args->get("--expected"));
    if (!e) return fail(e.error());
    expected = std::move(e.value());
  }
  auto v = verify_result(before->db, after->db, options, expected ? &expected->db : nullptr);
  if (!v) {
    Error e = v.error();
    e.context = before_path + " (BEFORE, normalized for the prediction)" + (e.context.empty() ? "" : "; " + e.context);
    return fail(e);
  }
  for (const auto& m : v->mismatches) std::printf("differs: %s\n", m.describe().c_str());
  if (v->mismatch_count > static_cast<std::int64_t>(v->mismatches.size()))
    std::printf("... and %lld more differences\n",
                static_cast<long long>(v->mismatch_count - static_cast<std::int64_t>(v->mismatches.size())));
  for (const auto& c : v->checks)
    if (c.status == CheckStatus::Fail) std::printf("check failed: %s: %s\n", c.id.c_str(), c.detail.c_str());

  if (args->has("--report")) {
    nlohmann::ordered_json j;
    j["before"] = before_path;
    j["after"] = after_path;
    j["options"] = options_to_json(options);
    const nlohmann::ordered_json body = v->to_json();
    j["equal"] = body["equal"];
    j["mismatch_count"] = body["mismatch_count"];
    j["mismatches"] = body["mismatches"];
    j["checks"] = body["checks"];
    auto w = write_file(args->get("--report"),
                        j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
    if (!w) return fail(w.error());
  }
  const bool ok = v->equal() && !v->checks_failed();
  std::printf("%s: %s %s the prediction from %s%s\n", ok ? "verified" : "NOT verified", after_path.c_str(),
              v->equal() ? "equals" : "differs from", before_path.c_str(),
              v->checks_failed() ? "; a check of the checklist fails on it" : "");
  return ok ? kExitOk : kExitStrict;
}

}  // namespace redline::cli
