// The debug categories of AAA (`debug radius`, `debug aaa authentication`):
// bits of common/log.h's Debug mask next to the crypto ones, declared here,
// beside their users, so that adding them does not touch every file that logs.
#pragma once
#include "common/log.h"

namespace kg::aaa {

inline constexpr log::Debug kDebugRadius = log::Debug(16);
inline constexpr log::Debug kDebugAaaAuthentication = log::Debug(32);

}  // namespace kg::aaa
