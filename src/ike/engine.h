// The IKEv2 engine: a state machine that does no I/O. The daemon feeds it
// packets, timer ticks and operator commands; it answers with Actions (send
// this datagram, install/remove this CHILD_SA, report this event). Clock and
// randomness are injected, so two engines complete handshakes in one process.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "common/bytes.h"
#include "common/clock.h"
#include "common/ip.h"
#include "common/random.h"
#include "common/secret.h"
#include "crypto/auth_sig.h"
#include "crypto/dh.h"
#include "crypto/sk_cipher.h"
#include "esp/child_sa_params.h"
#include "ike/eap.h"
#include "ike/policy.h"

namespace kg::ike {

// Send `data` (an IKE message; the caller adds the 4-byte non-ESP marker when
// the socket is UDP 4500) from `local` to `remote`.
struct SendPacket {
  Endpoint local;
  Endpoint remote;
  Bytes data;
};

// The CHILD_SA parameters and keys the engine hands to the data path are the
// data path's own types (esp/child_sa_params.h): src/esp includes nothing
// from src/ike.
using ChildSaParams = esp::ChildSaParams;
using InstallChildSa = esp::InstallChildSa;

// The peer of a CHILD_SA moved (NAT mapping change, RFC 7296 §2.23): send
// its ESP to these endpoints from now on.
struct UpdateChildSaPeer {
  uint32_t spi_in = 0;
  Endpoint local, remote;
};

struct RemoveChildSa {
  std::string interface;
  uint32_t spi_in = 0;
  uint32_t spi_out = 0;
};

// The CHILD_SA is being deleted: send on another SA of the interface if
// there is one, keep accepting its inbound packets until RemoveChildSa.
struct RetireChildSa {
  std::string interface;
  uint32_t spi_in = 0;
};

// Session up/down for `show crypto session` and %CRYPTO-5-IKEV2_SESSION_STATUS.
struct SessionEvent {
  bool up = false;
  std::string interface;
  Endpoint local, remote;
  std::string remote_id;
  uint32_t tunnel_id = 0;   // IkeSaInfo::tunnel_id of the IKE SA
  uint64_t ike_spi_i = 0;   // InstallChildSa::ike_spi_i of its CHILD_SAs
  SessionConfig config;     // configuration exchange outcome (addresses, routes)
};

// The IKE SA holding this lease (SessionConfig::lease) is gone: the daemon
// returns the address to its pool.
struct ReleaseConfig {
  uint64_t lease = 0;
};

// The peer stopped answering (DPD, or any request after all retransmissions)
// on an established IKE SA: the SA and its CHILD_SAs are gone (RemoveChildSa
// and SessionEvent{up=false} precede this action in the same list). A static
// tunnel re-initiates; a FlexVPN client moves on to its next peer.
struct PeerDead {
  std::string interface;
  std::string profile;  // the crypto ikev2 profile the SA ran with
  Endpoint local, remote;
  std::string remote_id;
};

// Slow work the engine waits for (BoringSSL's "private key operation
// pending"). A backend that answers at once (a key in memory, an in-process
// EAP method) is called inline and never shows up here; one that may block
// or wait for the network (a PKCS#11 token, a RADIUS server) is handed to
// the daemon as a WorkRequest. The daemon does the work off its event loop
// (do_work() on a worker thread, or its own non-blocking I/O) and calls
// Engine::resume(id, result); meanwhile the exchange is in progress, a
// retransmitted request is not answered, and after
// EngineOptions::pending_timeout the IKE SA fails.
//
// Our AUTH data: crypto::auth_sign(*signer, choice, octets).
struct SignWork {
  std::shared_ptr<const crypto::Signer> signer;
  crypto::AuthChoice choice;
  Bytes octets;
};
// One step of an EAP conversation: conversation->step(message).
struct EapWork {
  std::shared_ptr<EapConversation> conversation;
  Bytes message;  // the peer's EAP packet; empty: begin
};
// Authorize this peer: authorizer->authorize(query). Its decision may hold
// a lease (policy.h Authorizer).
struct AuthorizeWork {
  std::shared_ptr<Authorizer> authorizer;
  ConfigQuery query;
};
// keyring aaa: the peer's pre-shared keys, source->lookup(query).
struct PskWork {
  std::shared_ptr<PskSource> source;
  PskQuery query;
};
// Check a user's password (IKEv1 XAUTH): checker->check(user, password).
struct PasswordWork {
  std::shared_ptr<PasswordChecker> checker;
  std::string user;
  Secret password;
};
// The responder's Diffie-Hellman (IKE_SA_INIT's KE, IKEv1 Main Mode message
// 3): crypto::dh_respond(group, peer_public). Not slow I/O but the largest
// CPU cost of a setup; with EngineOptions::dh_off_loop the engine hands it to
// the daemon, whose crypto workers (one per core) compute it while the event
// loop goes on with other peers.
struct DhWork {
  crypto::Group group = crypto::Group::kNone;
  Bytes peer_public;
};
using Work = std::variant<SignWork, EapWork, AuthorizeWork, PskWork, PasswordWork, DhWork>;
struct WorkRequest {
  uint64_t id = 0;  // what resume() is called with
  Work work;
};
// The AUTH data (or why there is none), the EAP back end's answer, the
// authorizer's decision, the peer's keys, the password checker's verdict, or
// our key pair and the shared secret.
using WorkResult = std::variant<Result<Bytes>, EapStep, ConfigDecision, PeerKeys, PasswordVerdict, crypto::DhResponse>;
// Does the work, blocking: for the daemon's worker thread, and tests.
[[nodiscard]] WorkResult do_work(const Work& work);
// "signature", "EAP", "authorization", "pre-shared key", "password check",
// "key exchange" (logs).
[[nodiscard]] const char* work_name(const Work& work);

// Engine::probe's IKE_SA_INIT was answered: an IKE responder is there
// (whatever it answered: SA_INIT, COOKIE, INVALID_KE_PAYLOAD,
// NO_PROPOSAL_CHOSEN). A probe that gets no answer reports nothing.
struct PeerAnswered {
  uint64_t probe = 0;  // the id given to probe()
  Endpoint remote;
};

using Action = std::variant<SendPacket, InstallChildSa, RemoveChildSa, SessionEvent, ReleaseConfig,
                            RetireChildSa, PeerDead, UpdateChildSaPeer, WorkRequest, PeerAnswered>;

// One CHILD_SA's lifetime state, for show commands.
struct ChildSaInfo {
  uint32_t spi_in = 0, spi_out = 0;
  std::string state;            // "INSTALLED", "REKEYING", "REKEYED", "DELETING"
  uint32_t rekeys = 0;          // how many SAs this one replaced in a row
  int64_t rekey_in_s = -1;      // until the soft lifetime; -1: none
  int64_t expire_in_s = -1;     // until the hard lifetime; -1: none
  uint64_t lifetime_kb = 0;
};

// When the data path last carried packets each way on a CHILD_SA (its
// inbound SPI), for DPD. The daemon implements it over esp::Datapath.
struct ChildActivity {
  TimePoint last_in{}, last_out{};
};
class TrafficSource {
 public:
  virtual ~TrafficSource() = default;
  [[nodiscard]] virtual std::optional<ChildActivity> activity(uint32_t spi_in) const = 0;
};

// Read-only view of an IKE SA for `show crypto ikev2 sa` / `show crypto session`.
struct IkeSaInfo {
  uint32_t tunnel_id = 0;          // IOS "Tunnel-id": a small per-SA counter
  Endpoint local, remote;
  uint64_t spi_i = 0, spi_r = 0;
  bool initiator = false;
  std::string state;               // IOS words: READY, IN-NEG, DELETE
  std::string waiting_for;         // IN-NEG: "signature", "EAP", "authorization", "pre-shared key" while a WorkRequest is out
  std::string encr, prf, integ;    // "AES-GCM", keysize separately
  uint16_t key_bits = 0;
  uint16_t dh_group = 0;
  std::string local_auth, remote_auth;  // "PSK"
  std::string local_trustpoint;         // whose key signed our AUTH; empty: no signature
  std::string local_id, remote_id;
  std::string interface;
  uint32_t lifetime_s = 0;
  uint64_t age_s = 0;
  std::vector<uint32_t> child_spis_in;
  // For `show crypto ikev2 sa detailed`.
  uint32_t next_request_id = 0, next_peer_request = 0;  // message IDs (§2.2)
  size_t queued_requests = 0;
  bool nat_local = false, nat_remote = false;  // NAT detected in front of us / the peer
  bool fragmentation = false;                  // RFC 7383 negotiated (both announced it)
  // Lifetime and liveness.
  uint32_t rekeys = 0;               // IKE SA rekeys in a row (§2.18)
  int64_t expire_in_s = -1;          // until the hard lifetime; -1: none
  DpdConfig dpd;                     // as configured for this SA
  std::vector<ChildSaInfo> children;
};

// An established IKE SA's SK keys (RFC 7296 §2.14), only for keygated's
// consent-token debug-keys (show crypto ikev2 sa detailed keys, crypto export
// wireshark-keys): nothing else may ask for them.
struct IkeSaKeys {
  uint64_t spi_i = 0, spi_r = 0;
  Endpoint local, remote;
  bool initiator = false;
  crypto::CipherSuite cipher;
  Secret sk_ei, sk_er, sk_ai, sk_ar;
};

// An established IKE SA with a NAT in front of us and CHILD_SAs on it: where
// NAT keepalives go (RFC 3948 §2.3). Engine::behind_nat lists only these, so
// the once-a-second keepalive tick copies nothing of the other SAs.
struct NatKeepaliveTarget {
  uint64_t spi_i = 0;
  Endpoint local, remote;
  std::vector<uint32_t> child_spis_in;
};

struct EngineStats {
  uint64_t rx_packets = 0, rx_dropped_malformed = 0, rx_dropped_unknown_sa = 0,
           rx_dropped_auth = 0, tx_packets = 0, retransmits = 0,
           rx_dropped_replay = 0;  // message ID outside the window, or an unexpected response
  // Requests retransmitted while we waited for slow work to answer them
  // (answered once, when it is done); waits that timed out or failed.
  uint64_t rx_held_while_waiting = 0, work_timeouts = 0, work_failures = 0;
  // Admission of new IKE SAs (admission.h), for show crypto ikev2 stats.
  // Incoming requests are IKE_SA_INIT requests that passed the cookie check.
  uint64_t in_requests = 0, in_accepted = 0, in_rejected = 0;
  uint64_t out_requests = 0, out_accepted = 0, out_rejected = 0;
  uint64_t rejected_sa_limit = 0;  // max-sa or max-in-negotiation-sa reached
  // Requests that arrived while cookies were required: with a valid cookie,
  // with a wrong or expired one, without one (each of the last two answered
  // with a fresh N(COOKIE), RFC 7296 §2.6).
  uint64_t cookie_accepted = 0, cookie_rejected = 0, cookie_missing = 0;
  uint64_t child_rekeys = 0, ike_rekeys = 0, rekey_collisions = 0, dpd_probes = 0, peers_dead = 0;
  // IKE fragmentation (RFC 7383): SKF datagrams sent and received, messages
  // reassembled, fragments dropped (bad ICV, duplicate, out of range, not
  // negotiated, discarded incomplete sets).
  uint64_t frag_tx = 0, frag_rx = 0, frag_reassembled = 0, frag_dropped = 0;
};

struct EngineOptions {
  // How long an exchange waits for a WorkRequest's result before its IKE SA
  // fails (AUTHENTICATION_FAILED to a peer waiting for our IKE_AUTH answer).
  Millis pending_timeout{5'000};
  // The responder's Diffie-Hellman goes to the daemon as DhWork (its crypto
  // workers) instead of being computed inline; off on one core and in tests
  // that run the engines in one thread.
  bool dh_off_loop = false;
};

class Engine {
 public:
  static std::unique_ptr<Engine> create(const PolicyProvider& policy, const Clock& clock, Random& rng,
                                        EngineOptions options = {});
  virtual ~Engine() = default;

  // A datagram arrived on `local` from `remote` (non-ESP marker removed).
  virtual std::vector<Action> on_packet(const Endpoint& local, const Endpoint& remote, ByteView data) = 0;
  // Retransmissions, timeouts, lifetime expiry; call at or after next_deadline().
  virtual std::vector<Action> on_timer() = 0;
  // EngineOptions::pending_timeout from now on (waits already begun keep
  // theirs): the daemon makes it follow the RADIUS timing configured.
  virtual void set_pending_timeout(Millis t) = 0;
  [[nodiscard]] virtual std::optional<TimePoint> next_deadline() const = 0;
  // Start IKE_SA_INIT for a tunnel unless one is up or in negotiation.
  virtual std::vector<Action> initiate(const InitiateRequest& req) = 0;
  // Asks `remote` whether an IKE responder is there (FlexVPN peer
  // reactivate): an IKE_SA_INIT with our proposals for `local`, retransmitted
  // as any request, that goes no further. The first answer gives
  // PeerAnswered{id} and the half-open SA is dropped quietly; it is not in
  // sas() and serves no tunnel.
  virtual std::vector<Action> probe(uint64_t id, const Endpoint& local, const Endpoint& remote) = 0;
  // The data path saw an authenticated, new ESP packet of CHILD_SA spi_in
  // from `remote` and already follows it; the IKE SA (and its other
  // CHILD_SAs) follows too if it may (RFC 7296 §2.23).
  virtual std::vector<Action> peer_moved(uint32_t spi_in, const Endpoint& remote) = 0;
  // Delete the IKE SA (and its children) serving `interface`, notifying the
  // peer; empty string = all (clear crypto session).
  virtual std::vector<Action> delete_sessions(const std::string& interface) = 0;
  // Delete every IKE SA (and its children) whose AUTH one of these
  // trustpoints' keys signed, notifying the peer: the keys are gone (a
  // hardware token was removed or logged out).
  virtual std::vector<Action> delete_sessions_signed_with(const std::set<std::string>& trustpoints) = 0;
  // Delete the IKE SA (and its children) whose peer is `remote`, notifying
  // it (a RADIUS Disconnect-Request, a session timeout).
  virtual std::vector<Action> delete_sessions_to(const Endpoint& remote) = 0;
  // The data path saw a CHILD_SA (by inbound SPI) cross its soft volume or
  // sequence-number limit (rekey it) or its hard one (delete it).
  virtual std::vector<Action> on_child_limit(uint32_t spi_in, bool hard) = 0;
  // The result of WorkRequest `id`: the waiting exchange goes on. A result
  // that comes after the timeout, or for an SA that is gone, is dropped.
  virtual std::vector<Action> resume(uint64_t id, WorkResult result) = 0;
  // Where DPD learns about ESP traffic; without one only IKE messages count.
  virtual void set_traffic_source(const TrafficSource* source) = 0;

  [[nodiscard]] virtual std::vector<IkeSaInfo> sas() const = 0;
  // The keys of every established IKE SA (see IkeSaKeys: consent-token only).
  [[nodiscard]] virtual std::vector<IkeSaKeys> sa_keys() const = 0;
  [[nodiscard]] virtual std::vector<NatKeepaliveTarget> behind_nat() const = 0;
  [[nodiscard]] virtual const EngineStats& stats() const = 0;
  virtual void clear_stats() = 0;  // clear crypto ikev2 stats
};

}  // namespace kg::ike
