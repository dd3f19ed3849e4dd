#include "common/log_buffer.h"

#include <gtest/gtest.h>

#include "common/log.h"

namespace kg::log {
namespace {

size_t text_bytes(const LogBuffer& b) {
  size_t n = 0;
  for (auto& l : b.lines()) n += l.size() + 1;
  return n;
}

TEST(LogBuffer, KeepsNewestLinesWithinCapacity) {
  LogBuffer b(30);  // each line below costs 10 bytes with its newline
  for (int i = 0; i < 5; ++i) b.push("line-" + std::to_string(i) + "...");
  EXPECT_EQ(b.lines(), (std::vector<std::string>{"line-2...", "line-3...", "line-4..."}));
  EXPECT_EQ(b.bytes(), 30u);
  EXPECT_EQ(text_bytes(b), b.bytes());
  EXPECT_EQ(b.logged(), 5u);
}

TEST(LogBuffer, NeverExceedsCapacity) {
  LogBuffer b(4096);
  for (int i = 0; i < 2000; ++i) {
    b.push(std::string(size_t(i % 97), 'x'));
    ASSERT_LE(b.bytes(), 4096u);
    ASSERT_EQ(text_bytes(b), b.bytes());
  }
  EXPECT_FALSE(b.lines().empty());
}

TEST(LogBuffer, LineLongerThanBufferIsCut) {
  LogBuffer b(16);
  b.push("short");
  b.push(std::string(100, 'y'));
  ASSERT_EQ(b.lines().size(), 1u);
  EXPECT_EQ(b.lines()[0], std::string(15, 'y'));
  EXPECT_EQ(b.bytes(), 16u);
}

TEST(LogBuffer, ShrinkDropsOldestAndClearEmpties) {
  LogBuffer b(100);
  for (auto* s : {"aaaa", "bbbb", "cccc"}) b.push(s);
  b.set_capacity(10);
  EXPECT_EQ(b.lines(), (std::vector<std::string>{"bbbb", "cccc"}));
  b.clear();
  EXPECT_TRUE(b.lines().empty());
  EXPECT_EQ(b.bytes(), 0u);
  EXPECT_EQ(b.logged(), 3u);  // "N messages logged" survives clear logging
}

TEST(LogBuffer, OffKeepsNothing) {
  LogBuffer b(0);
  b.push("x");
  EXPECT_TRUE(b.lines().empty());
}

// log:: lines reach the buffer with an IOS timestamp, filtered by the
// buffer's own level, whatever the console level and sink.
TEST(LogBuffer, DaemonLinesGoIntoBuffer) {
  set_sink([](Level, std::string_view) {});
  set_level(Level::kInfo);
  set_buffer(4096, 6);
  clear_buffer();
  info("keygated: hello");
  debug("not at informational");
  event("LINK", Level::kNotice, "UPDOWN", "Interface Tunnel0, changed state to up");
  auto st = buffer_state();
  ASSERT_EQ(st.lines.size(), 2u);
  EXPECT_EQ(st.lines[0].front(), '*');
  EXPECT_NE(st.lines[0].find(": keygated: hello"), std::string::npos);
  EXPECT_NE(st.lines[1].find("%LINK-5-UPDOWN: Interface Tunnel0"), std::string::npos);
  EXPECT_EQ(st.bytes, 4096u);
  EXPECT_EQ(st.level, 6);
  clear_buffer();
  EXPECT_TRUE(buffer_state().lines.empty());
  set_buffer(0, 7);
  info("after off");
  EXPECT_TRUE(buffer_state().lines.empty());
  EXPECT_EQ(buffer_state().bytes, 0u);
  set_sink(nullptr);
}

}  // namespace
}  // namespace kg::log
