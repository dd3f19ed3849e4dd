// The daemon's static tunnel interfaces (interface TunnelN): whether each
// one's line protocol is up, and when it initiates. A tunnel's line
// protocol is up while at least one IKE SA is up on it. A configured tunnel
// keeps trying (every kRetryInterval) until its first session is up; after
// that, a session that goes away is brought back by traffic (a packet with
// no SA, at most every kTrafficRetry), a configuration change, or a dead
// peer. A FlexVPN client's tunnel is connected by its client
// (flexvpn_clients.h), not by these retries. The kernel side of the
// interfaces (devices, addresses, routes) is the interfaces part's
// (interfaces.h). This part reaches the rest of the daemon only through
// Host, so its tests run on a fake clock without sockets.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>

#include "common/clock.h"
#include "common/random.h"
#include "config/model.h"
#include "ike/engine.h"

namespace kg::daemon {

class Tunnels {
 public:
  // What this part asks of the daemon.
  class Host {
   public:
    virtual ~Host() = default;
    // The configuration in force.
    [[nodiscard]] virtual const config::Model& model() const = 0;
    // Initiate the tunnel to its destination (tunnel destination, or its
    // FlexVPN client's current peer); nothing when it has none, or an IKE SA
    // serves it already.
    virtual void initiate(const std::string& tunnel) = 0;
    // Delete the IKE SAs serving the tunnel (SessionEvents come back).
    virtual void delete_sessions(const std::string& tunnel) = 0;
    // The tunnels that have an IKE SA, up or negotiating.
    [[nodiscard]] virtual std::set<std::string> tunnels_with_sas() const = 0;
    // A FlexVPN client chooses when and where the tunnel connects.
    [[nodiscard]] virtual bool flexvpn_tunnel(const std::string& tunnel) const = 0;
  };

  static constexpr Millis kRetryInterval{10'000};  // until the first session is up
  static constexpr Millis kTrafficRetry{3'000};    // a packet with no SA, at most this often

  Tunnels(Host& host, const Clock& clock, Random& rng) : host_(host), clock_(clock), rng_(rng) {}

  [[nodiscard]] bool up(const std::string& tunnel) const;

  // A session on the tunnel came up or went down.
  void on_session(const ike::SessionEvent& ev);
  // The tunnel's peer is dead (no FlexVPN client took it): a static tunnel
  // comes back as soon as its peer does.
  void on_peer_dead(const ike::PeerDead& ev);
  // The data path had a packet for the tunnel and no SA to send it with.
  void on_no_sa(const std::string& tunnel);

  // The configuration changed. A tunnel interface that is new (old null) or
  // whose endpoints, protection or shutdown changed starts trying again; one
  // shut down loses its sessions.
  void configured(const std::string& tunnel, const config::Interface* old, const config::Interface& itf);
  // A tunnel interface was removed: its sessions go, and it is forgotten.
  void removed(const std::string& tunnel);
  // New certificates or trustpoints: tunnels still down try again now.
  void credentials_changed();

  // About once a second: the retries that are due.
  void tick();
  // When tick() next has a retry to make; none when nothing waits.
  [[nodiscard]] std::optional<TimePoint> next_retry() const;

 private:
  struct State {
    bool up = false;
    int sessions = 0;        // IKE SAs up on it (one, two while a stale one goes)
    bool auto_retry = true;  // keep trying until the first session is up
    TimePoint next_try{};
  };

  Host& host_;
  const Clock& clock_;
  Random& rng_;
  std::map<std::string, State> tunnels_;
};

}  // namespace kg::daemon
