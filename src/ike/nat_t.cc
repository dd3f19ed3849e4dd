#include "ike/nat_t.h"

#include "common/log.h"
#include "ike/fmt.h"

namespace kg::ike {
namespace {
constexpr uint16_t kIkePort = 500, kNattPort = 4500;

Endpoint natt(Endpoint e) {
  if (e.port == kIkePort) e.port = kNattPort;
  return e;
}
}  // namespace

void float_if_natted(IkeSa& sa) {
  if (!nat_detected(sa)) return;
  sa.local = natt(sa.local);
  sa.remote = natt(sa.remote);
}

void set_child_endpoints(const IkeSa& sa, ChildSaParams& c) {
  c.udp_encap = nat_detected(sa);
  c.peer_may_float = peer_may_float(sa);
  c.local = c.udp_encap ? natt(sa.local) : Endpoint{sa.local.addr, 0};
  c.remote = c.udp_encap ? natt(sa.remote) : Endpoint{sa.remote.addr, 0};
}

bool follow_peer(IkeSa& sa, const Endpoint& local, const Endpoint& remote, std::vector<Action>& out) {
  if (!peer_may_float(sa) || (sa.remote == remote && sa.local.addr == local.addr)) return false;
  if (sa.state == SaState::kEstablished)  // (before: the initiator's float to 4500)
    log::info(fmt("IKEv2: peer {} now at {} (its NAT mapping changed, RFC 7296 §2.23)", sa.remote.str(),
                  remote.str()));
  sa.remote = remote;
  sa.local = local;
  for (auto& c : sa.children) {
    c.sa.remote = remote;
    c.sa.local.addr = local.addr;
    out.push_back(UpdateChildSaPeer{c.sa.spi_in, c.sa.local, c.sa.remote});
  }
  return true;
}

}  // namespace kg::ike
