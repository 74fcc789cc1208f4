// The report for people and for programs: the JSON's diff counts against SQL over
// before and after (ours and Django's), its moves and checks; the HTML well formed,
// offline, every datum escaped (markup, quotes, tabs, line breaks, CJK, bad UTF-8);
// the Markdown escaped; the CLI's --report-md, --report-html and --csv-dir.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <sstream>

#include "core/io.hpp"
#include "core/review/report_render.hpp"
#include "review_test_util.hpp"

using namespace redline;
using namespace redline::test;

namespace {

const char* const kEvil = "<script>alert(\"x\")</script> & 'q'\ttab\nline 東京 | *a* [b](c)";

// Tags of our own HTML balance: every element opened is closed in order (void
// elements excepted), nothing but a tag starts with '<' (data is escaped). The
// contents of <style> are skipped. Returns "" or what is wrong.
std::string check_balanced(const std::string& html) {
  static const std::set<std::string> kVoid = {"meta", "br", "hr", "img", "input", "link", "wbr", "col", "area", "base", "source"};
  std::vector<std::string> stack;
  std::size_t i = 0;
  while ((i = html.find('<', i)) != std::string::npos) {
    if (html.compare(i, 9, "<!DOCTYPE") == 0) {
      i = html.find('>', i);
      continue;
    }
    std::size_t end = html.find('>', i);
    if (end == std::string::npos) return "unterminated tag at " + std::to_string(i);
    std::string tag = html.substr(i + 1, end - i - 1);
    bool closing = !tag.empty() && tag[0] == '/';
    if (closing) tag = tag.substr(1);
    std::size_t n = 0;
    while (n < tag.size() && (std::isalnum(static_cast<unsigned char>(tag[n])))) ++n;
    std::string name = tag.substr(0, n);
    if (name.empty()) return "a '<' that starts no tag at " + std::to_string(i) + ": " + html.substr(i, 40);
    if (closing) {
      if (stack.empty() || stack.back() != name)
        return "</" + name + "> closes " + (stack.empty() ? std::string("nothing") : "<" + stack.back() + ">") + " at " + std::to_string(i);
      stack.pop_back();
    } else if (!kVoid.count(name)) {
      stack.push_back(name);
      if (name == "style") {
        std::size_t close = html.find("</style>", end);
        if (close == std::string::npos) return "unterminated <style>";
        end = close - 1;
      }
    }
    i = end + 1;
  }
  if (!stack.empty()) return "<" + stack.back() + "> is never closed";
  return {};
}

bool contains(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// crm-small with markup and friends in the data, normalized and reviewed, its report
// filled as the CLI fills it.
struct Rendered {
  std::unique_ptr<Reviewed> r;
  Report report;
};

std::unique_ptr<Rendered> evil_run() {
  auto out = std::make_unique<Rendered>();
  auto snap = load_fixture(kSmallFixture);
  EXPECT_TRUE(snap.ok());
  if (!snap.ok()) return nullptr;
  // An employee whose user has another first name (so the hazard and the lost values
  // show it), and the city and state (bytes that are not UTF-8) of the organization
  // whose address is the first example row.
  const std::string evil = sql::quote_literal(kEvil);
  EXPECT_TRUE(snap->db.exec("UPDATE employees SET first_name = " + evil + " WHERE id = (SELECT min(e.id) FROM employees "
                            "AS e JOIN users AS u ON u.id = e.user_id WHERE u.first_name <> '')").ok());
  EXPECT_TRUE(snap->db.exec("UPDATE organizations SET city = " + evil + " WHERE id = 1").ok());
  EXPECT_TRUE(snap->db.exec("UPDATE organizations SET state = CAST(x'41FF42C0AF' AS TEXT) WHERE id = 1").ok());
  auto r = std::make_unique<Reviewed>();
  r->before = std::move(snap.value());
  r->run = run_pipeline(r->before.db, ReportInput{"evil<name>.sqlite3", "sqlite", std::string(64, 'a'), {}}, fixed_options());
  EXPECT_FALSE(r->run.error);
  if (r->run.error) return nullptr;
  auto rv = review_run(r->before.db, r->run.after, fixed_options(), nullptr, r->run.diff);
  EXPECT_TRUE(rv.ok());
  if (!rv.ok()) return nullptr;
  r->moves = std::move(rv->moves);
  r->checks = std::move(rv->checks);
  out->report = r->run.report;
  EXPECT_TRUE(fill_review(out->report, r->run.diff.get(), &r->moves, &r->checks).ok());
  out->r = std::move(r);
  return out;
}

RenderOptions with_rows(Rendered& x) {
  RenderOptions o;
  o.diff = x.r->run.diff.get();
  o.before = &x.r->before.db;
  o.after = &x.r->run.after;
  return o;
}

}  // namespace

TEST(ReportRender, EscapingHelpers) {
  EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(html_escape("東京\t\n"), "東京\t\n");
  EXPECT_EQ(valid_utf8("ok"), "ok");
  EXPECT_EQ(valid_utf8(std::string("A\xFF" "B")), "A\xEF\xBF\xBD" "B");
  EXPECT_EQ(valid_utf8(std::string("\xC0\xAF")), "\xEF\xBF\xBD\xEF\xBF\xBD") << "overlong '/'";
  EXPECT_EQ(valid_utf8(std::string("\xED\xA0\x80")), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD") << "a surrogate";
  EXPECT_EQ(valid_utf8(std::string("\xE6\x9D")), "\xEF\xBF\xBD\xEF\xBF\xBD") << "cut short";
  EXPECT_EQ(valid_utf8("\xF0\x9F\x98\x80"), "\xF0\x9F\x98\x80");
  EXPECT_EQ(markdown_escape("a|b*c_d`e[f]<g>&\nh"), "a\\|b\\*c\\_d\\`e\\[f\\]&lt;g&gt;&amp;<br>h");
}

// to_json_text() writes the report's members one by one, "diff" and "checks" from the
// report's own trees (a copy of them was the engine's peak): its bytes are those of
// the whole document dumped by nlohmann, at every indent, with invalid UTF-8 in the
// data replaced, an error and a status, and empty members.
TEST(ReportRender, JsonTextIsTheWholeDocumentsDump) {
  auto r = review_fixture(kDirtyFixture);
  ASSERT_TRUE(r);
  Report report = r->run.report;
  ASSERT_TRUE(fill_review(report, r->run.diff.get(), &r->moves, &r->checks).ok());
  ASSERT_GT(report.checks.size(), 10u);
  report.input.name = std::string("bad \xFF utf-8 ") + kEvil;
  report.checks[0]["detail"] = std::string("cut short \xE6\x9D");
  report.status = "failed";
  report.error = make_error(ErrorCode::Internal, kEvil, "context");
  Report empty;
  empty.diff = nlohmann::ordered_json::object();
  for (const Report* one : {&report, &empty}) {
    for (int indent : {-1, 0, 2, 4}) {
      const std::string want =
          one->to_json().dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
      const std::string got = one->to_json_text(indent);
      EXPECT_EQ(got.size(), want.size()) << "indent " << indent;
      EXPECT_TRUE(got == want) << "indent " << indent << ": first difference at "
                               << std::mismatch(got.begin(), got.end(), want.begin(), want.end()).first - got.begin();
    }
  }
  EXPECT_NE(report.to_json_text().find("\xEF\xBF\xBD"), std::string::npos) << "the bad bytes are replaced";
}

TEST(ReportRender, JsonDiffCountsEqualSqlOverBeforeAndAfter) {
  auto r = review_fixture(kSmallFixture);
  ASSERT_TRUE(r);
  Report report = r->run.report;
  ASSERT_TRUE(fill_review(report, r->run.diff.get(), &r->moves, &r->checks).ok());
  auto j = nlohmann::json::parse(report.to_json_text());
  ASSERT_TRUE(j["diff"].contains("tables") && j["diff"].contains("schema") && j["diff"].contains("moves"));
  EXPECT_EQ(j["diff"]["moves"].size(), 32u);
  EXPECT_EQ(j["checks"].size(), 25u);

  // Counts per table, computed here: rows by id, cells of the columns both sides have,
  // compared strictly (IS NOT, or a different storage type).
  auto counts = [&](sql::Database& db, const std::string& b, const std::string& a) {
    std::map<std::string, std::array<std::int64_t, 4>> out;
    auto names = [&](const std::string& schema) {
      std::set<std::string> s;
      for (const auto& t : rows(db, "SELECT name FROM " + schema + ".sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
        s.insert(t);
      return s;
    };
    auto nb = names(b), na = names(a);
    std::set<std::string> all = nb;
    all.insert(na.begin(), na.end());
    for (const auto& t : all) {
      const std::string bt = b + "." + sql::quote_ident(t), at = a + "." + sql::quote_ident(t);
      if (!nb.count(t)) {
        out[t] = {one_int(db, "SELECT count(*) FROM " + at), 0, 0, 0};
        continue;
      }
      if (!na.count(t)) {
        out[t] = {0, one_int(db, "SELECT count(*) FROM " + bt), 0, 0};
        continue;
      }
      std::vector<std::string> cols;
      for (const auto& c : rows(db, "SELECT name FROM pragma_table_info(" + sql::quote_literal(t) + ", '" + b +
                                        "') WHERE name IN (SELECT name FROM pragma_table_info(" + sql::quote_literal(t) +
                                        ", '" + a + "')) AND name <> 'id'"))
        cols.push_back(c);
      std::string any = "0", cells = "0";
      for (const auto& c : cols) {
        std::string q = sql::quote_ident(c);
        std::string d = "(x." + q + " IS NOT y." + q + " OR typeof(x." + q + ") <> typeof(y." + q + "))";
        any += " OR " + d;
        cells += " + " + d;
      }
      out[t] = {one_int(db, "SELECT count(*) FROM " + at + " WHERE id NOT IN (SELECT id FROM " + bt + ")"),
                one_int(db, "SELECT count(*) FROM " + bt + " WHERE id NOT IN (SELECT id FROM " + at + ")"),
                one_int(db, "SELECT count(*) FROM " + bt + " AS x JOIN " + at + " AS y ON y.id = x.id WHERE " + any),
                one_int(db, "SELECT coalesce(sum(" + cells + "), 0) FROM " + bt + " AS x JOIN " + at + " AS y ON y.id = x.id")};
    }
    return out;
  };
  attach_before(r->after(), r->before_path);
  auto ours = counts(r->after(), "b", "main");
  ASSERT_TRUE(r->after().exec("DETACH b").ok());
  ASSERT_EQ(ours.size(), j["diff"]["tables"].size());
  for (const auto& [t, c] : ours) {
    ASSERT_TRUE(j["diff"]["tables"].contains(t)) << t;
    const auto& d = j["diff"]["tables"][t];
    EXPECT_EQ(d["added"], c[0]) << t;
    EXPECT_EQ(d["removed"], c[1]) << t;
    EXPECT_EQ(d["changed"], c[2]) << t;
    EXPECT_EQ(d["cells_changed"], c[3]) << t;
  }
  EXPECT_EQ(j["diff"]["tables"]["addresses"]["added"], 1062);
  EXPECT_EQ(j["diff"]["tables"]["users"]["added"], 59);

  // And the same counts between before.sqlite3 and Django's after.sqlite3, for the
  // tables whose ids Django keeps (spec §2: addresses and addressables compare by content).
  auto dj = sql::Database::open_memory();
  ASSERT_TRUE(dj.ok());
  attach_before(*dj, r->before_path);
  attach_before(*dj, fixture("crm-small/after.sqlite3"), "dj");
  auto django = counts(*dj, "b", "dj");
  ASSERT_EQ(django.size(), ours.size());
  for (const auto& [t, c] : django) {
    if (t == "addresses" || t == "addressables") continue;
    EXPECT_EQ(c, ours[t]) << t;
  }
}

TEST(ReportRender, HtmlIsWellFormedOfflineAndEscaped) {
  auto x = evil_run();
  ASSERT_TRUE(x);
  auto html = render_html(x->report, with_rows(*x));
  ASSERT_TRUE(html.ok()) << html.error().describe();
  const std::string& h = *html;
  EXPECT_EQ(check_balanced(h), "");
  EXPECT_FALSE(contains(h, "http://"));
  EXPECT_FALSE(contains(h, "https://"));
  const std::string l = lower(h);
  EXPECT_FALSE(contains(l, "<script")) << "no script of ours, and the data's is escaped";
  EXPECT_FALSE(contains(l, "<link"));
  EXPECT_FALSE(contains(l, "@import"));
  EXPECT_FALSE(contains(l, "url("));
  EXPECT_FALSE(contains(l, "@font-face"));
  // The value, escaped, where a reviewer sees it: the hazard's details, the lost values,
  // the example rows; the tab and the line break shown.
  EXPECT_TRUE(contains(h, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;")) << "escaped";
  EXPECT_TRUE(contains(h, "title=\"tab\">&#8677;</span>tab"));
  EXPECT_TRUE(contains(h, "東京"));
  EXPECT_TRUE(contains(h, "evil&lt;name&gt;.sqlite3"));
  EXPECT_TRUE(contains(h, "A\xEF\xBF\xBD" "B")) << "bytes that are not UTF-8 become U+FFFD";
  EXPECT_EQ(valid_utf8(h), h) << "the whole file is valid UTF-8";
  // The sections a reviewer reads, in order; the SQL folded in <details>.
  std::size_t at = 0;
  for (const char* id : {"summary", "hazards", "checks", "changes", "moves", "steps", "options"}) {
    std::size_t p = h.find(std::string("<section id=\"") + id + "\"");
    ASSERT_NE(p, std::string::npos) << id;
    EXPECT_GT(p, at) << id;
    at = p;
  }
  EXPECT_TRUE(contains(h, "<details><summary><span class=\"sid\">M1</span>"));
  EXPECT_TRUE(contains(h, "INSERT INTO users"));
  EXPECT_TRUE(contains(h, "class=\"v changed\""));
  EXPECT_TRUE(contains(h, "api_post_employee"));
}

TEST(ReportRender, HtmlOfAFailedRunSaysSo) {
  Report report;
  report.input.name = "x.sqlite3";
  report.status = "failed";
  report.error = make_error(ErrorCode::BadInput, "step C3 failed: employees without a user remain", "employees.user_id");
  auto html = render_html(report);
  ASSERT_TRUE(html.ok());
  EXPECT_EQ(check_balanced(*html), "");
  EXPECT_TRUE(contains(*html, "The run did not finish."));
  EXPECT_TRUE(contains(*html, "employees without a user remain"));
  auto md = render_markdown(report);
  ASSERT_TRUE(md.ok());
  EXPECT_TRUE(contains(*md, "The run did not finish"));
}

TEST(ReportRender, MarkdownIsEscaped) {
  auto x = evil_run();
  ASSERT_TRUE(x);
  auto md = render_markdown(x->report, with_rows(*x));
  ASSERT_TRUE(md.ok()) << md.error().describe();
  const std::string& m = *md;
  EXPECT_FALSE(contains(lower(m), "<script"));
  EXPECT_TRUE(contains(m, "&lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; 'q'&#9;tab<br>line 東京 \\| \\*a\\* \\[b\\](c)"));
  EXPECT_TRUE(contains(m, "## Verification checklist"));
  EXPECT_TRUE(contains(m, "## Moved values"));
  EXPECT_TRUE(contains(m, "```sql\n"));
  // Every table row has as many cells as its header: no pipe leaked from the data.
  std::istringstream in(m);
  std::string line;
  std::size_t header_cells = 0;
  bool in_fence = false;
  auto cells = [](const std::string& s) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size(); ++i)
      if (s[i] == '|' && (i == 0 || s[i - 1] != '\\')) ++n;
    return n;
  };
  while (std::getline(in, line)) {
    if (line.rfind("```", 0) == 0) in_fence = !in_fence;
    if (in_fence || line.empty() || line[0] != '|') {
      header_cells = 0;
      continue;
    }
    if (!header_cells) header_cells = cells(line);
    EXPECT_EQ(cells(line), header_cells) << line;
  }
}

TEST(ReportRender, CliWritesEveryFormat) {
  TempDir tmp;
  const std::string out = tmp.file("a.sqlite3");
  ASSERT_TRUE(std::filesystem::create_directory(tmp.file("csv")));
  auto res = run_cli("normalize " + shell_quote(fixture(kSmallFixture)) + " --out " + shell_quote(out) + " --report " +
                     shell_quote(tmp.file("r.json")) + " --report-md " + shell_quote(tmp.file("r.md")) + " --report-html " +
                     shell_quote(tmp.file("r.html")) + " --csv-dir " + shell_quote(tmp.file("csv")) +
                     " --now '" + std::string(kNow) + "'");
  ASSERT_EQ(res.exit_code, 0) << res.out;
  auto text = [](const std::string& p) {
    auto b = read_file(p);
    return b.ok() ? std::string(b->begin(), b->end()) : std::string();
  };
  auto j = nlohmann::json::parse(text(tmp.file("r.json")));
  EXPECT_EQ(j["checks"].size(), 25u);
  EXPECT_EQ(j["diff"]["moves"].size(), 32u);
  const std::string html = text(tmp.file("r.html"));
  EXPECT_EQ(check_balanced(html), "");
  EXPECT_TRUE(contains(html, "<section id=\"checks\">"));
  EXPECT_TRUE(contains(text(tmp.file("r.md")), "# Redline report"));

  // One CSV per table with row changes: exactly the diff module's export of our run.
  auto r = review_fixture(kSmallFixture);
  ASSERT_TRUE(r);
  std::size_t files = 0;
  for (const auto& t : r->run.diff->tables) {
    const std::string path = tmp.file("csv/" + t.name + ".csv");
    if (!t.has_row_changes()) {
      EXPECT_FALSE(std::filesystem::exists(path)) << t.name;
      continue;
    }
    ++files;
    auto want = diff::export_csv_string(r->before.db, r->run.after, t);
    ASSERT_TRUE(want.ok());
    EXPECT_EQ(text(path), *want) << t.name;
  }
  EXPECT_GE(files, 5u);
  EXPECT_TRUE(contains(text(tmp.file("csv/employees.csv")), "user_id (before),user_id (after)"));

  // Usage names the new options.
  auto help = run_cli("--help");
  EXPECT_TRUE(contains(help.out, "--report-html R.html"));
  EXPECT_TRUE(contains(help.out, "--ticks T.json"));
}
