#include "crypto/key_pair.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "crypto/ossl.h"

namespace kg::crypto {

namespace {

struct BioFree { void operator()(BIO* b) const { BIO_free(b); } };
using BioPtr = std::unique_ptr<BIO, BioFree>;

std::string bio_text(BIO* b) {
  char* p = nullptr;
  long n = BIO_get_mem_data(b, &p);
  return std::string(p, size_t(n));
}

// The key as an OpenSSL object, through its PKCS#8 form (KeySigner keeps its
// EVP_PKEY to itself); the DER is wiped by Secret.
detail::Pkey pkey_of(const KeySigner& key) {
  auto der = key.to_pkcs8();
  if (!der) return nullptr;
  const unsigned char* p = der->view().data();
  return detail::Pkey(d2i_AutoPrivateKey(nullptr, &p, long(der->size())));
}

Result<std::shared_ptr<KeySigner>> to_signer(EVP_PKEY* k, const char* what) {
  detail::Pkey owned(k);
  if (!k) {
    ERR_clear_error();
    return fail(Errc::kCrypto, std::string("cannot generate the ") + what + " key");
  }
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (!bio || i2d_PKCS8PrivateKey_bio(bio.get(), k, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return fail(Errc::kCrypto, "cannot encode private key");
  char* p = nullptr;
  long n = BIO_get_mem_data(bio.get(), &p);
  auto s = KeySigner::from_pkcs8(ByteView(reinterpret_cast<const uint8_t*>(p), size_t(n)));
  OPENSSL_cleanse(p, size_t(n));
  return s;
}

}  // namespace

Result<std::shared_ptr<KeySigner>> generate_rsa_key(int bits) {
  return to_signer(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(bits)), "RSA");
}

Result<std::shared_ptr<KeySigner>> generate_ec_key(int bits) {
  const char* curve = bits == 256 ? "P-256" : bits == 384 ? "P-384" : nullptr;
  if (!curve) return fail(Errc::kInvalidArgument, "EC key size must be 256 or 384");
  return to_signer(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve), "EC");
}

bool pem_cipher_available(std::string_view cipher) {
  EVP_CIPHER* c = EVP_CIPHER_fetch(nullptr, std::string(cipher).c_str(), nullptr);
  ERR_clear_error();
  EVP_CIPHER_free(c);
  return c != nullptr;
}

namespace {
// Writes the key encrypted under the passphrase, as DER or PEM PKCS#8.
Result<std::string> encrypted(const KeySigner& key, std::string_view cipher, std::string_view passphrase, bool pem) {
  detail::Cipher c(EVP_CIPHER_fetch(nullptr, std::string(cipher).c_str(), nullptr));
  detail::Pkey k = pkey_of(key);
  BioPtr bio(BIO_new(BIO_s_mem()));
  std::string pass(passphrase);
  bool ok = c && k && bio &&
            (pem ? PEM_write_bio_PKCS8PrivateKey(bio.get(), k.get(), c.get(), pass.data(), int(pass.size()), nullptr, nullptr)
                 : i2d_PKCS8PrivateKey_bio(bio.get(), k.get(), c.get(), pass.data(), int(pass.size()), nullptr, nullptr)) == 1;
  OPENSSL_cleanse(pass.data(), pass.size());
  if (!ok) {
    ERR_clear_error();
    return fail(Errc::kCrypto, "cannot encrypt the private key with " + std::string(cipher));
  }
  return bio_text(bio.get());
}
}  // namespace

Result<Bytes> encrypted_pkcs8(const KeySigner& key, std::string_view cipher, std::string_view passphrase) {
  auto der = encrypted(key, cipher, passphrase, false);
  if (!der) return std::unexpected(der.error());
  return Bytes(der->begin(), der->end());
}

Result<std::string> encrypted_pem(const KeySigner& key, std::string_view cipher, std::string_view passphrase) {
  return encrypted(key, cipher, passphrase, true);
}

Result<std::shared_ptr<KeySigner>> from_encrypted_pkcs8(ByteView der, std::string_view passphrase) {
  BioPtr bio(BIO_new_mem_buf(der.data(), int(der.size())));
  std::string pass(passphrase);
  EVP_PKEY* k = bio ? d2i_PKCS8PrivateKey_bio(bio.get(), nullptr, nullptr, pass.data()) : nullptr;
  OPENSSL_cleanse(pass.data(), pass.size());
  if (!k) {
    ERR_clear_error();
    return fail(Errc::kAuthFailed, "wrong passphrase");
  }
  return to_signer(k, "decrypted");
}

Bytes public_der(const KeySigner& key) {
  detail::Pkey k = pkey_of(key);
  unsigned char* p = nullptr;
  int n = k ? i2d_PUBKEY(k.get(), &p) : 0;
  if (n <= 0) return {};
  Bytes out(p, p + n);
  OPENSSL_free(p);
  return out;
}

std::string public_pem(const KeySigner& key) {
  detail::Pkey k = pkey_of(key);
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!k || !bio || PEM_write_bio_PUBKEY(bio.get(), k.get()) != 1) return "";
  return bio_text(bio.get());
}

EVP_PKEY* public_key_from_der(ByteView der) {
  const unsigned char* p = der.data();
  EVP_PKEY* k = d2i_PUBKEY(nullptr, &p, long(der.size()));
  if (!k || p != der.data() + der.size()) {
    EVP_PKEY_free(k);
    ERR_clear_error();
    return nullptr;
  }
  return k;
}

EVP_PKEY* public_key_from_pem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), int(pem.size())));
  EVP_PKEY* k = bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  ERR_clear_error();
  return k;
}

}  // namespace kg::crypto
