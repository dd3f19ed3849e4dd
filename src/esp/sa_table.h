// The installed CHILD_SAs of the data path: inbound SAs found by SPI in a
// fixed-capacity open-addressing table (no allocation and no pointer chasing
// on lookup), and per tunnel interface the one current outbound SA.
//
// Rekey (RFC 7296 §2.8): the new SA pair is installed next to the old one;
// outbound traffic switches to the newest SA at once, while the old inbound
// SA keeps accepting the peer's in-flight packets until the engine removes it.
// The responder of a rekey installs its new SA "pending": it carries outbound
// traffic only once the peer proves it has it (a first valid inbound packet)
// or no active SA is left, so a lost CREATE_CHILD_SA response loses nothing.
// A "retired" SA (being deleted) carries outbound traffic only as a last resort.
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
#include "common/traffic_selector.h"

namespace kg::esp {

// One CHILD_SA, both directions, with what `show crypto ipsec sa` prints.
struct ChildSa {
  uint32_t tunnel = 0;      // index of the tunnel interface (Datapath::add_tunnel)
  std::string interface;    // its name, e.g. "Tunnel0"
  uint64_t ike_spi_i = 0;
  crypto::CipherSuite suite;
  Endpoint local, remote;   // UDP 4500 endpoints (RFC 3948), or addresses (port 0)
  bool udp_encap = true;    // ESP in UDP 4500, else plain ESP (IP protocol 50)
  bool transport = false;   // ESP transport mode (GRE), else tunnel mode
  bool peer_may_float = false;  // follow the peer's NAT mapping (RFC 7296 §2.23)
  std::vector<TrafficSelector> local_ts, remote_ts;
  // What it may carry out (source in local_ts, destination in remote_ts):
  // the choice among the SAs of a shared device (DestinationIndex).
  PacketSelectors out_selectors;
  uint32_t lifetime_s = 0;
  uint64_t lifetime_kb = 0;  // 0: no volume limit
  TimePoint installed{};
  std::unique_ptr<InboundSa> in;
  std::unique_ptr<OutboundSa> out;

  enum class Outbound : uint8_t { kActive, kPending, kRetired };
  Outbound outbound = Outbound::kActive;
  // Coarse (one clock read per batch) times of the last packet each way, for DPD.
  TimePoint last_in{}, last_out{};
  // Volume and sequence-number limits (RFC 4301 §4.4.2.1, RFC 4303 §3.3.3):
  // the next byte count (either direction) and outbound sequence number at
  // which Datapath reports a soft, then a hard, limit to the daemon.
  uint64_t soft_bytes = UINT64_MAX, hard_bytes = UINT64_MAX;
  uint64_t next_bytes_mark = UINT64_MAX;
  uint32_t next_seq_mark = 0;
  uint8_t limits_reported = 0;  // bit 0: soft, bit 1: hard
};

class SaTable {
 public:
  // A sanity bound (a hub with 100,000 sessions stays far below it). The
  // index starts at kInitialSlots and doubles whenever it would pass half
  // full, so linear probing stays short; a lookup never allocates.
  static constexpr size_t kMaxSas = size_t(1) << 22;
  static constexpr size_t kInitialSlots = 8192;

  // Takes ownership. Fails if the table is full or spi_in is already there.
  Result<ChildSa*> insert(std::unique_ptr<ChildSa> sa);
  // Removes the SA with this inbound SPI (spi_out must match unless 0).
  // Returns false if there is none.
  bool remove(uint32_t spi_in, uint32_t spi_out);
  // Removes every SA of a tunnel.
  void remove_tunnel(uint32_t tunnel);
  [[nodiscard]] ChildSa* find_inbound(uint32_t spi) const;
  // The SA outbound traffic of the tunnel uses: the newest active one, else
  // the newest pending one, else the newest retired one; nullptr if none.
  [[nodiscard]] ChildSa* current_outbound(uint32_t tunnel) const;
  [[nodiscard]] size_t size() const { return sas_.size(); }
  // Oldest first.
  [[nodiscard]] const std::vector<std::unique_ptr<ChildSa>>& all() const { return sas_; }

 private:
  struct Slot {
    uint32_t spi = 0;  // 0: never used (SPI 0 is reserved, RFC 4303 §2.1)
    ChildSa* sa = nullptr;  // nullptr with spi != 0: deleted (tombstone)
  };
  [[nodiscard]] size_t hash(uint32_t spi) const {
    // SPIs are random, but mix anyway: a peer chooses them. The product's
    // high bits mix best; slots_ has at most 2^24 entries.
    return size_t((uint64_t(spi) * 0x9E3779B97F4A7C15ull) >> 40) & (slots_.size() - 1);
  }
  void rebuild_index(size_t slots);
  std::vector<Slot> slots_ = std::vector<Slot>(kInitialSlots);
  size_t tombstones_ = 0;
  std::vector<std::unique_ptr<ChildSa>> sas_;
};

}  // namespace kg::esp
