#include "pkcs11/token_uri.h"

#include <p11-kit/uri.h>

namespace kg::pkcs11 {

bool TokenUri::looks_like_uri(std::string_view s) { return s.starts_with("pkcs11:"); }

Result<TokenUri> TokenUri::parse(const std::string& text) {
  std::shared_ptr<p11_kit_uri> uri(p11_kit_uri_new(), p11_kit_uri_free);
  if (!uri) return fail(Errc::kIo, "out of memory");
  int r = p11_kit_uri_parse(text.c_str(), P11_KIT_URI_FOR_ANY, uri.get());
  if (r != P11_KIT_URI_OK) return fail(Errc::kInvalidSyntax, std::string("bad pkcs11 URI: ") + p11_kit_uri_message(r));
  TokenUri out;
  out.uri_ = uri;
  out.text_ = text;
  CK_ATTRIBUTE* label = p11_kit_uri_get_attribute(uri.get(), CKA_LABEL);
  if (label && label->pValue) out.object_.assign(static_cast<const char*>(label->pValue), label->ulValueLen);
  return out;
}

bool TokenUri::matches(const CK_TOKEN_INFO& token) const {
  return p11_kit_uri_match_token_info(uri_.get(), &token) == 1;
}

}  // namespace kg::pkcs11
