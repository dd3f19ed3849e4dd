#include "pkcs11/token_open.h"

#include "pkcs11/slot.h"

namespace kg::pkcs11 {

Result<Session> open_token(const TokenUri& uri, const std::string& module_path) {
  std::vector<std::shared_ptr<Module>> modules;
  if (!module_path.empty()) {
    auto m = Module::load_path(module_path);
    if (!m) return std::unexpected(m.error());
    modules.push_back(*m);
  } else {
    std::vector<std::string> skipped;
    modules = Module::load_registered(&skipped);
    if (modules.empty()) return fail(Errc::kNotFound, "no PKCS#11 module is registered with p11-kit (give --module PATH)");
  }
  for (const auto& m : modules) {
    auto slots = list_slots(m);
    if (!slots) continue;
    for (const auto& s : *slots)
      if (s.present && uri.matches(s.token.raw)) return Session::open(m, s.id);
  }
  return fail(Errc::kNotFound, "no token matches " + uri.text() + " (is it inserted?)");
}

}  // namespace kg::pkcs11
