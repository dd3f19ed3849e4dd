// The daemon's FlexVPN part: every `crypto ikev2 client flexvpn NAME` and
// what it does to its tunnel. One FlexvpnClient (flexvpn_client.h) chooses
// the peer; this part feeds the clients the configuration, the tunnel's
// session events, dead peers and a tick, initiates to the peer a client
// chooses, has the engine probe better peers (peer reactivate) and hears
// their answers, and looks peer names up off the event loop. It reaches the rest of the daemon
// only through Host, so its tests run on a fake clock without sockets.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/ip.h"
#include "config/model.h"
#include "daemon/flexvpn_client.h"
#include "daemon/peer_names.h"
#include "ike/engine.h"

namespace kg::daemon {

class FlexvpnClients {
 public:
  // What this part asks of the daemon.
  class Host {
   public:
    virtual ~Host() = default;
    // The tunnel interface exists and is not shut down.
    [[nodiscard]] virtual bool tunnel_enabled(const std::string& tunnel) const = 0;
    // Its line protocol is up (at least one session on it).
    [[nodiscard]] virtual bool tunnel_up(const std::string& tunnel) const = 0;
    // The IKE SAs serving the tunnel, up or negotiating.
    [[nodiscard]] virtual std::vector<ike::IkeSaInfo> tunnel_sas(const std::string& tunnel) const = 0;
    // The tunnel's source address (tunnel source); none when unknown.
    [[nodiscard]] virtual std::optional<IpAddress> tunnel_source(const std::string& tunnel) = 0;
    virtual void initiate(const std::string& tunnel, const IpAddress& to) = 0;
    virtual void delete_sessions(const std::string& tunnel) = 0;
    // Engine::probe: PeerAnswered{id} comes back through on_peer_answered.
    virtual void probe(uint64_t id, const Endpoint& local, const Endpoint& remote) = 0;
    // Looks `name` up off the event loop (it may block) and calls `done` on
    // the loop with the first IPv4 address, or none.
    virtual void lookup(const std::string& name, std::function<void(std::optional<IpAddress>)> done) = 0;
    // Something changed: call tick() soon (at the next deadline).
    virtual void wake() = 0;
  };

  // A peer reactivate probe is answered within this, or not at all (the
  // engine retransmits IKE_SA_INIT for about 16 s).
  static constexpr Millis kProbeLife{20'000};
  FlexvpnClients(Host& host, const Clock& clock) : host_(host), clock_(clock) {}

  // The configuration changed: clients that are new or changed start over.
  void apply(const config::Model& after);
  [[nodiscard]] bool empty() const { return clients_.empty(); }
  [[nodiscard]] const FlexvpnClient* for_tunnel(const std::string& tunnel) const;
  [[nodiscard]] const std::map<std::string, FlexvpnClient>& clients() const { return clients_; }

  // A session on a client's tunnel came up or went down.
  void on_session(const ike::SessionEvent& ev);
  // True when a client's tunnel lost its peer (the client chooses the next).
  bool on_peer_dead(const ike::PeerDead& ev);
  // About once a second and after events: attempts, fail-over, probes.
  void tick();
  // A better peer answered one of our probes.
  void on_peer_answered(const ike::PeerAnswered& a);

 private:
  FlexvpnClient::Resolution resolve(const std::string& name);
  void probe(const FlexvpnClient& c, const IpAddress& to);

  Host& host_;
  const Clock& clock_;
  std::map<std::string, FlexvpnClient> clients_;  // by client name
  struct Probe {
    std::string client;
    IpAddress to;
    TimePoint expires;
  };
  std::map<uint64_t, Probe> probes_;  // peer reactivate probes by id
  uint64_t next_probe_id_ = 1;
  // peer N fqdn NAME: ip host (the table given in apply), else looked up on
  // the Host's worker; the client logs the names that do not resolve.
  PeerNames names_{clock_,
                   [this](const std::string& n, PeerNames::Done done) {
                     host_.lookup(n, [this, done = std::move(done)](std::optional<IpAddress> a) {
                       done(a);
                       host_.wake();
                     });
                   },
                   ""};
};

}  // namespace kg::daemon
