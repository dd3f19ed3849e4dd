// AUTH payload octets for shared-key authentication (RFC 7296 §2.15).
#include "crypto/auth.h"

#include "crypto/prf.h"

namespace kg::crypto {

Result<Bytes> signed_octets(Prf alg, ByteView real_message, ByteView peer_nonce, ByteView sk_p,
                            ByteView id_body) {
  auto mac_id = prf(alg, sk_p, id_body);
  if (!mac_id) return std::unexpected(mac_id.error());
  Bytes out(real_message.begin(), real_message.end());
  out.insert(out.end(), peer_nonce.begin(), peer_nonce.end());
  out.insert(out.end(), mac_id->view().begin(), mac_id->view().end());
  return out;
}

Result<Bytes> psk_auth(Prf alg, ByteView psk, ByteView octets) {
  // The pad is the 17 ASCII characters without a terminating NUL (§2.15).
  static constexpr std::string_view kKeyPad = "Key Pad for IKEv2";
  auto inner = prf(alg, psk, as_bytes(kKeyPad));
  if (!inner) return std::unexpected(inner.error());
  auto outer = prf(alg, inner->view(), octets);
  if (!outer) return std::unexpected(outer.error());
  return Bytes(outer->view().begin(), outer->view().end());
}

}  // namespace kg::crypto
