#include "aaa/radius/debug_format.h"

#include <cstdio>

#include "wire/radius/packet.h"
#include "wire/radius/vendor.h"

namespace kg::aaa::radius {
namespace {

struct Known {
  uint8_t type;
  const char* name;
  enum Kind { kText, kInt, kAddr, kHidden, kVendor } kind;
};
constexpr Known kKnown[] = {
    {1, "User-Name", Known::kText},          {2, "User-Password", Known::kHidden},
    {4, "NAS-IP-Address", Known::kAddr},     {5, "NAS-Port", Known::kInt},
    {6, "Service-Type", Known::kInt},        {8, "Framed-IP-Address", Known::kAddr},
    {9, "Framed-IP-Netmask", Known::kAddr},  {18, "Reply-Message", Known::kText},
    {24, "State", Known::kHidden},           {25, "Class", Known::kHidden},
    {26, "Vendor-Specific", Known::kVendor}, {27, "Session-Timeout", Known::kInt},
    {30, "Called-Station-Id", Known::kText}, {31, "Calling-Station-Id", Known::kText},
    {32, "NAS-Identifier", Known::kText},    {33, "Proxy-State", Known::kHidden},
    {40, "Acct-Status-Type", Known::kInt},   {41, "Acct-Delay-Time", Known::kInt},
    {42, "Acct-Input-Octets", Known::kInt},  {43, "Acct-Output-Octets", Known::kInt},
    {44, "Acct-Session-Id", Known::kText},   {46, "Acct-Session-Time", Known::kInt},
    {47, "Acct-Input-Packets", Known::kInt}, {48, "Acct-Output-Packets", Known::kInt},
    {49, "Acct-Terminate-Cause", Known::kInt}, {52, "Acct-Input-Gigawords", Known::kInt},
    {53, "Acct-Output-Gigawords", Known::kInt}, {55, "Event-Timestamp", Known::kInt},
    {61, "NAS-Port-Type", Known::kInt},      {79, "EAP-Message", Known::kHidden},
    {80, "Message-Authenticator", Known::kHidden}, {88, "Framed-Pool", Known::kText},
    {101, "Error-Cause", Known::kInt},
};

bool printable(ByteView v) {
  for (uint8_t c : v)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

std::string quoted(ByteView v) {
  if (!printable(v)) return "<" + std::to_string(v.size()) + " octets>";
  return "\"" + std::string(v.begin(), v.end()) + "\"";
}

std::string line(const char* name, unsigned type, size_t len, const std::string& value) {
  char head[64];
  std::snprintf(head, sizeof head, " %-22s [%u] %-4zu ", name, type, len);
  return head + value;
}

// A vendor attribute: Cisco AV pairs by text (password pairs by name
// only), anything else (MS-MPPE keys among them) by length.
std::string vendor_value(const kg::radius::Attribute& a) {
  auto subs = kg::radius::parse_vendor_specific(a.value);
  if (!subs) return "<malformed>";
  std::string out;
  for (const auto& s : *subs) {
    if (!out.empty()) out += ", ";
    if (s.vendor == kg::radius::kVendorCisco && s.type == kg::radius::kCiscoAvPair && printable(s.value)) {
      std::string t(s.value.begin(), s.value.end());
      if (t.find("password") != std::string::npos || t.find("key") != std::string::npos) {
        auto sep = t.find_first_of("=*");
        out += "Cisco-AVPair \"" + t.substr(0, sep) + "=<hidden>\"";
      } else {
        out += "Cisco-AVPair \"" + t + "\"";
      }
    } else {
      out += "vendor " + std::to_string(s.vendor) + " type " + std::to_string(s.type) + " <" +
             std::to_string(s.value.size()) + " octets>";
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> describe_packet(const std::string& heading, ByteView d) {
  auto p = kg::radius::Packet::parse(d);
  if (!p) return {heading + ", len " + std::to_string(d.size()) + ": malformed (" + p.error().message + ")"};
  std::vector<std::string> out;
  out.push_back(std::string(kg::radius::code_name(p->code)) + " " + heading + " id " + std::to_string(p->identifier) +
                ", len " + std::to_string(d.size()));
  for (const auto& a : p->attributes) {
    const Known* k = nullptr;
    for (const auto& x : kKnown)
      if (x.type == a.type) k = &x;
    std::string value;
    const char* name = k ? k->name : "Unknown";
    if (!k) value = "<" + std::to_string(a.value.size()) + " octets>";
    else if (k->kind == Known::kHidden) value = "<" + std::to_string(a.value.size()) + " octets>";
    else if (k->kind == Known::kText) value = quoted(a.value);
    else if (k->kind == Known::kVendor) value = vendor_value(a);
    else if (k->kind == Known::kInt && a.value.size() == 4)
      value = std::to_string(uint32_t(a.value[0]) << 24 | uint32_t(a.value[1]) << 16 | uint32_t(a.value[2]) << 8 | a.value[3]);
    else if (k->kind == Known::kAddr && a.value.size() == 4)
      value = std::to_string(a.value[0]) + "." + std::to_string(a.value[1]) + "." + std::to_string(a.value[2]) + "." +
              std::to_string(a.value[3]);
    else value = "<" + std::to_string(a.value.size()) + " octets>";
    out.push_back(line(name, a.type, a.value.size() + 2, value));
  }
  return out;
}

}  // namespace kg::aaa::radius
