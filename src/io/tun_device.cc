#include "io/tun_device.h"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kg::io {

Result<TunDevice> TunDevice::open(const std::string& name) {
  if (name.size() >= IFNAMSIZ) return fail(Errc::kInvalidArgument, "interface name too long: " + name);
  int fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return fail(Errc::kIo, std::string("/dev/net/tun: ") + std::strerror(errno));
  ifreq ifr{};
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  std::memcpy(ifr.ifr_name, name.c_str(), name.size());
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    int e = errno;
    close(fd);
    return fail(Errc::kIo, "TUNSETIFF " + name + ": " + std::strerror(e));
  }
  return TunDevice(fd, ifr.ifr_name);
}

TunDevice::~TunDevice() {
  if (fd_ >= 0) close(fd_);
}

size_t TunDevice::read_batch(std::span<std::span<uint8_t>> bufs, std::span<size_t> lens) {
  size_t n = 0;
  while (n < bufs.size() && n < lens.size()) {
    ssize_t r = read(fd_, bufs[n].data(), bufs[n].size());
    if (r <= 0) break;
    lens[n++] = size_t(r);
  }
  return n;
}

Result<void> TunDevice::write(ByteView packet) {
  if (::write(fd_, packet.data(), packet.size()) < 0)
    return fail(Errc::kIo, "write " + name_ + ": " + std::strerror(errno));
  return {};
}

size_t TunDevice::write_batch(std::span<const ByteView> packets) {
  size_t n = 0;
  for (ByteView p : packets)
    if (::write(fd_, p.data(), p.size()) == ssize_t(p.size())) ++n;
  return n;
}

}  // namespace kg::io
