// A self-signed certificate and its new key: what IOS makes as the
// TP-self-signed trustpoint for `ip http secure-server` when no
// `ip http secure-trustpoint` is configured. ECDSA P-256, SHA-256, a random
// 128-bit serial, serverAuth, the given common name as subject and as the
// DNS subjectAltName.
#pragma once
#include <memory>
#include <string_view>

#include "common/result.h"
#include "common/secret.h"
#include "crypto/signer.h"
#include "crypto/x509.h"

namespace kg::crypto {

struct SelfSigned {
  Certificate cert;
  std::shared_ptr<KeySigner> key;
};

[[nodiscard]] Result<SelfSigned> make_self_signed(std::string_view common_name, int days);

// DER as a PEM block ("CERTIFICATE", "PRIVATE KEY").
[[nodiscard]] std::string pem_block(std::string_view label, ByteView der);

}  // namespace kg::crypto
