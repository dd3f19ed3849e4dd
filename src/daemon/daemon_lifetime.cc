// keygated: sessions, dead peers and the data path's activity for DPD; how
// the tunnels part (tunnels.h) reaches the rest of the daemon, and where the
// IKE side's actions (ike_side.h) go.
#include "common/log.h"
#include "daemon/debug_lines.h"
#include "daemon/daemon.h"

namespace kg::daemon {

std::optional<ike::ChildActivity> Daemon::DatapathTraffic::activity(uint32_t spi_in) const {
  auto a = dp ? dp->activity(spi_in) : std::nullopt;
  if (!a) return std::nullopt;
  return ike::ChildActivity{a->last_in, a->last_out};
}

void Daemon::session_event(const ike::SessionEvent& ev) {
  tunnels_.on_session(ev);
  flexvpn_.on_session(ev);
}

void Daemon::peer_dead(const ike::PeerDead& ev) {
  for (auto& h : peer_dead_handlers_)
    if (h(ev)) return;
  tunnels_.on_peer_dead(ev);
}

// What the tunnels part asks of the daemon.
const config::Model& Daemon::TunnelsHost::model() const { return d.policy_.model(); }

void Daemon::TunnelsHost::initiate(const std::string& tunnel) { d.try_initiate(tunnel); }

void Daemon::TunnelsHost::delete_sessions(const std::string& tunnel) {
  d.ike_->delete_sessions(tunnel);
  d.isakmp_actions(d.ikev1_->delete_sessions(tunnel));
}

std::set<std::string> Daemon::TunnelsHost::tunnels_with_sas() const {
  std::set<std::string> s;
  for (auto& sa : d.ike_->engine().sas()) s.insert(sa.interface);
  for (auto& sa : d.ikev1_->sas()) s.insert(sa.interface);
  return s;
}

bool Daemon::TunnelsHost::flexvpn_tunnel(const std::string& tunnel) const {
  return d.flexvpn_.for_tunnel(tunnel) != nullptr;
}

// Where the IKE side's actions go.
void Daemon::IkeHost::send(const ike::SendPacket& s) {
  debug_ike_packet(true, s.local, s.remote, s.data);
  if (auto r = d.datapath_->send_ike(s.local, s.remote, s.data); !r)
    log::warn("IKE send to " + s.remote.str() + ": " + r.error().message);
}

void Daemon::IkeHost::install(const ike::InstallChildSa& sa) {
  auto r = d.datapath_->install_sa(sa);
  if (!r) log::error("cannot install CHILD_SA on " + sa.interface + ": " + r.error().message);
  else { debug_ipsec_created(sa); d.gre_sa_installed(sa); d.debug_keys_->installed(sa); d.crypto_map_sa_installed(sa); }
}

void Daemon::IkeHost::update_peer(const ike::UpdateChildSaPeer& u) {
  d.datapath_->update_peer(u.spi_in, u.local, u.remote);
}

void Daemon::IkeHost::remove(const ike::RemoveChildSa& sa) {
  if (d.acct_ && d.acct_->tracking())
    for (const auto& s : d.datapath_->sa_stats())
      if (s.spi_in == sa.spi_in) d.acct_->on_sa_removed(s);
  debug_ipsec_deleted(sa.interface, sa.spi_in, sa.spi_out);
  d.datapath_->remove_sa(sa.spi_in, sa.spi_out);
  d.crypto_map_sa_removed(sa.spi_in);
  d.debug_keys_->removed(sa.spi_in);
}

void Daemon::IkeHost::retire(const ike::RetireChildSa& sa) { d.datapath_->retire_sa(sa.spi_in); }

void Daemon::IkeHost::release(const ike::ReleaseConfig& rc) { d.ra_->on_release(rc.lease); }

void Daemon::IkeHost::session(const ike::SessionEvent& ev) {
  if (d.acct_) d.acct_->on_session(ev);
  d.policy_.on_session(ev);
  if (!d.ra_->on_session(ev)) d.session_event(ev);  // else a Virtual-Access session
}

void Daemon::IkeHost::peer_dead(const ike::PeerDead& ev) {
  if (d.acct_) d.acct_->on_peer_dead(ev.remote);  // its Stop says Idle-Timeout
  d.peer_dead(ev);
}

void Daemon::IkeHost::peer_answered(const ike::PeerAnswered& a) { d.flexvpn_.on_peer_answered(a); }

void Daemon::IkeHost::off_loop(std::function<std::function<void()>()> job) { d.work_->submit(std::move(job)); }

void Daemon::IkeHost::compute(std::function<std::function<void()>()> job) {
  (d.crypto_ ? d.crypto_ : d.work_)->submit(std::move(job));
}

void Daemon::IkeHost::actions_done() {
  if (d.acct_) d.acct_->settle();  // Stops of the sessions this batch ended
  d.reschedule();
}

}  // namespace kg::daemon
