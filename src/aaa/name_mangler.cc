#include "aaa/name_mangler.h"

#include <algorithm>
#include <cctype>

namespace kg::aaa {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(std::string s) {
  s.erase(0, s.find_first_not_of(' '));
  s.erase(s.find_last_not_of(' ') + 1);
  return s;
}

// The attribute type of each IOS field word.
std::optional<std::string> dn_key(const std::string& field) {
  if (field == "common-name") return "cn";
  if (field == "country") return "c";
  if (field == "domain") return "dc";
  if (field == "locality") return "l";
  if (field == "organization") return "o";
  if (field == "organization-unit") return "ou";
  if (field == "state") return "st";
  return std::nullopt;
}

// `before`: the part before the first `d`, else the part after it.
std::optional<std::string> split(const std::string& s, char d, bool before) {
  auto p = s.find(d);
  if (p == std::string::npos || p == 0 || p + 1 == s.size()) return std::nullopt;
  return before ? s.substr(0, p) : s.substr(p + 1);
}

}  // namespace

std::optional<std::string> dn_field(const std::string& dn, const std::string& field) {
  auto key = dn_key(field);
  if (!key) return std::nullopt;
  char sep = !dn.empty() && dn.front() == '/' ? '/' : ',';
  std::string part;
  auto take = [&](const std::string& rdn) -> std::optional<std::string> {
    auto eq = rdn.find('=');
    if (eq == std::string::npos) return std::nullopt;
    if (lower(trim(rdn.substr(0, eq))) != *key) return std::nullopt;
    auto v = trim(rdn.substr(eq + 1));
    if (v.empty()) return std::nullopt;
    return v;
  };
  for (size_t i = 0; i <= dn.size(); ++i) {
    if (i == dn.size() || (dn[i] == sep && (i == 0 || dn[i - 1] != '\\')) || (sep == ',' && dn[i] == '+')) {
      if (auto v = take(part)) return v;
      part.clear();
    } else {
      part += dn[i];
    }
  }
  return std::nullopt;
}

Result<std::string> mangle(const config::NameMangler& m, const std::string& kind, const std::string& identity) {
  auto none = [&](const std::string& why) { return fail(Errc::kNotFound, why); };
  if (kind == "fqdn") {
    if (m.fqdn.empty()) return none("no fqdn rule for FQDN identity " + identity);
    if (m.fqdn == "all") return identity;
    if (auto v = split(identity, '.', m.fqdn == "hostname")) return *v;
    return none("FQDN identity " + identity + " has no " + m.fqdn);
  }
  if (kind == "email") {
    if (m.email.empty()) return none("no email rule for email identity " + identity);
    if (m.email == "all") return identity;
    if (auto v = split(identity, '@', m.email == "username")) return *v;
    return none("email identity " + identity + " has no " + m.email);
  }
  if (kind == "dn") {
    if (m.dn.empty()) return none("no dn rule for DN identity " + identity);
    if (auto v = dn_field(identity, m.dn)) return *v;
    return none("DN " + identity + " has no " + m.dn);
  }
  if (kind == "eap") {
    if (m.eap.empty()) return none("no eap rule for EAP identity " + identity);
    if (m.eap == "all") return identity;
    if (m.eap.starts_with("dn ")) {
      if (auto v = dn_field(identity, m.eap.substr(3))) return *v;
      return none("EAP identity " + identity + " has no " + m.eap.substr(3));
    }
    // "prefix delimiter D" / "suffix delimiter D"
    bool prefix = m.eap.starts_with("prefix");
    char d = m.eap.back();
    if (auto v = split(identity, d, prefix)) return *v;
    return none("EAP identity " + identity + " has no delimiter " + std::string(1, d));
  }
  return none("a name-mangler has no rule for " + kind + " identities (" + identity + ")");
}

}  // namespace kg::aaa
