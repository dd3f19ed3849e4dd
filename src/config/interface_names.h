// IOS interface names as keygate uses them: canonical spelling of typed names
// ("tu0" -> "Tunnel0", "Gi0/0" -> "GigabitEthernet0/0"), the kinds of
// interface the daemon treats differently, and the Linux device that carries
// each one (`platform interface-map`, commands_platform.cc).
#pragma once
#include <map>
#include <string>
#include <string_view>

namespace kg::config {

// The word of `ip address negotiated` (InterfaceAddress::word).
inline constexpr const char* kNegotiated = "negotiated";

// Expands an abbreviated IOS interface type ("Tu", "lo", "Virtual-T", "gi",
// "fa", "e", "Te"); unknown names (Linux interfaces such as eth0, ens3,
// enp0s3) are returned unchanged. "eth" followed by a bare number is the
// Linux device (eth0), not Ethernet0: with a slot ("eth0/0") it is IOS.
std::string canonical_interface_name(std::string_view name);

bool is_tunnel(std::string_view name);            // TunnelN
bool is_loopback(std::string_view name);          // LoopbackN
bool is_virtual_template(std::string_view name);  // Virtual-TemplateN
bool is_virtual_access(std::string_view name);    // Virtual-AccessN
// An IOS name of a physical port (GigabitEthernet0/0, FastEthernet4,
// Ethernet0/0, Serial0/0/0, ...), canonical spelling: keygate has no such
// device unless `platform interface-map` says which Linux device it is.
bool is_ios_physical(std::string_view name);
// N of TunnelN, Virtual-TemplateN ...; -1 when there is no number.
int interface_number(std::string_view name);

// The Linux TUN device of a Virtual-Template ("Vt1": IOS's own short form;
// "Virtual-Template1" is longer than IFNAMSIZ allows). Its Virtual-Access
// sessions share it.
std::string template_device(std::string_view name);

// IOS interface name (canonical) -> Linux device: `platform interface-map`.
using InterfaceMap = std::map<std::string, std::string, std::less<>>;

// The Linux device that carries a configured interface: the mapped device,
// "lo" for LoopbackN, "VtN" for Virtual-TemplateN, else the name itself
// (TunnelN is keygate's own TUN device; eth0 is the kernel's).
std::string linux_device(const InterfaceMap& map, std::string_view name);

}  // namespace kg::config
