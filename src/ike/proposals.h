// IKE and ESP proposal construction and selection (RFC 7296 §2.7, §3.3).
// Pure functions: the engine turns configuration into SA payloads and picks
// the first acceptable peer proposal as responder.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "crypto/sk_cipher.h"
#include "ike/policy.h"

namespace kg::ike {

// The algorithms an IKE SA runs with once negotiated.
struct IkeSuite {
  crypto::CipherSuite cipher;
  PrfId prf = PrfId::kHmacSha2_256;
  DhGroup group = DhGroup::kNone;
  [[nodiscard]] std::string str() const;  // "AES-GCM-256/PRF-SHA256/ECP256"
};

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

// ESP: one proposal per transform set, all carrying `spi`.
SaPayload esp_sa_payload(const std::vector<ChildTransformConfig>& sets, uint32_t spi);
struct EspChoice {
  uint8_t number = 1;
  crypto::CipherSuite suite;
  uint32_t peer_spi = 0;
};
std::optional<EspChoice> select_esp(const SaPayload& offered, const std::vector<ChildTransformConfig>& sets);
std::string describe(const std::vector<ChildTransformConfig>& sets);

const char* encr_name(EncrId e);
const char* integ_name(IntegId i);
const char* prf_name(PrfId p);
const char* group_name(DhGroup g);

}  // namespace kg::ike
