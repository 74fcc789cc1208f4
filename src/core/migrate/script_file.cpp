// See script_file.hpp.
#include "core/migrate/script_file.hpp"

#include "core/load/recognize.hpp"
#include "core/migrate/pg_script.hpp"
#include "core/version.hpp"

namespace redline::pg {

Result<std::string> script_file(sql::Database& snapshot, const ScriptFileRequest& r) {
  auto kind = recognize_snapshot(snapshot);
  if (!kind) return kind.error();
  if (kind->kind != SnapshotKind::Before) {
    Error e = make_error(ErrorCode::BadInput,
                         "the script is made from a snapshot of the CRM in its old structure; this one is not (" +
                             kind->description + ")",
                         r.where);
    e.message += "; take the snapshot from the database the script will run on, before migrating it";
    return e;
  }
  auto ctx = script_context(snapshot, r.options, r.snapshot_name, r.snapshot_sha256);
  if (!ctx) {
    Error e = ctx.error();
    e.context = r.where + (e.context.empty() ? "" : "; " + e.context);
    return e;
  }
  ctx->generator = std::string("Redline ") + kVersion;
  if (r.batch_rows > 0) {  // fixed batches, as asked; otherwise script_context's adaptive default
    ctx->batch_rows = r.batch_rows;
    ctx->batch_ms = 0;
  }
  return r.revert ? revert_script(*ctx) : migration_script(*ctx);
}

}  // namespace redline::pg
