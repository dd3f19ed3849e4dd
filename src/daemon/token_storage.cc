#include "daemon/token_storage.h"

namespace kg::daemon {

config::KeyStorage* TokenStorage::named(const std::string& n) {
  if (!token_.empty()) return n == token_ ? this : nullptr;
  if (n.empty()) return nullptr;
  tokens_.ensure_started();
  if (!tokens_.known(n)) return nullptr;
  auto& v = views_[n];
  if (!v) v = std::make_unique<TokenStorage>(tokens_, n);
  return v.get();
}

Result<void> TokenStorage::generate(const std::string& label, config::KeySpec spec, bool usage_keys, bool exportable) {
  if (token_.empty()) return fail(Errc::kInvalidArgument, "Name the token: storage TOKEN");
  // The private key is made inside the token, sensitive and never
  // extractable (token_keys.h); one pair per label.
  if (usage_keys) return fail(Errc::kUnsupported, "usage-keys cannot be generated on a token; use general-keys");
  if (exportable) return fail(Errc::kUnsupported, "Keys generated on a token are never exportable");
  return tokens_.generate(token_, label, !spec.ec, spec.bits);
}

std::shared_ptr<const crypto::Signer> TokenStorage::signer(const std::string& label) const {
  auto k = tokens_.signer(label);
  if (!k || token_.empty()) return k;
  for (auto& e : tokens_.key_entries(token_))
    if (e.label == label) return k;
  return nullptr;
}

}  // namespace kg::daemon
