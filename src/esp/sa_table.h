// The installed CHILD_SAs of the data path: inbound SAs found by SPI in a
// fixed-capacity open-addressing table (no allocation and no pointer chasing
// on lookup), and per tunnel interface the one current outbound SA.
//
// Rekey (RFC 7296 §2.8): the new SA pair is installed next to the old one;
// outbound traffic switches to the newest SA at once, while the old inbound
// SA keeps accepting the peer's in-flight packets until the engine removes it.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/ip.h"
#include "common/result.h"
#include "crypto/sk_cipher.h"
#include "esp/sa.h"
#include "wire/ike/payloads.h"

namespace kg::esp {

// One CHILD_SA, both directions, with what `show crypto ipsec sa` prints.
struct ChildSa {
  uint32_t tunnel = 0;      // index of the tunnel interface (Datapath::add_tunnel)
  std::string interface;    // its name, e.g. "Tunnel0"
  uint64_t ike_spi_i = 0;
  crypto::CipherSuite suite;
  Endpoint local, remote;   // UDP 4500 endpoints (RFC 3948)
  std::vector<ike::TrafficSelector> local_ts, remote_ts;
  uint32_t lifetime_s = 0;
  TimePoint installed{};
  std::unique_ptr<InboundSa> in;
  std::unique_ptr<OutboundSa> out;
};

class SaTable {
 public:
  // Inbound SPIs; a power of two, twice the supported number of SAs so
  // linear probing stays short.
  static constexpr size_t kMaxSas = 4096;
  static constexpr size_t kSlots = 2 * kMaxSas;

  // Takes ownership. Fails if the table is full or spi_in is already there.
  Result<ChildSa*> insert(std::unique_ptr<ChildSa> sa);
  // Removes the SA with this inbound SPI (spi_out must match unless 0).
  // Returns false if there is none.
  bool remove(uint32_t spi_in, uint32_t spi_out);
  // Removes every SA of a tunnel.
  void remove_tunnel(uint32_t tunnel);
  [[nodiscard]] ChildSa* find_inbound(uint32_t spi) const;
  // The newest SA of the tunnel: the one outbound traffic uses; nullptr if none.
  [[nodiscard]] ChildSa* current_outbound(uint32_t tunnel) const;
  [[nodiscard]] size_t size() const { return sas_.size(); }
  // Oldest first.
  [[nodiscard]] const std::vector<std::unique_ptr<ChildSa>>& all() const { return sas_; }

 private:
  struct Slot {
    uint32_t spi = 0;  // 0: never used (SPI 0 is reserved, RFC 4303 §2.1)
    ChildSa* sa = nullptr;  // nullptr with spi != 0: deleted (tombstone)
  };
  [[nodiscard]] static size_t hash(uint32_t spi) {
    // SPIs are random, but mix anyway: a peer chooses them.
    return size_t((spi * 0x9E3779B1u) >> 7) & (kSlots - 1);
  }
  void rebuild_index();
  std::array<Slot, kSlots> slots_{};
  size_t tombstones_ = 0;
  std::vector<std::unique_ptr<ChildSa>> sas_;
};

}  // namespace kg::esp
