// HMAC (RFC 2104) for the ESP integrity algorithms (RFC 2404, RFC 4868),
// with the keyed inner and outer digest states computed once per SA and
// copied for every packet. OpenSSL 3.0's EVP_MAC re-initialisation copies
// its digest context onto the heap twice per message (EVP_MD_CTX_copy_ex in
// HMAC_Init_ex and HMAC_Final); the low-level digest states are plain
// structs, so this copy is a memcpy and a packet costs no allocation.
#pragma once
#include <cstdint>
#include <memory>
#include <span>

#include "common/bytes.h"
#include "crypto/algorithm_ids.h"

namespace kg::esp {

class EspHmac {
 public:
  // nullptr for an integrity algorithm ESP does not use.
  static std::unique_ptr<EspHmac> create(crypto::Mac integ, ByteView key);
  ~EspHmac();
  // The full (untruncated) HMAC of the concatenation of `parts`; returns
  // its length (at most 64).
  size_t compute(std::span<const ByteView> parts, std::span<uint8_t, 64> out);

 private:
  struct State;
  EspHmac();
  std::unique_ptr<State> st_;
};

}  // namespace kg::esp
