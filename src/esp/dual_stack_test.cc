// dual_stack(): sends follow the destination's family, receives take from
// both sockets in turn, a missing family drops its packets (counted by the
// caller as unsent), and the real sockets bind on 0.0.0.0 and ::.
#include "esp/dual_stack.h"

#include <gtest/gtest.h>

#include <deque>

namespace kg::esp {
namespace {

struct Fake final : DatagramSocket {
  size_t recv_batch(std::span<io::RecvSlot> slots) override {
    size_t n = 0;
    while (n < slots.size() && !rx.empty()) {
      slots[n].len = 1;
      slots[n].buf[0] = rx.front();
      rx.pop_front();
      ++n;
    }
    return n;
  }
  size_t send_batch(std::span<const io::SendSlot> slots) override {
    ++batches;
    for (auto& s : slots) sent.push_back(s.remote.addr.str());
    return slots.size();
  }
  [[nodiscard]] int fd() const override { return -1; }
  std::deque<uint8_t> rx;
  std::vector<std::string> sent;
  int batches = 0;
};

io::SendSlot slot(const char* a) {
  static const uint8_t b = 0;
  return {ByteView(&b, 1), Endpoint{*IpAddress::parse(a), 500}, IpAddress{}};
}

TEST(DualStack, SendsByFamilyInRuns) {
  auto f4 = std::make_unique<Fake>(), f6 = std::make_unique<Fake>();
  Fake *p4 = f4.get(), *p6 = f6.get();
  auto d = dual_stack(std::move(f4), std::move(f6));
  std::vector<io::SendSlot> s{slot("192.0.2.1"), slot("192.0.2.2"), slot("2001:db8::1"), slot("192.0.2.3")};
  EXPECT_EQ(d->send_batch(s), 4u);
  EXPECT_EQ(p4->sent, (std::vector<std::string>{"192.0.2.1", "192.0.2.2", "192.0.2.3"}));
  EXPECT_EQ(p6->sent, (std::vector<std::string>{"2001:db8::1"}));
  EXPECT_EQ(p4->batches, 2);  // two runs of IPv4
  EXPECT_EQ(d->fd(), -1);     // hand-driven parts: nothing to poll
}

TEST(DualStack, MissingFamilyIsNotSent) {
  auto d = dual_stack(std::make_unique<Fake>(), nullptr);
  std::vector<io::SendSlot> s{slot("2001:db8::1"), slot("192.0.2.1")};
  EXPECT_EQ(d->send_batch(s), 1u);
}

TEST(DualStack, ReceivesFromBothAlternatingFirst) {
  auto f4 = std::make_unique<Fake>(), f6 = std::make_unique<Fake>();
  f4->rx = {4, 4, 4};
  f6->rx = {6, 6, 6};
  auto d = dual_stack(std::move(f4), std::move(f6));
  std::vector<uint8_t> store(4);
  std::vector<io::RecvSlot> slots(2);
  for (size_t i = 0; i < slots.size(); ++i) slots[i].buf = std::span<uint8_t>(store).subspan(i, 1);
  ASSERT_EQ(d->recv_batch(slots), 2u);
  EXPECT_EQ(store[0], 4);  // IPv4 first this time
  ASSERT_EQ(d->recv_batch(slots), 2u);
  EXPECT_EQ(store[0], 6);  // then IPv6 first
  EXPECT_EQ(d->recv_batch(slots), 2u);
  EXPECT_EQ(d->recv_batch(slots), 0u);
}

TEST(DualStack, OpensBothFamiliesOnHighPorts) {
  auto dp = open_dual_stack([](const Endpoint&, const Endpoint&, ByteView) {}, 0, 0);
  ASSERT_TRUE(dp) << dp.error().message;
}

}  // namespace
}  // namespace kg::esp
