#include "io/event_loop.h"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "common/log.h"

namespace kg::io {

Result<std::unique_ptr<EventLoop>> EventLoop::create() {
  std::unique_ptr<EventLoop> l(new EventLoop());
  l->epfd_ = epoll_create1(EPOLL_CLOEXEC);
  if (l->epfd_ < 0) return fail(Errc::kIo, std::string("epoll_create1: ") + std::strerror(errno));
  l->timerfd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (l->timerfd_ < 0) return fail(Errc::kIo, std::string("timerfd_create: ") + std::strerror(errno));
  EventLoop* self = l.get();
  auto r = l->add_fd(l->timerfd_, EPOLLIN, [self](uint32_t) {
    uint64_t n;
    (void)!read(self->timerfd_, &n, sizeof n);  // one read takes all expirations
    self->armed_.reset();  // a one-shot timer: expired
    if (self->deadline_cb_) self->deadline_cb_();
  });
  if (!r) return std::unexpected(r.error());
  return l;
}

EventLoop::~EventLoop() {
  if (sigfd_ >= 0) close(sigfd_);
  if (timerfd_ >= 0) close(timerfd_);
  if (epfd_ >= 0) close(epfd_);
}

Result<void> EventLoop::add_fd(int fd, uint32_t events, FdCallback cb) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  if (epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) < 0)
    return fail(Errc::kIo, std::string("epoll_ctl add: ") + std::strerror(errno));
  fds_[fd] = std::move(cb);
  return {};
}

Result<void> EventLoop::set_fd_events(int fd, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  if (epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev) < 0)
    return fail(Errc::kIo, std::string("epoll_ctl mod: ") + std::strerror(errno));
  return {};
}

void EventLoop::remove_fd(int fd) {
  epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
  fds_.erase(fd);
}

void EventLoop::arm() {
  if (want_ == armed_) return;
  itimerspec its{};
  if (want_) {
    auto now = SteadyClock().now();
    auto ms = std::max<int64_t>(1, (*want_ - now).count());
    its.it_value.tv_sec = ms / 1000;
    its.it_value.tv_nsec = (ms % 1000) * 1'000'000;
  }
  timerfd_settime(timerfd_, 0, &its, nullptr);
  armed_ = want_;
}

Result<void> EventLoop::add_signal(int sig, std::function<void()> cb) {
  signals_[sig] = std::move(cb);
  sigset_t set;
  sigemptyset(&set);
  for (auto& [s, _] : signals_) sigaddset(&set, s);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  bool fresh = sigfd_ < 0;
  sigfd_ = signalfd(sigfd_, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (sigfd_ < 0) return fail(Errc::kIo, std::string("signalfd: ") + std::strerror(errno));
  if (!fresh) return {};
  return add_fd(sigfd_, EPOLLIN, [this](uint32_t) {
    signalfd_siginfo si;
    while (read(sigfd_, &si, sizeof si) == sizeof si) {
      auto it = signals_.find(int(si.ssi_signo));
      if (it != signals_.end()) it->second();
    }
  });
}

void EventLoop::run() {
  running_ = true;
  std::vector<epoll_event> evs(64);
  while (running_) {
    log::flush();  // buffered log lines out before sleeping
    arm();
    int n = epoll_wait(epfd_, evs.data(), int(evs.size()), 1000);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < n && running_; ++i) {
      auto it = fds_.find(evs[i].data.fd);
      if (it == fds_.end()) continue;
      auto cb = it->second;  // copy: the callback may remove itself
      cb(evs[i].events);
    }
  }
}

}  // namespace kg::io
