// show crypto isakmp sa [detail] and clear crypto isakmp [CONN-ID], in IOS's
// format, from the IKEv1 engine (show crypto isakmp policy is the
// configuration's, config/commands_isakmp.cc).
#pragma once
#include <string>
#include <vector>

#include "config/session.h"
#include "ikev1/engine.h"

namespace kg::daemon {

class Daemon;

std::string isakmp_sa_text(const std::vector<ikev1::IsakmpSaInfo>& sas);
std::string isakmp_sa_detail_text(const std::vector<ikev1::IsakmpSaInfo>& sas);
void register_isakmp_show_commands(config::Config& cfg, Daemon& d);

}  // namespace kg::daemon
