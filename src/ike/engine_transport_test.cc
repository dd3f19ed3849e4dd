// ESP transport mode (RFC 7296 §1.3.1): N(USE_TRANSPORT_MODE) in the
// CHILD_SA request, echoed by a responder configured for it; otherwise the SA
// is tunnel mode on both sides. Rekeys keep the mode.
#include <gtest/gtest.h>

#include "ike/two_engines.h"

namespace kg::ike {
namespace {

using testing::TwoEngines;
constexpr Millis kSec{1000};

TEST_F(TwoEngines, TransportModeWhenBothAsk) {
  a.policy.child.transport = true;
  b.policy.child.transport = true;
  a.policy.child.lifetime_s = 100;
  handshake();
  auto ia = a.of<InstallChildSa>(), ib = b.of<InstallChildSa>();
  ASSERT_EQ(ia.size(), 1u) << logs;
  ASSERT_EQ(ib.size(), 1u) << logs;
  EXPECT_TRUE(ia[0].transport);
  EXPECT_TRUE(ib[0].transport);
  run_for(95 * kSec);  // CREATE_CHILD_SA rekey asks again
  ia = a.of<InstallChildSa>();
  ib = b.of<InstallChildSa>();
  ASSERT_EQ(ia.size(), 2u) << logs;
  EXPECT_TRUE(ia[1].transport);
  EXPECT_TRUE(ib[1].transport);
}

TEST_F(TwoEngines, TunnelModeWhenResponderDoesNotAgree) {
  a.policy.child.transport = true;  // b: tunnel mode (IOS falls back the same way)
  handshake();
  auto ia = a.of<InstallChildSa>(), ib = b.of<InstallChildSa>();
  ASSERT_EQ(ia.size(), 1u) << logs;
  ASSERT_EQ(ib.size(), 1u) << logs;
  EXPECT_FALSE(ia[0].transport);
  EXPECT_FALSE(ib[0].transport);
}

TEST_F(TwoEngines, ResponderNeverImposesTransportMode) {
  b.policy.child.transport = true;  // a did not ask
  handshake();
  ASSERT_EQ(a.of<InstallChildSa>().size(), 1u) << logs;
  EXPECT_FALSE(a.of<InstallChildSa>()[0].transport);
  EXPECT_FALSE(b.of<InstallChildSa>()[0].transport);
}

}  // namespace
}  // namespace kg::ike
