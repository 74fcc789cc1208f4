#include "core/load/load_job.hpp"

#include <chrono>

#include "core/load/loaders.hpp"
#include "core/load/recognize.hpp"

namespace redline {

namespace {
using Clock = std::chrono::steady_clock;
}

struct LoadJob::Impl {
  enum class Phase { Start, Format, Counts, Recognize, Done };

  std::vector<std::uint8_t> bytes;
  std::string name;
  std::optional<WalInput> wal;
  LoadSummary summary;
  sql::Database db;
  std::unique_ptr<detail::SlicedLoader> loader;
  Phase phase = Phase::Start;
  std::vector<std::string> tables;
  std::size_t next_table = 0;
  double work_ms = 0;

  std::uint64_t total = 0;  // the bytes' size (a SQLite file's move into db)
  Position position() const {
    Position p;
    const double total = this->total == 0 ? 1.0 : static_cast<double>(this->total);
    switch (phase) {
      case Phase::Start: p.phase = "reading"; break;
      case Phase::Format: {
        double f = loader ? static_cast<double>(loader->consumed()) / total : 0.0;
        p.fraction = 0.9 * (f > 1.0 ? 1.0 : f);
        std::string t = loader ? loader->table() : std::string();
        p.phase = t.empty() ? std::string("loading") : t;
        break;
      }
      case Phase::Counts:
        p.fraction = 0.9 + 0.09 * (tables.empty() ? 1.0 : static_cast<double>(next_table) / static_cast<double>(tables.size()));
        p.phase = "counting rows";
        break;
      case Phase::Recognize: p.fraction = 0.99; p.phase = "recognizing"; break;
      case Phase::Done: p.fraction = 1.0; break;
    }
    return p;
  }

  // The format's sliced loader, begun. Its errors are load_snapshot()'s.
  Status start() {
    summary = LoadSummary{};
    summary.name = name;
    summary.bytes = bytes.size();
    if (auto e = detail::unloadable(bytes, name)) return *e;
    summary.format = detect_format(bytes.data(), bytes.size());
    Result<std::unique_ptr<detail::SlicedLoader>> l = make_error(ErrorCode::Internal, "no loader");
    if (summary.format == Format::Sqlite) {
      l = detail::start_sqlite(bytes, name, db, summary, wal ? &*wal : nullptr);
    } else {
      auto m = sql::Database::open_memory();
      if (!m) return m.error();
      db = std::move(m.value());
      l = summary.format == Format::PgDump       ? detail::start_pgdump(bytes, name, db, summary)
          : summary.format == Format::SqliteDump ? detail::start_sqlite_dump(bytes, name, db, summary)
                                                 : detail::start_dumpdata(bytes, name, db, summary);
    }
    if (!l) return l.error();
    loader = std::move(l.value());
    phase = Phase::Format;
    return ok_status();
  }

  Result<bool> run(Clock::time_point deadline) {
    while (phase != Phase::Done) {
      if (Clock::now() >= deadline) return false;
      switch (phase) {
        case Phase::Start:
          REDLINE_TRY(start());
          break;
        case Phase::Format: {
          auto r = loader->step(deadline);
          if (!r) return r.error();
          if (!*r) return false;
          loader.reset();
          auto names = sql::user_tables(db);
          if (!names) return names.error();
          tables = std::move(names.value());
          phase = Phase::Counts;
          break;
        }
        case Phase::Counts: {
          if (next_table == tables.size()) {
            phase = Phase::Recognize;
            break;
          }
          const std::string& t = tables[next_table++];
          auto c = db.query_int("SELECT count(*) FROM " + sql::quote_ident(t));
          if (!c) return c.error();
          summary.tables[t] = c->value_or(0);
          break;
        }
        case Phase::Recognize: {
          auto recognized = recognize_snapshot(db);
          if (!recognized) return recognized.error();
          summary.kind = to_string(recognized->kind);
          summary.recognition = recognized->description;
          phase = Phase::Done;
          break;
        }
        case Phase::Done: break;
      }
    }
    return true;
  }
};

LoadJob::LoadJob(std::vector<std::uint8_t> bytes, std::string name, std::optional<WalInput> wal)
    : impl_(std::make_unique<Impl>()) {
  impl_->bytes = std::move(bytes);
  impl_->total = impl_->bytes.size();
  impl_->name = std::move(name);
  impl_->wal = std::move(wal);
}
LoadJob::~LoadJob() = default;
LoadJob::LoadJob(LoadJob&&) noexcept = default;
LoadJob& LoadJob::operator=(LoadJob&&) noexcept = default;

Result<bool> LoadJob::work(double budget_ms) {
  auto t0 = Clock::now();
  auto r = impl_->run(deadline_after(budget_ms));
  impl_->work_ms += ms_since(t0);
  return r;
}

Position LoadJob::position() const { return impl_->position(); }

void LoadJob::abandon(const Error&) {
  // The half-loaded database goes now; the user's bytes stay (take_bytes()), back
  // from the database if it held them.
  impl_->loader.reset();
  std::vector<std::uint8_t> held = impl_->db.release_held_image();
  if (impl_->bytes.empty() && impl_->total > 0) impl_->bytes = std::move(held);
  impl_->db = sql::Database();
}

std::uint64_t LoadJob::bytes_consumed() const {
  if (impl_->phase == Impl::Phase::Format && impl_->loader) return impl_->loader->consumed();
  return impl_->phase == Impl::Phase::Start ? 0 : impl_->total;
}
std::uint64_t LoadJob::bytes_total() const { return impl_->total; }
std::string LoadJob::table() const { return impl_->loader ? impl_->loader->table() : std::string(); }
Format LoadJob::format() const { return impl_->summary.format; }

Result<Snapshot> LoadJob::take_snapshot() {
  Impl& m = *impl_;
  if (error()) return *error();
  if (!done()) return make_error(ErrorCode::Usage, "the load has not finished");
  m.summary.ms = m.work_ms;
  return Snapshot{std::move(m.db), std::move(m.summary)};
}

std::vector<std::uint8_t> LoadJob::take_bytes() { return std::move(impl_->bytes); }

// Peak heap per input byte, measured with the wasm page (state().heap.peak after a
// load of the ~200k-row demo snapshot in each format, minus the heap before it):
// the bytes themselves (the page's copy and the loader's), the SQLite database and
// its page cache, and the loader's batches. A SQLite file is no longer copied by its
// loader (it is read where it is); its 3.5 is kept, as the run after the load needs
// about 3x the file (the worker's peak heap at ~300k and ~1M rows, docs/benchmarks.md).
std::uint64_t estimated_load_peak(Format f, std::uint64_t bytes) {
  double per_byte = 4.0;
  switch (f) {
    case Format::Sqlite: per_byte = 3.5; break;
    case Format::SqliteDump: per_byte = 3.5; break;  // not measured: taken as pgdump's (both SQL text)
    case Format::PgDump: per_byte = 3.5; break;
    case Format::DumpData: per_byte = 3.5; break;
    default: break;
  }
  return static_cast<std::uint64_t>(static_cast<double>(bytes) * per_byte);
}

Status check_load_fits(Format f, std::uint64_t bytes, std::uint64_t limit, std::uint64_t in_use,
                       const std::string& name) {
  std::uint64_t need = estimated_load_peak(f, bytes);
  std::uint64_t free = limit > in_use ? limit - in_use : 0;
  if (need <= free) return ok_status();
  auto mb = [](std::uint64_t b) { return std::to_string((b + (1u << 20) - 1) >> 20) + " MB"; };
  // The largest file of this format that would fit in what is free.
  std::uint64_t per_mb = estimated_load_peak(f, 1u << 20);
  std::uint64_t largest = per_mb ? (free / per_mb) << 20 : 0;
  return make_error(ErrorCode::Unsupported,
                    "this " + std::string(format_name(f)) + " snapshot is too big for this browser tab: " +
                        "loading " + mb(bytes) + " needs about " + mb(need) + " of memory, and the tab has " +
                        mb(free) + " free (of at most " + mb(limit) + "); it can take a " + format_name(f) +
                        " file of up to about " + mb(largest) + ". Use the redline command line instead.",
                    name + ", format: " + format_name(f) + ", " + std::to_string(bytes) + " bytes");
}

}  // namespace redline
