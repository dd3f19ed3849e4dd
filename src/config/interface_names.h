// IOS interface names as keygate uses them: canonical spelling of typed names
// ("tu0" -> "Tunnel0", "virtual-template1" -> "Virtual-Template1") and the
// kinds of interface the daemon treats differently.
#pragma once
#include <string>
#include <string_view>

namespace kg::config {

// `ip address negotiated` is stored as this ip_address value.
inline constexpr const char* kNegotiated = "negotiated";

// Expands an abbreviated IOS interface type ("Tu", "lo", "Virtual-T");
// unknown names (Linux interfaces such as eth0) are returned unchanged.
std::string canonical_interface_name(std::string_view name);

bool is_tunnel(std::string_view name);            // TunnelN
bool is_loopback(std::string_view name);          // LoopbackN
bool is_virtual_template(std::string_view name);  // Virtual-TemplateN
bool is_virtual_access(std::string_view name);    // Virtual-AccessN
// N of TunnelN, Virtual-TemplateN ...; -1 when there is no number.
int interface_number(std::string_view name);

// The Linux TUN device of a Virtual-Template ("Vt1": IOS's own short form;
// "Virtual-Template1" is longer than IFNAMSIZ allows). Its Virtual-Access
// sessions share it.
std::string template_device(std::string_view name);

}  // namespace kg::config
