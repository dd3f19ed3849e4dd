#include "daemon/show_aaa_sessions.h"

#include <sstream>

#include "daemon/accounting_service.h"

namespace kg::daemon {

std::string dynamic_author_statistics(const aaa::radius::DaStats& s, bool listening, int port) {
  std::ostringstream o;
  o << "RADIUS dynamic authorization (RFC 5176): ";
  if (listening) o << "UDP port " << port << "\n";
  else o << "not listening\n";
  o << "  Requests accepted:          " << s.requests << "\n";
  o << "  Disconnect-ACK / NAK:       " << s.disconnect_acks << " / " << s.disconnect_naks << "\n";
  o << "  CoA-ACK / NAK:              " << s.coa_acks << " / " << s.coa_naks << "\n";
  o << "  Retransmissions answered:   " << s.duplicates << "\n";
  o << "  Dropped, unknown client:    " << s.unknown_client << "\n";
  o << "  Dropped, bad authenticator: " << s.bad_authenticator << "\n";
  o << "  Dropped, malformed:         " << s.malformed + s.unsupported_code << "\n";
  return o.str();
}

void register_aaa_sessions_show(config::Config& cfg, const AccountingService* acct) {
  cfg.register_exec("show aaa sessions", {"Show running system information", "Show AAA values", "AAA sessions as seen by AAA Server"},
                    [acct](const config::ParsedArgs&) -> Result<std::string> {
                      if (!acct) return std::string("Total sessions since last reload: 0\n");
                      return acct->show_sessions();
                    });
}

}  // namespace kg::daemon
