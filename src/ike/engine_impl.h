// The exchange driver (task manager) behind Engine: SA lookup, message IDs
// (RFC 7296 §2.2), retransmission (§2.1), response caching and the state
// changes of each IKE SA. Tasks (task.h) do the payload work.
// engine_impl.cc: packets, our requests and their responses, initiation and deletion;
// engine_request.cc: the peer's requests and our answers;
// engine_wait.cc: slow work the engine waits for (WorkRequest, resume);
// engine_lifetime.cc: lifetimes, rekey triggers, DPD, volume limits;
// engine_rekey.cc: adopting rekeyed IKE SAs (§2.18, §2.8.1), INITIAL_CONTACT, crossing initiations;
// engine_timers.cc: each SA's next deadline in a timer heap, the indexes
// initiate() uses, and removing dead SAs, so that no event scans all SAs.
#pragma once
#include <map>
#include <queue>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "crypto/cert_cache.h"
#include "ike/admission.h"
#include "ike/engine.h"
#include "ike/task.h"

namespace kg::ike {

class EngineImpl final : public Engine {
 public:
  EngineImpl(const PolicyProvider& policy, const Clock& clock, Random& rng, EngineOptions options = {})
      : policy_(policy), clock_(clock), rng_(rng), options_(options), admission_(clock, rng) {}

  std::vector<Action> on_packet(const Endpoint& local, const Endpoint& remote, ByteView data) override;
  std::vector<Action> on_timer() override;
  void set_pending_timeout(Millis t) override { options_.pending_timeout = t; }
  [[nodiscard]] std::optional<TimePoint> next_deadline() const override;
  std::vector<Action> initiate(const InitiateRequest& req) override;
  std::vector<Action> probe(uint64_t id, const Endpoint& local, const Endpoint& remote) override;
  std::vector<Action> delete_sessions(const std::string& interface) override;
  std::vector<Action> delete_sessions_signed_with(const std::set<std::string>& trustpoints) override;
  std::vector<Action> delete_sessions_to(const Endpoint& remote) override;
  std::vector<Action> on_child_limit(uint32_t spi_in, bool hard) override;
  std::vector<Action> resume(uint64_t id, WorkResult result) override;
  void set_traffic_source(const TrafficSource* source) override { traffic_ = source; }
  std::vector<Action> peer_moved(uint32_t spi_in, const Endpoint& remote) override;
  [[nodiscard]] std::vector<IkeSaInfo> sas() const override;
  [[nodiscard]] std::vector<IkeSaKeys> sa_keys() const override;
  [[nodiscard]] std::vector<NatKeepaliveTarget> behind_nat() const override;
  [[nodiscard]] const EngineStats& stats() const override { return stats_; }
  // Tests only: the IKE SAs as they are held (what an SA keeps in memory).
  [[nodiscard]] std::vector<const IkeSa*> sas_for_testing() const {
    std::vector<const IkeSa*> v;
    for (auto& [spi, sa] : sas_) v.push_back(sa.get());
    return v;
  }
  void clear_stats() override { stats_ = {}; }

  static constexpr int kMaxTries = 5;
  static constexpr Millis kFirstRetransmit{500};
  // A responder's IKE SA not established this long after IKE_SA_INIT,
  // not counting the time it waited for our own work (IkeSa::waited).
  static constexpr Millis kHalfOpenTimeout{30'000};
  static bool half_open(const IkeSa& sa) { return !sa.initiator && sa.state == SaState::kConnecting; }
  // A replaced or redundant IKE SA the peer should delete is forgotten after this.
  static constexpr Millis kReapAfter{30'000};
  // An SA of ours that an INITIAL_CONTACT would make stale, when the peer may
  // instead settle a crossing (delete_stale), goes after this.
  static constexpr Millis kStaleGrace{5'000};

 private:
  IkeSa* lookup(const Message& m, const Endpoint& local, const Endpoint& remote, std::vector<Action>& out);
  bool admit(const Message& m, const Endpoint& local, const Endpoint& remote, std::vector<Action>& out);
  IkeSa* new_responder(const Header& h, const Endpoint& local, const Endpoint& remote);
  void prune_half_open();
  void handle_request(IkeSa& sa, const Message& m, ByteView raw, const Endpoint& local,
                      const Endpoint& remote, std::vector<Action>& out);
  void handle_response(IkeSa& sa, const Message& m, ByteView raw, const Endpoint& local, const Endpoint& remote,
                       std::vector<Action>& out);
  // Runs the responder's tasks from where they stopped (a new request, a
  // wait that ended, the next round of a continued exchange) and answers.
  void respond(IkeSa& sa, Responding r, std::vector<Action>& out);
  bool send_response(IkeSa& sa, const Header& request, const std::vector<TypedPayload>& reply, bool refused_init,
                     std::vector<Action>& out);
  // Builds and sends our request from where it stopped (build_i of tasks [from, end)).
  void build(IkeSa& sa, Building b, std::vector<Action>& out);
  // engine_wait.cc: slow work handed to the daemon, its result, its timeout.
  void begin_wait(IkeSa& sa, Work work, bool building, std::vector<Action>& out);
  void end_wait(IkeSa& sa, WorkResult result, std::vector<Action>& out);
  void wait_timed_out(IkeSa& sa, std::vector<Action>& out);
  void finish_exchange(IkeSa& sa, ExchangeType ex, std::vector<Action>& out);
  void start_next(IkeSa& sa, std::vector<Action>& out);
  void start(IkeSa& sa, ExchangeType ex, TaskList tasks, std::vector<Action>& out);
  // The next request of a continued exchange, built by task `at` (kContinue).
  void continue_exchange(IkeSa& sa, size_t at, std::vector<Action>& out);
  void fail_sa(IkeSa& sa, std::vector<Action>& out, bool notify_peer);
  void send(IkeSa& sa, Bytes data, std::vector<Action>& out);
  void send(IkeSa& sa, const std::vector<Bytes>& datagrams, std::vector<Action>& out);
  // engine_fragment.cc (RFC 7383): an SKF datagram of a known SA; a complete
  // message goes on to handle_request/handle_response with reassembled_ set.
  void on_fragment(IkeSa& sa, const Message& m, ByteView raw, const Endpoint& local, const Endpoint& remote,
                   std::vector<Action>& out);
  // The inner payloads of an SK message, or of the message just reassembled.
  Result<std::vector<TypedPayload>> open_inner(IkeSa& sa, const Message& m, ByteView raw);
  Result<std::vector<Bytes>> protect_out(IkeSa& sa, const Header& h, const std::vector<TypedPayload>& inner);
  TaskEnv env(std::vector<Action>& out) { return TaskEnv{policy_, clock_, rng_, out, configs_, &stats_, &certs_, options_.dh_off_loop}; }
  void begin_delete(IkeSa& sa, std::vector<Action>& out);
  void retransmit_or_give_up(IkeSa& sa, TimePoint now, std::vector<Action>& out);
  void on_established(IkeSa& sa, std::vector<Action>& out);

  // engine_lifetime.cc
  void service(IkeSa& sa, TimePoint now, std::vector<Action>& out);
  void rekey_child(IkeSa& sa, ChildSa& c);
  void expire_child(IkeSa& sa, ChildSa& c, std::vector<Action>& out);
  void dpd_check(IkeSa& sa, TimePoint now);
  void peer_dead(IkeSa& sa, std::vector<Action>& out);
  // engine_rekey.cc
  void adopt_successor(IkeSa& old, bool we_initiated, std::vector<Action>& out);
  void hand_over(IkeSa& from, IkeSa& to);
  void delete_stale(IkeSa& sa, std::vector<Action>& out);
  bool same_tunnel_from_both_ends(const IkeSa& sa, const IkeSa& other) const;
  bool crossed(const IkeSa& sa, const IkeSa& other) const;
  void log_stale(const IkeSa& sa) const;
  void settle_crossing(IkeSa& sa, std::vector<Action>& out);
  IkeSa* find_sa(uint64_t our_spi);
  // engine_timers.cc. Whoever changes an SA's timers, state, interface or
  // peer touches it; every public entry point ends with settle(), which
  // brings the heap and indexes up to date and removes dead SAs.
  void touch(IkeSa& sa);
  void settle(std::vector<Action>& out);
  void settle_one(uint64_t spi, std::vector<Action>& out);
  void sweep(std::vector<Action>& out);
  [[nodiscard]] TimePoint sa_deadline(const IkeSa& sa) const;
  void forget(std::map<uint64_t, std::unique_ptr<IkeSa>>::iterator it, std::vector<Action>& out);
  // Every SA is settled again this often, as a safety net.
  static constexpr Millis kSweepEvery{10'000};

  const PolicyProvider& policy_;
  const Clock& clock_;
  Random& rng_;
  EngineOptions options_;
  ConfigShare configs_;  // before sas_: outlives the SAs that hold its values
  std::map<uint64_t, std::unique_ptr<IkeSa>> sas_;  // keyed by our own SPI
  // Responder SAs by (SPIi, initiator address): a retransmitted IKE_SA_INIT
  // finds its SA without a scan (§2.1), also under a flood.
  std::map<std::pair<uint64_t, IpAddress>, uint64_t> responders_;
  std::unordered_set<uint64_t> half_open_;  // our SPIs of responder SAs before IKE_AUTH
  AdmissionControl admission_;
  EngineStats stats_;
  crypto::CertCache certs_;
  uint32_t next_tunnel_id_ = 1;
  const TrafficSource* traffic_ = nullptr;
  std::unordered_map<uint64_t, uint64_t> waiting_;  // WorkRequest id -> our SPI
  uint64_t next_work_id_ = 1;
  const std::vector<TypedPayload>* reassembled_ = nullptr;  // see on_fragment

  using TimerEntry = std::pair<TimePoint, uint64_t>;  // (deadline, our SPI)
  std::priority_queue<TimerEntry, std::vector<TimerEntry>, std::greater<>> timers_;
  std::vector<uint64_t> dirty_;
  std::unordered_multimap<std::string, uint64_t> by_interface_;
  std::map<IpAddress, uint32_t> peers_;  // live SAs per peer address
  size_t negotiating_out_ = 0;           // our initiator SAs before IKE_AUTH completes
  TimePoint next_sweep_{};
};

}  // namespace kg::ike
