// A layer-3 TUN device (IFF_TUN | IFF_NO_PI): one per tunnel interface.
#pragma once
#include <span>
#include <string>

#include "common/bytes.h"
#include "common/result.h"

namespace kg::io {

class TunDevice {
 public:
  static Result<TunDevice> open(const std::string& name);
  TunDevice(TunDevice&& o) noexcept : fd_(o.fd_), name_(std::move(o.name_)) { o.fd_ = -1; }
  TunDevice& operator=(TunDevice&&) = delete;
  ~TunDevice();
  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] const std::string& name() const { return name_; }
  // Reads packets into bufs until EAGAIN or all are filled; lens[i] gets
  // each size. Returns the number read.
  size_t read_batch(std::span<std::span<uint8_t>> bufs, std::span<size_t> lens);
  Result<void> write(ByteView packet);
  // Writes each packet (one write(2) each: TUN takes one packet per call);
  // returns how many were accepted.
  size_t write_batch(std::span<const ByteView> packets);

 private:
  TunDevice(int fd, std::string n) : fd_(fd), name_(std::move(n)) {}
  int fd_ = -1;
  std::string name_;
};

}  // namespace kg::io
