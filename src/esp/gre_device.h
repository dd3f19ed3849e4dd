// `tunnel mode gre ip|ipv6` (IOS's default tunnel mode, RFC 2784 GRE over
// IPsec): a PacketDevice in front of the tunnel's TUN that the data path uses
// like any tunnel device. Reads return GRE delivery packets (outer IP header
// from tunnel source to destination, protocol 47, GRE, the TUN's packet) for
// the tunnel-mode SA whose selectors are that GRE flow; writes take the
// decrypted delivery packets, check them (wire/gre/gre_packet.h) and write the
// inner packets to the TUN. No copy: the TUN reads behind the headroom the
// headers need. Bad packets are dropped and counted in GreCounters.
#pragma once
#include <array>
#include <memory>
#include <vector>

#include "esp/datapath.h"
#include "wire/gre/gre_packet.h"

namespace kg::esp {

struct GreCounters {
  uint64_t encaps = 0, decaps = 0;
  uint64_t malformed = 0, unsupported = 0, not_our_tunnel = 0, not_ip = 0;
  uint64_t no_endpoints = 0;  // read while the tunnel's addresses were unknown
  [[nodiscard]] uint64_t drops() const { return malformed + unsupported + not_our_tunnel + not_ip; }
};

class GreDevice final : public PacketDevice {
 public:
  // `counters` outlives nothing in particular: the daemon keeps a share for show.
  GreDevice(std::unique_ptr<PacketDevice> tun, std::shared_ptr<GreCounters> counters);
  // The tunnel's endpoints (tunnel source/destination); unset: reads are dropped.
  void set_tunnel(const GreTunnel& t) { tunnel_ = t, have_tunnel_ = true; }
  // ESP tunnel mode (the delivery packet has its outer IP header, default)
  // or transport mode (GRE alone), as the CHILD_SA was negotiated.
  void set_outer_ip(bool on) { tunnel_.outer_ip = on; }
  [[nodiscard]] bool outer_ip() const { return tunnel_.outer_ip; }
  [[nodiscard]] const GreTunnel* tunnel() const { return have_tunnel_ ? &tunnel_ : nullptr; }

  size_t read_batch(std::span<std::span<uint8_t>> bufs, std::span<size_t> lens) override;
  size_t write_batch(std::span<const ByteView> packets) override;
  [[nodiscard]] int fd() const override { return tun_->fd(); }
  [[nodiscard]] bool pending() const override { return tun_->pending(); }
  [[nodiscard]] bool more() const override { return tun_->more(); }

 private:
  static constexpr size_t kMaxBatch = 256;
  std::unique_ptr<PacketDevice> tun_;
  std::shared_ptr<GreCounters> c_;
  GreTunnel tunnel_;
  bool have_tunnel_ = false;
  uint16_t ip_id_ = 0;
  std::array<std::span<uint8_t>, kMaxBatch> shifted_{};
  std::vector<ByteView> inner_ = std::vector<ByteView>(kMaxBatch);
};

}  // namespace kg::esp
