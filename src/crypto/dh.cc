// IKEv2 key exchange over EVP_PKEY (RFC 7296 §2.14 g^ir). Three families:
//  - X25519 (group 31, RFC 8031): raw 32-byte public values.
//  - ECP (19/20/21, RFC 5903 §7): KE data x|y without the 0x04 prefix; the
//    shared secret is the x coordinate only.
//  - MODP (2/5/14/15/16): public value and g^ir left-padded to the prime size.
#include "crypto/dh.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

#include <cstring>

#include "crypto/ossl.h"

namespace kg::crypto {

namespace {

using detail::Bn;
using detail::Pkey;
using detail::PkeyCtx;

enum class Family { kNone, kX25519, kEcp, kModp };

struct GroupInfo {
  Family family;
  const char* name;  // OpenSSL curve or FFDHE/MODP group name; null for group 2
  size_t size;       // KE payload data length
};

GroupInfo info(Group g) {
  switch (g) {
    case Group::kCurve25519: return {Family::kX25519, "X25519", 32};
    case Group::kEcp256: return {Family::kEcp, "P-256", 64};
    case Group::kEcp384: return {Family::kEcp, "P-384", 96};
    case Group::kEcp521: return {Family::kEcp, "P-521", 132};
    case Group::kModp1024: return {Family::kModp, nullptr, 128};
    case Group::kModp1536: return {Family::kModp, "modp_1536", 192};
    case Group::kModp2048: return {Family::kModp, "modp_2048", 256};
    case Group::kModp3072: return {Family::kModp, "modp_3072", 384};
    case Group::kModp4096: return {Family::kModp, "modp_4096", 512};
    case Group::kNone: break;
  }
  return {Family::kNone, nullptr, 0};
}

std::unexpected<Error> ossl_fail(const char* what) { return fail(Errc::kCrypto, what); }

// Builds an EVP_PKEY from an OSSL_PARAM_BLD; `selection` says what it holds.
Result<Pkey> from_params(const char* type, OSSL_PARAM_BLD* bld, int selection) {
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  const bool ok = params && ctx && EVP_PKEY_fromdata_init(ctx.get()) == 1 &&
                  EVP_PKEY_fromdata(ctx.get(), &raw, selection, params) == 1;
  OSSL_PARAM_free(params);
  if (!ok) return fail(Errc::kInvalidSyntax, "key import rejected");
  return Pkey(raw);
}

// Domain parameters (and optionally keys) for a MODP group. Group 2 has no
// OpenSSL name, so its RFC 2409 §6.2 prime is given explicitly (generator 2).
void push_modp_domain(OSSL_PARAM_BLD* bld, const GroupInfo& gi, const BIGNUM* p, const BIGNUM* g) {
  if (gi.name) {
    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, gi.name, 0);
  } else {
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, p);
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, g);
  }
}

Result<Bytes> derive(EVP_PKEY* own, EVP_PKEY* peer) {
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, own, nullptr));
  size_t n = 0;
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer(ctx.get(), peer) != 1 ||
      EVP_PKEY_derive(ctx.get(), nullptr, &n) != 1)
    return fail(Errc::kInvalidSyntax, "peer public value rejected");
  Bytes out(n);
  if (EVP_PKEY_derive(ctx.get(), out.data(), &n) != 1) return fail(Errc::kInvalidSyntax, "key derivation failed");
  out.resize(n);
  return out;
}

Bytes left_pad(Bytes v, size_t size) {
  if (v.size() < size) v.insert(v.begin(), size - v.size(), 0);
  return v;
}

class PkeyExchange final : public KeyExchange {
 public:
  PkeyExchange(Group g, Pkey key) : group_(g), info_(info(g)), key_(std::move(key)) {}
  Group group() const override { return group_; }
  Bytes public_value() const override;
  Result<Secret> shared_secret(ByteView peer) override;

 private:
  Result<Pkey> import_peer(ByteView peer) const;
  Group group_;
  GroupInfo info_;
  Pkey key_;
};

Bytes PkeyExchange::public_value() const {
  if (info_.family == Family::kX25519) {
    Bytes out(32);
    size_t n = out.size();
    if (EVP_PKEY_get_raw_public_key(key_.get(), out.data(), &n) != 1 || n != 32) return {};
    return out;
  }
  if (info_.family == Family::kEcp) {
    Bytes enc(info_.size + 1);
    size_t n = 0;
    if (EVP_PKEY_get_octet_string_param(key_.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, enc.data(),
                                        enc.size(), &n) != 1 || n != enc.size() || enc[0] != 0x04)
      return {};
    return Bytes(enc.begin() + 1, enc.end());  // drop the uncompressed-point marker
  }
  BIGNUM* y = nullptr;
  if (EVP_PKEY_get_bn_param(key_.get(), OSSL_PKEY_PARAM_PUB_KEY, &y) != 1) return {};
  Bytes out(info_.size);
  const int ok = BN_bn2binpad(y, out.data(), static_cast<int>(out.size()));
  BN_free(y);
  return ok < 0 ? Bytes{} : out;
}

Result<Pkey> PkeyExchange::import_peer(ByteView peer) const {
  if (peer.size() != info_.size) return fail(Errc::kInvalidSyntax, "KE data has the wrong length");
  if (info_.family == Family::kX25519) {
    // A fromdata context kept per thread: EVP_PKEY_new_raw_public_key
    // fetches the key manager by name on every call.
    thread_local PkeyCtx ctx = [] {
      PkeyCtx c(EVP_PKEY_CTX_new_from_name(nullptr, "X25519", nullptr));
      if (c && EVP_PKEY_fromdata_init(c.get()) != 1) c.reset();
      return c;
    }();
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, const_cast<uint8_t*>(peer.data()), peer.size()),
        OSSL_PARAM_construct_end()};
    EVP_PKEY* raw = nullptr;
    if (!ctx || EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params) != 1)
      return fail(Errc::kInvalidSyntax, "X25519 public value");
    return Pkey(raw);
  }
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> bld(OSSL_PARAM_BLD_new(), OSSL_PARAM_BLD_free);
  if (!bld) return ossl_fail("OSSL_PARAM_BLD_new");
  if (info_.family == Family::kEcp) {
    Bytes enc{0x04};
    enc.insert(enc.end(), peer.begin(), peer.end());
    OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, info_.name, 0);
    OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, enc.data(), enc.size());
    auto p = from_params("EC", bld.get(), EVP_PKEY_PUBLIC_KEY);
    if (!p) return p;
    // RFC 5903 §7 / SP 800-56A: the point must be on the curve and not infinity.
    PkeyCtx chk(EVP_PKEY_CTX_new_from_pkey(nullptr, p->get(), nullptr));
    if (!chk || EVP_PKEY_public_check(chk.get()) != 1) return fail(Errc::kInvalidSyntax, "ECP point invalid");
    return p;
  }
  // MODP: 1 < y < p-1 (RFC 2631 §2.1.5 style range check), then OpenSSL's own checks on derive.
  Bn y(BN_bin2bn(peer.data(), static_cast<int>(peer.size()), nullptr));
  BIGNUM* p_raw = nullptr;
  if (!y || EVP_PKEY_get_bn_param(key_.get(), OSSL_PKEY_PARAM_FFC_P, &p_raw) != 1) return ossl_fail("DH params");
  Bn p(p_raw), pm1(BN_dup(p_raw)), g(BN_new());
  if (!pm1 || !g || BN_sub_word(pm1.get(), 1) != 1 || BN_set_word(g.get(), 2) != 1) return ossl_fail("BN");
  if (BN_cmp(y.get(), BN_value_one()) <= 0 || BN_cmp(y.get(), pm1.get()) >= 0)
    return fail(Errc::kInvalidSyntax, "MODP public value out of range");
  push_modp_domain(bld.get(), info_, p.get(), g.get());
  OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, y.get());
  return from_params("DH", bld.get(), EVP_PKEY_PUBLIC_KEY);
}

Result<Secret> PkeyExchange::shared_secret(ByteView peer) {
  auto pk = import_peer(peer);
  if (!pk) return std::unexpected(pk.error());
  auto s = derive(key_.get(), pk->get());
  if (!s) return std::unexpected(s.error());
  // ECDH output is x, already field-sized; OpenSSL strips leading zeros of
  // the DH value, which IKE keeps (RFC 7296 §2.14 uses the full-length g^ir).
  Bytes v = info_.family == Family::kModp ? left_pad(std::move(*s), info_.size) : std::move(*s);
  Secret out(v);
  OPENSSL_cleanse(v.data(), v.size());
  return out;
}

Bn modp_prime(const GroupInfo& gi) {
  if (!gi.name) return Bn(BN_get_rfc2409_prime_1024(nullptr));
  return Bn(nullptr);
}

// ECP: a keygen context per curve, kept per thread and used for every key of
// that curve (EVP_PKEY_Q_keygen fetches the key manager and sets up a new
// context for each key). Every key is still fresh.
EVP_PKEY_CTX* keygen_ctx(const GroupInfo& gi) {
  struct Slot {
    const char* name = nullptr;
    PkeyCtx ctx;
  };
  thread_local Slot cache[3];  // P-256, P-384, P-521
  for (auto& s : cache) {
    if (s.name && std::strcmp(s.name, gi.name) == 0) return s.ctx.get();
    if (s.name) continue;
    PkeyCtx c(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    if (!c || EVP_PKEY_keygen_init(c.get()) != 1 || EVP_PKEY_CTX_set_group_name(c.get(), gi.name) != 1)
      return nullptr;
    s.name = gi.name;
    s.ctx = std::move(c);
    return s.ctx.get();
  }
  return nullptr;
}

// X25519: the private key from OpenSSL's private DRBG (RAND_priv_bytes, as
// its own keygen does), drawn eight keys at a time (each draw costs a
// getpid() for OpenSSL's fork check: half the system calls per setup once
// the rest was batched); the public value is computed from it on import.
// Each key's bytes are wiped from the block as they are taken.
Result<Pkey> x25519_keygen() {
  struct Pool {
    uint8_t b[8 * 32] = {};
    size_t left = 0;
    ~Pool() { OPENSSL_cleanse(b, sizeof b); }
  };
  thread_local Pool pool;
  thread_local PkeyCtx ctx = [] {
    PkeyCtx c(EVP_PKEY_CTX_new_from_name(nullptr, "X25519", nullptr));
    if (c && EVP_PKEY_fromdata_init(c.get()) != 1) c.reset();
    return c;
  }();
  if (!ctx) return ossl_fail("X25519");
  if (pool.left < 32) {
    if (RAND_priv_bytes(pool.b, sizeof pool.b) != 1) return ossl_fail("RAND_priv_bytes");
    pool.left = sizeof pool.b;
  }
  uint8_t* priv = pool.b + (sizeof pool.b - pool.left);
  OSSL_PARAM params[] = {OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PRIV_KEY, priv, 32),
                         OSSL_PARAM_construct_end()};
  EVP_PKEY* raw = nullptr;
  const bool ok = EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_KEYPAIR, params) == 1;
  OPENSSL_cleanse(priv, 32);
  pool.left -= 32;
  if (!ok) return ossl_fail("X25519 keygen");
  return Pkey(raw);
}

Result<Pkey> keygen(const GroupInfo& gi) {
  if (gi.family == Family::kX25519) return x25519_keygen();
  if (gi.family == Family::kEcp) {
    EVP_PKEY* k = nullptr;
    EVP_PKEY_CTX* ctx = keygen_ctx(gi);
    if (!ctx || EVP_PKEY_keygen(ctx, &k) != 1) return ossl_fail("keygen");
    return Pkey(k);
  }
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> bld(OSSL_PARAM_BLD_new(), OSSL_PARAM_BLD_free);
  Bn p = modp_prime(gi), g(BN_new());
  if (!bld || !g || BN_set_word(g.get(), 2) != 1) return ossl_fail("BN");
  push_modp_domain(bld.get(), gi, p.get(), g.get());
  auto dom = from_params("DH", bld.get(), EVP_PKEY_KEY_PARAMETERS);
  if (!dom) return ossl_fail("DH domain");
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, dom->get(), nullptr));
  EVP_PKEY* k = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &k) != 1)
    return ossl_fail("DH keygen");
  return Pkey(k);
}

// Test hook: keys from a fixed private scalar/exponent. The public value is
// computed here (EC_POINT_mul / BN_mod_exp) because EVP import needs it.
Result<Pkey> import_private(const GroupInfo& gi, ByteView priv) {
  if (gi.family == Family::kX25519) {
    Pkey k(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, priv.data(), priv.size()));
    if (!k) return fail(Errc::kInvalidArgument, "X25519 private key");
    return k;
  }
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> bld(OSSL_PARAM_BLD_new(), OSSL_PARAM_BLD_free);
  std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)> bnctx(BN_CTX_new(), BN_CTX_free);
  Bn x(BN_bin2bn(priv.data(), static_cast<int>(priv.size()), nullptr));
  if (!bld || !bnctx || !x) return ossl_fail("BN");
  if (gi.family == Family::kEcp) {
    std::unique_ptr<EC_GROUP, decltype(&EC_GROUP_free)> grp(
        EC_GROUP_new_by_curve_name(EC_curve_nist2nid(gi.name)),
        EC_GROUP_free);
    if (!grp) return ossl_fail("EC group");
    std::unique_ptr<EC_POINT, decltype(&EC_POINT_free)> pt(EC_POINT_new(grp.get()), EC_POINT_free);
    Bytes enc(gi.size + 1);
    if (!pt || EC_POINT_mul(grp.get(), pt.get(), x.get(), nullptr, nullptr, bnctx.get()) != 1 ||
        EC_POINT_point2oct(grp.get(), pt.get(), POINT_CONVERSION_UNCOMPRESSED, enc.data(), enc.size(),
                           bnctx.get()) != enc.size())
      return fail(Errc::kInvalidArgument, "EC private key");
    OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, gi.name, 0);
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, x.get());
    OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, enc.data(), enc.size());
    return from_params("EC", bld.get(), EVP_PKEY_KEYPAIR);
  }
  auto dom = keygen(gi);  // only to learn p for the named groups
  if (!dom) return std::unexpected(dom.error());
  BIGNUM* p_raw = nullptr;
  if (EVP_PKEY_get_bn_param(dom->get(), OSSL_PKEY_PARAM_FFC_P, &p_raw) != 1) return ossl_fail("DH params");
  Bn p(p_raw), g(BN_new()), y(BN_new());
  if (!g || !y || BN_set_word(g.get(), 2) != 1 || BN_mod_exp(y.get(), g.get(), x.get(), p.get(), bnctx.get()) != 1)
    return ossl_fail("BN_mod_exp");
  push_modp_domain(bld.get(), gi, p.get(), g.get());
  OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, x.get());
  OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, y.get());
  return from_params("DH", bld.get(), EVP_PKEY_KEYPAIR);
}

}  // namespace

bool dh_supported(Group g) { return info(g).family != Family::kNone; }
size_t dh_public_size(Group g) { return info(g).size; }

Result<std::unique_ptr<KeyExchange>> KeyExchange::generate(Group g) {
  const GroupInfo gi = info(g);
  if (gi.family == Family::kNone) return fail(Errc::kUnsupported, "DH group");
  auto k = keygen(gi);
  if (!k) return std::unexpected(k.error());
  return std::make_unique<PkeyExchange>(g, std::move(*k));
}

DhResponse dh_respond(Group g, ByteView peer_public) {
  auto kx = KeyExchange::generate(g);
  if (!kx) return {nullptr, std::unexpected(kx.error())};
  auto shared = (*kx)->shared_secret(peer_public);
  return {std::move(*kx), std::move(shared)};
}

Result<std::unique_ptr<KeyExchange>> KeyExchange::from_private(Group g, ByteView priv) {
  const GroupInfo gi = info(g);
  if (gi.family == Family::kNone) return fail(Errc::kUnsupported, "DH group");
  auto k = import_private(gi, priv);
  if (!k) return std::unexpected(k.error());
  return std::make_unique<PkeyExchange>(g, std::move(*k));
}

}  // namespace kg::crypto
