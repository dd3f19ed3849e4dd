#include "common/log.h"

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

void emit(Level l, std::string_view text) {
  std::lock_guard lk(mu);
  if (static_cast<int>(l) > static_cast<int>(max_level)) return;
  if (sink) {
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
  pending.append(head, n > 0 ? size_t(n) : 0);
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
