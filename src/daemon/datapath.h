// The daemon's data path: UDP 500 and 4500 sockets, one TUN per tunnel
// interface, and the ESP SAs between them.
//
// Inbound:  recvmmsg batch on UDP 4500
//             ├─ 1 byte 0xFF          → NAT keepalive, dropped
//             ├─ 4 zero bytes + IKE   → IKE engine (marker stripped)
//             └─ ESP                  → SPI lookup → replay check → ICV+decrypt
//                                       → selector check → write to the SA's TUN
//           recvmmsg batch on UDP 500 → IKE engine
// Outbound: TUN read batch → the tunnel's current outbound SA → ESP seal in
//           place → sendmmsg batch to the peer's UDP 4500
#pragma once
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "esp/sa.h"
#include "ike/engine.h"
#include "io/event_loop.h"
#include "io/tun_device.h"
#include "io/udp_socket.h"

namespace kg::daemon {

struct TunnelCounters {
  uint64_t in_packets = 0, in_bytes = 0, out_packets = 0, out_bytes = 0;
  uint64_t no_sa_drops = 0, send_errors = 0;
};

// One installed CHILD_SA, both directions, as `show crypto ipsec sa` sees it.
struct ChildSaState {
  ike::InstallChildSa params;  // keys are moved out once the SAs are built
  std::unique_ptr<esp::InboundSa> in;
  std::unique_ptr<esp::OutboundSa> out;
  TimePoint installed;
};

class Datapath {
 public:
  using IkeHandler = std::function<void(const Endpoint& local, const Endpoint& remote, ByteView)>;
  using NoSaHandler = std::function<void(const std::string& tunnel)>;

  static Result<std::unique_ptr<Datapath>> create(io::EventLoop& loop, IkeHandler on_ike);
  void on_no_sa(NoSaHandler h) { no_sa_ = std::move(h); }

  Result<void> add_tunnel(const std::string& name);
  void remove_tunnel(const std::string& name);
  [[nodiscard]] bool has_tunnel(const std::string& name) const { return tunnels_.count(name) != 0; }

  Result<void> install(ike::InstallChildSa sa);
  void remove(const std::string& tunnel, uint32_t spi_in, uint32_t spi_out);
  void send_ike(const Endpoint& local, const Endpoint& remote, ByteView msg);

  struct Tunnel {
    std::unique_ptr<io::TunDevice> tun;
    std::vector<std::unique_ptr<ChildSaState>> sas;  // newest last: its outbound SA is used
    TunnelCounters counters;
  };
  [[nodiscard]] const std::map<std::string, Tunnel>& tunnels() const { return tunnels_; }
  [[nodiscard]] uint64_t malformed() const { return malformed_; }
  [[nodiscard]] uint64_t unknown_spi() const { return unknown_spi_; }

 private:
  Datapath(io::EventLoop& loop) : loop_(loop) {}
  void on_udp(io::UdpSocket& s, bool natt);
  void on_tun(const std::string& name);

  static constexpr size_t kBatch = 32;
  static constexpr size_t kBufSize = esp::kHeadroom + 65535 + esp::kTailroom;

  io::EventLoop& loop_;
  IkeHandler on_ike_;
  NoSaHandler no_sa_;
  std::unique_ptr<io::UdpSocket> ike_, natt_;
  std::map<std::string, Tunnel> tunnels_;
  std::unordered_map<uint32_t, std::pair<std::string, ChildSaState*>> by_spi_;
  std::vector<std::vector<uint8_t>> bufs_;  // kBatch preallocated packet buffers
  uint64_t malformed_ = 0, unknown_spi_ = 0;
};

}  // namespace kg::daemon
