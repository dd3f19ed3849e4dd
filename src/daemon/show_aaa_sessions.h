// show aaa sessions, and the dynamic-author lines of show radius
// statistics (accounting_service.h, dynamic_author_service.h).
#pragma once
#include <string>

#include "aaa/radius/dynamic_author.h"
#include "config/session.h"

namespace kg::daemon {

class AccountingService;
class DynamicAuthorService;

// Pure: the counters of RFC 5176 requests.
std::string dynamic_author_statistics(const aaa::radius::DaStats& s, bool listening, int port);

void register_aaa_sessions_show(config::Config& cfg, const AccountingService* acct);

}  // namespace kg::daemon
