// Plain-words explanations of every checklist item (spec §4) and every hazard kind
// (spec §3), in one table, for the tooltips of the checklist and hazards panels.
#include <cstring>

#include "app/panels.hpp"

namespace redline::app {

namespace {
struct Text {
  const char* key;
  const char* text;
};

constexpr Text kChecks[] = {
    {"employees_have_users",
     "Every employee now points at a user that exists. The new schema reads an employee's name, e-mail and "
     "phone through its user, so an employee without one would show up blank."},
    {"addresses_migrated",
     "Every old row that had any address data (organizations, customers, vendors, leads, employees) has exactly "
     "one primary address with the same street, city, state, postal code and country."},
    {"orgs_have_currency",
     "Every organization has a default currency (fail if missing), and it looks like a currency code: three "
     "upper-case letters (warn if not)."},
    {"required_not_null",
     "No column the new schema declares NOT NULL holds NULL, and every deal, order and payment ends up with a "
     "currency: its own, or its organization's default."},
    {"foreign_keys_intact",
     "Every reference points at a row that exists, including the new addressables that point at organizations, "
     "customers, ... by content type and id. Fail: the run broke a link; warn: it was broken already before."},
    {"usernames_unique",
     "No two users share a username (fail), and none differ only in upper/lower case (warn: logins may treat "
     "them as the same)."},
    {"currency_codes_valid",
     "Currencies on deals, orders and payments are either empty (taken from the organization) or three "
     "upper-case letters."},
    {"lossless",
     "Every old value can be found in the new structure. A value the migration overwrote on purpose (an "
     "employee's e-mail replacing its user's, ...) is listed as lost with the reason; anything else fails."},
    {"api_employees_contact",
     "GET /employees/ returns the same first name, last name, e-mail and phone as before: the old columns "
     "compared row by row with the new properties read through the user."},
    {"api_employees_address",
     "GET /employees/ returns the same address fields as before, now read from the employee's primary address."},
    {"api_organizations",
     "GET /organizations/ returns the same address fields as before, and a default currency."},
    {"api_deals_currency",
     "GET /deals/ returns the same currency as before: resolved_currency is the deal's own currency, else its "
     "organization's default."},
    {"api_post_employee",
     "Creating an employee with POST /employees/ and a user_id works on the new schema (tried inside a "
     "transaction that is rolled back)."},
    {"api_post_organization",
     "Creating an organization with an address via POST /organizations/ works on the new schema (tried, then "
     "rolled back)."},
    {"index_addressables_content_type",
     "The index on addressables (content_type_id, object_id) exists and SQLite's query plan uses it to find an "
     "object's addresses."},
    {"index_addresses_is_primary",
     "The partial index on addresses.is_primary exists and the query plan uses it to find primary addresses."},
    {"index_employees_user",
     "The index on employees.user_id exists and the query plan uses it to find a user's employee."},
    {"perf_response_times",
     "Manual: in the running application, the API still answers about as fast as before the migration."},
    {"perf_n_plus_one",
     "Manual: listing employees does not fire one extra query per row now that name, e-mail and address come "
     "from other tables (use select_related / prefetch_related)."},
    {"perf_memory", "Manual: the application's memory use stays normal after the migration."},
    {"frontend_employee_list", "Manual: the employee list shows names, e-mails and phones as before."},
    {"frontend_employee_create",
     "Manual: creating an employee works: first the user (POST /users/), then the employee with its user_id."},
    {"frontend_org_settings", "Manual: an organization's settings, including its default currency, save correctly."},
    {"frontend_deal_order_forms",
     "Manual: deal and order forms work with an empty currency, which is then taken from the organization."},
    {"frontend_address_fields", "Manual: address fields show and save correctly everywhere they appear."},
};

constexpr Text kHazards[] = {
    {"username_collision",
     "A user the migration creates for an employee would get a username that is already taken. The guide's "
     "script crashes here (IntegrityError); pick what Redline should do instead."},
    {"contact_overwrite",
     "The employee's name, e-mail or phone differs from its user's. The guide copies the employee's value over "
     "the user's, so the user's old value is lost."},
    {"placeholder_email",
     "An employee without a user and without an e-mail gets a placeholder address employee_<id>@temp.com on "
     "its new user."},
    {"currency_tie",
     "An organization's deals are split evenly between currencies; its default currency goes to the "
     "alphabetically smallest code."},
    {"nonstandard_currency", "A currency code that is not three upper-case letters (blank, lower case, 'EU', ...)."},
    {"dangling_reference", "A foreign key points at a row that does not exist."},
    {"zip_only_address",
     "A vendor's only address value is its zip code. The guide's test for address data does not look at "
     "zip_code, so the vendor gets no address and the zip code is lost, as in Django. Pick 'keep' to create "
     "its address with the zip code as postal code."},
};

constexpr Text kGroups[] = {
    {"data_integrity", "Data integrity: the data moved to the new tables completely and consistently."},
    {"api_compatibility", "API compatibility: the REST API returns what it returned before, row by row."},
    {"performance", "Performance: the new indexes exist and are used; the rest is for a person to check."},
    {"frontend", "Frontend: for a person to check in the running application, then tick."},
};

template <std::size_t N>
const char* find(const Text (&table)[N], const std::string& key) {
  for (const auto& t : table)
    if (key == t.key) return t.text;
  return "";
}
}  // namespace

const char* explain_check(const std::string& id) { return find(kChecks, id); }
const char* explain_hazard(const std::string& kind) { return find(kHazards, kind); }
const char* explain_group(const std::string& group) { return find(kGroups, group); }

void hazard_tooltip(const std::string& kind) {
  if (!ImGui::IsItemHovered()) return;
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30);
  ImGui::TextUnformatted(explain_hazard(kind));
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

}  // namespace redline::app
