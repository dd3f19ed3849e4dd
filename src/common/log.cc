#include "common/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>

namespace kg::log {
namespace {

std::mutex mu;
Sink sink;
Level max_level = Level::kInfo;
std::string prefix;
bool buffered = false;
std::string pending;  // buffered lines not yet written
constexpr size_t kFlushAt = 16 * 1024;

void write_pending() {
  if (pending.empty()) return;
  std::fwrite(pending.data(), 1, pending.size(), stderr);
  std::fflush(stderr);
  pending.clear();
}

std::atomic<uint32_t> debug_mask{0};
Monitor monitor;

// One line to stderr (or the test sink) when the level allows it, and to the
// terminal monitor when it allows it too or `wanted` (an enabled category).
void emit(Level l, std::string_view text, bool wanted = false) {
  std::lock_guard lk(mu);
  bool to_log = static_cast<int>(l) <= static_cast<int>(max_level);
  bool to_monitor = monitor && (to_log || wanted);
  if (!to_log && !to_monitor) return;
  if (sink && !to_monitor) {
    sink(l, text);
    return;
  }
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char ts[32];
  std::strftime(ts, sizeof ts, "%b %e %H:%M:%S", &tm);
  char head[64];
  int n = std::snprintf(head, sizeof head, "*%s.%03lld: ", ts, static_cast<long long>(ms));
  if (to_monitor) {
    std::string line(head, n > 0 ? size_t(n) : 0);
    if (!prefix.empty()) line.append(prefix).append(": ");
    monitor(line.append(text));
    if (!to_log) return;
    if (sink) {
      sink(l, text);
      return;
    }
    pending.append(line).push_back('\n');
  } else {
    pending.append(head, n > 0 ? size_t(n) : 0);
    if (!prefix.empty()) pending.append(prefix).append(": ");
    pending.append(text).push_back('\n');
  }
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
