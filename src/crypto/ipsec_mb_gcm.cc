#include "crypto/ipsec_mb_gcm.h"

#include <intel-ipsec-mb.h>
#include <openssl/crypto.h>

#include <cstring>

namespace kg::crypto {
namespace {

// One manager for the process. The direct GCM API only reads the
// manager's function table (its job queues, which are per-thread state,
// are never used here), so after this one-time initialisation every
// thread may call through it without a lock.
struct Library {
  IMB_MGR* mgr = nullptr;
  IMB_ARCH arch = IMB_ARCH_NONE;
  Library() {
    mgr = alloc_mb_mgr(0);
    if (!mgr) return;
    init_mb_mgr_auto(mgr, &arch);
    if (imb_get_errno(mgr) != 0 || arch < IMB_ARCH_SSE) {  // IMB_ARCH_NOAESNI: OpenSSL is the better choice
      free_mb_mgr(mgr);
      mgr = nullptr;
    }
  }
  ~Library() {
    if (mgr) free_mb_mgr(mgr);
  }
};

const Library& library() {
  static const Library lib;
  return lib;
}

const char* arch_name(IMB_ARCH a) {
  switch (a) {
    case IMB_ARCH_SSE: return "SSE";
    case IMB_ARCH_AVX: return "AVX";
    case IMB_ARCH_AVX2: return "AVX2";
    case IMB_ARCH_AVX512: return "AVX512";
    default: return "none";
  }
}

}  // namespace

// The library's code loads the key data with aligned instructions: it is
// built with 64-byte alignment, which its header only declares when LINUX
// is defined, so the alignment is stated here.
struct IpsecMbGcm::Key {
  alignas(64) gcm_key_data data;
  aes_gcm_enc_dec_t enc = nullptr;
  aes_gcm_enc_dec_t dec = nullptr;
};

bool ipsec_mb_available() { return library().mgr != nullptr; }

std::string ipsec_mb_label() {
  const Library& lib = library();
  if (!lib.mgr) return {};
  std::string s = std::string(imb_get_version_str()) + " (" + arch_name(lib.arch);
  if (lib.mgr->features & IMB_FEATURE_VAES) s += ", VAES";
  return s + ")";
}

std::unique_ptr<IpsecMbGcm> IpsecMbGcm::create(std::span<const uint8_t> key, std::span<const uint8_t, 4> salt) {
  IMB_MGR* m = library().mgr;
  if (!m || (key.size() != 16 && key.size() != 32)) return nullptr;
  std::unique_ptr<IpsecMbGcm> g(new IpsecMbGcm());
  g->key_ = std::make_unique<Key>();
  std::memcpy(g->salt_, salt.data(), 4);
  Key& k = *g->key_;
  if (key.size() == 16) {
    IMB_AES128_GCM_PRE(m, key.data(), &k.data);
    k.enc = m->gcm128_enc, k.dec = m->gcm128_dec;
  } else {
    IMB_AES256_GCM_PRE(m, key.data(), &k.data);
    k.enc = m->gcm256_enc, k.dec = m->gcm256_dec;
  }
  return g;
}

IpsecMbGcm::~IpsecMbGcm() {
  if (key_) OPENSSL_cleanse(&key_->data, sizeof key_->data);
}

void IpsecMbGcm::seal(std::span<const uint8_t, 8> iv, std::span<const uint8_t> aad, std::span<uint8_t> text,
                      std::span<uint8_t, 16> tag) const {
  alignas(64) uint8_t nonce[12];  // RFC 4106 §4: salt | IV; the library appends the block counter
  std::memcpy(nonce, salt_, 4);
  std::memcpy(nonce + 4, iv.data(), 8);
  alignas(64) gcm_context_data ctx;
  key_->enc(&key_->data, &ctx, text.data(), text.data(), text.size(), nonce, aad.data(), aad.size(), tag.data(),
            tag.size());
}

bool IpsecMbGcm::open(std::span<const uint8_t, 8> iv, std::span<const uint8_t> aad, std::span<uint8_t> text,
                      std::span<const uint8_t, 16> tag) const {
  alignas(64) uint8_t nonce[12];
  std::memcpy(nonce, salt_, 4);
  std::memcpy(nonce + 4, iv.data(), 8);
  alignas(64) gcm_context_data ctx;
  uint8_t computed[16];
  key_->dec(&key_->data, &ctx, text.data(), text.data(), text.size(), nonce, aad.data(), aad.size(), computed,
            sizeof computed);
  return CRYPTO_memcmp(computed, tag.data(), sizeof computed) == 0;
}

}  // namespace kg::crypto
