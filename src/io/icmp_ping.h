// `ping` from the gateway itself: ICMP (or ICMPv6) echo requests, one at a
// time, each waiting for its reply up to the timeout before the next is sent
// (IOS's behaviour). PingSession does no waiting itself: its owner waits on
// fd() and the deadline, so the daemon drives it from its event loop and
// keeps forwarding (a ping through a tunnel needs the data path running).
#pragma once
#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "common/ip.h"
#include "common/result.h"

namespace kg::io {

struct PingRequest {
  IpAddress dst;
  std::optional<IpAddress> source;  // bind to this address
  int repeat = 5;
  int size = 100;  // IOS: the datagram's size, IP header included
  std::chrono::milliseconds timeout{2000};
};

struct PingEcho {
  char mark = '.';      // '!' reply, '.' no reply in time, 'U' destination unreachable
  uint32_t rtt_us = 0;  // for '!'
};

class PingSession {
 public:
  using Clock = std::chrono::steady_clock;
  // Opens the socket (raw when allowed, else an ICMP datagram socket) and
  // binds the source. Sends nothing yet.
  static Result<std::unique_ptr<PingSession>> open(const PingRequest& req);
  ~PingSession();
  PingSession(const PingSession&) = delete;
  PingSession& operator=(const PingSession&) = delete;

  int fd() const { return fd_; }
  // Sends the next echo and returns its deadline; an echo that cannot leave
  // (no route) is a '.' at once and the next one is tried. nullopt: all done.
  std::optional<Clock::time_point> send_next();
  // Reads what arrived; true when it answered the echo in flight (its mark
  // is recorded and send_next() may follow).
  bool on_readable();
  // The echo in flight got no answer in time: '.'.
  void on_timeout();
  bool done() const { return echoes_.size() == size_t(req_.repeat) && !in_flight_; }
  const std::vector<PingEcho>& echoes() const { return echoes_; }
  const PingRequest& request() const { return req_; }

 private:
  explicit PingSession(const PingRequest& r) : req_(r) {}
  PingRequest req_;
  int fd_ = -1;
  bool raw_ = false;
  uint16_t id_ = 0;
  bool in_flight_ = false;
  Clock::time_point sent_{};
  std::vector<PingEcho> echoes_;
  std::vector<uint8_t> pkt_, buf_;
};

// Runs a whole ping, blocking (tests and tools; the daemon uses PingSession
// on its event loop).
Result<std::vector<PingEcho>> ping_blocking(const PingRequest& req);

}  // namespace kg::io
