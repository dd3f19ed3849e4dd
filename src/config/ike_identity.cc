#include "config/ike_identity.h"

#include <vector>

namespace kg::config {
namespace {

std::vector<std::string> split(std::string_view s) {
  std::vector<std::string> w;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t b = i;
    while (i < s.size() && s[i] != ' ') ++i;
    if (i > b) w.emplace_back(s.substr(b, i - b));
  }
  return w;
}

}  // namespace

std::optional<AddressMatch> AddressMatch::parse(std::string_view words) {
  auto w = split(words);
  if (w.empty() || w.size() > 2) return std::nullopt;
  if (w.size() == 1 && w[0].find('/') != std::string::npos) {
    auto p = Prefix::parse(w[0]);
    if (!p) return std::nullopt;
    return AddressMatch{*p, Form::kSlash};
  }
  auto a = IpAddress::parse(w[0]);
  if (!a) return std::nullopt;
  if (w.size() == 1) return AddressMatch{Prefix{*a, uint8_t(a->size() * 8)}, Form::kHost};
  auto m = IpAddress::parse(w[1]);
  if (!m) return std::nullopt;
  auto p = Prefix::from_mask(*a, *m);
  if (!p) return std::nullopt;
  return AddressMatch{*p, Form::kMask};
}

std::string AddressMatch::str() const {
  switch (form) {
    case Form::kHost: return prefix.addr.str();
    case Form::kMask: return prefix.addr.str() + " " + prefix.mask().str();
    case Form::kSlash: break;
  }
  return prefix.addr.str() + "/" + std::to_string(prefix.len);
}

bool AddressMatch::any() const {
  return prefix.len == 0 || (prefix.addr.is_unspecified() && prefix.len == prefix.addr.size() * 8);
}

bool AddressMatch::contains(const IpAddress& a) const {
  return prefix.addr.is_v4() == a.is_v4() && prefix.contains(a);
}

std::optional<IkeIdentity> IkeIdentity::parse(std::string_view words) {
  auto w = split(words);
  if (w.empty()) return std::nullopt;
  IkeIdentity id;
  const std::string& k = w[0];
  if (w.size() == 1 && (k == "any" || k == "dn")) {
    id.kind = k == "any" ? Kind::kAny : Kind::kDn;
    return id;
  }
  if (k == "address") {
    auto a = AddressMatch::parse(words.substr(words.find("address") + 7));
    if (!a) return std::nullopt;
    id.kind = Kind::kAddress;
    id.address = *a;
    return id;
  }
  if (k == "fqdn") id.kind = Kind::kFqdn;
  else if (k == "email") id.kind = Kind::kEmail;
  else if (k == "key-id") id.kind = Kind::kKeyId;
  else return std::nullopt;
  if (w.size() == 3 && w[1] == "domain" && id.kind != Kind::kKeyId) {
    id.domain = true;
    id.value = w[2];
    return id;
  }
  if (w.size() != 2) return std::nullopt;
  id.value = w[1];
  return id;
}

std::string_view IkeIdentity::kind_word() const {
  switch (kind) {
    case Kind::kAny: return "any";
    case Kind::kAddress: return "address";
    case Kind::kFqdn: return "fqdn";
    case Kind::kEmail: return "email";
    case Kind::kKeyId: return "key-id";
    case Kind::kDn: return "dn";
  }
  return "";
}

std::string IkeIdentity::words() const {
  std::string k(kind_word());
  if (kind == Kind::kAny || kind == Kind::kDn) return k;
  if (kind == Kind::kAddress) return k + " " + address.str();
  return k + (domain ? " domain " : " ") + value;
}

}  // namespace kg::config
