// NAT traversal decisions of an IKE SA (RFC 7296 §2.23, RFC 3948), taken from
// what ike_natd detected: whether IKE floats to UDP 4500, whether its
// CHILD_SAs use ESP in UDP or plain ESP, and when the SA follows its peer to
// a new address/port.
#pragma once
#include <vector>

#include "ike/ike_sa.h"

namespace kg::ike {

// A NAT on either side (or a peer that fakes NAT-D to force encapsulation, as
// strongSwan's encap=yes does): IKE moves to 4500 and ESP goes in UDP.
inline bool nat_detected(const IkeSa& sa) { return sa.nat_local || sa.nat_remote; }
// §2.23: only a host that is not behind a NAT updates the peer's address
// from authenticated packets; one behind a NAT must not (a DoS risk).
inline bool peer_may_float(const IkeSa& sa) { return sa.nat_remote && !sa.nat_local; }

// After IKE_SA_INIT: the initiator floats to 4500 when a NAT was detected
// (§2.23 MUST); without NAT IKE stays on 500 and ESP goes as IP protocol 50.
void float_if_natted(IkeSa& sa);
// The ESP endpoints of a CHILD_SA of this IKE SA.
void set_child_endpoints(const IkeSa& sa, ChildSaParams& c);
// A new, authenticated message (or ESP packet) arrived from `remote`: if the
// SA may follow its peer and the address/port changed, move the IKE SA and
// every CHILD_SA (UpdateChildSaPeer actions). Returns true if it moved.
bool follow_peer(IkeSa& sa, const Endpoint& local, const Endpoint& remote, std::vector<Action>& out);

}  // namespace kg::ike
