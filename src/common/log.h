// Logging. Two kinds of lines:
//  - IOS-style events, `%FACILITY-SEVERITY-MNEMONIC: text`, which operators grep
//    for (`%CRYPTO-5-IKEV2_SESSION_STATUS`, `%LINEPROTO-5-UPDOWN`);
//  - debug lines for developers.
// Output goes to a sink (stderr by default; tests install a capturing sink).
// Never pass secret material here: Secret has no string conversion on purpose.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace kg::log {

enum class Level { kDebug = 7, kInfo = 6, kNotice = 5, kWarning = 4, kError = 3 };

using Sink = std::function<void(Level, std::string_view line)>;

void set_sink(Sink s);       // replaces the sink; nullptr restores stderr
void set_level(Level max);   // lines above this level are dropped
void set_prefix(std::string p);  // e.g. hostname, shown before every line
// Buffered stderr (the daemon): lines are collected and written together by
// flush(), which the event loop calls before it waits, and at exit; errors
// and a full buffer are written at once. Saves a write() per line (a hub
// logs four lines per session). Off by default: every line written at once.
void set_buffered(bool on);
void flush();

// Debug categories, switched on at run time by `debug crypto ikev2
// [packet|internal]` and `debug crypto ipsec` (IOS). A line of an enabled
// category reaches the terminal monitor (below) even when the stderr level
// drops debug lines. Call debugging() before formatting such a line: it is one
// atomic load, so a line nobody asked for costs nothing.
enum class Debug : uint32_t { kIkev2 = 1, kIkev2Packet = 2, kIkev2Internal = 4, kIpsec = 8 };
void set_debug(Debug d, bool on);
void clear_debug();          // undebug all
uint32_t debug_flags();
bool debugging(Debug d);
void debug(Debug d, std::string_view text);

// Terminal monitor (`terminal monitor`): receives each line with its IOS
// time stamp and no newline, as `show logging` shows it: every line at or
// below the stderr level, and debug lines of enabled categories. Called with the log lock
// held: it must not log.
using Monitor = std::function<void(std::string_view line)>;
void set_monitor(Monitor m);  // nullptr: none

// logging buffered (IOS): lines of severity `level` (0-7) or more severe
// also go into an in-memory buffer of `bytes` (0: off), whatever the sink.
// Log text never holds secrets (see above), so neither does the buffer.
void set_buffer(size_t bytes, int level);
void clear_buffer();
struct BufferState {
  size_t bytes = 0;      // 0: buffered logging off
  int level = 7;         // buffer's severity level
  uint64_t buffer_logged = 0;  // lines that went into the buffer since start
  int console_level = 6;       // stderr's (set_level)
  uint64_t console_logged = 0;
  std::vector<std::string> lines;  // oldest first
};
BufferState buffer_state();

// %FACILITY-SEVERITY-MNEMONIC: text   (severity is the numeric level)
void event(std::string_view facility, Level sev, std::string_view mnemonic, std::string_view text);
void debug(std::string_view text);  // category kIkev2 when only the monitor wants it
void info(std::string_view text);
void warn(std::string_view text);
void error(std::string_view text);

}  // namespace kg::log
