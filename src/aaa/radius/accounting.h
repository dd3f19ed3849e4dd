// One RADIUS accounting record (RFC 2866, RFC 2869 §5.1-5.3) as keygate
// reports a remote-access session: what the seed's accounting example
// lists (User-Name, Framed-IP-Address, NAS-IP-Address, Acct-Session-Time,
// octet and packet counters with gigawords, Acct-Terminate-Cause, Class
// from the Access-Accept, Cisco-AVPair isakmp-phase1-id and
// isakmp-initiator-ip). Pure: the packet is sealed (Request Authenticator,
// RFC 2866 §3) by seal_request in authenticator.h.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/ip.h"
#include "wire/radius/packet.h"

namespace kg::aaa::radius {

using kg::radius::AcctStatus;
using kg::radius::TerminateCause;

struct AcctCounters {
  uint64_t input_octets = 0, output_octets = 0;    // from the client / to it
  uint64_t input_packets = 0, output_packets = 0;  // sent modulo 2^32
  bool operator==(const AcctCounters&) const = default;
};

struct AcctRecord {
  AcctStatus status = AcctStatus::kStart;
  std::string session_id;  // Acct-Session-Id, unique per session (AcctSessionIds)
  std::string user_name;
  std::optional<IpAddress> nas_ip;      // v4 only on the wire (NAS-IP-Address)
  std::optional<IpAddress> framed_ip;   // v4 only (Framed-IP-Address)
  std::vector<Bytes> classes;           // Class values of the Access-Accept, echoed
  std::string phase1_id;                // Cisco-AVPair isakmp-phase1-id=
  std::optional<IpAddress> initiator;   // Cisco-AVPair isakmp-initiator-ip=
  uint32_t session_time = 0;            // seconds, Interim-Update and Stop
  AcctCounters counters;                // Interim-Update and Stop
  std::optional<TerminateCause> cause;  // Stop
  uint32_t delay_time = 0;              // Acct-Delay-Time (seconds waiting to be sent)
  bool progress = false;                // Cisco-AVPair connect-progress / disc-cause-ext
  bool operator==(const AcctRecord&) const = default;
};

// The Accounting-Request of `r` (code and attributes; Identifier and
// Authenticator are the client's). Start carries no counters; Interim-
// Update and Stop carry Acct-Session-Time and the counters, octets split
// into the low 32 bits and Acct-*-Gigawords (RFC 2869 §5.1). Accounting-
// On/Off carry only the NAS identification.
// With `progress`, Start, Interim-Update and Stop also carry Cisco-AVPair
// connect-progress (as seed 004's records show it), and Stop
// disc-cause-ext, IOS's words for the Acct-Terminate-Cause.
[[nodiscard]] kg::radius::Packet accounting_request(const AcctRecord& r);
// IOS's disc-cause-ext words for a terminate cause ("Admin Reset").
[[nodiscard]] const char* disc_cause_ext(TerminateCause c);
[[nodiscard]] const char* terminate_cause_name(TerminateCause c);  // RFC 2866 "Admin-Reset" 

// Acct-Session-Id values unique per session and across restarts: an
// 8-hex-digit prefix chosen at start (time and random) and a counter,
// "5F3A2B1C-00000001".
class AcctSessionIds {
 public:
  explicit AcctSessionIds(uint32_t prefix) : prefix_(prefix) {}
  [[nodiscard]] std::string next();

 private:
  uint32_t prefix_;
  uint32_t counter_ = 0;
};

}  // namespace kg::aaa::radius
