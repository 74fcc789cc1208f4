// Errors as values at the core's boundary: every fallible core call returns a
// Result<T> holding either a value or an Error (code, message, context). Nothing
// thrown inside the core crosses into the CLI or JavaScript.
#pragma once

#include <cassert>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace redline {

enum class ErrorCode {
  Io,            // the file could not be read or written
  BadInput,      // the input is not what it claims to be (corrupt, truncated, wrong format)
  Unsupported,   // a recognized input Redline does not handle (e.g. pg_dump -Fc)
  Sqlite,        // SQLite reported an error
  Usage,         // the caller passed bad arguments or options
  Hazard,        // a blocker stops the run (strict mode, or "stop" resolution)
  Cancelled,     // the user cancelled a job
  Internal,      // a bug: an invariant did not hold
};

const char* to_string(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::Internal;
  std::string message;  // one line, for people: what went wrong
  std::string context;  // where: file, line, byte offset, table, SQL, ...

  // "message (context)" or just the message when there is no context.
  std::string describe() const;
};

inline Error make_error(ErrorCode code, std::string message, std::string context = {}) {
  return Error{code, std::move(message), std::move(context)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  // Not for Result<Error> (an error read from a message is its value): that one
  // fails only through failure(), so an Error cannot turn into it by accident.
  Result(Error error)
    requires(!std::is_same_v<T, Error>)
      : v_(std::in_place_index<1>, std::move(error)) {}
  static Result failure(Error error) { return Result(std::in_place_index<1>, std::move(error)); }

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }

  const Error& error() const { assert(!ok()); return std::get<1>(v_); }

 private:
  Result(std::in_place_index_t<1> failed, Error error) : v_(failed, std::move(error)) {}
  std::variant<T, Error> v_;
};

// Result<void>: success carries nothing.
struct Ok {};
using Status = Result<Ok>;
inline Status ok_status() { return Status(Ok{}); }

}  // namespace redline

// Propagate an error from an expression returning Result/Status.
#define REDLINE_TRY(expr)                               \
  do {                                                  \
    auto redline_try_r_ = (expr);                       \
    if (!redline_try_r_.ok()) return redline_try_r_.error(); \
  } while (0)
