// The IKEv1 (ISAKMP) engine: Main Mode and Aggressive Mode (pre-shared keys
// or RSA signatures), Quick Mode with PFS, informational DELETE and
// INITIAL-CONTACT, NAT traversal (RFC 3947), retransmission. Like the IKEv2 engine (ike/engine.h) it does no I/O: the
// daemon feeds it datagrams (non-ESP marker removed), timer ticks and
// operator commands, and it answers with the IKEv2 engine's Action types,
// so the daemon routes both engines' actions the same way.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "ike/engine.h"
#include "ikev1/policy.h"

namespace kg::ikev1 {

using Action = ike::Action;

// Bring up a tunnel interface's SAs with a peer.
struct InitiateRequest {
  Endpoint local;
  Endpoint remote;
  ike::ChildConfig child;
  // How often Main Mode message 1 goes out (first send included) before a
  // peer that never answered counts as dead (PeerDead); 0: the engine's
  // default. A crypto map with another `set peer` to try asks for fewer, so
  // that the next peer is tried sooner.
  int tries = 0;
  // The crypto map entry's `set isakmp-profile NAME`: the ISAKMP SA uses
  // that profile (its keyring and keepalive); "" for none.
  std::string profile;
  // Phase 1 in Aggressive Mode (crypto isakmp profile ... initiate mode
  // aggressive, on the crypto map entry's set isakmp-profile), with the
  // identity and authentication Main Mode would use.
  bool aggressive = false;
};

// One ISAKMP SA for show crypto isakmp sa [detail].
struct IsakmpSaInfo {
  uint32_t conn_id = 0;
  Endpoint local, remote;
  uint64_t cky_i = 0, cky_r = 0;
  bool initiator = false;
  std::string state;   // IOS words: MM_NO_STATE, MM_SA_SETUP, MM_KEY_EXCH, QM_IDLE
  std::string status;  // ACTIVE, or "" while negotiating
  IsakmpPolicy policy;  // as negotiated (priority: the local policy that matched)
  std::string remote_id;
  bool nat = false;     // a NAT between us (ESP in UDP 4500)
  int64_t expire_in_s = -1;
  std::string interface;
  std::vector<uint32_t> child_spis_in;
};

struct Stats {
  uint64_t rx_packets = 0, rx_dropped_malformed = 0, rx_dropped_unknown_sa = 0, rx_dropped_auth = 0,
           rx_retransmitted = 0, tx_packets = 0, retransmits = 0, no_proposal_chosen = 0;
  uint64_t dpd_probes = 0, peers_dead = 0;  // R-U-THEREs sent; peers declared dead by DPD
  uint64_t p1_rekeys = 0;                   // ISAKMP SAs replaced by a new Main Mode
  uint64_t invalid_spi_notifies = 0, invalid_spi_limited = 0;  // sent; not sent (hold-down)
};

struct EngineOptions {
  // Main Mode responder: the Diffie-Hellman of message 3 goes to the daemon
  // as ike::DhWork (its crypto workers) instead of being computed inline;
  // message 4 follows once resume() brings it (ike::EngineOptions likewise).
  bool dh_off_loop = false;
};

class Engine {
 public:
  static std::unique_ptr<Engine> create(const PolicyProvider& policy, const Clock& clock, Random& rng,
                                        EngineOptions options = {});
  virtual ~Engine() = default;

  virtual std::vector<Action> on_packet(const Endpoint& local, const Endpoint& remote, ByteView data) = 0;
  virtual std::vector<Action> on_timer() = 0;
  // The answer to a WorkRequest this engine emitted (a RADIUS XAUTH check, a
  // key exchange).
  virtual std::vector<Action> resume(uint64_t id, ike::WorkResult result) = 0;
  [[nodiscard]] virtual std::optional<TimePoint> next_deadline() const = 0;
  // Main Mode then Quick Mode for the interface, unless an SA for it is up
  // or in negotiation. A crypto map's selector pairs (ike::ChildConfig::
  // pairs) get one Quick Mode, and one IPsec SA, each.
  virtual std::vector<Action> initiate(const InitiateRequest& req) = 0;
  // Delete (with an informational DELETE to the peer) the ISAKMP SAs serving
  // `interface` and their IPsec SAs; "" = all.
  virtual std::vector<Action> delete_sessions(const std::string& interface) = 0;
  // clear crypto isakmp CONN-ID: that ISAKMP SA only (its IPsec SAs stay).
  virtual std::vector<Action> clear_sa(uint32_t conn_id) = 0;

  // The data path received ESP from `remote` with an SPI it does not have
  // (crypto isakmp invalid-spi-recovery, invalid_spi.cc).
  virtual std::vector<Action> on_unknown_spi(const Endpoint& local, const Endpoint& remote, uint32_t spi) = 0;
  // Where DPD learns about ESP traffic (on-demand probes only when we sent
  // traffic and heard nothing); without one only ISAKMP messages count.
  virtual void set_traffic_source(const ike::TrafficSource* source) = 0;

  // The ready ISAKMP SAs with a NAT in front of us and IPsec SAs: where NAT
  // keepalives go (RFC 3948 §2.3, crypto isakmp nat keepalive).
  [[nodiscard]] virtual std::vector<ike::NatKeepaliveTarget> behind_nat() const = 0;
  [[nodiscard]] virtual std::vector<IsakmpSaInfo> sas() const = 0;
  [[nodiscard]] virtual const Stats& stats() const = 0;
};

}  // namespace kg::ikev1
