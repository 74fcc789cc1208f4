// Linking a GLSL ES 3.0 program from the shader files embedded in the UI module
// (/shaders/..., from shaders/): shared by the UI's renderers (imgui_gl, minimap_gl).
#pragma once

#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>

#include <string>

namespace redline::platform {

// The linked program of the two files, or 0 with `log` saying what failed (which file,
// the compiler's or linker's message).
GLuint link_program(const char* vertex_path, const char* fragment_path, std::string& log);

}  // namespace redline::platform
#endif
