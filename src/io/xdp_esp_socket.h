// Plain ESP (IP protocol 50) over AF_XDP: the raw socket (raw_esp_socket.h)
// costs a system call and a trip through the kernel's IP stack per packet;
// here an XDP program (xdp_program.h) on each interface hands our ESP
// frames to AF_XDP sockets, and we send ESP frames through the same sockets,
// Ethernet and IPv4 headers written here, a batch per kick.
//
// Receive (recv_batch): per socket, the frames on its RX ring are checked
// (Ethernet, IPv4 without options, ESP, the IP total length within the
// frame), their ESP packets copied into the caller's slots with the IP
// addresses as endpoints, and the frames go straight back to the fill ring.
// Send (send_batch): a packet leaves here when its destination is IPv4, its
// route leaves by one of our interfaces, the kernel's neighbour table knows
// the next hop's MAC (NeighbourCache, looked up through netlink, at most
// once a second per destination) and it fits the interface's MTU. The
// others are left to the caller (the raw socket), which also makes the
// kernel resolve an unknown neighbour. Frames sent here bypass netfilter's
// OUTPUT chain and the qdisc, as any AF_XDP or AF_PACKET sender does.
//
// Memory: per socket one UMEM of kFrames 4 KiB frames, half for receive and
// half for send, mapped once; nothing is allocated per packet.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "io/udp_socket.h"
#include "io/xdp_program.h"

namespace kg::io {

struct XdpEspCounters {
  uint64_t rx = 0;            // ESP packets received through AF_XDP
  uint64_t rx_malformed = 0;  // frames the program passed that we did not accept
  uint64_t tx = 0;            // ESP packets sent through AF_XDP
  uint64_t tx_other = 0;      // left to the raw socket (no neighbour, IPv6, size, rings full)
};

// The next hop's MAC for an IPv4 destination, from the kernel's route and
// neighbour tables (netlink RTM_GETROUTE + RTM_GETNEIGH), cached.
class NeighbourCache {
 public:
  struct Entry {
    uint32_t dst = 0;  // network order
    bool ok = false;   // false: send another way until `expires`
    int ifindex = 0;
    uint32_t src = 0;  // the route's preferred source, network order
    std::array<uint8_t, 6> mac{};
    int64_t expires_ms = 0;
  };
  NeighbourCache();
  ~NeighbourCache();
  NeighbourCache(const NeighbourCache&) = delete;
  NeighbourCache& operator=(const NeighbourCache&) = delete;
  // The entry for `dst`, refreshed when expired (a netlink round trip).
  const Entry& lookup(uint32_t dst, int64_t now_ms);

 private:
  void resolve(Entry& e);
  bool query(void* req, size_t len, void* reply, size_t cap, size_t& got);
  static constexpr size_t kEntries = 64;
  std::array<Entry, kEntries> entries_{};
  size_t next_ = 0;  // the slot a new destination replaces
  int fd_ = -1;
  uint32_t seq_ = 0;
};

class XdpEspSocket {
 public:
  // Every up, non-loopback Ethernet interface with an IPv4 address gets
  // one AF_XDP socket per receive queue and the program, loaded and tried
  // (native XDP attached and detached again); fails (with the reason) when
  // no interface takes it.
  static Result<std::unique_ptr<XdpEspSocket>> open();
  // Attaches the programs for good (once; later calls do nothing). Until
  // then AF_XDP only sends, and ESP arrives at the raw socket. Kept apart
  // because on a veth an XDP program costs every other packet a copy
  // (the peer's GSO packets are copied into XDP buffers), ESP in UDP too:
  // a host that has no plain-ESP SA does not pay it.
  void attach();
  [[nodiscard]] bool attached() const { return attached_; }
  ~XdpEspSocket();
  XdpEspSocket(const XdpEspSocket&) = delete;
  XdpEspSocket& operator=(const XdpEspSocket&) = delete;

  // The AF_XDP sockets to poll for input.
  [[nodiscard]] std::vector<int> fds() const;
  size_t recv_batch(std::span<RecvSlot> slots);
  // Sends what it can; taken[i] says whether slots[i] went (taken.size() >=
  // slots.size()). Returns how many went.
  size_t send_batch(std::span<const SendSlot> slots, std::span<bool> taken);
  // "AF_XDP on veth0 (native XDP, 1 queue)".
  [[nodiscard]] std::string describe() const;
  [[nodiscard]] const XdpEspCounters& counters() const { return counters_; }

  static constexpr uint32_t kFrame = 4096;
  static constexpr uint32_t kFrames = 2048;  // per socket: half receive, half send
  static constexpr uint32_t kRing = kFrames / 2;

  struct Ring {
    uint32_t* producer = nullptr;
    uint32_t* consumer = nullptr;
    uint32_t* flags = nullptr;
    void* descs = nullptr;
    void* map = nullptr;
    size_t map_len = 0;
  };
  struct Port {
    int fd = -1;
    uint32_t queue = 0;
    size_t iface = 0;
    uint8_t* umem = nullptr;
    Ring rx, tx, fill, comp;
    std::array<uint64_t, kRing> free_tx{};  // frames not in flight
    size_t nfree = 0;
    uint32_t tx_queued = 0;  // descriptors produced since the last kick
  };
  struct Iface {
    std::string name;
    int ifindex = 0;
    uint32_t mtu = 1500;
    std::array<uint8_t, 6> mac{};
    XdpEspProgram prog;
    BpfFd link;
    size_t first_port = 0, nports = 0;
  };

 private:
  XdpEspSocket() = default;
  Result<void> open_port(size_t iface, uint32_t queue);
  void reclaim(Port& p);
  void kick(Port& p);
  bool send_one(const SendSlot& s, int64_t now_ms);

  std::vector<Iface> ifaces_;
  std::vector<Port> ports_;
  NeighbourCache neigh_;
  XdpEspCounters counters_;
  uint16_t ip_id_ = 0;
  bool attached_ = false;
  size_t rx_next_ = 0;  // the port recv_batch starts with (fairness)
};

}  // namespace kg::io
