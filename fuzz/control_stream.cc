// Fuzz target: the control protocol's byte streams (control_protocol.h
// STREAM OPEN, the system shell's relay), both ways, through real unix
// sockets. The first byte picks the side:
//   even: keygated's side. A client opens a stream (a `stream` command that
//         asks [y/n] and, on y, echoes typed bytes in capitals; 'q' typed
//         ends it from the loop, as the shell's exit would), then the rest of
//         the input arrives as its bytes: STREAM and WINDOW frames, other
//         requests, cut or oversized frames, in pieces. The server must not
//         crash, must pass WINDOW sizes only as decoded, and must hold no
//         session or stream after the client hangs up.
//   odd:  keygate's side. The rest is what a daemon sends: ControlClient
//         reads frames (replies, monitor lines, STREAM OPEN, stream bytes)
//         until the end; a length that promises more than arrives must cost
//         only what arrived.
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>

#include "daemon/control_client.h"
#include "daemon/control_server.h"

namespace {

using namespace kg;

std::string g_dir;  // removed at exit (the harness lives to the end)

struct StreamCommand {
  config::Config cfg;
  std::optional<config::StreamSink> sink;
  std::string typed;
  int open_streams = 0;
  StreamCommand() {
    cfg.table().add(config::Mode::kExec, "stream", {"Open a stream"},
                    [this](config::CmdContext& c, const config::ParsedArgs&) -> Result<std::string> {
                      config::SecretQuestion q;
                      q.prompt = "Sure? [y/n] ";
                      q.echo = true;
                      q.open_stream = [this](std::string_view a) -> Result<config::StreamOpen> {
                        if (a != "y") return fail(Errc::kState, "not opened");
                        return config::StreamOpen([this](config::StreamSink s) { return open(std::move(s)); });
                      };
                      c.question = std::move(q);
                      return std::string("Careful.\n");
                    });
  }
  config::StreamHandle open(config::StreamSink s) {
    sink = std::move(s);
    ++open_streams;
    config::StreamHandle h;
    h.input = [this](std::string_view b) {
      if (!sink) abort();  // input after the stream ended or hung up
      typed += b;
      std::string up(b);
      for (char& ch : up) ch = char(std::toupper(static_cast<unsigned char>(ch)));
      (void)sink->output(up);
    };
    h.resize = [](uint16_t, uint16_t) {};
    h.resume = [] {};
    h.hangup = [this] {
      sink.reset();
      typed.clear();
      --open_streams;
    };
    return h;
  }
};

struct Harness {
  StreamCommand cmd;
  std::map<int, uint32_t> fds;
  std::unique_ptr<control::ControlServer> srv;
  std::string path, client_path;
  int client_listen = -1;
  Harness() {
    g_dir = (std::filesystem::temp_directory_path() / ("kg-fuzz-stream-" + std::to_string(::getpid()))).string();
    std::filesystem::create_directories(g_dir);
    path = g_dir + "/s";
    auto s = control::ControlServer::create(
        path, [this] { return std::make_unique<config::CliSession>(cmd.cfg); },
        [this](int fd, uint32_t ev) { if (ev) fds[fd] = ev; else fds.erase(fd); });
    if (!s) abort();
    srv = std::move(*s);
    // A plain listening socket standing in for keygated (odd inputs).
    client_path = g_dir + "/c";
    client_listen = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::memcpy(sa.sun_path, client_path.c_str(), client_path.size());
    if (::bind(client_listen, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || ::listen(client_listen, 4) != 0)
      abort();
    std::atexit([] { std::filesystem::remove_all(g_dir); });
  }
  // One round of the server's loop; the stream ends once 'q' was typed.
  void pump() {
    for (int i = 0; i < 4; ++i) {
      std::vector<pollfd> p;
      for (auto& [fd, ev] : fds) p.push_back({fd, short(ev), 0});
      if (p.empty() || ::poll(p.data(), p.size(), 0) <= 0) break;
      for (auto& x : p)
        if (x.revents && fds.count(x.fd)) srv->on_ready(x.fd);
    }
    if (cmd.sink && cmd.typed.find('q') != std::string::npos) {
      auto s = std::move(*cmd.sink);
      cmd.sink.reset();
      cmd.typed.clear();
      --cmd.open_streams;
      s.close({true, "bye\n"});
    }
  }
};

void drain(int c) {
  char sink[65536];
  while (::recv(c, sink, sizeof sink, MSG_DONTWAIT) > 0) {
  }
}

void server_side(Harness& h, const uint8_t* data, size_t size) {
  int c = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::memcpy(sa.sun_path, h.path.c_str(), h.path.size());
  if (::connect(c, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) abort();
  h.srv->on_ready(h.srv->listen_fd());
  if (h.fds.size() != 1) abort();
  int sfd = h.fds.begin()->first;
  for (const char* line : {"stream", "y"}) {
    std::string f = control::encode_frame(uint8_t(control::Request::kExec), line);
    if (::send(c, f.data(), f.size(), MSG_NOSIGNAL) != ssize_t(f.size())) abort();
    h.pump();
    drain(c);
  }
  if (h.cmd.open_streams != 1) abort();  // the stream is open: what follows is its input
  for (size_t off = 0; off < size;) {
    ssize_t w = ::send(c, data + off, std::min<size_t>(size - off, 512), MSG_NOSIGNAL);
    if (w <= 0) break;  // hung up on
    off += size_t(w);
    h.pump();
    drain(c);
    h.pump();
  }
  ::close(c);
  for (int i = 0; i < 3 && h.fds.count(sfd); ++i) h.pump();  // sees EOF: drops the session
  if (h.srv->client_count() != 0 || h.cmd.open_streams != 0 || h.cmd.sink) abort();
}

void client_side(Harness& h, const uint8_t* data, size_t size) {
  size = std::min<size_t>(size, 60000);  // fits the socket's buffer: written before it is read
  auto client = control::ControlClient::connect(h.client_path);
  if (!client) abort();
  int s = ::accept(h.client_listen, nullptr, nullptr);
  if (s < 0) abort();
  if (size && ::send(s, data, size, MSG_NOSIGNAL) != ssize_t(size)) abort();
  ::shutdown(s, SHUT_WR);
  size_t got = 0;
  for (int frames = 0; frames < 100000; ++frames) {
    auto r = frames % 2 ? client->read_frame() : [&]() -> Result<control::Reply> {
      // poll_monitor takes what is waiting now; it ends with an error at EOF.
      auto m = client->poll_monitor();
      if (!m) return std::unexpected(m.error());
      return client->read_frame();
    }();
    if (!r) break;
    got += r->text.size() + 5;
    if (got > size) abort();  // more text than was sent
  }
  ::close(s);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Harness* h = new Harness;
  if (size == 0) return 0;
  if (data[0] % 2 == 0) server_side(*h, data + 1, size - 1);
  else client_side(*h, data + 1, size - 1);
  return 0;
}
