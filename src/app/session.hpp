// The app's view of the engine: for now the engine itself, in the page's thread.
// Panels only read the immutable results it publishes and queue requests.
#pragma once

#include "engine/engine.hpp"

namespace redline::app {

using Session = engine::Engine;
using engine::JobView;
using engine::LoadedView;
using engine::RowsView;
using engine::RunView;

}  // namespace redline::app
