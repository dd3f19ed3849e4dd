// One IKE SA: negotiated algorithms, keys, message-ID windows and the
// exchange in flight. Tasks read and fill it; only the driver (engine_impl.cc)
// changes `state` and the message-ID counters.
#pragma once
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "crypto/dh.h"
#include "crypto/prf.h"
#include "crypto/sk_cipher.h"
#include "ike/engine.h"
#include "ike/proposals.h"

namespace kg::ike {

class Task;

enum class SaState { kConnecting, kEstablished, kDeleting, kDead };

struct ChildSa {
  InstallChildSa sa;  // what the data path got (keys included, never logged)
};

// What a task may touch besides its SA: policy, randomness and the action list.
struct TaskEnv {
  const PolicyProvider& policy;
  const Clock& clock;
  Random& rng;
  std::vector<Action>& actions;
};

struct IkeSa {
  uint32_t tunnel_id = 0;
  bool initiator = false;
  SaState state = SaState::kConnecting;
  uint64_t spi_i = 0, spi_r = 0;
  Endpoint local, remote;
  Endpoint remote_init;  // where the peer's IKE_SA_INIT came from (responder index key)
  TimePoint created{};

  // Negotiation.
  std::vector<IkeProposalConfig> ike_cfg;
  std::optional<ProfileConfig> profile;
  std::optional<ChildConfig> child_cfg;
  Identity remote_id;
  IkeSuite suite;
  DhGroup ke_group = DhGroup::kNone;  // group of our KE payload
  std::unique_ptr<crypto::KeyExchange> dh;
  Bytes ni, nr;
  Bytes init_request, init_response;  // RealMessage1/2 for AUTH (§2.15)
  Bytes cookie;                       // §2.6, echoed on retry
  bool nat_local = false, nat_remote = false;

  // Keys.
  crypto::IkeKeys keys;
  std::unique_ptr<crypto::SkCipher> out, in;
  [[nodiscard]] bool keyed() const { return out && in; }

  // Message IDs (§2.2): our requests and the peer's requests count separately.
  uint32_t next_request_id = 0;   // ID of the next request we send
  uint32_t next_peer_request = 0; // ID we expect on the peer's next request
  Bytes last_response;            // resent when the peer retransmits (§2.1)
  std::optional<uint32_t> last_response_id;

  // Our request in flight.
  std::vector<std::unique_ptr<Task>> active;       // tasks of the exchange in flight
  std::deque<std::vector<std::unique_ptr<Task>>> queued;
  ExchangeType active_exchange = ExchangeType::kIkeSaInit;
  Bytes outstanding;
  std::optional<uint32_t> outstanding_id;
  int tries = 0;
  Millis backoff{500};
  TimePoint retransmit_at{};

  // Configuration exchange (tasks/ike_config.cc, RFC 7296 §2.19). An IKE
  // rekey must move `config` (and its lease) to the new IKE SA.
  SessionConfig config;
  bool config_blocks_child = false;  // no address assigned: INTERNAL_ADDRESS_FAILURE

  std::vector<ChildSa> children;
  std::string interface() const { return child_cfg ? child_cfg->interface : std::string(); }

  IkeSa();
  ~IkeSa();
  IkeSa(const IkeSa&) = delete;
  IkeSa& operator=(const IkeSa&) = delete;
};

}  // namespace kg::ike
