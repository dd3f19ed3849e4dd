#include "esp/sa_table.h"

#include <gtest/gtest.h>

namespace kg::esp {
namespace {

std::unique_ptr<ChildSa> make(uint32_t tunnel, uint32_t spi_in, uint32_t spi_out) {
  crypto::CipherSuite s{crypto::Cipher::kAesGcm16, 128, crypto::Mac::kNone};
  Secret k(Bytes(20, 1));
  auto sa = std::make_unique<ChildSa>();
  sa->tunnel = tunnel;
  sa->in = std::move(*InboundSa::create(spi_in, s, k, Secret(), 64));
  sa->out = std::move(*OutboundSa::create(spi_out, s, k, Secret()));
  return sa;
}

TEST(SaTable, InsertFindRemoveAndCurrentOutbound) {
  SaTable t;
  ASSERT_TRUE(t.insert(make(0, 0x100, 0x200)));
  ASSERT_TRUE(t.insert(make(0, 0x101, 0x201)));
  ASSERT_TRUE(t.insert(make(1, 0x102, 0x202)));
  EXPECT_FALSE(t.insert(make(1, 0x102, 0x203)));  // duplicate inbound SPI
  EXPECT_EQ(t.find_inbound(0x101)->out->spi(), 0x201u);
  EXPECT_EQ(t.find_inbound(0x999), nullptr);
  EXPECT_EQ(t.find_inbound(0), nullptr);
  EXPECT_EQ(t.current_outbound(0)->out->spi(), 0x201u);
  EXPECT_FALSE(t.remove(0x101, 0x999));  // spi_out does not match
  EXPECT_TRUE(t.remove(0x101, 0x201));
  EXPECT_EQ(t.current_outbound(0)->out->spi(), 0x200u);
  t.remove_tunnel(0);
  EXPECT_EQ(t.current_outbound(0), nullptr);
  EXPECT_EQ(t.size(), 1u);
  EXPECT_NE(t.find_inbound(0x102), nullptr);
}

// Rekey responder: a pending SA is used only when no active one is left; a
// retired (being deleted) SA only when nothing else is.
TEST(SaTable, CurrentOutboundPrefersActiveThenPendingThenRetired) {
  SaTable t;
  ASSERT_TRUE(t.insert(make(0, 0x100, 0x200)));
  auto pending = make(0, 0x101, 0x201);
  pending->outbound = ChildSa::Outbound::kPending;
  ASSERT_TRUE(t.insert(std::move(pending)));
  EXPECT_EQ(t.current_outbound(0)->out->spi(), 0x200u);  // older but active
  t.find_inbound(0x100)->outbound = ChildSa::Outbound::kRetired;
  EXPECT_EQ(t.current_outbound(0)->out->spi(), 0x201u);
  auto retired = make(0, 0x102, 0x202);
  retired->outbound = ChildSa::Outbound::kRetired;
  ASSERT_TRUE(t.insert(std::move(retired)));
  EXPECT_EQ(t.current_outbound(0)->out->spi(), 0x201u);  // pending beats a newer retired
  ASSERT_TRUE(t.remove(0x101, 0));
  EXPECT_EQ(t.current_outbound(0)->out->spi(), 0x202u);  // newest retired as last resort
}

// Colliding SPIs, removals (tombstones) and index rebuilds keep every
// remaining SA findable.
TEST(SaTable, ManyInsertsAndRemovals) {
  SaTable t;
  for (uint32_t round = 0; round < 6; ++round) {
    for (uint32_t i = 1; i <= 600; ++i) ASSERT_TRUE(t.insert(make(2, round * 100000 + i * 256, i)));
    for (uint32_t i = 1; i <= 600; i += 2) ASSERT_TRUE(t.remove(round * 100000 + i * 256, 0));
    for (uint32_t i = 2; i <= 600; i += 2) ASSERT_NE(t.find_inbound(round * 100000 + i * 256), nullptr);
    for (uint32_t i = 2; i <= 600; i += 2) ASSERT_TRUE(t.remove(round * 100000 + i * 256, 0));
  }
  EXPECT_EQ(t.size(), 0u);
}

// The index grows past its first size (a hub with many sessions), and
// every SA stays findable through the rebuilds.
TEST(SaTable, GrowsPastTheInitialIndex) {
  SaTable t;
  const uint32_t n = uint32_t(SaTable::kInitialSlots) * 2;
  for (uint32_t i = 1; i <= n; ++i) ASSERT_TRUE(t.insert(make(i % 7, i * 2654435761u | 1, i)));
  EXPECT_EQ(t.size(), n);
  for (uint32_t i = 1; i <= n; ++i) ASSERT_NE(t.find_inbound(i * 2654435761u | 1), nullptr) << i;
  EXPECT_EQ(t.find_inbound(2), nullptr);
}

}  // namespace
}  // namespace kg::esp
