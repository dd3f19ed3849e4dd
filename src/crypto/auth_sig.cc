#include "crypto/auth_sig.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <memory>

namespace kg::crypto {

namespace {

struct AlgorFree { void operator()(X509_ALGOR* a) const { X509_ALGOR_free(a); } };
struct PssFree { void operator()(RSA_PSS_PARAMS* p) const { RSA_PSS_PARAMS_free(p); } };
struct SigFree { void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); } };

// RFC 7427 Appendix A: the AlgorithmIdentifiers, DER-encoded. RSA PKCS#1 v1.5
// carries NULL parameters, ECDSA none (RFC 5758 §3.2).
constexpr uint8_t kRsaPrefix[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01};
constexpr uint8_t kEcdsaPrefix[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03};
constexpr uint8_t kEcdsaSha1[] = {0x30, 0x09, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01};
// RFC 7427 A.4.3 (RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32); positions of
// the two hash OID last bytes and of the salt length, for SHA-384/512.
constexpr uint8_t kPssSha256[] = {
    0x30, 0x3d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a, 0x30, 0x30, 0xa0,
    0x0d, 0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0xa1, 0x1a,
    0x30, 0x18, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30, 0x0b, 0x06,
    0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0xa2, 0x03, 0x02, 0x01, 0x20};
constexpr size_t kPssHashAt1 = 29, kPssHashAt2 = 57, kPssSaltAt = 62;

size_t hash_len(SignHash h) {
  switch (h) {
    case SignHash::kSha1: return 20;
    case SignHash::kSha256: return 32;
    case SignHash::kSha384: return 48;
    case SignHash::kSha512: return 64;
  }
  return 0;
}

std::optional<SignHash> hash_of_nid(int nid) {
  switch (nid) {
    case NID_sha1: return SignHash::kSha1;
    case NID_sha256: return SignHash::kSha256;
    case NID_sha384: return SignHash::kSha384;
    case NID_sha512: return SignHash::kSha512;
  }
  return std::nullopt;
}

std::optional<SignHash> hash_of_algor(const X509_ALGOR* a, SignHash dflt) {
  if (!a) return dflt;
  const ASN1_OBJECT* obj = nullptr;
  X509_ALGOR_get0(&obj, nullptr, nullptr, a);
  return hash_of_nid(OBJ_obj2nid(obj));
}

// RSASSA-PSS-params (RFC 4055 §3.1): hash, MGF1 with the same hash, trailer 1.
Result<SigScheme> parse_pss(const ASN1_TYPE* param) {
  SigScheme s{SigAlg::kRsaPss, SignHash::kSha1};
  if (!param || param->type != V_ASN1_SEQUENCE) return s;  // all defaults: SHA-1
  std::unique_ptr<RSA_PSS_PARAMS, PssFree> p(
      static_cast<RSA_PSS_PARAMS*>(ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(RSA_PSS_PARAMS), param)));
  if (!p) return fail(Errc::kInvalidSyntax, "RSASSA-PSS parameters do not parse");
  auto h = hash_of_algor(p->hashAlgorithm, SignHash::kSha1);
  if (!h) return fail(Errc::kUnsupported, "RSASSA-PSS with an unsupported hash");
  s.hash = *h;
  SignHash mgf_hash = SignHash::kSha1;
  if (p->maskGenAlgorithm) {
    const ASN1_OBJECT* mgf = nullptr;
    const void* pv = nullptr;
    int ptype = 0;
    X509_ALGOR_get0(&mgf, &ptype, &pv, p->maskGenAlgorithm);
    if (OBJ_obj2nid(mgf) != NID_mgf1 || ptype != V_ASN1_SEQUENCE)
      return fail(Errc::kUnsupported, "RSASSA-PSS mask generation is not MGF1");
    const ASN1_STRING* seq = static_cast<const ASN1_STRING*>(pv);
    const unsigned char* q = ASN1_STRING_get0_data(seq);
    std::unique_ptr<X509_ALGOR, AlgorFree> mh(d2i_X509_ALGOR(nullptr, &q, ASN1_STRING_length(seq)));
    auto m = mh ? hash_of_algor(mh.get(), SignHash::kSha1) : std::nullopt;
    if (!m) return fail(Errc::kUnsupported, "RSASSA-PSS MGF1 with an unsupported hash");
    mgf_hash = *m;
  }
  if (mgf_hash != s.hash) return fail(Errc::kUnsupported, "RSASSA-PSS with MGF1 hash different from the hash");
  if (p->trailerField && ASN1_INTEGER_get(p->trailerField) != 1)
    return fail(Errc::kUnsupported, "RSASSA-PSS trailer field is not 1");
  return s;
}

Result<Bytes> sign_raw(const Signer& signer, SigScheme s, ByteView octets) { return signer.sign(s, octets); }

SigFormat classic_format(KeyType t) {
  switch (t) {
    case KeyType::kEcP256: return SigFormat::kEcdsaP256Sha256;
    case KeyType::kEcP384: return SigFormat::kEcdsaP384Sha384;
    case KeyType::kEcP521: return SigFormat::kEcdsaP521Sha512;
    default: return SigFormat::kRsaPkcs1Sha1;
  }
}

// RFC 4754 §3: each method fixes curve and hash.
std::optional<std::pair<KeyType, SignHash>> ecdsa_format(SigFormat f) {
  switch (f) {
    case SigFormat::kEcdsaP256Sha256: return std::pair{KeyType::kEcP256, SignHash::kSha256};
    case SigFormat::kEcdsaP384Sha384: return std::pair{KeyType::kEcP384, SignHash::kSha384};
    case SigFormat::kEcdsaP521Sha512: return std::pair{KeyType::kEcP521, SignHash::kSha512};
    default: return std::nullopt;
  }
}


}  // namespace

Bytes encode_sign_hashes(std::span<const SignHash> hashes) {
  Bytes out;
  for (auto h : hashes) {
    out.push_back(uint8_t(uint16_t(h) >> 8));
    out.push_back(uint8_t(h));
  }
  return out;
}

Result<std::vector<SignHash>> decode_sign_hashes(ByteView data) {
  if (data.size() % 2) return fail(Errc::kInvalidSyntax, "SIGNATURE_HASH_ALGORITHMS: odd length");
  std::vector<SignHash> out;
  for (size_t i = 0; i < data.size(); i += 2) {
    uint16_t v = uint16_t(data[i] << 8 | data[i + 1]);
    if (v >= 1 && v <= 4) out.push_back(SignHash(v));  // others (e.g. 5 = Identity, RFC 8420) ignored
  }
  return out;
}

Bytes algorithm_identifier(SigScheme s) {
  uint8_t h = s.hash == SignHash::kSha1 ? 0 : s.hash == SignHash::kSha256 ? 1 : s.hash == SignHash::kSha384 ? 2 : 3;
  switch (s.alg) {
    case SigAlg::kRsaPkcs1: {
      // sha1/256/384/512WithRSAEncryption: 1.2.840.113549.1.1.{5,11,12,13}
      Bytes b(std::begin(kRsaPrefix), std::end(kRsaPrefix));
      b.push_back(s.hash == SignHash::kSha1 ? 0x05 : uint8_t(0x0a + h));
      b.push_back(0x05);
      b.push_back(0x00);
      return b;
    }
    case SigAlg::kEcdsa: {
      if (s.hash == SignHash::kSha1) return Bytes(std::begin(kEcdsaSha1), std::end(kEcdsaSha1));
      Bytes b(std::begin(kEcdsaPrefix), std::end(kEcdsaPrefix));
      b.push_back(uint8_t(0x01 + h));  // ecdsa-with-SHA256/384/512: 1.2.840.10045.4.3.{2,3,4}
      return b;
    }
    case SigAlg::kRsaPss: {
      Bytes b(std::begin(kPssSha256), std::end(kPssSha256));
      // id-sha256/384/512: 2.16.840.1.101.3.4.2.{1,2,3}; salt = hash length.
      b[kPssHashAt1] = b[kPssHashAt2] = h;  // PSS is only built with SHA-2 (choose_auth)
      b[kPssSaltAt] = uint8_t(hash_len(s.hash));
      return b;
    }
    case SigAlg::kRsaPkcs1Raw:
    case SigAlg::kEcdsaRaw:
      return {};  // IKEv1 only: no RFC 7427 identifier
  }
  return {};
}

Result<SigScheme> parse_algorithm_identifier(ByteView der) {
  const unsigned char* p = der.data();
  std::unique_ptr<X509_ALGOR, AlgorFree> a(d2i_X509_ALGOR(nullptr, &p, long(der.size())));
  if (!a || p != der.data() + der.size()) return fail(Errc::kInvalidSyntax, "AlgorithmIdentifier does not parse");
  const ASN1_OBJECT* obj = nullptr;
  int ptype = 0;
  const void* pval = nullptr;
  X509_ALGOR_get0(&obj, &ptype, &pval, a.get());
  int nid = OBJ_obj2nid(obj);
  if (nid == NID_rsassaPss) return parse_pss(a->parameter);
  struct Known { int nid; SigScheme s; };
  static constexpr Known kKnown[] = {
      {NID_sha1WithRSAEncryption, {SigAlg::kRsaPkcs1, SignHash::kSha1}},
      {NID_sha256WithRSAEncryption, {SigAlg::kRsaPkcs1, SignHash::kSha256}},
      {NID_sha384WithRSAEncryption, {SigAlg::kRsaPkcs1, SignHash::kSha384}},
      {NID_sha512WithRSAEncryption, {SigAlg::kRsaPkcs1, SignHash::kSha512}},
      {NID_ecdsa_with_SHA1, {SigAlg::kEcdsa, SignHash::kSha1}},
      {NID_ecdsa_with_SHA256, {SigAlg::kEcdsa, SignHash::kSha256}},
      {NID_ecdsa_with_SHA384, {SigAlg::kEcdsa, SignHash::kSha384}},
      {NID_ecdsa_with_SHA512, {SigAlg::kEcdsa, SignHash::kSha512}},
  };
  for (auto& k : kKnown)
    if (k.nid == nid) return k.s;
  char txt[80];
  OBJ_obj2txt(txt, sizeof txt, obj, 1);
  return fail(Errc::kUnsupported, std::string("signature algorithm ") + txt + " is not supported");
}

Result<AuthChoice> choose_auth(KeyInfo key, std::span<const SignHash> peer_hashes, bool rsa_pss) {
  if (key.type == KeyType::kUnknown) return fail(Errc::kUnsupported, "key is neither RSA nor ECDSA");
  auto peer_has = [&](SignHash h) { return std::find(peer_hashes.begin(), peer_hashes.end(), h) != peer_hashes.end(); };
  // The hash that matches the key's strength first (NIST SP 800-57), then
  // the others we support, strongest last.
  SignHash want = key.type == KeyType::kEcP384 ? SignHash::kSha384
                  : key.type == KeyType::kEcP521 ? SignHash::kSha512
                                                 : SignHash::kSha256;
  std::optional<SignHash> pick;
  if (peer_has(want)) pick = want;
  for (auto h : kOurSignHashes)
    if (!pick && peer_has(h)) pick = h;
  if (!pick) {
    // No RFC 7427 support in common: the classic method of the key type.
    SigFormat f = classic_format(key.type);
    if (auto e = ecdsa_format(f)) return AuthChoice{f, {SigAlg::kEcdsa, e->second}};
    return AuthChoice{f, {SigAlg::kRsaPkcs1, SignHash::kSha1}};
  }
  SigAlg alg = key.ecdsa() ? SigAlg::kEcdsa : rsa_pss ? SigAlg::kRsaPss : SigAlg::kRsaPkcs1;
  return AuthChoice{SigFormat::kDigitalSignature, {alg, *pick}};
}

Result<Bytes> auth_sign(const Signer& signer, AuthChoice c, ByteView octets) {
  auto sig = sign_raw(signer, c.scheme, octets);
  if (!sig) return sig;
  if (c.format == SigFormat::kDigitalSignature) {
    // RFC 7427 §3: ASN.1 Length (1) | AlgorithmIdentifier | Signature Value.
    Bytes algid = algorithm_identifier(c.scheme);
    Bytes out;
    out.reserve(1 + algid.size() + sig->size());
    out.push_back(uint8_t(algid.size()));
    out.insert(out.end(), algid.begin(), algid.end());
    out.insert(out.end(), sig->begin(), sig->end());
    return out;
  }
  if (ecdsa_format(c.format)) return ecdsa_der_to_raw(*sig, ecdsa_coord_size(signer.key().type));
  return sig;
}

Result<SigScheme> auth_verify(const EVP_PKEY* pub, SigFormat f, ByteView data, ByteView octets,
                              std::span<const SignHash> accepted) {
  KeyInfo k = key_info(pub);
  if (f == SigFormat::kRsaPkcs1Sha1) {
    SigScheme s{SigAlg::kRsaPkcs1, SignHash::kSha1};
    if (auto r = verify_signature(pub, s, octets, data); !r) return std::unexpected(r.error());
    return s;
  }
  if (auto e = ecdsa_format(f)) {
    if (k.type != e->first)
      return fail(Errc::kAuthFailed, "AUTH method " + KeyInfo{e->first, 0}.str() +
                                         " does not match the certificate's " + k.str() + " key");
    if (data.size() != 2 * ecdsa_coord_size(k.type)) return fail(Errc::kAuthFailed, "ECDSA signature has the wrong length");
    auto der = ecdsa_raw_to_der(data);
    if (!der) return std::unexpected(der.error());
    SigScheme s{SigAlg::kEcdsa, e->second};
    if (auto r = verify_signature(pub, s, octets, *der); !r) return std::unexpected(r.error());
    return s;
  }
  if (data.empty() || data[0] == 0 || size_t(data[0]) + 1 > data.size())
    return fail(Errc::kInvalidSyntax, "Digital Signature AUTH data is malformed");
  auto s = parse_algorithm_identifier(data.subspan(1, data[0]));
  if (!s) return s;
  if (std::find(accepted.begin(), accepted.end(), s->hash) == accepted.end())
    return fail(Errc::kAuthFailed, scheme_name(*s) + ": we did not announce " + hash_name(s->hash));
  if (auto r = verify_signature(pub, *s, octets, data.subspan(1 + data[0])); !r) return std::unexpected(r.error());
  return s;
}

size_t ecdsa_coord_size(KeyType t) {
  switch (t) {
    case KeyType::kEcP256: return 32;
    case KeyType::kEcP384: return 48;
    case KeyType::kEcP521: return 66;
    default: return 0;
  }
}

Result<Bytes> ecdsa_der_to_raw(ByteView der, size_t n) {
  const unsigned char* p = der.data();
  std::unique_ptr<ECDSA_SIG, SigFree> sig(d2i_ECDSA_SIG(nullptr, &p, long(der.size())));
  if (!sig || n == 0) return fail(Errc::kInvalidSyntax, "ECDSA signature does not parse");
  Bytes out(2 * n);
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out.data(), int(n)) < 0 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out.data() + n, int(n)) < 0)
    return fail(Errc::kInvalidSyntax, "ECDSA signature too large for the curve");
  return out;
}

Result<Bytes> ecdsa_raw_to_der(ByteView raw) {
  if (raw.empty() || raw.size() % 2) return fail(Errc::kInvalidSyntax, "ECDSA r|s has an odd length");
  size_t n = raw.size() / 2;
  std::unique_ptr<ECDSA_SIG, SigFree> sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(raw.data(), int(n), nullptr);
  BIGNUM* s = BN_bin2bn(raw.data() + n, int(n), nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return fail(Errc::kCrypto, "ECDSA signature conversion failed");
  }
  unsigned char* buf = nullptr;
  int len = i2d_ECDSA_SIG(sig.get(), &buf);
  if (len <= 0) return fail(Errc::kCrypto, "ECDSA signature encoding failed");
  Bytes out(buf, buf + len);
  OPENSSL_free(buf);
  return out;
}

const char* auth_method_label(SigFormat f, KeyInfo key) {
  switch (f) {
    case SigFormat::kRsaPkcs1Sha1: return "RSA";
    case SigFormat::kEcdsaP256Sha256:
    case SigFormat::kEcdsaP384Sha384:
    case SigFormat::kEcdsaP521Sha512: return "ECDSA";
    case SigFormat::kDigitalSignature: return key.ecdsa() ? "ECDSA" : "RSA";
  }
  return "Unknown";
}

}  // namespace kg::crypto
