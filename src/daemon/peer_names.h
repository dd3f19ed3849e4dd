// The addresses of peers configured by name (crypto isakmp peer fqdn NAME,
// seed 001; a FlexVPN client's peer N fqdn NAME, seed 004), looked up when
// keygated needs the peer: getaddrinfo (/etc/hosts or DNS) runs on the
// worker, never on the event loop, so the first need of a name finds it
// `pending`; the initiation waits and the next packet (or tunnel retry)
// tries again. An answer serves kLife, then the name is asked again on the
// next need (the old address meanwhile). A name that does not resolve is
// asked again after kRetry: keygated goes on without it.
//
// IOS consults its static host table (`ip host NAME ADDRESS...`) before
// DNS: a name in it answers at once (never pending, no lookup), with the
// table as last given to set_hosts, so an edit of the table serves the next
// need of the name.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
  // What is known of `name`: its `ip host` address, else what was looked
  // up, starting a lookup when none is under way and the last answer is
  // older than kLife (kRetry when it failed).
  Answer resolve(const std::string& name);
  // The running configuration's `ip host` table (config::Model::ip_hosts).
  // Names whose entry changed lose what was looked up for them: a name
  // taken out of the table is asked afresh at its next need.
  using HostTable = std::map<std::string, std::vector<std::string>>;
  void set_hosts(const HostTable& table);

 private:
  struct Entry {
    bool pending = false;
    bool answered = false;
    std::optional<IpAddress> address;
    TimePoint at{};
  };
  // `how` ends the log line: empty for a lookup, " (ip host)" for the table.
  void answered(const std::string& name, std::optional<IpAddress> a, std::string_view how = {});
  const Clock& clock_;
  Lookup lookup_;
  std::string what_;
  std::map<std::string, Entry> names_;
  std::map<std::string, IpAddress> hosts_;  // ip host: each name's address in use
};

}  // namespace kg::daemon
