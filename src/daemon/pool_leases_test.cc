#include "daemon/pool_leases.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace kg::daemon {
namespace {

struct TempDir {
  std::filesystem::path p = std::filesystem::temp_directory_path() /
                            ("kg-leases-" + std::to_string(::getpid()) + "-" +
                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
  TempDir() { std::filesystem::create_directories(p); }
  ~TempDir() { std::filesystem::remove_all(p); }
};

aaa::Lease lease(uint64_t id, const char* addr, const char* user) {
  aaa::Lease l;
  l.id = id;
  l.pool = "RA";
  l.addr = IpAddress::parse(addr);
  l.user = user;
  return l;
}

TEST(PoolLeaseFile, JournalReplaysAndCompacts) {
  TempDir d;
  std::string path = (d.p / "pool-leases").string();
  PoolLeaseFile f(path);
  EXPECT_TRUE(f.load().empty());  // no file yet
  ASSERT_TRUE(f.rewrite({}));
  struct stat st{};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto a = lease(1, "198.18.1.10", "client1"), b = lease(2, "198.18.1.11", "client2");
  f.record(a, false);
  f.record(b, false);
  f.record(a, true);
  // What another process (the next keygated) reads, without f closing.
  size_t bad = 9;
  auto v = PoolLeaseFile(path).load(&bad);
  EXPECT_EQ(bad, 0u);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].id, 2u);
  EXPECT_EQ(v[0].user, "client2");
  EXPECT_FALSE(f.wants_compaction(1));
  for (int i = 0; i < 200; ++i) f.record(b, false);
  EXPECT_TRUE(f.wants_compaction(1));
  std::vector<const aaa::Lease*> live{&b};
  ASSERT_TRUE(f.rewrite(live));
  EXPECT_FALSE(f.wants_compaction(1));
  std::ifstream in(path);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(all, "+" + b.encode() + "\n");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST(PoolLeaseFile, BadAndTornLinesAreSkipped) {
  TempDir d;
  std::string path = (d.p / "pool-leases").string();
  {
    std::ofstream out(path);
    out << "+" << lease(1, "198.18.1.10", "a").encode() << "\n"
        << "garbage\n-x\n+1\tRA\n\n"
        << "+" << lease(3, "198.18.1.12", "c").encode() << "\n"
        << "-1\n"
        << "+" << lease(4, "198.18.1.13", "d").encode();  // torn: no newline
  }
  size_t bad = 0;
  auto v = PoolLeaseFile(path).load(&bad);
  EXPECT_EQ(bad, 4u);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].id, 3u);
}

TEST(PoolLeaseFile, UnwritableDirectoryIsAWarningNotACrash) {
  PoolLeaseFile f("/proc/kg-no-such-dir/pool-leases");
  EXPECT_FALSE(f.rewrite({}));
  f.record(lease(1, "198.18.1.10", "a"), false);  // nothing open: ignored
  EXPECT_TRUE(f.load().empty());
}

}  // namespace
}  // namespace kg::daemon
