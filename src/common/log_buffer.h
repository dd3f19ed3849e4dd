// The in-memory log of `logging buffered SIZE` (IOS): the newest log lines,
// at most SIZE bytes of text in all (each line with its newline); the oldest lines go first when a new one
// does not fit. `show logging` prints it, `clear logging` empties it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace kg::log {

class LogBuffer {
 public:
  explicit LogBuffer(size_t capacity = 0) : capacity_(capacity) {}
  // Keeps `line` (a line longer than the whole buffer is cut to its size)
  // and removes the oldest lines until the total fits again.
  void push(std::string_view line);
  // A new size drops the oldest lines that no longer fit.
  void set_capacity(size_t bytes);
  void clear();
  size_t capacity() const { return capacity_; }
  size_t bytes() const { return bytes_; }
  // Lines pushed since start (also those already gone), as IOS's
  // "N messages logged".
  uint64_t logged() const { return logged_; }
  std::vector<std::string> lines() const { return {lines_.begin(), lines_.end()}; }  // oldest first

 private:
  void trim();
  size_t capacity_;
  size_t bytes_ = 0;
  uint64_t logged_ = 0;
  std::deque<std::string> lines_;
};

}  // namespace kg::log
