#include "platform/gl_program.hpp"

#ifdef __EMSCRIPTEN__
#include <fstream>
#include <sstream>

namespace redline::platform {

namespace {

std::string read_text(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Did a shader compile or a program link (`status`)? If not, `log` gets `what` and the
// GL's message.
template <typename GetIv, typename GetLog>
bool succeeded(GLuint object, GLenum status, GetIv get_iv, GetLog get_log, const std::string& what, std::string& log) {
  GLint ok = 0;
  get_iv(object, status, &ok);
  if (ok) return true;
  char buf[1024] = {};
  get_log(object, sizeof buf, nullptr, buf);
  log = what + ": " + buf;
  return false;
}

GLuint compile(GLenum type, const char* path, std::string& log) {
  const std::string source = read_text(path);
  if (source.empty()) {
    log = std::string(path) + ": missing";
    return 0;
  }
  GLuint sh = glCreateShader(type);
  const char* src = source.c_str();
  glShaderSource(sh, 1, &src, nullptr);
  glCompileShader(sh);
  if (!succeeded(sh, GL_COMPILE_STATUS, glGetShaderiv, glGetShaderInfoLog, path, log)) {
    glDeleteShader(sh);
    return 0;
  }
  return sh;
}

}  // namespace

GLuint link_program(const char* vertex_path, const char* fragment_path, std::string& log) {
  GLuint vs = compile(GL_VERTEX_SHADER, vertex_path, log);
  GLuint fs = vs ? compile(GL_FRAGMENT_SHADER, fragment_path, log) : 0;
  GLuint program = 0;
  if (vs && fs) {
    program = glCreateProgram();
    glAttachShader(program, vs);
    glAttachShader(program, fs);
    glLinkProgram(program);
    const std::string what = std::string("link ") + vertex_path + " + " + fragment_path;
    if (!succeeded(program, GL_LINK_STATUS, glGetProgramiv, glGetProgramInfoLog, what, log)) {
      glDeleteProgram(program);
      program = 0;
    }
  }
  if (vs) glDeleteShader(vs);
  if (fs) glDeleteShader(fs);
  return program;
}

}  // namespace redline::platform
#endif
