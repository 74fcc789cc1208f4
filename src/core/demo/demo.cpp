// The demo snapshot generator (see demo.hpp for what it produces and where the dirty
// profile puts its hazards).
//
// How it stays deterministic, sliceable and fast:
//  - Every row is a pure function of (seed, table, row id): its random numbers come
//    from a splitmix64 stream keyed by those three, so a slice can start at any row,
//    and a row that refers to another (a payment to its order, a user to its
//    employee) recomputes what it needs of that row instead of remembering it.
//  - Rows are spread over organizations by a "slot map" (weighted round robin), so
//    "the k-th deal of organization o" and "how many deals o has" are arithmetic; the
//    currency votes (ties or no ties) are built from that, never left to chance.
//  - Only the employee/user pairing is planned up front (two small int arrays), since
//    user ids depend on which employees before them have users.
//  - Inserts go through the loaders' batched Inserter (prepared multi-row INSERTs,
//    values bound from its slots), inside one transaction; indexes are built after
//    the rows.
#include "core/demo/demo.hpp"

#include <array>
#include <chrono>
#include <cstring>
#include <limits>
#include <optional>

#include "core/migrate/crm_schema.hpp"
#include "core/demo/demo_text.hpp"
#include "core/load/inserter.hpp"

namespace redline {

namespace {

using namespace demo_text;

// ---- Random numbers ------------------------------------------------------------

constexpr std::uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

// The splitmix64 output function: a bijective 64-bit mix.
constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Streams: one per kind of pure function, so that adding a draw to one table never
// shifts the numbers of another.
enum Stream : std::uint64_t {
  kSProject = 1, kSMigration, kSOrgWeight, kSOrgLocale, kSOrg, kSPlan, kSUser, kSUserAlt,
  kSStaffPerson, kSEmpPerson, kSEmployee, kSCustPerson, kSCustomer, kSVendor, kSLead,
  kSDeal, kSOrderCore, kSOrder, kSPayment,
};

class Rng {
 public:
  Rng(std::uint64_t seed, Stream stream, std::uint64_t index)
      : s_(mix64(mix64(seed ^ (static_cast<std::uint64_t>(stream) * 0xd1b54a32d192ed03ULL)) +
                 index * kGolden)) {}
  std::uint64_t next() {
    s_ += kGolden;
    return mix64(s_);
  }
  // Uniform in [0, n) by multiply-shift on 32 bits (n < 2^32; bias below 2^-32 * n).
  std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>(((next() >> 32) * static_cast<std::uint64_t>(n)) >> 32);
  }
  std::int64_t below64(std::int64_t n) {  // n up to 2^62
    return static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(n));
  }
  bool percent(std::uint32_t p) { return below(100) < p; }
  template <typename T>
  const T& pick(std::span<const T> s) {
    return s[below(static_cast<std::uint32_t>(s.size()))];
  }
  template <typename T, std::size_t N>
  const T& pick(const T (&a)[N]) {
    return a[below(static_cast<std::uint32_t>(N))];
  }

 private:
  std::uint64_t s_;
};

constexpr std::size_t kLocaleCount = std::size(kLocales);

// ---- Text building -------------------------------------------------------------

void append_uint(std::string& out, std::uint64_t v, int min_width = 1) {
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n < min_width) tmp[n++] = '0';
  while (n > 0) out += tmp[--n];
}

// Cents as a decimal literal ("1234.50"); bound as text so SQLite's NUMERIC affinity
// stores it exactly as Django's str(Decimal) would be stored (REAL, or INTEGER when
// the fraction is zero).
void append_cents(std::string& out, std::int64_t cents) {
  append_uint(out, static_cast<std::uint64_t>(cents / 100));
  out += '.';
  append_uint(out, static_cast<std::uint64_t>(cents % 100), 2);
}

void append_pattern(std::string& out, const char* pattern, Rng& r, std::string_view name = {}) {
  for (const char* p = pattern; *p; ++p) {
    switch (*p) {
      case '#': out += static_cast<char>('0' + r.below(10)); break;
      case '$': out += static_cast<char>('1' + r.below(9)); break;
      case '@': out += static_cast<char>('A' + r.below(26)); break;
      case '%': out += name; break;
      default: out += *p;
    }
  }
}

// ---- Calendar --------------------------------------------------------------------

// Day numbers count from 2019-01-01; the table covers 2019-2027, far more than any
// date the generator makes.
class Calendar {
 public:
  Calendar() {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int y = 2019; y <= 2027; ++y) {
      bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
      for (int m = 1; m <= 12; ++m) {
        int n = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
        for (int d = 1; d <= n; ++d) {
          std::array<char, 10> s{};
          s[0] = static_cast<char>('0' + y / 1000);
          s[1] = static_cast<char>('0' + y / 100 % 10);
          s[2] = static_cast<char>('0' + y / 10 % 10);
          s[3] = static_cast<char>('0' + y % 10);
          s[4] = '-';
          s[5] = static_cast<char>('0' + m / 10);
          s[6] = static_cast<char>('0' + m % 10);
          s[7] = '-';
          s[8] = static_cast<char>('0' + d / 10);
          s[9] = static_cast<char>('0' + d % 10);
          days_.push_back(s);
        }
      }
    }
  }
  int size() const { return static_cast<int>(days_.size()); }
  void append_date(std::string& out, int day) const {
    day = day < 0 ? 0 : (day >= size() ? size() - 1 : day);
    out.append(days_[static_cast<std::size_t>(day)].data(), 10);
  }
  void append_datetime(std::string& out, int day, int second_of_day) const {
    append_date(out, day);
    out += ' ';
    append_uint(out, static_cast<std::uint64_t>(second_of_day / 3600), 2);
    out += ':';
    append_uint(out, static_cast<std::uint64_t>(second_of_day / 60 % 60), 2);
    out += ':';
    append_uint(out, static_cast<std::uint64_t>(second_of_day % 60), 2);
  }

 private:
  std::vector<std::array<char, 10>> days_;
};

constexpr int kDay2021Feb01 = 365 + 366 + 31;

// ---- Organizations' share of each table ----------------------------------------

// Weighted round robin: each organization owns w (1..4) of the W slots of a round;
// row i (1-based) falls in slot (i-1) % W of round (i-1) / W. So row -> organization,
// "k-th row of organization o", and "rows of o among the first n" are all arithmetic,
// and every organization's rows are spread over the whole id range.
class SlotMap {
 public:
  void build(const std::vector<int>& weights) {  // weights[o], o = 1..O; [0] unused
    slots_of_.assign(weights.size(), {});
    int max_w = 0;
    for (int w : weights) max_w = std::max(max_w, w);
    for (int pass = 0; pass < max_w; ++pass)
      for (std::size_t o = 1; o < weights.size(); ++o)
        if (weights[o] > pass) {
          rank_.push_back(static_cast<int>(slots_of_[o].size()));
          slots_of_[o].push_back(static_cast<std::int64_t>(org_.size()));
          org_.push_back(static_cast<int>(o));
        }
  }
  std::int64_t width() const { return static_cast<std::int64_t>(org_.size()); }
  int org_of(std::int64_t i) const { return org_[static_cast<std::size_t>((i - 1) % width())]; }
  std::int64_t index_in_org(std::int64_t i) const {
    auto s = static_cast<std::size_t>((i - 1) % width());
    return (i - 1) / width() * weight(org_[s]) + rank_[s];
  }
  std::int64_t count(int o, std::int64_t n) const {
    std::int64_t c = 0;
    for (std::int64_t s : slots_of_[static_cast<std::size_t>(o)]) c += n / width() + (s < n % width() ? 1 : 0);
    return c;
  }
  std::int64_t nth(int o, std::int64_t k) const {  // the row id of o's k-th row
    std::int64_t w = weight(o);
    return k / w * width() + slots_of_[static_cast<std::size_t>(o)][static_cast<std::size_t>(k % w)] + 1;
  }
  // A uniformly chosen row of organization o among rows 1..n, or 0 if it has none.
  std::int64_t random_row(int o, std::int64_t n, Rng& r) const {
    std::int64_t c = count(o, n);
    return c == 0 ? 0 : nth(o, r.below64(c));
  }

 private:
  std::int64_t weight(int o) const { return static_cast<std::int64_t>(slots_of_[static_cast<std::size_t>(o)].size()); }
  std::vector<int> org_;                          // slot -> organization
  std::vector<int> rank_;                         // slot -> its rank among its organization's slots
  std::vector<std::vector<std::int64_t>> slots_of_;  // organization -> its slots, ascending
};

// ---- People ----------------------------------------------------------------------

struct Person {
  const Locale* culture;  // where the family name comes from
  const Locale* where;    // address and phone
  const Name* given;
  const Name* family;
  NameOrder order;
};

Person make_person(Rng& r, const Locale* home) {
  const Locale* culture = (home != nullptr && r.percent(75)) ? home : &kLocales[r.below(kLocaleCount)];
  Person p;
  p.culture = culture;
  bool mixed = r.percent(8);  // "Mary 王": given name from another culture
  p.given = mixed ? &r.pick(kLocales[r.below(kLocaleCount)].given) : &r.pick(culture->given);
  p.family = &r.pick(culture->family);
  p.order = mixed ? NameOrder::GivenFirst : culture->order;
  p.where = r.percent(85) ? culture : &kLocales[r.below(kLocaleCount)];
  return p;
}

void append_full_name(std::string& out, const Person& p) {
  switch (p.order) {
    case NameOrder::GivenFirst: out += p.given->text; out += ' '; out += p.family->text; break;
    case NameOrder::FamilyFirst: out += p.family->text; out += ' '; out += p.given->text; break;
    case NameOrder::FamilyNoSpace: out += p.family->text; out += p.given->text; break;
  }
}

// given.family<number>@domain: unique for distinct numbers, since ASCII names hold no
// digits.
void append_email(std::string& out, const Person& p, std::int64_t number, std::string_view domain,
                  std::string_view tag = {}) {
  out += p.given->ascii;
  out += '.';
  out += p.family->ascii;
  out += tag;
  append_uint(out, static_cast<std::uint64_t>(number));
  out += '@';
  out += domain;
}

void append_org_domain(std::string& out, int org) {
  out += "org";
  append_uint(out, static_cast<std::uint64_t>(org));
  out += ".example";
}

// ---- Addresses -------------------------------------------------------------------

struct Address {
  std::string line;
  const char* city = "";
  const char* state = "";
  std::string postal;
  const char* country = "";
};

void make_address(Rng& r, const Locale& loc, Address& a) {
  a.line.clear();
  a.postal.clear();
  a.city = a.state = a.country = "";
  const City& c = r.pick(loc.cities);
  auto street = [&] {
    append_pattern(a.line, r.pick(loc.streets), r);
    std::uint32_t u = r.below(100);
    const char* sep = u < 16 ? "\n" : u < 18 ? "\r\n" : u < 21 ? "\t" : nullptr;
    if (sep) {
      a.line += sep;
      append_pattern(a.line, r.pick(kSecondLines), r);
    }
  };
  auto country = [&] {
    std::uint32_t u = r.below(10);
    a.country = u < 7 ? loc.country : u < 9 ? loc.country_native : "";
  };
  std::uint32_t shape = r.below(100);
  if (shape < 62) {  // complete
    street();
    a.city = c.city;
    a.state = c.state;
    append_pattern(a.postal, c.postal, r);
    country();
  } else if (shape < 80) {  // blank
  } else if (shape < 87) {  // city only, sometimes with the country
    a.city = c.city;
    if (r.percent(50)) a.country = loc.country;
  } else if (shape < 93) {  // no postal code
    street();
    a.city = c.city;
    a.state = c.state;
    a.country = loc.country;
  } else if (shape < 97) {  // street only
    street();
  } else {  // country only
    a.country = loc.country;
  }
}

// ---- Binding ---------------------------------------------------------------------

using detail::Inserter;

// A foreign key that may be empty (0: no row to point at).
void id_or_null(Inserter& b, std::int64_t v) { v > 0 ? b.integer(v) : b.null(); }

// Rows per INSERT statement. One statement per row would pay SQLite's per-statement
// costs (for AUTOINCREMENT tables a read and a write of sqlite_sequence) on every
// row; 16 rows per statement inserts about 30% faster, with at most 16 x 21 = 336
// parameters (far below SQLite's limit). A batch cut short (a slice's end, a
// table's last rows) is one INSERT of exactly its rows.
constexpr std::size_t kBatchRows = 16;

// ---- Employees and users: the plan -----------------------------------------------

enum class Role : std::uint8_t {
  Normal,
  CollideExisting,  // unlinked; e-mail = an existing user's username
  SharedFirst,      // unlinked; same e-mail as the next employee
  SharedSecond,     // unlinked; same e-mail as the previous employee
  Placeholder,      // unlinked; e-mail ''
  Overwrite,        // linked; the user's contact data differs
  DanglingUser,     // user_id of a deleted user
};

enum class UserKind : std::uint8_t {
  Admin,    // the superuser every Django project has
  Staff,    // a user with no employee row (contractor, partner)
  Linked,   // the user of an employee
  Story,    // (dirty) a user whose username is an employee's e-mail; the employee is unlinked
  Deleted,  // (dirty) an id allocated then deleted: employees still point at it
  Service,  // an API account, created last
};

Role role_of(const DemoOptions& o, std::int64_t i) {
  if (o.profile != DemoOptions::Dirty) return Role::Normal;
  switch (i % 41) {
    case 2: return Role::CollideExisting;
    case 9: return Role::SharedFirst;
    case 10: return Role::SharedSecond;
    default: break;
  }
  if (i % 37 == 4) return Role::Placeholder;
  if (i % 23 == 6) return Role::Overwrite;
  if (i % 61 == 15) return Role::DanglingUser;
  return Role::Normal;
}

constexpr int kCustomersPer = 7, kVendorsPer = 1, kLeadsPer = 5, kDealsPer = 8, kOrdersPer = 5, kPaymentsPer = 5;

struct Plan {
  int orgs = 0;
  std::vector<std::int32_t> emp_user;   // employee -> user id (0: none)
  std::vector<std::int32_t> user_emp;   // user id -> employee (Linked, Story, Deleted)
  std::vector<UserKind> user_kind;      // user id -> kind
  std::int64_t users_alloc = 0, users_rows = 0;
  std::int64_t employees = 0, customers = 0, vendors = 0, leads = 0, deals = 0, orders = 0, payments = 0;
  SlotMap rows;   // every table but deals
  SlotMap deals_map;  // deals: when there are 3+ organizations the last has none
  int no_deals_org = 0;

  int alloc(UserKind kind, std::int64_t emp) {
    user_kind.push_back(kind);
    user_emp.push_back(static_cast<std::int32_t>(emp));
    ++users_alloc;
    if (kind != UserKind::Deleted) ++users_rows;
    return static_cast<int>(users_alloc);
  }

  void build(const DemoOptions& o) {
    employees = o.employees;
    orgs = std::max(1, o.employees / 50);
    customers = employees * kCustomersPer;
    vendors = employees * kVendorsPer;
    leads = employees * kLeadsPer;
    deals = employees * kDealsPer;
    orders = employees * kOrdersPer;
    payments = employees * kPaymentsPer;

    std::vector<int> weights(static_cast<std::size_t>(orgs) + 1, 0);
    for (int g = 1; g <= orgs; ++g) weights[static_cast<std::size_t>(g)] = 1 + static_cast<int>(Rng(o.seed, kSOrgWeight, static_cast<std::uint64_t>(g)).below(4));
    rows.build(weights);
    if (orgs >= 3) {
      no_deals_org = orgs;
      weights[static_cast<std::size_t>(orgs)] = 0;
    }
    deals_map.build(weights);

    emp_user.assign(static_cast<std::size_t>(employees) + 1, 0);
    user_kind.assign(1, UserKind::Admin);  // index 0 unused
    user_emp.assign(1, 0);
    alloc(UserKind::Admin, 0);
    for (std::int64_t i = 1; i <= employees; ++i) {
      Rng r(o.seed, kSPlan, static_cast<std::uint64_t>(i));
      if (r.percent(5)) alloc(UserKind::Staff, 0);
      std::int32_t& link = emp_user[static_cast<std::size_t>(i)];
      switch (role_of(o, i)) {
        case Role::CollideExisting: alloc(UserKind::Story, i); break;
        case Role::SharedFirst:
        case Role::SharedSecond:
        case Role::Placeholder: break;
        case Role::Overwrite: link = alloc(UserKind::Linked, i); break;
        case Role::DanglingUser: link = alloc(UserKind::Deleted, i); break;
        case Role::Normal:
          if (r.percent(85)) link = alloc(UserKind::Linked, i);
          break;
      }
    }
    // Created last, so a deleted id is never the largest: the normalizer's new users
    // (max id + 1, ...) can never take a dangling id and "repair" it by accident.
    alloc(UserKind::Service, 0);
  }
};

// ---- Tables ----------------------------------------------------------------------

enum class Table {
  Migrations, ContentTypes, Permissions, Organizations, Users, Employees,
  Customers, Vendors, Leads, Deals, Orders, Payments,
};

struct TableSpec {
  Table table;
  const char* name;
  const char* insert_sql;
};

constexpr TableSpec kTables[] = {
    {Table::Migrations, "django_migrations",
     "INSERT INTO \"django_migrations\" (\"id\", \"app\", \"name\", \"applied\") VALUES (?,?,?,?)"},
    {Table::ContentTypes, "django_content_type",
     "INSERT INTO \"django_content_type\" (\"id\", \"app_label\", \"model\") VALUES (?,?,?)"},
    {Table::Permissions, "auth_permission",
     "INSERT INTO \"auth_permission\" (\"id\", \"content_type_id\", \"codename\", \"name\") VALUES (?,?,?,?)"},
    {Table::Organizations, "organizations",
     "INSERT INTO \"organizations\" (\"id\", \"name\", \"email\", \"phone\", \"website\", \"created_at\", "
     "\"address\", \"city\", \"state\", \"postal_code\", \"country\") VALUES (?,?,?,?,?,?,?,?,?,?,?)"},
    {Table::Users, "users",
     "INSERT INTO \"users\" (\"id\", \"password\", \"last_login\", \"is_superuser\", \"username\", \"first_name\", "
     "\"last_name\", \"email\", \"is_staff\", \"is_active\", \"date_joined\", \"phone\") "
     "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"},
    {Table::Employees, "employees",
     "INSERT INTO \"employees\" (\"id\", \"employee_code\", \"department\", \"job_title\", \"hire_date\", \"salary\", "
     "\"status\", \"emergency_contact_name\", \"emergency_contact_phone\", \"created_at\", \"first_name\", "
     "\"last_name\", \"email\", \"phone\", \"address\", \"city\", \"state\", \"postal_code\", \"country\", "
     "\"organization_id\", \"user_id\") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"},
    {Table::Customers, "customers",
     "INSERT INTO \"customers\" (\"id\", \"name\", \"email\", \"phone\", \"company\", \"customer_type\", "
     "\"created_at\", \"address\", \"city\", \"state\", \"postal_code\", \"country\", \"organization_id\") "
     "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"},
    {Table::Vendors, "vendors",
     "INSERT INTO \"vendors\" (\"id\", \"name\", \"email\", \"phone\", \"contact_person\", \"created_at\", "
     "\"address\", \"city\", \"state\", \"zip_code\", \"country\", \"organization_id\") "
     "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"},
    {Table::Leads, "leads",
     "INSERT INTO \"leads\" (\"id\", \"name\", \"email\", \"phone\", \"source\", \"status\", \"estimated_value\", "
     "\"created_at\", \"address\", \"city\", \"state\", \"postal_code\", \"organization_id\") "
     "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"},
    {Table::Deals, "deals",
     "INSERT INTO \"deals\" (\"id\", \"title\", \"value\", \"currency\", \"stage\", \"expected_close_date\", "
     "\"created_at\", \"customer_id\", \"organization_id\") VALUES (?,?,?,?,?,?,?,?,?)"},
    {Table::Orders, "orders",
     "INSERT INTO \"orders\" (\"id\", \"order_number\", \"total_amount\", \"currency\", \"status\", \"order_date\", "
     "\"customer_id\", \"organization_id\") VALUES (?,?,?,?,?,?,?,?)"},
    {Table::Payments, "payments",
     "INSERT INTO \"payments\" (\"id\", \"amount\", \"currency\", \"payment_method\", \"payment_date\", \"status\", "
     "\"order_id\", \"organization_id\") VALUES (?,?,?,?,?,?,?,?)"},
};
constexpr std::size_t kTableCount = std::size(kTables);

struct OrderCore {
  int org = 0;
  std::int64_t customer = 0;  // 0: NULL
  const char* currency = "";
  std::int64_t cents = 0;
  int day = 0;
};

}  // namespace

// ---- The job -----------------------------------------------------------------------

struct DemoJob::Impl {
  enum class Phase { Schema, Plan, Rows, Indexes, Commit, Finished };

  // One CREATE INDEX still to run, and its share of the progress bar.
  struct PendingIndex {
    std::string sql;
    const char* table;  // the table's name in kTables, or nullptr (empty Django tables)
  };

  DemoOptions opt;
  sql::Database db;
  Calendar cal;
  Plan plan;
  int project_day = 0;  // the day Django's migrations ran

  Phase phase = Phase::Schema;
  std::size_t table = 0;     // index into kTables
  std::int64_t next = 1;     // next row (or user id) of the current table
  std::optional<Inserter> ins;  // the current table's, with the rows not inserted yet
  std::int64_t total = 0, done = 0;  // rows to insert, inserted
  std::vector<PendingIndex> indexes;
  std::size_t next_index = 0;
  // Progress counts an index as much work as inserting its table's rows (about what
  // building it costs).
  std::int64_t index_work = 0, index_done = 0;
  std::vector<std::pair<std::string, std::int64_t>> counts;
  bool taken = false;

  // Scratch text, reused row after row so that steady-state rows allocate nothing.
  std::array<std::string, 10> s;
  Address addr;

  // ---- Pure functions shared between tables ----

  const Locale& org_locale(int o) const {
    return kLocales[Rng(opt.seed, kSOrgLocale, static_cast<std::uint64_t>(o)).below(kLocaleCount)];
  }
  const char* home_currency(int o) const { return org_locale(o).currency; }

  bool tie_org(int o) const {
    return opt.profile == DemoOptions::Dirty && o != plan.no_deals_org && (o % 3 == 1 || o == 2);
  }

  // The currency of deal number k (0-based, in id order) among the n deals of
  // organization o. Three of every four deals are in the organization's home
  // currency, so without a tie the home currency strictly wins (n - n/4 > n/4). A tie
  // organization alternates two currencies on those deals instead (one of them moved
  // to a third currency when their count is odd), and cycles the other slots through
  // all remaining codes so none of them reaches the top two.
  const char* deal_currency(int o, std::int64_t k, std::int64_t n, Rng& r) const {
    const char* home = home_currency(o);
    bool dirty = opt.profile == DemoOptions::Dirty;
    if (!tie_org(o)) {
      if (k % 4 != 3) return home;
      if (dirty && (k / 4) % 8 == 1) return kBadCurrencies[(k / 32) % 3];
      return r.pick(kCurrencies);
    }
    const char* second = nullptr;
    for (std::size_t j = 0; second == nullptr; ++j) {
      const char* c = kCurrencies[(static_cast<std::size_t>(o) + j) % std::size(kCurrencies)];
      if (std::strcmp(c, home) != 0) second = c;
    }
    auto other = [&](std::int64_t slot) -> const char* {
      // All codes but the two tied ones, bad ones included in the dirty profile.
      std::array<const char*, std::size(kCurrencies) + std::size(kBadCurrencies)> pool{};
      std::size_t m = 0;
      for (const char* c : kCurrencies)
        if (std::strcmp(c, home) != 0 && std::strcmp(c, second) != 0) pool[m++] = c;
      for (const char* c : kBadCurrencies) pool[m++] = c;
      return pool[static_cast<std::size_t>(slot) % m];
    };
    std::int64_t tied_slots = n - n / 4;
    if (k % 4 == 3) return other(k);
    std::int64_t j = k - k / 4;  // index among the tied slots
    if (tied_slots % 2 == 1 && j == tied_slots - 1) return other(k);
    return j % 2 == 0 ? home : second;
  }

  // The employee's name and contact data, shared by its user (same person).
  Person employee_person(std::int64_t i, std::string& email, std::string& phone) const {
    Rng r(opt.seed, kSEmpPerson, static_cast<std::uint64_t>(i));
    int o = plan.rows.org_of(i);
    Person p = make_person(r, &org_locale(o));
    email.clear();
    phone.clear();
    if (r.percent(80)) {
      std::string domain;
      append_org_domain(domain, o);
      append_email(email, p, i, domain);
    } else {
      append_email(email, p, i, r.percent(50) ? p.where->mail_domain : r.pick(kPersonalDomains));
    }
    append_pattern(phone, r.pick(p.where->phones), r);
    return p;
  }

  Person customer_person(std::int64_t i) const {
    Rng r(opt.seed, kSCustPerson, static_cast<std::uint64_t>(i));
    return make_person(r, &org_locale(plan.rows.org_of(i)));
  }

  OrderCore order_core(std::int64_t i) const {
    Rng r(opt.seed, kSOrderCore, static_cast<std::uint64_t>(i));
    OrderCore c;
    c.org = plan.rows.org_of(i);
    c.customer = r.percent(6) ? 0 : plan.rows.random_row(c.org, plan.customers, r);
    if (opt.profile == DemoOptions::Dirty && i % 61 == 17)
      c.currency = kBadCurrencies[(i / 61) % 3];
    else
      c.currency = r.percent(88) ? home_currency(c.org) : r.pick(kCurrencies);
    c.cents = 500 + r.below64(2000000);
    if (r.percent(10)) c.cents *= 100;
    if (c.cents % 100 != 0 && r.percent(10)) c.cents -= c.cents % 100;
    c.day = project_day + 60 + static_cast<int>(r.below(1400));
    return c;
  }

  // A datetime on one of `span` days from first_day. (Two draws in one argument list
  // would be evaluated in an unspecified order, and the output would differ between
  // compilers; every draw here is its own statement.)
  void random_datetime(std::string& out, int first_day, int span, Rng& r) const {
    int day = first_day + static_cast<int>(r.below(static_cast<std::uint32_t>(span)));
    int second = static_cast<int>(r.below(86400));
    cal.append_datetime(out, day, second);
  }

  void clear_scratch() {
    for (auto& x : s) x.clear();
  }

  // ---- Row generators: bind one row; false = no row for this id ----

  bool gen_migration(Inserter& b, std::int64_t i) {
    const Migration& m = kMigrations[i - 1];
    // Django applies them seconds apart on the project's first day, microseconds
    // included (auto_now), each a little after the previous one.
    Rng r(opt.seed, kSMigration, 0);
    std::int64_t us = (9 * 3600 + 12 * 60) * 1000000LL + r.below64(3600000000LL);
    for (std::int64_t j = 1; j <= i; ++j) us += 1500 + Rng(opt.seed, kSMigration, static_cast<std::uint64_t>(j)).below64(60000);
    cal.append_datetime(s[0], project_day, static_cast<int>(us / 1000000));
    s[0] += '.';
    append_uint(s[0], static_cast<std::uint64_t>(us % 1000000), 6);
    b.integer(i);
    b.text(m.app);
    b.text(m.name);
    b.text(s[0]);
    return true;
  }

  bool gen_content_type(Inserter& b, std::int64_t i) {
    const ContentType& c = kContentTypes[i - 1];
    b.integer(i);
    b.text(c.app_label);
    b.text(c.model);
    return true;
  }

  bool gen_permission(Inserter& b, std::int64_t i) {
    std::int64_t ct = (i - 1) / 4 + 1;
    const char* action = kPermissionActions[(i - 1) % 4];
    const ContentType& c = kContentTypes[ct - 1];
    s[0] = action;
    s[0] += '_';
    s[0] += c.model;
    s[1] = "Can ";
    s[1] += action;
    s[1] += ' ';
    s[1] += c.verbose;
    b.integer(i);
    b.integer(ct);
    b.text(s[0]);
    b.text(s[1]);
    return true;
  }

  bool gen_organization(Inserter& b, std::int64_t o) {
    Rng r(opt.seed, kSOrg, static_cast<std::uint64_t>(o));
    const Locale& loc = org_locale(static_cast<int>(o));
    // Named after a family of its own country: "Kowalski i Synowie", "株式会社佐藤商事".
    const char* company = r.pick(loc.companies);
    const char* founder = r.pick(loc.family).text;
    append_pattern(s[0], company, r, founder);
    if (!r.percent(5)) {
      s[1] = r.pick(kOrgMailboxes);
      s[1] += '@';
      append_org_domain(s[1], static_cast<int>(o));
    }
    if (!r.percent(5)) append_pattern(s[2], r.pick(loc.phones), r);
    if (!r.percent(10)) {
      s[3] = "https://";
      append_org_domain(s[3], static_cast<int>(o));
    }
    random_datetime(s[4], project_day + 1, 300, r);
    make_address(r, loc, addr);
    b.integer(o);
    b.text(s[0]);
    b.text(s[1]);
    b.text(s[2]);
    b.text(s[3]);
    b.text(s[4]);
    b.text(addr.line);
    b.text(addr.city);
    b.text(addr.state);
    b.text(addr.postal);
    b.text(addr.country);
    return true;
  }

  // A Django-looking password field: PBKDF2 hashes for people, an unusable password
  // ('!' + 40 characters) for the service account.
  static void append_password(std::string& out, Rng& r, bool usable) {
    static constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    auto chars = [&](int n, const char* alphabet, int size) {
      for (int k = 0; k < n; ++k) out += alphabet[r.below(static_cast<std::uint32_t>(size))];
    };
    if (!usable) {
      out += '!';
      chars(40, kB64, 62);
      return;
    }
    out += "pbkdf2_sha256$260000$";
    chars(22, kB64, 62);
    out += '$';
    chars(43, kB64, 64);
    out += '=';
  }

  bool gen_user(Inserter& b, std::int64_t uid) {
    UserKind kind = plan.user_kind[static_cast<std::size_t>(uid)];
    if (kind == UserKind::Deleted) return false;
    Rng r(opt.seed, kSUser, static_cast<std::uint64_t>(uid));
    std::string& password = s[0];
    std::string& last_login = s[1];
    std::string& username = s[2];
    std::string& first = s[3];
    std::string& last = s[4];
    std::string& email = s[5];
    std::string& joined = s[6];
    std::string& phone = s[7];
    bool superuser = false, staff = r.percent(5), active = r.percent(95);
    int joined_day = project_day + static_cast<int>(r.below(1500));

    switch (kind) {
      case UserKind::Admin:
        username = "admin";
        email = "admin@crm.example";
        superuser = staff = active = true;
        joined_day = project_day;
        break;
      case UserKind::Service:
        username = "api-integration";
        first = "API";
        last = "Integration";
        staff = false;
        active = true;
        break;
      case UserKind::Staff: {
        Rng pr(opt.seed, kSStaffPerson, static_cast<std::uint64_t>(uid));
        Person p = make_person(pr, nullptr);
        username = p.given->ascii;
        username += '.';
        username += p.family->ascii;
        append_uint(username, static_cast<std::uint64_t>(uid));
        first = p.given->text;
        last = p.family->text;
        append_email(email, p, uid, "partners.example");
        append_pattern(phone, pr.pick(p.where->phones), pr);
        break;
      }
      case UserKind::Linked:
      case UserKind::Story: {
        std::int64_t emp = plan.user_emp[static_cast<std::size_t>(uid)];
        Person p = employee_person(emp, email, phone);
        first = p.given->text;
        last = p.family->text;
        if (kind == UserKind::Story) {
          username = email;  // the login is the e-mail address (common in Django setups)
        } else {
          username = p.given->ascii;
          username += '.';
          username += p.family->ascii;
          append_uint(username, static_cast<std::uint64_t>(uid));
        }
        if (kind == UserKind::Linked && role_of(opt, emp) == Role::Overwrite) {
          // The user's copy is stale: one field changed on the employee's side only.
          Rng alt(opt.seed, kSUserAlt, static_cast<std::uint64_t>(uid));
          switch ((emp / 23) % 4) {
            case 0:
              email.clear();
              append_email(email, p, emp, "legacy.example", ".old");
              break;
            case 1:
              phone.clear();
              append_pattern(phone, "+1 212 555 09##", alt);
              break;
            case 2: {  // a former family name, from the same culture
              auto pool = p.culture->family;
              auto at = static_cast<std::size_t>(p.family - pool.data());
              last = pool[(at + 1) % pool.size()].text;
              break;
            }
            default:
              first = p.given->ascii;  // typed without accents, lower case
              if (first == p.given->text) first += '.';
              break;
          }
        } else if (r.percent(3)) {
          phone.clear();  // the user never filled it in; the employee row has it
        }
        break;
      }
      case UserKind::Deleted: break;
    }
    append_password(password, r, kind != UserKind::Service);
    bool logged_in = kind == UserKind::Admin || r.percent(70);
    if (logged_in)
      random_datetime(last_login, joined_day + 1, 200, r);  // always after date_joined
    cal.append_datetime(joined, joined_day, static_cast<int>(r.below(86400)));

    b.integer(uid);
    b.text(password);
    if (logged_in) b.text(last_login); else b.null();
    b.integer(superuser ? 1 : 0);
    b.text(username);
    b.text(first);
    b.text(last);
    b.text(email);
    b.integer(staff ? 1 : 0);
    b.integer(active ? 1 : 0);
    b.text(joined);
    b.text(phone);
    return true;
  }

  bool gen_employee(Inserter& b, std::int64_t i) {
    Rng r(opt.seed, kSEmployee, static_cast<std::uint64_t>(i));
    int o = plan.rows.org_of(i);
    std::string& email = s[0];
    std::string& phone = s[1];
    Person p = employee_person(i, email, phone);
    Role role = role_of(opt, i);
    std::int64_t user = plan.emp_user[static_cast<std::size_t>(i)];
    bool keep_contact = role == Role::Overwrite;  // the conflict needs both values present

    std::string& code = s[2];
    code = "EMP-";
    append_uint(code, static_cast<std::uint64_t>(i), 6);
    const char* department = r.pick(kDepartments);
    const char* title = r.pick(kJobTitles);
    std::string& hire = s[3];
    bool has_hire = !r.percent(4);
    if (has_hire) cal.append_date(hire, project_day - 400 + static_cast<int>(r.below(1700)));
    std::string& salary = s[4];
    bool has_salary = !r.percent(6);
    if (has_salary) append_cents(salary, 2400000 + r.below64(15600000));
    const char* status = r.pick(kEmployeeStatuses);
    std::string& emergency_name = s[5];
    std::string& emergency_phone = s[6];
    if (r.percent(50)) {
      Person e = make_person(r, p.where);
      append_full_name(emergency_name, e);
    }
    if (r.percent(60)) append_pattern(emergency_phone, r.pick(p.where->phones), r);
    std::string& created = s[7];
    random_datetime(created, project_day, 1500, r);

    const char* first = p.given->text;
    const char* last = p.family->text;
    switch (role) {
      case Role::Placeholder: email.clear(); break;
      case Role::SharedFirst:
      case Role::SharedSecond:
        email = "sales.team";
        append_uint(email, static_cast<std::uint64_t>(role == Role::SharedFirst ? i : i - 1));
        email += "@shared.example";
        break;
      default:
        // Blank e-mails only where a user keeps the real one (an unlinked employee
        // with no e-mail is the placeholder_email hazard).
        if (user != 0 && !keep_contact && r.percent(3)) email.clear();
        if (!keep_contact && r.percent(user != 0 ? 5 : 8)) phone.clear();
        if (!keep_contact && r.percent(2)) first = "";
    }
    make_address(r, *p.where, addr);

    b.integer(i);
    b.text(code);
    b.text(department);
    b.text(title);
    if (has_hire) b.text(hire); else b.null();
    if (has_salary) b.text(salary); else b.null();
    b.text(status);
    b.text(emergency_name);
    b.text(emergency_phone);
    b.text(created);
    b.text(first);
    b.text(last);
    b.text(email);
    b.text(phone);
    b.text(addr.line);
    b.text(addr.city);
    b.text(addr.state);
    b.text(addr.postal);
    b.text(addr.country);
    b.integer(o);
    id_or_null(b, user);
    return true;
  }

  bool gen_customer(Inserter& b, std::int64_t i) {
    Rng r(opt.seed, kSCustomer, static_cast<std::uint64_t>(i));
    int o = plan.rows.org_of(i);
    Person p = customer_person(i);
    append_full_name(s[0], p);
    if (r.percent(88)) append_email(s[1], p, i, r.percent(50) ? p.where->mail_domain : r.pick(kPersonalDomains));
    if (r.percent(90)) append_pattern(s[2], r.pick(p.where->phones), r);
    bool business = r.percent(35);
    if (business || r.percent(15)) {
      Person c = make_person(r, p.where);
      append_pattern(s[3], r.pick(c.culture->companies), r, c.family->text);
    }
    random_datetime(s[4], project_day + 30, 1450, r);
    make_address(r, *p.where, addr);
    b.integer(i);
    b.text(s[0]);
    b.text(s[1]);
    b.text(s[2]);
    b.text(s[3]);
    b.text(business ? "business" : "individual");
    b.text(s[4]);
    b.text(addr.line);
    b.text(addr.city);
    b.text(addr.state);
    b.text(addr.postal);
    b.text(addr.country);
    b.integer(o);
    return true;
  }

  bool gen_vendor(Inserter& b, std::int64_t i) {
    Rng r(opt.seed, kSVendor, static_cast<std::uint64_t>(i));
    int o = plan.rows.org_of(i);
    const Locale& loc = r.percent(60) ? org_locale(o) : kLocales[r.below(kLocaleCount)];
    Person contact = make_person(r, &loc);
    const char* company = r.pick(loc.companies);
    const char* family = r.pick(loc.family).text;
    append_pattern(s[0], company, r, family);
    if (r.percent(90)) {
      s[1] = "sales@vendor";
      append_uint(s[1], static_cast<std::uint64_t>(i));
      s[1] += ".example";
    }
    if (r.percent(90)) append_pattern(s[2], r.pick(loc.phones), r);
    if (r.percent(85)) append_full_name(s[3], contact);
    random_datetime(s[4], project_day + 30, 1450, r);
    make_address(r, loc, addr);
    if (opt.profile == DemoOptions::Dirty && i % 19 == 7) {
      // zip_only_address: the zip code is the only address value (no draw from `r`, so
      // every other value of the snapshot stays as it was).
      addr.line.clear();
      addr.city = addr.state = addr.country = "";
      if (addr.postal.empty()) addr.postal = std::to_string(10000 + i % 90000);
    }
    b.integer(i);
    b.text(s[0]);
    b.text(s[1]);
    b.text(s[2]);
    b.text(s[3]);
    b.text(s[4]);
    b.text(addr.line);
    b.text(addr.city);
    b.text(addr.state);
    b.text(addr.postal);
    b.text(addr.country);
    b.integer(o);
    return true;
  }

  bool gen_lead(Inserter& b, std::int64_t i) {
    Rng r(opt.seed, kSLead, static_cast<std::uint64_t>(i));
    int o = plan.rows.org_of(i);
    Person p = make_person(r, &org_locale(o));
    append_full_name(s[0], p);
    if (r.percent(85)) append_email(s[1], p, i, r.percent(50) ? p.where->mail_domain : r.pick(kPersonalDomains), ".lead");
    if (r.percent(80)) append_pattern(s[2], r.pick(p.where->phones), r);
    const char* source = r.pick(kLeadSources);
    const char* status = r.pick(kLeadStatuses);
    bool has_value = r.percent(70);
    if (has_value) append_cents(s[3], 10000 + r.below64(20000000));
    random_datetime(s[4], project_day + 30, 1450, r);
    make_address(r, *p.where, addr);
    b.integer(i);
    b.text(s[0]);
    b.text(s[1]);
    b.text(s[2]);
    b.text(source);
    b.text(status);
    if (has_value) b.text(s[3]); else b.null();
    b.text(s[4]);
    b.text(addr.line);
    b.text(addr.city);
    b.text(addr.state);
    b.text(addr.postal);
    b.integer(o);
    return true;
  }

  bool gen_deal(Inserter& b, std::int64_t i) {
    Rng r(opt.seed, kSDeal, static_cast<std::uint64_t>(i));
    int o = plan.deals_map.org_of(i);
    std::int64_t k = plan.deals_map.index_in_org(i);
    std::int64_t n = plan.deals_map.count(o, plan.deals);
    const char* currency = deal_currency(o, k, n, r);
    std::int64_t customer = 0;
    bool dangling = opt.profile == DemoOptions::Dirty && i % 89 == 44;
    if (dangling)
      customer = plan.customers + i;  // a deleted customer
    else if (!r.percent(8))
      customer = plan.rows.random_row(o, plan.customers, r);
    s[0] = r.pick(kDealTitles);
    if (customer > 0 && !dangling) {
      s[0] += " – ";
      append_full_name(s[0], customer_person(customer));
    }
    std::int64_t cents = 50000 + r.below64(50000000);
    if (r.percent(15)) cents -= cents % 100;
    append_cents(s[1], cents);
    int created = project_day + 60 + static_cast<int>(r.below(1400));
    bool has_close = !r.percent(10);
    if (has_close) cal.append_date(s[2], created + 14 + static_cast<int>(r.below(200)));
    cal.append_datetime(s[3], created, static_cast<int>(r.below(86400)));
    b.integer(i);
    b.text(s[0]);
    b.text(s[1]);
    b.text(currency);
    b.text(r.pick(kDealStages));
    if (has_close) b.text(s[2]); else b.null();
    b.text(s[3]);
    id_or_null(b, customer);
    b.integer(o);
    return true;
  }

  bool gen_order(Inserter& b, std::int64_t i) {
    Rng r(opt.seed, kSOrder, static_cast<std::uint64_t>(i));
    OrderCore c = order_core(i);
    s[0] = "ORD-";
    append_uint(s[0], static_cast<std::uint64_t>(i), 7);
    append_cents(s[1], c.cents);
    cal.append_date(s[2], c.day);
    b.integer(i);
    b.text(s[0]);
    b.text(s[1]);
    b.text(c.currency);
    b.text(r.pick(kOrderStatuses));
    b.text(s[2]);
    id_or_null(b, c.customer);
    b.integer(c.org);
    return true;
  }

  bool gen_payment(Inserter& b, std::int64_t i) {
    Rng r(opt.seed, kSPayment, static_cast<std::uint64_t>(i));
    int o = plan.rows.org_of(i);
    std::int64_t order = r.percent(12) ? 0 : plan.rows.random_row(o, plan.orders, r);
    const char* currency;
    std::int64_t cents;
    int day;
    if (order > 0) {
      OrderCore c = order_core(order);
      currency = c.currency;
      cents = r.percent(75) ? c.cents : c.cents * (10 + r.below(80)) / 100;
      day = c.day + static_cast<int>(r.below(45));
    } else {
      currency = r.percent(88) ? home_currency(o) : r.pick(kCurrencies);
      cents = 500 + r.below64(2000000);
      day = project_day + 60 + static_cast<int>(r.below(1440));
    }
    if (opt.profile == DemoOptions::Dirty && i % 67 == 23) currency = kBadCurrencies[(i / 67) % 3];
    append_cents(s[0], cents);
    cal.append_date(s[1], day);
    b.integer(i);
    b.text(s[0]);
    b.text(currency);
    b.text(r.pick(kPaymentMethods));
    b.text(s[1]);
    b.text(r.pick(kPaymentStatuses));
    id_or_null(b, order);
    b.integer(o);
    return true;
  }

  bool gen(Table t, Inserter& b, std::int64_t i) {
    clear_scratch();
    switch (t) {
      case Table::Migrations: return gen_migration(b, i);
      case Table::ContentTypes: return gen_content_type(b, i);
      case Table::Permissions: return gen_permission(b, i);
      case Table::Organizations: return gen_organization(b, i);
      case Table::Users: return gen_user(b, i);
      case Table::Employees: return gen_employee(b, i);
      case Table::Customers: return gen_customer(b, i);
      case Table::Vendors: return gen_vendor(b, i);
      case Table::Leads: return gen_lead(b, i);
      case Table::Deals: return gen_deal(b, i);
      case Table::Orders: return gen_order(b, i);
      case Table::Payments: return gen_payment(b, i);
    }
    return false;
  }

  // Ids to walk per table (users: allocated ids, deleted ones included).
  std::int64_t ids(Table t) const {
    switch (t) {
      case Table::Migrations: return static_cast<std::int64_t>(std::size(kMigrations));
      case Table::ContentTypes: return static_cast<std::int64_t>(std::size(kContentTypes));
      case Table::Permissions: return static_cast<std::int64_t>(std::size(kContentTypes) * std::size(kPermissionActions));
      case Table::Organizations: return plan.orgs;
      case Table::Users: return plan.users_alloc;
      case Table::Employees: return plan.employees;
      case Table::Customers: return plan.customers;
      case Table::Vendors: return plan.vendors;
      case Table::Leads: return plan.leads;
      case Table::Deals: return plan.deals;
      case Table::Orders: return plan.orders;
      case Table::Payments: return plan.payments;
    }
    return 0;
  }

  // ---- Phases ----

  // The tables now; their indexes after the rows (Phase::Indexes): building an index
  // from a sorted scan costs about a third less than keeping it up to date row by
  // row. The DDL is exactly the before shape's; only the order of the entries in
  // sqlite_schema differs from a database Django made.
  Status create_schema() {
    const auto& tables = crm::tables(crm::Shape::Before);
    if (tables.empty()) return make_error(ErrorCode::Internal, "the embedded CRM schema did not parse");
    REDLINE_TRY(db.exec("BEGIN"));
    for (const auto& t : tables) {
      REDLINE_TRY(db.exec(t.create_sql));
      const char* filled = nullptr;
      for (const auto& spec : kTables)
        if (t.name == spec.name) filled = spec.name;
      for (const auto& idx : t.index_sql) indexes.push_back(PendingIndex{idx, filled});
    }
    return ok_status();
  }

  std::int64_t rows_of(const char* table) const {
    if (table == nullptr) return 0;
    for (std::size_t k = 0; k < kTableCount; ++k)
      if (std::strcmp(kTables[k].name, table) == 0) return ids(kTables[k].table);
    return 0;
  }

  void make_plan() {
    plan.build(opt);
    project_day = kDay2021Feb01 + static_cast<int>(Rng(opt.seed, kSProject, 0).below(90));
    total = 0;
    for (const auto& t : kTables) total += ids(t.table);
    total -= plan.users_alloc - plan.users_rows;  // deleted users are walked, not inserted
    index_work = 0;
    for (const auto& idx : indexes) index_work += rows_of(idx.table);
  }

  Position position() const {
    Position p;
    std::int64_t work = total + index_work;
    p.fraction = work > 0 ? static_cast<double>(done + index_done) / static_cast<double>(work) : 0.0;
    switch (phase) {
      case Phase::Schema: p.phase = "schema"; break;
      case Phase::Plan: p.phase = "plan"; break;
      case Phase::Rows: p.phase = table < kTableCount ? kTables[table].name : "rows"; break;
      case Phase::Indexes: p.phase = "indexes"; break;
      case Phase::Commit: p.phase = "commit"; break;
      case Phase::Finished: p.phase = "done"; break;
    }
    return p;
  }

  // The job failed or was cancelled.
  void abandon() {
    ins.reset();
    // A half-made database is of no use to anyone: free its memory now (a taken
    // database belongs to the caller and is left alone).
    if (!taken && db.valid()) db = sql::Database();
  }

  // The current table's inserter, made on first use.
  Status start_table() {
    const char* name = kTables[table].name;
    Inserter::Options options;
    options.max_rows = kBatchRows;
    options.partial_as_one = true;
    auto made = Inserter::from_sql(db, kTables[table].insert_sql, options, [name](const detail::RowFailure& f) {
      return make_error(f.column >= 0 ? ErrorCode::Internal : ErrorCode::Sqlite,
                        std::string(f.column >= 0 ? "cannot bind a demo row: " : "cannot insert a demo row: ") +
                            f.message,
                        std::string(name) + " id " + std::to_string(f.tag));
    });
    if (!made) return made.error();
    ins.emplace(std::move(*made));
    return ok_status();
  }

  // Insert the rows waiting in `ins`.
  Status flush() { return ins ? ins->flush() : ok_status(); }

  Result<bool> work(double budget_ms) {
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    auto out_of_time = [&] { return ms_since(start) >= budget_ms; };
    for (;;) {
      switch (phase) {
        case Phase::Finished: return true;
        case Phase::Schema: {
          auto st = create_schema();
          if (!st) return st.error();
          phase = Phase::Plan;
          break;
        }
        case Phase::Plan:
          make_plan();
          phase = Phase::Rows;
          table = 0;
          next = 1;
          break;
        case Phase::Rows: {
          if (table >= kTableCount) {
            phase = Phase::Indexes;
            next_index = 0;
            break;
          }
          const TableSpec& spec = kTables[table];
          if (next == 1) counts.emplace_back(spec.name, 0);
          if (!ins) {
            auto st = start_table();
            if (!st) return st.error();
          }
          const std::int64_t end = ids(spec.table);
          // Check the clock every 64 rows: cheap enough, and fine-grained enough for
          // a slice of a few ms.
          int since_check = 0;
          while (next <= end) {
            if (gen(spec.table, *ins, next)) {
              // A full batch is inserted here; counted now, since a slice never
              // ends with rows waiting.
              auto st = ins->end_row(static_cast<std::size_t>(next));
              if (!st) return st.error();
              ++counts.back().second;
              ++done;
            }
            ++next;
            if (++since_check == 64) {
              since_check = 0;
              if (next <= end && out_of_time()) {
                auto st = flush();  // a slice never leaves rows behind
                if (!st) return st.error();
                return false;
              }
            }
          }
          auto st = flush();
          if (!st) return st.error();
          ins.reset();
          ++table;
          next = 1;
          break;
        }
        case Phase::Indexes: {
          if (next_index >= indexes.size()) {
            phase = Phase::Commit;
            break;
          }
          const PendingIndex& idx = indexes[next_index];
          auto st = db.exec(idx.sql);
          if (!st) return st.error();
          index_done += rows_of(idx.table);
          ++next_index;
          break;
        }
        case Phase::Commit: {
          auto st = db.exec("COMMIT");
          if (!st) return st.error();
          phase = Phase::Finished;
          return true;
        }
      }
      if (phase != Phase::Finished && out_of_time()) return false;
    }
  }
};

// ---- Public API ------------------------------------------------------------------

const char* to_string(DemoOptions::Profile profile) {
  return profile == DemoOptions::Dirty ? "dirty" : "clean";
}

Result<DemoOptions::Profile> parse_demo_profile(std::string_view text) {
  if (text == "clean") return DemoOptions::Clean;
  if (text == "dirty") return DemoOptions::Dirty;
  return make_error(ErrorCode::Usage, "profile must be clean or dirty, not '" + std::string(text) + "'");
}

Status validate_demo_options(const DemoOptions& options) {
  if (options.employees < 1 || options.employees > kMaxDemoEmployees)
    return make_error(ErrorCode::Usage, "employees must be between 1 and " + std::to_string(kMaxDemoEmployees) +
                                            ", not " + std::to_string(options.employees));
  if (options.profile != DemoOptions::Clean && options.profile != DemoOptions::Dirty)
    return make_error(ErrorCode::Usage, "unknown demo profile");
  return ok_status();
}

DemoJob::DemoJob(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DemoJob::DemoJob(DemoJob&&) noexcept = default;
DemoJob& DemoJob::operator=(DemoJob&&) noexcept = default;
DemoJob::~DemoJob() = default;

Result<DemoJob> DemoJob::start(const DemoOptions& options) {
  REDLINE_TRY(validate_demo_options(options));
  auto db = sql::Database::open_memory();
  if (!db) return db.error();
  auto impl = std::make_unique<Impl>();
  impl->opt = options;
  impl->db = std::move(db.value());
  return DemoJob(std::move(impl));
}

Result<bool> DemoJob::work(double budget_ms) { return impl_->work(budget_ms); }
Position DemoJob::position() const { return impl_->position(); }
void DemoJob::abandon(const Error&) { impl_->abandon(); }
Error DemoJob::cancelled() const { return make_error(ErrorCode::Cancelled, "demo generation cancelled"); }

Result<sql::Database> DemoJob::take_database() {
  if (impl_->phase != Impl::Phase::Finished)
    return make_error(ErrorCode::Internal, "the demo database is not finished");
  if (impl_->taken) return make_error(ErrorCode::Internal, "the demo database was already taken");
  impl_->taken = true;
  return std::move(impl_->db);
}

const std::vector<std::pair<std::string, std::int64_t>>& DemoJob::table_rows() const { return impl_->counts; }
std::int64_t DemoJob::total_rows() const { return impl_->total; }
std::int64_t DemoJob::rows_done() const { return impl_->done; }

Result<sql::Database> generate_demo(const DemoOptions& options) {
  auto job = DemoJob::start(options);
  if (!job) return job.error();
  for (;;) {
    Progress p = job->step(std::numeric_limits<double>::infinity());
    if (p.state == JobState::Done) return job->take_database();
    if (p.state == JobState::Error) return p.error ? *p.error : make_error(ErrorCode::Internal, "demo generation failed");
  }
}

}  // namespace redline
