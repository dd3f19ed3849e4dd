// Reassembly of one IKE message sent as Encrypted Fragment (SKF) payloads
// (RFC 7383 §2.6). Pure bookkeeping: the caller has already checked each
// fragment's ICV and decrypted it (a fragment is kept only once it is proven
// genuine, so forged fragments cannot evict real ones), and checked that the
// message ID is one it expects. The set is bounded in fragments and bytes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "common/bytes.h"
#include "common/clock.h"
#include "wire/ike/payloads.h"

namespace kg::ike {

class Reassembly {
 public:
  // Bounds (RFC 7383 §2.6 asks for some): a certificate chain of a few RSA
  // certificates is ~10 kB, so 64 fragments / 64 kB leave ample room.
  static constexpr uint16_t kMaxFragments = 64;
  static constexpr size_t kMaxBytes = 64 * 1024;
  // An incomplete set older than this is discarded when the next fragment comes.
  static constexpr Millis kTimeout{30'000};

  enum class Verdict {
    kKept,       // stored, more to come
    kComplete,   // all fragments are here: take() the message
    kDuplicate,  // this fragment number is already stored
    kStale,      // Total Fragments smaller than the set's (§2.6: a retransmission cut finer wins)
    kTooLarge,   // beyond kMaxFragments or kMaxBytes: the set is discarded
    kMalformed,  // number 0 or above total
  };

  // A verified, decrypted fragment of message `id`. A fragment of another
  // message ID, or with a larger Total Fragments (§2.6), or arriving after
  // kTimeout, discards the set held so far and starts a new one.
  Verdict add(uint32_t id, uint16_t number, uint16_t total, PayloadType first_inner, Bytes plain, TimePoint now);

  // After kComplete: the first inner payload type (from fragment 1) and the
  // plaintext of all fragments in order. The set is emptied.
  struct Whole {
    PayloadType first_inner = PayloadType::kNone;
    Bytes plain;
  };
  Whole take();

  // Fragments discarded with incomplete sets (new message ID, timeout, a
  // larger total), for the statistics; reset by the caller.
  size_t discarded() const { return discarded_; }
  bool active() const { return set_.has_value(); }
  void clear() { set_.reset(); }

 private:
  struct Set {
    uint32_t id = 0;
    uint16_t total = 0;
    uint16_t have = 0;
    size_t bytes = 0;
    PayloadType first_inner = PayloadType::kNone;
    TimePoint started{};
    std::vector<std::optional<Bytes>> parts;
  };
  void discard();
  std::optional<Set> set_;
  size_t discarded_ = 0;
};

const char* verdict_name(Reassembly::Verdict v);

}  // namespace kg::ike
