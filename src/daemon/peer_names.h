// The addresses of crypto isakmp peer fqdn NAME entries (seed 001), looked
// up when keygated needs the peer: getaddrinfo (/etc/hosts or DNS) runs on
// the worker, never on the event loop, so the first need of a name finds it
// `pending`; the initiation waits and the next packet (or tunnel retry)
// tries again. An answer serves kLife, then the name is asked again on the
// next need (the old address meanwhile). A name that does not resolve is
// logged, and asked again after kRetry: keygated goes on without it.
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

  PeerNames(const Clock& clock, Lookup lookup) : clock_(clock), lookup_(std::move(lookup)) {}
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
  std::map<std::string, Entry> names_;
};

}  // namespace kg::daemon
