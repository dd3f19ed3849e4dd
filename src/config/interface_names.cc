#include "config/interface_names.h"

#include <cctype>
#include <charconv>

namespace kg::config {
namespace {

struct Kind {
  const char* full;
  size_t min_abbrev;  // shortest accepted abbreviation (IOS: unambiguous prefix)
  bool physical;      // a port of the router: a Linux device only through the map
};
// Order matters where prefixes overlap: "t" is Tunnel, "te" TenGigabitEthernet,
// "f" FastEthernet, "fo" FortyGigabitEthernet.
constexpr Kind kKinds[] = {
    {"Tunnel", 1, false},
    {"Loopback", 2, false},
    {"Virtual-Template", 9, false},
    {"Virtual-Access", 9, false},
    {"GigabitEthernet", 1, true},
    {"FastEthernet", 1, true},
    {"Ethernet", 1, true},
    {"TenGigabitEthernet", 2, true},
    {"FortyGigabitEthernet", 2, true},
    {"HundredGigE", 2, true},
    {"TwentyFiveGigE", 3, true},
    {"Serial", 2, true},
    {"Port-channel", 2, true},
};

std::string lower(std::string_view s) {
  std::string r;
  for (char ch : s) r += char(std::tolower(static_cast<unsigned char>(ch)));
  return r;
}

// The kind whose name `stem` abbreviates, if any.
const Kind* kind_of(std::string_view stem) {
  std::string s = lower(stem);
  for (const Kind& k : kKinds)
    if (s.size() >= k.min_abbrev && lower(k.full).starts_with(s)) return &k;
  return nullptr;
}

bool starts_with_kind(std::string_view name, std::string_view full) {
  if (name.size() <= full.size() || name.substr(0, full.size()) != full) return false;
  int n = interface_number(name);
  return n >= 0;
}

// "0/0", "4", "0/1/0.100", "1/0:1": what follows a physical port's type.
bool port_number(std::string_view s) {
  if (s.empty() || !std::isdigit(static_cast<unsigned char>(s.front()))) return false;
  for (char ch : s)
    if (!std::isdigit(static_cast<unsigned char>(ch)) && ch != '/' && ch != '.' && ch != ':') return false;
  return true;
}

}  // namespace

int interface_number(std::string_view name) {
  auto d = name.find_first_of("0123456789");
  if (d == std::string_view::npos) return -1;
  int v = -1;
  auto [p, ec] = std::from_chars(name.data() + d, name.data() + name.size(), v);
  if (ec != std::errc() || p != name.data() + name.size()) return -1;
  return v;
}

std::string canonical_interface_name(std::string_view name) {
  auto digits = name.find_first_of("0123456789");
  if (digits == std::string_view::npos || digits == 0) return std::string(name);
  std::string_view stem = name.substr(0, digits), rest = name.substr(digits);
  const Kind* k = kind_of(stem);
  if (!k) return std::string(name);
  if (k->physical) {
    if (!port_number(rest)) return std::string(name);
    // eth0, eth1.100: Linux's names, kept; eth0/0 is IOS's Ethernet0/0.
    if (lower(stem) == "eth" && rest.find('/') == std::string_view::npos) return std::string(name);
  }
  return k->full + std::string(rest);
}

bool is_tunnel(std::string_view n) { return starts_with_kind(n, "Tunnel"); }
bool is_loopback(std::string_view n) { return starts_with_kind(n, "Loopback"); }
bool is_virtual_template(std::string_view n) { return starts_with_kind(n, "Virtual-Template"); }
bool is_virtual_access(std::string_view n) { return starts_with_kind(n, "Virtual-Access"); }

bool is_ios_physical(std::string_view n) {
  auto digits = n.find_first_of("0123456789");
  if (digits == std::string_view::npos || digits == 0) return false;
  for (const Kind& k : kKinds)
    if (k.physical && n.substr(0, digits) == k.full) return port_number(n.substr(digits));
  return false;
}

std::string template_device(std::string_view name) { return "Vt" + std::to_string(interface_number(name)); }

std::string linux_device(const InterfaceMap& map, std::string_view name) {
  if (auto it = map.find(name); it != map.end()) return it->second;
  if (is_loopback(name)) return "lo";
  if (is_virtual_template(name)) return template_device(name);
  return std::string(name);
}

}  // namespace kg::config
