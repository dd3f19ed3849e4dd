// The lines of `debug crypto ikev2 packet` and `debug crypto ipsec`, worded
// as IOS words them, so an engineer's eye finds what it looks for. Each
// checks its category first and costs one atomic load when it is off.
#pragma once
#include "common/bytes.h"
#include "common/ip.h"
#include "ike/engine.h"

namespace kg::daemon {

// "IKEv2:Received Packet [From A:P/To B:Q] Initiator SPI : ... Message id: N
// IKEv2 IKE_SA_INIT Exchange REQUEST" (or "Sending Packet").
void debug_ike_packet(bool sent, const Endpoint& local, const Endpoint& remote, ByteView message);
// "IPSEC(create_sa): sa created, (sa) sa_dest= A, sa_proto= 50, sa_spi= 0x..."
void debug_ipsec_created(const ike::ChildSaParams& sa);
void debug_ipsec_deleted(const std::string& interface, uint32_t spi_in, uint32_t spi_out);

}  // namespace kg::daemon
