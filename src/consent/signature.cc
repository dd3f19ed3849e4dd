#include "consent/signature.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "consent/base64.h"

namespace kg::consent {
namespace {

struct PkeyFree { void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); } };
struct MdCtxFree { void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); } };
struct BioFree { void operator()(BIO* p) const { BIO_free(p); } };
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using Bio = std::unique_ptr<BIO, BioFree>;

constexpr size_t kRawKeySize = 32;

Pkey from_raw(ByteView raw) {
  if (raw.size() != kRawKeySize) return nullptr;
  return Pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw.data(), raw.size()));
}

}  // namespace

Result<Bytes> parse_public_key(std::string_view spki_base64) {
  auto der = base64_decode(spki_base64);
  if (!der) return fail(Errc::kInvalidArgument, "public key: " + der.error().message);
  const unsigned char* p = der->data();
  Pkey k(d2i_PUBKEY(nullptr, &p, long(der->size())));
  if (!k || p != der->data() + der->size())
    return fail(Errc::kInvalidArgument, "public key: not a DER SubjectPublicKeyInfo");
  if (EVP_PKEY_get_id(k.get()) != EVP_PKEY_ED25519)
    return fail(Errc::kUnsupported, "public key: not an Ed25519 key");
  Bytes raw(kRawKeySize);
  size_t n = raw.size();
  if (EVP_PKEY_get_raw_public_key(k.get(), raw.data(), &n) != 1 || n != kRawKeySize)
    return fail(Errc::kCrypto, "public key: cannot read the Ed25519 key");
  return raw;
}

std::string public_key_base64(ByteView raw) {
  Pkey k = from_raw(raw);
  if (!k) return "";
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(k.get(), &der);
  if (n <= 0) return "";
  std::string out = base64_encode(ByteView(der, size_t(n)));
  OPENSSL_free(der);
  return out;
}

bool verify(ByteView raw_public_key, ByteView message, ByteView signature) {
  Pkey k = from_raw(raw_public_key);
  MdCtx ctx(EVP_MD_CTX_new());
  if (!k || !ctx) return false;
  // Ed25519 hashes internally: no digest is named (RFC 8032 §5.1).
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, k.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(), message.size()) == 1;
}

struct SigningKey::Impl {
  Pkey key;
};

SigningKey::SigningKey(std::unique_ptr<Impl> i) : impl_(std::move(i)) {}
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey::~SigningKey() = default;

Result<SigningKey> SigningKey::generate() {
  Pkey k(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!k) return fail(Errc::kCrypto, "Ed25519 key generation failed");
  return SigningKey(std::make_unique<Impl>(Impl{std::move(k)}));
}

Result<SigningKey> SigningKey::from_pem(std::string_view pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), int(pem.size())));
  if (!bio) return fail(Errc::kCrypto, "BIO_new_mem_buf");
  Pkey k(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!k) return fail(Errc::kInvalidArgument, "not a PEM private key (or it is encrypted)");
  if (EVP_PKEY_get_id(k.get()) != EVP_PKEY_ED25519)
    return fail(Errc::kUnsupported, "the private key is not an Ed25519 key");
  return SigningKey(std::make_unique<Impl>(Impl{std::move(k)}));
}

std::string SigningKey::private_pem() const {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), impl_->key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return "";
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, size_t(n));
}

Bytes SigningKey::public_raw() const {
  Bytes raw(kRawKeySize);
  size_t n = raw.size();
  if (EVP_PKEY_get_raw_public_key(impl_->key.get(), raw.data(), &n) != 1) return {};
  return raw;
}

Result<Bytes> SigningKey::sign(ByteView message) const {
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, impl_->key.get()) != 1)
    return fail(Errc::kCrypto, "EVP_DigestSignInit");
  Bytes sig(64);
  size_t n = sig.size();
  if (EVP_DigestSign(ctx.get(), sig.data(), &n, message.data(), message.size()) != 1 || n != sig.size())
    return fail(Errc::kCrypto, "Ed25519 signing failed");
  return sig;
}

}  // namespace kg::consent
