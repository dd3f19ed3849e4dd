// keygated: the FlexVPN clients (crypto ikev2 client flexvpn) drive their
// tunnels' destinations: config changes, session events, dead peers, the
// periodic tick, and `show crypto ikev2 client flexvpn`.
#include <netdb.h>
#include <netinet/in.h>

#include <nlohmann/json.hpp>

#include "common/log.h"
#include "ike/transform_ids.h"
#include "daemon/daemon.h"
#include "wire/ike/payloads.h"

namespace kg::daemon {
namespace {

// peer N fqdn NAME: the first IPv4 address of NAME (getaddrinfo, blocking:
// /etc/hosts or DNS, once per connection attempt).
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

bool same(const config::FlexvpnClient& a, const config::FlexvpnClient& b) {
  return a.peers == b.peers && a.connect == b.connect && a.peer_reactivate == b.peer_reactivate;
}

// An IKE_SA_INIT request (RFC 7296 §1.2) that only asks "is an IKE
// responder there?": any response (SA_INIT, COOKIE, INVALID_KE_PAYLOAD,
// NO_PROPOSAL_CHOSEN) says yes. AES-GCM-256, HMAC-SHA-256, ECP-256.
Bytes probe_message(uint64_t spi, Random& rng) {
  ike::Header h;
  h.spi_i = spi;
  h.exchange = ike::ExchangeType::kIkeSaInit;
  h.flags = ike::kFlagInitiator;
  ike::Proposal p;
  p.protocol = ike::ProtocolId::kIke;
  p.transforms = {{ike::TransformType::kEncr, uint16_t(ike::EncrId::kAesGcm16), 256},
                  {ike::TransformType::kPrf, uint16_t(ike::PrfId::kHmacSha2_256), std::nullopt},
                  {ike::TransformType::kDh, uint16_t(ike::DhGroup::kEcp256), std::nullopt}};
  ike::KePayload ke{ike::DhGroup::kEcp256, {}};
  if (auto kx = ike::key_exchange(ike::DhGroup::kEcp256)) ke.data = (*kx)->public_value();
  ike::NoncePayload nonce{Bytes(32)};
  rng.fill(nonce.data);
  return ike::encode_message(h, {{ike::PayloadType::kSa, ike::SaPayload{{p}}},
                                 {ike::PayloadType::kKe, ke},
                                 {ike::PayloadType::kNonce, nonce}});
}

constexpr Millis kProbeLife{5'000};

}  // namespace

void Daemon::apply_flexvpn(const config::Model& after) {
  std::erase_if(flexvpn_, [&](auto& kv) {
    auto it = after.flexvpn_clients.find(kv.first);
    return it == after.flexvpn_clients.end() || !same(it->second, kv.second.config());
  });
  for (auto& [name, c] : after.flexvpn_clients)
    if (!flexvpn_.contains(name)) flexvpn_.emplace(name, FlexvpnClient(name, c, resolve_v4));
}

const FlexvpnClient* Daemon::flexvpn_for(const std::string& tunnel) const {
  for (auto& [n, c] : flexvpn_)
    if (c.tunnel() == tunnel) return &c;
  return nullptr;
}

void Daemon::flexvpn_session(const ike::SessionEvent& ev) {
  for (auto& [n, c] : flexvpn_)
    if (c.tunnel() == ev.interface) {
      if (ev.up) c.on_up(ev.local, ev.remote);
      else if (!tunnel_up(ev.interface)) c.on_down();  // the last session on it went
    }
}

bool Daemon::flexvpn_peer_dead(const ike::PeerDead& ev) {
  bool handled = false;
  for (auto& [n, c] : flexvpn_)
    if (c.tunnel() == ev.interface) {
      c.on_dead();
      handled = true;
    }
  if (handled) next_housekeeping_ = clock_.now();  // select the next peer now
  return handled;
}

void Daemon::flexvpn_tick() {
  std::erase_if(flexvpn_probes_, [&](auto& kv) { return clock_.now() >= kv.second.expires; });
  // A hub with 100,000 sessions and no FlexVPN client would otherwise build
  // (and free) a snapshot of every IKE SA on each tick: tens of MB of
  // transient heap that fragments the resident set, and CPU per tick.
  if (flexvpn_.empty()) return;
  auto sas = engine_->sas();
  for (auto& [n, c] : flexvpn_) {
    bool negotiating = false;
    const ike::IkeSaInfo* ready = nullptr;
    for (auto& sa : sas)
      if (sa.interface == c.tunnel()) {
        negotiating = true;
        if (sa.state == "READY") ready = &sa;
      }
    // Up before this client was (re)configured: it is connected.
    if (ready && tunnel_up(c.tunnel()) && c.state() != FlexvpnClient::State::kConnected) c.on_up(ready->local, ready->remote);
    auto it = policy_.model().interfaces.find(c.tunnel());
    if (it == policy_.model().interfaces.end() || it->second.shutdown) {
      c.reset();
      continue;
    }
    if (c.tick(clock_.now(), negotiating))
      if (auto dst = c.destination()) initiate_to(c.tunnel(), *dst);
    for (auto& to : c.probes_due(clock_.now())) flexvpn_probe(c, it->second, to);
  }
}

void Daemon::flexvpn_probe(const FlexvpnClient& c, const config::Interface& itf, const IpAddress& to) {
  auto src = tunnel_source(itf);
  if (!src) return;
  uint64_t spi = rng_.u64() | 1;
  flexvpn_probes_[spi] = {c.name(), to, clock_.now() + kProbeLife};
  log::debug("FlexVPN(" + c.name() + "): probing " + to.str());
  if (auto r = datapath_->send_ike({*src, 500}, {to, 500}, probe_message(spi, rng_)); !r)
    log::debug("FlexVPN probe to " + to.str() + ": " + r.error().message);
}

bool Daemon::flexvpn_probe_answer(const Endpoint& remote, ByteView m) {
  if (flexvpn_probes_.empty()) return false;
  ByteReader r(m);
  auto h = ike::Header::parse(r);
  if (!h || !h->is_response() || h->exchange != ike::ExchangeType::kIkeSaInit) return false;
  auto p = flexvpn_probes_.find(h->spi_i);
  if (p == flexvpn_probes_.end() || p->second.to != remote.addr) return false;
  auto probe = p->second;
  flexvpn_probes_.erase(p);
  auto c = flexvpn_.find(probe.client);
  if (c != flexvpn_.end() && c->second.on_probe_answer(clock_.now(), remote.addr)) {
    execute(engine_->delete_sessions(c->second.tunnel()));
    next_housekeeping_ = clock_.now();
  }
  return true;  // ours: the engine knows nothing of this SPI
}

void Daemon::register_flexvpn_show() {
  config_->register_exec(
      "show crypto ikev2 client flexvpn [WORD]",
      {"Show running system information", "Encryption module", "IKEv2 information", "IKEv2 client",
       "FlexVPN client profiles", "Profile name"},
      [this](const config::ParsedArgs& a) -> Result<std::string> {
        std::string name = a.size() > 5 ? a.at(5) : "", out;
        nlohmann::json list = nlohmann::json::array();
        for (auto& [n, c] : flexvpn_) {
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
