// The test of a before/after pair made by tests/django's extra variant (Django ran the
// guide's migration on the before for the after): used on the committed pair
// tests/data/crm-extra (NormalizeCarried, runs without Django) and on the pair
// make_corpus.sh makes afresh (DjangoCorpus, so the committed one cannot drift).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/load/recognize.hpp"
#include "core/review/report.hpp"
#include "core/review/report_render.hpp"
#include "review_test_util.hpp"

namespace redline::test {

inline std::vector<std::string> carried_of(const Report& r) {
  std::vector<std::string> out;
  for (const auto& c : r.carried) out.push_back(c.table + "." + c.column + " " + c.type + (c.not_null ? " NOT NULL" : ""));
  return out;
}

inline const Hazard* find_hazard(const std::vector<Hazard>& hs, const std::string& kind) {
  for (const auto& h : hs)
    if (h.kind == kind) return &h;
  return nullptr;
}

// The lossless item's listed losses as "table id column expected".
inline std::vector<std::string> lost_list(const CheckItem& it) {
  std::vector<std::string> out;
  for (const auto& l : it.extra.at("lost"))
    out.push_back(l.at("table").get<std::string>() + " " + std::to_string(l.at("id").get<std::int64_t>()) + " " +
                  l.at("column").get<std::string>() + (l.at("expected").get<bool>() ? " expected" : " unexplained"));
  return out;
}

// The pair holds what it is made to hold (tests/django's extra variant): employees'
// linkedin_url and indexed badge_number, customers' NOT NULL loyalty_tier with a
// default, deals' probability with its CHECK, the notes app's table with foreign keys
// into customers and employees, values in all of them, vendor 3 with only a zip code.
// Without this a generator that stopped making a case would leave the tests green.
inline void expect_pair_holds_the_extra_cases(sql::Database& before) {
  EXPECT_EQ(one_int(before, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'employees' "
                            "AND sql LIKE '%(\"badge_number\")'"), 1);
  EXPECT_EQ(one_int(before, "SELECT count(*) FROM sqlite_schema WHERE name = 'deals' AND sql LIKE "
                            "'%\"probability\" smallint unsigned NULL CHECK (\"probability\" >= 0)%'"), 1);
  EXPECT_EQ(one_int(before, "SELECT count(*) FROM pragma_table_info('customers') WHERE name = 'loyalty_tier' "
                            "AND \"notnull\" AND dflt_value IS NULL"), 1)
      << "Django keeps a field's default in Python, not in the column";
  EXPECT_EQ(rows(before, "SELECT \"table\" || '.' || \"from\" FROM pragma_foreign_key_list('notes_note') ORDER BY 1"),
            (std::vector<std::string>{"customers.customer_id", "employees.author_id"}));
  for (const char* q : {"SELECT count(*) FROM employees WHERE linkedin_url IS NOT NULL",
                        "SELECT count(*) FROM employees WHERE badge_number IS NOT NULL",
                        "SELECT count(*) FROM customers WHERE loyalty_tier <> 'std'",
                        "SELECT count(*) FROM deals WHERE probability IS NOT NULL",
                        "SELECT count(*) FROM notes_note WHERE author_id IS NOT NULL",
                        "SELECT count(*) FROM notes_note_groups"})
    EXPECT_GT(one_int(before, q), 0) << q;
  EXPECT_EQ(rows(before, "SELECT id FROM vendors WHERE address = '' AND city = '' AND state = '' AND country = '' "
                         "AND zip_code <> ''"),
            (std::vector<std::string>{"3"}));
}

// Redline's result on the pair's before equals Django's after by spec §2's rules: the
// schema text (so the carried columns' definitions and places, and their index),
// every row. The report names the carried columns; the own tables are unchanged data;
// vendor 3's zip code is the one expected loss (Django gave it no address either).
inline void expect_django_pair(const std::string& before, const std::string& after) {
  {
    auto bytes = read_file(before);
    ASSERT_TRUE(bytes.ok());
    auto snap = load_snapshot(*bytes, before);
    ASSERT_TRUE(snap.ok()) << snap.error().describe();
    auto rec = recognize_snapshot(snap->db);
    ASSERT_TRUE(rec.ok());
    EXPECT_EQ(rec->kind, SnapshotKind::Before) << rec->description;
    expect_pair_holds_the_extra_cases(snap->db);
  }
  auto r = review_file(before);
  ASSERT_TRUE(r);
  expect_matches_reference(r->after(), after, before);
  EXPECT_EQ(carried_of(r->run.report),
            (std::vector<std::string>{"customers.loyalty_tier varchar(10) NOT NULL", "deals.probability smallint unsigned",
                                      "employees.linkedin_url varchar(200)", "employees.badge_number varchar(20)"}));
  auto j = r->run.report.to_json();
  ASSERT_TRUE(j.contains("carried"));
  EXPECT_EQ(j["carried"].size(), 4u);
  // The Markdown and HTML reports name them too.
  auto md = render_markdown(r->run.report);
  ASSERT_TRUE(md.ok());
  EXPECT_NE(md->find("## Carried columns"), std::string::npos);
  EXPECT_NE(md->find("employees.linkedin\\_url varchar(200) NULL"), std::string::npos) << *md;
  auto html = render_html(r->run.report);
  ASSERT_TRUE(html.ok());
  EXPECT_NE(html->find("<li><code>customers.loyalty_tier varchar(10) NOT NULL</code></li>"), std::string::npos);

  // Django's result is recognized as normalized, extra columns and all.
  auto rec = recognize_snapshot(r->after());
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->kind, SnapshotKind::After) << rec->description;

  // The carried columns are unchanged data to the diff and the checks; so are the
  // own app's tables.
  for (const auto& ch : r->run.diff->schema)
    for (const char* c : {"loyalty_tier", "probability", "linkedin_url", "badge_number"})
      EXPECT_NE(ch.name, c) << ch.describe();
  int own_tables = 0;
  for (const auto& t : r->run.diff->tables)
    if (t.name == "notes_note" || t.name == "notes_note_groups") {
      ++own_tables;
      EXPECT_EQ(t.added.size() + t.removed.size() + t.changed.size(), 0u) << t.name;
    }
  EXPECT_EQ(own_tables, 2) << "the diff compares the notes app's tables";

  // Vendor 3's only address value is its zip code: Django gave it no address, and so
  // does the default; the hazard names it, lossless lists its zip code as lost.
  const Hazard* h = find_hazard(r->run.report.hazards, "zip_only_address");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->severity, Severity::Warning);
  EXPECT_EQ(h->table, "vendors");
  EXPECT_EQ(h->ids, (std::vector<std::int64_t>{3}));
  const CheckItem* lossless = r->check("lossless");
  ASSERT_TRUE(lossless);
  EXPECT_EQ(lossless->status, CheckStatus::Warn) << lossless->detail;
  auto lost = lost_list(*lossless);
  EXPECT_NE(std::find(lost.begin(), lost.end(), "vendors 3 zip_code expected"), lost.end());
  EXPECT_NE(lossless->detail.find("zip code"), std::string::npos) << lossless->detail;
  const CheckItem* addr = r->check("addresses_migrated");
  ASSERT_TRUE(addr);
  EXPECT_EQ(addr->status, CheckStatus::Pass) << addr->detail;
}

}  // namespace redline::test
