// IKEv2 PRFs and key schedule (RFC 7296 §2.13, §2.14, §2.17, §2.18).
#include "crypto/prf.h"

#include "crypto/algorithms.h"
#include "crypto/ossl.h"

namespace kg::crypto {

namespace {

const char* prf_digest(Prf p) {
  const PrfAlgorithm* a = find_prf(p);
  return a ? a->digest : nullptr;
}

Bytes be64(uint64_t v) {
  Bytes b(8);
  for (int i = 7; i >= 0; --i, v >>= 8) b[static_cast<size_t>(i)] = static_cast<uint8_t>(v);
  return b;
}

}  // namespace

bool prf_supported(Prf p) { return prf_digest(p) != nullptr; }

size_t prf_size(Prf p) {
  const PrfAlgorithm* a = find_prf(p);
  return a ? a->size : 0;
}

Result<Secret> prf(Prf alg, ByteView key, ByteView data) {
  const char* d = prf_digest(alg);
  if (!d) return fail(Errc::kUnsupported, "PRF transform");
  return detail::hmac(d, key, {data});
}

// T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n); n is one octet, so at
// most 255 blocks can be produced (§2.13).
Result<Secret> prf_plus(Prf alg, ByteView key, ByteView seed, size_t len) {
  const char* d = prf_digest(alg);
  if (!d) return fail(Errc::kUnsupported, "PRF transform");
  auto h = detail::Hmac::create(d, key);
  if (!h) return std::unexpected(h.error());
  const size_t bs = h->size();
  if (len > bs * 255) return fail(Errc::kLimit, "prf+ output longer than 255 blocks");
  Secret out((len + bs - 1) / bs * bs);
  ByteView prev;
  for (size_t n = 1; (n - 1) * bs < len; ++n) {
    const uint8_t counter = static_cast<uint8_t>(n);
    std::span<uint8_t> block = out.mut().subspan((n - 1) * bs, bs);
    auto r = h->compute({prev, seed, ByteView(&counter, 1)}, block);
    if (!r) return std::unexpected(r.error());
    prev = block;
  }
  return out.slice(0, len);
}

Result<Secret> skeyseed(Prf alg, ByteView ni, ByteView nr, ByteView g_ir) {
  Bytes key(ni.begin(), ni.end());
  key.insert(key.end(), nr.begin(), nr.end());
  return prf(alg, key, g_ir);
}

Result<Secret> skeyseed_rekey(Prf alg, ByteView sk_d_old, ByteView g_ir, ByteView ni,
                              ByteView nr) {
  const char* d = prf_digest(alg);
  if (!d) return fail(Errc::kUnsupported, "PRF transform");
  return detail::hmac(d, sk_d_old, {g_ir, ni, nr});
}

Result<IkeKeys> derive_ike_keys(Prf alg, const IkeKeySizes& s, ByteView seed_key, ByteView ni,
                                ByteView nr, uint64_t spi_i, uint64_t spi_r) {
  Bytes seed(ni.begin(), ni.end());
  seed.insert(seed.end(), nr.begin(), nr.end());
  Bytes si = be64(spi_i), sr = be64(spi_r);
  seed.insert(seed.end(), si.begin(), si.end());
  seed.insert(seed.end(), sr.begin(), sr.end());
  const size_t total = 3 * s.prf + 2 * s.integ + 2 * s.encr;
  auto km = prf_plus(alg, seed_key, seed, total);
  if (!km) return std::unexpected(km.error());
  IkeKeys k;
  size_t off = 0;
  auto take = [&](size_t n) { Secret x = km->slice(off, n); off += n; return x; };
  k.sk_d = take(s.prf);
  k.sk_ai = take(s.integ);
  k.sk_ar = take(s.integ);
  k.sk_ei = take(s.encr);
  k.sk_er = take(s.encr);
  k.sk_pi = take(s.prf);
  k.sk_pr = take(s.prf);
  return k;
}

Result<ChildKeys> derive_child_keys(Prf alg, ByteView sk_d, size_t encr_size, size_t integ_size,
                                    ByteView g_ir_or_empty, ByteView ni, ByteView nr) {
  Bytes seed(g_ir_or_empty.begin(), g_ir_or_empty.end());
  seed.insert(seed.end(), ni.begin(), ni.end());
  seed.insert(seed.end(), nr.begin(), nr.end());
  auto km = prf_plus(alg, sk_d, seed, 2 * (encr_size + integ_size));
  if (!km) return std::unexpected(km.error());
  ChildKeys k;
  size_t off = 0;
  auto take = [&](size_t n) { Secret x = km->slice(off, n); off += n; return x; };
  k.encr_i = take(encr_size);
  k.integ_i = take(integ_size);
  k.encr_r = take(encr_size);
  k.integ_r = take(integ_size);
  return k;
}

}  // namespace kg::crypto
