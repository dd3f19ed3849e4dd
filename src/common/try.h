// TRY(var, expr): evaluate a Result-returning expression into `var`, and
// return its error from the enclosing function when it failed. The parsers'
// one line per field (wire/ike/payload_bodies.cc and its kin).
#pragma once
#include <expected>

#define TRY(var, expr)   \
  auto var = (expr);     \
  if (!var) return std::unexpected(var.error())
