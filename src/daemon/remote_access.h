// Remote access and hub-and-spoke in the daemon (seed 004): address pools,
// Virtual-Template devices, one Virtual-Access per session cloned from its
// template, and the addresses and routes the configuration exchange
// settles, put into the kernel when a session comes up and taken out when it
// goes down.
//
// Linux mapping: `interface Virtual-TemplateN type tunnel` is one TUN device
// VtN (IOS's short name; "Virtual-Template1" is longer than IFNAMSIZ) that all
// its sessions share; the data path sends each packet on the SA of its
// destination (esp::DestinationIndex). A Virtual-AccessN is keygate's record
// of one session on it: its number, peer, assigned address and routes (the
// kernel routes to them point at VtN). An `ip address negotiated` TunnelN gets
// the assigned address and the peer's routes while its session is up.
#pragma once
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "aaa/ip_pool.h"
#include "common/clock.h"
#include "config/model.h"
#include "esp/datapath.h"
#include "ike/engine.h"
#include "daemon/session_filters.h"
#include "io/netlink.h"

namespace kg::daemon {

struct VirtualAccess {
  std::string name;      // Virtual-Access1
  std::string templ;     // Virtual-Template1
  uint32_t session = 0;  // SessionConfig::session_id (stable across IKE rekeys)
  Endpoint local, remote;  // its IKE SA's and CHILD_SAs' (UDP 4500) endpoints
  std::string remote_id;
  ike::SessionConfig config;
  std::vector<Prefix> routes;  // kernel routes installed for it
  // ip:interface-config applied (aaa/interface_config.h): its routes' MTU
  // and the interface whose address they borrow as source.
  std::optional<uint32_t> mtu;
  std::string unnumbered;
  // ip access-group NAME in|out asked for (session_filters.h); `filtered`:
  // the lists' rules are in nftables (a list not configured filters nothing,
  // as on IOS).
  std::string access_group_in, access_group_out;
  bool filtered = false;
  TimePoint created{};
};

// Virtual-Access numbering (IOS: the lowest free number) and lookup; no I/O.
class VirtualAccessTable {
 public:
  VirtualAccess& add(VirtualAccess va);  // assigns va.name
  std::optional<VirtualAccess> remove(uint32_t session);
  [[nodiscard]] const VirtualAccess* by_session(uint32_t session) const;
  [[nodiscard]] VirtualAccess* by_session(uint32_t session) {
    return const_cast<VirtualAccess*>(std::as_const(*this).by_session(session));
  }
  [[nodiscard]] const VirtualAccess* by_name(const std::string& name) const;
  // The session whose SAs run to this peer endpoint on this template.
  [[nodiscard]] const VirtualAccess* by_remote(const std::string& templ, const Endpoint& remote) const;
  [[nodiscard]] const std::map<int, VirtualAccess>& all() const { return by_number_; }

 private:
  // Indexes so that a hub with 100,000 sessions does not scan them all per
  // session event: the unused numbers below next_ (IOS reuses the lowest),
  // and each session's number.
  std::map<int, VirtualAccess> by_number_;
  std::set<int> free_;
  int next_ = 1;
  std::unordered_map<uint32_t, int> by_session_;
};

class RemoteAccess {
 public:
  using DeleteSessions = std::function<void(const std::string& interface)>;
  RemoteAccess(esp::Datapath& dp, io::Netlink& nl, const Clock& clock, DeleteSessions del)
      : dp_(dp), nl_(nl), clock_(clock), delete_sessions_(std::move(del)) {}

  // Pools and Virtual-Template devices follow the configuration.
  void apply(const config::Model& before, const config::Model& after);
  // A session came up or went down. True when it was a Virtual-Template
  // session (the daemon's tunnel bookkeeping does not apply to it).
  bool on_session(const ike::SessionEvent& ev);
  void on_release(uint64_t lease) { pools_.release(lease); }
  // A change of authorization (CoA) for a live session: its ip access-group
  // commands replace the ones in force in the directions they name; other
  // interface commands cannot change live (an error saying so).
  Result<void> change_access_groups(uint32_t session, const std::vector<std::string>& interface_config);

  aaa::AddressPools& pools() { return pools_; }
  const aaa::AddressPools& pools() const { return pools_; }
  const VirtualAccessTable& virtual_access() const { return vas_; }
  // The negotiated address of an `ip address negotiated` tunnel, while up.
  [[nodiscard]] std::optional<Prefix> negotiated_address(const std::string& tunnel) const;
  [[nodiscard]] const ike::SessionConfig* tunnel_config(const std::string& tunnel) const;
  // The interface a session is shown on: its Virtual-Access, else `itf`.
  [[nodiscard]] std::string shown_interface(const std::string& itf, const Endpoint& remote) const;

 private:
  void add_template(const std::string& name, const config::Interface& itf, const config::Model& m);
  void remove_template(const std::string& name);
  void template_up(const ike::SessionEvent& ev);
  void template_down(const ike::SessionEvent& ev);
  void tunnel_up(const ike::SessionEvent& ev);
  void tunnel_down(const std::string& tunnel);
  std::vector<Prefix> add_routes(const std::vector<Prefix>& v, const std::string& dev, const io::RouteExtras& x = {});
  // ip:interface-config for a new Virtual-Access: what its routes carry.
  io::RouteExtras interface_config(VirtualAccess& va, const std::vector<std::string>& commands) const;
  // va's access groups into nftables (or out of it when it has none).
  Result<void> filter(VirtualAccess& va);
  void del_routes(const std::vector<Prefix>& v, const std::string& dev);

  esp::Datapath& dp_;
  io::Netlink& nl_;
  const Clock& clock_;
  DeleteSessions delete_sessions_;
  aaa::AddressPools pools_;
  VirtualAccessTable vas_;
  std::map<std::string, std::string> template_source_;  // VT -> address added to its device
  std::map<std::string, IpAddress> interface_addresses_;  // configured IPv4 addresses (ip unnumbered IFACE)
  AccessLists acls_;         // the configured lists ip access-group names
  SessionFilters filters_;
  struct Negotiated {
    ike::SessionConfig config;
    std::vector<Prefix> routes;  // installed
    uint32_t session = 0;        // the session that negotiated them
  };
  std::map<std::string, Negotiated> tunnels_;  // TunnelN sessions with a configuration payload
};

}  // namespace kg::daemon
