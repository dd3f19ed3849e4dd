// `show crypto ikev2 stats` in IOS's layout (SA counts by direction, admission
// of new SAs, cookie challenges), followed by keygate's own IKE and data-path
// packet counters; `clear crypto ikev2 stats` zeroes what it shows.
#include <cstdio>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "daemon/daemon.h"
#include "daemon/show_runtime.h"

namespace kg::daemon {
namespace {

// IOS prints label/value columns; this keeps them aligned the same way.
std::string col(const std::string& label, uint64_t v, int width) {
  char b[96];
  std::snprintf(b, sizeof b, "%s %-*llu", label.c_str(), width, static_cast<unsigned long long>(v));
  return b;
}

const char* kRule = "--------------------------------------------------------------------------------\n";

struct SaCounts {
  uint64_t in_total = 0, in_active = 0, in_neg = 0, out_total = 0, out_active = 0, out_neg = 0;
};

SaCounts count(const Daemon& d) {
  SaCounts c;
  for (auto& sa : d.engine().sas()) {
    bool ready = sa.state == "READY";
    bool neg = sa.state == "IN-NEG";
    if (sa.initiator) {
      c.out_total++;
      c.out_active += ready;
      c.out_neg += neg;
    } else {
      c.in_total++;
      c.in_active += ready;
      c.in_neg += neg;
    }
  }
  return c;
}

// Data-path counters are cumulative in the data path; `clear` records a
// baseline here instead of reaching into it.
struct Baseline {
  esp::DatapathCounters dp;
};

uint64_t since(uint64_t now, uint64_t base) { return now >= base ? now - base : now; }

std::string show_stats(const Daemon& d, const Baseline& base) {
  const ike::EngineStats& s = d.engine().stats();
  const auto& g = d.model().ikev2;
  SaCounts c = count(d);
  std::string o;
  o += kRule;
  o += "                     Crypto IKEv2 SA Statistics\n";
  o += kRule;
  o += col("System Resource Limit:", 0, 8) + " " + col("Max IKEv2 SAs:", uint64_t(g.max_sa.value_or(0)), 8) +
       " Max in nego(in/out): " + std::to_string(g.max_in_negotiation_in) + "/" +
       std::to_string(g.max_in_negotiation_out) + "\n";
  o += col("Total incoming IKEv2 SA Count:", c.in_total, 8) + " " + col("active:", c.in_active, 8) + " " +
       "negotiating: " + std::to_string(c.in_neg) + "\n";
  o += col("Total outgoing IKEv2 SA Count:", c.out_total, 8) + " " + col("active:", c.out_active, 8) + " " +
       "negotiating: " + std::to_string(c.out_neg) + "\n";
  o += col("Incoming IKEv2 Requests:", s.in_requests, 8) + " " + col("accepted:", s.in_accepted, 8) + " " +
       "rejected: " + std::to_string(s.in_rejected) + "\n";
  o += col("Outgoing IKEv2 Requests:", s.out_requests, 8) + " " + col("accepted:", s.out_accepted, 8) + " " +
       "rejected: " + std::to_string(s.out_rejected) + "\n";
  o += col("Rejected IKEv2 Requests:", s.in_rejected + s.out_rejected, 8) + " " + col("rsrc low:", 0, 8) + " " +
       "SA limit: " + std::to_string(s.rejected_sa_limit) + "\n";
  o += "IKEv2 packets dropped at dispatch: " + std::to_string(s.rx_dropped_malformed + s.rx_dropped_unknown_sa) + "\n";
  o += "Incoming IKEV2 Cookie Challenged Requests: " +
       std::to_string(s.cookie_accepted + s.cookie_rejected + s.cookie_missing) + "\n";
  o += "        " + col("accepted:", s.cookie_accepted, 8) + " " + col("rejected:", s.cookie_rejected, 8) + " " +
       "rejected no cookie: " + std::to_string(s.cookie_missing) + "\n";
  o += "Total Deleted sessions of Cert Revoked Peers: 0\n\n";

  const esp::DatapathCounters& dp = d.datapath().counters();
  o += kRule;
  o += "                     keygate IKEv2 and data path counters\n";
  o += kRule;
  o += col("IKE packets in:", s.rx_packets, 10) + " " + col("out:", s.tx_packets, 10) + " " +
       "retransmitted: " + std::to_string(s.retransmits) + "\n";
  o += col("IKE dropped: malformed:", s.rx_dropped_malformed, 8) + " " + col("unknown SA:", s.rx_dropped_unknown_sa, 8) +
       " " + col("bad ICV:", s.rx_dropped_auth, 8) + " " + "message ID: " + std::to_string(s.rx_dropped_replay) + "\n";
  o += col("Rekeys: IKE SA:", s.ike_rekeys, 8) + " " + col("CHILD_SA:", s.child_rekeys, 8) + " " +
       "collisions: " + std::to_string(s.rekey_collisions) + "\n";
  o += col("IKE fragments (RFC 7383) out:", s.frag_tx, 8) + " " + col("in:", s.frag_rx, 8) + " " +
       col("reassembled:", s.frag_reassembled, 8) + " " + "dropped: " + std::to_string(s.frag_dropped) + "\n";
  o += col("DPD probes sent:", s.dpd_probes, 8) + " " + "peers declared dead: " + std::to_string(s.peers_dead) + "\n";
  o += col("Data path: IKE datagrams in:", since(dp.ike_in, base.dp.ike_in), 10) + " " +
       col("NAT keepalives in:", since(dp.keepalives_in, base.dp.keepalives_in), 8) + " " +
       "out: " + std::to_string(since(dp.keepalives_out, base.dp.keepalives_out)) + "\n";
  o += col("Data path: plain ESP in:", since(dp.esp_in, base.dp.esp_in), 10) + " " +
       "peers followed to a new NAT mapping: " + std::to_string(since(dp.peer_moves, base.dp.peer_moves)) + "\n";
  o += col("Data path dropped: malformed:", since(dp.malformed, base.dp.malformed), 8) + " " +
       col("ESP no SA:", since(dp.no_sa, base.dp.no_sa), 8) + " " +
       "no outbound SA: " + std::to_string(since(dp.no_outbound_sa, base.dp.no_outbound_sa)) + "\n";
  o += col("Data path errors: TUN write:", since(dp.tun_write_errors, base.dp.tun_write_errors), 8) + " " +
       col("send:", since(dp.udp_send_errors, base.dp.udp_send_errors), 8) + " " +
       "no raw ESP socket: " + std::to_string(since(dp.no_esp_socket, base.dp.no_esp_socket)) + "\n";
  return o;
}

// The same counters as one JSON document (`show crypto ikev2 stats | json`).
std::string stats_json(const Daemon& d, const Baseline& base) {
  const ike::EngineStats& s = d.engine().stats();
  const esp::DatapathCounters& dp = d.datapath().counters();
  SaCounts c = count(d);
  return nlohmann::json{
      {"sas", {{"in_total", c.in_total}, {"in_active", c.in_active}, {"in_negotiating", c.in_neg},
               {"out_total", c.out_total}, {"out_active", c.out_active}, {"out_negotiating", c.out_neg}}},
      {"requests", {{"in", s.in_requests}, {"in_accepted", s.in_accepted}, {"in_rejected", s.in_rejected},
                    {"out", s.out_requests}, {"out_accepted", s.out_accepted}, {"out_rejected", s.out_rejected},
                    {"rejected_sa_limit", s.rejected_sa_limit}}},
      {"cookies", {{"accepted", s.cookie_accepted}, {"rejected", s.cookie_rejected}, {"missing", s.cookie_missing}}},
      {"ike", {{"rx_packets", s.rx_packets}, {"tx_packets", s.tx_packets}, {"retransmits", s.retransmits},
               {"dropped_malformed", s.rx_dropped_malformed}, {"dropped_unknown_sa", s.rx_dropped_unknown_sa},
               {"dropped_auth", s.rx_dropped_auth}, {"dropped_message_id", s.rx_dropped_replay},
               {"ike_rekeys", s.ike_rekeys}, {"child_rekeys", s.child_rekeys},
               {"rekey_collisions", s.rekey_collisions}, {"fragments_out", s.frag_tx}, {"fragments_in", s.frag_rx},
               {"reassembled", s.frag_reassembled}, {"fragments_dropped", s.frag_dropped},
               {"dpd_probes", s.dpd_probes}, {"peers_dead", s.peers_dead}}},
      {"datapath", {{"ike_in", since(dp.ike_in, base.dp.ike_in)},
                    {"keepalives_in", since(dp.keepalives_in, base.dp.keepalives_in)},
                    {"keepalives_out", since(dp.keepalives_out, base.dp.keepalives_out)},
                    {"esp_in", since(dp.esp_in, base.dp.esp_in)},
                    {"peer_moves", since(dp.peer_moves, base.dp.peer_moves)},
                    {"malformed", since(dp.malformed, base.dp.malformed)},
                    {"no_sa", since(dp.no_sa, base.dp.no_sa)},
                    {"no_outbound_sa", since(dp.no_outbound_sa, base.dp.no_outbound_sa)},
                    {"tun_write_errors", since(dp.tun_write_errors, base.dp.tun_write_errors)},
                    {"send_errors", since(dp.udp_send_errors, base.dp.udp_send_errors)}}}}
             .dump() + "\n";
}

}  // namespace

void register_ikev2_stats_commands(config::Config& cfg, Daemon& d) {
  auto base = std::make_shared<Baseline>();
  const std::string sh = "Show running system information", cr = "Encryption module";
  cfg.register_exec("show crypto ikev2 stats", {sh, cr, "Shows ikev2 info", "Shows ikev2 statistics"},
                    [&d, base](const config::ParsedArgs& a) -> Result<std::string> {
                      return a.json ? stats_json(d, *base) : show_stats(d, *base);
                    }, true);
  cfg.register_exec("clear crypto ikev2 stats", {"Reset functions", cr, "IKEv2 info", "IKEv2 statistics"},
                    [&d, base](const config::ParsedArgs&) -> Result<std::string> {
                      d.clear_ikev2_stats();
                      base->dp = d.datapath().counters();
                      return std::string();
                    });
}

}  // namespace kg::daemon
