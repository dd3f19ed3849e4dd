// crypto ikev2 name-mangler (seed 004, "Explicit user/group authorization":
// "Extract CN/OU field from DN using name-mangler"): the user name an
// authorization request is made for, derived from the peer's identity. Pure.
//   fqdn all|hostname|domain       r1.example.net -> itself | r1 | example.net
//   email all|username|domain      joe@example.net -> itself | joe | example.net
//   dn FIELD                       "cn=joe,ou=Eng,o=Example" -> joe (common-name), Eng (organization-unit)
//   eap all | prefix|suffix delimiter D | dn FIELD   the EAP identity, split at D
#pragma once
#include <optional>
#include <string>

#include "common/result.h"
#include "config/model.h"

namespace kg::aaa {

// The kind of identity: "fqdn", "email", "dn", "eap" (the EAP identity),
// others ("address", "key-id") have no rule.
[[nodiscard]] Result<std::string> mangle(const config::NameMangler& m, const std::string& kind,
                                         const std::string& identity);

// One field of a DN as text ("cn=joe,ou=Eng" or "/CN=joe/OU=Eng"); `field`
// is the IOS word (common-name, organization-unit, ...).
[[nodiscard]] std::optional<std::string> dn_field(const std::string& dn, const std::string& field);

}  // namespace kg::aaa
