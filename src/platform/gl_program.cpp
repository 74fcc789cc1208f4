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
  GLint ok = 0;
  glGetShaderiv(sh, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    char buf[1024] = {};
    glGetShaderInfoLog(sh, sizeof buf, nullptr, buf);
    log = std::string(path) + ": " + buf;
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
    GLint ok = 0;
    glGetProgramiv(program, GL_LINK_STATUS, &ok);
    if (!ok) {
      char buf[1024] = {};
      glGetProgramInfoLog(program, sizeof buf, nullptr, buf);
      log = std::string("link ") + vertex_path + " + " + fragment_path + ": " + buf;
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
