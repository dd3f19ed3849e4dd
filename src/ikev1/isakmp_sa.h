// Internal to the IKEv1 engine: the state of one ISAKMP SA and of its Quick
// Mode exchanges.
#pragma once
#include <map>
#include <memory>
#include <optional>

#include "crypto/dh.h"
#include "crypto/ikev1_keys.h"
#include "ikev1/engine.h"
#include "ikev1/ezvpn_state.h"
#include "wire/isakmp/payloads.h"

namespace kg::ikev1 {

// The last message we sent in an exchange and how to repeat it: RFC 2408
// §5 leaves retransmission to the implementation; as IOS and strongSwan do,
// the side waiting for an answer resends on a timer, and either side answers
// a repeated message with its own last message again.
struct Flight {
  Bytes data;
  Endpoint local, remote;
  bool awaiting = false;  // a reply is expected: retransmit on the timer
  int sent = 0;
  TimePoint next{};
  Bytes last_rx;          // the peer message this flight answered
};

// The phase-1 states, named as show crypto isakmp sa prints them.
enum class MmState {
  kSaSent,     // I: message 1 out                (MM_NO_STATE)
  kSaChosen,   // R: message 2 out                (MM_SA_SETUP)
  kKeSent,     // I: message 3 out                (MM_SA_SETUP)
  kKeDone,     // R: message 4 out                (MM_KEY_EXCH)
  kAuthSent,   // I: message 5 out                (MM_KEY_EXCH)
  kReady,      // authenticated                   (QM_IDLE)
};

struct QuickMode {
  uint32_t mid = 0;
  size_t pair = 0;  // which of the interface's selector pairs (responder: the one holding the peer's IDs)
  bool initiator = false;
  Bytes iv;  // CBC state of this exchange
  Bytes ni, nr;
  std::unique_ptr<crypto::KeyExchange> dh;
  Secret g_qm;
  uint32_t spi_in = 0, spi_out = 0;
  crypto::CipherSuite suite;
  std::vector<TrafficSelector> local_ts, remote_ts;
  uint32_t lifetime_s = 3600;
  bool done = false;  // installed (responder: message 3 seen)
  Flight flight;
};

struct ChildInfo {
  uint32_t spi_in = 0, spi_out = 0;
  TimePoint expires{};
  TimePoint rekey_at{};  // initiator: a new Quick Mode at 90% of the lifetime
  bool rekeyed = false;
  size_t pair = 0;  // the selector pair it protects (as responder too)
};

// IKE fragments of one message being joined (fragmentation.cc).
struct Defrag {
  uint16_t id = 0;
  uint8_t last = 0;  // the number flagged last, once seen
  std::map<uint8_t, Bytes> parts;
  size_t size = 0;
};

// Dead peer detection (RFC 3706, dpd.cc): when we last heard from the peer
// and the R-U-THERE probe in flight.
struct DpdState {
  TimePoint last_heard{};  // an authenticated message from the peer
  TimePoint next{};        // look again (send, retry or give up) then
  uint32_t seq = 0;        // of our last R-U-THERE
  int sent = 0;            // R-U-THEREs of the probe in flight, 0: none
};

struct IsakmpSa {
  uint32_t conn_id = 0;
  uint64_t cky_i = 0, cky_r = 0;
  bool initiator = false;
  Endpoint local, remote;
  MmState state = MmState::kSaSent;
  TimePoint created{}, expires{};
  IsakmpPolicy policy;
  std::vector<IsakmpPolicy> offered;  // initiator: what message 1 proposed
  Bytes sa_i;                         // the initiator's SA body, as on the wire (HASH_I/HASH_R)
  isakmp::Transform chosen;           // responder: the peer's transform we accepted
  bool peer_natt = false;             // the peer sent the RFC 3947 vendor ID
  bool nat_local = false, nat_remote = false;
  std::unique_ptr<crypto::KeyExchange> dh;
  uint64_t dh_work = 0;  // responder: the DhWork for message 3 is out (its retransmissions wait for it)
  Bytes g_xi, g_xr, ni, nr;
  Secret skeyid;
  crypto::ikev1::Phase1Keys keys;
  Bytes iv;            // phase-1 CBC state: the last ciphertext block
  std::string remote_id;
  // The pre-shared key when it is not crypto isakmp key's for the peer's
  // address: an Easy VPN group's, a crypto isakmp peer's aggressive-mode
  // password.
  std::optional<Secret> psk;
  // rsa-sig (sig_auth.cc): the CA names the peer asked for (CERTREQ), the
  // trustpoint we sign with, the peer's certificate once verified.
  std::vector<Bytes> peer_certreq;
  std::shared_ptr<const crypto::Trustpoint> signer;
  std::optional<crypto::Certificate> peer_cert;
  std::string peer_trustpoint;
  // crypto isakmp fragmentation, and the peer sent the FRAGMENTATION vendor ID.
  bool peer_frag = false;
  uint16_t fragment_id = 0;  // of the last message we fragmented
  Defrag defrag;
  Flight flight;
  int tries = 6;  // initiator: sends of message 1 before the peer counts as dead (InitiateRequest::tries)
  std::map<uint32_t, QuickMode> quick;
  std::vector<ChildInfo> children;
  std::optional<ike::ChildConfig> child;  // the interface this SA serves
  bool session_up = false;
  bool aggressive = false;          // phase 1 in Aggressive Mode
  Bytes am_id_i;                    // Aggressive Mode: IDii_b of message 1 (HASH_I, SIG_I)
  isakmp::IdPayload am_peer_id;     // Aggressive Mode responder: the initiator's ID (its certificate must hold it)
  std::optional<AggressivePeer> am_peer;  // initiator: crypto isakmp peer's identity and password
  std::unique_ptr<EzvpnState> ez;   // an Easy VPN client (aggressive_mode.cc)
  DpdState dpd;
  bool peer_dpd = false;  // the peer sent the DPD vendor ID (RFC 3706 §5.1): we may probe it
  // The crypto isakmp profile this SA uses: the crypto map entry's `set
  // isakmp-profile` (initiator), the one the peer's identity matched
  // (responder); "" for none.
  std::string profile;
  uint32_t replaces = 0, replaced_by = 0;  // phase-1 rekey (phase1_rekey.cc): conn-ids
  int p1_attempts = 0;                     // rekey Main Modes started for this SA
  TimePoint p1_last_attempt{};
  uint32_t invalid_spi = 0;  // to report in an INVALID-SPI notify once ready (invalid_spi.cc)

  [[nodiscard]] bool nat() const { return nat_local || nat_remote; }
  [[nodiscard]] size_t block() const { return crypto::ikev1::cbc_block_size(policy.encr); }
};

}  // namespace kg::ikev1
