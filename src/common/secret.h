// Secrets are a type: zeroed on destruction, never printable, compared in
// constant time. Keys, PSKs, SKEYSEED and nonces-derived material live here.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace kg {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::span<const uint8_t> v) : v_(v.begin(), v.end()) {}
  explicit Secret(std::string_view s) : v_(s.begin(), s.end()) {}
  explicit Secret(size_t n) : v_(n, 0) {}
  Secret(const Secret& o) : v_(o.v_) {}
  Secret(Secret&& o) noexcept : v_(std::move(o.v_)) { o.wipe(); }
  Secret& operator=(const Secret& o) {
    if (this != &o) { wipe(); v_ = o.v_; }
    return *this;
  }
  Secret& operator=(Secret&& o) noexcept {
    if (this != &o) { wipe(); v_ = std::move(o.v_); o.wipe(); }
    return *this;
  }
  ~Secret() { wipe(); }

  [[nodiscard]] std::span<const uint8_t> view() const { return v_; }
  [[nodiscard]] std::span<uint8_t> mut() { return v_; }
  [[nodiscard]] size_t size() const { return v_.size(); }
  [[nodiscard]] bool empty() const { return v_.empty(); }
  // A sub-range copy (e.g. SK_d out of the keying material).
  [[nodiscard]] Secret slice(size_t off, size_t n) const {
    return Secret(std::span<const uint8_t>(v_).subspan(off, n));
  }
  // Constant-time equality (CRYPTO_memcmp).
  [[nodiscard]] bool equals(std::span<const uint8_t> other) const;

 private:
  void wipe();
  std::vector<uint8_t> v_;
};

}  // namespace kg
