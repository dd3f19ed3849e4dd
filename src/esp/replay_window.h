// RFC 4303 §3.4.3 anti-replay window. check() before the ICV is verified,
// update() only after it verified, so forged packets cannot move the window.
#pragma once
#include <array>
#include <cstdint>

namespace kg::esp {

class ReplayWindow {
 public:
  static constexpr uint32_t kMaxSize = 1024;
  explicit ReplayWindow(uint32_t size = 64) : size_(size == 0 ? 64 : (size > kMaxSize ? kMaxSize : size)) {}
  // True if `seq` is new and not left of the window. Sequence number 0 is
  // never valid (the first packet carries 1).
  [[nodiscard]] bool check(uint32_t seq) const;
  void update(uint32_t seq);
  [[nodiscard]] uint32_t highest() const { return top_; }
  [[nodiscard]] uint32_t size() const { return size_; }

 private:
  [[nodiscard]] bool test(uint32_t seq) const { return bits_[(seq % kMaxSize) / 64] >> (seq % 64) & 1; }
  void set(uint32_t seq) { bits_[(seq % kMaxSize) / 64] |= uint64_t(1) << (seq % 64); }
  void clear(uint32_t seq) { bits_[(seq % kMaxSize) / 64] &= ~(uint64_t(1) << (seq % 64)); }
  uint32_t size_;
  uint32_t top_ = 0;  // highest sequence number accepted
  std::array<uint64_t, kMaxSize / 64> bits_{};
};

}  // namespace kg::esp
