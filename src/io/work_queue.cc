#include "io/work_queue.h"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace kg::io {

Result<std::unique_ptr<WorkQueue>> WorkQueue::create(EventLoop& loop, size_t threads) {
  int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (efd < 0) return fail(Errc::kIo, std::string("eventfd: ") + std::strerror(errno));
  std::unique_ptr<WorkQueue> q(new WorkQueue(loop, efd));
  WorkQueue* self = q.get();
  if (auto r = loop.add_fd(efd, EPOLLIN, [self](uint32_t) { self->run_completions(); }); !r) {
    close(efd);
    q->efd_ = -1;
    return std::unexpected(r.error());
  }
  // The workers take no signals: the loop handles SIGTERM and SIGINT through
  // its signalfd, which works only while every thread blocks them (a thread
  // that does not would take the default action and end keygated).
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  for (size_t i = 0; i < std::max<size_t>(threads, 1); ++i) q->threads_.emplace_back([self] { self->worker(); });
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return q;
}

WorkQueue::~WorkQueue() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    jobs_.clear();
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
  if (efd_ >= 0) {
    loop_.remove_fd(efd_);
    close(efd_);
  }
}

void WorkQueue::submit(Job job) {
  {
    std::lock_guard lock(mu_);
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
}

void WorkQueue::worker() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    Completion c = job();  // the blocking call, outside the lock
    {
      std::lock_guard lock(mu_);
      done_.push_back(std::move(c));
    }
    uint64_t one = 1;
    ssize_t n = write(efd_, &one, sizeof one);  // wakes the loop; the counter only needs to be non-zero
    (void)n;
  }
}

size_t WorkQueue::run_completions() {
  uint64_t count;
  ssize_t n = read(efd_, &count, sizeof count);  // clears the eventfd (EAGAIN when already clear)
  (void)n;
  std::deque<Completion> ready;
  {
    std::lock_guard lock(mu_);
    ready.swap(done_);
  }
  for (auto& c : ready)
    if (c) c();
  return ready.size();
}

}  // namespace kg::io
