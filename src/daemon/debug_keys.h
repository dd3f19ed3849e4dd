// Consent-token debug-keys in keygated: while a second party has authorized
// it (consent_service.h), `show crypto ikev2 sa detailed keys` shows the IKE
// and ESP keys of running tunnels and `crypto export wireshark-keys
// file:DIR` writes DIR/ikev2_decryption_table and DIR/esp_sa (a Wireshark
// profile directory), so a capture can be decrypted. Refused otherwise,
// whatever the privilege level.
//
// The data path keeps ESP keys only inside its cipher contexts, so the
// CHILD_SA keys are copied here as they are installed (Secrets, wiped when
// the SA goes): an authorization can then show the tunnels already running.
#pragma once
#include <functional>
#include <map>
#include <vector>

#include "config/session.h"
#include "daemon/consent_service.h"
#include "daemon/wireshark_keys.h"

namespace kg::daemon {

class DebugKeys {
 public:
  using IkeKeys = std::function<std::vector<ike::IkeSaKeys>()>;
  DebugKeys(const ConsentService& consent, IkeKeys ike_keys) : consent_(consent), ike_keys_(std::move(ike_keys)) {}
  void register_commands(config::Config& cfg);
  void installed(const esp::InstallChildSa& sa) { child_[sa.spi_in] = sa; }
  void removed(uint32_t spi_in) { child_.erase(spi_in); }

 private:
  [[nodiscard]] Result<void> allowed() const;
  [[nodiscard]] std::vector<ChildSaKeys> children() const;
  Result<std::string> export_files(const std::string& where) const;

  const ConsentService& consent_;
  IkeKeys ike_keys_;
  std::map<uint32_t, esp::InstallChildSa> child_;  // by inbound SPI
};

}  // namespace kg::daemon
