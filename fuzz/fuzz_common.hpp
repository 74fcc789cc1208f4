// Shared by the fuzz targets: what counts as a bug. A loader refusing an input with
// an error Result is the expected outcome for almost every input; a crash, a
// sanitizer report, a leak, or an error the core itself calls Internal ("a bug: an
// invariant did not hold", which is also what an exception escaping a loader becomes)
// is a bug, and aborts so that libFuzzer keeps the input.
#pragma once

#include <cstdio>
#include <cstdlib>

#include "core/result.hpp"

namespace redline::fuzz {

inline void check(const Error& e) {
  if (e.code == ErrorCode::Internal) {
    std::fprintf(stderr, "fuzz: Internal error (a bug): %s\n", e.describe().c_str());
    std::abort();
  }
}

template <typename T>
void check(const Result<T>& r) {
  if (!r.ok()) check(r.error());
}

}  // namespace redline::fuzz
