#include "core/load/load_job.hpp"

#include <chrono>

#include "core/load/loaders.hpp"
#include "core/load/recognize.hpp"

namespace redline {

namespace {
using Clock = std::chrono::steady_clock;
}

struct LoadJob::Impl {
  enum class Phase { Start, Format, Counts, Recognize, Done, Failed };

  std::vector<std::uint8_t> bytes;
  std::string name;
  std::optional<WalInput> wal;
  LoadSummary summary;
  sql::Database db;
  std::unique_ptr<detail::SlicedLoader> loader;
  std::optional<Snapshot> blocking;  // when the file was loaded in one piece
  Phase phase = Phase::Start;
  std::vector<std::string> tables;
  std::size_t next_table = 0;
  double work_ms = 0;
  std::optional<Error> error;

  Progress progress() const {
    Progress p;
    p.state = phase == Phase::Done ? JobState::Done : phase == Phase::Failed ? JobState::Error : JobState::More;
    p.error = error;
    const double total = bytes.empty() ? 1.0 : static_cast<double>(bytes.size());
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
      case Phase::Failed: break;
    }
    return p;
  }

  void fail(Error e) {
    error = std::move(e);
    phase = Phase::Failed;
    loader.reset();
  }

  // The file loaded in one piece by load_snapshot(): for what the sliced loaders
  // leave to it (a dumpdata file laid out unusually) and for the exact message of
  // every SQLite or dumpdata error.
  void load_blocking() {
    loader.reset();
    db = sql::Database();
    auto snap = load_snapshot(bytes, name, wal ? &*wal : nullptr);
    if (!snap) return fail(snap.error());
    blocking.emplace(std::move(snap.value()));
    phase = Phase::Done;
  }

  void start() {
    summary = LoadSummary{};
    summary.name = name;
    summary.bytes = bytes.size();
    if (auto e = detail::unloadable(bytes, name)) return fail(*e);
    summary.format = detect_format(bytes.data(), bytes.size());
    Result<std::unique_ptr<detail::SlicedLoader>> l = make_error(ErrorCode::Internal, "no loader");
    if (summary.format == Format::Sqlite) {
      l = detail::start_sqlite(bytes, name, db, summary, wal ? &*wal : nullptr);
    } else {
      auto m = sql::Database::open_memory();
      if (!m) return fail(m.error());
      db = std::move(m.value());
      l = summary.format == Format::PgDump       ? detail::start_pgdump(bytes, name, db, summary)
          : summary.format == Format::SqliteDump ? detail::start_sqlite_dump(bytes, name, db, summary)
                                                 : detail::start_dumpdata(bytes, name, db, summary);
    }
    if (!l) {
      if (summary.format == Format::PgDump || summary.format == Format::SqliteDump) return fail(l.error());
      return load_blocking();
    }
    loader = std::move(l.value());
    phase = Phase::Format;
  }

  void run(Clock::time_point deadline) {
    while (phase != Phase::Done && phase != Phase::Failed) {
      if (Clock::now() >= deadline) return;
      switch (phase) {
        case Phase::Start:
          // The loader's first work (copying a SQLite file in, a COPY block) starts
          // the next call.
          start();
          if (phase == Phase::Format) return;
          break;
        case Phase::Format: {
          auto r = loader->step(deadline);
          if (!r) {
            if (summary.format == Format::PgDump || summary.format == Format::SqliteDump) return fail(r.error());
            return load_blocking();
          }
          if (!*r) return;
          loader.reset();
          auto names = sql::user_tables(db);
          if (!names) return fail(names.error());
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
          if (!c) return fail(c.error());
          summary.tables[t] = c->value_or(0);
          break;
        }
        case Phase::Recognize: {
          auto recognized = recognize_snapshot(db);
          if (!recognized) return fail(recognized.error());
          summary.kind = to_string(recognized->kind);
          summary.recognition = recognized->description;
          phase = Phase::Done;
          break;
        }
        case Phase::Done:
        case Phase::Failed: break;
      }
    }
  }
};

LoadJob::LoadJob(std::vector<std::uint8_t> bytes, std::string name, std::optional<WalInput> wal)
    : impl_(std::make_unique<Impl>()) {
  impl_->bytes = std::move(bytes);
  impl_->name = std::move(name);
  impl_->wal = std::move(wal);
}
LoadJob::~LoadJob() = default;
LoadJob::LoadJob(LoadJob&&) noexcept = default;
LoadJob& LoadJob::operator=(LoadJob&&) noexcept = default;

Progress LoadJob::step(double budget_ms) {
  auto t0 = Clock::now();
  const auto deadline = deadline_after(budget_ms);
  impl_->run(deadline);
  impl_->work_ms += std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  return impl_->progress();
}

std::uint64_t LoadJob::bytes_consumed() const {
  if (impl_->phase == Impl::Phase::Format && impl_->loader) return impl_->loader->consumed();
  return impl_->phase == Impl::Phase::Start ? 0 : impl_->bytes.size();
}
std::uint64_t LoadJob::bytes_total() const { return impl_->bytes.size(); }
std::string LoadJob::table() const { return impl_->loader ? impl_->loader->table() : std::string(); }
Format LoadJob::format() const { return impl_->summary.format; }

Result<Snapshot> LoadJob::take_snapshot() {
  Impl& m = *impl_;
  if (m.phase == Impl::Phase::Failed) return *m.error;
  if (m.phase != Impl::Phase::Done) return make_error(ErrorCode::Usage, "the load has not finished");
  if (m.blocking) {
    Snapshot s = std::move(*m.blocking);
    m.blocking.reset();
    return s;
  }
  m.summary.ms = m.work_ms;
  return Snapshot{std::move(m.db), std::move(m.summary)};
}

std::vector<std::uint8_t> LoadJob::take_bytes() { return std::move(impl_->bytes); }

// Peak heap per input byte, measured with the wasm page (state().heap.peak after a
// load of the ~200k-row demo snapshot in each format, minus the heap before it):
// the bytes themselves (the page's copy and the loader's), the SQLite database and
// its page cache, and the loader's batches.
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
