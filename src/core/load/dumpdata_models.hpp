// Which Django models a dumpdata file of the CRM may hold, and where each goes:
// the table of every model, its many-to-many fields and their junction tables,
// and the Django models the loader skips on purpose (sessions, admin log).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace redline::detail::dumpdata {

// A many-to-many field: dumpdata writes it as a list of target pks on the owner's
// object; Django keeps it in a junction table (id, owner_column, target_column).
struct ManyToMany {
  const char* field;          // "groups"
  const char* table;          // "users_groups"
  const char* owner_column;   // "user_id"
  const char* target_column;  // "group_id"
};

struct ModelInfo {
  const char* label;  // "crmApp.user": app label, a dot, the model name in lower case
  const char* table;  // "users"
  const ManyToMany* m2m = nullptr;
  std::size_t m2m_count = 0;

  const ManyToMany* find_m2m(std::string_view field) const;
};

// The label as Django resolves it: the app label is case-sensitive, the model name
// is not ("crmApp.User" is "crmApp.user").
std::string normalize_label(std::string_view label);

// The CRM model behind a normalized label, or nullptr.
const ModelInfo* find_model(std::string_view label);

// Django models that can appear in a full dumpdata but carry nothing the snapshot
// keeps (sessions.session, admin.logentry).
bool is_skipped_model(std::string_view label);

}  // namespace redline::detail::dumpdata
