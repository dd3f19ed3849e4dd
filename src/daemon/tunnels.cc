#include "daemon/tunnels.h"

#include <algorithm>

#include "common/log.h"
#include "config/interface_names.h"
#include "daemon/crypto_maps.h"

namespace kg::daemon {

bool Tunnels::up(const std::string& tunnel) const {
  auto it = tunnels_.find(tunnel);
  return it != tunnels_.end() && it->second.up;
}

// Up while at least one IKE SA is up: a rekey moves the session without a
// flap, and a peer that reconnects (INITIAL_CONTACT) brings the new session
// up before the stale one goes.
void Tunnels::on_session(const ike::SessionEvent& ev) {
  auto& st = tunnels_[ev.interface];
  st.sessions = std::max(0, st.sessions + (ev.up ? 1 : -1));
  bool up = st.sessions > 0;
  // A crypto map entry's device is keygate's, not an IOS interface: no line protocol.
  if (up != st.up && !is_crypto_map_device(ev.interface))
    log::event("LINEPROTO", log::Level::kNotice, "UPDOWN",
               "Line protocol on Interface " + ev.interface + ", changed state to " + (up ? "up" : "down"));
  st.up = up;
  // After a delete, wait for traffic (or a config change) before trying again.
  if (!up) st.auto_retry = false;
}

void Tunnels::on_peer_dead(const ike::PeerDead& ev) {
  auto& m = host_.model();
  auto it = m.interfaces.find(ev.interface);
  // Only a tunnel with a fixed destination address (not "dynamic": a FlexVPN
  // client's handler chooses the next peer).
  if (it == m.interfaces.end() || it->second.shutdown || !it->second.tunnel_destination.address) return;
  log::info("keygated: " + ev.interface + ": peer " + ev.remote.addr.str() + " is dead; re-initiating");
  auto& st = tunnels_[ev.interface];
  st.auto_retry = true;
  st.next_try = clock_.now();
}

void Tunnels::on_no_sa(const std::string& tunnel) {
  if (config::is_virtual_template(tunnel)) return;  // a hub does not initiate to its clients
  auto& st = tunnels_[tunnel];
  // Also while the tunnel is up: its IKE SA may have lost its CHILD_SA (a
  // hard lifetime reached while the peer was unreachable, a rekey both
  // sides refused); the engine then creates a new one on it (§1.3.1), as
  // IOS does on the next packet. With a CHILD_SA in place it does nothing.
  if (clock_.now() >= st.next_try) {
    host_.initiate(tunnel);
    st.next_try = clock_.now() + kTrafficRetry;
  }
}

void Tunnels::configured(const std::string& tunnel, const config::Interface* old, const config::Interface& itf) {
  bool changed = !old || old->tunnel_destination != itf.tunnel_destination ||
                 old->tunnel_protection != itf.tunnel_protection || old->tunnel_source != itf.tunnel_source ||
                 old->shutdown != itf.shutdown;
  if (itf.shutdown && old && !old->shutdown) host_.delete_sessions(tunnel);
  if (changed && !itf.shutdown) {
    auto& st = tunnels_[tunnel];
    st.auto_retry = true;
    // A little jitter so two peers configured at the same moment rarely
    // both initiate (which would give two IKE SAs for one tunnel).
    st.next_try = clock_.now() + Millis(rng_.u32() % 1000);
  }
}

void Tunnels::removed(const std::string& tunnel) {
  host_.delete_sessions(tunnel);
  tunnels_.erase(tunnel);  // after the delete: its SessionEvents touch the state
}

void Tunnels::credentials_changed() {
  for (auto& [name, st] : tunnels_)
    if (!st.up) st.auto_retry = true, st.next_try = clock_.now();
}

void Tunnels::tick() {
  // The tunnels with IKE SAs only when a tunnel is due to retry, once: a
  // hub's tick must not look at every SA.
  std::optional<std::set<std::string>> busy;
  for (auto& [name, st] : tunnels_) {
    if (st.up || !st.auto_retry || clock_.now() < st.next_try) continue;
    if (host_.flexvpn_tunnel(name)) continue;  // its client chooses when and where
    if (!busy) busy = host_.tunnels_with_sas();
    st.next_try = clock_.now() + kRetryInterval;
    if (!busy->contains(name)) host_.initiate(name);
  }
}

std::optional<TimePoint> Tunnels::next_retry() const {
  std::optional<TimePoint> when;
  for (auto& [name, st] : tunnels_)
    if (!st.up && st.auto_retry && (!when || st.next_try < *when)) when = st.next_try;
  return when;
}

}  // namespace kg::daemon
