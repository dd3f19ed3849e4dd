#include "pkcs11/slot_watch.h"

#include <algorithm>

namespace kg::pkcs11 {

SlotWatch::SlotWatch(std::vector<std::shared_ptr<Module>> modules, OnChange on_change,
                     std::chrono::milliseconds period)
    : on_change_(std::move(on_change)), period_(period) {
  for (auto& m : modules) {
    Watched w;
    w.module = m;
    CK_SLOT_ID id = 0;
    CK_RV rv = m->fn()->C_WaitForSlotEvent(CKF_DONT_BLOCK, &id, nullptr);
    w.events = rv != CKR_FUNCTION_NOT_SUPPORTED;
    // What is there now is the starting point, not a change.
    if (auto slots = list_slots(m)) {
      for (const auto& s : *slots) w.slots.push_back({s.id, s.present, s.token.label, s.token.serial});
    }
    watched_.push_back(std::move(w));
  }
  thread_ = std::thread([this] { run(); });
}

SlotWatch::~SlotWatch() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void SlotWatch::run() {
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, period_, [this] { return stop_; })) {
    lock.unlock();
    for (auto& w : watched_) {
      if (w.events) drain_events(w);
      else poll(w);
    }
    lock.lock();
  }
}

void SlotWatch::poll(Watched& w) {
  auto slots = list_slots(w.module);
  if (!slots) return;
  for (const auto& s : *slots) update(w, s);
}

void SlotWatch::drain_events(Watched& w) {
  for (int i = 0; i < 64; ++i) {
    CK_SLOT_ID id = 0;
    CK_RV rv = w.module->fn()->C_WaitForSlotEvent(CKF_DONT_BLOCK, &id, nullptr);
    if (rv != CKR_OK) return;  // CKR_NO_EVENT: nothing (more) happened
    if (auto s = read_slot(w.module, id)) update(w, *s);
  }
}

void SlotWatch::update(Watched& w, const TokenSlot& s) {
  auto it = std::find_if(w.slots.begin(), w.slots.end(), [&](const Known& k) { return k.id == s.id; });
  if (it == w.slots.end()) {
    w.slots.push_back({s.id, s.present, s.token.label, s.token.serial});
    if (s.present) on_change_(s);
    return;
  }
  // A different token in the same slot is a removal followed by an insertion.
  bool other = s.present && it->present && (it->label != s.token.label || it->serial != s.token.serial);
  if (it->present == s.present && !other) return;
  if (other) {
    TokenSlot gone = s;
    gone.present = false;
    on_change_(gone);
  }
  *it = {s.id, s.present, s.token.label, s.token.serial};
  on_change_(s);
}

}  // namespace kg::pkcs11
