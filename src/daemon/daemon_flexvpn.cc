// keygated: how the FlexVPN part (flexvpn_clients.h, where the clients'
// logic lives) reaches the rest of the daemon, and `show crypto ikev2
// client flexvpn`.
#include <netdb.h>
#include <netinet/in.h>

#include <nlohmann/json.hpp>

#include "daemon/daemon.h"

namespace kg::daemon {
namespace {

// The first IPv4 address of `name` (getaddrinfo: /etc/hosts or DNS). It
// blocks: the worker thread calls it, never the event loop.
std::optional<IpAddress> resolve_v4(const std::string& name) {
  addrinfo hints{}, *res = nullptr;
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  if (getaddrinfo(name.c_str(), nullptr, &hints, &res) != 0 || !res) return std::nullopt;
  auto* sin = reinterpret_cast<const sockaddr_in*>(res->ai_addr);
  auto a = IpAddress::v4(ntohl(sin->sin_addr.s_addr));
  freeaddrinfo(res);
  return a;
}

}  // namespace

bool Daemon::FlexvpnHost::tunnel_enabled(const std::string& tunnel) const {
  auto& m = d.policy_.model();
  auto it = m.interfaces.find(tunnel);
  return it != m.interfaces.end() && !it->second.shutdown;
}

bool Daemon::FlexvpnHost::tunnel_up(const std::string& tunnel) const { return d.tunnel_up(tunnel); }

std::vector<ike::IkeSaInfo> Daemon::FlexvpnHost::tunnel_sas(const std::string& tunnel) const {
  std::vector<ike::IkeSaInfo> v;
  for (auto& sa : d.ike_->engine().sas())
    if (sa.interface == tunnel) v.push_back(std::move(sa));
  return v;
}

std::optional<IpAddress> Daemon::FlexvpnHost::tunnel_source(const std::string& tunnel) {
  auto& m = d.policy_.model();
  auto it = m.interfaces.find(tunnel);
  if (it == m.interfaces.end()) return std::nullopt;
  return d.tunnel_source(it->second);
}

void Daemon::FlexvpnHost::initiate(const std::string& tunnel, const IpAddress& to) { d.initiate_to(tunnel, to); }

void Daemon::FlexvpnHost::delete_sessions(const std::string& tunnel) {
  d.ike_->delete_sessions(tunnel);
}

void Daemon::FlexvpnHost::probe(uint64_t id, const Endpoint& local, const Endpoint& remote) {
  d.ike_->probe(id, local, remote);
}

void Daemon::FlexvpnHost::lookup(const std::string& name, std::function<void(std::optional<IpAddress>)> done) {
  d.work_->submit([name, done = std::move(done)]() -> io::WorkQueue::Completion {
    auto a = resolve_v4(name);  // blocking, on the worker
    return [done, a] { done(a); };
  });
}

void Daemon::FlexvpnHost::wake() {
  d.next_housekeeping_ = d.clock_.now();
  if (d.loop_) d.reschedule();
}

void Daemon::register_flexvpn_show() {
  config_->register_exec(
      "show crypto ikev2 client flexvpn [WORD]",
      {"Show running system information", "Encryption module", "IKEv2 information", "IKEv2 client",
       "FlexVPN client profiles", "Profile name"},
      [this](const config::ParsedArgs& a) -> Result<std::string> {
        std::string name = a.size() > 5 ? a.at(5) : "", out;
        nlohmann::json list = nlohmann::json::array();
        for (auto& [n, c] : flexvpn_.clients()) {
          if (!name.empty() && n != name) continue;
          bool up = tunnel_up(c.tunnel());
          auto assigned = ra_->negotiated_address(c.tunnel());
          out += show_flexvpn_client(c, up, assigned) + "\n";
          auto dest = c.destination();
          nlohmann::json j{{"name", c.name()}, {"tunnel", c.tunnel()}, {"tunnel_up", up},
                           {"peer", dest ? dest->str() : ""}};
          if (assigned) j["assigned_address"] = assigned->addr.str();
          list.push_back(std::move(j));
        }
        if (out.empty() && !name.empty()) return fail(Errc::kNotFound, "FlexVPN client " + name + " not found");
        if (a.json) return nlohmann::json{{"flexvpn_clients", std::move(list)}}.dump() + "\n";
        return out;
      }, true);
}

}  // namespace kg::daemon
