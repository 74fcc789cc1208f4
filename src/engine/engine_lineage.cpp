// The engine's answers about single rows of the last run's diff, between frames: one
// row's detail (its values, and where the normalization moved them, from Moves) and
// where a row is in a table's lists of changes. The UI holds neither the diff's row
// ids nor the moves; it asks for these by request.
#include <algorithm>

#include "engine/engine.hpp"

namespace redline::engine {

namespace {

// The ids of one kind of change of `t`, ascending: the order pages and searches use.
const std::vector<std::int64_t>& kind_ids(const diff::TableDiff& t, diff::RowChange k) {
  return k == diff::RowChange::Added ? t.added : k == diff::RowChange::Removed ? t.removed : t.changed.before_ids;
}

std::string shown_value(const diff::Value& v) { return v.type == diff::Value::Type::Absent ? "(none)" : v.display(); }

// Per column of `row`, its before and after and where its value went (or came from);
// what changed or moved first, since that is what the user opened the row for.
RowDetail detail_of(const diff::TableDiff& t, const diff::RowEntry& row, const Moves* moves) {
  RowDetail d;
  d.table = t.name;
  d.kind = row.kind;
  d.before_id = row.before_id;
  d.after_id = row.after_id;
  d.key = diff::row_key_text(t, row);
  std::vector<ValueSource> sources;
  if (moves && row.kind != diff::RowChange::Removed) sources = moves->sources_of(t.name, row.after_id);
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    DetailLine l;
    l.column = t.columns[c].name;
    l.before = shown_value(row.before[c]);
    l.after = shown_value(row.after[c]);
    l.changed = std::find(row.changed_columns.begin(), row.changed_columns.end(), c) != row.changed_columns.end();
    if (moves && row.kind != diff::RowChange::Added) {
      if (auto w = moves->where_went(t.name, row.before_id, l.column); w && w->fate != Fate::Blank) {
        l.moved = std::string(to_string(w->fate)) +
                  (w->to_table.empty() ? std::string()
                                       : " -> " + w->to_table + " #" + std::to_string(w->to_id) + "." + w->to_column);
        if (!w->note.empty()) l.moved += " (" + w->note + ")";
      }
    }
    for (const ValueSource& s : sources) {
      if (s.column != l.column || s.from_table.empty()) continue;
      if (!l.moved.empty()) l.moved += "; ";
      l.moved += "<- " + s.from_table + " #" + std::to_string(s.from_id) + "." + s.from_column;
      if (!s.note.empty()) l.moved += " (" + s.note + ")";
    }
    d.lines.push_back(std::move(l));
  }
  std::stable_partition(d.lines.begin(), d.lines.end(),
                        [](const DetailLine& l) { return l.changed || !l.moved.empty(); });
  return d;
}

}  // namespace

void Engine::serve_lineage() {
  if (!diff_ready()) return;
  if (detail_request_ && !(detail_served_ && *detail_served_ == *detail_request_)) {
    detail_served_ = detail_request_;
    const DetailRequest& r = *detail_request_;
    detail_.reset();
    const diff::TableDiff* t = diff_->table(r.table);
    const std::int64_t id = r.kind == diff::RowChange::Added ? r.after_id : r.before_id;
    std::optional<std::size_t> index;
    if (t) {
      const auto& ids = kind_ids(*t, r.kind);
      auto it = std::lower_bound(ids.begin(), ids.end(), id);
      if (it != ids.end() && *it == id) index = static_cast<std::size_t>(it - ids.begin());
    }
    if (!index) {
      error_ = make_error(ErrorCode::Usage, "no " + std::string(diff::to_string(r.kind)) + " row #" +
                                                std::to_string(id) + " in table '" + r.table + "' of the diff");
    } else {
      auto page = diff::fetch_rows(*db_, run_->after(), *t, r.kind, *index, 1);
      if (!page) {
        error_ = page.error();
      } else if (!page->rows.empty()) {
        detail_ = std::make_shared<const RowDetail>(detail_of(*t, page->rows.front(), moves_.get()));
      }
    }
  }
  if (locate_request_ && !(locate_served_ && *locate_served_ == *locate_request_)) {
    locate_served_ = locate_request_;
    const LocateRequest& r = *locate_request_;
    RowLocation l;
    l.table = r.table;
    l.id = r.id;
    l.any_kind = r.any_kind;
    l.kind = r.kind;
    if (const diff::TableDiff* t = diff_->table(r.table)) {
      for (auto k : {diff::RowChange::Changed, diff::RowChange::Added, diff::RowChange::Removed}) {
        if (!r.any_kind && k != r.kind) continue;
        const auto& ids = kind_ids(*t, k);
        const auto idx = static_cast<std::size_t>(std::lower_bound(ids.begin(), ids.end(), r.id) - ids.begin());
        if (r.any_kind ? idx < ids.size() && ids[idx] == r.id : !ids.empty()) {
          l.kind = k;
          l.index = std::min(idx, ids.size() - 1);
          l.found = true;
          break;
        }
      }
    }
    location_ = std::make_shared<const RowLocation>(std::move(l));
  }
}

}  // namespace redline::engine
