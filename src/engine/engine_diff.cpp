// The session's work for the diff panel between frames: the row search, the
// minimap's change density, and the characters of the loaded text for the font.
#include <algorithm>

#include "engine/engine.hpp"

namespace redline::engine {

void Engine::pump_diff_view(double budget_ms) {
  if (!diff_ready()) {
    search_job_.reset();
    search_run_.reset();
    search_diff_.reset();
    return;
  }
  // A result of another run is stale.
  if (search_run_ && search_run_ != run_view_) {
    search_job_.reset();
    search_running_.reset();
    search_.reset();
  }
  if (search_request_ && !(search_running_ && *search_running_ == *search_request_)) {
    const SearchRequest& r = *search_request_;
    search_job_.reset();
    search_.reset();
    search_running_ = r;
    const diff::TableDiff* t = diff_->table(r.table);
    if (t && !r.query.empty()) {
      search_run_ = run_view_;
      search_diff_ = diff_;
      search_job_ = std::make_unique<diff::SearchJob>(*db_, run_->after(), *t, r.kind, r.query);
    }
  }
  if (search_job_) {
    // Searching shares the frame's budget with the drawing; half of it is plenty.
    Progress p = search_job_->step(budget_ms / 2);
    search_ = std::make_shared<const diff::SearchResult>(search_job_->result());
    if (p.state == JobState::Error && p.error) error_ = p.error;
    if (p.state != JobState::More) search_job_.reset();
  }
  if (density_request_) {
    const auto& [table, buckets] = *density_request_;
    const bool fresh = density_ && density_run_ == run_view_ && density_->table == table && density_->buckets == buckets;
    if (!fresh) {
      const diff::TableDiff* t = diff_->table(table);
      if (t) {
        auto d = diff::change_density(*db_, run_->after(), *t, buckets);
        if (d) {
          density_ = std::make_shared<const diff::ChangeDensity>(std::move(d.value()));
          density_run_ = run_view_;
        } else {
          error_ = d.error();
        }
      }
    }
    density_request_.reset();
  }
}

void Engine::set_text_chars(std::vector<char32_t> chars, std::string_view name) {
  load::add_code_points(name, chars);
  std::sort(chars.begin(), chars.end());
  chars.erase(std::unique(chars.begin(), chars.end()), chars.end());
  if (chars != text_chars_) {
    text_chars_ = std::move(chars);
    ++text_chars_generation_;
  }
}

}  // namespace redline::engine
