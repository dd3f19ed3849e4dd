// What the data path needs to install one CHILD_SA (both directions): its
// parameters, which the IKE SA also keeps, and its keys. The IKE engine
// emits them in its InstallChildSa action (ike/engine.h uses these types);
// the data path (datapath.h) installs them. Defined here so that src/esp
// depends on no header of src/ike (issue 13, part 7).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "common/ip.h"
#include "common/secret.h"
#include "crypto/sk_cipher.h"
#include "common/traffic_selector.h"

namespace kg::esp {

// The parameters of one CHILD_SA (both directions), without its keys: what
// the IKE SA keeps of it.
struct ChildSaParams {
  std::string interface;   // tunnel interface the SA belongs to
  uint64_t ike_spi_i = 0;  // owning IKE SA, for show commands
  uint32_t spi_in = 0;     // SPI we chose: peer sends to it
  uint32_t spi_out = 0;    // SPI the peer chose
  crypto::CipherSuite suite;
  Endpoint local;          // UDP-encapsulation endpoints (port 4500), or the
  Endpoint remote;         // IP addresses alone (port 0) for plain ESP
  // ESP in UDP (RFC 3948) when a NAT was detected on either side, else
  // plain ESP, IP protocol 50 (RFC 7296 §2.23).
  bool udp_encap = true;
  // The peer is behind a NAT and we are not: follow its address/port when an
  // authenticated, new ESP packet comes from elsewhere (RFC 7296 §2.23).
  bool peer_may_float = false;
  std::vector<TrafficSelector> local_ts, remote_ts;  // as negotiated
  uint32_t replay_window = 64;
  // ESP transport mode (both sides sent N(USE_TRANSPORT_MODE)): the ESP
  // payload is the upper-layer protocol of the selectors (GRE), not an IP packet.
  bool transport = false;
  uint32_t lifetime_s = 3600;  // hard lifetime; the engine times it
  // Volume lifetime (set security-association lifetime kilobytes): the data
  // path reports crossing soft_kb (rekey) and lifetime_kb (delete) in either
  // direction. 0 = no limit.
  uint64_t lifetime_kb = 0, soft_kb = 0;
  // Rekey responder (RFC 7296 §2.8): carry outbound traffic only once the
  // peer sends on this SA or the older SAs are gone (see esp/sa_table.h).
  bool defer_outbound = false;
};

// Keys and parameters for one CHILD_SA (both directions) for the data path.
struct InstallChildSa : ChildSaParams {
  Secret encr_in, integ_in, encr_out, integ_out;
};

}  // namespace kg::esp
