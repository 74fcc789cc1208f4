// The CRM's Django models as dumpdata names them, mapped to the tables of
// crm_schema (see dumpdata_models.hpp).
#include "core/load/dumpdata_models.hpp"

#include <iterator>

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
};

const char* const kSkipped[] = {"sessions.session", "admin.logentry"};

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

bool is_skipped_model(std::string_view label) {
  for (const char* s : kSkipped)
    if (label == s) return true;
  return false;
}

}  // namespace redline::detail::dumpdata
