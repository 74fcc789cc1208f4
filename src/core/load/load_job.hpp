// Loading a snapshot as a resumable job (the engine's load): the same work as
// load_snapshot(), cut into slices of about budget_ms by each format's sliced loader,
// so that a large file's load can be cancelled and shows its progress. The result is
// the same database and summary as load_snapshot()'s, and every error is the same
// error, made by the sliced loader itself (nothing is loaded twice).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/job.hpp"
#include "core/result.hpp"
#include "core/load/snapshot.hpp"

namespace redline {

class LoadJob final : public Job {
 public:
  // Takes the user's bytes; take_bytes() gives them back unmodified, except a SQLite
  // file's loaded without a WAL, which the snapshot's database holds where they are
  // (Database::held_image(): read-only, the same bytes) and take_bytes() is empty.
  // `wal`: a SQLite file's -wal file that came with it (see load_snapshot()).
  LoadJob(std::vector<std::uint8_t> bytes, std::string name, std::optional<WalInput> wal = std::nullopt);
  ~LoadJob();
  LoadJob(LoadJob&&) noexcept;
  LoadJob& operator=(LoadJob&&) noexcept;

  std::uint64_t bytes_consumed() const;  // input bytes read so far
  std::uint64_t bytes_total() const;
  std::string table() const;             // the table being loaded or checked now
  Format format() const;

  Result<Snapshot> take_snapshot();      // once step() said Done
  std::vector<std::uint8_t> take_bytes();

 private:
  Result<bool> work(double budget_ms) override;
  Position position() const override;
  void abandon(const Error& why) override;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Issue #7: the peak heap a load of `bytes` input bytes of format `f` needs, from
// peaks measured per input byte (see load_job.cpp), and whether it fits in `limit`
// bytes of heap of which `in_use` are taken: an error saying the size the page can
// take when it does not.
std::uint64_t estimated_load_peak(Format f, std::uint64_t bytes);
Status check_load_fits(Format f, std::uint64_t bytes, std::uint64_t limit, std::uint64_t in_use,
                       const std::string& name);

}  // namespace redline
