// IKE identities and peer addresses as IOS words them (identity local,
// keyring peer identity and address, match identity remote), parsed once
// when the line is accepted; what the daemon matches peers against per SA.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "common/ip.h"

namespace kg::config {

// ADDR, ADDR MASK or PREFIX/LEN, remembering which was typed so that
// show running-config prints it back the same way.
struct AddressMatch {
  enum class Form { kHost, kMask, kSlash };
  Prefix prefix;  // the address as typed (host bits kept) and its length
  Form form = Form::kHost;
  // "192.0.2.1", "192.0.2.0 255.255.255.0", "2001:db8::/32"; nullopt if malformed.
  static std::optional<AddressMatch> parse(std::string_view words);
  [[nodiscard]] std::string str() const;
  // `address 0.0.0.0`, `0.0.0.0 0.0.0.0`, `::/0`: any peer (seed 004's catch-all).
  [[nodiscard]] bool any() const;
  [[nodiscard]] bool contains(const IpAddress& a) const;
};

struct IkeIdentity {
  enum class Kind { kAny, kAddress, kFqdn, kEmail, kKeyId, kDn };
  Kind kind = Kind::kAny;
  bool domain = false;   // `fqdn domain D` / `email domain D`: value is D
  std::string value;     // the FQDN, email address, key-id or domain
  AddressMatch address;  // kAddress
  // "fqdn x", "fqdn domain d", "email e", "email domain d", "key-id k",
  // "address A [MASK]", "address P/LEN", "dn", "any"; nullopt if malformed.
  static std::optional<IkeIdentity> parse(std::string_view words);
  // Back to the IOS words, as typed.
  [[nodiscard]] std::string words() const;
  // "fqdn", "email", "key-id", "address", "dn", "any".
  [[nodiscard]] std::string_view kind_word() const;
  bool operator==(const IkeIdentity& o) const { return words() == o.words(); }
};

}  // namespace kg::config
