#include "config/interface_names.h"

#include <cctype>
#include <charconv>

namespace kg::config {
namespace {

struct Kind {
  const char* full;
  size_t min_abbrev;  // shortest accepted abbreviation (IOS: unambiguous prefix)
};
constexpr Kind kKinds[] = {{"Tunnel", 1}, {"Loopback", 2}, {"Virtual-Template", 9}, {"Virtual-Access", 9}};

bool starts_with_kind(std::string_view name, std::string_view full) {
  if (name.size() <= full.size() || name.substr(0, full.size()) != full) return false;
  int n = interface_number(name);
  return n >= 0;
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
  std::string stem;
  for (char ch : name.substr(0, digits)) stem += char(std::tolower(static_cast<unsigned char>(ch)));
  for (const Kind& k : kKinds) {
    std::string lower;
    for (const char* p = k.full; *p; ++p) lower += char(std::tolower(static_cast<unsigned char>(*p)));
    if (stem.size() >= k.min_abbrev && lower.rfind(stem, 0) == 0) return k.full + std::string(name.substr(digits));
  }
  return std::string(name);
}

bool is_tunnel(std::string_view n) { return starts_with_kind(n, "Tunnel"); }
bool is_loopback(std::string_view n) { return starts_with_kind(n, "Loopback"); }
bool is_virtual_template(std::string_view n) { return starts_with_kind(n, "Virtual-Template"); }
bool is_virtual_access(std::string_view n) { return starts_with_kind(n, "Virtual-Access"); }

std::string template_device(std::string_view name) { return "Vt" + std::to_string(interface_number(name)); }

}  // namespace kg::config
