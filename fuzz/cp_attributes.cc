// Fuzz target: configuration payload attributes (RFC 7296 §3.15.1). The
// input is a CP payload body; whatever decodes must encode and decode again
// to the same values.
#include <cstdint>
#include <cstdlib>

#include "wire/ike/cp_attributes.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kg::ike;
  // A generic payload header in front of the body, so the payload codec parses it.
  kg::Bytes msg{0, 0, uint8_t((size + 4) >> 8), uint8_t(size + 4)};
  if (size + 4 > 0xffff) return 0;
  msg.insert(msg.end(), data, data + size);
  auto chain = parse_payload_chain(PayloadType::kCp, msg);
  if (!chain || chain->size() != 1) return 0;
  auto* cp = std::get_if<CpPayload>(&chain->front().body);
  if (!cp) return 0;
  auto attrs = decode_config(*cp);
  if (!attrs) return 0;
  auto type = cp->cfg_type == CfgType::kRequest ? CfgType::kRequest : CfgType::kReply;
  auto again = decode_config(encode_config(type, *attrs));
  if (!again) std::abort();
  // Request flags only survive in a request; values always do.
  if (again->ip4 != attrs->ip4 || again->ip6 != attrs->ip6 || again->dns != attrs->dns ||
      again->subnets != attrs->subnets || again->domain != attrs->domain)
    std::abort();
  return 0;
}
