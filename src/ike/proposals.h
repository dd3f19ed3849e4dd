// IKE and ESP proposal construction and selection (RFC 7296 §2.7, §3.3).
// Pure functions: the engine turns configuration into SA payloads and picks
// the first acceptable peer proposal as responder.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "crypto/sk_cipher.h"
#include "ike/policy.h"
#include "ike/transform_ids.h"

namespace kg::ike {

// The algorithms an IKE SA runs with once negotiated: cipher and PRF as the
// crypto layer names them; the group as IKEv2 numbers it, since KE payloads
// and INVALID_KE_PAYLOAD carry it.
struct IkeSuite {
  crypto::CipherSuite cipher;
  crypto::Prf prf = crypto::Prf::kHmacSha2_256;
  DhGroup group = DhGroup::kNone;
  [[nodiscard]] std::string str() const;  // "AES-GCM-256/PRF-SHA256/ECP256"
};

// The ENCR transform for a cipher, with its Key Length attribute if it has one.
Transform encr_transform(EncrId e, uint16_t key_bits);
Transform encr_transform(crypto::Cipher c, uint16_t key_bits);

// One proposal per configured proposal, AEAD and non-AEAD split (§3.3).
SaPayload ike_sa_payload(const std::vector<IkeProposalConfig>& cfg);
// Responder: first peer proposal acceptable under `cfg`, with its number.
std::optional<std::pair<uint8_t, IkeSuite>> select_ike(const SaPayload& offered,
                                                       const std::vector<IkeProposalConfig>& cfg);
// Initiator: the single proposal in the response, checked against what we sent.
std::optional<IkeSuite> accept_ike(const SaPayload& answer, const std::vector<IkeProposalConfig>& cfg);
bool group_configured(const std::vector<IkeProposalConfig>& cfg, DhGroup g);
std::string describe(const SaPayload& sa);
std::string describe(const std::vector<IkeProposalConfig>& cfg);

// ESP: one proposal per transform set, all carrying `spi`; with `pfs` a D-H
// transform too (CREATE_CHILD_SA with KE, §1.3.1; never in IKE_AUTH).
SaPayload esp_sa_payload(const std::vector<ChildTransformConfig>& sets, uint32_t spi,
                         DhGroup pfs = DhGroup::kNone);
struct EspChoice {
  uint8_t number = 1;
  crypto::CipherSuite suite;
  uint32_t peer_spi = 0;
};
std::optional<EspChoice> select_esp(const SaPayload& offered, const std::vector<ChildTransformConfig>& sets);

// CREATE_CHILD_SA responder: the first offered proposal acceptable under
// `sets` whose D-H transforms fit. With `set pfs` (pfs != kNone) the proposal
// must list that group and the peer's KE must use it; without, we follow the
// peer: no D-H (absent or NONE) or the group of its KE if offered and
// supported (IOS accepts a peer's PFS). `want_group` is set when only the
// KE's group is wrong: answer INVALID_KE_PAYLOAD with it (§1.3, §2.7).
struct EspPfsChoice {
  std::optional<EspChoice> esp;
  DhGroup group = DhGroup::kNone;       // D-H for this CHILD_SA, kNone: no PFS
  DhGroup want_group = DhGroup::kNone;  // for INVALID_KE_PAYLOAD
};
EspPfsChoice select_esp_pfs(const SaPayload& offered, const std::vector<ChildTransformConfig>& sets,
                            DhGroup pfs, DhGroup peer_ke);
// The D-H group of the single proposal in a CREATE_CHILD_SA answer (kNone if absent).
DhGroup dh_group_of(const SaPayload& answer);
std::string describe(const std::vector<ChildTransformConfig>& sets);

const char* encr_name(EncrId e);
const char* integ_name(IntegId i);
const char* prf_name(PrfId p);
const char* group_name(DhGroup g);
const char* encr_name(crypto::Cipher c);
const char* integ_name(crypto::Mac m);
const char* prf_name(crypto::Prf p);

}  // namespace kg::ike
