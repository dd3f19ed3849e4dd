#include "daemon/show_crypto_engine.h"

#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/crypto_engine.h"
#include "crypto/ipsec_mb_gcm.h"

namespace kg::daemon {
namespace {

struct EngineBlock {
  std::string name;
  std::string state;                // IOS: "installed"; a library present but switched off: "disabled"
  std::vector<std::string> used_for;
};

// The OpenSSL block always (IKE and the other ESP transforms); the IPsec
// Multi-Buffer block when the library is usable on this CPU, holding ESP
// AES-GCM unless KEYGATE_CRYPTO=openssl moved it to OpenSSL.
std::vector<EngineBlock> engines() {
  using crypto::CryptoEngine;
  const bool mb = crypto::esp_engine() == CryptoEngine::kIpsecMb;
  std::vector<EngineBlock> out;
  if (crypto::ipsec_mb_available())
    out.push_back({crypto::engine_name(CryptoEngine::kIpsecMb), mb ? "installed" : "disabled",
                   mb ? std::vector<std::string>{"esp-gcm", "esp-gcm 256"} : std::vector<std::string>{}});
  EngineBlock ossl{crypto::engine_name(CryptoEngine::kOpenSsl), "installed", {}};
  if (!mb) ossl.used_for = {"esp-gcm", "esp-gcm 256"};
  for (const char* t : {"esp-aes", "esp-3des", "esp-chacha20-poly1305", "esp-*-hmac", "ikev2"})
    ossl.used_for.push_back(t);
  out.push_back(std::move(ossl));
  return out;
}

}  // namespace

std::string show_crypto_engine(bool json) {
  auto list = engines();
  if (json) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& e : list)
      a.push_back({{"name", e.name}, {"type", "software"}, {"state", e.state}, {"used_for", e.used_for}});
    return nlohmann::json{{"engines", std::move(a)}}.dump() + "\n";
  }
  std::string s;
  for (const auto& e : list) {
    std::string used;
    for (const auto& u : e.used_for) used += (used.empty() ? "" : ", ") + u;
    s += "crypto engine name:  " + e.name + "\n";
    s += "crypto engine type:  software\n";
    s += "crypto engine state: " + e.state + "\n";
    s += "crypto engine used for: " + (used.empty() ? std::string("none") : used) + "\n\n";
  }
  return s;
}

void register_crypto_engine_show(config::Config& cfg) {
  cfg.register_exec("show crypto engine",
                    {"Show running system information", "Encryption module", "Show crypto engine information"},
                    [](const config::ParsedArgs& a) -> Result<std::string> { return show_crypto_engine(a.json); },
                    true);
}

}  // namespace kg::daemon
