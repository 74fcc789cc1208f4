// `redline script SNAPSHOT --target postgresql --out MIGRATION.sql [--options O.json]
// [--revert] [--batch-rows N]`: the normalization as a psql script for the production PostgreSQL
// database (core/migrate/pg_script.hpp), or with --revert the script that undoes it.
// SNAPSHOT is the database as it is now, in the old structure; the script embeds its
// SHA-256, the options and the preview's fingerprints. Same input and options, same
// bytes. Exit 0 written, 2 bad input or usage.
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "cli/cli.hpp"
#include "core/io.hpp"
#include "core/migrate/script_file.hpp"
#include "core/sha256.hpp"

namespace redline::cli {

int cmd_script(int argc, char** argv) {
  auto args = parse_args(argc, argv, 2, {"--target", "--out", "--options", "--batch-rows"}, {"--revert"});
  if (!args) return usage_error(args.error().message);
  if (args->positional.size() != 1) return usage_error("script takes exactly one SNAPSHOT");
  if (args->get("--target") != "postgresql")
    return usage_error("script needs --target postgresql (the only target so far)");
  const std::string out = args->get("--out");
  if (out.empty()) return usage_error("script needs --out FILE.sql");
  const std::string& in = args->positional[0];
  // By default (0) the first batch takes 100 keys and the sizes adapt to time from
  // there (pg_script.cpp: batched()); --batch-rows N: N keys every batch.
  std::int64_t batch_rows = 0;
  if (args->has("--batch-rows")) {
    const std::string n = args->get("--batch-rows");
    char* end = nullptr;
    long long v = std::strtoll(n.c_str(), &end, 10);
    if (n.empty() || *end != '\0' || v < 1 || v > 1000000)
      return usage_error("--batch-rows '" + n + "' is not a number of rows from 1 to 1000000");
    batch_rows = v;
  }

  auto parsed_options = options_arg(*args);
  if (!parsed_options) return fail(parsed_options.error());
  NormalizeOptions options = std::move(parsed_options.value());

  std::vector<std::uint8_t> bytes;
  auto snap = load_input(in, &bytes);
  if (!snap) return fail(snap.error());
  // The file's name without its folder: the same snapshot gives the same script
  // wherever it lies (and the header shows no local path).
  pg::ScriptFileRequest request;
  request.options = std::move(options);
  request.snapshot_name = std::filesystem::path(in).filename().string();
  request.snapshot_sha256 = sha256_hex(bytes);
  request.batch_rows = batch_rows;
  request.revert = args->has("--revert");
  request.where = in;
  const bool revert = request.revert;
  auto script = pg::script_file(snap->db, request);
  if (!script) return fail(script.error());
  auto w = write_file(out, *script);
  if (!w) return fail(w.error());
  std::printf("%s script for PostgreSQL written to %s (from %s); run it with psql -X -v ON_ERROR_STOP=1 -d DB -f %s\n",
              revert ? "revert" : "migration", out.c_str(), in.c_str(), out.c_str());
  return kExitOk;
}

}  // namespace redline::cli
