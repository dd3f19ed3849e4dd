// The XDP program that sends plain ESP to our AF_XDP sockets (xdp_esp_socket.h),
// built as BPF instructions here (no BPF compiler, no libbpf): for each frame
// on an interface it is attached to,
//   IPv4, header without options, not a fragment, protocol 50 (ESP),
//   destination one of the addresses in `locals`, at most kMaxFrame bytes
//     -> redirected to the AF_XDP socket of the frame's receive queue
//        (XSKMAP slot = rx_queue_index; no socket there: passed on);
//   anything else (ARP, IKE on UDP, fragments, transit ESP) -> XDP_PASS,
//   to the kernel's stack as if no program were there.
// Fragments and ESP to addresses added later reach the raw socket, which
// stays open beside the AF_XDP sockets.
#pragma once
#include <cstdint>
#include <span>
#include <string>

#include "common/result.h"

namespace kg::io {

// A frame longer than this passes to the stack (an AF_XDP frame is 4 KiB).
inline constexpr uint32_t kXdpMaxFrame = 3840;

// A BPF object (map, program or link) file descriptor, closed on destruction.
class BpfFd {
 public:
  BpfFd() = default;
  explicit BpfFd(int fd) : fd_(fd) {}
  BpfFd(BpfFd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  BpfFd& operator=(BpfFd&& o) noexcept;
  ~BpfFd();
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_ = -1;
};

// The maps and program of one interface's XDP filter (queues are numbered
// per interface, so each interface has its own XSKMAP).
struct XdpEspProgram {
  BpfFd xsks;    // XSKMAP: rx queue -> AF_XDP socket
  BpfFd locals;  // HASH: IPv4 address (network order) -> 1
  BpfFd prog;
  // `local_v4`: the addresses (network order) whose ESP is ours.
  static Result<XdpEspProgram> load(std::span<const uint32_t> local_v4, uint32_t queues);
  // The AF_XDP socket `xsk_fd` receives queue `queue`.
  Result<void> set_socket(uint32_t queue, int xsk_fd) const;
};

// Attaches `prog` to interface `ifindex` in native (driver) mode through a
// BPF link: detached when the returned fd is closed (or the process dies).
Result<BpfFd> xdp_attach(int prog_fd, int ifindex);

}  // namespace kg::io
