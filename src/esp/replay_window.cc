#include "esp/replay_window.h"

namespace kg::esp {

bool ReplayWindow::check(uint32_t seq) const {
  if (seq == 0) return false;
  if (seq > top_) return true;
  if (top_ - seq >= size_) return false;
  return !test(seq);
}

void ReplayWindow::update(uint32_t seq) {
  if (seq > top_) {
    // Slide: clear the bits of the numbers that enter the window fresh.
    uint32_t shift = seq - top_;
    if (shift >= kMaxSize) {
      bits_.fill(0);
    } else {
      for (uint32_t s = top_ + 1; s != seq + 1; ++s) clear(s);
    }
    top_ = seq;
  }
  set(seq);
}

}  // namespace kg::esp
