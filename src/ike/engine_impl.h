// The exchange driver (task manager) behind Engine: SA lookup, message IDs
// (RFC 7296 §2.2), retransmission (§2.1), response caching and the state
// changes of each IKE SA. Tasks (task.h) do the payload work.
#pragma once
#include <map>
#include <unordered_set>
#include <utility>

#include "ike/admission.h"
#include "ike/engine.h"
#include "ike/task.h"

namespace kg::ike {

class EngineImpl final : public Engine {
 public:
  EngineImpl(const PolicyProvider& policy, const Clock& clock, Random& rng)
      : policy_(policy), clock_(clock), rng_(rng), admission_(clock, rng) {}

  std::vector<Action> on_packet(const Endpoint& local, const Endpoint& remote, ByteView data) override;
  std::vector<Action> on_timer() override;
  [[nodiscard]] std::optional<TimePoint> next_deadline() const override;
  std::vector<Action> initiate(const InitiateRequest& req) override;
  std::vector<Action> delete_sessions(const std::string& interface) override;
  [[nodiscard]] std::vector<IkeSaInfo> sas() const override;
  [[nodiscard]] const EngineStats& stats() const override { return stats_; }
  void clear_stats() override { stats_ = {}; }

  static constexpr int kMaxTries = 5;
  static constexpr Millis kFirstRetransmit{500};
  static constexpr Millis kHalfOpenTimeout{30'000};

 private:
  IkeSa* lookup(const Message& m, const Endpoint& local, const Endpoint& remote, std::vector<Action>& out);
  bool admit(const Message& m, const Endpoint& local, const Endpoint& remote, std::vector<Action>& out);
  IkeSa* new_responder(const Header& h, const Endpoint& local, const Endpoint& remote);
  void prune_half_open();
  void handle_request(IkeSa& sa, const Message& m, ByteView raw, const Endpoint& local,
                      const Endpoint& remote, std::vector<Action>& out);
  void handle_response(IkeSa& sa, const Message& m, ByteView raw, std::vector<Action>& out);
  void finish_exchange(IkeSa& sa, ExchangeType ex, std::vector<Action>& out);
  void start_next(IkeSa& sa, std::vector<Action>& out);
  void start(IkeSa& sa, ExchangeType ex, TaskList tasks, std::vector<Action>& out);
  void fail_sa(IkeSa& sa, std::vector<Action>& out, bool notify_peer);
  void send(IkeSa& sa, Bytes data, std::vector<Action>& out);
  void reap(std::vector<Action>& out);
  TaskEnv env(std::vector<Action>& out) { return TaskEnv{policy_, clock_, rng_, out}; }

  const PolicyProvider& policy_;
  const Clock& clock_;
  Random& rng_;
  std::map<uint64_t, std::unique_ptr<IkeSa>> sas_;  // keyed by our own SPI
  // Responder SAs by (SPIi, initiator address): a retransmitted IKE_SA_INIT
  // finds its SA without a scan (§2.1), also under a flood.
  std::map<std::pair<uint64_t, IpAddress>, uint64_t> responders_;
  std::unordered_set<uint64_t> half_open_;  // our SPIs of responder SAs before IKE_AUTH
  AdmissionControl admission_;
  EngineStats stats_;
  uint32_t next_tunnel_id_ = 1;
};

}  // namespace kg::ike
