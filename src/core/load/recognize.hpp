// Snapshot recognition: what a loaded database is, said to the user on arrival: the
// CRM in its old structure, already normalized, partly normalized (and which steps
// it has done), or not this CRM at all (and which tables or columns are missing).
#pragma once

#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace redline {

enum class SnapshotKind { Before, After, Partial, NotCrm };
const char* to_string(SnapshotKind kind);  // "before", "after", "partial", "not_crm"

struct Recognition {
  SnapshotKind kind = SnapshotKind::NotCrm;
  std::string description;              // one sentence for people
  std::vector<std::string> steps_done;  // normalization steps already done (E1, M1, ...)
};

// Read-only. Errors only when SQLite itself fails; "not the CRM" is a Recognition.
Result<Recognition> recognize_snapshot(sql::Database& db);

}  // namespace redline
