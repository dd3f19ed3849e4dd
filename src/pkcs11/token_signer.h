// A key pair on a token as the IKE engine's crypto::Signer: the private key
// never leaves the token; each signature is a C_Sign through the token's
// login (token_link.h). completes_at_once() is false, so the engine waits
// and the daemon signs on its worker thread (ike/engine.h SignWork): a slow
// token never holds up other tunnels. A token removed or logged out makes
// sign() fail with a message, never a crash.
#pragma once
#include <memory>
#include <string>

#include "crypto/signer.h"
#include "pkcs11/token_keys.h"
#include "pkcs11/token_link.h"

namespace kg::pkcs11 {

class TokenSigner final : public crypto::Signer {
 public:
  TokenSigner(std::shared_ptr<TokenLink> link, std::string key_label, PublicKey pub);

  [[nodiscard]] crypto::KeyInfo key() const override { return info_; }
  [[nodiscard]] Result<Bytes> sign(crypto::SigScheme scheme, ByteView data) const override;
  [[nodiscard]] bool matches(const crypto::Certificate& cert) const override;
  [[nodiscard]] bool completes_at_once() const override { return false; }

  [[nodiscard]] const std::string& label() const { return label_; }
  [[nodiscard]] const TokenLink& link() const { return *link_; }
  [[nodiscard]] const EVP_PKEY* public_key() const { return pub_.get(); }

 private:
  std::shared_ptr<TokenLink> link_;
  std::string label_;
  PublicKey pub_;
  crypto::KeyInfo info_;
};

}  // namespace kg::pkcs11
