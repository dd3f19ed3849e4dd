// The user-space IPsec data path: ESP in UDP (RFC 3948) between one UDP
// socket on port 4500 and one TUN device per tunnel interface. The kernel has
// no ESP, so every packet passes through here, in batches.
//
// Outbound (process_tun), per readiness event, up to kMaxRounds batches:
//   1. TUN read batch: up to kTxBatch inner IPv4/IPv6 packets, each at
//      offset kHeadroom of a tx buffer. The TUN hands large TCP packets
//      (TSO) that io::TunDevice cuts into wire-sized packets (io/offload.h),
//      reading them straight into the tx buffers when their shape is
//      known (io/tso_scatter.h); it may stop with buffers left (more()).
//   2. The tunnel's current outbound SA (the newest active one, see
//      sa_table.h; none: drop, count, and once the batch is done tell the
//      daemon through on_no_sa so it can initiate).
//   3. ESP encapsulation in place (OutboundSa::seal): header and IV in the
//      headroom, padding/trailer/ICV in the tailroom, next header 4 or 41.
//      SAs on the IPsec Multi-Buffer CBC engine queue their cipher and ICV
//      work, which runs for the whole batch at the end of this step
//      (finish_seals).
//   4. sendmmsg batch to the SA's remote endpoint on the 4500 socket; runs of
//      equal-sized ESP packets to one peer leave as one UDP GSO message.
//
// Plain ESP (IP protocol 50, no NAT between the peers) takes the same two
// pipelines through a raw socket (set_esp_socket): process_esp instead of
// process_udp, and step 4 of the outbound pipeline sends on it.
//
// Inbound (process_udp), per readiness event, up to kMaxRounds batches:
//   1. recvmmsg batch on UDP 4500 (or 500) into rx buffers; with UDP GRO
//      one buffer may hold up to 64 datagrams of one flow (RecvSlot::segment).
//   2. Per datagram, classify (RFC 3948 §2): 1 byte 0xFF = NAT keepalive,
//      dropped; 4 zero bytes = non-ESP marker, the rest is IKE, queued for
//      step 5; otherwise ESP. Everything on port 500 is IKE.
//   3. SPI lookup (SaTable, no allocation), replay check, ICV check and
//      decryption in place, replay window update, trailer and padding check,
//      inner addresses against the SA's traffic selectors (InboundSa::open).
//   4. Inner packets are written to their SA's TUN, consecutive packets of a
//      tunnel as one batch, which the TUN merges per TCP connection (GRO).
//   5. The batch done, its IKE datagrams go to the IKE callback (the engine),
//      one by one; what the engine sends in answer leaves in one batch.
// Packets flow one way: nothing outside the data path runs in the middle of
// a batch, so the callbacks may change the SA table and the tunnels.
// Both pipelines stamp each SA's last packet time (one read of the Clock,
// set_clock, per batch, for DPD) and compare its byte counts and sequence
// number with its next limit mark; a crossed soft or hard limit is reported
// through on_sa_limit once the batches are done (the handler may then change
// the SA table).
// Every bad datagram is dropped and counted, in the SA when one was found,
// otherwise in DatapathCounters; nothing on this path throws or allocates.
//
// Buffers: kRxBatch rx buffers of kRxBufferSize (a GRO batch of datagrams)
// and kTxBatch tx buffers of kTxBufferSize (one inner packet each), all
// allocated once.
#pragma once
#include <array>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/clock.h"
#include "common/ip.h"
#include "common/result.h"
#include "esp/destination_index.h"
#include "esp/sa_table.h"
#include "esp/child_sa_params.h"
#include "io/event_loop.h"
#include "io/tun_device.h"
#include "io/raw_esp_socket.h"
#include "io/udp_socket.h"

namespace kg::esp {

// Outbound: a TSO packet of 64 KiB becomes about 48 wire packets.
inline constexpr size_t kTxBatch = 128;
// The largest inner packet: tunnel MTUs go up to 9000 (ip mtu).
inline constexpr size_t kMaxInnerPacket = 16384;
inline constexpr size_t kTxBufferSize = kHeadroom + kMaxInnerPacket + kTailroom;
// Inbound: each rx buffer takes one UDP datagram or one GRO batch of them.
inline constexpr size_t kRxBatch = 32;
inline constexpr size_t kRxBufferSize = 65536;
inline constexpr size_t kMaxGroSegments = 64;  // UDP_GRO_CNT_MAX
// Kept for callers that size a buffer for any datagram.
inline constexpr size_t kPacketBufferSize = kRxBufferSize;
inline constexpr uint16_t kIkePort = 500;
inline constexpr uint16_t kNattPort = 4500;

// A batched UDP socket (io::UdpSocket in production, in-memory in tests).
class DatagramSocket {
 public:
  virtual ~DatagramSocket() = default;
  virtual size_t recv_batch(std::span<io::RecvSlot> slots) = 0;
  virtual size_t send_batch(std::span<const io::SendSlot> slots) = 0;
  // The fd to poll, or -1 when the owner drives it by hand.
  [[nodiscard]] virtual int fd() const = 0;
  // What the socket is, for show commands (the plain-ESP socket, esp_socket.h).
  [[nodiscard]] virtual std::string describe() const { return {}; }
  // A plain-ESP SA was installed (the AF_XDP socket attaches its XDP
  // program only then, esp_socket.h).
  virtual void plain_sa_installed() {}
};

// A layer-3 packet device (a TUN in production).
class PacketDevice {
 public:
  virtual ~PacketDevice() = default;
  virtual size_t read_batch(std::span<std::span<uint8_t>> bufs, std::span<size_t> lens) = 0;
  // Returns how many were written; the rest are dropped by the caller.
  virtual size_t write_batch(std::span<const ByteView> packets) = 0;
  [[nodiscard]] virtual int fd() const = 0;
  // True when packets already read wait for read_batch without the fd
  // signalling them (the rest of a cut TSO packet).
  [[nodiscard]] virtual bool pending() const { return false; }
  // True when the last read_batch stopped before the device ran dry, with
  // buffers left over (TunDevice::more): the data path reads again.
  [[nodiscard]] virtual bool more() const { return false; }
  // The TUN's offload counters (show interfaces); null for other devices.
  [[nodiscard]] virtual const io::TunCounters* tun_counters() const { return nullptr; }
};

std::unique_ptr<DatagramSocket> wrap(io::UdpSocket s);
std::unique_ptr<DatagramSocket> wrap(io::RawEspSocket s);
std::unique_ptr<PacketDevice> wrap(io::TunDevice t);

// The kernel offloads the data path uses; each can be turned off to measure
// what it brings (bench/, KEYGATE_DATAPATH="no-gso no-gro no-tun-offload
// tun-queue=500 udp-rcvbuf=0").
struct DatapathOptions {
  bool udp_gso = true;      // send runs of ESP packets as one UDP_SEGMENT message
  bool udp_gro = true;      // receive coalesced datagrams (UDP_GRO)
  bool tun_offload = true;  // TUN with IFF_VNET_HDR: TSO in, merged writes out
  bool raw_ip_header = true;  // plain ESP over IPv4: we write the IP header (IP_HDRINCL)
  // The TUNs' txqueuelen ("tun-queue=N"; 0 leaves the kernel's 500).
  unsigned tun_queue_len = io::kTunTxQueueLen;
  // The port-4500 socket's receive buffer, past net.core.rmem_max
  // ("udp-rcvbuf=N" bytes; 0: the 4 MiB asked at bind). With 4 MiB, four
  // TCP streams overflowed it whenever keygated waited for a core (90-280
  // GRO batches dropped per 5 s, thousands of TCP retransmits); with 32 MiB
  // none (bench/NOTES-datapath.md).
  int udp_rcvbuf = 32 << 20;
  // Parses the KEYGATE_DATAPATH environment variable.
  static DatapathOptions from_env();
  // Sets these options on a data path's port-500 and port-4500 sockets.
  void apply(io::UdpSocket& ike, io::UdpSocket& natt) const;
};

// Drops that belong to no SA.
struct DatapathCounters {
  uint64_t ike_in = 0;          // datagrams handed to the IKE callback
  uint64_t keepalives_in = 0;   // RFC 3948 §2.3 NAT keepalives
  uint64_t malformed = 0;       // too short to be ESP, empty IKE
  uint64_t no_sa = 0;           // ESP with an SPI we do not have
  uint64_t no_outbound_sa = 0;  // TUN packets of a tunnel without an SA
  uint64_t tun_write_errors = 0;
  uint64_t udp_send_errors = 0;
  uint64_t esp_in = 0;          // plain ESP packets from the raw socket
  uint64_t no_esp_socket = 0;   // plain-ESP SA but no raw socket (no CAP_NET_RAW)
  uint64_t peer_moves = 0;      // SAs that followed the peer's new NAT mapping
  uint64_t keepalives_out = 0;  // RFC 3948 §2.3 NAT keepalives sent
};

// One SA as `show crypto ipsec sa` needs it.
struct SaStats {
  std::string interface;
  uint64_t ike_spi_i = 0;
  uint32_t spi_in = 0, spi_out = 0;
  bool current_outbound = false;  // outbound traffic uses this SA
  crypto::CipherSuite suite;
  Endpoint local, remote;
  bool udp_encap = true;
  bool transport = false;
  std::vector<TrafficSelector> local_ts, remote_ts;
  uint32_t replay_window = 0;
  uint32_t lifetime_s = 0;
  uint64_t lifetime_kb = 0;  // 0: no volume limit
  TimePoint installed{};
  uint32_t seq_out = 0;
  uint64_t pkts_encaps = 0, bytes_encaps = 0;  // #pkts encaps/encrypt/digest
  uint64_t pkts_decaps = 0, bytes_decaps = 0;  // #pkts decaps/decrypt/verify
  uint64_t send_errors = 0;                    // #send errors
  uint64_t recv_errors = 0;                    // #recv errors (sum of the four below)
  uint64_t auth_failures = 0, replay_failures = 0, malformed = 0, policy_drops = 0;
};

// When the last valid packet went each way on an SA (coarse: batch time).
struct SaActivity {
  TimePoint last_in{}, last_out{};
};

class Datapath {
 public:
  using IkeHandler = std::function<void(const Endpoint& local, const Endpoint& remote, ByteView message)>;
  using NoSaHandler = std::function<void(const std::string& interface)>;
  // An SA crossed its soft (rekey now) or hard (delete now) volume limit, or
  // the sequence-number marks that force a rekey before the counter wraps.
  using LimitHandler = std::function<void(uint32_t spi_in, bool hard)>;
  // An SA followed its peer to a new address/port (RFC 7296 §2.23).
  using PeerMovedHandler = std::function<void(uint32_t spi_in, const Endpoint& remote)>;
  // ESP arrived with an SPI we do not have (the peer kept SAs we lost in a
  // restart): IKEv1 invalid-SPI recovery. At most kMaxUnknownSpi per batch.
  using UnknownSpiHandler = std::function<void(uint32_t spi, const Endpoint& local, const Endpoint& remote)>;
  static constexpr size_t kMaxUnknownSpi = 8;

  // Outbound sequence numbers: rekey at this mark, long before the hard stop
  // at 2^32-1 (RFC 4303 §3.3.3).
  static constexpr uint32_t kSeqSoftLimit = 0xF0000000u;

  // `ike` is the port 500 socket, `natt` the port 4500 one. Either may be null
  // (tests); ESP needs `natt`.
  Datapath(std::unique_ptr<DatagramSocket> ike, std::unique_ptr<DatagramSocket> natt, IkeHandler on_ike,
           DatapathOptions opts = {});
  // Binds UDP `addr`:500 and `addr`:4500 (the ports can be changed for tests).
  static Result<std::unique_ptr<Datapath>> open(const IpAddress& addr, IkeHandler on_ike,
                                                uint16_t ike_port = kIkePort, uint16_t natt_port = kNattPort,
                                                DatapathOptions opts = {});
  // Unregisters from the event loop, which must still exist.
  ~Datapath();
  Datapath(const Datapath&) = delete;
  Datapath& operator=(const Datapath&) = delete;

  // Called (from process_tun, after the batch) when a tunnel had traffic but
  // no SA, so the daemon can initiate. The IKE handler and this one may call
  // back into the Datapath (install_sa, remove_sa, send_ike, even
  // add/remove_tunnel), but not into process_*.
  void on_no_sa(NoSaHandler h) { on_no_sa_ = std::move(h); }
  // Where batch times, SA install times and activity stamps come from; a
  // steady clock unless set (the daemon passes its own, tests a FakeClock).
  // `c` must outlive the Datapath.
  void set_clock(const Clock& c) { clock_ = &c; }
  // Called after a batch when SAs crossed a limit (each limit once per SA).
  void on_sa_limit(LimitHandler h) { on_limit_ = std::move(h); }
  // Called after a batch when an SA's peer moved (the SA already follows it).
  void on_peer_moved(PeerMovedHandler h) { on_peer_moved_ = std::move(h); }
  // Called after a batch with ESP whose SPI no SA has.
  void on_unknown_spi(UnknownSpiHandler h) { on_unknown_spi_ = std::move(h); }
  // The raw socket for plain ESP (IP protocol 50); register before attach().
  void set_esp_socket(std::unique_ptr<DatagramSocket> s) { esp_ = std::move(s); }
  [[nodiscard]] bool has_esp_socket() const { return esp_ != nullptr; }
  // How plain ESP leaves and arrives (AF_XDP or the raw socket), or "none".
  [[nodiscard]] std::string esp_socket_description() const { return esp_ ? esp_->describe() : "none"; }
  // Registers the sockets and every tunnel (also those added later) with the loop.
  Result<void> attach(io::EventLoop& loop);

  // A tunnel interface and its packet device; `add_tunnel(name)` opens a TUN
  // of that name. Adding an existing name succeeds and changes nothing.
  Result<void> add_tunnel(const std::string& name, std::unique_ptr<PacketDevice> dev);
  Result<void> add_tunnel(const std::string& name);
  // A TUN with this data path's offload and queue options (for devices
  // wrapped before add_tunnel: GRE, Virtual-Templates).
  [[nodiscard]] Result<io::TunDevice> open_tun(const std::string& device) const;
  // Also removes the tunnel's SAs.
  void remove_tunnel(const std::string& name);
  [[nodiscard]] bool has_tunnel(const std::string& name) const { return by_name_.count(name) != 0; }

  // Installs both directions of a CHILD_SA on p.interface (which must exist).
  // The newest SA of a tunnel carries its outbound traffic (rekey switch).
  Result<void> install_sa(const InstallChildSa& p);
  // False if no SA has inbound SPI spi_in (and outbound spi_out, unless 0).
  bool remove_sa(uint32_t spi_in, uint32_t spi_out);
  // The SA is being deleted: outbound traffic moves to another SA of its
  // tunnel if there is one; inbound packets are still accepted until removal.
  bool retire_sa(uint32_t spi_in);
  // Several IKE sessions or SAs share this tunnel's device (a
  // Virtual-Template's Virtual-Access sessions, a crypto map entry's ACL
  // lines): each packet leaves on the SA whose selectors hold it
  // (DestinationIndex, datapath_shared.cc).
  void select_by_destination(const std::string& name);
  [[nodiscard]] std::optional<SaActivity> activity(uint32_t spi_in) const;
  // New endpoints for an SA whose IKE SA moved (NAT mapping change, §2.23).
  bool update_peer(uint32_t spi_in, const Endpoint& local, const Endpoint& remote);
  // One NAT keepalive (a single 0xFF byte, RFC 3948 §2.3) on the 4500 socket.
  Result<void> send_keepalive(const Endpoint& local, const Endpoint& remote);
  // IKE message out: on the 4500 socket (with the non-ESP marker) when either
  // port is 4500, else on the 500 socket. Sent from the IKE handler (an
  // answer to a received batch), it is queued and leaves with the batch's
  // other answers; a failure then is counted and logged when they leave.
  Result<void> send_ike(const Endpoint& local, const Endpoint& remote, ByteView message);

  // The two pipelines (see the top of this file); the event loop calls them
  // when a socket or TUN is readable, tests call them directly.
  void process_udp(bool natt);
  void process_esp();
  void process_tun(const std::string& name);

  [[nodiscard]] const DatapathCounters& counters() const { return counters_; }
  [[nodiscard]] std::vector<SaStats> sa_stats() const;
  // TUN packets of this tunnel dropped because it had no SA.
  [[nodiscard]] uint64_t no_sa_drops(const std::string& name) const;
  // The tunnel's TUN offload counters, or null (no such tunnel, not a TUN).
  [[nodiscard]] const io::TunCounters* tun_counters(const std::string& name) const;
  // Tests only: the outbound half of the SA with this inbound SPI.
  OutboundSa* outbound_for_testing(uint32_t spi_in) {
    ChildSa* sa = sas_.find_inbound(spi_in);
    return sa ? sa->out.get() : nullptr;
  }

 private:
  static constexpr int kMaxRounds = 8;  // batches per event, then let others run
  static constexpr size_t kMaxPending = kRxBatch * kMaxGroSegments;
  struct Tunnel {
    std::string name;
    std::unique_ptr<PacketDevice> dev;  // null: slot free
    ChildSa* current = nullptr;         // newest SA: outbound traffic
    uint64_t no_sa_drops = 0;
    std::unique_ptr<DestinationIndex> by_destination;  // shared by sessions (datapath_shared.cc)
  };
  struct PendingWrite {
    uint32_t tunnel;
    ByteView packet;
  };
  std::span<uint8_t> rx_buffer(size_t i) {
    return std::span<uint8_t>(rx_pool_).subspan(i * kRxBufferSize, kRxBufferSize);
  }
  std::span<uint8_t> tx_buffer(size_t i) {
    return std::span<uint8_t>(tx_pool_).subspan(i * kTxBufferSize, kTxBufferSize);
  }
  void process_tun_index(uint32_t idx);
  // Returns false when the tunnel's packets were dropped for want of an SA
  // and on_no_sa is to be called once the batch is done (report_no_sa).
  bool tun_round(uint32_t idx, size_t& n);
  void report_no_sa(uint32_t idx);
  void handle_datagram(const io::RecvSlot& slot, std::span<uint8_t> pkt, bool natt);
  void queue_ike(const io::RecvSlot& slot, ByteView message);
  void hand_over_ike();
  void handle_esp(std::span<uint8_t> pkt, const io::RecvSlot& slot, bool udp);
  void report_peer_moves();
  void flush_tun_writes();
  void refresh_current(uint32_t tunnel);
  void seal_by_destination(Tunnel& t, size_t n);  // datapath_shared.cc
  // A packet of a shared tunnel found no SA holding it: on_no_sa once the
  // event's batches are done (a crypto map line whose SA is missing).
  bool shared_no_sa_ = false;
  // Runs the seals queued in cbc_batch_ for send_[0, m) and drops from
  // send_ (and owners_) those that failed, counted in `sa` or, when it is
  // null, in owners_[i]; returns how many are left.
  size_t finish_seals(size_t m, ChildSa* sa);
  void check_limits(ChildSa& sa);
  void report_limits();
  void report_unknown_spis();
  Result<void> watch_tunnel(uint32_t idx);

  std::unique_ptr<DatagramSocket> ike_, natt_, esp_;
  IkeHandler on_ike_;
  NoSaHandler on_no_sa_;
  LimitHandler on_limit_;
  PeerMovedHandler on_peer_moved_;
  struct PeerMove {
    uint32_t spi_in;
    Endpoint remote;
  };
  std::vector<PeerMove> peer_moves_;  // reserved: no allocation per packet
  UnknownSpiHandler on_unknown_spi_;
  struct UnknownSpi {
    uint32_t spi;
    Endpoint local, remote;
  };
  std::vector<UnknownSpi> unknown_spis_;  // reserved (kMaxUnknownSpi)
  struct LimitEvent {
    uint32_t spi_in;
    bool hard;
  };
  std::vector<LimitEvent> limit_events_;  // reserved: no allocation per packet
  TimePoint now_{};                       // batch time
  const Clock* clock_;                    // set_clock; a SteadyClock by default
  io::EventLoop* loop_ = nullptr;
  SaTable sas_;
  std::vector<Tunnel> tunnels_;
  std::map<std::string, uint32_t> by_name_;
  DatapathCounters counters_;
  DatapathOptions opts_;
  std::vector<uint8_t> rx_pool_, tx_pool_;
  std::vector<uint8_t> ike_out_;  // marker + message for send_ike
  // A round's IKE datagrams (views into the rx buffers), handed over after it.
  struct IkeDatagram {
    Endpoint local, remote;
    ByteView message;
  };
  std::vector<IkeDatagram> ike_in_ = std::vector<IkeDatagram>(kMaxPending);
  size_t nike_in_ = 0;
  std::string no_sa_name_;  // report_no_sa's copy of the tunnel name
  // IKE messages sent while hand_over_ike runs (the engine's answers) wait
  // here and leave together in one sendmmsg after it. The buffers are kept
  // and reused.
  struct QueuedIke {
    DatagramSocket* sock = nullptr;
    std::vector<uint8_t> data;
    Endpoint remote;
    IpAddress local;
  };
  void flush_ike();
  bool batching_ike_ = false;  // hand_over_ike is running
  std::vector<QueuedIke> ike_queue_;
  size_t ike_queued_ = 0;
  std::vector<io::SendSlot> ike_slots_;
  std::array<io::RecvSlot, kRxBatch> recv_{};
  std::array<io::SendSlot, kTxBatch> send_{};
  std::array<std::span<uint8_t>, kTxBatch> tx_views_{};
  std::array<size_t, kTxBatch> tx_lens_{};
  std::vector<PendingWrite> pending_ = std::vector<PendingWrite>(kMaxPending);
  std::vector<ByteView> run_ = std::vector<ByteView>(kMaxPending);
  size_t npending_ = 0;
  std::array<ChildSa*, kTxBatch> owners_{};  // SA of each send slot (shared tunnels)
  // Step 3 of the outbound pipeline for SAs on the IPsec Multi-Buffer CBC
  // engine: their seals are queued here, job i for send_[i], and run
  // together before step 4, so that the library's lanes fill (one packet
  // at a time they do not pay, see crypto/ipsec_mb_cbc.h).
  std::unique_ptr<crypto::IpsecMbCbc::Batch> cbc_batch_ = std::make_unique<crypto::IpsecMbCbc::Batch>();
  std::array<bool, kTxBatch> sealed_ok_{};
  static_assert(kTxBatch <= crypto::IpsecMbCbc::Batch::kMaxJobs);
};

}  // namespace kg::esp
