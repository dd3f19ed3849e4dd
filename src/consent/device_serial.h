// The device serial a consent-token challenge carries: made once, at random,
// and kept in the state directory (file consent-serial), so that a response
// signed for one gateway cannot open another, even one with the same hostname.
#pragma once
#include <string>

#include "common/random.h"
#include "common/result.h"

namespace kg::consent {

// Reads <state_dir>/consent-serial, or makes and saves one ("KG" and ten
// characters of [A-Z2-9] without look-alikes).
Result<std::string> load_device_serial(const std::string& state_dir, Random& rng);

}  // namespace kg::consent
