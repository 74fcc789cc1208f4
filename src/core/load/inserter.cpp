// The batched inserter (see inserter.hpp).
#include "core/load/inserter.hpp"

#include <algorithm>

namespace redline::detail {

Result<Inserter> Inserter::make(sql::Database& db, const std::string& table, const std::vector<std::string>& columns,
                                const Options& options, Blame blame) {
  std::string head = options.or_ignore ? "INSERT OR IGNORE INTO " : "INSERT INTO ";
  head += sql::quote_ident(table) + " (";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i) head += ", ";
    head += sql::quote_ident(columns[i]);
  }
  head += ") VALUES ";
  return make_from(db, std::move(head), columns.size(), options, std::move(blame));
}

Result<Inserter> Inserter::from_sql(sql::Database& db, std::string_view insert_one_row, const Options& options,
                                    Blame blame) {
  const std::size_t open = insert_one_row.rfind('(');
  const std::size_t ncols = static_cast<std::size_t>(
      std::count(insert_one_row.begin() + static_cast<std::ptrdiff_t>(open), insert_one_row.end(), '?'));
  return make_from(db, std::string(insert_one_row.substr(0, open)), ncols, options, std::move(blame));
}

Result<Inserter> Inserter::make_from(sql::Database& db, std::string head, std::size_t ncols, const Options& options,
                                     Blame blame) {
  Inserter ins;
  ins.db_ = &db;
  ins.head_ = std::move(head);
  ins.ncols_ = ncols;
  ins.options_ = options;
  ins.blame_ = std::move(blame);
  // Rows per statement: enough to amortize running a statement, few enough to stay
  // well under SQLite's limit on parameters (32766).
  ins.batch_ = std::clamp<std::size_t>(options.max_params / std::max<std::size_t>(ncols, 1), 1, options.max_rows);
  std::string tuple(1, '(');
  for (std::size_t i = 0; i < ncols; ++i) tuple.append(i ? ", ?" : "?");
  tuple.push_back(')');
  ins.tuple_ = std::move(tuple);
  ins.statements_.resize(ins.batch_ + 1);
  auto one = ins.statement(1);
  if (!one) return one.error();
  if (ins.batch_ > 1) {
    auto many = ins.statement(ins.batch_);
    if (!many) return many.error();
  }
  ins.slots_.resize(ins.batch_ * ncols);
  ins.scratch_.resize(ins.batch_ * ncols);
  ins.small_.resize(ins.batch_ * ncols);
  ins.tags_.resize(ins.batch_);
  return ins;
}

Result<sqlite3_stmt*> Inserter::statement(std::size_t rows) {
  sql::Statement& st = statements_[rows];
  if (st.handle() == nullptr) {
    std::string sql = head_;
    for (std::size_t r = 0; r < rows; ++r) {
      if (r) sql += ", ";
      sql += tuple_;
    }
    auto prepared = db_->prepare(sql);
    if (!prepared) return prepared.error();
    st = std::move(*prepared);
  }
  return st.handle();
}

int Inserter::bind_row(sqlite3_stmt* st, std::size_t row, int first_param, std::size_t& bad_column) const {
  for (std::size_t i = 0; i < ncols_; ++i) {
    const Slot& v = slots_[row * ncols_ + i];
    const int p = first_param + static_cast<int>(i);
    int rc;
    switch (v.kind) {
      case Slot::Kind::Null: rc = sqlite3_bind_null(st, p); break;
      case Slot::Kind::Int: rc = sqlite3_bind_int64(st, p, v.i); break;
      case Slot::Kind::Real: rc = sqlite3_bind_double(st, p, v.r); break;
      // An empty view may have no data pointer; SQLite would read that as NULL.
      case Slot::Kind::Text: rc = sqlite3_bind_text64(st, p, v.n ? v.p : "", v.n, SQLITE_STATIC, SQLITE_UTF8); break;
      case Slot::Kind::Blob: rc = sqlite3_bind_blob64(st, p, v.n ? v.p : "", v.n, SQLITE_STATIC); break;
      default: rc = SQLITE_MISUSE;
    }
    if (rc != SQLITE_OK) {
      bad_column = i;
      return rc;
    }
  }
  return SQLITE_OK;
}

Status Inserter::end_row(std::size_t tag) {
  tags_[pending_] = tag;
  cursor_ = 0;
  if (++pending_ == batch_ || pending_bytes_ > options_.max_batch_bytes) return flush();
  return ok_status();
}

Status Inserter::flush() {
  if (pending_ == 0) return ok_status();
  if (pending_ > 1 && (pending_ == batch_ || options_.partial_as_one)) {
    auto h = statement(pending_);
    if (!h) return h.error();
    sqlite3_stmt* st = *h;
    std::size_t bad_column = 0;
    int rc = SQLITE_OK;
    for (std::size_t r = 0; r < pending_ && rc == SQLITE_OK; ++r)
      rc = bind_row(st, r, static_cast<int>(r * ncols_) + 1, bad_column);
    if (rc == SQLITE_OK) {
      rc = sqlite3_step(st);
      sqlite3_reset(st);
      if (rc == SQLITE_DONE) {
        written();
        return ok_status();
      }
    }
    // The statement was undone as a whole; row by row below finds the row to blame.
  }
  return write_row_by_row();
}

Status Inserter::write_row_by_row() {
  auto h = statement(1);
  if (!h) return h.error();
  sqlite3_stmt* st = *h;
  for (std::size_t r = 0; r < pending_; ++r) {
    std::size_t bad_column = 0;
    int rc = bind_row(st, r, 1, bad_column);
    if (rc != SQLITE_OK) {
      RowFailure f{tags_[r], static_cast<int>(bad_column), rc, sqlite3_errmsg(db_->handle())};
      pending_ = 0;
      return blame_(f);
    }
    rc = sqlite3_step(st);
    if (rc != SQLITE_DONE) {
      RowFailure f{tags_[r], -1, rc, sqlite3_errmsg(db_->handle())};
      sqlite3_reset(st);
      pending_ = 0;
      return blame_(f);
    }
    sqlite3_reset(st);
  }
  written();
  return ok_status();
}

void Inserter::written() {
  if (pending_bytes_ > options_.scratch_keep) {
    for (auto& s : scratch_)
      if (s.capacity() > options_.scratch_keep) std::string().swap(s);
  }
  pending_ = 0;
  pending_bytes_ = 0;
}

}  // namespace redline::detail
