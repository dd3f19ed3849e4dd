// RFC 2408 §3.4-3.6 Security Association payload with its proposals and
// transforms, RFC 2407 §4.6.1 for the IPsec DOI. Each substructure starts
// with its own Next Payload / Length header; all lengths are checked and
// must be consumed exactly.
//
// §3.4 SA payload body (after the generic header):
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |              Domain of Interpretation  (DOI)                  |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                           Situation                           ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                  Proposal payloads (type 2) ...               ~
//
// §3.5 Proposal:
// ! Next Payload  !   RESERVED    !         Payload Length        !
// !  Proposal #   !  Protocol-Id  !    SPI Size   !# of Transforms!
// ~                        SPI (variable)                         ~
// ~                  Transform payloads (type 3) ...              ~
//
// §3.6 Transform:
// ! Next Payload  !   RESERVED    !         Payload Length        !
// !  Transform #  !  Transform-Id !           RESERVED2           !
// ~                        SA Attributes                          ~
//
// Proposals with the same Proposal # are one proposal ANDed over protocols
// (§4.2, e.g. AH + ESP); they are kept in wire order and the engine groups
// them.
#pragma once
#include <cstdint>
#include <vector>

#include "wire/isakmp/attributes.h"
#include "wire/isakmp/constants.h"

namespace kg::isakmp {

struct Transform {
  uint8_t number = 1;
  uint8_t id = kKeyIke;  // KEY_IKE in phase 1; ESP transform ID (EspId) in phase 2
  std::vector<Attribute> attributes;

  // The attribute's numeric value (TV or short TLV), if present.
  [[nodiscard]] std::optional<uint64_t> attr(uint16_t type) const;
  template <class E>
  [[nodiscard]] std::optional<uint64_t> attr(E type) const { return attr(uint16_t(type)); }
};

struct Proposal {
  uint8_t number = 1;
  ProtocolId protocol = ProtocolId::kIsakmp;
  Bytes spi;  // empty in phase 1, 4 bytes for ESP/AH
  std::vector<Transform> transforms;
};

struct SaPayload {
  uint32_t doi = kDoiIpsec;
  uint32_t situation = kSitIdentityOnly;
  std::vector<Proposal> proposals;
};

// Parses the SA body. Only SIT_IDENTITY_ONLY is implemented: the secrecy and
// integrity situations (RFC 2407 §4.2) add labels keygate does not use, so
// they are refused as unsupported.
[[nodiscard]] Result<SaPayload> parse_sa(ByteReader& r);
void write_sa(const SaPayload& sa, ByteWriter& w);

}  // namespace kg::isakmp
