// The control protocol's frame codec, and a byte stream (the system shell's
// relay) through a real ControlServer and ControlClient on a unix socket.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <thread>

#include "daemon/control_client.h"
#include "daemon/control_server.h"

namespace kg::control {
namespace {

TEST(FrameCodec, TakesWholeFramesOnly) {
  std::string buf = encode_frame(uint8_t(Request::kStream), std::string("a\0b", 3)) + encode_frame(6, "");
  std::string part = buf.substr(0, 6);
  bool bad = true;
  EXPECT_FALSE(take_frame(part, kMaxFrame, bad));
  EXPECT_FALSE(bad);
  EXPECT_EQ(part.size(), 6u);  // nothing taken from an incomplete frame
  auto f = take_frame(buf, kMaxFrame, bad);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->type, uint8_t(Request::kStream));
  EXPECT_EQ(f->text, std::string("a\0b", 3));
  auto g = take_frame(buf, kMaxFrame, bad);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->type, 6);
  EXPECT_EQ(g->text, "");
  EXPECT_TRUE(buf.empty());
}

TEST(FrameCodec, RejectsZeroAndOversizedLengths) {
  bool bad = false;
  std::string zero("\0\0\0\0\x01", 5);
  EXPECT_FALSE(take_frame(zero, kMaxFrame, bad));
  EXPECT_TRUE(bad);
  std::string big = encode_frame(1, std::string(100, 'x'));
  EXPECT_FALSE(take_frame(big, 50, bad));
  EXPECT_TRUE(bad);
  EXPECT_EQ(big.size(), 105u);
}

TEST(FrameCodec, WindowSize) {
  WindowSize w{312, 1001};
  EXPECT_EQ(decode_window(encode_window(w)), w);
  EXPECT_EQ(encode_window({1, 2}), std::string("\0\x01\0\x02", 4));
  EXPECT_FALSE(decode_window("abc"));
  EXPECT_FALSE(decode_window("abcde"));
}

// A command `stream` that asks [y/n] and, on y, opens a stream that answers
// typed bytes in capitals; the test's loop ends it when "q" was typed.
struct StreamCommand {
  config::Config cfg;
  std::optional<config::StreamSink> sink;
  std::string typed;
  std::vector<WindowSize> sizes;
  int hangups = 0;
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
    config::StreamHandle h;
    h.input = [this](std::string_view b) {
      typed += b;
      std::string up(b);
      for (char& ch : up) ch = char(std::toupper(static_cast<unsigned char>(ch)));
      sink->output(up);
    };
    h.resize = [this](uint16_t r, uint16_t c) { sizes.push_back({r, c}); };
    h.hangup = [this] { ++hangups; sink.reset(); };
    return h;
  }
};

TEST(ControlStream, AskOpenRelayResizeEndThenCommandsAgain) {
  auto dir = std::filesystem::temp_directory_path() / ("kgctl-stream-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "s.sock").string();
  StreamCommand cmd;
  std::set<int> fds;
  auto srv = ControlServer::create(
      path, [&] { return std::make_unique<config::CliSession>(cmd.cfg); },
      [&](int fd, uint32_t events) { if (events) fds.insert(fd); else fds.erase(fd); });
  ASSERT_TRUE(srv) << srv.error().message;
  std::atomic<bool> done{false};
  Reply ask, refused, opened, echoed, echoed_q, ended, prompt;
  std::thread t([&] {
    auto c = ControlClient::connect(path);
    if (c) {
      ask = *c->request(Request::kExec, "stream");
      refused = *c->request(Request::kExec, "n");  // answered no: nothing opens
      (void)c->request(Request::kExec, "stream");
      opened = *c->request(Request::kExec, "y");
      (void)c->send(Request::kWindow, encode_window({40, 100}));
      (void)c->send(Request::kStream, "abc");
      echoed = *c->read_frame();
      (void)c->send(Request::kStream, "q");
      echoed_q = *c->read_frame();
      ended = *c->read_frame();
      (void)c->send(Request::kStream, "late");  // typed as the stream ended: dropped
      prompt = *c->request(Request::kPrompt, "");
    }
    // A second client opens a stream and hangs up in the middle of it.
    auto d = ControlClient::connect(path);
    if (d) {
      (void)d->request(Request::kExec, "stream");
      (void)d->request(Request::kExec, "y");
    }
    done = true;
  });
  for (int rounds = 0; rounds < 500 && !(done && fds.empty()); ++rounds) {
    std::vector<pollfd> p{{(*srv)->listen_fd(), POLLIN, 0}};
    for (int fd : fds) p.push_back({fd, POLLIN, 0});
    ::poll(p.data(), p.size(), 10);
    for (auto& x : p)
      if (x.revents) (*srv)->on_ready(x.fd);
    // The stream ends from the loop, as the shell's exit would end it.
    if (cmd.sink && cmd.typed.ends_with("q")) {
      auto s = std::move(*cmd.sink);
      cmd.sink.reset();
      cmd.typed.clear();
      s.close({true, "bye\n"});
    }
  }
  t.join();
  EXPECT_TRUE(ask.ask);
  EXPECT_EQ(ask.text, "Careful.\nSure? [y/n] ");
  EXPECT_FALSE(refused.ok);
  EXPECT_EQ(refused.text, "% not opened\n");
  EXPECT_TRUE(opened.stream_open);
  EXPECT_TRUE(echoed.stream);
  EXPECT_EQ(echoed.text, "ABC");
  EXPECT_EQ(echoed_q.text, "Q");
  ASSERT_EQ(cmd.sizes.size(), 1u);
  EXPECT_EQ(cmd.sizes[0], (WindowSize{40, 100}));
  EXPECT_TRUE(ended.ok);
  EXPECT_FALSE(ended.stream);
  EXPECT_EQ(ended.text, "bye\n");
  EXPECT_EQ(prompt.text, "keygate#");
  EXPECT_EQ(cmd.hangups, 1);
  EXPECT_EQ((*srv)->client_count(), 0u);
  srv->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kg::control
