#include "common/log_buffer.h"

namespace kg::log {

void LogBuffer::push(std::string_view line) {
  ++logged_;
  if (capacity_ == 0) return;
  // Each line costs its text and the newline `show logging` prints after it.
  if (line.size() + 1 > capacity_) line = line.substr(0, capacity_ - 1);
  lines_.emplace_back(line);
  bytes_ += line.size() + 1;
  trim();
}

void LogBuffer::set_capacity(size_t bytes) {
  capacity_ = bytes;
  trim();
}

void LogBuffer::clear() {
  lines_.clear();
  bytes_ = 0;
}

void LogBuffer::trim() {
  while (bytes_ > capacity_ && !lines_.empty()) {
    bytes_ -= lines_.front().size() + 1;
    lines_.pop_front();
  }
}

}  // namespace kg::log
