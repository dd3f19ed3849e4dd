// drop_privileges in a child process (it cannot be undone): as root, the
// child becomes nobody with only the three capabilities, in its bounding set
// too, no_new_privs set, and the directory it was given now belongs to it.
#include "daemon/privileges.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace kg::daemon {
namespace {

// A line of /proc/self/status, e.g. "CapEff" -> "0000000000003000".
std::string status_field(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + ":", 0) == 0) {
      auto v = line.substr(key.size() + 1);
      return v.substr(v.find_first_not_of(" \t"));
    }
  return "";
}

TEST(Privileges, KeepsTheNetworkCapabilitiesOnly) {
  EXPECT_EQ(kept_capabilities(), 0x3400u);  // NET_BIND_SERVICE 10, NET_ADMIN 12, NET_RAW 13
}

TEST(Privileges, UnknownUserIsAnError) {
  auto r = drop_privileges("no-such-user-kg", {});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("no user no-such-user-kg"), std::string::npos);
}

TEST(Privileges, ChildBecomesNobodyWithThreeCapabilities) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  char tmpl[] = "/tmp/kg-priv-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  std::ofstream(dir + "/startup-config") << "hostname r1\n";
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // Exit codes say which check failed.
    if (!drop_privileges("nobody", {dir})) _exit(10);
    if (::getuid() != 65534 || ::geteuid() != 65534) _exit(11);
    char want[32];
    std::snprintf(want, sizeof want, "%016llx", (unsigned long long)kept_capabilities());
    if (status_field("CapEff") != want) _exit(12);
    if (status_field("CapPrm") != want) _exit(13);
    if (status_field("CapBnd") != want) _exit(14);
    if (status_field("CapInh") != "0000000000000000") _exit(15);
    if (status_field("NoNewPrivs") != "1") _exit(16);
    if (::setuid(0) == 0) _exit(17);
    std::ofstream out(dir + "/startup-config", std::ios::app);  // ours now
    out << "!\n";
    if (!out.flush()) _exit(18);
    _exit(0);
  }
  int st = 0;
  ASSERT_EQ(::waitpid(pid, &st, 0), pid);
  ASSERT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 0);
  struct stat sb {};
  ASSERT_EQ(::stat((dir + "/startup-config").c_str(), &sb), 0);
  EXPECT_EQ(sb.st_uid, 65534u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kg::daemon
