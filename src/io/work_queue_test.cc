#include "io/work_queue.h"

#include <gtest/gtest.h>

#include <signal.h>

#include <atomic>

namespace kg::io {
namespace {

// Jobs run on the worker thread, in order; their completions run on the
// loop's thread once the eventfd wakes it, and the loop stays free meanwhile.
TEST(WorkQueue, RunsJobsOffTheLoopAndCompletesOnIt) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop);
  auto q = WorkQueue::create(**loop);
  ASSERT_TRUE(q) << q.error().message;
  const auto loop_thread = std::this_thread::get_id();
  std::vector<int> order;
  std::atomic<bool> worker_elsewhere{true};
  int ticks = 0;  // the loop's deadline keeps firing while the slow job runs
  for (int i = 0; i < 3; ++i)
    (*q)->submit([&, i]() -> WorkQueue::Completion {
      if (std::this_thread::get_id() == loop_thread) worker_elsewhere = false;
      if (i == 0) std::this_thread::sleep_for(std::chrono::milliseconds(60));  // a slow token
      return [&, i] {
        EXPECT_EQ(std::this_thread::get_id(), loop_thread);
        order.push_back(i);
        if (order.size() == 3) (*loop)->stop();
      };
    });
  (*loop)->on_deadline([&] {
    ++ticks;
    (*loop)->set_deadline(SteadyClock().now() + Millis(10));
  });
  (*loop)->set_deadline(SteadyClock().now() + Millis(10));
  (*loop)->run();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
  EXPECT_TRUE(worker_elsewhere);
  EXPECT_GE(ticks, 2) << "the loop was blocked by the job";
}

// keygated's SIGTERM goes through the loop's signalfd; a worker thread that
// did not block it would take the default action and kill the daemon
// without its shutdown (seen in t_cert_strongswan_rsa).
TEST(WorkQueue, WorkerBlocksEverySignal) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop);
  auto q = WorkQueue::create(**loop);
  ASSERT_TRUE(q);
  std::atomic<int> term_blocked{-1}, int_blocked{-1};
  (*q)->submit([&]() -> WorkQueue::Completion {
    sigset_t cur;
    pthread_sigmask(SIG_SETMASK, nullptr, &cur);
    term_blocked = sigismember(&cur, SIGTERM);
    int_blocked = sigismember(&cur, SIGINT);
    return [&] { (*loop)->stop(); };
  });
  (*loop)->run();
  EXPECT_EQ(term_blocked, 1);
  EXPECT_EQ(int_blocked, 1);
}

// The crypto pool: with two threads, two jobs run at the same time (each
// waits until the other has started), and both complete on the loop.
TEST(WorkQueue, PoolRunsJobsAtTheSameTime) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop);
  auto q = WorkQueue::create(**loop, 2);
  ASSERT_TRUE(q) << q.error().message;
  std::atomic<int> started{0};
  std::atomic<int> overlapped{0};
  int done = 0;
  for (int i = 0; i < 2; ++i)
    (*q)->submit([&]() -> WorkQueue::Completion {
      started++;
      auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (started < 2 && std::chrono::steady_clock::now() < until) std::this_thread::yield();
      if (started == 2) overlapped++;
      return [&] {
        if (++done == 2) (*loop)->stop();
      };
    });
  (*loop)->run();
  EXPECT_EQ(overlapped, 2) << "one job ran after the other";
}

TEST(WorkQueue, DestroyedWithWorkQueuedDoesNotHang) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop);
  auto q = WorkQueue::create(**loop);
  ASSERT_TRUE(q);
  for (int i = 0; i < 5; ++i)
    (*q)->submit([]() -> WorkQueue::Completion {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      return [] {};
    });
  q->reset();  // joins the worker after at most the job in progress
}

}  // namespace
}  // namespace kg::io
