#include "aaa/radius_attributes.h"

#include <charconv>
#include <sstream>

#include "wire/radius/vendor.h"

namespace kg::aaa {

using kg::radius::AttrType;

namespace {

std::optional<IpAddress> address(const kg::radius::Packet& p, AttrType t) {
  const auto* a = p.find(t);
  if (!a || a->value.size() != 4) return std::nullopt;
  return IpAddress::from_bytes(a->value);
}

}  // namespace

std::vector<Bytes> class_values(const kg::radius::Packet& accept) {
  std::vector<Bytes> out;
  for (const auto* c : accept.all(AttrType::kClass)) out.push_back(c->value);
  return out;
}

Result<RadiusAuthorization> radius_authorization(const kg::radius::Packet& accept, const std::string& source) {
  RadiusAuthorization r;
  if (const auto* a = accept.find(AttrType::kFramedIpAddress)) {
    r.framed_ip = address(accept, AttrType::kFramedIpAddress);
    if (!r.framed_ip) return fail(Errc::kInvalidSyntax, "Framed-IP-Address is not 4 octets");
    (void)a;
  }
  if (accept.find(AttrType::kFramedIpNetmask)) {
    auto m = address(accept, AttrType::kFramedIpNetmask);
    auto len = m ? mask_to_len(*m) : std::nullopt;
    if (!len) return fail(Errc::kInvalidSyntax, "Framed-IP-Netmask is not a mask");
    r.framed_prefix_len = *len;
    r.attributes.set("Framed-IP-Netmask", m->str(), source);
  }
  if (r.framed_ip) r.attributes.set("Framed-IP-Address", r.framed_ip->str(), source);
  r.session_timeout = accept.u32(AttrType::kSessionTimeout);
  r.interim_interval = accept.u32(AttrType(85));  // Acct-Interim-Interval
  if (auto pool = accept.text(AttrType::kFramedPool)) {
    r.pool = std::string(*pool);
    r.attributes.set("ipsec:addr-pool", r.pool, source);  // one name: the pool, however RADIUS named it
  }
  r.classes = class_values(accept);
  auto pairs = kg::radius::cisco_av_pairs(accept);
  if (!pairs) return std::unexpected(pairs.error());
  for (const auto& av : *pairs) {
    if (av.protocol == "ipsec" || av.protocol == "ip") {
      // The keys are secrets: kept apart, never among the named attributes
      // that show commands and debug lines print.
      if (av.protocol == "ipsec" && av.attribute == "tunnel-password") {
        r.tunnel_password = Secret(std::string_view(av.value));
        continue;
      }
      if (av.attribute.starts_with("ikev2-password")) {
        if (av.attribute == "ikev2-password-local") r.psk_local = Secret(std::string_view(av.value));
        else if (av.attribute == "ikev2-password-remote") r.psk_remote = Secret(std::string_view(av.value));
        else if (av.mandatory) r.unsupported.push_back(av.protocol + ":" + av.attribute);
        continue;
      }
      std::string name = av.protocol + ":" + av.attribute;
      if (name == "ipsec:route-set" || name == "ip:interface-config" || name == "ipsec:ipsec-backup-gateway" ||
          name == "ipsec:split-exclude")
        r.attributes.add(name, av.value, source);
      else
        r.attributes.set(name, av.value, source);
    }
    if (av.attribute == "max-users" || av.attribute == "max-logins")
      continue;  // limits: session_limit() over `attributes`
    if (av.protocol == "ip" && av.attribute == "interface-config")
      continue;  // applied to the session's Virtual-Access (daemon/remote_access.cc), from `attributes`
    if (av.protocol != "ipsec") {
      if (av.mandatory) r.unsupported.push_back(av.str());
      continue;
    }
    if (av.attribute == "addr-pool") {
      r.pool = av.value;
    } else if (av.attribute == "dns-servers") {
      std::istringstream in(av.value);
      for (std::string w; in >> w;) {
        auto a = IpAddress::parse(w);
        if (!a) return fail(Errc::kInvalidSyntax, "Cisco-AVPair ipsec:dns-servers: bad address " + w);
        r.dns.push_back(*a);
      }
    } else if (av.attribute == "route-set") {
      // "prefix 198.51.100.0/24"; "interface" routes are the hub's own.
      std::istringstream in(av.value);
      std::string kind, what;
      in >> kind >> what;
      if (kind == "prefix") {
        auto p = Prefix::parse(what);
        if (!p) return fail(Errc::kInvalidSyntax, "Cisco-AVPair ipsec:route-set: bad prefix " + what);
        r.routes.push_back(Prefix{p->first(), p->len});
      } else if (av.mandatory) {
        r.unsupported.push_back(av.str());
      }
    } else if (av.attribute == "default-domain") {
      r.domain = av.value;
    } else if (av.attribute == "key-exchange") {
      // Easy VPN group authorization: "ike", what keygate's groups run
    } else if (av.attribute == "banner") {
      // sent to the client in its CFG_REPLY (daemon/ra_policy.cc), from `attributes`
    } else if (av.mandatory) {
      r.unsupported.push_back(av.str());
    }
  }
  return r;
}

Result<std::optional<uint32_t>> session_limit(const AttributeSet& a, const std::string& name) {
  if (!a.find(name)) return std::optional<uint32_t>();
  const std::string v = a.first(name);
  uint32_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size())
    return fail(Errc::kInvalidSyntax, name + "=" + v + " is not a number of sessions");
  return std::optional<uint32_t>(n);
}

}  // namespace kg::aaa
