// ip access-group on a Virtual-Access (ip:interface-config from RADIUS or an
// aaa attribute list, seed 004: "interface Virtual-Access3 / ip
// access-group home-office-users"), in nftables.
//
// A Virtual-Access shares its template's TUN device VtN with the other
// sessions (remote_access.h), so a session is told apart by its addresses:
// keygate owns one table, `inet keygate`, and touches no other rule:
//
//   chain in  (prerouting)   iifname . ip saddr vmap @va_in    from a client
//   chain out (postrouting)  oifname . ip daddr vmap @va_out   to a client
//   map va_in/va_out         "Vt1" . 198.18.1.10 : jump va5_in   (per session
//                            address and accepted subnet, intervals)
//   chain va5_in / va5_out   the access list's entries in order, then drop
//
// so a packet costs one map lookup whatever the number of sessions. A
// session's chains and map elements go when it ends; the table goes when the
// daemon exits (and a table a crashed run left is replaced at first use).
// Each change is one nft transaction: all of it or nothing.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/ip.h"
#include "common/result.h"
#include "config/model.h"
#include "io/nftables.h"

namespace kg::daemon {

// The nft rule bodies for local access list NAME (extended, else standard,
// named or numbered) in order, its implicit deny last ("ip protocol icmp ip
// daddr 203.0.113.5 accept", ..., "drop"); nullopt when no such list.
// Standard entries match the source address, as IOS's do in both directions.
struct AccessLists {
  std::map<std::string, config::AccessList> standard;
  std::map<std::string, config::ExtendedAcl> extended;
  bool operator==(const AccessLists&) const = default;
};
[[nodiscard]] std::optional<std::vector<std::string>> acl_nft_rules(const AccessLists& m, const std::string& name);

class SessionFilters {
 public:
  // Null: libnftables is opened at first use.
  explicit SessionFilters(std::unique_ptr<io::Nftables> nft = nullptr) : nft_(std::move(nft)) {}
  ~SessionFilters();
  SessionFilters(const SessionFilters&) = delete;
  SessionFilters& operator=(const SessionFilters&) = delete;

  // Filters (or re-filters: a CoA) session's traffic on device `dev` to and
  // from its IPv4 prefixes `peer` by `in`/`out` rules (acl_nft_rules; null:
  // none in that direction). Both null: the session is unfiltered.
  Result<void> attach(uint32_t session, const std::string& dev, const std::vector<Prefix>& peer,
                      const std::vector<std::string>* in, const std::vector<std::string>* out);
  void detach(uint32_t session);
  [[nodiscard]] bool filtered(uint32_t session) const { return attached_.contains(session); }

 private:
  struct Attached {
    std::string dev;
    std::vector<Prefix> peer;
    bool in = false, out = false;
  };
  Result<void> run(const std::string& script);
  // The script lines that take `a`'s map elements (and, with `chains`, its
  // chains) out.
  static std::string removal(uint32_t session, const Attached& a, bool chains);

  std::unique_ptr<io::Nftables> nft_;
  bool table_ = false;
  std::map<uint32_t, Attached> attached_;
};

}  // namespace kg::daemon
