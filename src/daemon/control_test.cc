#include <gtest/gtest.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <map>
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
      [&](int fd, uint32_t events) { if (events) fds.insert(fd); else fds.erase(fd); });
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
      [&](int fd, uint32_t events) { if (events) fds.insert(fd); else fds.erase(fd); });
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

// A server on a temp socket, served by poll on the test's thread as the
// daemon's epoll loop would (asking for POLLOUT exactly when the server does).
struct Served {
  std::filesystem::path dir;
  std::string path;
  config::Config cfg;
  std::map<int, uint32_t> fds;
  std::unique_ptr<ControlServer> srv;
  explicit Served(const std::string& name) {
    dir = std::filesystem::temp_directory_path() / ("kgctl-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    path = (dir / "s.sock").string();
  }
  void start() {
    auto s = ControlServer::create(
        path, [this] { return std::make_unique<config::CliSession>(cfg); },
        [this](int fd, uint32_t events) { if (events) fds[fd] = events; else fds.erase(fd); });
    ASSERT_TRUE(s) << s.error().message;
    srv = std::move(*s);
  }
  // One round of the loop: everything ready is served.
  void round(int wait_ms = 10) {
    std::vector<pollfd> p{{srv->listen_fd(), POLLIN, 0}};
    for (auto [fd, ev] : fds) p.push_back({fd, short(((ev & EPOLLIN) ? POLLIN : 0) | ((ev & EPOLLOUT) ? POLLOUT : 0)), 0});
    ::poll(p.data(), p.size(), wait_ms);
    for (auto& x : p)
      if (x.revents) srv->on_ready(x.fd);
  }
  int connect() const {
    int c = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strcpy(sa.sun_path, path.c_str());
    EXPECT_EQ(::connect(c, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)), 0);
    return c;
  }
  ~Served() {
    srv.reset();
    std::filesystem::remove_all(dir);
  }
};

void send_frame(int c, Request type, const std::string& text) {
  std::string f = encode_frame(uint8_t(type), text);
  ASSERT_EQ(::write(c, f.data(), f.size()), ssize_t(f.size()));
}

// Reads whatever has arrived, without waiting.
std::string drain(int c) {
  std::string got;
  char buf[65536];
  while (true) {
    ssize_t n = ::recv(c, buf, sizeof buf, MSG_DONTWAIT);
    if (n <= 0) break;
    got.append(buf, size_t(n));
  }
  return got;
}

// A client that asks for a large reply and does not read it must neither
// stall the loop nor lose its reply: another client is served meanwhile, and
// the reply arrives whole once the slow one reads. (The server used to wait
// for the socket, up to a second each time, and then hang the client up.)
TEST(ControlSocket, SlowClientNeitherBlocksOthersNorLosesItsReply) {
  Served s("slow");
  const std::string big(8u << 20, 'x');
  s.cfg.register_exec("big", {"A large reply"}, [&](const config::ParsedArgs&) -> Result<std::string> { return big; });
  s.start();
  int slow = s.connect();
  s.round();
  send_frame(slow, Request::kExec, "big");
  for (int i = 0; i < 5; ++i) s.round(0);
  ASSERT_EQ(s.fds.size(), 1u) << "the slow client is still connected";
  int fd = s.fds.begin()->first;
  EXPECT_GT(s.srv->pending_output(fd), 0u) << "part of the reply waits in the server";
  EXPECT_TRUE(s.fds[fd] & EPOLLOUT) << "writability is watched while output waits";

  int quick = s.connect();
  send_frame(quick, Request::kPrompt, "");
  std::string q;
  for (int i = 0; i < 100 && q.find("keygate#") == std::string::npos; ++i) {
    s.round();
    q += drain(quick);
  }
  EXPECT_NE(q.find("keygate#"), std::string::npos) << "the other client is served";

  // Now the slow client reads; its next request is answered after the reply.
  send_frame(slow, Request::kPrompt, "");
  std::string got;
  for (int i = 0; i < 2000 && got.find("keygate#") == std::string::npos; ++i) {
    s.round(1);
    got += drain(slow);
  }
  ASSERT_GE(got.size(), 5 + big.size());
  EXPECT_EQ(got.substr(5, big.size()), big);
  EXPECT_EQ(got.substr(5 + big.size() + 5), "keygate#");
  EXPECT_FALSE(s.fds[fd] & EPOLLOUT) << "nothing waits any more";
  ::close(slow);
  ::close(quick);
}

// Frames over the limit, requests piled up by a client that never reads and
// a frame cut off by a client that leaves all cost that client its session
// and nothing else; over kMaxClients, a client is told why and hung up.
TEST(ControlSocket, AbusiveClientsLoseOnlyTheirOwnSession) {
  Served s("abuse");
  s.start();
  int huge = s.connect();
  std::string hdr = {'\x00', '\x20', '\x00', '\x01', '\x01'};  // 2 MiB + 1: over kMaxFrame
  (void)!::write(huge, hdr.data(), hdr.size());
  int cut = s.connect();
  std::string part = encode_frame(uint8_t(Request::kExec), "show running-config").substr(0, 9);
  (void)!::write(cut, part.data(), part.size());
  ::close(cut);
  int piler = s.connect();
  std::string one = encode_frame(uint8_t(Request::kHelp), "");
  std::string pile;
  while (pile.size() < 2 * kMaxFrame) pile += one;
  // Blocks until the server hangs up on it.
  std::thread writer([&] { (void)!::send(piler, pile.data(), pile.size(), MSG_NOSIGNAL); });
  for (int i = 0; i < 400; ++i) {
    s.round(1);
    if (i > 5 && s.srv->client_count() == 0) break;
  }
  writer.join();
  EXPECT_EQ(s.fds.size(), 0u) << "all three are gone";
  EXPECT_EQ(s.srv->client_count(), 0u);
  ::close(huge);
  ::close(piler);

  std::vector<int> ok;
  for (size_t i = 0; i < ControlServer::kMaxClients; ++i) {
    ok.push_back(s.connect());
    s.round(0);  // accepted before the listen backlog fills
  }
  int extra = s.connect();
  for (int i = 0; i < 20; ++i) s.round(1);
  EXPECT_EQ(s.srv->client_count(), ControlServer::kMaxClients);
  EXPECT_EQ(s.srv->sessions_refused(), 1u);
  std::string told = drain(extra);
  EXPECT_NE(told.find("sessions are in use"), std::string::npos) << told;
  EXPECT_EQ(::recv(extra, &told[0], 1, 0), 0) << "and hung up";
  // The sessions in use still answer.
  send_frame(ok.back(), Request::kPrompt, "");
  std::string p;
  for (int i = 0; i < 100 && p.find("keygate#") == std::string::npos; ++i) {
    s.round();
    p += drain(ok.back());
  }
  EXPECT_NE(p.find("keygate#"), std::string::npos);
  for (int c : ok) ::close(c);
  ::close(extra);
}

}  // namespace
}  // namespace kg::control
