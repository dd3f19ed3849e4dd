// Fuzz target: arbitrary bytes from a client of the control socket, as
// keygated's ControlServer reads them (src/daemon/control_protocol.h): frame
// lengths, request types and the text of each request (lines for a
// CliSession). The bytes go through a real unix socket to a real server;
// whatever the frames say, the server must not crash, must answer or hang
// up, and must not hold more than one frame's worth of input.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>

#include "daemon/control_server.h"

namespace {

using namespace kg;

// The socket's path, removed at exit (the harness itself lives to the end).
std::string g_socket_path;

struct Harness {
  config::Config cfg;
  std::map<int, uint32_t> fds;
  std::unique_ptr<control::ControlServer> srv;
  std::string path;
  Harness() {
    path = (std::filesystem::temp_directory_path() / ("kg-fuzz-ctl-" + std::to_string(::getpid()))).string();
    auto s = control::ControlServer::create(
        path, [this] { return std::make_unique<config::CliSession>(cfg); },
        [this](int fd, uint32_t ev) { if (ev) fds[fd] = ev; else fds.erase(fd); });
    if (!s) abort();
    srv = std::move(*s);
    g_socket_path = path;
    std::atexit([] { ::unlink(g_socket_path.c_str()); });
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Harness* h = new Harness;
  int c = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::memcpy(sa.sun_path, h->path.c_str(), h->path.size());
  if (::connect(c, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) abort();
  h->srv->on_ready(h->srv->listen_fd());
  if (h->fds.size() != 1) abort();
  int sfd = h->fds.begin()->first;
  // In pieces, as a socket may deliver them, reading replies in between.
  char sink[65536];
  for (size_t off = 0; off < size;) {
    ssize_t w = ::send(c, data + off, std::min<size_t>(size - off, 4096), MSG_NOSIGNAL);
    if (w <= 0) break;  // hung up on
    off += size_t(w);
    if (h->fds.count(sfd)) h->srv->on_ready(sfd);
    while (::recv(c, sink, sizeof sink, MSG_DONTWAIT) > 0) {
    }
    if (h->fds.count(sfd)) h->srv->on_ready(sfd);  // output that waited
  }
  ::close(c);
  if (h->fds.count(sfd)) h->srv->on_ready(sfd);  // sees EOF: drops the session
  if (h->srv->client_count() != 0) abort();
  return 0;
}
