// Internal to the IKEv1 engine: what an ISAKMP SA opened in Aggressive Mode
// by an Easy VPN client carries beyond phase 1: its group, XAUTH and mode
// configuration state (aggressive_mode.cc, xauth_mode_config.cc).
#pragma once
#include <string>

#include "ike/policy.h"
#include "ikev1/policy.h"

namespace kg::ikev1 {

struct EzvpnState {
  EzvpnPeer peer;
  enum class Step {
    kGroupLookup,  // message 1 in, the group's key asked of RADIUS (work)
    kPhase1,      // Aggressive Mode message 2 sent
    kXauthAsked,  // XAUTH REQUEST sent
    kXauthChecking,  // REPLY in, its password with the checker (RADIUS)
    kXauthSet,    // SET(STATUS) sent, ACK awaited
    kConfig,      // XAUTH done (or none): the client's mode-config REQUEST awaited
    kConfigPushed,  // client configuration address initiate: SET sent, ACK awaited
    kReady,       // configured: Quick Mode allowed
    kFailed,      // XAUTH refused: the SA goes once the client ACKs
  } step = Step::kPhase1;
  std::string user;  // XAUTH user name
  std::vector<Bytes> classes;  // its RADIUS Access-Accept's Class values, for accounting
  int xauth_tries = 0;
  uint64_t work = 0;  // kGroupLookup, kXauthChecking: the WorkRequest id
  Bytes msg1;         // kGroupLookup: Aggressive Mode message 1, answered once the key is in
  uint32_t mid = 0;  // the transaction exchange we started
  Bytes iv;          // its CBC state
  uint16_t identifier = 0;
  ModeCfgReply reply;         // what mode configuration gave
  ike::SessionConfig config;  // the address handed out (lease, session id)
  // Answers to the client's transaction requests, for its retransmissions.
  Bytes last_rx, last_tx;
};

}  // namespace kg::ikev1
