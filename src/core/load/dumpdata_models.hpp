// Which Django models a dumpdata file of the CRM may hold, and where each goes:
// the table of every model (the CRM's, and Django's contrib apps' real tables),
// its many-to-many fields and their junction tables, and the content types and
// permissions Django's `migrate` creates for them on a fresh database.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/migrate/crm_schema.hpp"

namespace redline::detail::dumpdata {

// A many-to-many field: dumpdata writes it as a list of target pks on the owner's
// object; Django keeps it in a junction table (id, owner_column, target_column).
struct ManyToMany {
  std::string field;          // "groups"
  std::string table;          // "users_groups"
  std::string owner_column;   // "user_id"
  std::string target_column;  // "group_id"
};

struct ModelInfo {
  const char* label;  // "crmApp.user": app label, a dot, the model name in lower case
  const char* table;  // "users"
  const ManyToMany* m2m = nullptr;
  std::size_t m2m_count = 0;
  const char* pk_column = "id";

  const ManyToMany* find_m2m(std::string_view field) const;
};

// The label as Django resolves it: the app label is case-sensitive, the model name
// is not ("crmApp.User" is "crmApp.user").
std::string normalize_label(std::string_view label);

// The known model behind a normalized label (the CRM's and Django's contrib
// models), or nullptr.
const ModelInfo* find_model(std::string_view label);

// A contrib table that is not part of the CRM's schema (django_admin_log,
// django_session), as Django 3.2 creates it on SQLite; nullptr for any other name.
const crm::TableDef* contrib_table(std::string_view table);

// One model of Django's content types, in the order `migrate` creates them.
struct ContentTypeInfo {
  std::string app_label;
  std::string model;         // lower case
  std::string verbose_name;  // "log entry": what permission names say
};

// The content types `manage.py migrate` creates on a fresh database, in its order
// (per app in INSTALLED_APPS order, per model in definition order, checked against
// real Django 3.2 runs): with admin or sessions installed, Django's default project
// template (admin, auth, contenttypes, sessions, then crmApp); without them, the
// CRM's own project (contenttypes, auth, crmApp, as in its fixtures). Then
// `other_models` (labels "app.model" of models outside these apps, in order).
std::vector<ContentTypeInfo> migrate_content_types(crm::Shape shape, bool with_admin, bool with_sessions,
                                                   const std::vector<std::string>& other_models);

// The verbose name of a model for permission names ("Can add log entry"): Django's
// for the known models, the model name itself for the others.
std::string verbose_name(std::string_view app_label, std::string_view model);

}  // namespace redline::detail::dumpdata
