#include "esp/gre_device.h"

#include <algorithm>

namespace kg::esp {

GreDevice::GreDevice(std::unique_ptr<PacketDevice> tun, std::shared_ptr<GreCounters> counters)
    : tun_(std::move(tun)), c_(counters ? std::move(counters) : std::make_shared<GreCounters>()) {}

size_t GreDevice::read_batch(std::span<std::span<uint8_t>> bufs, std::span<size_t> lens) {
  size_t oh = tunnel_.overhead();  // the largest overhead when unset (IPv4 default: 24)
  size_t want = std::min({bufs.size(), lens.size(), kMaxBatch});
  for (size_t i = 0; i < want; ++i)
    shifted_[i] = bufs[i].size() > oh ? bufs[i].subspan(oh) : bufs[i].subspan(bufs[i].size());
  size_t n = tun_->read_batch(std::span(shifted_.data(), want), lens.first(want));
  size_t out = 0;
  for (size_t i = 0; i < n; ++i) {
    size_t len = have_tunnel_ ? gre_encap(bufs[i], lens[i], tunnel_, ip_id_++) : 0;
    if (len == 0) {
      if (!have_tunnel_) ++c_->no_endpoints;
      else ++c_->malformed;
      continue;
    }
    // Keep the batch dense: move this packet's slot forward if one was dropped.
    if (out != i) std::copy_n(bufs[i].begin(), len, bufs[out].begin());
    lens[out++] = len;
    ++c_->encaps;
  }
  return out;
}

size_t GreDevice::write_batch(std::span<const ByteView> packets) {
  size_t n = 0, tun_failures = 0;
  for (size_t i = 0; i < packets.size(); ++i) {
    auto in = have_tunnel_ ? gre_decap(packets[i], tunnel_) : std::unexpected(GreDrop::kNotOurTunnel);
    if (in) {
      inner_[n++] = *in;
      ++c_->decaps;
    } else {
      switch (in.error()) {
        case GreDrop::kMalformed: ++c_->malformed; break;
        case GreDrop::kUnsupported: ++c_->unsupported; break;
        case GreDrop::kNotOurTunnel: ++c_->not_our_tunnel; break;
        case GreDrop::kNotIp: ++c_->not_ip; break;
      }
    }
    if (n == kMaxBatch || (i + 1 == packets.size() && n > 0)) {
      tun_failures += n - tun_->write_batch(std::span<const ByteView>(inner_.data(), n));
      n = 0;
    }
  }
  // GRE drops are counted here; only what the TUN refused goes back to the
  // data path (its TUN write errors).
  return packets.size() - tun_failures;
}

}  // namespace kg::esp
