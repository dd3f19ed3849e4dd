// The RADIUS client on the daemon's event loop (aaa/radius/client.h): one
// UDP socket (an unused port of the kernel's choice, every server reached
// from it), the configured servers and server groups, and the requests of
// the EAP relay and accounting. Nothing here blocks: datagrams arrive
// through the loop, retransmissions and probes run at next_deadline().
#pragma once
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aaa/radius/client.h"
#include "aaa/radius/requester.h"
#include "config/model.h"
#include "io/event_loop.h"
#include "io/udp_socket.h"

namespace kg::daemon {

class RadiusService final : public aaa::radius::Requester, public aaa::radius::Transport {
 public:
  static Result<std::shared_ptr<RadiusService>> create(io::EventLoop& loop, const Clock& clock, Random& rng);
  ~RadiusService() override;

  // Servers, groups and timers from the configuration.
  void configure(const config::Model& m);
  [[nodiscard]] bool has_group(const std::string& group) const { return groups_.contains(group); }

  uint64_t submit(const std::string& group, aaa::radius::Port port, kg::radius::Packet request,
                  aaa::radius::Client::Done done) override;
  void cancel(uint64_t handle) override { client_.cancel(handle); }
  [[nodiscard]] std::string nas_identifier() const override { return hostname_; }

  // Called after datagrams were handled (the deadline may have moved).
  void on_activity(std::function<void()> f) { activity_ = std::move(f); }
  void on_timer();
  [[nodiscard]] std::optional<TimePoint> next_deadline() const;
  [[nodiscard]] const aaa::radius::Client& client() const { return client_; }
  // The groups each server belongs to (show aaa servers).
  [[nodiscard]] const std::map<std::string, std::vector<std::string>>& groups() const { return groups_; }
  // ip radius source-interface: the address RADIUS packets leave from, if any.
  [[nodiscard]] std::optional<IpAddress> source_address() const { return source_; }
  // The longest a request to the largest group can take (every server used
  // up in turn; aaa/radius/client.h longest_request).
  [[nodiscard]] Millis longest_request() const { return longest_; }
  [[nodiscard]] size_t widest_group() const { return widest_; }

 private:
  RadiusService(io::EventLoop& loop, io::UdpSocket sock, const Clock& clock, Random& rng)
      : loop_(loop), sock_(std::move(sock)), clock_(clock), client_(*this, clock, rng) {}
  void send(const Endpoint& to, ByteView datagram) override;
  void on_readable();
  // Re-opens the socket bound to `source` (ip radius source-interface).
  void bind_source(std::optional<IpAddress> source);

  io::EventLoop& loop_;
  io::UdpSocket sock_;
  const Clock& clock_;
  aaa::radius::Client client_;
  std::map<std::string, std::vector<std::string>> groups_;  // group -> server names, in order
  std::string hostname_ = "keygate";
  // Answers that came inside submit(): delivered at the next timer, so that
  // no caller hears back before submit() returns.
  std::deque<std::function<void()>> deferred_;
  std::function<void()> activity_;
  std::optional<IpAddress> source_;
  Millis longest_{0};
  size_t widest_ = 0;  // servers in the largest group
  uint64_t debug_seq_ = 0;  // debug aaa authentication's request numbers
};

}  // namespace kg::daemon
