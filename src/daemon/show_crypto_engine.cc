#include "daemon/show_crypto_engine.h"

#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/algorithms.h"
#include "crypto/crypto_engine.h"
#include "crypto/ipsec_mb_gcm.h"

namespace kg::daemon {
namespace {

struct EngineBlock {
  std::string name;
  std::string state;                // IOS: "installed"; a library present but switched off: "disabled"
  std::vector<std::string> used_for;
};

// Each ESP transform of the algorithm registry under the engine that runs
// it (crypto::esp_engine_for), each ESP integrity algorithm likewise, IKEv2
// under OpenSSL; the
// library's block is listed whenever it is usable here, "disabled" when
// KEYGATE_CRYPTO=openssl keeps it out.
std::vector<EngineBlock> engines() {
  using crypto::CryptoEngine;
  const CryptoEngine chosen = crypto::esp_engine();
  EngineBlock mb{crypto::engine_name(CryptoEngine::kIpsecMb),
                 chosen == CryptoEngine::kIpsecMb ? "installed" : "disabled", {}};
  EngineBlock ossl{crypto::engine_name(CryptoEngine::kOpenSsl), "installed", {}};
  for (const auto& a : crypto::encr_algorithms()) {
    if (!a.esp || a.esp_show.empty()) continue;
    (crypto::esp_engine_for(a, chosen) == CryptoEngine::kIpsecMb ? mb : ossl).used_for.emplace_back(a.esp_show);
  }
  for (const auto& i : crypto::integ_algorithms())
    if (!i.esp_word.empty())
      (crypto::esp_engine_for(i, chosen) == CryptoEngine::kIpsecMb ? mb : ossl).used_for.emplace_back(i.esp_word);
  ossl.used_for.emplace_back("ikev2");
  std::vector<EngineBlock> out;
  if (crypto::ipsec_mb_available()) out.push_back(std::move(mb));
  out.push_back(std::move(ossl));
  return out;
}

}  // namespace

std::string show_crypto_engine(bool json, const std::string& esp_io) {
  auto list = engines();
  if (json) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& e : list)
      a.push_back({{"name", e.name}, {"type", "software"}, {"state", e.state}, {"used_for", e.used_for}});
    nlohmann::json j{{"engines", std::move(a)}};
    if (!esp_io.empty()) j["esp_packet_io"] = esp_io;
    return j.dump() + "\n";
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
  if (!esp_io.empty()) s += "plain ESP packet I/O: " + esp_io + "\n";
  return s;
}

void register_crypto_engine_show(config::Config& cfg, std::function<std::string()> esp_io) {
  cfg.register_exec("show crypto engine",
                    {"Show running system information", "Encryption module", "Show crypto engine information"},
                    [esp_io](const config::ParsedArgs& a) -> Result<std::string> {
                      return show_crypto_engine(a.json, esp_io ? esp_io() : std::string());
                    },
                    true);
}

}  // namespace kg::daemon
