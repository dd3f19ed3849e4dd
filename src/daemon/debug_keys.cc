#include "daemon/debug_keys.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "common/log.h"

namespace kg::daemon {
namespace {

// Written with mode 0600 through a temporary name, so a reader never sees
// half a file and nobody else can read the keys.
Result<void> write_private(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return fail(Errc::kIo, "cannot create " + tmp);
  bool ok = ::write(fd, text.data(), text.size()) == ssize_t(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return fail(Errc::kIo, "cannot write " + path);
  }
  return {};
}

}  // namespace

Result<void> DebugKeys::allowed() const {
  if (consent_.authorized(consent::Privilege::kDebugKeys)) return {};
  return fail(Errc::kState,
              "Keys are shown only with a consent-token debug-keys authorization "
              "(request consent-token generate-challenge debug-keys auth-timeout MINUTES)");
}

std::vector<ChildSaKeys> DebugKeys::children() const {
  std::vector<ChildSaKeys> v;
  for (auto& [spi, sa] : child_) v.push_back(sa);
  return v;
}

Result<std::string> DebugKeys::export_files(const std::string& where) const {
  if (!where.starts_with("file:") || where.size() <= 5)
    return fail(Errc::kInvalidArgument, "Give a directory as file:PATH (a Wireshark profile directory)");
  std::string dir = where.substr(5);
  auto ike = ike_keys_();
  auto child = children();
  if (auto r = write_private(dir + "/ikev2_decryption_table", ikev2_decryption_table(ike)); !r)
    return std::unexpected(r.error());
  if (auto r = write_private(dir + "/esp_sa", esp_sa_table(child)); !r) return std::unexpected(r.error());
  log::event("CTOKEN", log::Level::kNotice, "KEYS_EXPORTED",
             "Keys of " + std::to_string(ike.size()) + " IKE SAs and " + std::to_string(child.size()) +
                 " CHILD_SAs exported to " + dir + " (consent-token debug-keys)");
  return "Wrote " + dir + "/ikev2_decryption_table (" + std::to_string(ike.size()) + " IKE SAs) and " + dir +
         "/esp_sa (" + std::to_string(child.size()) + " CHILD_SAs)\n";
}

void DebugKeys::register_commands(config::Config& cfg) {
  cfg.register_exec("show crypto ikev2 sa detailed keys",
                    {"Show running system information", "Encryption module", "Shows ikev2 information",
                     "Shows ikev2 SAs", "detailed output", "The SAs' keys (needs consent-token debug-keys)"},
                    [this](const config::ParsedArgs&) -> Result<std::string> {
                      if (auto a = allowed(); !a) return std::unexpected(a.error());
                      log::event("CTOKEN", log::Level::kNotice, "KEYS_SHOWN",
                                 "IKE and ESP keys shown (consent-token debug-keys)");
                      return keys_text(ike_keys_(), children());
                    });
  cfg.register_exec("crypto export wireshark-keys WORD",
                    {"Encryption module", "Export", "IKE and ESP keys for Wireshark (needs consent-token debug-keys)",
                     "file:DIR: writes DIR/ikev2_decryption_table and DIR/esp_sa"},
                    [this](const config::ParsedArgs& a) -> Result<std::string> {
                      if (auto ok = allowed(); !ok) return std::unexpected(ok.error());
                      return export_files(a.at(3));
                    });
}

}  // namespace kg::daemon
