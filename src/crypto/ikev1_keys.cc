// IKEv1 key schedule and phase-1 CBC (RFC 2409 §5, §5.5, App. B).
#include "crypto/ikev1_keys.h"

#include <openssl/evp.h>

#include "crypto/algorithms.h"
#include "crypto/ossl.h"

namespace kg::crypto::ikev1 {
namespace {

const char* digest_name(Prf p) {
  const PrfAlgorithm* a = find_prf(p);
  return a ? a->digest : nullptr;
}

Bytes be(uint64_t v, size_t n) {
  Bytes b(n);
  for (size_t i = n; i-- > 0; v >>= 8) b[i] = uint8_t(v);
  return b;
}

const char* cbc_name(Cipher c, size_t key_len) {
  if (c == Cipher::k3des) return key_len == 24 ? "DES-EDE3-CBC" : nullptr;
  if (c != Cipher::kAesCbc) return nullptr;
  switch (key_len) {
    case 16: return "AES-128-CBC";
    case 24: return "AES-192-CBC";
    case 32: return "AES-256-CBC";
  }
  return nullptr;
}

Result<Bytes> cbc(bool enc, Cipher c, ByteView key, ByteView iv, ByteView data) {
  const char* name = cbc_name(c, key.size());
  size_t block = cbc_block_size(c);
  if (!name) return fail(Errc::kUnsupported, "IKEv1 cipher or key length");
  if (iv.size() != block || data.size() % block != 0) return fail(Errc::kInvalidArgument, "CBC: IV or length not a block multiple");
  detail::Cipher cipher(EVP_CIPHER_fetch(nullptr, name, nullptr));
  detail::CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!cipher || !ctx) return fail(Errc::kCrypto, "EVP cipher");
  Bytes out(data.size() + block);
  int n = 0, m = 0;
  if (EVP_CipherInit_ex2(ctx.get(), cipher.get(), key.data(), iv.data(), enc ? 1 : 0, nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1 ||
      EVP_CipherUpdate(ctx.get(), out.data(), &n, data.data(), int(data.size())) != 1 ||
      EVP_CipherFinal_ex(ctx.get(), out.data() + n, &m) != 1)
    return fail(Errc::kCrypto, "CBC");
  out.resize(size_t(n + m));
  return out;
}

}  // namespace

Result<Secret> prf(Prf hash, ByteView key, std::initializer_list<ByteView> parts) {
  const char* d = digest_name(hash);
  if (!d) return fail(Errc::kUnsupported, "IKEv1 hash");
  return detail::hmac(d, key, parts);
}

Result<Bytes> digest(Prf hash, std::initializer_list<ByteView> parts) {
  const char* d = digest_name(hash);
  if (!d) return fail(Errc::kUnsupported, "IKEv1 hash");
  std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md(EVP_MD_fetch(nullptr, d, nullptr), EVP_MD_free);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!md || !ctx || EVP_DigestInit_ex2(ctx.get(), md.get(), nullptr) != 1) return fail(Errc::kCrypto, "digest");
  for (ByteView p : parts)
    if (EVP_DigestUpdate(ctx.get(), p.data(), p.size()) != 1) return fail(Errc::kCrypto, "digest");
  Bytes out(size_t(EVP_MD_get_size(md.get())));
  unsigned len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1) return fail(Errc::kCrypto, "digest");
  out.resize(len);
  return out;
}

Result<Secret> skeyid_psk(Prf hash, ByteView psk, ByteView ni, ByteView nr) { return prf(hash, psk, {ni, nr}); }

Result<Secret> skeyid_sig(Prf hash, ByteView ni, ByteView nr, ByteView g_xy) {
  Bytes nonces(ni.begin(), ni.end());
  nonces.insert(nonces.end(), nr.begin(), nr.end());
  return prf(hash, nonces, {g_xy});
}

Result<Phase1Keys> derive_phase1(Prf hash, ByteView skeyid, ByteView g_xy, uint64_t cky_i, uint64_t cky_r,
                                 size_t enc_key_len) {
  Bytes ci = be(cky_i, 8), cr = be(cky_r, 8);
  const uint8_t zero = 0, one = 1, two = 2;
  Phase1Keys k;
  auto d = prf(hash, skeyid, {g_xy, ci, cr, ByteView(&zero, 1)});
  if (!d) return std::unexpected(d.error());
  auto a = prf(hash, skeyid, {d->view(), g_xy, ci, cr, ByteView(&one, 1)});
  if (!a) return std::unexpected(a.error());
  auto e = prf(hash, skeyid, {a->view(), g_xy, ci, cr, ByteView(&two, 1)});
  if (!e) return std::unexpected(e.error());
  k.skeyid_d = std::move(*d);
  k.skeyid_a = std::move(*a);
  k.skeyid_e = std::move(*e);
  if (k.skeyid_e.size() >= enc_key_len) {
    k.enc_key = k.skeyid_e.slice(0, enc_key_len);
    return k;
  }
  Bytes acc;
  Secret prev = Secret(ByteView(&zero, 1));
  while (acc.size() < enc_key_len) {
    auto kn = prf(hash, k.skeyid_e.view(), {prev.view()});
    if (!kn) return std::unexpected(kn.error());
    acc.insert(acc.end(), kn->view().begin(), kn->view().end());
    prev = std::move(*kn);
  }
  k.enc_key = Secret(ByteView(acc).first(enc_key_len));
  std::fill(acc.begin(), acc.end(), 0);
  return k;
}

Result<Bytes> auth_hash(Prf hash, ByteView skeyid, bool initiator, ByteView g_xi, ByteView g_xr, uint64_t cky_i,
                        uint64_t cky_r, ByteView sa_i, ByteView id_b) {
  Bytes ci = be(cky_i, 8), cr = be(cky_r, 8);
  auto h = initiator ? prf(hash, skeyid, {g_xi, g_xr, ci, cr, sa_i, id_b})
                     : prf(hash, skeyid, {g_xr, g_xi, cr, ci, sa_i, id_b});
  if (!h) return std::unexpected(h.error());
  return Bytes(h->view().begin(), h->view().end());
}

Result<Bytes> phase1_iv(Prf hash, ByteView g_xi, ByteView g_xr, size_t block) {
  auto h = digest(hash, {g_xi, g_xr});
  if (!h) return h;
  if (h->size() < block) return fail(Errc::kInvalidArgument, "hash shorter than the cipher block");
  h->resize(block);
  return h;
}

Result<Bytes> phase2_iv(Prf hash, ByteView last_phase1_block, uint32_t message_id, size_t block) {
  Bytes mid = be(message_id, 4);
  auto h = digest(hash, {last_phase1_block, mid});
  if (!h) return h;
  if (h->size() < block) return fail(Errc::kInvalidArgument, "hash shorter than the cipher block");
  h->resize(block);
  return h;
}

Result<Secret> keymat(Prf hash, ByteView skeyid_d, ByteView g_qm, uint8_t protocol, uint32_t spi, ByteView ni,
                      ByteView nr, size_t len) {
  Bytes spi_b = be(spi, 4);
  Bytes acc;
  Secret prev;
  while (acc.size() < len) {
    auto k = prf(hash, skeyid_d, {prev.view(), g_qm, ByteView(&protocol, 1), spi_b, ni, nr});
    if (!k) return std::unexpected(k.error());
    acc.insert(acc.end(), k->view().begin(), k->view().end());
    prev = std::move(*k);
  }
  Secret out(ByteView(acc).first(len));
  std::fill(acc.begin(), acc.end(), 0);
  return out;
}

size_t cbc_block_size(Cipher c) {
  if (c == Cipher::kAesCbc) return 16;
  if (c == Cipher::k3des) return 8;
  return 0;
}

Result<Bytes> cbc_encrypt(Cipher c, ByteView key, ByteView iv, ByteView data) { return cbc(true, c, key, iv, data); }
Result<Bytes> cbc_decrypt(Cipher c, ByteView key, ByteView iv, ByteView data) { return cbc(false, c, key, iv, data); }

}  // namespace kg::crypto::ikev1
