#include "crypto/dh_util.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

namespace kg::crypto::detail {

using ike::DhGroup;

namespace {

// RFC 2409 §6.2, the 1024-bit MODP group (IKE group 2), generator 2.
constexpr const char* kModp1024Hex =
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22"
    "514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6"
    "F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381"
    "FFFFFFFFFFFFFFFF";

constexpr GroupInfo kGroups[] = {
    {DhGroup::kModp1024, Kind::kModp, nullptr, 128, 128},
    {DhGroup::kModp1536, Kind::kModp, "modp_1536", 192, 192},
    {DhGroup::kModp2048, Kind::kModp, "modp_2048", 256, 256},
    {DhGroup::kModp3072, Kind::kModp, "modp_3072", 384, 384},
    {DhGroup::kModp4096, Kind::kModp, "modp_4096", 512, 512},
    {DhGroup::kEcp256, Kind::kEcp, "P-256", 64, 32},
    {DhGroup::kEcp384, Kind::kEcp, "P-384", 96, 48},
    {DhGroup::kEcp521, Kind::kEcp, "P-521", 132, 66},
    {DhGroup::kCurve25519, Kind::kX25519, "X25519", 32, 32},
};

struct BnFree {
  void operator()(BIGNUM* b) const { BN_clear_free(b); }
};
struct BldFree {
  void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;
using BldPtr = std::unique_ptr<OSSL_PARAM_BLD, BldFree>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, ParamFree>;

// Builds a key from `bld` with EVP_PKEY_fromdata.
Result<PkeyPtr> from_params(const char* type, OSSL_PARAM_BLD* bld, int selection, Errc err) {
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, selection, params.get()) != 1)
    return fail(err, std::string(type) + " key import");
  return PkeyPtr(key);
}

struct ModpPG {
  BnPtr p, g;
};

// p and g of a MODP group (from OpenSSL's table for the named ones).
Result<ModpPG> modp_pg(const GroupInfo& gi) {
  ModpPG r{BnPtr(BN_new()), BnPtr(BN_new())};
  if (!gi.name) {
    BIGNUM* p = r.p.release();
    if (!BN_hex2bn(&p, kModp1024Hex)) return fail(Errc::kCrypto, "MODP prime");
    r.p.reset(p);
    BN_set_word(r.g.get(), 2);
    return r;
  }
  BldPtr bld(OSSL_PARAM_BLD_new());
  OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, gi.name, 0);
  auto dom = from_params("DH", bld.get(), EVP_PKEY_KEY_PARAMETERS, Errc::kCrypto);
  if (!dom) return std::unexpected(dom.error());
  BIGNUM* p = nullptr;
  BIGNUM* g = nullptr;
  if (EVP_PKEY_get_bn_param(dom->get(), OSSL_PKEY_PARAM_FFC_P, &p) != 1 ||
      EVP_PKEY_get_bn_param(dom->get(), OSSL_PKEY_PARAM_FFC_G, &g) != 1) {
    BN_free(p);
    return fail(Errc::kCrypto, "MODP group parameters");
  }
  r.p.reset(p);
  r.g.reset(g);
  return r;
}

BldPtr modp_bld(const ModpPG& pg) {
  BldPtr bld(OSSL_PARAM_BLD_new());
  OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_P, pg.p.get());
  OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_G, pg.g.get());
  return bld;
}

int curve_nid(const GroupInfo& gi) {
  switch (gi.group) {
    case DhGroup::kEcp256: return NID_X9_62_prime256v1;
    case DhGroup::kEcp384: return NID_secp384r1;
    case DhGroup::kEcp521: return NID_secp521r1;
    default: return NID_undef;
  }
}

}  // namespace

const GroupInfo* group_info(DhGroup g) {
  for (const auto& gi : kGroups)
    if (gi.group == g) return &gi;
  return nullptr;
}

Result<PkeyPtr> modp_domain(const GroupInfo& gi) {
  auto pg = modp_pg(gi);
  if (!pg) return std::unexpected(pg.error());
  return from_params("DH", modp_bld(*pg).get(), EVP_PKEY_KEY_PARAMETERS, Errc::kCrypto);
}

Result<PkeyPtr> modp_from_private(const GroupInfo& gi, ByteView priv) {
  auto pg = modp_pg(gi);
  if (!pg) return std::unexpected(pg.error());
  BnPtr x(BN_bin2bn(priv.data(), int(priv.size()), nullptr));
  BnPtr y(BN_new());
  std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)> bctx(BN_CTX_new(), BN_CTX_free);
  if (!x || BN_is_zero(x.get()) || BN_cmp(x.get(), pg->p.get()) >= 0)
    return fail(Errc::kInvalidArgument, "MODP private exponent");
  // OpenSSL 3.0 does not derive the public value on import, so compute g^x mod p.
  if (!BN_mod_exp_mont_consttime(y.get(), pg->g.get(), x.get(), pg->p.get(), bctx.get(), nullptr))
    return fail(Errc::kCrypto, "g^x mod p");
  BldPtr bld = modp_bld(*pg);
  OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, x.get());
  OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, y.get());
  return from_params("DH", bld.get(), EVP_PKEY_KEYPAIR, Errc::kInvalidArgument);
}

Result<PkeyPtr> modp_import_public(const GroupInfo& gi, ByteView pub) {
  auto pg = modp_pg(gi);
  if (!pg) return std::unexpected(pg.error());
  BnPtr y(BN_bin2bn(pub.data(), int(pub.size()), nullptr));
  BnPtr pm1(BN_dup(pg->p.get()));
  if (!y || !pm1 || !BN_sub_word(pm1.get(), 1)) return fail(Errc::kCrypto, "bignum");
  // 1 < y < p-1: 0, 1 and p-1 would force a trivial shared secret.
  if (BN_cmp(y.get(), BN_value_one()) <= 0 || BN_cmp(y.get(), pm1.get()) >= 0)
    return fail(Errc::kInvalidSyntax, "MODP public value out of range");
  BldPtr bld = modp_bld(*pg);
  OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, y.get());
  return from_params("DH", bld.get(), EVP_PKEY_PUBLIC_KEY, Errc::kInvalidSyntax);
}

Result<PkeyPtr> ecp_from_private(const GroupInfo& gi, ByteView priv) {
  std::unique_ptr<EC_GROUP, decltype(&EC_GROUP_free)> grp(EC_GROUP_new_by_curve_name(curve_nid(gi)),
                                                          EC_GROUP_free);
  if (!grp) return fail(Errc::kCrypto, "EC group");
  BnPtr d(BN_bin2bn(priv.data(), int(priv.size()), nullptr));
  if (!d || BN_is_zero(d.get()) || BN_cmp(d.get(), EC_GROUP_get0_order(grp.get())) >= 0)
    return fail(Errc::kInvalidArgument, "EC private scalar");
  // The public point is computed here because OpenSSL 3.0's import needs it.
  std::unique_ptr<EC_POINT, decltype(&EC_POINT_free)> q(EC_POINT_new(grp.get()), EC_POINT_free);
  Bytes pt(gi.public_size + 1);
  if (!q || !EC_POINT_mul(grp.get(), q.get(), d.get(), nullptr, nullptr, nullptr) ||
      EC_POINT_point2oct(grp.get(), q.get(), POINT_CONVERSION_UNCOMPRESSED, pt.data(), pt.size(),
                         nullptr) != pt.size())
    return fail(Errc::kCrypto, "EC public point");
  BldPtr bld(OSSL_PARAM_BLD_new());
  OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, gi.name, 0);
  OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get());
  OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, pt.data(), pt.size());
  return from_params("EC", bld.get(), EVP_PKEY_KEYPAIR, Errc::kInvalidArgument);
}

Result<PkeyPtr> ecp_import_public(const GroupInfo& gi, ByteView pub) {
  Bytes pt;
  pt.reserve(pub.size() + 1);
  pt.push_back(0x04);  // uncompressed point marker that RFC 5903 leaves out
  pt.insert(pt.end(), pub.begin(), pub.end());
  BldPtr bld(OSSL_PARAM_BLD_new());
  OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, gi.name, 0);
  OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, pt.data(), pt.size());
  return from_params("EC", bld.get(), EVP_PKEY_PUBLIC_KEY, Errc::kInvalidSyntax);
}

}  // namespace kg::crypto::detail
