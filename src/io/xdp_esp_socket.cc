#include "io/xdp_esp_socket.h"

// glibc's net/if.h before the kernel's headers (linux/libc-compat.h then
// leaves struct ifreq and the IFF_ flags to glibc).
#include <net/if.h>
#include <net/if_arp.h>
#include <ifaddrs.h>
#include <linux/if_xdp.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>

#include "io/checksum.h"

#ifndef SOL_XDP
#define SOL_XDP 283
#endif

namespace kg::io {
namespace {

constexpr size_t kEth = 14, kIp = 20;

std::string err(const std::string& what) { return what + ": " + std::strerror(errno); }

uint32_t load_acquire(const uint32_t* p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
void store_release(uint32_t* p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

int64_t now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

uint16_t be16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }

// Receive queues of an interface (veth has as many as it was created with).
uint32_t rx_queues(const std::string& name) {
  uint32_t n = 0;
  std::error_code ec;
  for (auto& e : std::filesystem::directory_iterator("/sys/class/net/" + name + "/queues", ec))
    if (e.path().filename().string().starts_with("rx-")) ++n;
  return std::max<uint32_t>(n, 1);
}

}  // namespace

// ---- NeighbourCache ----

NeighbourCache::NeighbourCache() {
  fd_ = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd_ >= 0) {
    timeval tv{0, 100000};  // a lost answer costs 100 ms once, never a hang
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
}

NeighbourCache::~NeighbourCache() {
  if (fd_ >= 0) close(fd_);
}

const NeighbourCache::Entry& NeighbourCache::lookup(uint32_t dst, int64_t now) {
  for (Entry& e : entries_)
    if (e.expires_ms != 0 && e.dst == dst) {
      if (now >= e.expires_ms) {
        resolve(e);
        e.expires_ms = now + (e.ok ? 1000 : 50);
      }
      return e;
    }
  Entry& e = entries_[next_];
  next_ = (next_ + 1) % kEntries;
  e = Entry{};
  e.dst = dst;
  resolve(e);
  e.expires_ms = now + (e.ok ? 1000 : 50);
  return e;
}

bool NeighbourCache::query(void* req, size_t len, void* reply, size_t cap, size_t& got) {
  if (fd_ < 0) return false;
  auto* h = static_cast<nlmsghdr*>(req);
  h->nlmsg_seq = ++seq_;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (sendto(fd_, req, len, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) return false;
  for (int tries = 0; tries < 4; ++tries) {  // skip stale answers to earlier queries
    ssize_t n = recv(fd_, reply, cap, 0);
    if (n < ssize_t(sizeof(nlmsghdr))) return false;
    auto* r = static_cast<nlmsghdr*>(reply);
    if (r->nlmsg_seq != seq_) continue;
    if (r->nlmsg_type == NLMSG_ERROR) return false;
    got = size_t(n);
    return true;
  }
  return false;
}

void NeighbourCache::resolve(Entry& e) {
  e.ok = false;
  alignas(nlmsghdr) uint8_t reply[1024];
  size_t got = 0;
  // Route: RTM_GETROUTE for dst/32 -> oif, gateway, preferred source.
  struct {
    nlmsghdr h;
    rtmsg r;
    rtattr a;
    uint32_t dst;
  } rq{};
  rq.h.nlmsg_len = sizeof rq;
  rq.h.nlmsg_type = RTM_GETROUTE;
  rq.h.nlmsg_flags = NLM_F_REQUEST;
  rq.r.rtm_family = AF_INET;
  rq.r.rtm_dst_len = 32;
  rq.a.rta_len = RTA_LENGTH(4);
  rq.a.rta_type = RTA_DST;
  rq.dst = e.dst;
  if (!query(&rq, sizeof rq, reply, sizeof reply, got)) return;
  auto* h = reinterpret_cast<nlmsghdr*>(reply);
  if (h->nlmsg_type != RTM_NEWROUTE || !NLMSG_OK(h, got)) return;
  auto* rt = static_cast<rtmsg*>(NLMSG_DATA(h));
  if (rt->rtm_type != RTN_UNICAST) return;
  uint32_t hop = e.dst;
  int len = int(RTM_PAYLOAD(h));
  for (rtattr* a = RTM_RTA(rt); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    if (a->rta_type == RTA_OIF && RTA_PAYLOAD(a) == 4) std::memcpy(&e.ifindex, RTA_DATA(a), 4);
    if (a->rta_type == RTA_GATEWAY && RTA_PAYLOAD(a) == 4) std::memcpy(&hop, RTA_DATA(a), 4);
    if (a->rta_type == RTA_PREFSRC && RTA_PAYLOAD(a) == 4) std::memcpy(&e.src, RTA_DATA(a), 4);
  }
  if (e.ifindex == 0) return;
  // Neighbour: RTM_GETNEIGH for the next hop on that interface.
  struct {
    nlmsghdr h;
    ndmsg n;
    rtattr a;
    uint32_t dst;
  } nq{};
  nq.h.nlmsg_len = sizeof nq;
  nq.h.nlmsg_type = RTM_GETNEIGH;
  nq.h.nlmsg_flags = NLM_F_REQUEST;
  nq.n.ndm_family = AF_INET;
  nq.n.ndm_ifindex = e.ifindex;
  nq.a.rta_len = RTA_LENGTH(4);
  nq.a.rta_type = NDA_DST;
  nq.dst = hop;
  if (!query(&nq, sizeof nq, reply, sizeof reply, got)) return;
  if (h->nlmsg_type != RTM_NEWNEIGH || !NLMSG_OK(h, got)) return;
  auto* nd = static_cast<ndmsg*>(NLMSG_DATA(h));
  // INCOMPLETE and FAILED have no usable address: the raw socket's packet
  // makes the kernel ask (ARP) and a later lookup finds the answer.
  constexpr uint16_t kUsable = NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT;
  if (!(nd->ndm_state & kUsable)) return;
  len = int(h->nlmsg_len - NLMSG_LENGTH(sizeof(ndmsg)));
  for (rtattr* a = reinterpret_cast<rtattr*>(reinterpret_cast<uint8_t*>(nd) + NLMSG_ALIGN(sizeof(ndmsg)));
       RTA_OK(a, len); a = RTA_NEXT(a, len))
    if (a->rta_type == NDA_LLADDR && RTA_PAYLOAD(a) == 6) {
      std::memcpy(e.mac.data(), RTA_DATA(a), 6);
      e.ok = true;
    }
}

// ---- XdpEspSocket ----

Result<std::unique_ptr<XdpEspSocket>> XdpEspSocket::open() {
  std::unique_ptr<XdpEspSocket> s(new XdpEspSocket());
  // Our IPv4 addresses per interface.
  std::map<std::string, std::vector<uint32_t>> addrs;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return fail(Errc::kIo, err("getifaddrs"));
  for (ifaddrs* i = list; i; i = i->ifa_next) {
    if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET) continue;
    if (!(i->ifa_flags & IFF_UP) || (i->ifa_flags & IFF_LOOPBACK)) continue;
    addrs[i->ifa_name].push_back(reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr.s_addr);
  }
  freeifaddrs(list);
  std::string why;
  int ctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  for (auto& [name, locals] : addrs) {
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
    if (ctl < 0 || ioctl(ctl, SIOCGIFHWADDR, &ifr) != 0 || ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) continue;
    Iface f;
    f.name = name;
    f.ifindex = int(if_nametoindex(name.c_str()));
    std::memcpy(f.mac.data(), ifr.ifr_hwaddr.sa_data, 6);
    if (ioctl(ctl, SIOCGIFMTU, &ifr) == 0) f.mtu = uint32_t(ifr.ifr_mtu);
    uint32_t queues = rx_queues(name);
    auto prog = XdpEspProgram::load(locals, queues);
    if (!prog) {
      why = prog.error().message;
      continue;
    }
    f.prog = std::move(*prog);
    size_t idx = s->ifaces_.size();
    f.first_port = s->ports_.size();
    s->ifaces_.push_back(std::move(f));
    bool ok = true;
    for (uint32_t q = 0; q < queues && ok; ++q)
      if (auto r = s->open_port(idx, q); !r) {
        why = name + ": " + r.error().message;
        ok = false;
      }
    // Tried once (the link is closed again at once): attach() does it for
    // good when the first plain-ESP SA comes.
    if (ok) {
      auto link = xdp_attach(s->ifaces_[idx].prog.prog.get(), s->ifaces_[idx].ifindex);
      if (!link) {
        why = name + ": " + link.error().message;
        ok = false;
      }
    }
    s->ifaces_[idx].nports = s->ports_.size() - s->ifaces_[idx].first_port;
    if (!ok) {  // drop this interface's sockets
      while (s->ports_.size() > s->ifaces_[idx].first_port) {
        Port& p = s->ports_.back();
        for (Ring* r : {&p.rx, &p.tx, &p.fill, &p.comp})
          if (r->map) munmap(r->map, r->map_len);
        if (p.umem) munmap(p.umem, size_t(kFrame) * kFrames);
        if (p.fd >= 0) ::close(p.fd);
        s->ports_.pop_back();
      }
      s->ifaces_.pop_back();
    }
  }
  if (ctl >= 0) ::close(ctl);
  if (s->ifaces_.empty()) return fail(Errc::kIo, why.empty() ? "no Ethernet interface with IPv4" : why);
  return s;
}

Result<void> XdpEspSocket::open_port(size_t iface, uint32_t queue) {
  ports_.emplace_back();
  Port& p = ports_.back();
  p.iface = iface;
  p.queue = queue;
  p.fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (p.fd < 0) return fail(Errc::kIo, err("AF_XDP socket"));
  size_t umem_len = size_t(kFrame) * kFrames;
  void* umem = mmap(nullptr, umem_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (umem == MAP_FAILED) return fail(Errc::kIo, err("UMEM"));
  p.umem = static_cast<uint8_t*>(umem);
  xdp_umem_reg reg{};
  reg.addr = reinterpret_cast<uint64_t>(umem);
  reg.len = umem_len;
  reg.chunk_size = kFrame;
  if (setsockopt(p.fd, SOL_XDP, XDP_UMEM_REG, &reg, sizeof reg) != 0) return fail(Errc::kIo, err("XDP_UMEM_REG"));
  int ring = int(kRing);
  for (int opt : {XDP_UMEM_FILL_RING, XDP_UMEM_COMPLETION_RING, XDP_RX_RING, XDP_TX_RING})
    if (setsockopt(p.fd, SOL_XDP, opt, &ring, sizeof ring) != 0) return fail(Errc::kIo, err("XDP ring size"));
  xdp_mmap_offsets off{};
  socklen_t optlen = sizeof off;
  if (getsockopt(p.fd, SOL_XDP, XDP_MMAP_OFFSETS, &off, &optlen) != 0) return fail(Errc::kIo, err("XDP_MMAP_OFFSETS"));
  auto map_ring = [&](Ring& r, const xdp_ring_offset& o, size_t desc, uint64_t pgoff) -> bool {
    r.map_len = o.desc + kRing * desc;
    void* m = mmap(nullptr, r.map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, p.fd, off_t(pgoff));
    if (m == MAP_FAILED) return false;
    auto* b = static_cast<uint8_t*>(m);
    r.map = m;
    r.producer = reinterpret_cast<uint32_t*>(b + o.producer);
    r.consumer = reinterpret_cast<uint32_t*>(b + o.consumer);
    r.flags = reinterpret_cast<uint32_t*>(b + o.flags);
    r.descs = b + o.desc;
    return true;
  };
  if (!map_ring(p.rx, off.rx, sizeof(xdp_desc), XDP_PGOFF_RX_RING) ||
      !map_ring(p.tx, off.tx, sizeof(xdp_desc), XDP_PGOFF_TX_RING) ||
      !map_ring(p.fill, off.fr, sizeof(uint64_t), XDP_UMEM_PGOFF_FILL_RING) ||
      !map_ring(p.comp, off.cr, sizeof(uint64_t), XDP_UMEM_PGOFF_COMPLETION_RING))
    return fail(Errc::kIo, err("XDP ring mmap"));
  // Frames [0, kRing) receive, [kRing, kFrames) send.
  auto* fill = static_cast<uint64_t*>(p.fill.descs);
  for (uint32_t i = 0; i < kRing; ++i) fill[i] = uint64_t(i) * kFrame;
  store_release(p.fill.producer, kRing);
  for (uint32_t i = 0; i < kRing; ++i) p.free_tx[i] = uint64_t(kRing + i) * kFrame;
  p.nfree = kRing;
  sockaddr_xdp sa{};
  sa.sxdp_family = AF_XDP;
  sa.sxdp_ifindex = uint32_t(ifaces_[iface].ifindex);
  sa.sxdp_queue_id = queue;
  sa.sxdp_flags = XDP_COPY;  // veth has no zero-copy mode
  if (bind(p.fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) return fail(Errc::kIo, err("AF_XDP bind"));
  return ifaces_[iface].prog.set_socket(queue, p.fd);
}

XdpEspSocket::~XdpEspSocket() {
  for (Iface& f : ifaces_) f.link = BpfFd();  // detach before the sockets go
  for (Port& p : ports_) {
    for (Ring* r : {&p.rx, &p.tx, &p.fill, &p.comp})
      if (r->map) munmap(r->map, r->map_len);
    if (p.umem) munmap(p.umem, size_t(kFrame) * kFrames);
    if (p.fd >= 0) ::close(p.fd);
  }
}

void XdpEspSocket::attach() {
  if (attached_) return;
  attached_ = true;
  for (Iface& f : ifaces_)
    if (auto link = xdp_attach(f.prog.prog.get(), f.ifindex)) f.link = std::move(*link);
}

std::vector<int> XdpEspSocket::fds() const {
  std::vector<int> v;
  for (const Port& p : ports_) v.push_back(p.fd);
  return v;
}

std::string XdpEspSocket::describe() const {
  std::string s = "AF_XDP on";
  for (const Iface& f : ifaces_)
    s += " " + f.name + " (native XDP" + (f.link.get() >= 0 ? "" : " when a plain-ESP SA comes") + ", " +
         std::to_string(f.nports) + (f.nports == 1 ? " queue)" : " queues)");
  return s;
}

size_t XdpEspSocket::recv_batch(std::span<RecvSlot> slots) {
  size_t out = 0;
  for (size_t k = 0; k < ports_.size() && out < slots.size(); ++k) {
    Port& p = ports_[(rx_next_ + k) % ports_.size()];
    uint32_t cons = *p.rx.consumer;  // only we write it
    uint32_t avail = load_acquire(p.rx.producer) - cons;
    uint32_t n = std::min<uint32_t>(avail, uint32_t(slots.size() - out));
    if (n == 0) continue;
    auto* descs = static_cast<xdp_desc*>(p.rx.descs);
    auto* fill = static_cast<uint64_t*>(p.fill.descs);
    uint32_t fprod = *p.fill.producer;
    for (uint32_t i = 0; i < n; ++i) {
      const xdp_desc& d = descs[(cons + i) & (kRing - 1)];
      const uint8_t* f = p.umem + d.addr;
      // Checked again here: the program is ours, but the frame is the peer's.
      size_t tot = d.len >= kEth + kIp ? be16(f + kEth + 2) : 0;
      RecvSlot& s = slots[out];
      if (d.len < kEth + kIp || be16(f + 12) != 0x0800 || f[kEth] != 0x45 || f[kEth + 9] != 50 || tot < kIp ||
          kEth + tot > d.len || tot - kIp > s.buf.size()) {
        ++counters_.rx_malformed;
      } else {
        std::memcpy(s.buf.data(), f + kEth + kIp, tot - kIp);
        s.len = tot - kIp;
        s.segment = 0;
        s.remote = {*IpAddress::from_bytes({f + kEth + 12, 4}), 0};
        s.local = {*IpAddress::from_bytes({f + kEth + 16, 4}), 0};
        ++out;
        ++counters_.rx;
      }
      fill[fprod++ & (kRing - 1)] = d.addr & ~uint64_t(kFrame - 1);
    }
    store_release(p.rx.consumer, cons + n);
    store_release(p.fill.producer, fprod);
  }
  rx_next_ = ports_.empty() ? 0 : (rx_next_ + 1) % ports_.size();
  return out;
}

void XdpEspSocket::reclaim(Port& p) {
  uint32_t cons = *p.comp.consumer;
  uint32_t n = load_acquire(p.comp.producer) - cons;
  auto* comp = static_cast<uint64_t*>(p.comp.descs);
  for (uint32_t i = 0; i < n && p.nfree < kRing; ++i) p.free_tx[p.nfree++] = comp[(cons + i) & (kRing - 1)];
  store_release(p.comp.consumer, cons + n);
}

bool XdpEspSocket::send_one(const SendSlot& s, int64_t now) {
  if (!s.remote.addr.is_v4()) return false;
  uint32_t dst;
  std::memcpy(&dst, s.remote.addr.b.data(), 4);
  const NeighbourCache::Entry& e = neigh_.lookup(dst, now);
  if (!e.ok) return false;
  size_t fi = 0;
  while (fi < ifaces_.size() && ifaces_[fi].ifindex != e.ifindex) ++fi;
  if (fi == ifaces_.size() || ifaces_[fi].nports == 0) return false;
  Iface& f = ifaces_[fi];
  size_t len = kIp + s.data.size();
  if (len > f.mtu || kEth + len > kFrame) return false;
  uint32_t src = e.src;
  if (s.local.is_v4() && !s.local.is_unspecified()) std::memcpy(&src, s.local.b.data(), 4);
  if (src == 0) return false;
  Port& p = ports_[f.first_port];  // one sending socket per interface
  if (p.nfree == 0) reclaim(p);
  if (p.nfree == 0) return false;
  uint64_t addr = p.free_tx[--p.nfree];
  uint8_t* b = p.umem + addr;
  // Ethernet II, then IPv4 (RFC 791): DF, TTL 64, protocol 50.
  std::memcpy(b, e.mac.data(), 6);
  std::memcpy(b + 6, f.mac.data(), 6);
  b[12] = 0x08;
  b[13] = 0x00;
  uint8_t* ip = b + kEth;
  ip[0] = 0x45;
  ip[1] = 0;
  ip[2] = uint8_t(len >> 8);
  ip[3] = uint8_t(len);
  ++ip_id_;
  ip[4] = uint8_t(ip_id_ >> 8);
  ip[5] = uint8_t(ip_id_);
  ip[6] = 0x40;
  ip[7] = 0;
  ip[8] = 64;
  ip[9] = 50;
  ip[10] = ip[11] = 0;
  std::memcpy(ip + 12, &src, 4);
  std::memcpy(ip + 16, &dst, 4);
  uint16_t sum = uint16_t(~csum_fold(csum_add({ip, kIp})));
  ip[10] = uint8_t(sum >> 8);
  ip[11] = uint8_t(sum);
  std::memcpy(ip + kIp, s.data.data(), s.data.size());
  uint32_t prod = *p.tx.producer;
  auto* descs = static_cast<xdp_desc*>(p.tx.descs);
  descs[prod & (kRing - 1)] = xdp_desc{addr, uint32_t(kEth + len), 0};
  store_release(p.tx.producer, prod + 1);
  ++p.tx_queued;
  return true;
}

// Copy-mode transmit runs in sendmsg, at most 32 frames per call (the
// kernel's TX_BATCH_SIZE): kick until the ring is drained or it stops moving.
void XdpEspSocket::kick(Port& p) {
  for (int i = 0; i < 64 && load_acquire(p.tx.consumer) != *p.tx.producer; ++i) {
    if (sendto(p.fd, nullptr, 0, MSG_DONTWAIT, nullptr, 0) >= 0) continue;
    if (errno != EAGAIN && errno != EBUSY && errno != ENOBUFS && errno != EINTR) break;
  }
  p.tx_queued = 0;
  reclaim(p);
}

size_t XdpEspSocket::send_batch(std::span<const SendSlot> slots, std::span<bool> taken) {
  int64_t now = now_ms();
  size_t sent = 0;
  for (size_t i = 0; i < slots.size(); ++i) {
    taken[i] = send_one(slots[i], now);
    sent += taken[i];
  }
  for (Port& p : ports_)
    if (p.tx_queued) kick(p);
  counters_.tx += sent;
  counters_.tx_other += slots.size() - sent;
  return sent;
}

}  // namespace kg::io
