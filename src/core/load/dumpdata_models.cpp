// The CRM's Django models as dumpdata names them, mapped to the tables of
// crm_schema and to Django's contrib tables (see dumpdata_models.hpp).
#include "core/load/dumpdata_models.hpp"

#include <iterator>
#include <utility>

namespace redline::detail::dumpdata {

namespace {

const ManyToMany kUserM2m[] = {
    {"groups", "users_groups", "user_id", "group_id"},
    {"user_permissions", "users_user_permissions", "user_id", "permission_id"},
};
const ManyToMany kGroupM2m[] = {
    {"permissions", "auth_group_permissions", "group_id", "permission_id"},
};

const ModelInfo kModels[] = {
    {"crmApp.user", "users", kUserM2m, std::size(kUserM2m)},
    {"crmApp.employee", "employees"},
    {"crmApp.organization", "organizations"},
    {"crmApp.customer", "customers"},
    {"crmApp.vendor", "vendors"},
    {"crmApp.lead", "leads"},
    {"crmApp.deal", "deals"},
    {"crmApp.order", "orders"},
    {"crmApp.payment", "payments"},
    {"crmApp.address", "addresses"},
    {"crmApp.addressable", "addressables"},
    {"contenttypes.contenttype", "django_content_type"},
    {"auth.permission", "auth_permission"},
    {"auth.group", "auth_group", kGroupM2m, std::size(kGroupM2m)},
    {"admin.logentry", "django_admin_log"},
    {"sessions.session", "django_session", nullptr, 0, "session_key"},
};

// What Django 3.2's migrations of django.contrib.admin and .sessions leave on
// SQLite (`sqlite3 db .schema` after `manage.py migrate`): the CRM's schema files
// do not hold them, since the CRM's own project does not install these apps.
const char* const kContribSchema =
    "CREATE TABLE IF NOT EXISTS \"django_admin_log\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "
    "\"action_time\" datetime NOT NULL, \"object_id\" text NULL, \"object_repr\" varchar(200) NOT NULL, "
    "\"change_message\" text NOT NULL, \"content_type_id\" integer NULL REFERENCES \"django_content_type\" "
    "(\"id\") DEFERRABLE INITIALLY DEFERRED, \"user_id\" integer NOT NULL REFERENCES \"users\" (\"id\") "
    "DEFERRABLE INITIALLY DEFERRED, \"action_flag\" smallint unsigned NOT NULL CHECK (\"action_flag\" >= 0));\n"
    "CREATE INDEX \"django_admin_log_content_type_id_c4bce8eb\" ON \"django_admin_log\" (\"content_type_id\");\n"
    "CREATE INDEX \"django_admin_log_user_id_c564eba6\" ON \"django_admin_log\" (\"user_id\");\n"
    "CREATE TABLE IF NOT EXISTS \"django_session\" (\"session_key\" varchar(40) NOT NULL PRIMARY KEY, "
    "\"session_data\" text NOT NULL, \"expire_date\" datetime NOT NULL);\n"
    "CREATE INDEX \"django_session_expire_date_a5c62663\" ON \"django_session\" (\"expire_date\");\n";

struct KnownType {
  const char* app;
  const char* model;
  const char* verbose;
};
// Per app, the models in the order their classes are defined, which is the order
// `migrate` gives them content types (checked against a real Django 3.2 run).
const KnownType kAdmin[] = {{"admin", "logentry", "log entry"}};
const KnownType kAuth[] = {{"auth", "permission", "permission"}, {"auth", "group", "group"}};
const KnownType kContentTypes[] = {{"contenttypes", "contenttype", "content type"}};
const KnownType kSessions[] = {{"sessions", "session", "session"}};
const KnownType kCrm[] = {{"crmApp", "user", "user"},         {"crmApp", "customer", "customer"},
                          {"crmApp", "order", "order"},       {"crmApp", "organization", "organization"},
                          {"crmApp", "vendor", "vendor"},     {"crmApp", "payment", "payment"},
                          {"crmApp", "lead", "lead"},         {"crmApp", "employee", "employee"},
                          {"crmApp", "deal", "deal"},         {"crmApp", "address", "address"},
                          {"crmApp", "addressable", "addressable"}};
constexpr std::size_t kCrmBefore = 9;  // address and addressable come with the normalization
const std::pair<const KnownType*, std::size_t> kAllTypes[] = {
    {kAdmin, std::size(kAdmin)},       {kAuth, std::size(kAuth)}, {kContentTypes, std::size(kContentTypes)},
    {kSessions, std::size(kSessions)}, {kCrm, std::size(kCrm)}};

}  // namespace

const ManyToMany* ModelInfo::find_m2m(std::string_view field) const {
  for (std::size_t i = 0; i < m2m_count; ++i)
    if (field == m2m[i].field) return &m2m[i];
  return nullptr;
}

std::string normalize_label(std::string_view label) {
  std::string out(label);
  auto dot = out.rfind('.');
  if (dot == std::string::npos) return out;
  for (std::size_t i = dot + 1; i < out.size(); ++i)
    if (out[i] >= 'A' && out[i] <= 'Z') out[i] = static_cast<char>(out[i] - 'A' + 'a');
  return out;
}

const ModelInfo* find_model(std::string_view label) {
  for (const auto& m : kModels)
    if (label == m.label) return &m;
  return nullptr;
}

const crm::TableDef* contrib_table(std::string_view table) {
  static const std::vector<crm::TableDef> defs = crm::parse_ddl(kContribSchema);
  for (const auto& d : defs)
    if (d.name == table) return &d;
  return nullptr;
}

std::vector<ContentTypeInfo> migrate_content_types(crm::Shape shape, bool with_admin, bool with_sessions,
                                                   const std::vector<std::string>& other_models) {
  std::vector<ContentTypeInfo> out;
  auto add = [&](const KnownType* b, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out.push_back({b[i].app, b[i].model, b[i].verbose});
  };
  if (with_admin || with_sessions) {
    // Django's default project template: admin, auth, contenttypes, sessions, ...
    if (with_admin) add(kAdmin, std::size(kAdmin));
    add(kAuth, std::size(kAuth));
    add(kContentTypes, std::size(kContentTypes));
    if (with_sessions) add(kSessions, std::size(kSessions));
  } else {
    // The CRM's own project (the fixtures' django_content_type): contenttypes, auth.
    add(kContentTypes, std::size(kContentTypes));
    add(kAuth, std::size(kAuth));
  }
  add(kCrm, shape == crm::Shape::Before ? kCrmBefore : std::size(kCrm));
  for (const auto& label : other_models) {
    auto dot = label.rfind('.');
    std::string app = label.substr(0, dot), model = label.substr(dot + 1);
    out.push_back({app, model, verbose_name(app, model)});
  }
  return out;
}

std::string verbose_name(std::string_view app_label, std::string_view model) {
  for (const auto& [b, n] : kAllTypes)
    for (std::size_t i = 0; i < n; ++i)
      if (app_label == b[i].app && model == b[i].model) return b[i].verbose;
  return std::string(model);
}

}  // namespace redline::detail::dumpdata
