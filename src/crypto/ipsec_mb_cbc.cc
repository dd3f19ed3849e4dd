// The library's compatibility names (SHA1, SHA_256, CBC...) clash with
// OpenSSL's functions of the same names: use only the IMB_ ones.
#define NO_COMPAT_IMB_API_053
#include "crypto/ipsec_mb_cbc.h"

#include <intel-ipsec-mb.h>
#include <openssl/crypto.h>

#include <cstring>

#include "crypto/ipsec_mb_gcm.h"

namespace kg::crypto {
namespace {

constexpr size_t kHeader = 8;   // SPI | seq
constexpr size_t kIv = 16;      // RFC 3602 §2.1
constexpr size_t kBlock = 16;

// One manager of the given kind for the calling thread; nullptr when the
// library is not usable here.
struct ThreadManagers {
  IMB_MGR* single = nullptr;  // SSE type: single-buffer AES-NI / SHA-NI code
  IMB_MGR* multi = nullptr;   // the best type for this CPU: multi-buffer lanes
  ThreadManagers() {
    if (!ipsec_mb_available()) return;
    single = alloc_mb_mgr(0);
    multi = alloc_mb_mgr(0);
    if (!single || !multi) return;
    init_mb_mgr_sse(single);
    IMB_ARCH arch = IMB_ARCH_NONE;
    init_mb_mgr_auto(multi, &arch);
    if (imb_get_errno(single) != 0 || imb_get_errno(multi) != 0) {
      free_mb_mgr(single), free_mb_mgr(multi);
      single = multi = nullptr;
    }
  }
  ~ThreadManagers() {
    if (single) free_mb_mgr(single);
    if (multi) free_mb_mgr(multi);
  }
};

ThreadManagers& managers() {
  thread_local ThreadManagers m;
  return m;
}

struct HashInfo {
  IMB_HASH_ALG alg;
  size_t block, icv;
};

bool hash_info(Mac integ, HashInfo& h) {
  switch (integ) {
    case Mac::kHmacSha1_96: h = {IMB_AUTH_HMAC_SHA_1, 64, 12}; return true;
    case Mac::kHmacSha2_256_128: h = {IMB_AUTH_HMAC_SHA_256, 64, 16}; return true;
    case Mac::kHmacSha2_384_192: h = {IMB_AUTH_HMAC_SHA_384, 128, 24}; return true;
    case Mac::kHmacSha2_512_256: h = {IMB_AUTH_HMAC_SHA_512, 128, 32}; return true;
    default: return false;
  }
}

}  // namespace

// The library reads the expanded keys with aligned loads.
struct IpsecMbCbc::Key {
  alignas(64) uint8_t enc[16 * 15];
  alignas(64) uint8_t dec[16 * 15];
  alignas(64) uint8_t ipad[64];  // digest state after (K xor ipad), RFC 2104
  alignas(64) uint8_t opad[64];  // digest state after (K xor opad)
  uint64_t key_len = 16;
  IMB_HASH_ALG hash = IMB_AUTH_HMAC_SHA_1;
};

bool ipsec_mb_cbc_integ(Mac integ) {
  HashInfo h;
  return hash_info(integ, h);
}

std::unique_ptr<IpsecMbCbc> IpsecMbCbc::create(std::span<const uint8_t> aes_key, Mac integ,
                                               std::span<const uint8_t> mac_key) {
  IMB_MGR* m = managers().single;
  HashInfo h;
  if (!m || !hash_info(integ, h) || mac_key.size() > h.block) return nullptr;
  std::unique_ptr<IpsecMbCbc> c(new IpsecMbCbc());
  c->key_ = std::make_unique<Key>();
  Key& k = *c->key_;
  switch (aes_key.size()) {
    case 16: IMB_AES_KEYEXP_128(m, aes_key.data(), k.enc, k.dec); break;
    case 24: IMB_AES_KEYEXP_192(m, aes_key.data(), k.enc, k.dec); break;
    case 32: IMB_AES_KEYEXP_256(m, aes_key.data(), k.enc, k.dec); break;
    default: return nullptr;
  }
  k.key_len = aes_key.size();
  k.hash = h.alg;
  c->icv_ = h.icv;
  c->single_pays_ = (h.alg == IMB_AUTH_HMAC_SHA_1 || h.alg == IMB_AUTH_HMAC_SHA_256) &&
                    (m->features & IMB_FEATURE_SHANI) != 0;
  // RFC 2104 §2: the key zero-padded to the block, xor ipad / opad, one
  // compression each; the job API resumes from these two states.
  alignas(64) uint8_t pad[128];
  for (uint8_t v : {uint8_t(0x36), uint8_t(0x5c)}) {
    std::memset(pad, v, h.block);
    for (size_t i = 0; i < mac_key.size(); ++i) pad[i] ^= mac_key[i];
    uint8_t* out = v == 0x36 ? k.ipad : k.opad;
    switch (h.alg) {
      case IMB_AUTH_HMAC_SHA_1: IMB_SHA1_ONE_BLOCK(m, pad, out); break;
      case IMB_AUTH_HMAC_SHA_256: IMB_SHA256_ONE_BLOCK(m, pad, out); break;
      case IMB_AUTH_HMAC_SHA_384: IMB_SHA384_ONE_BLOCK(m, pad, out); break;
      default: IMB_SHA512_ONE_BLOCK(m, pad, out); break;
    }
  }
  OPENSSL_cleanse(pad, sizeof pad);
  return c;
}

IpsecMbCbc::~IpsecMbCbc() {
  if (key_) OPENSSL_cleanse(key_.get(), sizeof *key_);
}

namespace {

// Fills the manager's next job: CBC over the payload, HMAC over the whole
// packet; sealing ciphers first, opening hashes first (encrypt-then-MAC,
// RFC 4303 §3.3.2 / §3.4.4). `tag` receives the HMAC, truncated.
IMB_JOB* prepare(IMB_MGR* m, const void* enc, const void* dec, uint64_t key_len, IMB_HASH_ALG hash,
                 const uint8_t* ipad, const uint8_t* opad, std::span<uint8_t> packet, uint8_t* tag, size_t icv,
                 bool seal) {
  if (packet.size() <= kHeader + kIv || (packet.size() - kHeader - kIv) % kBlock != 0) return nullptr;
  IMB_JOB* j = IMB_GET_NEXT_JOB(m);
  j->cipher_mode = IMB_CIPHER_CBC;
  j->cipher_direction = seal ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
  j->chain_order = seal ? IMB_ORDER_CIPHER_HASH : IMB_ORDER_HASH_CIPHER;
  j->enc_keys = enc;
  j->dec_keys = dec;
  j->key_len_in_bytes = key_len;
  j->src = packet.data();
  j->dst = packet.data() + kHeader + kIv;
  j->cipher_start_src_offset_in_bytes = kHeader + kIv;
  j->msg_len_to_cipher_in_bytes = packet.size() - kHeader - kIv;
  j->iv = packet.data() + kHeader;
  j->iv_len_in_bytes = kIv;
  j->hash_alg = hash;
  j->hash_start_src_offset_in_bytes = 0;
  j->msg_len_to_hash_in_bytes = packet.size();
  j->auth_tag_output = tag;
  j->auth_tag_output_len_in_bytes = icv;
  j->u.HMAC._hashed_auth_key_xor_ipad = ipad;
  j->u.HMAC._hashed_auth_key_xor_opad = opad;
  return j;
}

// Submits `j` and runs the manager dry; the status of the job that was `j`.
bool run_one(IMB_MGR* m, IMB_JOB* j) {
  j->user_data = j;
  bool ok = false;
  for (IMB_JOB* done = IMB_SUBMIT_JOB(m); done || (done = IMB_FLUSH_JOB(m)); done = nullptr)
    if (done->user_data == j) ok = done->status == IMB_STATUS_COMPLETED;
  return ok;
}

}  // namespace

bool IpsecMbCbc::seal(std::span<uint8_t> packet, std::span<uint8_t> icv) const {
  IMB_MGR* m = managers().single;
  if (!m || icv.size() < icv_) return false;
  const Key& k = *key_;
  IMB_JOB* j = prepare(m, k.enc, k.dec, k.key_len, k.hash, k.ipad, k.opad, packet, icv.data(), icv_, true);
  return j && run_one(m, j);
}

bool IpsecMbCbc::open(std::span<uint8_t> packet, std::span<const uint8_t> icv) const {
  IMB_MGR* m = managers().single;
  if (!m || icv.size() != icv_) return false;
  const Key& k = *key_;
  uint8_t computed[32];
  IMB_JOB* j = prepare(m, k.enc, k.dec, k.key_len, k.hash, k.ipad, k.opad, packet, computed, icv_, false);
  return j && run_one(m, j) && CRYPTO_memcmp(computed, icv.data(), icv_) == 0;
}

struct IpsecMbCbc::Batch::State {
  struct Entry {
    uint8_t computed[32];       // open: the HMAC the library computed
    const uint8_t* expected;    // open: the packet's ICV; seal: nullptr
    size_t icv;
    bool done, ok;
  };
  Entry entries[kMaxJobs];
  uint32_t queued[kMaxJobs];  // indexes in submission order
  size_t n = 0;

  void record(IMB_JOB* done) {
    Entry& e = entries[reinterpret_cast<uintptr_t>(done->user_data)];
    e.done = true;
    e.ok = done->status == IMB_STATUS_COMPLETED &&
           (!e.expected || CRYPTO_memcmp(e.computed, e.expected, e.icv) == 0);
  }
};

IpsecMbCbc::Batch::Batch() : st_(std::make_unique<State>()) {}

IpsecMbCbc::Batch::~Batch() {
  bool ok[kMaxJobs];
  finish(ok);
}

bool IpsecMbCbc::Batch::add_seal(const IpsecMbCbc& c, std::span<uint8_t> packet, std::span<uint8_t> icv,
                                 uint32_t index) {
  IMB_MGR* m = managers().multi;
  if (!m || index >= kMaxJobs || st_->n == kMaxJobs || icv.size() < c.icv_) return false;
  const Key& k = *c.key_;
  State::Entry& e = st_->entries[index];
  e = {{}, nullptr, c.icv_, false, false};
  IMB_JOB* j = prepare(m, k.enc, k.dec, k.key_len, k.hash, k.ipad, k.opad, packet, icv.data(), c.icv_, true);
  if (!j) return false;
  j->user_data = reinterpret_cast<void*>(uintptr_t(index));
  st_->queued[st_->n++] = index;
  if (IMB_JOB* done = IMB_SUBMIT_JOB(m)) st_->record(done);
  return true;
}

bool IpsecMbCbc::Batch::add_open(const IpsecMbCbc& c, std::span<uint8_t> packet, std::span<const uint8_t> icv,
                                 uint32_t index) {
  IMB_MGR* m = managers().multi;
  if (!m || index >= kMaxJobs || st_->n == kMaxJobs || icv.size() != c.icv_) return false;
  const Key& k = *c.key_;
  State::Entry& e = st_->entries[index];
  e = {{}, icv.data(), c.icv_, false, false};
  IMB_JOB* j = prepare(m, k.enc, k.dec, k.key_len, k.hash, k.ipad, k.opad, packet, e.computed, c.icv_, false);
  if (!j) return false;
  j->user_data = reinterpret_cast<void*>(uintptr_t(index));
  st_->queued[st_->n++] = index;
  if (IMB_JOB* done = IMB_SUBMIT_JOB(m)) st_->record(done);
  return true;
}

size_t IpsecMbCbc::Batch::finish(std::span<bool> ok) {
  State& s = *st_;
  if (s.n == 0) return 0;
  if (IMB_MGR* m = managers().multi)
    while (IMB_JOB* done = IMB_FLUSH_JOB(m)) s.record(done);
  size_t failed = 0;
  for (size_t i = 0; i < s.n; ++i) {
    const State::Entry& e = s.entries[s.queued[i]];
    const bool good = e.done && e.ok;
    if (s.queued[i] < ok.size()) ok[s.queued[i]] = good;
    failed += !good;
  }
  s.n = 0;
  return failed;
}

}  // namespace kg::crypto
