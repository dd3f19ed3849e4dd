// One IKE SA: negotiated algorithms, keys, message-ID windows and the
// exchange in flight. Tasks read and fill it; only the driver (engine_impl.cc)
// changes `state` and the message-ID counters.
#pragma once
#include <array>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "crypto/dh.h"
#include "crypto/prf.h"
#include "crypto/sk_cipher.h"
#include "ike/auth_state.h"
#include "ike/config_share.h"
#include "ike/engine.h"
#include "ike/proposals.h"
#include "ike/reassembly.h"

namespace kg::crypto {
class CertCache;
}

namespace kg::ike {

class Task;

enum class SaState { kConnecting, kEstablished, kDeleting, kDead };

// "No deadline" for the per-SA timers below.
inline constexpr TimePoint kNever = TimePoint::max();

// A CHILD_SA's place in its rekey/delete life (RFC 7296 §2.8, §2.25.1).
enum class ChildState {
  kInstalled,  // in use
  kRekeying,   // our CREATE_CHILD_SA with REKEY_SA for it is queued or in flight
  kRekeyed,    // replaced; waiting for the Delete that removes it
  kDeleting,   // our Delete for it is queued or in flight
};

// The peer's rekey of a child while ours was in flight (§2.8.1): the SA it
// created and that exchange's nonces, compared when ours completes.
struct PeerRekey {
  uint32_t new_spi_in = 0;
  Bytes ni, nr;
};

struct ChildSa {
  ChildSaParams sa;  // what the data path got, without the keys (only the data path keeps them)
  ChildState state = ChildState::kInstalled;
  TimePoint installed{};
  TimePoint rekey_at = kNever, expire_at = kNever;  // soft and hard lifetime
  uint32_t rekeys = 0;                              // predecessors (show)
  std::optional<PeerRekey> peer_rekey;
};

// What a task may touch besides its SA: policy, randomness and the action list.
struct TaskEnv {
  const PolicyProvider& policy;
  const Clock& clock;
  Random& rng;
  std::vector<Action>& actions;
  ConfigShare& configs;  // where an SA gets its profile and CHILD_SA configuration
  EngineStats* stats = nullptr;
  crypto::CertCache* certs = nullptr;  // the engine's parsed peer certificates (crypto/cert_cache.h)
  bool dh_off_loop = false;            // EngineOptions::dh_off_loop: the responder's DH waits as DhWork
  // Set by a task that must wait for slow work (TaskStatus::kPending).
  std::optional<Work> wait;
};

// Responder: the request being answered while a task waits for slow work,
// or an exchange that spans several requests (IKE_AUTH with EAP, §2.16).
struct Responding {
  Header request;                  // the request being answered now
  std::vector<TypedPayload> in;    // its payloads
  std::vector<TypedPayload> first; // the exchange's first request, once a later one came
  std::vector<std::unique_ptr<Task>> tasks;
  size_t at = 0;     // the next task to process (or the one that waits)
  size_t built = 0;  // tasks before it have built their part of a response
  bool busy = false; // answer TEMPORARY_FAILURE too
};

// Initiator: the request being built while a task waits for slow work.
struct Building {
  ExchangeType exchange = ExchangeType::kInformational;
  std::vector<std::unique_ptr<Task>> tasks;
  std::vector<TypedPayload> payloads;  // built so far
  size_t from = 0, at = 0, end = 0;    // tasks [from, end) build it; `at` is next
};

// A WorkRequest out to the daemon.
struct Waiting {
  uint64_t id = 0;
  TimePoint since{}, deadline{};
  const char* what = "";  // work_name()
  bool building = false;  // the initiator's request (Building), else the answer (Responding)
};

struct IkeSa {
  uint32_t tunnel_id = 0;       // in the order SAs were created
  uint32_t created_before = 0;  // IKE_AUTH done: the SAs with a lower tunnel_id existed then
  bool initiator = false;
  uint64_t probe = 0;  // Engine::probe's id: an IKE_SA_INIT that goes no further
  SaState state = SaState::kConnecting;
  uint64_t spi_i = 0, spi_r = 0;
  Endpoint local, remote;
  Endpoint remote_init;  // where the peer's IKE_SA_INIT came from (responder index key)
  TimePoint created{};

  // Negotiation.
  // Shared with the other SAs that got the same configuration (config_share.h).
  SharedProposals ike_cfg;
  std::shared_ptr<const ProfileConfig> profile;
  std::shared_ptr<const ChildConfig> child_cfg;
  Identity remote_id;
  IkeSuite suite;
  DhGroup ke_group = DhGroup::kNone;  // group of our KE payload
  std::unique_ptr<crypto::KeyExchange> dh;
  Bytes ni, nr;
  Bytes init_request, init_response;  // RealMessage1/2 for AUTH (§2.15)
  Bytes cookie;                       // §2.6, echoed on retry
  bool nat_local = false, nat_remote = false;
  AuthState auth;  // certificate/signature authentication (auth_state.h)

  // Keys.
  crypto::IkeKeys keys;
  std::unique_ptr<crypto::SkCipher> out, in;
  [[nodiscard]] bool keyed() const { return out && in; }

  // Message IDs (§2.2): our requests and the peer's requests count separately.
  uint32_t next_request_id = 0;   // ID of the next request we send
  uint32_t next_peer_request = 0; // ID we expect on the peer's next request
  std::vector<Bytes> last_response;  // resent when the peer retransmits (§2.1); fragments: all
  std::optional<uint32_t> last_response_id;

  // Our request in flight.
  std::vector<std::unique_ptr<Task>> active;       // tasks of the exchange in flight
  // A list, not a deque: an empty std::deque allocates ~600 bytes, per SA.
  std::list<std::vector<std::unique_ptr<Task>>> queued;
  ExchangeType active_exchange = ExchangeType::kIkeSaInit;
  std::vector<Bytes> outstanding;  // the request's datagram(s): several when fragmented
  std::optional<uint32_t> outstanding_id;
  int tries = 0;
  Millis backoff{500};
  TimePoint retransmit_at{};
  size_t active_from = 0;  // the task the next response is processed from (kContinue)
  // Slow work in progress (task.h kPending) and what waits for it.
  std::optional<Waiting> waiting;
  // Time spent in waits so far: a responder's half-open limit does not count
  // it (the peer did nothing wrong while RADIUS failed over).
  Millis waited{0};
  std::unique_ptr<Responding> responding;  // also between the rounds of a continued exchange
  std::unique_ptr<Building> building;

  // Configuration exchange (tasks/ike_config.cc, RFC 7296 §2.19). An IKE
  // rekey must move `config` (and its lease) to the new IKE SA.
  SessionConfig config;

  // IKE fragmentation (RFC 7383, ike/fragment.h): both sides announced it in
  // IKE_SA_INIT (inherited by a rekeyed IKE SA); the peer's requests and
  // responses being reassembled.
  struct Fragmentation {
    bool enabled = false;
    // The set for the peer's requests (false) or responses (true), made with
    // a first fragment: an SA that is not reassembling holds none (~150 B).
    Reassembly& set(bool response) {
      if (!sets) sets = std::make_unique<std::array<Reassembly, 2>>();
      return (*sets)[response ? 1 : 0];
    }
    // Frees the sets once neither holds fragments.
    void release_idle() {
      if (sets && !(*sets)[0].active() && !(*sets)[1].active()) sets.reset();
    }
    std::unique_ptr<std::array<Reassembly, 2>> sets;
  } frag;
  bool config_blocks_child = false;  // no address assigned: INTERNAL_ADDRESS_FAILURE

  std::vector<ChildSa> children;
  const std::string& interface() const {
    static const std::string kNone;
    return child_cfg ? child_cfg->interface : kNone;
  }
  ChildSa* child(uint32_t spi_in) {
    for (auto& c : children)
      if (c.sa.spi_in == spi_in) return &c;
    return nullptr;
  }

  // Lifetime and liveness (lifetime.h): every timer is one deadline of this
  // SA, so "this SA's next deadline" (next_deadline()) covers them all.
  TimePoint rekey_at = kNever, expire_at = kNever;  // IKE SA soft/hard lifetime
  TimePoint dpd_at = kNever;                        // next liveness check
  TimePoint reap_at = kNever;                       // replaced or redundant: forgotten by then
  uint64_t stale_of = 0;  // reap_at set by INITIAL_CONTACT (delete_stale): our SPI of the SA that carried it
  TimePoint last_heard{};                           // last authenticated message from the peer
  uint32_t rekeys = 0;                              // predecessors (show)
  bool session_up = false;                          // SessionEvent up sent, down owed
  bool send_initial_contact = false;                // §2.4, in our IKE_AUTH request
  bool peer_initial_contact = false;                // the peer sent it
  // IKE SA rekey (§2.18): the SA our or the peer's rekey created, handed to
  // the driver, and our SPI of the SA a colliding peer rekey created (§2.8.1).
  std::unique_ptr<IkeSa> successor;
  uint64_t collision_spi = 0;

  // The driver's bookkeeping of this SA (engine_timers.cc): where it sits in
  // the timer heap and the indexes, as of the last settle().
  struct Indexed {
    TimePoint deadline = kNever;   // its entry in the timer heap
    std::string interface;         // its key in the interface index ("": none)
    std::optional<IpAddress> peer; // counted in the peer index
    bool negotiating = false;      // counted as an outgoing SA in negotiation
    bool dirty = false;            // waiting in the settle list
  } indexed;

  // Once authenticated (IKE_AUTH done, either role): drops what only the
  // handshake needed, so an established SA holds no more than it uses: the
  // IKE_SA_INIT messages and nonces (AUTH payloads, §2.15), our Diffie-Hellman
  // private key, the cookie, SK_ei/er/ai/ar (the SkCiphers hold their own
  // copies) and SK_pi/pr, and the peer's certificate, CERTREQs and hash
  // algorithms. SK_d stays: CHILD_SA keys and the IKE SA rekey derive from it.
  void forget_handshake();
  // SK_ei/er/ai/ar as the SkCiphers were keyed, kept past forget_handshake
  // only for keygated's consent-token debug-keys (Engine::sa_keys), which
  // shows them while a second party allows it. The SkCiphers' OpenSSL
  // contexts hold the same keys for the SA's life, so this adds no lifetime.
  void keep_sk_keys();
  crypto::IkeKeys sk_kept;  // only sk_ei, sk_er, sk_ai, sk_ar are set

  IkeSa();
  ~IkeSa();
  IkeSa(const IkeSa&) = delete;
  IkeSa& operator=(const IkeSa&) = delete;
};

}  // namespace kg::ike
