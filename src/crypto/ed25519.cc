#include "crypto/ed25519.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "crypto/ossl.h"

namespace kg::crypto {
namespace {

using detail::Bio;
using detail::MdCtx;
using detail::Pkey;

Pkey from_raw(ByteView raw) {
  if (raw.size() != kEd25519KeySize) return nullptr;
  return Pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw.data(), raw.size()));
}

Bytes raw_public(const EVP_PKEY* k) {
  Bytes raw(kEd25519KeySize);
  size_t n = raw.size();
  if (EVP_PKEY_get_raw_public_key(k, raw.data(), &n) != 1 || n != kEd25519KeySize) return {};
  return raw;
}

}  // namespace

Result<Bytes> ed25519_public_from_spki(ByteView der) {
  const unsigned char* p = der.data();
  Pkey k(d2i_PUBKEY(nullptr, &p, long(der.size())));
  if (!k || p != der.data() + der.size()) return fail(Errc::kInvalidArgument, "not a DER SubjectPublicKeyInfo");
  if (EVP_PKEY_get_id(k.get()) != EVP_PKEY_ED25519) return fail(Errc::kUnsupported, "not an Ed25519 key");
  Bytes raw = raw_public(k.get());
  if (raw.empty()) return fail(Errc::kCrypto, "cannot read the Ed25519 key");
  return raw;
}

Bytes ed25519_spki(ByteView raw) {
  Pkey k = from_raw(raw);
  if (!k) return {};
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(k.get(), &der);
  if (n <= 0) return {};
  Bytes out(der, der + n);
  OPENSSL_free(der);
  return out;
}

bool ed25519_verify(ByteView raw_public_key, ByteView message, ByteView signature) {
  Pkey k = from_raw(raw_public_key);
  MdCtx ctx(EVP_MD_CTX_new());
  if (!k || !ctx) return false;
  // Ed25519 hashes internally: no digest is named (RFC 8032 §5.1).
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, k.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(), message.size()) == 1;
}

struct Ed25519Key::Impl {
  Pkey key;
};

Ed25519Key::Ed25519Key(std::unique_ptr<Impl> i) : impl_(std::move(i)) {}
Ed25519Key::Ed25519Key(Ed25519Key&&) noexcept = default;
Ed25519Key::~Ed25519Key() = default;

Result<Ed25519Key> Ed25519Key::generate() {
  Pkey k(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!k) return fail(Errc::kCrypto, "Ed25519 key generation failed");
  return Ed25519Key(std::make_unique<Impl>(Impl{std::move(k)}));
}

Result<Ed25519Key> Ed25519Key::from_pem(std::string_view pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), int(pem.size())));
  if (!bio) return fail(Errc::kCrypto, "BIO_new_mem_buf");
  Pkey k(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!k) return fail(Errc::kInvalidArgument, "not a PEM private key (or it is encrypted)");
  if (EVP_PKEY_get_id(k.get()) != EVP_PKEY_ED25519)
    return fail(Errc::kUnsupported, "the private key is not an Ed25519 key");
  return Ed25519Key(std::make_unique<Impl>(Impl{std::move(k)}));
}

std::string Ed25519Key::private_pem() const {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), impl_->key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return "";
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, size_t(n));
}

Bytes Ed25519Key::public_raw() const { return raw_public(impl_->key.get()); }

Result<Bytes> Ed25519Key::sign(ByteView message) const {
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, impl_->key.get()) != 1)
    return fail(Errc::kCrypto, "EVP_DigestSignInit");
  Bytes sig(kEd25519SignatureSize);
  size_t n = sig.size();
  if (EVP_DigestSign(ctx.get(), sig.data(), &n, message.data(), message.size()) != 1 || n != sig.size())
    return fail(Errc::kCrypto, "Ed25519 signing failed");
  return sig;
}

}  // namespace kg::crypto
