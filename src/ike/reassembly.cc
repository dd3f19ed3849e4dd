#include "ike/reassembly.h"

namespace kg::ike {

void Reassembly::discard() {
  if (set_) discarded_ += set_->have;
  set_.reset();
}

Reassembly::Verdict Reassembly::add(uint32_t id, uint16_t number, uint16_t total, PayloadType first_inner,
                                    Bytes plain, TimePoint now) {
  if (number == 0 || total == 0 || number > total) return Verdict::kMalformed;
  if (total > kMaxFragments || plain.size() > kMaxBytes) return Verdict::kTooLarge;
  if (set_ && (set_->id != id || now - set_->started > kTimeout)) discard();
  if (set_ && total < set_->total) return Verdict::kStale;
  if (set_ && total > set_->total) discard();  // §2.6: the sender re-fragmented smaller; start anew
  if (!set_) {
    set_.emplace();
    set_->id = id;
    set_->total = total;
    set_->started = now;
    set_->parts.resize(total);
  }
  auto& slot = set_->parts[number - 1];
  if (slot) return Verdict::kDuplicate;
  if (set_->bytes + plain.size() > kMaxBytes) {
    discard();
    return Verdict::kTooLarge;
  }
  // §2.5: only fragment 1 says what the first inner payload is.
  if (number == 1) set_->first_inner = first_inner;
  set_->bytes += plain.size();
  slot = std::move(plain);
  return ++set_->have == set_->total ? Verdict::kComplete : Verdict::kKept;
}

Reassembly::Whole Reassembly::take() {
  Whole w;
  if (!set_ || set_->have != set_->total) return w;
  w.first_inner = set_->first_inner;
  w.plain.reserve(set_->bytes);
  for (auto& p : set_->parts) w.plain.insert(w.plain.end(), p->begin(), p->end());
  set_.reset();
  return w;
}

const char* verdict_name(Reassembly::Verdict v) {
  switch (v) {
    case Reassembly::Verdict::kKept: return "kept";
    case Reassembly::Verdict::kComplete: return "complete";
    case Reassembly::Verdict::kDuplicate: return "duplicate fragment";
    case Reassembly::Verdict::kStale: return "fewer fragments than the set being reassembled";
    case Reassembly::Verdict::kTooLarge: return "too many fragments or bytes";
    case Reassembly::Verdict::kMalformed: return "fragment number out of range";
  }
  return "?";
}

}  // namespace kg::ike
