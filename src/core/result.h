// Errors as values: every fallible core function returns Result<T, E> with a closed enum-backed
// error E of its module. Exceptions stay at the edges (start-up, truly exceptional I/O).
#pragma once
#include <expected>
#include <string>
#include <utility>

namespace ember {

template <class T, class E>
using Result = std::expected<T, E>;

template <class E>
[[nodiscard]] inline std::unexpected<E> fail(E e) {
  return std::unexpected<E>(std::move(e));
}

}  // namespace ember
