// The RADIUS client (RFC 2865 §2.5, RFC 5080 §2.2, RFC 5997): requests to a
// server group, each answered later through a callback, never blocking the
// daemon's event loop. It does no I/O itself (STYLE.md: the socket and the
// clock are behind interfaces): the daemon hands it the datagrams that
// arrive and calls on_timer at next_deadline().
//
// Pipeline of one request:
//   submit -> pick the group's first live server -> take a free Identifier
//   for that server (256 per server and socket; more requests wait in a
//   queue) -> seal (Message-Authenticator, and for accounting the Request
//   Authenticator) -> send -> retransmit the same datagram while the
//   server's budget lasts -> reply: matched by server and Identifier,
//   checked (authenticators), handed to the callback.
// A server whose budget runs out with no answer is marked dead and the
// request moves on to the next server of the group; a dead server is
// skipped until it answers a Status-Server probe (RFC 5997 §4) or its
// deadtime ends. A reply that is malformed, fails its authenticators or
// matches nothing is dropped and counted.
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/clock.h"
#include "common/ip.h"
#include "common/random.h"
#include "common/result.h"
#include "common/secret.h"
#include "wire/radius/packet.h"

namespace kg::aaa::radius {

using kg::radius::Packet;

// One server as configured (radius server NAME / server-private).
struct ServerConfig {
  std::string name;  // "RAD1", or the address for server-private
  IpAddress address;
  uint16_t auth_port = 1812;
  uint16_t acct_port = 1813;
  Secret key;
};

// radius-server timeout|retransmit|deadtime.
struct ClientSettings {
  Millis timeout{5000};   // per transmission budget (IOS: seconds)
  unsigned retransmit = 3;  // at most 20 are used
  Millis deadtime{0};     // 0: dead until a Status-Server probe is answered
  Millis probe_interval{0};  // 0: the timeout
};

// How long one server is given before fail-over: IOS's timeout x
// (retransmit + 1), retransmit capped at 20 (RFC 5080 back-off within it).
[[nodiscard]] Millis server_budget(const ClientSettings& s);
// The longest a request can take before it is answered or fails: every one
// of `servers` used up in turn. Whatever waits for a RADIUS answer (an IKE
// exchange) must wait at least this long, or it gives up on a fail-over the
// client would have finished.
[[nodiscard]] inline Millis longest_request(const ClientSettings& s, size_t servers) {
  return server_budget(s) * int64_t(servers);
}

// What show aaa servers / show radius statistics print.
struct ServerStats {
  uint64_t requests = 0, retransmissions = 0, timeouts = 0;
  uint64_t accepts = 0, rejects = 0, challenges = 0, accounting_responses = 0, other_replies = 0;
  uint64_t malformed = 0, bad_authenticator = 0, unmatched = 0;
  uint64_t probes = 0, probe_answers = 0, dead_marked = 0;
  Millis rtt_last{0}, rtt_total{0};
  uint64_t rtt_count = 0;
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual void send(const Endpoint& to, ByteView datagram) = 0;
};

enum class Port { kAuth, kAcct };

// A verified reply and what only the client can read in it: the MSK of an
// Access-Accept (MS-MPPE keys, decoded with the server's key; empty when it
// carries none) and which server answered.
struct Reply {
  Packet packet;
  Secret msk;
  std::string server;
};

class Client {
 public:
  // The reply, or why there is none (kIo: no server answered).
  using Done = std::function<void(Result<Reply>)>;

  Client(Transport& transport, const Clock& clock, Random& rng) : transport_(transport), clock_(clock), rng_(rng) {}

  // The configuration: servers by name, and settings. Requests in flight
  // keep the server they were sent to while it stays configured.
  void configure(std::vector<ServerConfig> servers, ClientSettings settings);

  // Sends `request` (code and attributes; Identifier and Authenticator are
  // the client's) to the servers named in `group`, in order. A User-Password
  // attribute is given in clear: the client takes it out of the packet and
  // hides it (RFC 2865 §5.2) for each server it sends to.
  // Returns a handle for cancel().
  uint64_t submit(const std::vector<std::string>& group, Port port, Packet request, Done done);
  // The caller is gone (the IKE SA died): its callback is never called.
  void cancel(uint64_t handle);

  void on_datagram(const Endpoint& from, ByteView datagram);
  void on_timer();
  [[nodiscard]] std::optional<TimePoint> next_deadline() const;

  struct ServerView {
    const ServerConfig* config;
    bool dead;
    std::optional<TimePoint> dead_since;
    size_t outstanding;
    const ServerStats* stats;
  };
  [[nodiscard]] std::vector<ServerView> servers() const;
  [[nodiscard]] uint64_t dropped_unknown_source() const { return unknown_source_; }
  [[nodiscard]] size_t outstanding() const { return inflight_.size(); }

 private:
  struct Server {
    ServerConfig config;
    ServerStats stats;
    bool dead = false;
    TimePoint dead_since{};
    TimePoint next_probe{};
    std::optional<uint8_t> probe_id;  // Identifier of the Status-Server in flight
    kg::radius::Authenticator probe_auth{};
    std::array<uint64_t, 256> ids{};  // Identifier -> handle (0: free), per port
    std::array<uint64_t, 256> acct_ids{};
    uint8_t next_id = 0;
  };
  struct Request {
    uint64_t handle = 0;
    std::vector<std::string> group;
    size_t server_index = 0;  // into group
    Port port = Port::kAuth;
    Packet packet;            // as sealed for the current server
    Bytes datagram;
    bool has_eap = false;
    Secret password;          // User-Password in clear, hidden per server
    bool all_dead = false;    // every server was dead at submit: try them anyway
    uint8_t id = 0;           // Identifier at the current server
    unsigned sends = 0;       // transmissions to the current server
    TimePoint first_sent{}, deadline{};
    Done done;
  };

  Server* server(const std::string& name);
  // Sends the request to group[server_index] or the next live server after
  // it (or queues it for an Identifier); false when the group is exhausted.
  bool dispatch(Request& r);
  void finish(uint64_t handle, Result<Reply> result);
  void give_up_on_server(Request& r);
  void send_probe(Server& s);
  void mark_alive(Server& s);
  Millis wait_until(unsigned sends) const;
  void release_id(Request& r);
  void drain_waiting();

  Transport& transport_;
  const Clock& clock_;
  Random& rng_;
  ClientSettings settings_;
  std::map<std::string, Server> servers_;
  std::map<uint64_t, Request> inflight_;
  std::deque<uint64_t> waiting_;  // handles with no free Identifier yet
  uint64_t next_handle_ = 1;
  uint64_t unknown_source_ = 0;
};

}  // namespace kg::aaa::radius
