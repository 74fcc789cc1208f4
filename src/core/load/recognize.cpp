#include "core/load/recognize.hpp"

#include "core/migrate/normalize_sql.hpp"

namespace redline {

const char* to_string(SnapshotKind kind) {
  switch (kind) {
    case SnapshotKind::Before: return "before";
    case SnapshotKind::After: return "after";
    case SnapshotKind::Partial: return "partial";
    case SnapshotKind::NotCrm: return "not_crm";
  }
  return "not_crm";
}

Result<Recognition> recognize_snapshot(sql::Database& db) {
  auto state = norm::inspect(db);
  if (!state) return state.error();
  Recognition r;
  if (Status crm = norm::check_is_crm(*state); !crm) {
    r.kind = SnapshotKind::NotCrm;
    r.description = crm.error().message;
    return r;
  }
  auto done = norm::already_done(db, *state);
  if (!done) return done.error();
  const norm::Done& d = *done;
  const std::pair<const char*, bool> steps[] = {{"E1", d.e1}, {"E2", d.e2}, {"E3", d.e3}, {"M1", d.m1},
                                                {"M2", d.m2}, {"M3", d.m3}, {"C1", d.c1}, {"C2", d.c2},
                                                {"C3", d.c3}, {"I1", d.i1}};
  std::string done_list, todo_list;
  for (const auto& [id, is_done] : steps) {
    std::string& list = is_done ? done_list : todo_list;
    if (!list.empty()) list += ' ';
    list += id;
    if (is_done) r.steps_done.emplace_back(id);
  }
  if (r.steps_done.empty()) {
    r.kind = SnapshotKind::Before;
    r.description = "the CRM in its old structure: ready to normalize";
  } else if (todo_list.empty()) {
    r.kind = SnapshotKind::After;
    r.description = "the CRM already normalized: nothing left to migrate";
  } else {
    r.kind = SnapshotKind::Partial;
    r.description = "the CRM partly normalized: done " + done_list + "; still to do " + todo_list;
  }
  return r;
}

}  // namespace redline
