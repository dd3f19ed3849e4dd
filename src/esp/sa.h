// ESP security associations for the user-space data path (RFC 4303, tunnel
// mode, carried in UDP per RFC 3948 by the caller).
//
// Packet buffers: the inner IP packet sits at buf[kHeadroom, kHeadroom+len)
// so the ESP header and IV are written in front of it and the padding,
// trailer and ICV behind it, in place: no copy and no allocation per packet.
//
//   | SPI | seq | IV | inner packet | padding | pad len | next hdr | ICV |
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "common/ip.h"
#include "common/result.h"
#include "esp/esp_cipher.h"
#include "esp/packet_selectors.h"
#include "esp/replay_window.h"

namespace kg::esp {

inline constexpr size_t kHeadroom = 8 + 16;    // ESP header + largest IV
inline constexpr size_t kTailroom = 16 + 2 + 32;  // padding + trailer + largest ICV
inline constexpr uint8_t kNextIpv4 = 4;
inline constexpr uint8_t kNextIpv6 = 41;

// Largest number of bytes ESP adds to an inner packet for `s` (header, IV,
// worst-case padding, trailer, ICV), not counting the outer UDP (8) and IP
// (20/40) headers. The daemon subtracts all three from the path MTU to set
// a tunnel interface's MTU.
size_t esp_overhead(const crypto::CipherSuite& s);

// Counters named after `show crypto ipsec sa`.
struct SaCounters {
  uint64_t packets = 0, bytes = 0;
  uint64_t auth_failures = 0, replay_failures = 0, malformed = 0, policy_drops = 0, errors = 0;
};

class OutboundSa {
 public:
  static Result<std::unique_ptr<OutboundSa>> create(uint32_t spi, const crypto::CipherSuite& s,
                                                    const Secret& encr, const Secret& integ);
  // Encapsulates buf[kHeadroom, kHeadroom+inner_len) in place; `buf` must have
  // kTailroom bytes after the packet. Returns the ESP packet inside buf.
  // With `batch`, the cryptography of an SA on the IPsec Multi-Buffer CBC
  // engine is queued there as job `index` (EspCipher::seal): the packet
  // may leave only after batch->finish().
  PacketResult<std::span<uint8_t>> seal(std::span<uint8_t> buf, size_t inner_len,
                                        crypto::IpsecMbCbc::Batch* batch = nullptr, uint32_t index = 0);
  // Transport mode: every packet's next header is `proto` (GRE: 47) instead
  // of 4/41 from the inner IP version.
  void set_transport(uint8_t proto) { transport_proto_ = proto; }
  [[nodiscard]] uint32_t spi() const { return spi_; }
  [[nodiscard]] uint32_t seq() const { return seq_; }
  [[nodiscard]] const SaCounters& counters() const { return c_; }
  SaCounters& counters() { return c_; }
  // Tests only: pretend `s` packets were sent (sequence number exhaustion).
  void skip_to_seq_for_testing(uint32_t s) { seq_ = s; }

 private:
  uint32_t spi_ = 0;
  uint32_t seq_ = 0;  // last sequence number sent; the SA stops before it wraps
  uint8_t transport_proto_ = 0;
  std::unique_ptr<EspCipher> cipher_;
  SaCounters c_;
};

class InboundSa {
 public:
  static Result<std::unique_ptr<InboundSa>> create(uint32_t spi, const crypto::CipherSuite& s,
                                                   const Secret& encr, const Secret& integ,
                                                   uint32_t replay_window);
  // Decapsulates an ESP packet in place: ICV, replay window, padding and the
  // inner packet's addresses against the selectors (if any). Returns the
  // inner IP packet. Every failure is counted here.
  PacketResult<std::span<uint8_t>> open(std::span<uint8_t> esp);
  void set_selectors(std::vector<AddrRange> remote_src, std::vector<AddrRange> local_dst) {
    selectors_ = PacketSelectors(std::move(remote_src), std::move(local_dst));
  }
  // Transport mode: accept next header `proto` (GRE: 47) only; the payload
  // has no IP header to check against the selectors (the outer one was the
  // endpoints, which the SPI already binds).
  void set_transport(uint8_t proto) { transport_proto_ = proto; }
  [[nodiscard]] uint32_t spi() const { return spi_; }
  [[nodiscard]] const SaCounters& counters() const { return c_; }
  [[nodiscard]] uint32_t replay_window_size() const { return window_.size(); }
  // Highest sequence number accepted so far.
  [[nodiscard]] uint32_t highest_seq() const { return window_.highest(); }

 private:
  uint32_t spi_ = 0;
  std::unique_ptr<EspCipher> cipher_;
  ReplayWindow window_;
  PacketSelectors selectors_;  // from the peer's selectors to ours
  uint8_t transport_proto_ = 0;
  SaCounters c_;
};

// SPI from the first 4 bytes of an ESP packet (0 if too short).
uint32_t peek_spi(std::span<const uint8_t> esp);
// Sequence number from bytes 4..7 of an ESP packet (0 if too short).
uint32_t peek_seq(std::span<const uint8_t> esp);

}  // namespace kg::esp
