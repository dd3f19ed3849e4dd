// RFC 7512 `pkcs11:` URIs (p11-kit's parser): which token, and which object
// on it. `pkcs11:token=etoken;object=site-a` names key "site-a" on the token
// labelled "etoken".
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include <p11-kit/pkcs11.h>

#include "common/result.h"

struct p11_kit_uri;

namespace kg::pkcs11 {

class TokenUri {
 public:
  // Is this text a pkcs11: URI (rather than a token name or label)?
  [[nodiscard]] static bool looks_like_uri(std::string_view s);
  [[nodiscard]] static Result<TokenUri> parse(const std::string& text);

  // Does the token match every token attribute the URI gives?
  [[nodiscard]] bool matches(const CK_TOKEN_INFO& token) const;
  // The object= attribute (a key's label), empty when absent.
  [[nodiscard]] const std::string& object() const { return object_; }
  [[nodiscard]] const std::string& text() const { return text_; }

 private:
  std::shared_ptr<p11_kit_uri> uri_;
  std::string object_;
  std::string text_;
};

}  // namespace kg::pkcs11
