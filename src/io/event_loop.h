// Single-threaded epoll loop: file descriptors, one deadline (timerfd) and
// signals (signalfd). The daemon's whole control plane runs on it; the engine
// and data path never block it.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>

#include "common/clock.h"
#include "common/result.h"

namespace kg::io {

class EventLoop {
 public:
  using FdCallback = std::function<void(uint32_t events)>;
  static Result<std::unique_ptr<EventLoop>> create();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  Result<void> add_fd(int fd, uint32_t events, FdCallback cb);
  // What an added fd is watched for (EPOLLOUT only while output waits, say).
  Result<void> set_fd_events(int fd, uint32_t events);
  [[nodiscard]] bool has_fd(int fd) const { return fds_.contains(fd); }
  void remove_fd(int fd);
  // One deadline on the steady clock; nullopt disarms it. Only recorded
  // here: the timer is set before the loop next waits, and only when the
  // deadline changed (a handshake reschedules several times per datagram,
  // mostly to the same deadline).
  void set_deadline(std::optional<TimePoint> when) { want_ = when; }
  void on_deadline(std::function<void()> cb) { deadline_cb_ = std::move(cb); }
  // Blocks `sig` and delivers it through the loop.
  Result<void> add_signal(int sig, std::function<void()> cb);
  void run();
  void stop() { running_ = false; }

 private:
  EventLoop() = default;
  int epfd_ = -1;
  int timerfd_ = -1;
  int sigfd_ = -1;
  bool running_ = false;
  void arm();
  std::optional<TimePoint> want_, armed_;  // asked for; set on the timerfd
  std::unordered_map<int, FdCallback> fds_;
  std::unordered_map<int, std::function<void()>> signals_;
  std::function<void()> deadline_cb_;
};

}  // namespace kg::io
