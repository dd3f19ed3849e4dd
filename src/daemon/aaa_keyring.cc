#include "daemon/aaa_keyring.h"

#include <optional>

#include "aaa/name_mangler.h"
#include "common/log.h"

namespace kg::daemon {
namespace {

// The name-mangler's word for an identity type.
std::string mangler_kind(ike::IdType t) {
  switch (t) {
    case ike::IdType::kFqdn: return "fqdn";
    case ike::IdType::kRfc822Addr: return "email";
    case ike::IdType::kDerAsn1Dn: return "dn";
    case ike::IdType::kKeyId: return "key-id";
    default: return "address";
  }
}

// The user name for `id` under name-mangler `name` (null `m`: not configured).
Result<std::string> user_for(const std::string& name, const config::NameMangler* m, const ike::Identity& id) {
  // An address (what an initiator asks by, before the peer's IDr) is asked
  // for as it is: a name-mangler has no rule for addresses.
  bool address = id.type == ike::IdType::kIpv4Addr || id.type == ike::IdType::kIpv6Addr;
  if (name.empty() || address) return id.str();
  if (!m) return fail(Errc::kNotFound, "crypto ikev2 name-mangler " + name + " is not configured");
  auto user = aaa::mangle(*m, mangler_kind(id.type), id.str());
  if (!user) return fail(user.error().code, "name-mangler " + name + ": " + user.error().message);
  return user;
}

class AaaKeyring final : public ike::PskSource {
 public:
  struct Settings {
    std::string list, group;  // group empty: `error` says why
    std::string error;
    Secret password;
    std::string mangler_name;
    std::optional<config::NameMangler> mangler;  // none: not configured
  };
  AaaKeyring(Settings s, RadiusUserLookup lookup, std::shared_ptr<aaa::AcceptedUsers> cache)
      : s_(std::move(s)), lookup_(std::move(lookup)), cache_(std::move(cache)) {}

  bool answers_on_loop() const override { return true; }
  ike::PeerKeys lookup(const ike::PskQuery&) override {
    return {{}, {}, "keyring aaa answers on the event loop only"};
  }
  void begin_lookup(const ike::PskQuery& q, LookupDone done) override {
    if (!s_.error.empty()) return done({{}, {}, s_.error});
    if (!lookup_) return done({{}, {}, "no RADIUS client"});
    auto user = user_for(s_.mangler_name, s_.mangler ? &*s_.mangler : nullptr, q.peer_id);
    if (!user) return done({{}, {}, user.error().message});
    std::string ike_id = q.peer_id.str();
    log::debug("IKEv2: keyring aaa " + s_.list + ": Access-Request for " + *user + " (Id: " + ike_id +
               ") to RADIUS group " + s_.group);
    lookup_(s_.group, *user, s_.password, "cached user " + *user + ", RADIUS " + s_.group,
            [cache = cache_, user = *user, ike_id, done = std::move(done)](Result<aaa::RadiusAuthorization> r) {
              if (!r) return done({{}, {}, "user " + user + ": " + r.error().message});
              ike::PeerKeys k{std::move(r->psk_local), std::move(r->psk_remote), {}};
              if (k.local.empty() && k.remote.empty())
                k.error = "the Access-Accept for " + user +
                          " has no Cisco-AVPair ipsec:ikev2-password-local or ipsec:ikev2-password-remote";
              log::debug("IKEv2: keyring aaa: " + user + ": local key " + std::to_string(k.local.size()) +
                         " octets, remote key " + std::to_string(k.remote.size()) + " octets");
              // The other attributes: cached for authorization (keys never).
              if (cache && k.error.empty()) cache->put(ike_id, aaa::AcceptedUsers::Entry{user, std::move(*r)});
              done(std::move(k));
            });
  }

 private:
  Settings s_;
  RadiusUserLookup lookup_;
  std::shared_ptr<aaa::AcceptedUsers> cache_;
};

}  // namespace

Result<std::string> aaa_keyring_user(const config::Model& m, const config::Ikev2Profile& p, const ike::Identity& id) {
  auto it = m.name_manglers.find(p.keyring_aaa_mangler);
  return user_for(p.keyring_aaa_mangler, it == m.name_manglers.end() ? nullptr : &it->second, id);
}

std::shared_ptr<ike::PskSource> aaa_keyring(const config::Model& m, const config::Ikev2Profile& p,
                                            RadiusUserLookup lookup, std::shared_ptr<aaa::AcceptedUsers> cache) {
  if (p.keyring_aaa.empty()) return nullptr;
  AaaKeyring::Settings s;
  s.list = p.keyring_aaa;
  auto it = m.aaa_authorization_network.find(p.keyring_aaa);
  if (it == m.aaa_authorization_network.end())
    s.error = "aaa authorization network " + p.keyring_aaa + " is not configured";
  else if (!it->second.starts_with("group "))
    s.error = "aaa authorization network " + p.keyring_aaa + " is " + it->second + ", not a RADIUS group";
  else
    s.group = it->second.substr(6);
  s.password = p.keyring_aaa_password.empty() ? Secret(std::string_view("cisco")) : p.keyring_aaa_password;
  s.mangler_name = p.keyring_aaa_mangler;
  if (auto mg = m.name_manglers.find(p.keyring_aaa_mangler); mg != m.name_manglers.end()) s.mangler = mg->second;
  return std::make_shared<AaaKeyring>(std::move(s), std::move(lookup), std::move(cache));
}

}  // namespace kg::daemon
