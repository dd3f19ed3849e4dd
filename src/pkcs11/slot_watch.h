// Watches modules for tokens being inserted and removed. A module that
// supports C_WaitForSlotEvent is asked for events; one that answers
// CKR_FUNCTION_NOT_SUPPORTED (SoftHSM2, many others) has its slots polled.
// Either way a change is seen within one period (default 250 ms, under the
// 1 s the operator may expect).
//
// The events are asked with CKF_DONT_BLOCK: a blocking C_WaitForSlotEvent
// can only be woken by C_Finalize, which other threads of this process may
// still be using the module through.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "pkcs11/slot.h"

namespace kg::pkcs11 {

class SlotWatch {
 public:
  // Called on the watch thread with the slot's new state (the token
  // inserted, or removed: present == false).
  using OnChange = std::function<void(const TokenSlot&)>;

  SlotWatch(std::vector<std::shared_ptr<Module>> modules, OnChange on_change,
            std::chrono::milliseconds period = std::chrono::milliseconds(250));
  ~SlotWatch();
  SlotWatch(const SlotWatch&) = delete;
  SlotWatch& operator=(const SlotWatch&) = delete;

  // Does module i deliver slot events (rather than being polled)?
  [[nodiscard]] bool uses_events(size_t i) const { return watched_[i].events; }

 private:
  struct Known {
    CK_SLOT_ID id;
    bool present;
    std::string label;
    std::string serial;
  };
  struct Watched {
    std::shared_ptr<Module> module;
    bool events = false;
    std::vector<Known> slots;
  };
  void run();
  void poll(Watched& w);
  void drain_events(Watched& w);
  void update(Watched& w, const TokenSlot& s);

  std::vector<Watched> watched_;
  OnChange on_change_;
  std::chrono::milliseconds period_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace kg::pkcs11
