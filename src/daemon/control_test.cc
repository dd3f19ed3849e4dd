#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <set>
#include <thread>

#include "daemon/control_client.h"
#include "daemon/control_server.h"

namespace kg::control {
namespace {

// Real unix socket in a temp dir; the server runs a poll loop on this thread
// (as the daemon's epoll loop would), the client on another.
TEST(ControlSocket, RoundTripAndBadClient) {
  auto dir = std::filesystem::temp_directory_path() / ("kgctl-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "s.sock").string();
  config::Config cfg;
  std::set<int> fds;
  auto srv = ControlServer::create(
      path, [&] { return std::make_unique<config::CliSession>(cfg); },
      [&](int fd, bool add) { if (add) fds.insert(fd); else fds.erase(fd); });
  ASSERT_TRUE(srv) << srv.error().message;
  std::atomic<bool> done{false};
  std::string prompt, out, err, comp;
  bool err_ok = true;
  std::thread t([&] {
    // A bad client first: garbage length, must not hurt the server.
    int bad = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strcpy(sa.sun_path, path.c_str());
    ::connect(bad, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
    (void)!::write(bad, "\xff\xff\xff\xff\x01", 5);
    ::close(bad);
    auto c = ControlClient::connect(path);
    if (c) {
      prompt = c->request(Request::kPrompt, "")->text;
      (void)c->request(Request::kExec, "configure terminal");
      auto e = c->request(Request::kExec, "crypto ikev2 proposal P1 foo");
      err_ok = e->ok;
      err = e->text;
      comp = c->request(Request::kComplete, "crypto ikev2 pro")->text;
      out = c->request(Request::kPrompt, "")->text;
    }
    done = true;
  });
  while (!done) {
    std::vector<pollfd> p{{(*srv)->listen_fd(), POLLIN, 0}};
    for (int fd : fds) p.push_back({fd, POLLIN, 0});
    ::poll(p.data(), p.size(), 50);
    for (auto& x : p)
      if (x.revents) (*srv)->on_ready(x.fd);
  }
  t.join();
  EXPECT_EQ(prompt, "keygate#");
  EXPECT_FALSE(err_ok);
  EXPECT_NE(err.find("% Invalid input"), std::string::npos);
  EXPECT_EQ(comp, "profile\nproposal\n");
  EXPECT_EQ(out, "keygate(config)#");
  srv->reset();
  std::filesystem::remove_all(dir);
}

// A reply larger than a request may be (show crypto ikev2 sa with thousands of
// SAs) reaches the client whole.
TEST(ControlSocket, ClientTakesRepliesLargerThanARequestFrame) {
  auto dir = std::filesystem::temp_directory_path() / ("kgctl-big-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "s.sock").string();
  int l = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::strcpy(sa.sun_path, path.c_str());
  ASSERT_EQ(::bind(l, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)), 0);
  ASSERT_EQ(::listen(l, 1), 0);
  const std::string big(3 * kMaxFrame, 'x');
  std::thread t([&] {
    int c = ::accept(l, nullptr, nullptr);
    char req[64];
    (void)!::read(c, req, sizeof req);
    std::string f = encode_frame(uint8_t(Status::kOk), big);
    for (size_t off = 0; off < f.size();) {
      ssize_t w = ::write(c, f.data() + off, f.size() - off);
      if (w <= 0) break;
      off += size_t(w);
    }
    ::close(c);
  });
  auto c = ControlClient::connect(path);
  ASSERT_TRUE(c);
  auto r = c->request(Request::kExec, "show crypto ikev2 sa");
  t.join();
  ::close(l);
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->ok);
  EXPECT_EQ(r->text.size(), big.size());
}


// A deferred command (ping) answers later: the client's next request, sent
// right behind it, is answered only after it; a client gone before the
// answer is not written to.
TEST(ControlSocket, DeferredCommandAnswersInOrder) {
  auto dir = std::filesystem::temp_directory_path() / ("kgctl-later-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "s.sock").string();
  config::Config cfg;
  std::vector<config::Reply> pending;
  cfg.register_exec_deferred("later", {"Answer later"}, [&](const config::ParsedArgs&) -> Result<config::Deferred> {
    return config::Deferred([&](config::Reply r) { pending.push_back(std::move(r)); });
  });
  std::set<int> fds;
  auto srv = ControlServer::create(
      path, [&] { return std::make_unique<config::CliSession>(cfg); },
      [&](int fd, bool add) { if (add) fds.insert(fd); else fds.erase(fd); });
  ASSERT_TRUE(srv) << srv.error().message;
  std::atomic<bool> done{false};
  std::string got;
  std::thread t([&] {
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strcpy(sa.sun_path, path.c_str());
    // One client leaves before its answer.
    int gone = ::socket(AF_UNIX, SOCK_STREAM, 0);
    ::connect(gone, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
    std::string f = encode_frame(uint8_t(Request::kExec), "later");
    (void)!::write(gone, f.data(), f.size());
    ::usleep(100'000);
    ::close(gone);
    int c = ::socket(AF_UNIX, SOCK_STREAM, 0);
    ::connect(c, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
    f = encode_frame(uint8_t(Request::kExec), "later");
    (void)!::write(c, f.data(), f.size());
    ::usleep(50'000);  // the next request arrives while the first is pending
    f = encode_frame(uint8_t(Request::kPrompt), "");
    (void)!::write(c, f.data(), f.size());
    char buf[256];
    while (got.find("keygate#") == std::string::npos) {
      ssize_t n = ::read(c, buf, sizeof buf);
      if (n <= 0) break;
      got.append(buf, size_t(n));
    }
    ::close(c);
    done = true;
  });
  int rounds = 0;
  while (!done && rounds < 400) {
    std::vector<pollfd> p{{(*srv)->listen_fd(), POLLIN, 0}};
    for (int fd : fds) p.push_back({fd, POLLIN, 0});
    ::poll(p.data(), p.size(), 10);
    for (auto& x : p)
      if (x.revents) (*srv)->on_ready(x.fd);
    // Answer each deferred command some rounds after it started.
    if (++rounds % 20 == 0 && !pending.empty()) {
      auto r = std::move(pending.front());
      pending.erase(pending.begin());
      r({true, "answered\n", {}});
    }
  }
  t.join();
  // Frames: 4-byte length, status, text. The answer comes first, then the prompt.
  auto a = got.find("answered\n"), b = got.find("keygate#");
  ASSERT_NE(a, std::string::npos) << got;
  ASSERT_NE(b, std::string::npos) << got;
  EXPECT_LT(a, b);
  srv->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kg::control
