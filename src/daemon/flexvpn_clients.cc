#include "daemon/flexvpn_clients.h"

#include "common/log.h"

namespace kg::daemon {
namespace {

bool same(const config::FlexvpnClient& a, const config::FlexvpnClient& b) {
  return a.peers == b.peers && a.connect == b.connect && a.peer_reactivate == b.peer_reactivate;
}

}  // namespace

void FlexvpnClients::apply(const config::Model& after) {
  names_.set_hosts(after.ip_hosts);
  std::erase_if(clients_, [&](auto& kv) {
    auto it = after.flexvpn_clients.find(kv.first);
    return it == after.flexvpn_clients.end() || !same(it->second, kv.second.config());
  });
  for (auto& [name, c] : after.flexvpn_clients)
    if (!clients_.contains(name))
      clients_.emplace(name, FlexvpnClient(name, c, [this](const std::string& n) { return resolve(n); }));
}

FlexvpnClient::Resolution FlexvpnClients::resolve(const std::string& name) {
  PeerNames::Answer a = names_.resolve(name);
  if (a.pending) return FlexvpnClient::Resolution::waiting();
  return a.address;
}

const FlexvpnClient* FlexvpnClients::for_tunnel(const std::string& tunnel) const {
  for (auto& [n, c] : clients_)
    if (c.tunnel() == tunnel) return &c;
  return nullptr;
}

void FlexvpnClients::on_session(const ike::SessionEvent& ev) {
  for (auto& [n, c] : clients_)
    if (c.tunnel() == ev.interface) {
      if (ev.up) c.on_up(ev.local, ev.remote);
      else if (!host_.tunnel_up(ev.interface)) c.on_down();  // the last session on it went
    }
}

bool FlexvpnClients::on_peer_dead(const ike::PeerDead& ev) {
  bool handled = false;
  for (auto& [n, c] : clients_)
    if (c.tunnel() == ev.interface) {
      c.on_dead();
      handled = true;
    }
  if (handled) host_.wake();  // select the next peer now
  return handled;
}

void FlexvpnClients::tick() {
  TimePoint now = clock_.now();
  std::erase_if(probes_, [&](auto& kv) { return now >= kv.second.expires; });
  for (auto& [n, c] : clients_) {
    auto sas = host_.tunnel_sas(c.tunnel());
    const ike::IkeSaInfo* ready = nullptr;
    for (auto& sa : sas)
      if (sa.state == "READY") ready = &sa;
    // Up before this client was (re)configured: it is connected.
    if (ready && host_.tunnel_up(c.tunnel()) && c.state() != FlexvpnClient::State::kConnected)
      c.on_up(ready->local, ready->remote);
    if (!host_.tunnel_enabled(c.tunnel())) {
      c.reset();
      continue;
    }
    if (c.tick(now, !sas.empty()))
      if (auto dst = c.destination()) host_.initiate(c.tunnel(), *dst);
    for (auto& to : c.probes_due(now)) probe(c, to);
  }
}

void FlexvpnClients::probe(const FlexvpnClient& c, const IpAddress& to) {
  auto src = host_.tunnel_source(c.tunnel());
  if (!src) return;
  uint64_t id = next_probe_id_++;
  probes_[id] = {c.name(), to, clock_.now() + kProbeLife};
  log::debug("FlexVPN(" + c.name() + "): probing " + to.str());
  host_.probe(id, {*src, 500}, {to, 500});
}

void FlexvpnClients::on_peer_answered(const ike::PeerAnswered& a) {
  auto p = probes_.find(a.probe);
  if (p == probes_.end() || p->second.to != a.remote.addr) return;
  auto probe = p->second;
  probes_.erase(p);
  auto c = clients_.find(probe.client);
  if (c != clients_.end() && c->second.on_probe_answer(clock_.now(), a.remote.addr)) {
    host_.delete_sessions(c->second.tunnel());
    host_.wake();
  }
}

}  // namespace kg::daemon
