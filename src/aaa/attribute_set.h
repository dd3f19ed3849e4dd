// The attributes one authorization source gave, each with where it came
// from, and seed 004's "Attributes – Merging" rules. Pure.
//
//   cached user attributes      (the EAP Access-Accept: aaa authorization user eap cached)
//     explicit user attributes take precedence          -> merged user attributes
//   merged user attributes take precedence over the explicit group
//   attributes, except with `group override`            -> final attributes
//
// Attributes are named as RADIUS names them (Framed-IP-Address,
// ipsec:dns-servers, ip:interface-config ...), so a local authorization
// policy and a RADIUS reply merge name by name. Precedence is per name: the
// preferred source's values of a name replace the other's. The one
// exception is ipsec:route-set, where both sides' routes are pushed (the
// seed gives no rule; IOS's local policies unite them too).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kg::aaa {

struct AttributeValue {
  std::vector<std::string> values;  // one for most names; several for route-set, interface-config ...
  std::string source;               // "cached user joe (RADIUS)", "user joe (RADIUS group frad)", "group Eng (local policy)"
  bool operator==(const AttributeValue&) const = default;
};

// Names whose value is a secret: shown as <hidden>.
bool secret_attribute(const std::string& name);

class AttributeSet {
 public:
  // Replaces the name's values.
  void set(const std::string& name, std::string value, const std::string& source);
  // One more value of the name.
  void add(const std::string& name, std::string value, const std::string& source);
  [[nodiscard]] const AttributeValue* find(const std::string& name) const;
  // The first value, or "".
  [[nodiscard]] std::string first(const std::string& name) const;
  [[nodiscard]] std::vector<std::string> all(const std::string& name) const;
  [[nodiscard]] bool empty() const { return items_.empty(); }
  [[nodiscard]] const std::map<std::string, AttributeValue>& items() const { return items_; }
  // "Framed-IP-Address = 198.18.0.102  (user joe, RADIUS group frad)", one a line; secrets hidden.
  [[nodiscard]] std::vector<std::string> lines() const;
  bool operator==(const AttributeSet&) const = default;

 private:
  std::map<std::string, AttributeValue> items_;
};

// Each name of `preferred` over `other`'s.
[[nodiscard]] AttributeSet overlay(const AttributeSet& preferred, const AttributeSet& other);

// The seed's rules: explicit user over cached user, then merged user over
// group, or group over merged user when `group_override`.
[[nodiscard]] AttributeSet merge_attributes(const std::optional<AttributeSet>& cached,
                                            const std::optional<AttributeSet>& user,
                                            const std::optional<AttributeSet>& group, bool group_override);

}  // namespace kg::aaa
