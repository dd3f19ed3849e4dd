// keygated's hardware tokens as a KeyStorage (config/key_storage.h), the one
// way the crypto key commands and trustpoints reach a token's keys: KeyStore
// asks it like any other storage. The storage registered with KeyStore
// stands for every token (its keys are listed, a trustpoint's label or
// pkcs11: URI found on whichever token is logged in); `storage NAME` gives
// a view of one token, by label, usbtokenN or URI, where keys are generated
// or moved.
#pragma once
#include <map>
#include <memory>
#include <string>

#include "config/key_storage.h"
#include "daemon/tokens.h"

namespace kg::daemon {

class TokenStorage final : public config::KeyStorage {
 public:
  // `token` empty: all tokens.
  explicit TokenStorage(Tokens& tokens, std::string token = "") : tokens_(tokens), token_(std::move(token)) {}

  [[nodiscard]] std::string name() const override { return token_.empty() ? "token" : token_; }
  [[nodiscard]] config::KeyStorage* named(const std::string& n) override;
  [[nodiscard]] std::vector<config::KeyEntry> list() const override { return tokens_.key_entries(token_); }
  [[nodiscard]] Result<void> generate(const std::string& label, config::KeySpec spec, bool usage_keys,
                                      bool exportable) override;
  [[nodiscard]] Result<size_t> remove(const std::string& label, bool ec) override {
    return tokens_.remove_keys(token_, label, ec);
  }
  [[nodiscard]] std::shared_ptr<const crypto::Signer> signer(const std::string& label) const override;
  [[nodiscard]] Result<void> import_pkcs8(const std::string& label, ByteView pkcs8, bool exportable) override {
    return tokens_.import_key(token_, label, pkcs8, exportable);
  }

 private:
  Tokens& tokens_;
  std::string token_;
  std::map<std::string, std::unique_ptr<TokenStorage>> views_;  // by the name `storage` gave
};

}  // namespace kg::daemon
