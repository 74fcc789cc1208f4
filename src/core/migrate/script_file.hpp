// The PostgreSQL script file for a loaded snapshot, from its bytes' name and SHA-256
// and the run's options: the one sequence behind `redline script` and the page's
// "PostgreSQL script" / "Revert script" downloads (same input and options, same bytes).
// It refuses a snapshot that is not the CRM in its old structure, checks nothing else
// of the options beyond what script_context does, and builds the preview in memory.
#pragma once

#include <cstdint>
#include <string>

#include "core/migrate/normalize_options.hpp"
#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace redline::pg {

struct ScriptFileRequest {
  NormalizeOptions options;
  std::string snapshot_name;    // the file's name without its folder (shown in the header)
  std::string snapshot_sha256;  // of the exact bytes the snapshot was loaded from
  // > 0: every batch takes this many keys (--batch-rows); 0: batch sizes adapt to time.
  std::int64_t batch_rows = 0;
  bool revert = false;
  // What errors name as where: the path on the command line, the name in the page.
  std::string where;
};

// The migration script (or with `revert` the revert script) as its file's bytes.
Result<std::string> script_file(sql::Database& snapshot, const ScriptFileRequest& request);

}  // namespace redline::pg
