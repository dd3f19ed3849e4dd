// show crypto pki certificates [NAME] and show crypto pki trustpoints [NAME]
// [status], in IOS's layout. Never shows key material: only whether a key
// pair is present.
#include <ctime>

#include <nlohmann/json.hpp>

#include "config/session.h"

namespace kg::config {
namespace {

using A = const ParsedArgs&;
using C = CmdContext&;
using crypto::Certificate;

std::string upper(std::string s) {
  for (char& ch : s) ch = char(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

std::string fingerprint(const Certificate& c) {
  std::string hex = upper(to_hex(c.fingerprint_sha1())), out;
  for (size_t i = 0; i < hex.size(); i += 8) out += hex.substr(i, 8) + (i + 8 < hex.size() ? " " : "");
  return out;
}

// IOS "Certificate Usage": CA certificates sign; a router certificate that may
// also encrypt is "General Purpose".
std::string usage(const Certificate& c) {
  uint32_t ku = c.key_usage();
  if (c.is_ca()) return "Signature";
  if (ku == Certificate::kKeyUsageAbsent || (ku & Certificate::kKuKeyEncipherment)) return "General Purpose";
  return "Signature";
}

std::string status(const Certificate& c) {
  std::time_t now = std::time(nullptr);
  if (now > c.not_after()) return "Expired";
  if (now < c.not_before()) return "Not yet valid";
  return "Available";
}

std::string cn_of(const Certificate& c) {
  for (auto& r : c.subject_rdns())
    if (r.rfind("cn=", 0) == 0 || r.rfind("hostname=", 0) == 0) return r.substr(r.find('=') + 1);
  return "";
}

std::string describe(const Certificate& c, const std::string& title, const std::string& tp) {
  std::string s = title + "\n  Status: " + status(c) + "\n  Certificate Serial Number (hex): " + c.serial_hex() +
                  "\n  Certificate Usage: " + usage(c) + "\n  Issuer: \n";
  for (auto& r : c.issuer_rdns()) s += "    " + r + "\n";
  s += "  Subject:\n";
  if (!c.is_ca() && !cn_of(c).empty()) s += "    Name: " + cn_of(c) + "\n";
  for (auto& r : c.subject_rdns()) s += "    " + r + "\n";
  for (auto& d : c.dns_names()) s += "    dns=" + d + "\n";
  s += "  Validity Date: \n    start date: " + crypto::ios_time(c.not_before()) +
       "\n    end   date: " + crypto::ios_time(c.not_after()) + "\n";
  s += "  Associated Trustpoints: " + tp + " \n\n";
  return s;
}

nlohmann::json cert_json(const Certificate& c, const std::string& tp) {
  return {{"status", status(c)}, {"serial", c.serial_hex()}, {"usage", usage(c)}, {"ca", c.is_ca()},
          {"issuer", c.issuer_rdns()}, {"subject", c.subject_rdns()}, {"dns_names", c.dns_names()},
          {"not_before", crypto::ios_time(c.not_before())}, {"not_after", crypto::ios_time(c.not_after())},
          {"fingerprint_sha1", fingerprint(c)}, {"trustpoint", tp}};
}

Result<std::string> show_certificates(C c, A a) {
  if (a.json) {
    nlohmann::json list = nlohmann::json::array();
    for (auto& [name, tp] : c.config.pki().all()) {
      if (a.size() > 4 && a.at(4) != name) continue;
      if (tp->cert) list.push_back(cert_json(*tp->cert, name));
      for (auto& ca : tp->ca_certs) list.push_back(cert_json(ca, name));
    }
    return nlohmann::json{{"certificates", std::move(list)}}.dump() + "\n";
  }
  std::string out;
  for (auto& [name, tp] : c.config.pki().all()) {
    if (a.size() > 4 && a.at(4) != name) continue;
    if (tp->cert) out += describe(*tp->cert, "Certificate", name);
    for (auto& ca : tp->ca_certs) out += describe(ca, "CA Certificate", name);
  }
  return out;
}

Result<std::string> show_trustpoints(C c, A a) {
  bool want_status = a.size() > 4 && a.at(a.size() - 1) == "status";
  std::string only = a.size() > 4 && a.at(4) != "status" ? a.at(4) : "";
  std::string out;
  if (a.json) {
    nlohmann::json list = nlohmann::json::array();
    for (auto& [name, tp] : c.config.pki().all()) {
      if (!only.empty() && only != name) continue;
      std::string label = key_label(name, c.model.trustpoints.at(name));
      nlohmann::json cas = nlohmann::json::array();
      for (auto& ca : tp->ca_certs) cas.push_back({{"subject", ca.subject()}, {"fingerprint_sha1", fingerprint(ca)}});
      nlohmann::json j{{"name", name}, {"ca_certificates", std::move(cas)}, {"key_label", label},
                       {"key_present", c.config.keys().get(label) != nullptr},
                       {"key_matches_certificate", tp->signer != nullptr}};
      if (tp->cert) j["certificate"] = {{"subject", tp->cert->subject()}, {"fingerprint_sha1", fingerprint(*tp->cert)}};
      list.push_back(std::move(j));
    }
    return nlohmann::json{{"trustpoints", std::move(list)}}.dump() + "\n";
  }
  for (auto& [name, tp] : c.config.pki().all()) {
    if (!only.empty() && only != name) continue;
    out += "Trustpoint " + name + ":\n";
    const PkiTrustpoint& cfg = c.model.trustpoints.at(name);
    if (!want_status) {
      if (!tp->ca_certs.empty()) {
        out += "    Subject Name: \n";
        for (auto& r : tp->ca_certs.front().subject_rdns()) out += "    " + r + "\n";
        out += "          Serial Number (hex): " + tp->ca_certs.front().serial_hex() + "\n";
      }
      out += tp->cert ? "    Certificate configured.\n" : tp->ca_certs.empty() ? "    Not authenticated.\n" : "";
      out += "\n";
      continue;
    }
    for (auto& ca : tp->ca_certs) {
      out += "  Issuing CA certificate configured:\n    Subject Name:\n";
      out += "     " + ca.subject() + "\n    Fingerprint SHA1: " + fingerprint(ca) + "\n";
    }
    if (tp->cert) {
      out += "  Router " + usage(*tp->cert) + " certificate configured:\n    Subject Name:\n";
      out += "     " + tp->cert->subject() + "\n    Fingerprint SHA1: " + fingerprint(*tp->cert) + "\n";
    }
    std::string label = key_label(name, cfg);
    bool key = c.config.keys().get(label) != nullptr;
    auto yes = [](bool b) { return std::string(b ? "Yes" : "No"); };
    out += "  State:\n    Keys generated ............. " +
           (key ? "Yes (" + label + ", " + (tp->signer ? "matches the certificate" : "does NOT match the certificate") + ")"
                : std::string("No")) +
           "\n    Issuing CA authenticated ....... " + yes(!tp->ca_certs.empty()) +
           "\n    Certificate request(s) ..... " + yes(tp->cert.has_value()) + "\n\n";
  }
  return out;
}

}  // namespace

void register_show_pki_commands(CommandTable& t) {
  std::vector<std::string> h = {"Show running system information", "Encryption module", "Show PKI"};
  t.add(Mode::kExec, "show crypto pki certificates [WORD]",
        {h[0], h[1], h[2], "Show certificates", "Trustpoint name"}, show_certificates, false, true);
  t.add(Mode::kExec, "show crypto pki trustpoints [WORD] [status]",
        {h[0], h[1], h[2], "Show trustpoints", "Trustpoint name", "Show trustpoint status"}, show_trustpoints,
        false, true);
  t.add(Mode::kExec, "show crypto pki trustpoints status",
        {h[0], h[1], h[2], "Show trustpoints", "Show trustpoint status"}, show_trustpoints, false, true);
}

}  // namespace kg::config
