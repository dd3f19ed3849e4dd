// platform interface-map IOS-NAME DEVICE: which Linux device is the router
// port an IOS configuration names (GigabitEthernet0/0 -> eth0). Not an IOS
// command: IOS-XE keeps hardware-specific settings under `platform`, and a
// keygate has no ports of its own, only the kernel's devices. Written first in
// show running-config (after hostname), before anything that names a port.
#include "config/commands_platform.h"

#include "config/interface_names.h"
#include "config/session.h"
#include "config/writer.h"

namespace kg::config {

std::string missing_device_warning(const Config& config, const Model& m, const std::string& name) {
  if (is_tunnel(name) || is_loopback(name) || is_virtual_template(name) || is_virtual_access(name)) return "";
  if (is_ios_physical(name) && !m.interface_map.contains(name))
    return "% Warning: " + name + " is not mapped to a Linux device (platform interface-map " + name +
           " DEVICE); it stays down\n";
  std::string dev = linux_device(m.interface_map, name);
  if (config.device_exists && !config.device_exists(dev))
    return "% Warning: " + name + ": no Linux device " + dev + "; it stays down\n";
  return "";
}

namespace {

using A = const ParsedArgs&;
using C = CmdContext&;

constexpr size_t kIfNameMax = 15;  // IFNAMSIZ - 1

Result<std::string> set_map(C c, A a) {
  std::string ios = canonical_interface_name(a.at(2));
  const std::string& dev = a.at(3);
  if (!is_ios_physical(ios))
    return fail(Errc::kInvalidArgument, ios + " is not an IOS physical interface name (GigabitEthernet0/0, Ethernet0/0, ...)");
  if (dev.size() > kIfNameMax || dev.find_first_of("/ ") != std::string::npos)
    return fail(Errc::kInvalidArgument, "Bad Linux device name " + dev);
  if (a.negated || a.defaulted) {
    c.model.interface_map.erase(ios);
    return std::string();
  }
  for (auto& [other, d] : c.model.interface_map)
    if (d == dev && other != ios) return fail(Errc::kInvalidArgument, dev + " is already mapped to " + other);
  c.model.interface_map[ios] = dev;
  if (c.config.device_exists && !c.config.device_exists(dev))
    return "% Warning: no Linux device " + dev + " (yet); " + ios + " stays down until it exists\n";
  return std::string();
}

}  // namespace

void register_platform_commands(CommandTable& t) {
  t.add(Mode::kConfig, "platform interface-map WORD WORD",
        {"keygate platform settings (not IOS)", "Map an IOS interface name to a Linux device",
         "IOS interface name (GigabitEthernet0/0, Gi0/0, Ethernet0/0, FastEthernet4...)", "Linux device (eth0, ens3...)"},
        set_map)
      .writes(section::kPlatform, [](const WriteScope& s, std::string& out) {
        for (auto& [ios, dev] : s.model.interface_map) out += "platform interface-map " + ios + " " + dev + "\n";
        if (!s.model.interface_map.empty()) out += "!\n";
      });
}

}  // namespace kg::config
