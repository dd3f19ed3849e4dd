#include "common/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>

#include "common/log_buffer.h"

namespace kg::log {
namespace {

std::mutex mu;
Sink sink;
Level max_level = Level::kInfo;
std::string prefix;
bool buffered = false;
std::string pending;  // buffered lines not yet written
constexpr size_t kFlushAt = 16 * 1024;
LogBuffer ring;      // logging buffered
int ring_level = 7;  // IOS's default buffer level: debugging
uint64_t console_logged = 0;

void write_pending() {
  if (pending.empty()) return;
  std::fwrite(pending.data(), 1, pending.size(), stderr);
  std::fflush(stderr);
  pending.clear();
}

std::atomic<uint32_t> debug_mask{0};
Monitor monitor;

// IOS's "*Dec  6 21:04:11.123: " (UTC; '*' = the clock is not NTP-synchronised).
std::string timestamp() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char ts[32];
  std::strftime(ts, sizeof ts, "%b %e %H:%M:%S", &tm);
  char head[64];
  int n = std::snprintf(head, sizeof head, "*%s.%03lld: ", ts, static_cast<long long>(ms));
  return std::string(head, n > 0 ? size_t(n) : 0);
}

// One line to stderr (or the test sink) when its level allows it, to the
// log buffer when the buffer's level does, and to the terminal monitor. A
// debug line goes anywhere only when stderr takes debug lines (-v) or its
// category is switched on (`wanted`).
void emit(Level l, std::string_view text, bool wanted = false) {
  std::lock_guard lk(mu);
  bool to_console = static_cast<int>(l) <= static_cast<int>(max_level);
  bool eligible = l != Level::kDebug || to_console || wanted;
  bool to_ring = eligible && ring.capacity() > 0 && static_cast<int>(l) <= ring_level;
  bool to_monitor = eligible && monitor;
  if (!to_console && !to_ring && !to_monitor) return;
  std::string head = to_ring || to_monitor || !sink ? timestamp() : std::string();
  if (to_ring || to_monitor) {
    std::string line = head + std::string(text);
    if (to_monitor) monitor(line);
    if (to_ring) ring.push(std::move(line));
  }
  if (!to_console) return;
  ++console_logged;
  if (sink) {
    sink(l, text);
    return;
  }
  pending.append(head);
  if (!prefix.empty()) pending.append(prefix).append(": ");
  pending.append(text).push_back('\n');
  if (!buffered || l <= Level::kError || pending.size() >= kFlushAt) write_pending();
}

}  // namespace

void set_sink(Sink s) {
  std::lock_guard lk(mu);
  sink = std::move(s);
}
void set_level(Level l) {
  std::lock_guard lk(mu);
  max_level = l;
}
void set_buffered(bool on) {
  std::lock_guard lk(mu);
  if (on && !buffered) std::atexit(flush);
  buffered = on;
  if (!on) write_pending();
}
void flush() {
  std::lock_guard lk(mu);
  write_pending();
}
void set_buffer(size_t bytes, int level) {
  std::lock_guard lk(mu);
  ring.set_capacity(bytes);
  if (bytes == 0) ring.clear();
  ring_level = level;
}
void clear_buffer() {
  std::lock_guard lk(mu);
  ring.clear();
}
BufferState buffer_state() {
  std::lock_guard lk(mu);
  return {ring.capacity(), ring_level, ring.logged(), static_cast<int>(max_level), console_logged, ring.lines()};
}
void set_prefix(std::string p) {
  std::lock_guard lk(mu);
  prefix = std::move(p);
}

void event(std::string_view facility, Level sev, std::string_view mnemonic, std::string_view text) {
  std::string line = "%";
  line += facility;
  line += '-';
  line += std::to_string(static_cast<int>(sev));
  line += '-';
  line += mnemonic;
  line += ": ";
  line += text;
  emit(sev, line);
}
void debug(std::string_view t) { emit(Level::kDebug, t, debugging(Debug::kIkev2)); }
void debug(Debug d, std::string_view t) { emit(Level::kDebug, t, debugging(d)); }
void set_debug(Debug d, bool on) {
  if (on) debug_mask.fetch_or(uint32_t(d), std::memory_order_relaxed);
  else debug_mask.fetch_and(~uint32_t(d), std::memory_order_relaxed);
}
void clear_debug() { debug_mask.store(0, std::memory_order_relaxed); }
uint32_t debug_flags() { return debug_mask.load(std::memory_order_relaxed); }
bool debugging(Debug d) { return (debug_mask.load(std::memory_order_relaxed) & uint32_t(d)) != 0; }
void set_monitor(Monitor m) {
  std::lock_guard lk(mu);
  monitor = std::move(m);
}
void info(std::string_view t) { emit(Level::kInfo, t); }
void warn(std::string_view t) { emit(Level::kWarning, t); }
void error(std::string_view t) { emit(Level::kError, t); }

}  // namespace kg::log
