#include "esp/datapath.h"

#include <sys/epoll.h>

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "common/log.h"
#include "wire/esp/esp_packet.h"

namespace kg::esp {
namespace {

class UdpAdapter final : public DatagramSocket {
 public:
  explicit UdpAdapter(io::UdpSocket s) : s_(std::move(s)) {}
  size_t recv_batch(std::span<io::RecvSlot> slots) override { return s_.recv_batch(slots); }
  size_t send_batch(std::span<const io::SendSlot> slots) override { return s_.send_batch(slots); }
  [[nodiscard]] int fd() const override { return s_.fd(); }

 private:
  io::UdpSocket s_;
};

class RawEspAdapter final : public DatagramSocket {
 public:
  explicit RawEspAdapter(io::RawEspSocket s) : s_(std::move(s)) {}
  size_t recv_batch(std::span<io::RecvSlot> slots) override { return s_.recv_batch(slots); }
  size_t send_batch(std::span<const io::SendSlot> slots) override { return s_.send_batch(slots); }
  [[nodiscard]] int fd() const override { return s_.fd(); }

 private:
  io::RawEspSocket s_;
};

class TunAdapter final : public PacketDevice {
 public:
  explicit TunAdapter(io::TunDevice t) : t_(std::move(t)) {}
  size_t read_batch(std::span<std::span<uint8_t>> bufs, std::span<size_t> lens) override {
    return t_.read_batch(bufs, lens);
  }
  size_t write_batch(std::span<const ByteView> packets) override { return t_.write_batch(packets); }
  [[nodiscard]] int fd() const override { return t_.fd(); }
  [[nodiscard]] bool pending() const override { return t_.pending(); }
  [[nodiscard]] bool more() const override { return t_.more(); }
  [[nodiscard]] const io::TunCounters* tun_counters() const override { return &t_.counters(); }

 private:
  io::TunDevice t_;
};

// The SA's inbound selectors: addresses, protocol and ports (a crypto map
// ACL line with a protocol and ports is an SA of its own).
const Clock& steady_clock() {
  static const SteadyClock clock;
  return clock;
}

}  // namespace

std::unique_ptr<DatagramSocket> wrap(io::UdpSocket s) { return std::make_unique<UdpAdapter>(std::move(s)); }
std::unique_ptr<DatagramSocket> wrap(io::RawEspSocket s) { return std::make_unique<RawEspAdapter>(std::move(s)); }
std::unique_ptr<PacketDevice> wrap(io::TunDevice t) { return std::make_unique<TunAdapter>(std::move(t)); }

DatapathOptions DatapathOptions::from_env() {
  DatapathOptions o;
  const char* e = std::getenv("KEYGATE_DATAPATH");
  std::string_view v = e ? e : "";
  o.udp_gso = v.find("no-gso") == std::string_view::npos;
  o.udp_gro = v.find("no-gro") == std::string_view::npos;
  o.tun_offload = v.find("no-tun-offload") == std::string_view::npos;
  o.raw_ip_header = v.find("no-hdrincl") == std::string_view::npos;
  if (auto q = v.find("tun-queue="); q != std::string_view::npos) {
    unsigned n = 0;
    auto digits = v.substr(q + 10);
    std::from_chars(digits.data(), digits.data() + digits.size(), n);
    o.tun_queue_len = n;
  }
  if (auto q = v.find("udp-rcvbuf="); q != std::string_view::npos) {
    auto digits = v.substr(q + 11);
    std::from_chars(digits.data(), digits.data() + digits.size(), o.udp_rcvbuf);
  }
  return o;
}

void DatapathOptions::apply(io::UdpSocket& ike, io::UdpSocket& natt) const {
  ike.set_gso(udp_gso);
  natt.set_gso(udp_gso);
  if (udp_gro) (void)natt.enable_gro();  // process_udp reads every slot as segments
  if (udp_rcvbuf > 0) (void)natt.force_receive_buffer(udp_rcvbuf);
}

Datapath::Datapath(std::unique_ptr<DatagramSocket> ike, std::unique_ptr<DatagramSocket> natt, IkeHandler on_ike,
                   DatapathOptions opts)
    : ike_(std::move(ike)), natt_(std::move(natt)), on_ike_(std::move(on_ike)), clock_(&steady_clock()), opts_(opts) {
  rx_pool_.resize(kRxBatch * kRxBufferSize);
  tx_pool_.resize(kTxBatch * kTxBufferSize);
  ike_out_.reserve(4 + kRxBufferSize);
  limit_events_.reserve(2 * kMaxPending);
  peer_moves_.reserve(kMaxPending);
  unknown_spis_.reserve(kMaxUnknownSpi);
}

Datapath::~Datapath() {
  if (!loop_) return;
  if (ike_ && ike_->fd() >= 0) loop_->remove_fd(ike_->fd());
  if (natt_ && natt_->fd() >= 0) loop_->remove_fd(natt_->fd());
  if (esp_ && esp_->fd() >= 0) loop_->remove_fd(esp_->fd());
  for (auto& t : tunnels_)
    if (t.dev && t.dev->fd() >= 0) loop_->remove_fd(t.dev->fd());
}

Result<std::unique_ptr<Datapath>> Datapath::open(const IpAddress& addr, IkeHandler on_ike, uint16_t ike_port,
                                                 uint16_t natt_port, DatapathOptions opts) {
  auto s500 = io::UdpSocket::bind({addr, ike_port});
  if (!s500) return std::unexpected(s500.error());
  auto s4500 = io::UdpSocket::bind({addr, natt_port});
  if (!s4500) return std::unexpected(s4500.error());
  opts.apply(*s500, *s4500);
  return std::make_unique<Datapath>(wrap(std::move(*s500)), wrap(std::move(*s4500)), std::move(on_ike), opts);
}

Result<void> Datapath::attach(io::EventLoop& loop) {
  loop_ = &loop;
  if (ike_ && ike_->fd() >= 0)
    if (auto r = loop.add_fd(ike_->fd(), EPOLLIN, [this](uint32_t) { process_udp(false); }); !r) return r;
  if (natt_ && natt_->fd() >= 0)
    if (auto r = loop.add_fd(natt_->fd(), EPOLLIN, [this](uint32_t) { process_udp(true); }); !r) return r;
  if (esp_ && esp_->fd() >= 0)
    if (auto r = loop.add_fd(esp_->fd(), EPOLLIN, [this](uint32_t) { process_esp(); }); !r) return r;
  for (uint32_t i = 0; i < tunnels_.size(); ++i)
    if (auto r = watch_tunnel(i); !r) return r;
  return {};
}

Result<void> Datapath::watch_tunnel(uint32_t idx) {
  Tunnel& t = tunnels_[idx];
  if (!loop_ || !t.dev || t.dev->fd() < 0) return {};
  return loop_->add_fd(t.dev->fd(), EPOLLIN, [this, idx](uint32_t) { process_tun_index(idx); });
}

Result<void> Datapath::add_tunnel(const std::string& name, std::unique_ptr<PacketDevice> dev) {
  if (has_tunnel(name)) return {};
  if (!dev) return fail(Errc::kInvalidArgument, "no packet device for " + name);
  uint32_t idx = 0;
  while (idx < tunnels_.size() && tunnels_[idx].dev) ++idx;
  if (idx == tunnels_.size()) tunnels_.emplace_back();
  tunnels_[idx] = Tunnel{name, std::move(dev), nullptr, 0};
  by_name_[name] = idx;
  return watch_tunnel(idx);
}

Result<io::TunDevice> Datapath::open_tun(const std::string& device) const {
  return io::TunDevice::open(device, opts_.tun_offload, opts_.tun_queue_len);
}

Result<void> Datapath::add_tunnel(const std::string& name) {
  if (has_tunnel(name)) return {};
  auto t = open_tun(name);
  if (!t) return std::unexpected(t.error());
  return add_tunnel(name, wrap(std::move(*t)));
}

void Datapath::remove_tunnel(const std::string& name) {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return;
  Tunnel& t = tunnels_[it->second];
  sas_.remove_tunnel(it->second);
  if (loop_ && t.dev->fd() >= 0) loop_->remove_fd(t.dev->fd());
  t = Tunnel{};
  by_name_.erase(it);
}

Result<void> Datapath::install_sa(const InstallChildSa& p) {
  auto it = by_name_.find(p.interface);
  if (it == by_name_.end()) return fail(Errc::kNotFound, "no tunnel interface " + p.interface);
  auto in = InboundSa::create(p.spi_in, p.suite, p.encr_in, p.integ_in, p.replay_window);
  if (!in) return std::unexpected(in.error());
  if (!p.udp_encap && esp_) esp_->plain_sa_installed();
  auto out = OutboundSa::create(p.spi_out, p.suite, p.encr_out, p.integ_out);
  if (!out) return std::unexpected(out.error());
  // Inbound packets must come from behind the peer (remote TS) to us (local TS).
  (*in)->set_selectors(addr_ranges(p.remote_ts), addr_ranges(p.local_ts));
  if (p.transport) {  // the selectors' protocol (GRE) is the ESP payload
    uint8_t proto = p.local_ts.empty() ? 0 : p.local_ts[0].ip_protocol;
    if (proto == 0) return fail(Errc::kInvalidArgument, "transport mode needs selectors with a protocol (GRE)");
    (*in)->set_transport(proto);
    (*out)->set_transport(proto);
  }
  auto sa = std::make_unique<ChildSa>();
  sa->tunnel = it->second;
  sa->interface = p.interface;
  sa->ike_spi_i = p.ike_spi_i;
  sa->suite = p.suite;
  sa->local = p.local;
  sa->remote = p.remote;
  sa->udp_encap = p.udp_encap;
  sa->transport = p.transport;
  sa->peer_may_float = p.peer_may_float;
  sa->local_ts = p.local_ts;
  sa->remote_ts = p.remote_ts;
  if (!p.transport) sa->out_selectors = PacketSelectors(addr_ranges(p.local_ts), addr_ranges(p.remote_ts));
  sa->lifetime_s = p.lifetime_s;
  sa->lifetime_kb = p.lifetime_kb;
  sa->installed = clock_->now();
  sa->in = std::move(*in);
  sa->out = std::move(*out);
  sa->outbound = p.defer_outbound ? ChildSa::Outbound::kPending : ChildSa::Outbound::kActive;
  if (p.lifetime_kb) {
    sa->hard_bytes = p.lifetime_kb * 1024;
    sa->soft_bytes = (p.soft_kb && p.soft_kb < p.lifetime_kb ? p.soft_kb : p.lifetime_kb) * 1024;
  }
  sa->next_bytes_mark = sa->soft_bytes;
  sa->next_seq_mark = kSeqSoftLimit;
  ChildSa* added = sa.get();
  auto r = sas_.insert(std::move(sa));
  if (!r) return std::unexpected(r.error());
  if (auto& idx = tunnels_[it->second].by_destination) idx->add(added);
  refresh_current(it->second);
  return {};
}

bool Datapath::retire_sa(uint32_t spi_in) {
  ChildSa* sa = sas_.find_inbound(spi_in);
  if (!sa) return false;
  sa->outbound = ChildSa::Outbound::kRetired;
  refresh_current(sa->tunnel);
  return true;
}

bool Datapath::update_peer(uint32_t spi_in, const Endpoint& local, const Endpoint& remote) {
  ChildSa* sa = sas_.find_inbound(spi_in);
  if (!sa) return false;
  sa->local = local;
  sa->remote = remote;
  return true;
}

Result<void> Datapath::send_keepalive(const Endpoint& local, const Endpoint& remote) {
  if (!natt_) return fail(Errc::kState, "no NAT-T socket");
  const uint8_t ka = 0xff;
  io::SendSlot slot{ByteView(&ka, 1), remote, local.addr};
  if (natt_->send_batch(std::span<const io::SendSlot>(&slot, 1)) != 1) {
    ++counters_.udp_send_errors;
    return fail(Errc::kIo, "NAT keepalive to " + remote.str());
  }
  ++counters_.keepalives_out;
  return {};
}

std::optional<SaActivity> Datapath::activity(uint32_t spi_in) const {
  ChildSa* sa = sas_.find_inbound(spi_in);
  if (!sa) return std::nullopt;
  return SaActivity{sa->last_in, sa->last_out};
}

// Soft first, then hard; each reported once (limits_reported), after the batch.
void Datapath::check_limits(ChildSa& sa) {
  uint64_t bytes = std::max(sa.in->counters().bytes, sa.out->counters().bytes);
  uint32_t seq = sa.out->seq();
  bool hard = bytes >= sa.hard_bytes || seq == UINT32_MAX;
  bool soft = hard || bytes >= sa.soft_bytes || seq >= kSeqSoftLimit;
  uint8_t now = uint8_t((soft ? 1 : 0) | (hard ? 2 : 0));
  uint8_t fresh = now & ~sa.limits_reported;
  sa.limits_reported |= now;
  sa.next_bytes_mark = (sa.limits_reported & 1) ? sa.hard_bytes : sa.soft_bytes;
  sa.next_seq_mark = (sa.limits_reported & 1) ? UINT32_MAX : kSeqSoftLimit;
  if (sa.limits_reported & 2) sa.next_bytes_mark = UINT64_MAX, sa.next_seq_mark = UINT32_MAX;
  if (fresh & 2) limit_events_.push_back({sa.in->spi(), true});
  else if (fresh & 1) limit_events_.push_back({sa.in->spi(), false});
}

void Datapath::report_limits() {
  if (limit_events_.empty()) return;
  // The handler may install and remove SAs; the batch holds no SA pointers now.
  for (auto& e : limit_events_)
    if (on_limit_) on_limit_(e.spi_in, e.hard);
  limit_events_.clear();
}

bool Datapath::remove_sa(uint32_t spi_in, uint32_t spi_out) {
  ChildSa* sa = sas_.find_inbound(spi_in);
  if (!sa || (spi_out != 0 && sa->out->spi() != spi_out)) return false;
  uint32_t tunnel = sa->tunnel;
  if (tunnel < tunnels_.size() && tunnels_[tunnel].by_destination) tunnels_[tunnel].by_destination->remove(sa);
  if (!sas_.remove(spi_in, spi_out)) return false;
  refresh_current(tunnel);
  return true;
}

// The by-destination index follows install_sa/remove_sa itself; an SA's
// outbound state is read at lookup time.
void Datapath::refresh_current(uint32_t tunnel) {
  if (tunnel >= tunnels_.size()) return;
  tunnels_[tunnel].current = sas_.current_outbound(tunnel);
}

Result<void> Datapath::send_ike(const Endpoint& local, const Endpoint& remote, ByteView message) {
  bool natt = local.port == kNattPort || remote.port == kNattPort || !ike_;
  DatagramSocket* s = natt ? natt_.get() : ike_.get();
  if (!s) return fail(Errc::kState, "no IKE socket");
  if (batching_ike_) {
    if (ike_queued_ == ike_queue_.size()) ike_queue_.emplace_back();
    QueuedIke& q = ike_queue_[ike_queued_++];
    q.sock = s;
    q.data.assign(natt ? 4 : 0, 0);  // the non-ESP marker, as below
    q.data.insert(q.data.end(), message.begin(), message.end());
    q.remote = remote;
    q.local = local.addr;
    if (ike_queued_ >= kTxBatch) flush_ike();
    return {};
  }
  ByteView out = message;
  if (natt) {
    // RFC 3948 §2.2: IKE on the ESP port is preceded by a 4-byte zero non-ESP marker.
    ike_out_.assign(4, 0);
    ike_out_.insert(ike_out_.end(), message.begin(), message.end());
    out = ike_out_;
  }
  io::SendSlot slot{out, remote, local.addr};
  if (s->send_batch(std::span<const io::SendSlot>(&slot, 1)) != 1) {
    int e = errno;  // the caller says where to; this says why
    ++counters_.udp_send_errors;
    return fail(Errc::kIo, std::string("sendmsg: ") + std::strerror(e));
  }
  return {};
}

// The IKE messages sent while hand_over_ike ran, one send_batch per run of
// the same socket. A message the socket refuses is counted and logged as
// send_ike does when it sends at once (the engine's retransmission covers
// the loss), and the messages after it are still tried.
void Datapath::flush_ike() {
  size_t i = 0;
  while (i < ike_queued_) {
    DatagramSocket* sock = ike_queue_[i].sock;
    size_t end = i;
    while (end < ike_queued_ && ike_queue_[end].sock == sock) ++end;
    while (i < end) {
      ike_slots_.clear();
      for (size_t k = i; k < end; ++k)
        ike_slots_.push_back(io::SendSlot{ike_queue_[k].data, ike_queue_[k].remote, ike_queue_[k].local, false});
      i += std::min(sock->send_batch(ike_slots_), ike_slots_.size());
      if (i == end) break;
      int e = errno;
      ++counters_.udp_send_errors;  // message i failed: skip it
      log::warn("IKE send to " + ike_queue_[i].remote.str() + ": sendmsg: " + std::strerror(e));
      ++i;
    }
  }
  ike_queued_ = 0;
}

void Datapath::process_udp(bool natt) {
  DatagramSocket* s = natt ? natt_.get() : ike_.get();
  if (!s) return;
  for (int round = 0; round < kMaxRounds; ++round) {
    for (size_t i = 0; i < kRxBatch; ++i) recv_[i] = io::RecvSlot{rx_buffer(i)};
    size_t n = s->recv_batch(recv_);
    now_ = clock_->now();
    for (size_t i = 0; i < n; ++i) {
      const io::RecvSlot& slot = recv_[i];
      auto all = slot.buf.first(std::min(slot.len, slot.buf.size()));
      // A GRO batch is a row of datagrams of `segment` bytes (the last may
      // be shorter); each is handled on its own.
      if (slot.segment == 0 || all.empty()) {
        handle_datagram(slot, all, natt);
        continue;
      }
      for (size_t off = 0; off < all.size(); off += slot.segment)
        handle_datagram(slot, all.subspan(off, std::min(slot.segment, all.size() - off)), natt);
    }
    flush_tun_writes();
    hand_over_ike();  // the round's rx buffers are still intact
    if (n < kRxBatch) break;
  }
  report_limits();
  report_peer_moves();
  report_unknown_spis();
}

// Step 5 of the inbound pipeline: the round's IKE datagrams go to the IKE
// handler now that the batch is done, so the handler may change anything
// (install or remove SAs and tunnels). Its answers leave together in one
// sendmmsg: a system call per answer was a third of a hub's system calls.
void Datapath::hand_over_ike() {
  if (nike_in_ == 0) return;
  batching_ike_ = true;
  for (size_t i = 0; i < nike_in_; ++i)
    if (on_ike_) on_ike_(ike_in_[i].local, ike_in_[i].remote, ike_in_[i].message);
  nike_in_ = 0;
  batching_ike_ = false;
  flush_ike();
}

void Datapath::process_esp() {
  if (!esp_) return;
  for (int round = 0; round < kMaxRounds; ++round) {
    for (size_t i = 0; i < kRxBatch; ++i) recv_[i] = io::RecvSlot{rx_buffer(i)};
    size_t n = esp_->recv_batch(recv_);
    now_ = clock_->now();
    for (size_t i = 0; i < n; ++i) {
      ++counters_.esp_in;
      auto pkt = recv_[i].buf.first(std::min(recv_[i].len, recv_[i].buf.size()));
      if (pkt.size() < kEspHeaderSize) {
        ++counters_.malformed;
        continue;
      }
      handle_esp(pkt, recv_[i], false);
    }
    flush_tun_writes();
    if (n < kRxBatch) break;
  }
  report_limits();
  report_peer_moves();
  report_unknown_spis();
}

void Datapath::report_peer_moves() {
  if (peer_moves_.empty()) return;
  for (auto& m : peer_moves_)
    if (on_peer_moved_) on_peer_moved_(m.spi_in, m.remote);
  peer_moves_.clear();
}

void Datapath::report_unknown_spis() {
  for (auto& u : unknown_spis_)
    if (on_unknown_spi_) on_unknown_spi_(u.spi, u.local, u.remote);
  unknown_spis_.clear();
}

void Datapath::handle_datagram(const io::RecvSlot& slot, std::span<uint8_t> pkt, bool natt) {
  if (!natt) {
    queue_ike(slot, pkt);
    return;
  }
  if (pkt.size() == 1 && pkt[0] == 0xff) {  // NAT keepalive (RFC 3948 §2.3)
    ++counters_.keepalives_in;
    return;
  }
  if (pkt.size() < kEspHeaderSize) {
    ++counters_.malformed;
    return;
  }
  if (pkt[0] == 0 && pkt[1] == 0 && pkt[2] == 0 && pkt[3] == 0) {  // non-ESP marker (RFC 3948 §2.2)
    queue_ike(slot, pkt.subspan(4));
    return;
  }
  handle_esp(pkt, slot, true);
}

// The view stays valid until the next recv_batch: hand_over_ike runs first.
void Datapath::queue_ike(const io::RecvSlot& slot, ByteView message) {
  if (nike_in_ == ike_in_.size()) {  // cannot happen: sized for a full round of GRO batches
    ++counters_.malformed;
    return;
  }
  ++counters_.ike_in;
  ike_in_[nike_in_++] = {slot.local, slot.remote, message};
}

// Steps 3 and 4 of the inbound pipeline, for ESP from either socket.
void Datapath::handle_esp(std::span<uint8_t> pkt, const io::RecvSlot& slot, bool udp) {
  ChildSa* sa = sas_.find_inbound(peek_spi(pkt));
  if (!sa) {
    ++counters_.no_sa;
    if (on_unknown_spi_ && unknown_spis_.size() < kMaxUnknownSpi)
      unknown_spis_.push_back({peek_spi(pkt), slot.local, slot.remote});
    return;
  }
  uint32_t seq = peek_seq(pkt);
  auto inner = sa->in->open(pkt);  // failures are counted by the SA
  if (!inner) return;
  // RFC 7296 §2.23: a valid packet from a new address/port means the peer's
  // NAT mapping changed. Follow it only if the packet is the newest yet (an
  // old one, replayed or late, must not move us back).
  if (udp && sa->peer_may_float && slot.remote != sa->remote &&
      sa->in->highest_seq() == seq && peer_moves_.size() < peer_moves_.capacity()) {
    sa->remote = slot.remote;
    sa->local.addr = slot.local.addr;
    ++counters_.peer_moves;
    peer_moves_.push_back({sa->in->spi(), slot.remote});
  }
  sa->last_in = now_;
  if (sa->outbound == ChildSa::Outbound::kPending) {  // the peer has it: use it
    sa->outbound = ChildSa::Outbound::kActive;
    refresh_current(sa->tunnel);
  }
  if (sa->in->counters().bytes >= sa->next_bytes_mark) check_limits(*sa);
  if (inner->empty()) return;
  if (npending_ == pending_.size()) flush_tun_writes();
  pending_[npending_++] = {sa->tunnel, *inner};
}

void Datapath::flush_tun_writes() {
  size_t i = 0;
  while (i < npending_) {
    uint32_t t = pending_[i].tunnel;
    size_t n = 0;
    while (i < npending_ && pending_[i].tunnel == t) run_[n++] = pending_[i++].packet;
    if (t >= tunnels_.size() || !tunnels_[t].dev) {
      counters_.tun_write_errors += n;
      continue;
    }
    size_t w = tunnels_[t].dev->write_batch(std::span<const ByteView>(run_.data(), n));
    counters_.tun_write_errors += n - w;
  }
  npending_ = 0;
}

void Datapath::process_tun(const std::string& name) {
  auto it = by_name_.find(name);
  if (it != by_name_.end()) process_tun_index(it->second);
}

void Datapath::process_tun_index(uint32_t idx) {
  bool no_sa = false;
  shared_no_sa_ = false;
  for (int round = 0;; ++round) {
    if (idx >= tunnels_.size() || !tunnels_[idx].dev) break;
    size_t n = 0;
    if (!tun_round(idx, n)) {
      no_sa = true;
      break;
    }
    // Past kMaxRounds, only finish a TSO packet already read: the fd will
    // not signal its remaining segments.
    const PacketDevice& dev = *tunnels_[idx].dev;
    if (n < kTxBatch && !dev.pending() && !dev.more()) break;
    if (round >= kMaxRounds && !dev.pending()) break;
  }
  report_limits();
  if (no_sa || shared_no_sa_) report_no_sa(idx);
}

// After the batch: the handler may add or remove tunnels and SAs, so it gets
// its own copy of the name (the buffer is kept: no allocation per event).
void Datapath::report_no_sa(uint32_t idx) {
  if (!on_no_sa_ || idx >= tunnels_.size() || !tunnels_[idx].dev) return;
  no_sa_name_.assign(tunnels_[idx].name);
  on_no_sa_(no_sa_name_);
}

bool Datapath::tun_round(uint32_t idx, size_t& n) {
  Tunnel& t = tunnels_[idx];
  for (size_t i = 0; i < kTxBatch; ++i) tx_views_[i] = tx_buffer(i).subspan(kHeadroom, kMaxInnerPacket);
  n = t.dev->read_batch(tx_views_, tx_lens_);
  if (n == 0) return true;
  now_ = clock_->now();
  ChildSa* sa = t.current;
  if (!sa || !natt_) {
    t.no_sa_drops += n;
    counters_.no_outbound_sa += n;
    // Stop here and report after the batch (report_no_sa); the loop calls
    // again while the TUN stays readable.
    return !on_no_sa_;
  }
  if (t.by_destination) {
    seal_by_destination(t, n);
    return true;
  }
  size_t m = 0;
  for (size_t i = 0; i < n; ++i) {
    // Failures are counted by the SA.
    auto esp = sa->out->seal(tx_buffer(i), tx_lens_[i], cbc_batch_.get(), uint32_t(m));
    if (esp) send_[m++] = {*esp, sa->remote, sa->local.addr};
  }
  m = finish_seals(m, sa);
  DatagramSocket* out = sa->udp_encap ? natt_.get() : esp_.get();  // ESP in UDP, or plain
  size_t sent = out ? out->send_batch(std::span<const io::SendSlot>(send_.data(), m)) : 0;
  if (!out) counters_.no_esp_socket += m;
  sa->out->counters().errors += m - sent;
  counters_.udp_send_errors += m - sent;
  sa->last_out = now_;
  if (sa->out->counters().bytes >= sa->next_bytes_mark || sa->out->seq() >= sa->next_seq_mark)
    check_limits(*sa);
  return true;
}

size_t Datapath::finish_seals(size_t m, ChildSa* sa) {
  std::fill_n(sealed_ok_.begin(), m, true);
  if (cbc_batch_->finish(std::span<bool>(sealed_ok_.data(), m)) == 0) return m;
  size_t k = 0;
  for (size_t i = 0; i < m; ++i) {
    if (!sealed_ok_[i]) {
      ++(sa ? sa : owners_[i])->out->counters().errors;
      continue;
    }
    send_[k] = send_[i];
    owners_[k++] = owners_[i];
  }
  return k;
}

std::vector<SaStats> Datapath::sa_stats() const {
  std::vector<SaStats> v;
  for (auto& sa : sas_.all()) {
    SaStats s;
    s.interface = sa->interface;
    s.ike_spi_i = sa->ike_spi_i;
    s.spi_in = sa->in->spi();
    s.spi_out = sa->out->spi();
    s.current_outbound = sa->tunnel < tunnels_.size() &&
                         (tunnels_[sa->tunnel].by_destination ? sa->outbound == ChildSa::Outbound::kActive
                                                              : tunnels_[sa->tunnel].current == sa.get());
    s.suite = sa->suite;
    s.local = sa->local;
    s.remote = sa->remote;
    s.udp_encap = sa->udp_encap;
    s.transport = sa->transport;
    s.local_ts = sa->local_ts;
    s.remote_ts = sa->remote_ts;
    s.replay_window = sa->in->replay_window_size();
    s.lifetime_s = sa->lifetime_s;
    s.lifetime_kb = sa->lifetime_kb;
    s.installed = sa->installed;
    s.seq_out = sa->out->seq();
    const SaCounters& o = sa->out->counters();
    const SaCounters& i = sa->in->counters();
    s.pkts_encaps = o.packets;
    s.bytes_encaps = o.bytes;
    s.send_errors = o.errors;
    s.pkts_decaps = i.packets;
    s.bytes_decaps = i.bytes;
    s.auth_failures = i.auth_failures;
    s.replay_failures = i.replay_failures;
    s.malformed = i.malformed;
    s.policy_drops = i.policy_drops;
    s.recv_errors = i.auth_failures + i.replay_failures + i.malformed + i.policy_drops;
    v.push_back(std::move(s));
  }
  return v;
}

uint64_t Datapath::no_sa_drops(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? 0 : tunnels_[it->second].no_sa_drops;
}

const io::TunCounters* Datapath::tun_counters(const std::string& name) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end() || !tunnels_[it->second].dev) return nullptr;
  return tunnels_[it->second].dev->tun_counters();
}

}  // namespace kg::esp
