// The minimap's GL renderer (app/minimap.hpp): the program from shaders/minimap.vert
// and .frag (embedded as /shaders/...), compiled at startup, and the density texture.
#pragma once

namespace redline::platform {

// Compile and link the minimap program and register it with the app; on failure
// logs why and leaves the app's ImDrawList drawing in place. Again after a context
// loss (the old objects are gone with it).
void init_minimap_renderer();

}  // namespace redline::platform
