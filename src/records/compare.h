// The comparison operators of filters and claims (`=`, `!=`, `<`, `<=`, `>`, `>=`).
#pragma once

#include <string_view>

namespace encore {

// `op` is one of the six; anything else compares as `>=`.
template <typename T>
bool CompareBy(std::string_view op, T a, T b) {
  if (op == "=") return a == b;
  if (op == "!=") return a != b;
  if (op == "<") return a < b;
  if (op == "<=") return a <= b;
  if (op == ">") return a > b;
  return a >= b;
}

}  // namespace encore
