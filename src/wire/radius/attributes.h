// RADIUS attribute types keygate sends or reads (IANA "RADIUS Types"),
// with the RFC that defines each. Values keep their wire form in Packet;
// the typed readers are in packet.h, vendor attributes in vendor.h.
#pragma once
#include <cstdint>

namespace kg::radius {

enum class AttrType : uint8_t {
  kUserName = 1,               // RFC 2865 §5.1 text
  kUserPassword = 2,           // §5.2 hidden with the secret (aaa/radius/hiding.h)
  kNasIpAddress = 4,           // §5.4 address
  kNasPort = 5,                // §5.5 integer
  kServiceType = 6,            // §5.6 integer
  kFramedProtocol = 7,         // §5.7 integer
  kFramedIpAddress = 8,        // §5.8 address
  kFramedIpNetmask = 9,        // §5.9 address
  kReplyMessage = 18,          // §5.18 text
  kState = 24,                 // §5.24 string, echoed unchanged in the next request
  kClass = 25,                 // §5.25 string, echoed in accounting (RFC 2866 §5)
  kVendorSpecific = 26,        // §5.26 (vendor.h)
  kSessionTimeout = 27,        // §5.27 integer
  kCalledStationId = 30,       // §5.30 text
  kCallingStationId = 31,      // §5.31 text
  kNasIdentifier = 32,         // §5.32 text
  kProxyState = 33,            // §5.33 string
  kAcctStatusType = 40,        // RFC 2866 §5.1 integer
  kAcctDelayTime = 41,         // §5.2
  kAcctInputOctets = 42,       // §5.3
  kAcctOutputOctets = 43,      // §5.4
  kAcctSessionId = 44,         // §5.5 text
  kAcctAuthentic = 45,         // §5.6
  kAcctSessionTime = 46,       // §5.7
  kAcctInputPackets = 47,      // §5.8
  kAcctOutputPackets = 48,     // §5.9
  kAcctTerminateCause = 49,    // §5.10
  kAcctInputGigawords = 52,    // RFC 2869 §5.1
  kAcctOutputGigawords = 53,   // §5.2
  kEventTimestamp = 55,        // §5.3
  kNasPortType = 61,           // RFC 2865 §5.41
  kEapMessage = 79,            // RFC 3579 §3.1 (eap_message.h)
  kMessageAuthenticator = 80,  // RFC 3579 §3.2, 16 octets
  kFramedPool = 88,            // RFC 2869 §5.18 text
};

// RFC 2866 §5.1 Acct-Status-Type.
enum class AcctStatus : uint32_t { kStart = 1, kStop = 2, kInterimUpdate = 3, kAccountingOn = 7, kAccountingOff = 8 };

// RFC 2866 §5.10 Acct-Terminate-Cause (the ones an IPsec gateway reports).
enum class TerminateCause : uint32_t {
  kUserRequest = 1,
  kLostCarrier = 2,
  kIdleTimeout = 4,
  kSessionTimeout = 5,
  kAdminReset = 6,
  kAdminReboot = 7,
  kNasError = 9,
  kNasRequest = 10,
  kNasReboot = 11,
};

// RFC 2865 §5.6 Service-Type, §5.41 NAS-Port-Type.
inline constexpr uint32_t kServiceTypeLogin = 1;
inline constexpr uint32_t kServiceTypeFramed = 2;
inline constexpr uint32_t kNasPortTypeVirtual = 5;

}  // namespace kg::radius
