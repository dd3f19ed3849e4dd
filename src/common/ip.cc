#include "common/ip.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace kg {

std::optional<IpAddress> IpAddress::parse(std::string_view s) {
  std::string z(s);
  IpAddress a;
  if (inet_pton(AF_INET, z.c_str(), a.b.data()) == 1) {
    a.family = Family::kV4;
    return a;
  }
  if (inet_pton(AF_INET6, z.c_str(), a.b.data()) == 1) {
    a.family = Family::kV6;
    return a;
  }
  return std::nullopt;
}

IpAddress IpAddress::v4(uint32_t h) {
  IpAddress a;
  a.b[0] = uint8_t(h >> 24);
  a.b[1] = uint8_t(h >> 16);
  a.b[2] = uint8_t(h >> 8);
  a.b[3] = uint8_t(h);
  return a;
}

std::optional<IpAddress> IpAddress::from_bytes(ByteView raw) {
  IpAddress a;
  if (raw.size() == 4) {
    a.family = Family::kV4;
  } else if (raw.size() == 16) {
    a.family = Family::kV6;
  } else {
    return std::nullopt;
  }
  std::memcpy(a.b.data(), raw.data(), raw.size());
  return a;
}

uint32_t IpAddress::v4_host_order() const {
  return uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | b[3];
}

std::string IpAddress::str() const {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(is_v4() ? AF_INET : AF_INET6, b.data(), buf, sizeof buf);
  return buf;
}

bool IpAddress::is_unspecified() const {
  for (size_t i = 0; i < size(); ++i)
    if (b[i]) return false;
  return true;
}

std::optional<uint8_t> mask_to_len(const IpAddress& m) {
  uint8_t len = 0;
  bool zero_seen = false;
  for (size_t i = 0; i < m.size(); ++i) {
    for (int bit = 7; bit >= 0; --bit) {
      bool one = (m.b[i] >> bit) & 1;
      if (one && zero_seen) return std::nullopt;
      if (one) ++len; else zero_seen = true;
    }
  }
  return len;
}

std::optional<Prefix> Prefix::parse(std::string_view s) {
  auto slash = s.find('/');
  if (slash == std::string_view::npos) {
    auto a = IpAddress::parse(s);
    if (!a) return std::nullopt;
    return Prefix{*a, static_cast<uint8_t>(a->size() * 8)};
  }
  auto a = IpAddress::parse(s.substr(0, slash));
  if (!a) return std::nullopt;
  auto ls = s.substr(slash + 1);
  if (ls.empty() || ls.size() > 3) return std::nullopt;
  int len = 0;
  for (char c : ls) {
    if (c < '0' || c > '9') return std::nullopt;
    len = len * 10 + (c - '0');
  }
  if (len > int(a->size() * 8)) return std::nullopt;
  return Prefix{*a, static_cast<uint8_t>(len)};
}

std::optional<Prefix> Prefix::from_mask(const IpAddress& a, const IpAddress& mask) {
  if (a.family != mask.family) return std::nullopt;
  auto len = mask_to_len(mask);
  if (!len) return std::nullopt;
  return Prefix{a, *len};
}

bool Prefix::contains(const IpAddress& x) const {
  if (x.family != addr.family) return false;
  for (size_t i = 0; i < addr.size(); ++i) {
    int bits = int(len) - int(i * 8);
    uint8_t m = bits >= 8 ? 0xff : bits <= 0 ? 0 : uint8_t(0xff << (8 - bits));
    if ((x.b[i] & m) != (addr.b[i] & m)) return false;
  }
  return true;
}

IpAddress Prefix::first() const {
  IpAddress r = addr;
  for (size_t i = 0; i < r.size(); ++i) {
    int bits = int(len) - int(i * 8);
    uint8_t m = bits >= 8 ? 0xff : bits <= 0 ? 0 : uint8_t(0xff << (8 - bits));
    r.b[i] &= m;
  }
  return r;
}

IpAddress Prefix::last() const {
  IpAddress r = addr;
  for (size_t i = 0; i < r.size(); ++i) {
    int bits = int(len) - int(i * 8);
    uint8_t m = bits >= 8 ? 0xff : bits <= 0 ? 0 : uint8_t(0xff << (8 - bits));
    r.b[i] = uint8_t((r.b[i] & m) | ~m);
  }
  return r;
}

IpAddress Prefix::mask() const {
  IpAddress r;
  r.family = addr.family;
  for (size_t i = 0; i < r.size(); ++i) {
    int bits = int(len) - int(i * 8);
    r.b[i] = bits >= 8 ? 0xff : bits <= 0 ? 0 : uint8_t(0xff << (8 - bits));
  }
  return r;
}

std::string Prefix::str() const { return addr.str() + "/" + std::to_string(len); }

std::string Endpoint::str() const {
  if (addr.is_v4()) return addr.str() + ":" + std::to_string(port);
  return "[" + addr.str() + "]:" + std::to_string(port);
}

size_t Endpoint::to_sockaddr(sockaddr_storage& out) const {
  std::memset(&out, 0, sizeof out);
  if (addr.is_v4()) {
    auto* s = reinterpret_cast<sockaddr_in*>(&out);
    s->sin_family = AF_INET;
    s->sin_port = htons(port);
    std::memcpy(&s->sin_addr, addr.b.data(), 4);
    return sizeof(sockaddr_in);
  }
  auto* s = reinterpret_cast<sockaddr_in6*>(&out);
  s->sin6_family = AF_INET6;
  s->sin6_port = htons(port);
  std::memcpy(&s->sin6_addr, addr.b.data(), 16);
  return sizeof(sockaddr_in6);
}

std::optional<Endpoint> Endpoint::from_sockaddr(const sockaddr* sa) {
  Endpoint e;
  if (sa->sa_family == AF_INET) {
    auto* s = reinterpret_cast<const sockaddr_in*>(sa);
    e.addr.family = IpAddress::Family::kV4;
    std::memcpy(e.addr.b.data(), &s->sin_addr, 4);
    e.port = ntohs(s->sin_port);
    return e;
  }
  if (sa->sa_family == AF_INET6) {
    auto* s = reinterpret_cast<const sockaddr_in6*>(sa);
    e.addr.family = IpAddress::Family::kV6;
    std::memcpy(e.addr.b.data(), &s->sin6_addr, 16);
    e.port = ntohs(s->sin6_port);
    return e;
  }
  return std::nullopt;
}

}  // namespace kg
