// The keys of running tunnels as Wireshark reads them (consent-token
// debug-keys): its user tables `ikev2_decryption_table` (IKEv2 SK payloads)
// and `esp_sa` (ESP), files of one quoted CSV record per SA in a profile
// directory, and the text of `show crypto ikev2 sa detailed keys`. Pure
// formatting: the daemon decides whether anyone may see this.
#pragma once
#include <string>
#include <vector>

#include "esp/child_sa_params.h"
#include "ike/engine.h"

namespace kg::daemon {

// A CHILD_SA's keys as installed (both directions).
using ChildSaKeys = esp::InstallChildSa;

// Algorithm names are Wireshark 4.0's; an SA whose cipher Wireshark cannot
// decrypt is left out with a '#' comment line saying so.
std::string ikev2_decryption_table(const std::vector<ike::IkeSaKeys>& sas);
std::string esp_sa_table(const std::vector<ChildSaKeys>& sas);
std::string keys_text(const std::vector<ike::IkeSaKeys>& ike, const std::vector<ChildSaKeys>& child);

}  // namespace kg::daemon
