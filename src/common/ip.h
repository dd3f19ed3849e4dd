// IPv4/IPv6 addresses, prefixes and endpoints as plain values.
#pragma once
#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"

struct sockaddr;
struct sockaddr_storage;

namespace kg {

struct IpAddress {
  enum class Family : uint8_t { kV4 = 4, kV6 = 6 };
  Family family = Family::kV4;
  std::array<uint8_t, 16> b{};  // v4 uses the first 4 bytes

  static std::optional<IpAddress> parse(std::string_view s);
  static IpAddress v4(uint32_t host_order);
  static std::optional<IpAddress> from_bytes(ByteView raw);  // 4 or 16 bytes
  [[nodiscard]] bool is_v4() const { return family == Family::kV4; }
  [[nodiscard]] size_t size() const { return is_v4() ? 4 : 16; }
  [[nodiscard]] ByteView bytes() const { return {b.data(), size()}; }
  [[nodiscard]] uint32_t v4_host_order() const;
  [[nodiscard]] std::string str() const;
  [[nodiscard]] bool is_unspecified() const;
  auto operator<=>(const IpAddress&) const = default;
};

struct Prefix {
  IpAddress addr;
  uint8_t len = 0;
  // "192.0.2.0/24", or address + dotted mask "192.0.2.0 255.255.255.0"
  static std::optional<Prefix> parse(std::string_view s);
  static std::optional<Prefix> from_mask(const IpAddress& a, const IpAddress& mask);
  [[nodiscard]] bool contains(const IpAddress& a) const;
  [[nodiscard]] IpAddress first() const;  // network address
  [[nodiscard]] IpAddress last() const;   // broadcast / highest address
  [[nodiscard]] IpAddress mask() const;   // v4 dotted mask form
  [[nodiscard]] std::string str() const;  // "a/len"
  auto operator<=>(const Prefix&) const = default;
};

struct Endpoint {
  IpAddress addr;
  uint16_t port = 0;
  [[nodiscard]] std::string str() const;  // "a:port" or "[a]:port"
  // socklen returned; out must be a sockaddr_storage
  size_t to_sockaddr(sockaddr_storage& out) const;
  static std::optional<Endpoint> from_sockaddr(const sockaddr* sa);
  auto operator<=>(const Endpoint&) const = default;
};

// Parse "a.b.c.d" dotted mask into a prefix length; nullopt if not contiguous.
std::optional<uint8_t> mask_to_len(const IpAddress& mask);

}  // namespace kg
