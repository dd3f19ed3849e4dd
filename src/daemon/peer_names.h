// The addresses of peers configured by name (crypto isakmp peer fqdn NAME,
// seed 001; a FlexVPN client's peer N fqdn NAME, seed 004), looked up when
// keygated needs the peer: getaddrinfo (/etc/hosts or DNS) runs on the
// worker, never on the event loop, so the first need of a name finds it
// `pending`; the initiation waits and the next packet (or tunnel retry)
// tries again. An answer serves kLife, then the name is asked again on the
// next need (the old address meanwhile). A name that does not resolve is
// asked again after kRetry: keygated goes on without it.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/ip.h"

namespace kg::daemon {

class PeerNames {
 public:
  using Done = std::function<void(std::optional<IpAddress>)>;
  // Looks `name` up off the loop and calls `done` on the loop.
  using Lookup = std::function<void(const std::string& name, Done done)>;
  struct Answer {
    std::optional<IpAddress> address;
    bool pending = false;  // being looked up for the first time
  };
  static constexpr Millis kLife{60'000};
  static constexpr Millis kRetry{10'000};

  // `what` names the command in the log lines of answers ("crypto isakmp
  // peer fqdn"); empty when the caller logs them itself.
  PeerNames(const Clock& clock, Lookup lookup, std::string what)
      : clock_(clock), lookup_(std::move(lookup)), what_(std::move(what)) {}
  // What is known of `name`, starting a lookup when none is under way and
  // the last answer is older than kLife (kRetry when it failed).
  Answer resolve(const std::string& name);

 private:
  struct Entry {
    bool pending = false;
    bool answered = false;
    std::optional<IpAddress> address;
    TimePoint at{};
  };
  void answered(const std::string& name, std::optional<IpAddress> a);
  const Clock& clock_;
  Lookup lookup_;
  std::string what_;
  std::map<std::string, Entry> names_;
};

}  // namespace kg::daemon
