// Type-6 style key protection: pre-shared keys are printed (show
// running-config, startup-config) only as base64(nonce | AES-256-GCM ct | tag)
// under a per-daemon master key kept in <statedir>/master.key (mode 0600), so
// `write memory` + reload works and the clear key never appears in output.
#pragma once
#include <string>

#include "common/result.h"

namespace kg::config {

class KeyCipher {
 public:
  // state_dir empty: an in-memory random master key (tests, no persistence).
  explicit KeyCipher(const std::string& state_dir);
  std::string seal(const std::string& clear) const;  // deterministic
  Result<std::string> open(const std::string& sealed) const;

 private:
  std::string key_;  // 32 bytes
};

}  // namespace kg::config
