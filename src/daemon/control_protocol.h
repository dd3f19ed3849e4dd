// Control-socket framing shared by keygated and keygate (unix stream socket).
// Frame: u32 big-endian length of the rest, u8 type/status, then text bytes.
//   request  type: 1 EXEC, 2 COMPLETE, 3 HELP, 4 PROMPT, 5 TERMINAL; text = the line
//   reply  status: 0 ok, 1 error, 2 secret; text = output (COMPLETE: words, one a
//          line; TERMINAL: the session's terminal length, lines per page, 0 = no
//          paging). SECRET: text ends with a prompt ("Password: "); the client
//          reads a line without echo and sends it as the next EXEC.
//   monitor status 3: a log line for a session with `terminal monitor`, sent
//          unasked at any time (also before a reply); not a reply.
#pragma once
#include <cstdint>
#include <string>

namespace kg::control {

enum class Request : uint8_t { kExec = 1, kComplete = 2, kHelp = 3, kPrompt = 4, kTerminal = 5 };
enum class Status : uint8_t { kOk = 0, kError = 1, kSecret = 2, kMonitor = 3 };
inline constexpr uint32_t kMaxFrame = 1u << 20;  // requests: a bad client cannot make us buffer more
// Replies come from the daemon the client trusts and grow with the state
// shown (show crypto ikev2 sa at 100,000 SAs is about 20 MB).
inline constexpr uint32_t kMaxReplyFrame = 1u << 30;

inline std::string encode_frame(uint8_t type, const std::string& text) {
  uint32_t n = uint32_t(text.size() + 1);
  std::string f = {char(n >> 24), char(n >> 16), char(n >> 8), char(n), char(type)};
  return f + text;
}

}  // namespace kg::control
