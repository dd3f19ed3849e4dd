// Encrypted ISAKMP bodies (RFC 2408 §3.1 E flag, RFC 2409 App. B): the
// payload chain, padded with zeros to the cipher block, in CBC whose IV
// carries over from one message to the next: Main Mode starts at
// hash(g^xi | g^xr); each Quick Mode or informational exchange at
// hash(last phase-1 block | M-ID).
#include "ikev1/engine_impl.h"

namespace kg::ikev1 {

namespace ck = crypto::ikev1;

Result<Bytes> EngineImpl::seal(IsakmpSa& sa, isakmp::Header h, const std::vector<isakmp::TypedPayload>& chain,
                               Bytes& iv) {
  ByteWriter w;
  isakmp::write_payload_chain(chain, w);
  Bytes plain = w.take();
  size_t block = sa.block();
  plain.resize((plain.size() + block - 1) / block * block, 0);
  auto ct = ck::cbc_encrypt(sa.policy.encr, sa.keys.enc_key.view(), iv, plain);
  if (!ct) return std::unexpected(ct.error());
  iv.assign(ct->end() - ptrdiff_t(block), ct->end());
  return isakmp::encode_encrypted(h, chain.front().type, *ct);
}

Result<Bytes> EngineImpl::open(IsakmpSa& sa, const isakmp::Message& m, const Bytes& iv, Bytes& next_iv) {
  size_t block = sa.block();
  if (m.encrypted.empty() || m.encrypted.size() % block != 0)
    return fail(Errc::kInvalidSyntax, "encrypted body is not a whole number of cipher blocks");
  auto plain = ck::cbc_decrypt(sa.policy.encr, sa.keys.enc_key.view(), iv, m.encrypted);
  if (!plain) return plain;
  next_iv.assign(m.encrypted.end() - ptrdiff_t(block), m.encrypted.end());
  return plain;
}

Result<Bytes> EngineImpl::exchange_iv(IsakmpSa& sa, uint32_t mid) {
  return ck::phase2_iv(sa.policy.hash, sa.iv, mid, sa.block());
}

}  // namespace kg::ikev1
