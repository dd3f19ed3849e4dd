// Signature AUTH (RFC 7296 §3.8, RFC 4754, RFC 7427): published vectors where
// they exist (RFC 4754 §8 ECDSA signatures, RFC 7427 Appendix A
// AlgorithmIdentifiers), round trips with generated keys elsewhere.
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <gtest/gtest.h>

#include "crypto/auth_sig.h"
#include "crypto/testing/test_ca.h"
#include "crypto/vector_file.h"

namespace kg::crypto {
namespace {

using testing::KeyKind;
using testing::test_key;

struct PkeyDel { void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); } };
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDel>;

Pkey ec_public(const std::string& curve, const Bytes& x, const Bytes& y) {
  Bytes pub{0x04};
  pub.insert(pub.end(), x.begin(), x.end());
  pub.insert(pub.end(), y.begin(), y.end());
  OSSL_PARAM_BLD* b = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, curve.c_str(), 0);
  OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, pub.data(), pub.size());
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(b);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
  EVP_PKEY* k = nullptr;
  EVP_PKEY_fromdata_init(ctx);
  EVP_PKEY_fromdata(ctx, &k, EVP_PKEY_PUBLIC_KEY, params);
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(b);
  return Pkey(k);
}

TEST(AuthSig, Rfc4754VectorsVerify) {
  auto v = testing::load_vectors("ecdsa_rfc4754.txt");
  ASSERT_EQ(v.size(), 3u);
  for (auto& rec : v) {
    auto key = ec_public(rec.str("curve"), rec.hex("gwx"), rec.hex("gwy"));
    ASSERT_TRUE(key) << rec.str("curve");
    Bytes sig = rec.hex("r");
    Bytes s = rec.hex("s");
    sig.insert(sig.end(), s.begin(), s.end());
    // The file names IKEv2 AUTH methods 9, 10, 11 (src/ike checks that mapping
    // and the AUTH payload encoding against the same vectors).
    int method = std::stoi(rec.str("method"));
    SigFormat m = method == 9    ? SigFormat::kEcdsaP256Sha256
                  : method == 10 ? SigFormat::kEcdsaP384Sha384
                                 : SigFormat::kEcdsaP521Sha512;
    Bytes msg = rec.hex("msg");
    auto ok = auth_verify(key.get(), m, sig, msg, kOurSignHashes);
    EXPECT_TRUE(ok.has_value()) << rec.str("curve") << ": " << (ok ? "" : ok.error().message);
    // Any change to message or signature must fail.
    Bytes bad = sig;
    bad[5] ^= 1;
    EXPECT_FALSE(auth_verify(key.get(), m, bad, msg, kOurSignHashes));
    EXPECT_FALSE(auth_verify(key.get(), m, sig, as_bytes("abd"), kOurSignHashes));
    // The same signature under the other ECDSA methods is refused (curve mismatch).
    SigFormat other = m == SigFormat::kEcdsaP256Sha256 ? SigFormat::kEcdsaP384Sha384 : SigFormat::kEcdsaP256Sha256;
    EXPECT_FALSE(auth_verify(key.get(), other, sig, msg, kOurSignHashes));
  }
}

// IKEv1 ECDSA (kEcdsaRaw) signs a digest as given: the RFC 4754 §8
// signatures, over SHA-2 of "abc" computed here, verify that way; and a
// signature of ours made so verifies as ECDSA with that hash over "abc".
TEST(AuthSig, EcdsaRawSignsTheDigestAsGiven) {
  for (auto& rec : testing::load_vectors("ecdsa_rfc4754.txt")) {
    auto key = ec_public(rec.str("curve"), rec.hex("gwx"), rec.hex("gwy"));
    ASSERT_TRUE(key);
    const EVP_MD* md = rec.str("method") == "9" ? EVP_sha256() : rec.str("method") == "10" ? EVP_sha384() : EVP_sha512();
    Bytes msg = rec.hex("msg"), digest(size_t(EVP_MD_get_size(md)));
    ASSERT_EQ(EVP_Digest(msg.data(), msg.size(), digest.data(), nullptr, md, nullptr), 1);
    Bytes rs = rec.hex("r"), s = rec.hex("s");
    rs.insert(rs.end(), s.begin(), s.end());
    auto der = ecdsa_raw_to_der(rs);
    ASSERT_TRUE(der);
    EXPECT_TRUE(verify_signature(key.get(), {SigAlg::kEcdsaRaw, SignHash::kSha1}, digest, *der)) << rec.str("curve");
    digest[0] ^= 1;
    EXPECT_FALSE(verify_signature(key.get(), {SigAlg::kEcdsaRaw, SignHash::kSha1}, digest, *der));
  }
  auto ec = test_key(KeyKind::kEcP256);
  auto rsa = testing::signer_of(test_key(KeyKind::kRsa2048).get());
  Bytes digest(32);
  const ByteView msg = as_bytes("abc");
  ASSERT_EQ(EVP_Digest(msg.data(), msg.size(), digest.data(), nullptr, EVP_sha256(), nullptr), 1);
  auto sig = testing::signer_of(ec.get())->sign({SigAlg::kEcdsaRaw, SignHash::kSha1}, digest);
  ASSERT_TRUE(sig) << sig.error().message;
  EXPECT_TRUE(verify_signature(ec.get(), {SigAlg::kEcdsa, SignHash::kSha256}, msg, *sig));
  EXPECT_FALSE(rsa->sign({SigAlg::kEcdsaRaw, SignHash::kSha1}, digest));  // an RSA key does not make ECDSA
}

TEST(AuthSig, Rfc7427AlgorithmIdentifiers) {
  auto v = testing::load_vectors("rfc7427_algid.txt");
  ASSERT_EQ(v.size(), 9u);
  for (auto& rec : v) {
    std::string a = rec.str("alg");
    SigScheme s{a == "pkcs1" ? SigAlg::kRsaPkcs1 : a == "pss" ? SigAlg::kRsaPss : SigAlg::kEcdsa,
                SignHash(std::stoi(rec.str("hash")))};
    EXPECT_EQ(to_hex(algorithm_identifier(s)), to_hex(rec.hex("der"))) << scheme_name(s);
    auto back = parse_algorithm_identifier(rec.hex("der"));
    ASSERT_TRUE(back.has_value()) << scheme_name(s);
    EXPECT_EQ(*back, s);
  }
}

TEST(AuthSig, PssParametersFor384And512RoundTrip) {
  for (auto h : {SignHash::kSha384, SignHash::kSha512}) {
    SigScheme s{SigAlg::kRsaPss, h};
    auto back = parse_algorithm_identifier(algorithm_identifier(s));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, s);
  }
}

TEST(AuthSig, AlgorithmIdentifierVariantsAndGarbage) {
  // sha256WithRSAEncryption without the NULL parameter is the same scheme.
  auto r = parse_algorithm_identifier(*from_hex("300b06092a864886f70d01010b"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, (SigScheme{SigAlg::kRsaPkcs1, SignHash::kSha256}));
  // PSS with absent parameters means SHA-1 everywhere (RFC 4055 §3.1).
  r = parse_algorithm_identifier(*from_hex("300b06092a864886f70d01010a"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, (SigScheme{SigAlg::kRsaPss, SignHash::kSha1}));
  // PSS whose MGF1 hash differs from the hash is refused.
  Bytes mixed = algorithm_identifier({SigAlg::kRsaPss, SignHash::kSha256});
  mixed[57] = 0x03;
  EXPECT_FALSE(parse_algorithm_identifier(mixed));
  // md5WithRSAEncryption and truncated input.
  EXPECT_FALSE(parse_algorithm_identifier(*from_hex("300d06092a864886f70d0101040500")));
  EXPECT_FALSE(parse_algorithm_identifier(*from_hex("300d06092a864886f70d01010b05")));
  EXPECT_FALSE(parse_algorithm_identifier(*from_hex("300d06092a864886f70d01010b050000")));
}

TEST(AuthSig, SignHashesNotify) {
  EXPECT_EQ(to_hex(encode_sign_hashes(kOurSignHashes)), "000200030004");
  auto d = decode_sign_hashes(*from_hex("0001000200050004"));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(*d, (std::vector<SignHash>{SignHash::kSha1, SignHash::kSha256, SignHash::kSha512}));
  EXPECT_FALSE(decode_sign_hashes(*from_hex("000200")));
}

TEST(AuthSig, ChoiceFollowsPeerAndKey) {
  std::vector<SignHash> all(std::begin(kOurSignHashes), std::end(kOurSignHashes));
  auto c = choose_auth({KeyType::kRsa, 2048}, {}, false);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->format, SigFormat::kRsaPkcs1Sha1);
  EXPECT_EQ(c->scheme, (SigScheme{SigAlg::kRsaPkcs1, SignHash::kSha1}));
  c = choose_auth({KeyType::kEcP384, 384}, {}, false);
  EXPECT_EQ(c->format, SigFormat::kEcdsaP384Sha384);
  c = choose_auth({KeyType::kEcP384, 384}, all, false);
  EXPECT_EQ(c->format, SigFormat::kDigitalSignature);
  EXPECT_EQ(c->scheme, (SigScheme{SigAlg::kEcdsa, SignHash::kSha384}));
  c = choose_auth({KeyType::kRsa, 2048}, std::vector<SignHash>{SignHash::kSha512}, true);
  EXPECT_EQ(c->scheme, (SigScheme{SigAlg::kRsaPss, SignHash::kSha512}));
  // A peer that only knows SHA-1 under RFC 7427 gets the classic method.
  c = choose_auth({KeyType::kEcP256, 256}, std::vector<SignHash>{SignHash::kSha1}, false);
  EXPECT_EQ(c->format, SigFormat::kEcdsaP256Sha256);
}

// Every method and scheme: sign with a generated key, verify with its public
// key, and refuse a changed octet or another key.
TEST(AuthSig, SignVerifyRoundTrips) {
  Bytes octets(300, 0x5a);
  struct Case { KeyKind kind; std::vector<SignHash> peer; bool pss; SigFormat want; };
  std::vector<SignHash> all(std::begin(kOurSignHashes), std::end(kOurSignHashes));
  for (auto& c : std::vector<Case>{{KeyKind::kRsa2048, {}, false, SigFormat::kRsaPkcs1Sha1},
                                   {KeyKind::kRsa2048, all, false, SigFormat::kDigitalSignature},
                                   {KeyKind::kRsa2048, all, true, SigFormat::kDigitalSignature},
                                   {KeyKind::kEcP256, {}, false, SigFormat::kEcdsaP256Sha256},
                                   {KeyKind::kEcP384, {}, false, SigFormat::kEcdsaP384Sha384},
                                   {KeyKind::kEcP521, {}, false, SigFormat::kEcdsaP521Sha512},
                                   {KeyKind::kEcP256, all, false, SigFormat::kDigitalSignature},
                                   {KeyKind::kEcP521, all, false, SigFormat::kDigitalSignature}}) {
    auto key = test_key(c.kind);
    auto signer = testing::signer_of(key.get());
    auto choice = choose_auth(signer->key(), c.peer, c.pss);
    ASSERT_TRUE(choice);
    EXPECT_EQ(choice->format, c.want);
    auto data = auth_sign(*signer, *choice, octets);
    ASSERT_TRUE(data.has_value()) << data.error().message;
    auto used = auth_verify(key.get(), choice->format, *data, octets, kOurSignHashes);
    ASSERT_TRUE(used.has_value()) << scheme_name(choice->scheme) << ": " << used.error().message;
    EXPECT_EQ(*used, choice->scheme);
    Bytes changed = octets;
    changed.back() ^= 0x80;
    EXPECT_FALSE(auth_verify(key.get(), choice->format, *data, changed, kOurSignHashes));
    auto other = test_key(c.kind, 1);
    EXPECT_FALSE(auth_verify(other.get(), choice->format, *data, octets, kOurSignHashes));
  }
}

TEST(AuthSig, RefusesMismatchesAndMalformedData) {
  auto rsa = test_key(KeyKind::kRsa2048);
  auto ec = test_key(KeyKind::kEcP256);
  Bytes octets(64, 1);
  auto sig = auth_sign(*testing::signer_of(rsa.get()), {SigFormat::kDigitalSignature, {SigAlg::kRsaPkcs1, SignHash::kSha256}}, octets);
  ASSERT_TRUE(sig);
  // An RSA signature checked against an EC certificate key.
  EXPECT_FALSE(auth_verify(ec.get(), SigFormat::kDigitalSignature, *sig, octets, kOurSignHashes));
  // A hash we did not announce.
  std::vector<SignHash> only512{SignHash::kSha512};
  EXPECT_FALSE(auth_verify(rsa.get(), SigFormat::kDigitalSignature, *sig, octets, only512));
  // Length byte past the end, zero length, empty.
  EXPECT_FALSE(auth_verify(rsa.get(), SigFormat::kDigitalSignature, Bytes{0x40, 0x30}, octets, kOurSignHashes));
  EXPECT_FALSE(auth_verify(rsa.get(), SigFormat::kDigitalSignature, Bytes{0x00}, octets, kOurSignHashes));
  EXPECT_FALSE(auth_verify(rsa.get(), SigFormat::kDigitalSignature, Bytes{}, octets, kOurSignHashes));
  // ECDSA r|s of the wrong width.
  EXPECT_FALSE(auth_verify(ec.get(), SigFormat::kEcdsaP256Sha256, Bytes(63, 1), octets, kOurSignHashes));
}

TEST(AuthSig, EcdsaEncodings) {
  Bytes raw(64, 0);
  raw[31] = 7;
  raw[63] = 9;
  auto der = ecdsa_raw_to_der(raw);
  ASSERT_TRUE(der);
  EXPECT_EQ(to_hex(*der), "3006020107020109");
  auto back = ecdsa_der_to_raw(*der, 32);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, raw);
  EXPECT_FALSE(ecdsa_der_to_raw(Bytes{0x30, 0x01}, 32));
  EXPECT_FALSE(ecdsa_raw_to_der(Bytes(3, 1)));
}

TEST(AuthSig, KeySignerLoadsPemAndPkcs8) {
  auto key = test_key(KeyKind::kEcP384);
  std::string enc = testing::key_pem_encrypted(key.get(), "s3cret");
  EXPECT_FALSE(KeySigner::from_pem(as_bytes(enc), "wrong"));
  EXPECT_FALSE(KeySigner::from_pem(as_bytes(enc), ""));
  auto s = KeySigner::from_pem(as_bytes(enc), "s3cret");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ((*s)->key().type, KeyType::kEcP384);
  auto der = (*s)->to_pkcs8();
  ASSERT_TRUE(der);
  auto again = KeySigner::from_pkcs8(der->view());
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ((*again)->key().type, KeyType::kEcP384);
  EXPECT_FALSE(KeySigner::from_pem(as_bytes("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), ""));
  EXPECT_FALSE(KeySigner::from_pkcs8(Bytes{0x30, 0x00}));
}

}  // namespace
}  // namespace kg::crypto
