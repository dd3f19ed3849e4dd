#include "common/log.h"

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

void emit(Level l, std::string_view text) {
  std::lock_guard lk(mu);
  bool to_ring = ring.capacity() > 0 && static_cast<int>(l) <= ring_level;
  bool to_console = static_cast<int>(l) <= static_cast<int>(max_level);
  if (!to_ring && !to_console) return;
  std::string head = to_ring || !sink ? timestamp() : std::string();
  if (to_ring) {
    ring.push(head + std::string(text));
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
void debug(std::string_view t) { emit(Level::kDebug, t); }
void info(std::string_view t) { emit(Level::kInfo, t); }
void warn(std::string_view t) { emit(Level::kWarning, t); }
void error(std::string_view t) { emit(Level::kError, t); }

}  // namespace kg::log
