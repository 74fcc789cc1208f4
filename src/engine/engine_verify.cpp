// The engine's part of issue #14 in the page: the PostgreSQL scripts of the loaded
// snapshot (the CLI's `redline script` bytes) and the "actual after" check (the CLI's
// `redline verify`): a second snapshot loaded in slices beside the first, then
// compared with the prediction. Both reuse the core's one implementation.
#include "core/load/wal.hpp"
#include "core/migrate/script_file.hpp"
#include "engine/engine.hpp"

namespace redline::engine {

Result<std::string> Engine::script(const NormalizeOptions& options, bool revert, std::int64_t batch_rows) {
  if (!db_ || !loaded_) return make_error(ErrorCode::Usage, "load the snapshot of the database to migrate first");
  if (loaded_->input.sha256.empty())
    return make_error(ErrorCode::Usage, "the snapshot is still being read in: wait for it", loaded_->summary.name);
  pg::ScriptFileRequest r;
  r.options = options;
  r.snapshot_name = loaded_->summary.name;
  // Hashed in slices as the file was published (Engine::preflight), from the bytes
  // the user gave: the CLI hashes the same bytes.
  r.snapshot_sha256 = loaded_->input.sha256;
  r.batch_rows = batch_rows;
  r.revert = revert;
  r.where = loaded_->summary.name;
  return pg::script_file(*db_, r);
}

void Engine::start_verify(std::vector<std::uint8_t> bytes, std::string name, const NormalizeOptions& options) {
  VerifyView refused;
  refused.name = name;
  if (job_.active) {
    refused.error = make_error(ErrorCode::Usage, "the engine is busy (" + job_.title + "): load the actual after once it is done", name);
  } else if (!db_ || !loaded_) {
    refused.error = make_error(ErrorCode::Usage,
                               "load the snapshot taken before the migration first: the actual after is compared with "
                               "the prediction from it",
                               name);
  } else if (auto e = wal_file_needed(bytes, name)) {
    refused.error = *e;
  }
  if (refused.error) return end_verify(std::move(refused));
  verify_options_ = options;
  verify_name_ = name;
  verify_load_.emplace(std::move(bytes), std::move(name));
  error_.reset();
  job_ = JobView{true, "Verifying against " + verify_name_, "reading", "verify", 0.0};
}

void Engine::pump_verify(double budget_ms) {
  if (!step_stage(*verify_load_, budget_ms)) return;
  VerifyView view;
  view.name = verify_name_;
  auto actual = verify_load_->take_snapshot();
  verify_load_.reset();
  if (!actual) {
    view.error = actual.error();
    return end_verify(std::move(view));
  }
  // The prediction is a normalization of a copy of the loaded snapshot, made here in
  // one piece (the CLI's verify_result); the loaded snapshot is only read.
  auto v = verify_result(*db_, actual->db, verify_options_);
  if (!v) {
    Error e = v.error();
    e.context = loaded_->summary.name + " (before, normalized for the prediction)" +
                (e.context.empty() ? "" : "; " + e.context);
    view.error = std::move(e);
  } else {
    view.result = std::move(v.value());
  }
  end_verify(std::move(view));
}

void Engine::end_verify(VerifyView view) {
  // A file that cannot be read or compared is shown like a failed load's error, but
  // costs nothing: the loaded snapshot, its run and its preview stay.
  if (view.error) error_ = view.error;
  verification_ = std::make_shared<const VerifyView>(std::move(view));
  ++verifications_;
  job_ = JobView{};
}

}  // namespace redline::engine
