// Control-socket framing shared by keygated and keygate (unix stream socket).
// Frame: u32 big-endian length of the rest, u8 type/status, then text bytes.
//   request  type: 1 EXEC, 2 COMPLETE, 3 HELP, 4 PROMPT, 5 TERMINAL; text = the line
//            6 STREAM: raw bytes typed into an open stream (the system shell)
//            7 WINDOW: the terminal's size, encode_window(); both are ignored
//              when no stream is open (bytes typed as the stream ended)
//   reply  status: 0 ok, 1 error, 2 secret, 4 ask; text = output (COMPLETE: words,
//          one a line; TERMINAL: the session's terminal length, lines per page,
//          0 = no paging). SECRET: text ends with a prompt ("Password: "); the
//          client reads a line without echo and sends it as the next EXEC.
//          ASK: the same, but the answer is typed visibly ("[y/n] ").
//          5 STREAM OPEN: the line is now a raw byte stream (text: what to print
//          first); the client puts its terminal in raw mode, sends WINDOW and
//          relays the bytes typed as STREAM requests until a reply with status
//          0 or 1 ends the stream (its text: what to print after it).
//   stream status 6: bytes of the open stream's output, sent unasked.
//   monitor status 3: a log line for a session with `terminal monitor`, sent
//          unasked at any time (also before a reply); not a reply.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kg::control {

enum class Request : uint8_t {
  kExec = 1, kComplete = 2, kHelp = 3, kPrompt = 4, kTerminal = 5, kStream = 6, kWindow = 7
};
enum class Status : uint8_t {
  kOk = 0, kError = 1, kSecret = 2, kMonitor = 3, kAsk = 4, kStreamOpen = 5, kStream = 6
};
inline constexpr uint32_t kMaxFrame = 1u << 20;  // requests: a bad client cannot make us buffer more
// Replies come from the daemon the client trusts and grow with the state
// shown (show crypto ikev2 sa at 100,000 SAs is about 20 MB).
inline constexpr uint32_t kMaxReplyFrame = 1u << 30;

inline std::string encode_frame(uint8_t type, std::string_view text) {
  uint32_t n = uint32_t(text.size() + 1);
  std::string f = {char(n >> 24), char(n >> 16), char(n >> 8), char(n), char(type)};
  return f.append(text);
}

struct Frame {
  uint8_t type = 0;
  std::string text;
};

// The first whole frame of `buf`, removed from it; nullopt while it is
// incomplete. `bad` is set (and nothing removed) when the length is 0 or
// over `max`: the peer is broken or hostile.
inline std::optional<Frame> take_frame(std::string& buf, uint32_t max, bool& bad) {
  bad = false;
  if (buf.size() < 5) return std::nullopt;
  auto b = [&](size_t i) { return uint32_t(uint8_t(buf[i])); };
  uint32_t len = b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3);
  if (len == 0 || len > max) { bad = true; return std::nullopt; }
  if (buf.size() < 4 + size_t(len)) return std::nullopt;
  Frame f{uint8_t(buf[4]), buf.substr(5, len - 1)};
  buf.erase(0, 4 + size_t(len));
  return f;
}

// WINDOW text: rows and columns, u16 big-endian each (struct winsize's order).
struct WindowSize {
  uint16_t rows = 0, cols = 0;
  bool operator==(const WindowSize&) const = default;
};
inline std::string encode_window(WindowSize w) {
  return {char(w.rows >> 8), char(w.rows), char(w.cols >> 8), char(w.cols)};
}
inline std::optional<WindowSize> decode_window(std::string_view t) {
  if (t.size() != 4) return std::nullopt;
  auto b = [&](size_t i) { return uint16_t(uint8_t(t[i])); };
  return WindowSize{uint16_t(b(0) << 8 | b(1)), uint16_t(b(2) << 8 | b(3))};
}

}  // namespace kg::control
