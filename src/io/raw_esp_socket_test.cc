// The raw ESP socket in a private network namespace (nothing else sends ESP
// there): packets sent to the loopback come back whole, with their addresses.
#include "io/raw_esp_socket.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/wait.h>

#include <cstring>
#include <vector>
#include <unistd.h>

#include "io/netlink.h"

namespace kg::io {
namespace {

int round_trip(IpAddress::Family fam, const char* addr) {
  auto s = RawEspSocket::open(fam);
  if (!s) return 2;
  auto a = *IpAddress::parse(addr);
  const uint8_t p1[] = {0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1, 0xaa, 0xbb};
  const uint8_t p2[] = {0x12, 0x34, 0x56, 0x78, 0, 0, 0, 2};
  SendSlot out[] = {{p1, {a, 0}, a}, {p2, {a, 0}, a}};
  if (s->send_batch(out) != 2) return 3;
  uint8_t b1[256], b2[256];
  RecvSlot in[2] = {{b1}, {b2}};
  size_t got = 0;
  for (int i = 0; i < 200 && got < 2; ++i) {
    got += s->recv_batch(std::span(in).subspan(got));
    if (got < 2) usleep(1000);
  }
  if (got != 2) return 4;
  if (in[0].len != sizeof p1 || std::memcmp(b1, p1, sizeof p1) != 0) return 5;
  if (in[1].len != sizeof p2 || b2[7] != 2) return 6;
  if (in[0].remote.addr != a || in[0].local.addr != a || in[0].remote.port != 0) return 7;
  return 0;
}

// IPv4 with our own header (IP_HDRINCL): a packet over the route's MTU is
// refused by the kernel with our header and sent with its own instead
// (fragmented, reassembled on the way in), between two that fit.
int over_mtu(const char* addr) {
  auto s = RawEspSocket::open(IpAddress::Family::kV4);
  if (!s) return 2;
  auto a = *IpAddress::parse(addr);
  std::vector<uint8_t> big(3000, 0x5a);
  big[7] = 2;
  const uint8_t p1[] = {0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1};
  const uint8_t p3[] = {0x12, 0x34, 0x56, 0x78, 0, 0, 0, 3};
  SendSlot out[] = {{p1, {a, 0}, a}, {big, {a, 0}, a}, {p3, {a, 0}, {}}};
  if (s->send_batch(out) != 3) return 3;
  std::vector<uint8_t> b(4000);
  uint8_t seen = 0;
  for (int i = 0; i < 200 && seen != 7; ++i) {
    RecvSlot in[1] = {{b}};
    if (s->recv_batch(in) == 0) {
      usleep(1000);
      continue;
    }
    if (in[0].len == big.size() && std::memcmp(b.data(), big.data(), big.size()) == 0) seen |= 2;
    else if (in[0].len == 8) seen |= b[7] == 1 ? 1 : b[7] == 3 ? 4 : 0;
  }
  return seen == 7 ? 0 : 4;
}

int child() {
  if (unshare(CLONE_NEWNET) != 0) return 10;
  auto nl = Netlink::open();
  if (!nl || !(*nl)->set_link_up("lo", true)) return 11;
  if (int r = round_trip(IpAddress::Family::kV4, "127.0.0.1")) return 20 + r;
  if (int r = round_trip(IpAddress::Family::kV6, "::1")) return 30 + r;
  if (!(*nl)->set_mtu("lo", 1500)) return 12;
  if (int r = over_mtu("127.0.0.1")) return 40 + r;
  return 0;
}

TEST(RawEspSocket, RoundTripOverLoopbackBothFamilies) {
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) _exit(child());
  int st = 0;
  waitpid(pid, &st, 0);
  ASSERT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 0);
}

}  // namespace
}  // namespace kg::io
