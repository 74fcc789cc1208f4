// The session's services for reviewing a finished run: the checklist's manual ticks,
// rows read by id for the checklist's drill-down (and the ids behind an item, in pages:
// the run's view has their counts only), and a table's changes as CSV.
// Reads happen here, between frames, never while a panel draws.
#include <algorithm>

#include "engine/engine.hpp"
#include "core/diff/diff.hpp"
#include "core/review/review.hpp"

namespace redline::engine {

namespace {
constexpr std::size_t kMaxRows = 200;  // a drill-down shows at most this many rows

Result<bool> has_table(sql::Database& db, const std::string& table) {
  auto st = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
  if (!st) return st.error();
  if (Status b = st->bind_text(1, table); !b) return b.error();
  auto r = st->step();
  if (!r) return r.error();
  return *r == sql::StepResult::Row;
}

Result<RowsView> read_rows(sql::Database& db, const std::string& source, const std::string& table,
                           const std::vector<std::int64_t>& ids) {
  RowsView view;
  view.table = table;
  view.source = source;
  view.asked = ids.size();
  std::string list;
  for (std::size_t i = 0; i < ids.size() && i < kMaxRows; ++i) {
    if (i) list += ',';
    list += std::to_string(ids[i]);
  }
  if (list.empty()) return view;
  auto st = db.prepare("SELECT * FROM " + sql::quote_ident(table) + " WHERE id IN (" + list + ") ORDER BY id");
  if (!st) return st.error();
  for (int c = 0; c < st->column_count(); ++c) view.columns.push_back(st->column_name(c));
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (*r == sql::StepResult::Done) break;
    std::vector<std::string> row;
    for (int c = 0; c < st->column_count(); ++c) row.push_back(st->column_is_null(c) ? "NULL" : st->column_text(c));
    view.rows.push_back(std::move(row));
  }
  return view;
}

// The last run's checklist item `check` (nullptr if none).
const CheckItem* check_item(const RunView* run, const std::string& check) {
  if (run)
    for (const CheckItem& it : run->checks)
      if (it.id == check) return &it;
  return nullptr;
}

// The rows of `table` behind that item (nullptr if none).
const CheckRows* check_rows(const RunView* run, const std::string& check, const std::string& table) {
  if (const CheckItem* it = check_item(run, check))
    for (const CheckRows& r : it->rows)
      if (r.table == table) return &r;
  return nullptr;
}
}  // namespace

void Engine::serve_check_ids() {
  if (!check_ids_request_ || (check_ids_served_ && *check_ids_served_ == *check_ids_request_)) return;
  check_ids_served_ = check_ids_request_;
  const CheckIdsRequest& r = *check_ids_request_;
  auto page = std::make_shared<CheckIdsPage>();
  page->check = r.check;
  page->offset = r.offset;
  page->limit = r.limit;
  const CheckItem* item = check_item(run_view_.get(), r.check);
  if (!item) {
    error_ = make_error(ErrorCode::Usage, "no checklist item '" + r.check + "' in the last run", "check_ids");
    check_ids_.reset();
    return;
  }
  for (const CheckRows& rows : item->rows) {
    CheckRows p{rows.table, {}, rows.ids.size()};
    const std::size_t from = std::min(r.offset, rows.ids.size());
    const std::size_t to = from + std::min(r.limit, rows.ids.size() - from);
    p.ids.assign(rows.ids.begin() + static_cast<std::ptrdiff_t>(from), rows.ids.begin() + static_cast<std::ptrdiff_t>(to));
    page->rows.push_back(std::move(p));
  }
  check_ids_ = std::move(page);
}

void Engine::serve_rows() {
  if (!rows_request_ || run_active_ || !db_ || (rows_served_ && *rows_served_ == *rows_request_)) return;
  rows_served_ = rows_request_;
  const RowsRequest& r = *rows_request_;
  const std::vector<std::int64_t>* ids = &r.ids;
  if (!r.check.empty()) {
    const CheckRows* rows = check_rows(run_view_.get(), r.check, r.table);
    if (!rows) {
      error_ = make_error(ErrorCode::Usage, "no rows of " + r.table + " behind checklist item '" + r.check + "'", "rows");
      rows_.reset();
      return;
    }
    ids = &rows->ids;
  }
  // The failing rows of a check live in the after database; a table the run dropped
  // (or a run that did not finish) is read from the before one.
  sql::Database* db = &*db_;
  std::string source = "before";
  if (run_ && run_view_ && run_view_->ok) {
    auto in_after = has_table(run_->after(), r.table);
    if (in_after && *in_after) {
      db = &run_->after();
      source = "after";
    }
  }
  auto rows = read_rows(*db, source, r.table, *ids);
  if (!rows) {
    error_ = rows.error();
    rows_.reset();
    return;
  }
  rows_ = std::make_shared<RowsView>(std::move(rows.value()));
}

void Engine::set_ticks(ManualTicks ticks) {
  ticks_ = std::move(ticks);
  if (!run_view_ || run_view_->checks.empty()) return;
  // Published views are immutable: publish a new one with the manual items re-ticked.
  auto view = std::make_shared<RunView>(*run_view_);
  apply_ticks(view->checks, &ticks_);
  if (Status s = fill_review(view->report, nullptr, nullptr, &view->checks); !s) {
    error_ = s.error();
    return;
  }
  view->report_json = view->report.to_json_text();
  run_view_ = std::move(view);
}

Result<std::string> Engine::table_csv(const std::string& table) {
  if (!diff_ready()) {
    return make_error(ErrorCode::Usage, "there are no changes yet: run the normalization first");
  }
  const diff::TableDiff* t = diff_->table(table);
  if (!t) return make_error(ErrorCode::Usage, "no table '" + table + "' in the diff");
  return diff::export_csv_string(*db_, run_->after(), *t);
}

}  // namespace redline::engine
