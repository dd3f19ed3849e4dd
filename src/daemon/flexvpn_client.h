// The runtime of `crypto ikev2 client flexvpn NAME` (seed 004, "FlexVPN
// Client"): which peer the client's tunnel (`client connect TunnelN`,
// `tunnel destination dynamic`) goes to. No I/O: the daemon feeds it session
// events, dead peers and a tick, and initiates to destination() when a step
// says so.
//
// IOS peer selection (FlexVPN client configuration guide): peers are tried by
// sequence number, lowest first; a new peer is selected when the active one
// stops answering liveness checks (DPD), when the IKE negotiation with it
// fails, when its name does not resolve, and when its IKE SA is cleared. The
// next peer is the one after the failed one, wrapping round to the first.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/ip.h"
#include "config/model.h"

namespace kg::daemon {

class FlexvpnClient {
 public:
  enum class State { kIdle, kConnecting, kConnected, kLost };
  // A name's address (peer N fqdn NAME): the address, none (the name does
  // not resolve), or `pending`: the lookup runs off the event loop and the
  // client asks again on a later tick, once the answer is in.
  struct Resolution {
    Resolution(std::optional<IpAddress> a) : address(a) {}  // NOLINT: an answer
    Resolution(std::nullopt_t) {}                          // NOLINT: does not resolve
    static Resolution waiting() {
      Resolution r(std::nullopt);
      r.pending = true;
      return r;
    }
    std::optional<IpAddress> address;
    bool pending = false;
  };
  using Resolver = std::function<Resolution(const std::string& name)>;

  // An attempt still negotiating after this is given up (the IKE
  // retransmissions give up after ~16 s; this is the backstop).
  static constexpr Millis kConnectTimeout{30'000};
  // After every peer failed in a row, wait this long before the next round.
  static constexpr Millis kRoundPause{10'000};
  // peer reactivate: how often a client on a backup peer asks the better
  // peers whether they answer again (doubled after each failed return, up
  // to kMaxProbeInterval; reset when a return succeeds).
  static constexpr Millis kProbeInterval{10'000};
  static constexpr Millis kMaxProbeInterval{300'000};

  FlexvpnClient(std::string name, const config::FlexvpnClient& cfg, Resolver resolve);

  const std::string& name() const { return name_; }
  const std::string& tunnel() const { return cfg_.connect; }
  const config::FlexvpnClient& config() const { return cfg_; }
  State state() const { return state_; }
  // The peer being connected to or connected (not while idle or lost).
  std::optional<IpAddress> destination() const;
  int peer_seq() const { return cur_ < peers_.size() ? peers_[cur_].first : 0; }
  std::optional<IpAddress> current_address() const { return addr_; }

  // The tunnel's session came up or went down.
  void on_up(const Endpoint& local, const Endpoint& remote);
  void on_down();
  // DPD (or an unanswered request) declared the tunnel's peer dead.
  void on_dead();
  // The tunnel was shut down: start again from the first peer when it is
  // brought up (no shutdown).
  void reset();
  // Called about once a second and after every event. `negotiating`: an IKE
  // SA on the tunnel exists (up or still negotiating). True when the daemon
  // must initiate to destination() now.
  bool tick(TimePoint now, bool negotiating);

  // peer reactivate. IOS returns to a better peer when its `track` object
  // goes up; keygate has no track objects and asks the peer itself: the
  // daemon sends each address returned here an IKE_SA_INIT probe and reports
  // an answer with on_probe_answer(). Empty unless connected to a backup
  // peer with peer reactivate configured, every probe interval.
  std::vector<IpAddress> probes_due(TimePoint now);
  // A better peer answered: true when the daemon must delete the tunnel's
  // session; the client then connects to that peer (tick() says when).
  bool on_probe_answer(TimePoint now, const IpAddress& from);

 private:
  bool select(TimePoint now, size_t from);
  Resolution resolve(size_t idx);

  std::string name_;
  config::FlexvpnClient cfg_;
  std::vector<std::pair<int, std::string>> peers_;  // by sequence number
  Resolver resolve_;
  State state_ = State::kIdle;
  size_t cur_ = 0;
  std::optional<IpAddress> addr_;  // the current peer's address
  Endpoint local_{}, remote_{};    // of the session while connected
  TimePoint attempt_start_{};
  TimePoint pause_until_{};
  size_t failed_in_row_ = 0;
  bool pending_initiate_ = false;  // reactivating: initiate once the old SA is gone
  bool reactivating_ = false;      // the current attempt returns to a better peer
  Millis probe_interval_ = kProbeInterval;
  TimePoint next_probe_{};
  std::vector<std::pair<size_t, IpAddress>> probed_;  // better peers probed last
};

// `show crypto ikev2 client flexvpn [NAME]` for one client.
std::string show_flexvpn_client(const FlexvpnClient& c, bool tunnel_up, const std::optional<Prefix>& assigned);

}  // namespace kg::daemon
