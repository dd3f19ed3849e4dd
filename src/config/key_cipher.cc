#include "config/key_cipher.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <memory>
#include <optional>

namespace kg::config {
namespace {

std::string random_bytes(size_t n) {
  std::string s(n, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(s.data()), int(n));
  return s;
}

std::string b64(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), int(in.size()));
  out.resize(size_t(n));
  return out;
}

std::optional<std::string> unb64(const std::string& in) {
  if (in.empty() || in.size() % 4 != 0) return std::nullopt;
  std::string out(in.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), int(in.size()));
  if (n < 0) return std::nullopt;
  size_t pad = in.ends_with("==") ? 2 : in.ends_with("=") ? 1 : 0;
  out.resize(size_t(n) - pad);
  return out;
}

using Ctx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;
constexpr size_t kNonce = 12, kTag = 16;

}  // namespace

KeyCipher::KeyCipher(const std::string& state_dir) {
  if (state_dir.empty()) { key_ = random_bytes(32); return; }
  std::string path = state_dir + "/master.key";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    key_.resize(32);
    ssize_t n = ::read(fd, key_.data(), 32);
    ::close(fd);
    if (n == 32) return;
  }
  key_ = random_bytes(32);
  fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd >= 0) {
    (void)!::write(fd, key_.data(), key_.size());
    ::fsync(fd);
    ::close(fd);
  }
}

std::string KeyCipher::seal(const std::string& clear) const {
  // Deterministic (SIV-like) nonce = HMAC-SHA256(master, key)[0..12): the same
  // key always prints the same text, so show running-config is stable and
  // round-trips compare equal; a nonce repeats only for an identical key.
  unsigned char mac[32];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), key_.data(), int(key_.size()), reinterpret_cast<const unsigned char*>(clear.data()),
       clear.size(), mac, &mac_len);
  std::string nonce(reinterpret_cast<const char*>(mac), kNonce);
  std::string ct(clear.size(), '\0'), tag(kTag, '\0');
  Ctx c(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  auto u = [](const std::string& s) { return reinterpret_cast<const unsigned char*>(s.data()); };
  EVP_EncryptInit_ex(c.get(), EVP_aes_256_gcm(), nullptr, u(key_), u(nonce));
  EVP_EncryptUpdate(c.get(), reinterpret_cast<unsigned char*>(ct.data()), &len, u(clear), int(clear.size()));
  EVP_EncryptFinal_ex(c.get(), nullptr, &len);
  EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_GET_TAG, int(kTag), tag.data());
  return b64(nonce + ct + tag);
}

Result<std::string> KeyCipher::open(const std::string& sealed) const {
  auto raw = unb64(sealed);
  if (!raw || raw->size() < kNonce + kTag) return fail(Errc::kInvalidArgument, "Invalid encrypted key");
  std::string nonce = raw->substr(0, kNonce), tag = raw->substr(raw->size() - kTag);
  std::string ct = raw->substr(kNonce, raw->size() - kNonce - kTag), pt(ct.size(), '\0');
  Ctx c(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  auto u = [](const std::string& s) { return reinterpret_cast<const unsigned char*>(s.data()); };
  EVP_DecryptInit_ex(c.get(), EVP_aes_256_gcm(), nullptr, u(key_), u(nonce));
  EVP_DecryptUpdate(c.get(), reinterpret_cast<unsigned char*>(pt.data()), &len, u(ct), int(ct.size()));
  EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_SET_TAG, int(kTag), tag.data());
  if (EVP_DecryptFinal_ex(c.get(), nullptr, &len) != 1)
    return fail(Errc::kAuthFailed, "Encrypted key does not match this daemon's master key");
  return pt;
}

}  // namespace kg::config
