// RADIUS dynamic authorization server (RFC 5176; IOS `aaa server radius
// dynamic-author`): a Disconnect-Request or CoA-Request from a configured
// client, checked and answered. No I/O: the daemon hands each datagram to
// on_datagram() and sends back what it returns; the sessions and what can be
// done to them are behind Host.
//
// One request:
//   source address a configured client? (else dropped, counted)
//   -> Request Authenticator and Message-Authenticator with its key
//      (RFC 5176 §2.3; else dropped, counted)
//   -> a retransmission of a request already answered? the same answer (§2.3)
//   -> NAS identification (NAS-IP-Address, NAS-Identifier) ours? (else NAK 403)
//   -> attributes this code may carry? (else NAK 401)
//   -> session identification: Acct-Session-Id, User-Name,
//      Framed-IP-Address, each present one must match (§3; none: NAK 402)
//   -> no session matches: NAK 503 Session-Context-Not-Found
//   -> Disconnect: every matching session torn down, ACK
//      CoA: the change applied to every matching session, ACK; a change
//      that cannot be made live (an address, a pool, DNS, routes) NAK 406
//      Unsupported-Extension, and then nothing is changed.
// What a CoA-Request can change live (RFC 5176 §3.1):
//   Session-Timeout                       the session ends that much later
//   Acct-Interim-Interval                 its Interim-Update period
//   Cisco-AVPair ip:interface-config=ip access-group NAME in|out
//                                         its Virtual-Access's filter
//   Cisco-AVPair subscriber:command=reauthenticate
//                                         authorization asked again (ACKed
//                                         first, as IOS does); what comes back
//                                         applied where it can change live
// Replies echo Proxy-State (§3) and carry Message-Authenticator.
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/ip.h"
#include "common/result.h"
#include "common/secret.h"
#include "wire/radius/packet.h"

namespace kg::aaa::radius {

// RFC 5176 §3.5 Error-Cause values keygate sends.
enum class ErrorCause : uint32_t {
  kUnsupportedAttribute = 401,
  kMissingAttribute = 402,
  kNasIdentificationMismatch = 403,
  kInvalidRequest = 404,
  kUnsupportedService = 405,
  kUnsupportedExtension = 406,
  kInvalidAttributeValue = 407,
  kSessionContextNotFound = 503,
  kSessionContextNotRemovable = 504,
  kResourcesUnavailable = 506,
};
inline constexpr uint8_t kErrorCauseAttr = 101;  // RFC 5176 §3.6
inline constexpr uint8_t kServiceTypeAttr = 6;
inline constexpr uint8_t kAcctInterimIntervalAttr = 85;  // RFC 2869 §5.16
inline constexpr uint32_t kServiceTypeAuthorizeOnly = 17;

// A live accounted session as a request may name it.
struct DaSession {
  uint64_t key = 0;  // the host's handle
  std::string session_id;  // Acct-Session-Id
  std::string user_name;
  std::optional<IpAddress> framed_ip;
};

struct DaStats {
  uint64_t requests = 0, disconnect_acks = 0, disconnect_naks = 0, coa_acks = 0, coa_naks = 0;
  uint64_t unknown_client = 0, bad_authenticator = 0, malformed = 0, duplicates = 0, unsupported_code = 0;
};

class DynamicAuthorServer {
 public:
  class Host {
   public:
    virtual ~Host() = default;
    [[nodiscard]] virtual std::vector<DaSession> sessions() const = 0;
    // Tears the session down (Acct-Terminate-Cause Admin-Reset).
    virtual void disconnect(uint64_t key) = 0;
    // CoA Session-Timeout (RFC 2865 §5.27): the session ends `seconds` from now.
    virtual void set_session_timeout(uint64_t key, uint32_t seconds) = 0;
    // CoA Acct-Interim-Interval: Interim-Updates every `seconds`.
    virtual void set_interim_interval(uint64_t key, uint32_t seconds) = 0;
    // CoA ip:interface-config: the ip access-group commands (already checked
    // to be nothing else); an error when they could not be put in place.
    virtual Result<void> change_interface_config(uint64_t key, const std::vector<std::string>& commands) = 0;
    // subscriber:command=reauthenticate: authorization is asked again; the
    // host applies what can change live when it answers. An error: it
    // cannot (the request is NAKed 406 before anything else changes).
    virtual Result<void> reauthorize(uint64_t key) = 0;
    // Our NAS-IP-Address values (any one of them matches) and NAS-Identifier.
    [[nodiscard]] virtual std::vector<IpAddress> nas_addresses() const = 0;
    [[nodiscard]] virtual std::string nas_identifier() const = 0;
  };

  explicit DynamicAuthorServer(Host& host) : host_(host) {}
  // client address ("A.B.C.D") -> its server-key.
  void configure(std::map<std::string, Secret> clients) { clients_ = std::move(clients); }

  // The reply datagram to send back to `from`, or nothing (dropped).
  [[nodiscard]] std::optional<Bytes> on_datagram(const IpAddress& from, ByteView datagram);

  [[nodiscard]] const DaStats& stats() const { return stats_; }
  // For debug lines: what the last request was and how it was answered.
  [[nodiscard]] const std::string& last_outcome() const { return last_; }

 private:
  struct Answered {
    std::string client;
    uint8_t id;
    kg::radius::Authenticator auth;
    Bytes reply;
  };
  // The reply packet (code and attributes) to a checked request.
  kg::radius::Packet answer(const kg::radius::Packet& req);
  kg::radius::Packet nak(const kg::radius::Packet& req, ErrorCause cause, const std::string& why);

  Host& host_;
  std::map<std::string, Secret> clients_;
  std::deque<Answered> answered_;  // the last few, for retransmissions
  DaStats stats_;
  std::string last_;
};

}  // namespace kg::aaa::radius
