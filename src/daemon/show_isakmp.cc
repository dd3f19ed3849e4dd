#include "daemon/show_isakmp.h"

#include <cstdio>

#include "daemon/daemon.h"
#include "ikev1/transform_ids.h"

namespace kg::daemon {

namespace {

std::string pad(std::string s, size_t n) {
  if (s.size() < n) s.resize(n, ' ');
  return s;
}

// IOS prints the responder's address under dst.
std::pair<std::string, std::string> dst_src(const ikev1::IsakmpSaInfo& s) {
  return s.initiator ? std::pair{s.remote.addr.str(), s.local.addr.str()} : std::pair{s.local.addr.str(), s.remote.addr.str()};
}

// The Encr column names the cipher only ("aes" whatever its key length).
std::string encr_word(const ikev1::IsakmpPolicy& p) { return p.encr == crypto::Cipher::k3des ? "3des" : "aes"; }

std::string hms(int64_t s) {
  if (s < 0) s = 0;
  char b[32];  // up to 20 digits of hours
  std::snprintf(b, sizeof b, "%02lld:%02lld:%02lld", (long long)(s / 3600), (long long)(s / 60 % 60), (long long)(s % 60));
  return b;
}

}  // namespace

std::string isakmp_sa_text(const std::vector<ikev1::IsakmpSaInfo>& sas) {
  std::string out = "IPv4 Crypto ISAKMP SA\ndst             src             state          conn-id status\n";
  for (auto& s : sas) {
    auto [dst, src] = dst_src(s);
    char id[16];
    std::snprintf(id, sizeof id, "%7u", s.conn_id);
    out += pad(dst, 16) + pad(src, 16) + pad(s.state, 15) + id + " " + s.status + "\n";
  }
  return out + "\nIPv6 Crypto ISAKMP SA\n\n";
}

std::string isakmp_sa_detail_text(const std::vector<ikev1::IsakmpSaInfo>& sas) {
  std::string out =
      "Codes: C - IKE configuration mode, D - Dead Peer Detection\n"
      "       K - Keepalives, N - NAT-traversal\n"
      "       T - cTCP encapsulation, X - IKE Extended Authentication\n"
      "       psk - Preshared key, rsig - RSA signature\n"
      "       renc - RSA encryption\n"
      "IPv4 Crypto ISAKMP SA\n\n"
      "C-id  Local           Remote          I-VRF  Status Encr Hash   Auth DH Lifetime Cap.\n\n";
  for (auto& s : sas) {
    char id[8];
    std::snprintf(id, sizeof id, "%-6u", s.conn_id);
    out += std::string(id) + pad(s.local.addr.str(), 16) + pad(s.remote.addr.str(), 16) + "       " +
           pad(s.status.empty() ? s.state : s.status, 7) + pad(encr_word(s.policy), 5) +
           pad(ikev1::hash_name(s.policy.hash), 7) +
           pad(std::string(s.policy.auth == isakmp::P1Auth::kPreSharedKey ? "psk"
                           : ikev1::ecdsa_auth(s.policy.auth)               ? "ecsig"
                                                                            : "rsig") +
                   " ",
               5) +
           pad(std::to_string(ikev1::group_number(s.policy.group)), 3) + hms(s.expire_in_s) + " " +
           (s.nat ? "N" : "") + "\n";
    out += "       Engine-id:Conn-id =  SW:" + std::to_string(s.conn_id - 1000) + "\n\n";
  }
  return out + "IPv6 Crypto ISAKMP SA\n\n";
}

void register_isakmp_show_commands(config::Config& cfg, Daemon& d) {
  const std::string sh = "Show running system information", cr = "Encryption module", is = "ISAKMP";
  cfg.register_exec("show crypto isakmp sa", {sh, cr, is, "Show ISAKMP SAs"},
                    [&d](const config::ParsedArgs&) -> Result<std::string> { return isakmp_sa_text(d.isakmp().sas()); });
  cfg.register_exec("show crypto isakmp sa detail", {sh, cr, is, "Show ISAKMP SAs", "Show ISAKMP SA detail"},
                    [&d](const config::ParsedArgs&) -> Result<std::string> {
                      return isakmp_sa_detail_text(d.isakmp().sas());
                    });
  cfg.register_exec("clear crypto isakmp [<1-32766>]", {"Reset functions", cr, "Flush the ISAKMP database", "connection id"},
                    [&d](const config::ParsedArgs& a) -> Result<std::string> {
                      if (a.size() > 3) d.isakmp_actions(d.isakmp().clear_sa(uint32_t(std::stoul(a.at(3)))));
                      else d.isakmp_actions(d.isakmp().delete_sessions(""));
                      return std::string();
                    });
}

}  // namespace kg::daemon
