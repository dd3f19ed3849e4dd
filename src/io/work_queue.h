// Slow work off the event loop. Worker threads run blocking calls (a PKCS#11
// signature: ike::do_work) or CPU work (a Diffie-Hellman: the daemon's crypto
// pool, one thread per core); with one thread, in the order submitted. Each job returns
// its completion, which the worker posts to a completion queue and signals
// through an eventfd that the event loop watches. The loop then runs the
// completions on its own thread (Engine::resume), so nothing but this queue
// is shared between the threads. Work that answers at once never comes here:
// the engine calls such backends inline.
#pragma once
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/result.h"
#include "io/event_loop.h"

namespace kg::io {

class WorkQueue {
 public:
  using Completion = std::function<void()>;     // runs on the loop's thread
  using Job = std::function<Completion()>;      // runs on the worker thread
  static Result<std::unique_ptr<WorkQueue>> create(EventLoop& loop, size_t threads = 1);
  ~WorkQueue();  // waits for the jobs in progress; queued jobs and completions are dropped
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void submit(Job job);
  // Runs the completions posted so far (the loop calls it when the eventfd
  // is readable; tests may call it directly). Returns how many ran.
  size_t run_completions();
  [[nodiscard]] int fd() const { return efd_; }

 private:
  WorkQueue(EventLoop& loop, int efd) : loop_(loop), efd_(efd) {}
  void worker();

  EventLoop& loop_;
  int efd_ = -1;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;             // guarded by mu_
  std::deque<Completion> done_;      // guarded by mu_
  bool stopping_ = false;            // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace kg::io
