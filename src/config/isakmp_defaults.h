// IKEv1 defaults and names shared by the configuration's show commands and
// the daemon's ISAKMP policy (daemon/isakmp_policy.cc): seed 001's default
// policy table (crypto isakmp default policy, Table 26) and IOS's words for
// a protection suite's algorithms.
#pragma once
#include <map>
#include <string>

#include "config/model.h"

namespace kg::config {

// Priorities 65507 (highest) to 65514, as seed 001's Table 26.
const std::map<int, IsakmpPolicy>& isakmp_default_table();

std::string isakmp_encryption_text(const IsakmpPolicy& p);  // "AES - Advanced Encryption Standard (128 bit key."
std::string isakmp_hash_text(const std::string& hash);      // "Secure Hash Standard"
std::string isakmp_group_text(int group);                   // "#5 (1536 bit)"

}  // namespace kg::config
