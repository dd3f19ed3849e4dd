#include "pkcs11/token_keys.h"

#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include <openssl/crypto.h>

#include <algorithm>
#include <cstring>

#include "pkcs11/rv.h"

namespace kg::pkcs11 {
namespace {

CK_BBOOL kTrue = CK_TRUE, kFalse = CK_FALSE;

CK_ATTRIBUTE attr(CK_ATTRIBUTE_TYPE t, const void* p, size_t n) {
  return CK_ATTRIBUTE{t, const_cast<void*>(p), CK_ULONG(n)};
}

// CKA_ID: the first bytes of the label's SHA-256, so pkcs11-tool and other
// tools pair the private and public objects as they do for their own keys.
Bytes key_id(const std::string& label) {
  uint8_t md[32];
  unsigned n = 0;
  EVP_Digest(label.data(), label.size(), md, &n, EVP_sha256(), nullptr);
  return Bytes(md, md + 8);
}

Result<void> generate(Session& s, const std::string& label, CK_MECHANISM mech, std::vector<CK_ATTRIBUTE> pub_extra) {
  Bytes id = key_id(label);
  std::vector<CK_ATTRIBUTE> pub = {
      attr(CKA_TOKEN, &kTrue, sizeof kTrue), attr(CKA_PRIVATE, &kFalse, sizeof kFalse),
      attr(CKA_VERIFY, &kTrue, sizeof kTrue), attr(CKA_LABEL, label.data(), label.size()),
      attr(CKA_ID, id.data(), id.size())};
  pub.insert(pub.end(), pub_extra.begin(), pub_extra.end());
  std::vector<CK_ATTRIBUTE> priv = {
      attr(CKA_TOKEN, &kTrue, sizeof kTrue),        attr(CKA_PRIVATE, &kTrue, sizeof kTrue),
      attr(CKA_SENSITIVE, &kTrue, sizeof kTrue),    attr(CKA_EXTRACTABLE, &kFalse, sizeof kFalse),
      attr(CKA_SIGN, &kTrue, sizeof kTrue),         attr(CKA_LABEL, label.data(), label.size()),
      attr(CKA_ID, id.data(), id.size())};
  CK_OBJECT_HANDLE hpub = 0, hpriv = 0;
  CK_RV rv = s.fn()->C_GenerateKeyPair(s.handle(), &mech, pub.data(), pub.size(), priv.data(), priv.size(), &hpub, &hpriv);
  if (rv != CKR_OK) return rv_fail(rv, "C_GenerateKeyPair");
  return {};
}

Result<std::vector<CK_OBJECT_HANDLE>> find(Session& s, CK_OBJECT_CLASS cls, const std::string* label) {
  std::vector<CK_ATTRIBUTE> tmpl = {attr(CKA_CLASS, &cls, sizeof cls)};
  if (label) tmpl.push_back(attr(CKA_LABEL, label->data(), label->size()));
  CK_RV rv = s.fn()->C_FindObjectsInit(s.handle(), tmpl.data(), tmpl.size());
  if (rv != CKR_OK) return rv_fail(rv, "C_FindObjectsInit");
  std::vector<CK_OBJECT_HANDLE> out;
  CK_OBJECT_HANDLE h[16];
  CK_ULONG n = 0;
  while ((rv = s.fn()->C_FindObjects(s.handle(), h, 16, &n)) == CKR_OK && n > 0) out.insert(out.end(), h, h + n);
  (void)s.fn()->C_FindObjectsFinal(s.handle());
  if (rv != CKR_OK) return rv_fail(rv, "C_FindObjects");
  return out;
}

Result<Bytes> attribute(Session& s, CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE t) {
  CK_ATTRIBUTE a{t, nullptr, 0};
  CK_RV rv = s.fn()->C_GetAttributeValue(s.handle(), h, &a, 1);
  if (rv != CKR_OK) return rv_fail(rv, "C_GetAttributeValue");
  Bytes v(a.ulValueLen);
  a.pValue = v.data();
  rv = s.fn()->C_GetAttributeValue(s.handle(), h, &a, 1);
  if (rv != CKR_OK) return rv_fail(rv, "C_GetAttributeValue");
  return v;
}

// DER OIDs of the curves (RFC 5480 §2.1.1.1), as CKA_EC_PARAMS holds them.
const uint8_t kP256[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
const uint8_t kP384[] = {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};
// id-Ed25519 (RFC 8410 §3).
const uint8_t kEd25519[] = {0x06, 0x03, 0x2b, 0x65, 0x70};

Result<PublicKey> from_params(const char* type, OSSL_PARAM_BLD* bld) {
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  OSSL_PARAM_BLD_free(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* k = nullptr;
  bool good = params && ctx && EVP_PKEY_fromdata_init(ctx) == 1 &&
              EVP_PKEY_fromdata(ctx, &k, EVP_PKEY_PUBLIC_KEY, params) == 1;
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  if (!good) return fail(Errc::kCrypto, "cannot build the public key read from the token");
  return PublicKey(k);
}

}  // namespace

Result<void> generate_rsa(Session& s, const std::string& label, int bits) {
  CK_ULONG mod = CK_ULONG(bits);
  static const uint8_t kExp[] = {0x01, 0x00, 0x01};
  return generate(s, label, CK_MECHANISM{CKM_RSA_PKCS_KEY_PAIR_GEN, nullptr, 0},
                  {attr(CKA_MODULUS_BITS, &mod, sizeof mod), attr(CKA_PUBLIC_EXPONENT, kExp, sizeof kExp)});
}

Result<void> generate_ec(Session& s, const std::string& label, int bits) {
  if (bits != 256 && bits != 384) return fail(Errc::kInvalidArgument, "EC keys are 256 or 384 bits");
  const uint8_t* oid = bits == 256 ? kP256 : kP384;
  size_t n = bits == 256 ? sizeof kP256 : sizeof kP384;
  return generate(s, label, CK_MECHANISM{CKM_EC_KEY_PAIR_GEN, nullptr, 0}, {attr(CKA_EC_PARAMS, oid, n)});
}

Result<void> generate_ed25519(Session& s, const std::string& label) {
  return generate(s, label, CK_MECHANISM{CKM_EC_EDWARDS_KEY_PAIR_GEN, nullptr, 0},
                  {attr(CKA_EC_PARAMS, kEd25519, sizeof kEd25519)});
}

Result<Bytes> read_ed25519_public(Session& s, const std::string& label) {
  auto hs = find(s, CKO_PUBLIC_KEY, &label);
  if (!hs) return std::unexpected(hs.error());
  if (hs->empty()) return fail(Errc::kNotFound, "no public key labelled " + label + " on the token");
  auto type = attribute(s, hs->front(), CKA_KEY_TYPE);
  CK_KEY_TYPE kt = 0;
  if (type && type->size() == sizeof kt) std::memcpy(&kt, type->data(), sizeof kt);
  if (kt != CKK_EC_EDWARDS) return fail(Errc::kUnsupported, "key " + label + " is not an Ed25519 key");
  auto point = attribute(s, hs->front(), CKA_EC_POINT);
  if (!point) return fail(Errc::kIo, "key " + label + ": cannot read its public point");
  // SoftHSM wraps the 32 bytes in a DER OCTET STRING (04 20 ...); some
  // tokens give them bare.
  ByteView pt(*point);
  if (pt.size() == 34 && pt[0] == 0x04 && pt[1] == 0x20) pt = pt.subspan(2);
  if (pt.size() != 32) return fail(Errc::kUnsupported, "key " + label + ": not an Ed25519 public point");
  return Bytes(pt.begin(), pt.end());
}

Result<Bytes> sign_ed25519(Session& s, const std::string& label, ByteView message) {
  auto key = find_private_key(s, label);
  if (!key) return std::unexpected(key.error());
  if (*key == CK_INVALID_HANDLE) return fail(Errc::kNotFound, "no private key labelled " + label + " on the token");
  CK_MECHANISM mech{CKM_EDDSA, nullptr, 0};
  CK_RV rv = s.fn()->C_SignInit(s.handle(), &mech, *key);
  if (rv != CKR_OK) return rv_fail(rv, "token key " + label + ": C_SignInit(CKM_EDDSA)");
  Bytes sig(64);
  CK_ULONG n = sig.size();
  rv = s.fn()->C_Sign(s.handle(), const_cast<CK_BYTE_PTR>(message.data()), message.size(), sig.data(), &n);
  if (rv != CKR_OK) return rv_fail(rv, "token key " + label + ": C_Sign");
  if (n != 64) return fail(Errc::kCrypto, "token key " + label + ": signature of " + std::to_string(n) + " bytes, not 64");
  return sig;
}

namespace {

// A BIGNUM parameter of a key, big-endian, `pad` bytes long when given.
Bytes bn_param(const EVP_PKEY* k, const char* name, int pad = 0) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(k, name, &bn) != 1) return {};
  Bytes out(size_t(std::max(pad, BN_num_bytes(bn))));
  BN_bn2binpad(bn, out.data(), int(out.size()));
  BN_clear_free(bn);
  return out;
}

struct Wipe {
  std::vector<Bytes*> parts;
  ~Wipe() {
    for (auto* b : parts) OPENSSL_cleanse(b->data(), b->size());
  }
};

Result<void> create(Session& s, std::vector<CK_ATTRIBUTE>& tmpl, CK_OBJECT_HANDLE& h, const char* what) {
  CK_RV rv = s.fn()->C_CreateObject(s.handle(), tmpl.data(), tmpl.size(), &h);
  if (rv != CKR_OK) return rv_fail(rv, std::string("C_CreateObject(") + what + ")");
  return {};
}

}  // namespace

Result<void> import_key(Session& s, const std::string& label, ByteView pkcs8, bool extractable) {
  const unsigned char* p = pkcs8.data();
  std::unique_ptr<EVP_PKEY, EvpPkeyFree> k(d2i_AutoPrivateKey(nullptr, &p, long(pkcs8.size())));
  if (!k) return fail(Errc::kInvalidArgument, "key " + label + ": not a PKCS#8 private key");
  if (auto h = find_private_key(s, label); !h || *h != CK_INVALID_HANDLE)
    return fail(Errc::kState, "the token already holds a key labelled " + label);
  Bytes id = key_id(label);
  CK_OBJECT_CLASS priv_class = CKO_PRIVATE_KEY, pub_class = CKO_PUBLIC_KEY;
  CK_BBOOL ext = extractable ? CK_TRUE : CK_FALSE;
  CK_KEY_TYPE kt = CKK_RSA;
  std::vector<CK_ATTRIBUTE> priv = {
      attr(CKA_CLASS, &priv_class, sizeof priv_class), attr(CKA_KEY_TYPE, &kt, sizeof kt),
      attr(CKA_TOKEN, &kTrue, sizeof kTrue),           attr(CKA_PRIVATE, &kTrue, sizeof kTrue),
      attr(CKA_SENSITIVE, &kTrue, sizeof kTrue),       attr(CKA_EXTRACTABLE, &ext, sizeof ext),
      attr(CKA_SIGN, &kTrue, sizeof kTrue),            attr(CKA_LABEL, label.data(), label.size()),
      attr(CKA_ID, id.data(), id.size())};
  std::vector<CK_ATTRIBUTE> pub = {
      attr(CKA_CLASS, &pub_class, sizeof pub_class), attr(CKA_KEY_TYPE, &kt, sizeof kt),
      attr(CKA_TOKEN, &kTrue, sizeof kTrue),         attr(CKA_PRIVATE, &kFalse, sizeof kFalse),
      attr(CKA_VERIFY, &kTrue, sizeof kTrue),        attr(CKA_LABEL, label.data(), label.size()),
      attr(CKA_ID, id.data(), id.size())};
  Bytes n, e, d, p1, q1, dp, dq, qi, value, point, params;
  Wipe wipe{{&d, &p1, &q1, &dp, &dq, &qi, &value}};
  if (EVP_PKEY_is_a(k.get(), "RSA")) {
    kt = CKK_RSA;
    n = bn_param(k.get(), OSSL_PKEY_PARAM_RSA_N);
    e = bn_param(k.get(), OSSL_PKEY_PARAM_RSA_E);
    d = bn_param(k.get(), OSSL_PKEY_PARAM_RSA_D);
    p1 = bn_param(k.get(), OSSL_PKEY_PARAM_RSA_FACTOR1);
    q1 = bn_param(k.get(), OSSL_PKEY_PARAM_RSA_FACTOR2);
    dp = bn_param(k.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1);
    dq = bn_param(k.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2);
    qi = bn_param(k.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1);
    if (n.empty() || e.empty() || d.empty()) return fail(Errc::kCrypto, "key " + label + ": cannot read the RSA key");
    priv.insert(priv.end(), {attr(CKA_MODULUS, n.data(), n.size()), attr(CKA_PUBLIC_EXPONENT, e.data(), e.size()),
                             attr(CKA_PRIVATE_EXPONENT, d.data(), d.size())});
    if (!p1.empty() && !q1.empty() && !dp.empty() && !dq.empty() && !qi.empty())
      priv.insert(priv.end(), {attr(CKA_PRIME_1, p1.data(), p1.size()), attr(CKA_PRIME_2, q1.data(), q1.size()),
                               attr(CKA_EXPONENT_1, dp.data(), dp.size()), attr(CKA_EXPONENT_2, dq.data(), dq.size()),
                               attr(CKA_COEFFICIENT, qi.data(), qi.size())});
    pub.insert(pub.end(), {attr(CKA_MODULUS, n.data(), n.size()), attr(CKA_PUBLIC_EXPONENT, e.data(), e.size())});
  } else if (EVP_PKEY_is_a(k.get(), "EC")) {
    kt = CKK_EC;
    char group[64] = {};
    size_t glen = 0;
    EVP_PKEY_get_utf8_string_param(k.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &glen);
    std::string g(group, glen);
    int size = 0;
    if (g == "prime256v1" || g == "P-256") { params.assign(kP256, kP256 + sizeof kP256); size = 32; }
    if (g == "secp384r1" || g == "P-384") { params.assign(kP384, kP384 + sizeof kP384); size = 48; }
    if (!size) return fail(Errc::kUnsupported, "key " + label + ": curve " + g + " not supported on a token");
    value = bn_param(k.get(), OSSL_PKEY_PARAM_PRIV_KEY, size);
    Bytes raw(2 * size + 1);
    size_t rlen = 0;
    if (value.empty() ||
        EVP_PKEY_get_octet_string_param(k.get(), OSSL_PKEY_PARAM_PUB_KEY, raw.data(), raw.size(), &rlen) != 1)
      return fail(Errc::kCrypto, "key " + label + ": cannot read the EC key");
    point = {0x04, uint8_t(rlen)};  // DER OCTET STRING (PKCS#11 v2.40 §2.3.3)
    point.insert(point.end(), raw.begin(), raw.begin() + long(rlen));
    priv.insert(priv.end(), {attr(CKA_EC_PARAMS, params.data(), params.size()), attr(CKA_VALUE, value.data(), value.size())});
    pub.insert(pub.end(), {attr(CKA_EC_PARAMS, params.data(), params.size()), attr(CKA_EC_POINT, point.data(), point.size())});
  } else {
    return fail(Errc::kUnsupported, "key " + label + ": neither RSA nor EC");
  }
  CK_OBJECT_HANDLE hpriv = CK_INVALID_HANDLE, hpub = CK_INVALID_HANDLE;
  if (auto r = create(s, priv, hpriv, "private key"); !r) return r;
  if (auto r = create(s, pub, hpub, "public key"); !r) {
    (void)s.fn()->C_DestroyObject(s.handle(), hpriv);  // no half pair left behind
    return r;
  }
  return {};
}

Result<size_t> destroy_key_pair(Session& s, const std::string& label) {
  size_t n = 0;
  for (CK_OBJECT_CLASS cls : {CKO_PRIVATE_KEY, CKO_PUBLIC_KEY}) {
    auto hs = find(s, cls, &label);
    if (!hs) return std::unexpected(hs.error());
    for (auto h : *hs) {
      CK_RV rv = s.fn()->C_DestroyObject(s.handle(), h);
      if (rv != CKR_OK) return rv_fail(rv, "C_DestroyObject");
      ++n;
    }
  }
  return n;
}

Result<CK_OBJECT_HANDLE> find_private_key(Session& s, const std::string& label) {
  auto hs = find(s, CKO_PRIVATE_KEY, &label);
  if (!hs) return std::unexpected(hs.error());
  return hs->empty() ? CK_OBJECT_HANDLE(CK_INVALID_HANDLE) : hs->front();
}

Result<std::vector<std::string>> private_key_labels(Session& s) {
  auto hs = find(s, CKO_PRIVATE_KEY, nullptr);
  if (!hs) return std::unexpected(hs.error());
  std::vector<std::string> out;
  for (auto h : *hs) {
    auto l = attribute(s, h, CKA_LABEL);
    if (l && !l->empty()) out.emplace_back(l->begin(), l->end());
  }
  return out;
}

Result<PublicKey> read_public_key(Session& s, const std::string& label) {
  auto hs = find(s, CKO_PUBLIC_KEY, &label);
  if (!hs) return std::unexpected(hs.error());
  if (hs->empty()) return fail(Errc::kNotFound, "no public key labelled " + label + " on the token");
  CK_OBJECT_HANDLE h = hs->front();
  auto type = attribute(s, h, CKA_KEY_TYPE);
  if (!type || type->size() != sizeof(CK_KEY_TYPE)) return fail(Errc::kUnsupported, "key " + label + ": no key type");
  CK_KEY_TYPE kt;
  std::memcpy(&kt, type->data(), sizeof kt);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  if (kt == CKK_RSA) {
    auto n = attribute(s, h, CKA_MODULUS), e = attribute(s, h, CKA_PUBLIC_EXPONENT);
    if (!n || !e) { OSSL_PARAM_BLD_free(bld); return fail(Errc::kIo, "key " + label + ": cannot read modulus"); }
    BIGNUM* bn = BN_bin2bn(n->data(), int(n->size()), nullptr);
    BIGNUM* be = BN_bin2bn(e->data(), int(e->size()), nullptr);
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn);
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be);
    auto k = from_params("RSA", bld);
    BN_free(bn);
    BN_free(be);
    return k;
  }
  if (kt == CKK_EC) {
    auto params = attribute(s, h, CKA_EC_PARAMS), point = attribute(s, h, CKA_EC_POINT);
    if (!params || !point) { OSSL_PARAM_BLD_free(bld); return fail(Errc::kIo, "key " + label + ": cannot read EC point"); }
    const char* group = nullptr;
    if (params->size() == sizeof kP256 && std::memcmp(params->data(), kP256, sizeof kP256) == 0) group = "prime256v1";
    if (params->size() == sizeof kP384 && std::memcmp(params->data(), kP384, sizeof kP384) == 0) group = "secp384r1";
    if (!group) { OSSL_PARAM_BLD_free(bld); return fail(Errc::kUnsupported, "key " + label + ": curve not supported"); }
    // CKA_EC_POINT is a DER OCTET STRING around the point (PKCS#11 v2.40 §2.3.3).
    ByteView pt(*point);
    if (pt.size() > 2 && pt[0] == 0x04 && pt[1] == pt.size() - 2) pt = pt.subspan(2);
    else if (pt.size() > 3 && pt[0] == 0x04 && pt[1] == 0x81 && pt[2] == pt.size() - 3) pt = pt.subspan(3);
    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt.data(), pt.size());
    return from_params("EC", bld);
  }
  OSSL_PARAM_BLD_free(bld);
  return fail(Errc::kUnsupported, "key " + label + ": neither RSA nor EC");
}

Result<KeyAttributes> private_key_attributes(Session& s, const std::string& label) {
  auto h = find_private_key(s, label);
  if (!h) return std::unexpected(h.error());
  if (*h == CK_INVALID_HANDLE) return fail(Errc::kNotFound, "no private key labelled " + label);
  auto flag = [&](CK_ATTRIBUTE_TYPE t) {
    auto v = attribute(s, *h, t);
    return v && v->size() == 1 && (*v)[0] == CK_TRUE;
  };
  return KeyAttributes{flag(CKA_PRIVATE), flag(CKA_SENSITIVE), flag(CKA_EXTRACTABLE), flag(CKA_NEVER_EXTRACTABLE)};
}

}  // namespace kg::pkcs11
