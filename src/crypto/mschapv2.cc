#include "crypto/mschapv2.h"

#include <openssl/evp.h>
#include <openssl/provider.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>

#include "crypto/ossl.h"

namespace kg::crypto::mschapv2 {
namespace {

// MD4 and DES-ECB from a library context of its own with the legacy
// provider loaded: fetched once, kept for the life of the process.
struct Legacy {
  EVP_MD* md4 = nullptr;
  EVP_CIPHER* des = nullptr;
  Legacy() {
    OSSL_LIB_CTX* ctx = OSSL_LIB_CTX_new();
    if (!ctx || !OSSL_PROVIDER_load(ctx, "legacy") || !OSSL_PROVIDER_load(ctx, "default")) return;
    md4 = EVP_MD_fetch(ctx, "MD4", nullptr);
    des = EVP_CIPHER_fetch(ctx, "DES-ECB", nullptr);
  }
};
const Legacy& legacy() {
  static const Legacy l;
  return l;
}
constexpr const char* kNoLegacy = "OpenSSL's legacy provider (MD4, DES) is not available";

Result<Secret> md4(ByteView data) {
  if (!legacy().md4) return fail(Errc::kUnsupported, kNoLegacy);
  Secret out(16);
  unsigned n = 0;
  if (EVP_Digest(data.data(), data.size(), out.mut().data(), &n, legacy().md4, nullptr) != 1 || n != 16)
    return fail(Errc::kCrypto, "MD4 failed");
  return out;
}

// SHA-1 over the concatenation of parts (always in the default provider).
Bytes sha1(std::initializer_list<ByteView> parts) {
  Bytes out(20);
  unsigned n = 0;
  detail::MdCtx ctx(EVP_MD_CTX_new());
  bool ok = ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha1(), nullptr) == 1;
  for (ByteView p : parts) ok = ok && EVP_DigestUpdate(ctx.get(), p.data(), p.size()) == 1;
  if (!ok || EVP_DigestFinal_ex(ctx.get(), out.data(), &n) != 1 || n != 20) {
    std::fputs("keygate: OpenSSL cannot compute SHA-1\n", stderr);
    std::abort();
  }
  return out;
}

ByteView text(std::string_view s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

// UTF-8 to UTF-16LE (RFC 2759 §8.3 hashes the Unicode password).
Result<Secret> utf16le(ByteView s) {
  Secret out(s.size() * 4);
  size_t n = 0;
  auto put = [&](uint32_t u) {
    out.mut()[n++] = uint8_t(u);
    out.mut()[n++] = uint8_t(u >> 8);
  };
  for (size_t i = 0; i < s.size();) {
    uint8_t b = s[i];
    size_t extra = b < 0x80 ? 0 : (b & 0xE0) == 0xC0 ? 1 : (b & 0xF0) == 0xE0 ? 2 : (b & 0xF8) == 0xF0 ? 3 : 4;
    if (extra == 4 || i + extra >= s.size()) return fail(Errc::kInvalidArgument, "password is not UTF-8");
    uint32_t cp = extra == 0 ? b : b & (0x3F >> extra);
    for (size_t k = 1; k <= extra; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return fail(Errc::kInvalidArgument, "password is not UTF-8");
      cp = cp << 6 | (s[i + k] & 0x3F);
    }
    i += extra + 1;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return fail(Errc::kInvalidArgument, "password is not UTF-8");
    if (cp >= 0x10000) {
      put(0xD800 + ((cp - 0x10000) >> 10));
      put(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      put(cp);
    }
  }
  return out.slice(0, n);
}

// RFC 2759 §8.6 DesEncrypt: a 7-octet key spread over 8 octets (the low
// bit of each is DES parity, which OpenSSL ignores).
Result<void> des_encrypt(ByteView clear, ByteView key7, std::span<uint8_t> out) {
  if (!legacy().des) return fail(Errc::kUnsupported, kNoLegacy);
  uint8_t key[8];
  key[0] = key7[0];
  for (int i = 1; i < 7; ++i) key[i] = uint8_t(key7[i - 1] << (8 - i) | key7[i] >> i);
  key[7] = uint8_t(key7[6] << 1);
  detail::CipherCtx ctx(EVP_CIPHER_CTX_new());
  int n = 0;
  bool ok = ctx && EVP_EncryptInit_ex2(ctx.get(), legacy().des, key, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_set_padding(ctx.get(), 0) == 1 &&
            EVP_EncryptUpdate(ctx.get(), out.data(), &n, clear.data(), 8) == 1 && n == 8;
  OPENSSL_cleanse(key, sizeof key);
  if (!ok) return fail(Errc::kCrypto, "DES failed");
  return {};
}

// RFC 2759 §8.7 and RFC 3079 §3.4 magic constants.
constexpr std::string_view kServerSigning = "Magic server to client signing constant";
constexpr std::string_view kMoreThanOne = "Pad to make it do more than one iteration";
constexpr std::string_view kMasterKey = "This is the MPPE Master Key";
constexpr std::string_view kClientSendKey =
    "On the client side, this is the send key; on the server side, it is the receive key.";
constexpr std::string_view kClientReceiveKey =
    "On the client side, this is the receive key; on the server side, it is the send key.";

}  // namespace

Result<Secret> nt_password_hash(const Secret& password) {
  auto u = utf16le(password.view());
  if (!u) return std::unexpected(u.error());
  return md4(u->view());
}

Result<Secret> hash_nt_password_hash(const Secret& password_hash) { return md4(password_hash.view()); }

Bytes challenge_hash(ByteView peer_challenge, ByteView auth_challenge, std::string_view user) {
  if (auto slash = user.find('\\'); slash != std::string_view::npos) user.remove_prefix(slash + 1);
  Bytes d = sha1({peer_challenge, auth_challenge, text(user)});
  d.resize(8);
  return d;
}

Result<Bytes> challenge_response(ByteView challenge, const Secret& password_hash) {
  if (challenge.size() != 8 || password_hash.size() != 16) return fail(Errc::kInvalidArgument, "ChallengeResponse sizes");
  uint8_t z[21] = {};
  std::copy(password_hash.view().begin(), password_hash.view().end(), z);
  Bytes out(kNtResponseSize);
  for (size_t i = 0; i < 3; ++i) {
    auto r = des_encrypt(challenge, ByteView(z + 7 * i, 7), std::span<uint8_t>(out).subspan(8 * i, 8));
    if (!r) {
      OPENSSL_cleanse(z, sizeof z);
      return std::unexpected(r.error());
    }
  }
  OPENSSL_cleanse(z, sizeof z);
  return out;
}

Result<Bytes> nt_response(ByteView auth_challenge, ByteView peer_challenge, std::string_view user,
                          const Secret& password) {
  auto hash = nt_password_hash(password);
  if (!hash) return std::unexpected(hash.error());
  return challenge_response(challenge_hash(peer_challenge, auth_challenge, user), *hash);
}

Result<std::string> authenticator_response(const Secret& password, ByteView nt_resp, ByteView peer_challenge,
                                           ByteView auth_challenge, std::string_view user) {
  auto hash = nt_password_hash(password);
  if (!hash) return std::unexpected(hash.error());
  auto hash_hash = hash_nt_password_hash(*hash);
  if (!hash_hash) return std::unexpected(hash_hash.error());
  Bytes d = sha1({hash_hash->view(), nt_resp, text(kServerSigning)});
  d = sha1({d, challenge_hash(peer_challenge, auth_challenge, user), text(kMoreThanOne)});
  std::string hex = to_hex(d);
  for (char& c : hex) c = char(std::toupper(static_cast<unsigned char>(c)));
  return "S=" + hex;
}

Secret master_key(const Secret& password_hash_hash, ByteView nt_resp) {
  Secret d(sha1({password_hash_hash.view(), nt_resp, text(kMasterKey)}));
  return d.slice(0, 16);
}

Secret asymmetric_start_key(const Secret& master, bool is_send, bool is_server) {
  static constexpr std::array<uint8_t, 40> kPad1{};
  std::array<uint8_t, 40> pad2;
  pad2.fill(0xF2);
  std::string_view s = is_send == is_server ? kClientReceiveKey : kClientSendKey;
  Secret d(sha1({master.view(), kPad1, text(s), pad2}));
  return d.slice(0, 16);
}

Result<Secret> peer_msk(const Secret& password, ByteView nt_resp) {
  auto hash = nt_password_hash(password);
  if (!hash) return std::unexpected(hash.error());
  auto hash_hash = hash_nt_password_hash(*hash);
  if (!hash_hash) return std::unexpected(hash_hash.error());
  Secret master = master_key(*hash_hash, nt_resp);
  Secret send = asymmetric_start_key(master, true, false), recv = asymmetric_start_key(master, false, false);
  Secret msk(kMskSize);
  std::copy(send.view().begin(), send.view().end(), msk.mut().begin());
  std::copy(recv.view().begin(), recv.view().end(), msk.mut().begin() + 16);
  return msk;
}

}  // namespace kg::crypto::mschapv2
