// The app's view of the engine: for now the engine itself, in the page's thread.
// Panels only read the immutable results it publishes and queue requests.
#pragma once

#include "engine/engine.hpp"

namespace redline::app {

using Session = engine::Engine;
using engine::DetailLine;
using engine::DiffSummary;
using engine::JobView;
using engine::LoadedView;
using engine::RowsView;
using engine::RowDetail;
using engine::RunView;
using engine::TableSummary;

}  // namespace redline::app
