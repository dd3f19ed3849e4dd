// Sending side of IKE fragmentation (RFC 7383): an SK-protected message too
// large for the path goes as Encrypted Fragment (SKF) payloads, each its own
// datagram, separately encrypted and integrity-protected (§2.5). The
// receiving side is ike/reassembly.h and EngineImpl::on_fragment.
#pragma once
#include <vector>

#include "ike/ike_sa.h"
#include "ike/policy.h"

namespace kg::ike {

// IP + UDP (+ the non-ESP marker on port 4500) around an IKE message.
size_t datagram_overhead(const Endpoint& local, const Endpoint& remote);

// The largest IP datagram a fragment may make: `crypto ikev2 fragmentation
// mtu N`, else IOS's default, 576 (IPv4) or 1280 (IPv6).
size_t fragment_mtu(const IkeLimits& limits, const Endpoint& remote);

// Header + SKF{number/total, chunk}, all fragments of `inner`, each at most
// `max_ike_len` bytes (the IKE message, without IP/UDP). Fails when not even
// one payload byte fits.
Result<std::vector<Bytes>> protect_fragments(IkeSa& sa, Header h, const std::vector<TypedPayload>& inner,
                                             size_t max_ike_len, Random& rng);

// What the driver sends: one SK message, or its fragments when fragmentation
// was negotiated and the datagram would exceed the fragment MTU (§2.5).
Result<std::vector<Bytes>> protect_for_path(IkeSa& sa, Header h, const std::vector<TypedPayload>& inner,
                                            const IkeLimits& limits, Random& rng);

}  // namespace kg::ike
