// Traffic selector narrowing (RFC 7296 §2.9).
#pragma once
#include <string>
#include <vector>

#include "wire/ike/payloads.h"

namespace kg::ike {

// Every non-empty pairwise intersection of `proposed` with `configured`:
// the responder's narrowed answer. Empty result = TS_UNACCEPTABLE.
std::vector<TrafficSelector> narrow(const std::vector<TrafficSelector>& proposed,
                                    const std::vector<TrafficSelector>& configured);
// Initiator check: each selector the responder returned lies inside one we proposed.
bool within(const std::vector<TrafficSelector>& answer, const std::vector<TrafficSelector>& proposed);
std::string describe(const std::vector<TrafficSelector>& ts);

}  // namespace kg::ike
