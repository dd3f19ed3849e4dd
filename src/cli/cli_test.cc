// Runs the real `keygate` binary against an in-process control server.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <set>
#include <thread>

#include "daemon/control_server.h"

namespace {

struct Run {
  int status;
  std::string out;
};

Run run_keygate(const std::string& args) {
  auto dir = std::filesystem::temp_directory_path() / ("kgcli-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "s.sock").string();
  kg::config::Config cfg;
  std::set<int> fds;
  auto srv = kg::control::ControlServer::create(
      path, [&] { return std::make_unique<kg::config::CliSession>(cfg); },
      [&](int fd, bool add) { if (add) fds.insert(fd); else fds.erase(fd); });
  EXPECT_TRUE(srv);
  std::atomic<bool> done{false};
  Run r{};
  std::thread t([&] {
    std::string cmd = std::string(KEYGATE_BIN) + " -S " + path + " " + args + " 2>&1 </dev/null";
    FILE* p = ::popen(cmd.c_str(), "r");
    char buf[512];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0) r.out.append(buf, n);
    r.status = ::pclose(p);
    done = true;
  });
  while (!done) {
    std::vector<pollfd> pf{{(*srv)->listen_fd(), POLLIN, 0}};
    for (int fd : fds) pf.push_back({fd, POLLIN, 0});
    ::poll(pf.data(), pf.size(), 20);
    for (auto& x : pf)
      if (x.revents) (*srv)->on_ready(x.fd);
  }
  t.join();
  srv->reset();
  std::filesystem::remove_all(dir);
  return r;
}

TEST(KeygateCli, CommandOkExitsZero) {
  auto r = run_keygate("-c 'configure terminal\\nhostname hub' -c 'end' -c 'show running-config'");
  EXPECT_EQ(WEXITSTATUS(r.status), 0) << r.out;
  EXPECT_NE(r.out.find("hostname hub"), std::string::npos) << r.out;
}

TEST(KeygateCli, BadCommandExitsNonZeroWithIosError) {
  auto r = run_keygate("-c 'show bogus'");
  EXPECT_NE(WEXITSTATUS(r.status), 0);
  EXPECT_NE(r.out.find("% Invalid input detected at '^' marker."), std::string::npos) << r.out;
}

}  // namespace
