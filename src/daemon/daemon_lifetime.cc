// keygated: sessions, dead peers and the data path's activity for DPD.
#include "common/log.h"
#include "daemon/daemon.h"

namespace kg::daemon {

std::optional<ike::ChildActivity> Daemon::DatapathTraffic::activity(uint32_t spi_in) const {
  auto a = dp ? dp->activity(spi_in) : std::nullopt;
  if (!a) return std::nullopt;
  return ike::ChildActivity{a->last_in, a->last_out};
}

// The line protocol of a tunnel is up while it has at least one IKE SA up:
// a rekey moves the session without a flap, and a peer that reconnects
// (INITIAL_CONTACT) brings the new session up before the stale one goes.
void Daemon::session_event(const ike::SessionEvent& ev) {
  auto& st = tunnels_[ev.interface];
  st.sessions = std::max(0, st.sessions + (ev.up ? 1 : -1));
  bool up = st.sessions > 0;
  if (up != st.up)
    log::event("LINEPROTO", log::Level::kNotice, "UPDOWN",
               "Line protocol on Interface " + ev.interface + ", changed state to " + (up ? "up" : "down"));
  st.up = up;
  // After a delete, wait for traffic (or a config change) before trying again.
  if (!up) st.auto_retry = false;
  flexvpn_.on_session(ev);
}

void Daemon::peer_dead(const ike::PeerDead& ev) {
  for (auto& h : peer_dead_handlers_)
    if (h(ev)) return;
  auto& m = policy_.model();
  auto it = m.interfaces.find(ev.interface);
  // Only a tunnel with a fixed destination address (not "dynamic": a FlexVPN
  // client's handler chooses the next peer).
  if (it == m.interfaces.end() || it->second.shutdown || !IpAddress::parse(it->second.tunnel_destination)) return;
  // A static tunnel comes back as soon as its peer does: keep initiating.
  log::info("keygated: " + ev.interface + ": peer " + ev.remote.addr.str() + " is dead; re-initiating");
  auto& st = tunnels_[ev.interface];
  st.auto_retry = true;
  st.next_try = clock_.now();
}

}  // namespace kg::daemon
