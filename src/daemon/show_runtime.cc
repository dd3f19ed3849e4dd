#include "daemon/show_runtime.h"

#include <net/if.h>

#include <cstdio>
#include <sstream>

#include <nlohmann/json.hpp>

#include "config/interface_names.h"
#include "crypto/algorithms.h"
#include "daemon/daemon.h"
#include "daemon/show_ra.h"

namespace kg::daemon {
namespace {

std::string pad(std::string s, size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s + " ";
}

std::string hex_spi(uint32_t spi) {
  char b[40];
  std::snprintf(b, sizeof b, "0x%08X(%u)", spi, spi);
  return b;
}

std::string ts_text(const std::vector<ike::TrafficSelector>& v) {
  std::string s;
  for (auto& t : v) {
    if (!s.empty()) s += ", ";
    s += t.start.str() + "-" + t.end.str();
  }
  return s.empty() ? "(none)" : s;
}

// IOS "addr/mask/prot/port" for a selector range that is a prefix.
// IPv4: address/mask; IPv6 (IOS "addr/prefixlen/prot/port"): address/length.
// The port is the selector's one port (a crypto map line `eq 5001`), else 0.
std::string ident(const ike::TrafficSelector& t) {
  bool v4 = t.start.is_v4();
  std::string port = std::to_string(t.start_port == t.end_port ? t.start_port : 0);
  for (int len = 0; len <= (v4 ? 32 : 128); ++len) {
    Prefix p{t.start, uint8_t(len)};
    if (p.first() == t.start && p.last() == t.end)
      return "(" + t.start.str() + "/" + (v4 ? p.mask().str() : std::to_string(len)) + "/" +
             std::to_string(t.ip_protocol) + "/" + port + ")";
  }
  return "(" + t.start.str() + "-" + t.end.str() + "/" + std::to_string(t.ip_protocol) + "/" + port + ")";
}

// IOS `transform: esp-256-aes esp-sha256-hmac ,`, words from the registry.
std::string transform_text(const crypto::CipherSuite& s) {
  const crypto::EncrAlgorithm* a = s.algorithm();
  std::string t = a ? std::string(a->esp_show) : "esp-?";
  if (a && a->aead) return t + " ,";
  if (const crypto::IntegAlgorithm* i = crypto::find_integ(s.integ)) t += " " + std::string(i->esp_word);
  return t + " ,";
}

std::string spi_hex(uint64_t spi) {
  char b[24];
  std::snprintf(b, sizeof b, "%016llX", static_cast<unsigned long long>(spi));
  return b;
}

// IOS `show crypto ikev2 sa [detailed]`; `remote` filters by peer address.
std::string show_ikev2_sa(const Daemon& d, bool detailed, const std::string& remote = "") {
  std::ostringstream o;
  o << " IPv4 Crypto IKEv2  SA \n\n";
  o << "Tunnel-id Local                 Remote                fvrf/ivrf            Status \n";
  for (auto& sa : d.engine().sas()) {
    if (!remote.empty() && sa.remote.addr.str() != remote) continue;
    o << pad(std::to_string(sa.tunnel_id), 9) << pad(sa.local.addr.str() + "/" + std::to_string(sa.local.port), 21)
      << pad(sa.remote.addr.str() + "/" + std::to_string(sa.remote.port), 21) << pad("none/none", 20) << sa.state
      << "\n";
    o << "      Encr: " << sa.encr << ", keysize: " << sa.key_bits << ", PRF: " << sa.prf << ", Hash: " << sa.integ
      << ", DH Grp:" << sa.dh_group << ", Auth sign: " << sa.local_auth << ", Auth verify: " << sa.remote_auth << "\n";
    o << "      Life/Active Time: " << sa.lifetime_s << "/" << sa.age_s << " sec\n";
    if (!detailed) continue;
    o << "      CE id: 0, Session-id: " << sa.tunnel_id << "\n";
    o << "      Status Description: "
      << (sa.state == "READY" ? "Negotiation done" : sa.state == "DELETE" ? "Deleting" : "Negotiating")
      << (sa.waiting_for.empty() ? "" : " (waiting for a " + sa.waiting_for + " result)") << "\n";
    uint64_t local_spi = sa.initiator ? sa.spi_i : sa.spi_r, remote_spi = sa.initiator ? sa.spi_r : sa.spi_i;
    o << "      Local spi: " << spi_hex(local_spi) << "       Remote spi: " << spi_hex(remote_spi) << "\n";
    o << "      Local id: " << sa.local_id << "\n";
    o << "      Remote id: " << sa.remote_id << "\n";
    o << "      Local req msg id:  " << pad(std::to_string(sa.next_request_id == 0 ? 0 : sa.next_request_id - 1), 15)
      << "Remote req msg id:  " << (sa.next_peer_request == 0 ? 0 : sa.next_peer_request - 1) << "\n";
    o << "      Local next msg id: " << pad(std::to_string(sa.next_request_id), 15)
      << "Remote next msg id: " << sa.next_peer_request << "\n";
    o << "      Local req queued:  " << pad(std::to_string(sa.queued_requests), 15) << "Remote req queued:  0\n";
    o << "      Local window:      " << pad("1", 15) << "Remote window:      1\n";
    o << "      DPD configured for " << sa.dpd.interval_s << " seconds, retry " << (sa.dpd.interval_s ? sa.dpd.retry_s : 0)
      << (sa.dpd.interval_s ? (sa.dpd.periodic ? ", periodic" : ", on-demand") : "") << "\n";
    o << "      Rekeyed " << sa.rekeys << " times, lifetime remaining: "
      << (sa.expire_in_s < 0 ? std::string("none") : std::to_string(sa.expire_in_s) + " sec") << "\n";
    o << "      Interface: "
      << (sa.interface.empty() ? "(none)" : d.remote_access().shown_interface(sa.interface, sa.remote)) << "\n";

    o << "      Child SAs: " << sa.child_spis_in.size() << "\n";
    if (sa.nat_local || sa.nat_remote)
      o << "      NAT-T is detected " << (sa.nat_local ? "inside" : "outside") << "\n";
    else
      o << "      NAT-T is not detected\n";
    // IOS prints "Fragmentation not configured."; when it is, keygate says
    // whether the peer agreed (RFC 7383 §2.3).
    if (!d.model().ikev2.fragmentation)
      o << "      Fragmentation not configured.\n";
    else
      o << "      Fragmentation configured, " << (sa.fragmentation ? "in use" : "not supported by the peer") << ".\n";
    o << "      Initiator of SA : " << (sa.initiator ? "Yes" : "No") << "\n";
    o << "\n";
  }
  o << "\n IPv6 Crypto IKEv2  SA \n";
  return o.str();
}

// `show crypto ikev2 sa | json` and `show crypto session | json`: every IKE
// SA with what the detailed text shows, and its CHILD_SAs (never keys).
std::string ikev2_sa_json(const Daemon& d, const std::string& remote = "") {
  nlohmann::json sas = nlohmann::json::array();
  for (auto& sa : d.engine().sas()) {
    if (!remote.empty() && sa.remote.addr.str() != remote) continue;
    nlohmann::json children = nlohmann::json::array();
    for (auto& c : sa.children)
      children.push_back({{"spi_in", c.spi_in}, {"spi_out", c.spi_out}, {"state", c.state}, {"rekeys", c.rekeys},
                          {"rekey_in_s", c.rekey_in_s}, {"expire_in_s", c.expire_in_s}, {"lifetime_kb", c.lifetime_kb}});
    sas.push_back({{"tunnel_id", sa.tunnel_id}, {"local", sa.local.str()}, {"remote", sa.remote.str()},
                   {"status", sa.state}, {"encryption", sa.encr}, {"keysize", sa.key_bits}, {"prf", sa.prf},
                   {"hash", sa.integ}, {"dh_group", sa.dh_group}, {"auth_sign", sa.local_auth},
                   {"auth_verify", sa.remote_auth}, {"lifetime_s", sa.lifetime_s}, {"active_s", sa.age_s},
                   {"local_spi", spi_hex(sa.initiator ? sa.spi_i : sa.spi_r)},
                   {"remote_spi", spi_hex(sa.initiator ? sa.spi_r : sa.spi_i)}, {"local_id", sa.local_id},
                   {"remote_id", sa.remote_id}, {"interface", sa.interface.empty() ? "" : d.remote_access().shown_interface(sa.interface, sa.remote)},
                   {"initiator", sa.initiator}, {"nat_local", sa.nat_local}, {"nat_remote", sa.nat_remote},
                   {"fragmentation", sa.fragmentation}, {"rekeys", sa.rekeys}, {"expire_in_s", sa.expire_in_s},
                   {"dpd_interval_s", sa.dpd.interval_s}, {"child_sas", std::move(children)}});
  }
  return nlohmann::json{{"ikev2_sas", std::move(sas)}}.dump() + "\n";
}

constexpr uint64_t kIosDefaultKb = 4608000;

// The engine's view of a CHILD_SA (rekey count, state) by inbound SPI.
const ike::ChildSaInfo* child_info(const Daemon& d, uint32_t spi_in) {
  static thread_local std::vector<ike::IkeSaInfo> sas;
  sas = d.engine().sas();
  for (auto& sa : sas)
    for (auto& c : sa.children)
      if (c.spi_in == spi_in) return &c;
  return nullptr;
}

std::vector<esp::SaStats> stats_for(const Daemon& d, const std::string& itf) {
  std::vector<esp::SaStats> out;
  for (auto& st : d.datapath().sa_stats())
    if (st.interface == itf) out.push_back(st);
  return out;
}

// A Virtual-Access shares its template's SAs table entries: only its session's.
std::vector<esp::SaStats> stats_for(const Daemon& d, const CryptoInterface& ci) {
  auto v = stats_for(d, ci.dataplane);
  if (ci.remote) std::erase_if(v, [&](const esp::SaStats& s) { return s.remote != *ci.remote; });
  return v;
}

std::string show_ipsec_sa(const Daemon& d, const std::string& only, const std::string& peer = "") {
  std::ostringstream o;
  for (auto& ci : crypto_interfaces(d)) {
    const std::string& name = ci.name;
    if (!only.empty() && name != only) continue;
    auto sas = stats_for(d, ci);
    if (!peer.empty()) {
      std::erase_if(sas, [&](const esp::SaStats& st) { return st.remote.addr.str() != peer; });
      if (sas.empty()) continue;
    }
    std::string local_addr = sas.empty() ? "0.0.0.0" : sas.back().local.addr.str();
    o << "interface: " << name << "\n";
    o << "    Crypto map tag: " << (is_crypto_map_device(ci.dataplane) ? ci.config_name : name + "-head-0") << ", local addr "
      << local_addr << "\n\n";
    o << "   protected vrf: (none)\n";
    if (sas.empty()) {
      o << "   current_peer " << (ci.peer.empty() ? "(none)" : ci.peer) << " port 500\n";
      o << "    #pkts encaps: 0, #pkts encrypt: 0, #pkts digest: 0\n";
      o << "    #pkts decaps: 0, #pkts decrypt: 0, #pkts verify: 0\n";
      o << "    #send errors 0, #recv errors 0\n\n";
      o << "     inbound esp sas:\n\n     outbound esp sas:\n\n";
      continue;
    }
    for (auto& p : sas) {
      for (auto& lt : p.local_ts)
        for (auto& rt : p.remote_ts) {
          const char* what = lt.start.is_v4() ? "addr/mask/prot/port" : "addr/prefixlen/prot/port";
          o << "   local  ident (" << what << "): " << ident(lt) << "\n";
          o << "   remote ident (" << what << "): " << ident(rt) << "\n";
        }
      // Plain ESP has no port: IOS shows the IKE port then.
      o << "   current_peer " << p.remote.addr.str() << " port " << (p.udp_encap ? p.remote.port : 500) << "\n";
      o << "     PERMIT, flags={origin_is_acl,}\n";
      o << "    #pkts encaps: " << p.pkts_encaps << ", #pkts encrypt: " << p.pkts_encaps
        << ", #pkts digest: " << p.pkts_encaps << "\n";
      o << "    #pkts decaps: " << p.pkts_decaps << ", #pkts decrypt: " << p.pkts_decaps
        << ", #pkts verify: " << p.pkts_decaps << "\n";
      o << "    #pkts compressed: 0, #pkts decompressed: 0\n";
      o << "    #send errors " << p.send_errors << ", #recv errors " << p.recv_errors << "\n";
      o << "    #replay failures " << p.replay_failures << ", #auth failures " << p.auth_failures
        << ", #policy drops " << p.policy_drops << "\n\n";
      o << "     local crypto endpt.: " << p.local.addr.str() << ", remote crypto endpt.: " << p.remote.addr.str()
        << "\n";
      o << "     current outbound spi: " << hex_spi(p.spi_out) << (p.current_outbound ? "" : " (not current)")
        << "\n\n";
      auto age = std::chrono::duration_cast<std::chrono::seconds>(SteadyClock().now() - p.installed).count();
      long remaining = long(p.lifetime_s) - long(age);
      const ike::ChildSaInfo* info = child_info(d, p.spi_in);
      // IOS prints the volume lifetime even when volume rekey is off (its
      // default 4608000 KB); keygate enforces it only when configured.
      uint64_t kb = p.lifetime_kb ? p.lifetime_kb : kIosDefaultKb;
      auto block = [&](const char* dir, uint32_t spi, uint64_t bytes) {
        uint64_t used = bytes / 1024;
        o << "     " << dir << " esp sas:\n";
        o << "      spi: " << hex_spi(spi) << "\n";
        o << "        transform: " << transform_text(p.suite) << "\n";
        o << "        in use settings ={" << (p.transport ? "Transport" : "Tunnel") << (p.udp_encap ? " UDP-Encaps" : "")
          << ", }\n";
        o << "        sa timing: remaining key lifetime (k/sec): (" << (kb > used ? kb - used : 0) << "/"
          << (remaining > 0 ? remaining : 0) << ")\n";
        if (!p.lifetime_kb) o << "        Kilobyte Volume Rekey has been disabled\n";
        if (info) o << "        rekey count: " << info->rekeys << ", state: " << info->state << "\n";
        o << "        replay detection support: Y  window size " << p.replay_window << "\n";
        o << "        Status: ACTIVE(ACTIVE)\n\n";
      };
      block("inbound", p.spi_in, p.bytes_decaps);
      block("outbound", p.spi_out, p.bytes_encaps);
    }
  }
  if (o.str().empty()) return "No IPsec SAs\n";
  return o.str();
}

// `show crypto ipsec sa | json`: each CHILD_SA with its selectors, SPIs,
// transform, counters and lifetimes (never its keys).
std::string ipsec_sa_json(const Daemon& d, const std::string& only, const std::string& peer = "") {
  nlohmann::json list = nlohmann::json::array();
  for (auto& ci : crypto_interfaces(d)) {
    if (!only.empty() && ci.name != only) continue;
    for (auto& p : stats_for(d, ci)) {
      if (!peer.empty() && p.remote.addr.str() != peer) continue;
      nlohmann::json lts = nlohmann::json::array(), rts = nlohmann::json::array();
      for (auto& t : p.local_ts) lts.push_back(ident(t));
      for (auto& t : p.remote_ts) rts.push_back(ident(t));
      auto age = std::chrono::duration_cast<std::chrono::seconds>(SteadyClock().now() - p.installed).count();
      const ike::ChildSaInfo* info = child_info(d, p.spi_in);
      list.push_back({{"interface", ci.name}, {"local", p.local.str()}, {"remote", p.remote.str()},
                      {"local_ident", std::move(lts)}, {"remote_ident", std::move(rts)},
                      {"spi_in", p.spi_in}, {"spi_out", p.spi_out}, {"current_outbound", p.current_outbound},
                      {"transform", transform_text(p.suite)}, {"udp_encap", p.udp_encap}, {"transport", p.transport},
                      {"pkts_encaps", p.pkts_encaps}, {"pkts_decaps", p.pkts_decaps},
                      {"bytes_encaps", p.bytes_encaps}, {"bytes_decaps", p.bytes_decaps},
                      {"send_errors", p.send_errors}, {"recv_errors", p.recv_errors},
                      {"replay_failures", p.replay_failures}, {"auth_failures", p.auth_failures},
                      {"policy_drops", p.policy_drops}, {"replay_window", p.replay_window},
                      {"lifetime_s", p.lifetime_s}, {"remaining_s", std::max<long>(0, long(p.lifetime_s) - long(age))},
                      {"lifetime_kb", p.lifetime_kb}, {"rekeys", info ? info->rekeys : 0},
                      {"state", info ? info->state : std::string()}});
    }
  }
  return nlohmann::json{{"ipsec_sas", std::move(list)}}.dump() + "\n";
}

std::string show_session(const Daemon& d, bool detail) {
  std::ostringstream o;
  o << "Crypto session current status\n\n";
  auto sas = d.engine().sas();
  for (auto& ci : crypto_interfaces(d)) {
    const std::string& name = ci.name;
    const config::Interface& itf = *ci.config;
    o << "Interface: " << name << "\n";
    const ike::IkeSaInfo* ike = nullptr;
    for (auto& s : sas)
      if (s.interface == ci.dataplane && (!ci.remote || s.remote == *ci.remote) && (!ike || s.state == "READY"))
        ike = &s;
    auto children = stats_for(d, ci);
    size_t child = children.size();
    std::string status = itf.shutdown ? "DOWN" : (ike && ike->state == "READY" && child ? "UP-ACTIVE"
                                                  : ike ? "UP-NO-IKE" : "DOWN");
    if (ike && ike->state != "READY") status = "DOWN-NEGOTIATING";
    // IKEv1: a crypto map entry, or a tunnel interface that uses ISAKMP.
    std::optional<ikev1::IsakmpSaInfo> v1;
    if (!ike)
      for (auto& s : d.isakmp().sas())
        if (s.interface == ci.dataplane && (!v1 || s.status == "ACTIVE")) v1 = s;
    if (v1) {
      status = v1->status != "ACTIVE" ? "DOWN-NEGOTIATING" : child ? "UP-ACTIVE" : "UP-NO-IKE";
      o << (ci.config_name == name ? "Profile: \n" : "Crypto map: " + ci.config_name + "\n");
      o << "Session status: " << status << "\n";
      o << "Peer: " << v1->remote.addr.str() << " port " << v1->remote.port << "\n";
      o << "  Session ID: 0\n";
      o << "  IKEv1 SA: local " << v1->local.addr.str() << "/" << v1->local.port << " remote " << v1->remote.addr.str()
        << "/" << v1->remote.port << " " << (v1->status == "ACTIVE" ? "Active" : "Inactive") << "\n";
      if (detail)
        o << "      Capabilities:" << (v1->nat ? "N" : "(none)") << " connid:" << v1->conn_id << " lifetime:" << v1->expire_in_s
          << "\n      Peer identity: " << v1->remote_id << "\n";
    }
    if (v1) {
      for (auto& sa : children) {
        o << "  IPSEC FLOW: permit ip " << ts_text(sa.local_ts) << " " << ts_text(sa.remote_ts) << "\n";
        o << "        Active SAs: 2, origin: crypto map\n";
        if (detail)
          o << "        Inbound:  #pkts dec'ed " << sa.pkts_decaps << " drop " << sa.recv_errors << "\n"
            << "        Outbound: #pkts enc'ed " << sa.pkts_encaps << " drop " << sa.send_errors << "\n";
      }
      o << "\n";
      continue;
    }
    o << "Profile: " << d.profile_for_tunnel(ci.config_name) << "\n";
    o << "Session status: " << status << "\n";
    o << "Peer: " << (ike ? ike->remote.addr.str() : ci.peer) << " port "
      << (ike ? ike->remote.port : 500) << "\n";
    if (ike) {
      o << "  Session ID: " << ike->tunnel_id << "\n";
      o << "  IKEv2 SA: local " << ike->local.addr.str() << "/" << ike->local.port << " remote "
        << ike->remote.addr.str() << "/" << ike->remote.port << " " << (ike->state == "READY" ? "Active" : "Inactive")
        << "\n";
      if (detail) {
        o << "      Capabilities:(none) connid:" << ike->tunnel_id << " lifetime:" << ike->lifetime_s << "\n"
          << "      Peer identity: " << ike->remote_id << "\n";
        // The user and each attribute authorization applied, with its source.
        if (const auto* a = d.config_policy().authorized_session(ike->remote.addr, ike->remote_id)) {
          o << "      User: " << a->user << "\n";
          if (!a->attributes.empty()) o << "      Authorization attributes:\n";
          for (const auto& l : a->attributes) o << "        " << l << "\n";
        }
      }
    }
    for (auto& sa : children) {
      o << "  IPSEC FLOW: permit ip " << ts_text(sa.local_ts) << " " << ts_text(sa.remote_ts) << "\n";
      o << "        Active SAs: 2, origin: crypto map\n";
      if (detail)
        o << "        Inbound:  #pkts dec'ed " << sa.pkts_decaps << " drop " << sa.recv_errors << "\n"
          << "        Outbound: #pkts enc'ed " << sa.pkts_encaps << " drop " << sa.send_errors << "\n";
    }
    o << "\n";
  }
  return o.str();
}

// `show interfaces [IFACE] | json`: each configured interface with the state
// `show interfaces` gives it (a port without its Linux device is down), and
// each Virtual-Access with its peer, assigned address and routes.
std::string interfaces_json(const Daemon& d, const std::string& only) {
  auto& m = d.model();
  nlohmann::json list = nlohmann::json::array();
  for (auto& [name, itf] : m.interfaces) {
    if (!only.empty() && name != only) continue;
    bool tunnel = config::is_tunnel(name), loopback = config::is_loopback(name);
    std::string dev = config::linux_device(m.interface_map, name);
    bool present = tunnel || loopback || config::is_virtual_template(name) || ::if_nametoindex(dev.c_str()) != 0;
    bool line_up = tunnel ? d.tunnel_up(name) : !itf.shutdown && present && !config::is_virtual_template(name);
    nlohmann::json j{{"name", name}, {"status", itf.shutdown ? "administratively down" : present ? "up" : "down"},
                     {"line_protocol", line_up && !itf.shutdown ? "up" : "down"}, {"description", itf.description},
                     {"ip_address", itf.ip_address.word()}, {"ipv6_addresses", config::prefix_words(itf.ipv6_addresses)}};
    if (!tunnel && !loopback && !config::is_virtual_template(name)) j["linux_device"] = dev;
    if (itf.mtu) j["mtu"] = *itf.mtu;
    if (tunnel || config::is_virtual_template(name))
      j["tunnel"] = {{"source", itf.tunnel_source.word}, {"destination", itf.tunnel_destination.word()},
                     {"mode", std::string(config::tunnel_mode_word(itf.tunnel_mode))},
                     {"protection", itf.tunnel_protection}};
    list.push_back(std::move(j));
  }
  for (auto& [n, va] : d.remote_access().virtual_access().all()) {
    if (!only.empty() && va.name != only) continue;
    nlohmann::json routes = nlohmann::json::array();
    for (auto& r : va.routes) routes.push_back(r.str());
    nlohmann::json j{{"name", va.name}, {"status", "up"}, {"line_protocol", "up"}, {"template", va.templ},
                     {"local", va.local.str()}, {"remote", va.remote.str()}, {"peer_identity", va.remote_id},
                     {"routes", std::move(routes)}};
    if (va.config.address) j["assigned_address"] = va.config.address->addr.str();
    list.push_back(std::move(j));
  }
  return nlohmann::json{{"interfaces", std::move(list)}}.dump() + "\n";
}

std::string show_interface(const Daemon& d, const std::string& name) {
  if (config::is_virtual_access(name) || config::is_virtual_template(name)) return show_virtual_interface(d, name);
  auto& m = d.model();
  auto it = m.interfaces.find(name);
  if (it == m.interfaces.end()) return "";
  auto& itf = it->second;
  bool tunnel = name.rfind("Tunnel", 0) == 0;
  bool loopback = config::is_loopback(name);
  // A port whose Linux device is missing (an unmapped IOS name, or a device
  // the kernel does not have) is down, whatever the configuration says.
  std::string dev = config::linux_device(m.interface_map, name);
  bool present = tunnel || loopback || ::if_nametoindex(dev.c_str()) != 0;
  bool line_up = tunnel ? d.tunnel_up(name) : !itf.shutdown && present;
  std::ostringstream o;
  o << name << " is " << (itf.shutdown ? "administratively down" : present ? "up" : "down") << ", line protocol is "
    << (line_up && !itf.shutdown ? "up" : "down") << " \n";
  o << "  Hardware is " << (tunnel ? "Tunnel" : loopback ? "Loopback" : "Ethernet");
  if (!tunnel && !loopback) o << (present ? ", Linux device " : ", no Linux device ") << dev;
  o << "\n";
  if (!itf.description.empty()) o << "  Description: " << itf.description << "\n";
  if (auto& p = itf.ip_address.address) o << "  Internet address is " << p->str() << "\n";
  if (tunnel) {
    o << "  MTU " << (itf.mtu ? *itf.mtu : 1400) << " bytes\n";
    o << "  Tunnel source " << (itf.tunnel_source.empty() ? "(none)" : itf.tunnel_source.word) << ", destination "
      << (itf.tunnel_destination.empty() ? "(none)" : itf.tunnel_destination.word()) << "\n";
    o << "  Tunnel protocol/transport IPSEC/IP\n";
    if (!itf.tunnel_protection.empty())
      o << "  Tunnel protection via IPSec (profile \"" << itf.tunnel_protection << "\")\n";
    uint64_t ip = 0, ib = 0, op = 0, ob = 0, oe = 0;
    for (auto& sa : stats_for(d, name)) {
      ip += sa.pkts_decaps;
      ib += sa.bytes_decaps;
      op += sa.pkts_encaps;
      ob += sa.bytes_encaps;
      oe += sa.send_errors;
    }
    o << "     " << ip << " packets input, " << ib << " bytes\n";
    o << "     " << op << " packets output, " << ob << " bytes, " << d.datapath().no_sa_drops(name)
      << " dropped (no SA), " << oe << " output errors\n";
    if (const io::TunCounters* t = d.datapath().tun_counters(name)) {
      // keygate's own lines: what the TUN offloads did (TSO in, merged writes out).
      o << "     " << t->gso_packets_in << " large packets input (" << t->segments_in << " segments), "
        << t->scattered_in << " read in place, " << t->gathered_in << " copied back\n";
      o << "     " << t->merged_writes << " merged writes, " << t->malformed_in << " malformed, " << t->too_big_in
        << " too big\n";
    }
  }
  return o.str();
}

}  // namespace

void register_runtime_commands(config::Config& cfg, Daemon& d) {
  const std::string sh = "Show running system information", cr = "Encryption module";
  cfg.register_exec("show crypto ikev2 sa", {sh, cr, "Shows ikev2 info", "Shows ikev2 SAs"},
                    [&d](const config::ParsedArgs& a) -> Result<std::string> {
                      return a.json ? ikev2_sa_json(d) : show_ikev2_sa(d, false);
                    }, true);
  cfg.register_exec("show crypto ikev2 sa detailed", {sh, cr, "Shows ikev2 info", "Shows ikev2 SAs", "detailed SA information"},
                    [&d](const config::ParsedArgs& a) -> Result<std::string> {
                      return a.json ? ikev2_sa_json(d) : show_ikev2_sa(d, true);
                    }, true);
  cfg.register_exec("show crypto ikev2 sa remote A.B.C.D [detailed]",
                    {sh, cr, "Shows ikev2 info", "Shows ikev2 SAs", "Remote address", "Remote IP address", "detailed SA information"},
                    [&d](const config::ParsedArgs& a) -> Result<std::string> {
                      if (a.json) return ikev2_sa_json(d, a.at(5));
                      return show_ikev2_sa(d, a.words.back() == "detailed", a.at(5));
                    }, true);
  cfg.register_exec("show crypto ipsec sa peer A.B.C.D",
                    {sh, cr, "Show IPSEC info", "IPSEC SA table", "Show info for a peer", "Peer IP address"},
                    [&d](const config::ParsedArgs& a) -> Result<std::string> {
                      if (a.json) return ipsec_sa_json(d, "", a.words.back());
                      auto s = show_ipsec_sa(d, "", a.words.back());
                      return s.empty() || s == "No IPsec SAs\n" ? std::string("No IPsec SAs for peer " + a.words.back() + "\n") : s;
                    }, true);
  cfg.register_exec("show crypto ipsec sa", {sh, cr, "Show IPSEC info", "IPSEC SA table"},
                    [&d](const config::ParsedArgs& a) -> Result<std::string> {
                      return a.json ? ipsec_sa_json(d, "") : show_ipsec_sa(d, "");
                    }, true);
  cfg.register_exec("show crypto ipsec sa interface WORD",
                    {sh, cr, "Show IPSEC info", "IPSEC SA table", "Show info for an interface", "Interface name"},
                    [&d](const config::ParsedArgs& a) -> Result<std::string> {
                      std::string itf = config::canonical_interface_name(a.words.back());
                      return a.json ? ipsec_sa_json(d, itf) : show_ipsec_sa(d, itf);
                    }, true);
  cfg.register_exec("show crypto session", {sh, cr, "crypto session"},
                    [&d](const config::ParsedArgs& a) -> Result<std::string> {
                      return a.json ? ikev2_sa_json(d) : show_session(d, false);
                    }, true);
  cfg.register_exec("show crypto session detail", {sh, cr, "crypto session", "detailed information"},
                    [&d](const config::ParsedArgs& a) -> Result<std::string> {
                      return a.json ? ikev2_sa_json(d) : show_session(d, true);
                    }, true);
  cfg.register_exec("show interfaces", {sh, "Interface status and configuration"},
                    [&d](const config::ParsedArgs& a) -> Result<std::string> {
                      if (a.json) return interfaces_json(d, "");
                      std::string out;
                      for (auto& [name, itf] : d.model().interfaces) out += show_interface(d, name);
                      for (auto& [n, va] : d.remote_access().virtual_access().all()) out += show_interface(d, va.name);
                      return out;
                    }, true);
  cfg.register_exec("show interfaces WORD", {sh, "Interface status and configuration", "Interface name"},
                    [&d](const config::ParsedArgs& a) -> Result<std::string> {
                      std::string name = config::canonical_interface_name(a.words.back());
                      auto s = show_interface(d, name);
                      if (s.empty()) return fail(Errc::kNotFound, "% Invalid interface: " + a.words.back());
                      return a.json ? interfaces_json(d, name) : s;
                    }, true);
  cfg.register_exec("clear crypto session", {"Reset functions", cr, "crypto session"},
                    [&d](const config::ParsedArgs&) -> Result<std::string> {
                      d.clear_sessions("");
                      return std::string();
                    });
  register_ikev2_stats_commands(cfg, d);
  cfg.register_exec("clear crypto ikev2 sa", {"Reset functions", cr, "IKEv2 info", "IKEv2 SAs"},
                    [&d](const config::ParsedArgs&) -> Result<std::string> {
                      d.clear_sessions("");
                      return std::string();
                    });
}

}  // namespace kg::daemon
