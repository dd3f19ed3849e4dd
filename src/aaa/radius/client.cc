// The RADIUS client's request table, retransmission, fail-over and
// dead-server probing (client.h has the pipeline).
#include "aaa/radius/client.h"

#include <algorithm>

#include "aaa/radius/authenticator.h"
#include "aaa/radius/hiding.h"
#include "common/log.h"

namespace kg::aaa::radius {
namespace {

using kg::radius::AttrType;
using kg::radius::Code;
constexpr uint64_t kProbe = ~uint64_t{0};  // the Identifier holds a Status-Server probe

}  // namespace

void Client::configure(std::vector<ServerConfig> servers, ClientSettings settings) {
  settings_ = settings;
  std::map<std::string, Server> next;
  for (auto& c : servers) {
    auto it = servers_.find(c.name);
    Server s;
    if (it != servers_.end()) s = std::move(it->second);
    s.config = std::move(c);
    next[s.config.name] = std::move(s);
  }
  servers_ = std::move(next);
}

Client::Server* Client::server(const std::string& name) {
  auto it = servers_.find(name);
  return it == servers_.end() ? nullptr : &it->second;
}

// RFC 5080 §2.2.1 asks for back-off between retransmissions. The server's
// budget is IOS's timeout × (retransmit + 1), so fail-over comes as soon
// as with fixed intervals; within it each wait doubles the one before:
// with timeout 5 s and 3 retransmissions, 1.3 s, 2.7 s, 5.3 s, 10.7 s.
// Returned: from the first transmission to the end of the wait after the
// `sends`-th, so the last one ends exactly at the budget.
Millis server_budget(const ClientSettings& s) {
  return s.timeout * int64_t(std::min(s.retransmit, 20u) + 1);
}

Millis Client::wait_until(unsigned sends) const {
  unsigned r = std::min(settings_.retransmit, 20u);
  int64_t budget = server_budget(settings_).count();
  int64_t parts = (int64_t{1} << (r + 1)) - 1;
  return Millis(std::max<int64_t>(sends, budget * ((int64_t{1} << sends) - 1) / parts));
}

uint64_t Client::submit(const std::vector<std::string>& group, Port port, Packet request, Done done) {
  uint64_t h = next_handle_++;
  Request& r = inflight_[h];
  r.handle = h;
  r.group = group;
  r.port = port;
  r.has_eap = request.find(AttrType::kEapMessage) != nullptr;
  r.packet = std::move(request);
  for (auto& a : r.packet.attributes)
    if (a.type == uint8_t(AttrType::kUserPassword)) {
      r.password = Secret(ByteView(a.value));
      std::fill(a.value.begin(), a.value.end(), uint8_t(0));
    }
  std::erase_if(r.packet.attributes, [](const auto& a) { return a.type == uint8_t(AttrType::kUserPassword); });
  r.done = std::move(done);
  // A group whose servers are all dead is tried anyway, in order: refusing
  // every user until a probe is answered would be worse.
  bool any_live = std::any_of(group.begin(), group.end(), [&](const std::string& n) {
    const Server* s = server(n);
    return s && !s->dead;
  });
  r.all_dead = !any_live;
  if (!dispatch(r)) finish(h, fail(Errc::kNotFound, "no RADIUS server configured in the group"));
  return h;
}

bool Client::dispatch(Request& r) {
  for (; r.server_index < r.group.size(); ++r.server_index) {
    Server* s = server(r.group[r.server_index]);
    if (!s || (s->dead && !r.all_dead)) continue;
    auto& ids = r.port == Port::kAuth ? s->ids : s->acct_ids;
    std::optional<uint8_t> id;
    for (int k = 0; k < 256 && !id; ++k) {
      uint8_t cand = uint8_t(s->next_id + k);
      if (ids[cand] == 0) id = cand;
    }
    if (!id) {  // 256 in flight to this server: wait for an Identifier
      r.sends = 0;
      if (std::find(waiting_.begin(), waiting_.end(), r.handle) == waiting_.end()) waiting_.push_back(r.handle);
      return true;
    }
    s->next_id = uint8_t(*id + 1);
    ids[*id] = r.handle;
    r.packet.identifier = *id;
    if (r.packet.code == uint8_t(Code::kAccessRequest)) rng_.fill(r.packet.authenticator);
    if (!r.password.empty()) {
      std::erase_if(r.packet.attributes, [](const auto& a) { return a.type == uint8_t(AttrType::kUserPassword); });
      auto hidden = hide_user_password(r.password.view(), s->config.key, r.packet.authenticator);
      if (hidden) r.packet.add(AttrType::kUserPassword, *hidden);
    }
    auto d = seal_request(r.packet, s->config.key);
    if (!d) {
      ids[*id] = 0;
      log::warn("RADIUS: request not sent: " + d.error().message);
      return false;
    }
    r.datagram = std::move(*d);
    r.sends = 1;
    r.first_sent = clock_.now();
    r.deadline = r.first_sent + wait_until(1);
    r.id = *id;
    s->stats.requests++;
    Endpoint to{s->config.address, r.port == Port::kAuth ? s->config.auth_port : s->config.acct_port};
    transport_.send(to, r.datagram);
    return true;
  }
  return false;
}

void Client::release_id(Request& r) {
  if (r.sends == 0 || r.server_index >= r.group.size()) return;
  if (Server* s = server(r.group[r.server_index])) {
    auto& ids = r.port == Port::kAuth ? s->ids : s->acct_ids;
    if (ids[r.id] == r.handle) ids[r.id] = 0;
  }
  r.sends = 0;
}

void Client::finish(uint64_t handle, Result<Reply> result) {
  auto it = inflight_.find(handle);
  if (it == inflight_.end()) return;
  Request r = std::move(it->second);
  release_id(r);
  inflight_.erase(it);
  std::erase(waiting_, handle);
  if (r.done) r.done(std::move(result));
  drain_waiting();
}

void Client::cancel(uint64_t handle) {
  auto it = inflight_.find(handle);
  if (it == inflight_.end()) return;
  release_id(it->second);
  inflight_.erase(it);
  std::erase(waiting_, handle);
  drain_waiting();
}

void Client::drain_waiting() {
  std::deque<uint64_t> again;
  again.swap(waiting_);
  for (uint64_t h : again) {
    auto it = inflight_.find(h);
    if (it == inflight_.end()) continue;
    if (!dispatch(it->second)) finish(h, fail(Errc::kIo, "no RADIUS server left in the group"));
  }
}

void Client::give_up_on_server(Request& r) {
  Server* s = r.server_index < r.group.size() ? server(r.group[r.server_index]) : nullptr;
  release_id(r);
  if (s) {
    s->stats.timeouts++;
    if (!s->dead) {
      s->dead = true;
      s->dead_since = clock_.now();
      s->next_probe = s->dead_since;  // probe at once: the next timer sends it
      s->stats.dead_marked++;
      log::event("RADIUS", log::Level::kWarning, "RADIUS_DEAD",
                 "RADIUS server " + s->config.address.str() + ":" + std::to_string(s->config.auth_port) + "," +
                     std::to_string(s->config.acct_port) + " is not responding.");
    }
  }
  r.server_index++;
}

void Client::send_probe(Server& s) {
  if (s.probe_id) s.ids[*s.probe_id] = 0;
  s.probe_id.reset();
  for (int k = 0; k < 256; ++k) {
    uint8_t cand = uint8_t(s.next_id + k);
    if (s.ids[cand] == 0) {
      s.probe_id = cand;
      break;
    }
  }
  if (!s.probe_id) return;  // busy with 256 requests: it is not dead then
  s.ids[*s.probe_id] = kProbe;
  s.next_id = uint8_t(*s.probe_id + 1);
  // RFC 5997 §3: Status-Server to the authentication port, with a
  // Message-Authenticator and nothing that could look like a login.
  Packet p{uint8_t(Code::kStatusServer), *s.probe_id, {}, {}};
  rng_.fill(p.authenticator);
  auto d = seal_request(p, s.config.key);
  if (!d) return;
  s.probe_auth = p.authenticator;
  s.stats.probes++;
  Millis interval = settings_.probe_interval.count() ? settings_.probe_interval : settings_.timeout;
  s.next_probe = clock_.now() + interval;
  transport_.send({s.config.address, s.config.auth_port}, *d);
}

void Client::mark_alive(Server& s) {
  if (!s.dead) return;
  s.dead = false;
  if (s.probe_id) s.ids[*s.probe_id] = 0;
  s.probe_id.reset();
  log::event("RADIUS", log::Level::kInfo, "RADIUS_ALIVE",
             "RADIUS server " + s.config.address.str() + ":" + std::to_string(s.config.auth_port) + "," +
                 std::to_string(s.config.acct_port) + " is being marked alive.");
  drain_waiting();
}

void Client::on_datagram(const Endpoint& from, ByteView datagram) {
  Server* s = nullptr;
  Port port = Port::kAuth;
  for (auto& [name, cand] : servers_) {
    if (cand.config.address != from.addr) continue;
    if (from.port == cand.config.auth_port) s = &cand, port = Port::kAuth;
    else if (from.port == cand.config.acct_port) s = &cand, port = Port::kAcct;
    if (s) break;
  }
  if (!s) {
    unknown_source_++;
    return;
  }
  if (datagram.size() < kg::radius::kHeaderSize) {
    s->stats.malformed++;
    return;
  }
  uint8_t id = datagram[1];
  uint64_t h = (port == Port::kAuth ? s->ids : s->acct_ids)[id];
  if (h == kProbe && port == Port::kAuth) {
    // RFC 5997 §3 asks servers to put a Message-Authenticator in the reply,
    // but FreeRADIUS 3.2 answers Status-Server with a bare Access-Accept:
    // its Response Authenticator (checked) proves the key all the same.
    auto reply = open_reply(datagram, s->probe_auth, s->config.key, false);
    if (!reply) {
      (reply.error().code == Errc::kAuthFailed ? s->stats.bad_authenticator : s->stats.malformed)++;
      return;
    }
    s->stats.probe_answers++;
    mark_alive(*s);
    return;
  }
  auto it = h ? inflight_.find(h) : inflight_.end();
  if (it == inflight_.end()) {
    s->stats.unmatched++;
    return;
  }
  Request& r = it->second;
  auto reply = open_reply(datagram, r.packet.authenticator, s->config.key, r.has_eap);
  if (!reply) {
    (reply.error().code == Errc::kAuthFailed ? s->stats.bad_authenticator : s->stats.malformed)++;
    return;
  }
  // The MSK is read now, while the request's Authenticator and the
  // server's key are at hand; keys that do not decode make the reply bad.
  Secret msk;
  if (reply->code == uint8_t(Code::kAccessAccept)) {
    auto m = msk_from_accept(*reply, s->config.key, r.packet.authenticator);
    if (!m) {
      s->stats.malformed++;
      return;
    }
    msk = std::move(*m);
  }
  switch (Code(reply->code)) {
    case Code::kAccessAccept: s->stats.accepts++; break;
    case Code::kAccessReject: s->stats.rejects++; break;
    case Code::kAccessChallenge: s->stats.challenges++; break;
    case Code::kAccountingResponse: s->stats.accounting_responses++; break;
    default: s->stats.other_replies++; break;
  }
  bool expected = port == Port::kAuth ? reply->code == uint8_t(Code::kAccessAccept) ||
                                            reply->code == uint8_t(Code::kAccessReject) ||
                                            reply->code == uint8_t(Code::kAccessChallenge)
                                      : reply->code == uint8_t(Code::kAccountingResponse);
  if (!expected) {
    s->stats.malformed++;
    return;
  }
  // RFC 5080 §2.2.2: a retransmitted request's round trip is ambiguous;
  // only first answers are timed.
  if (r.sends == 1) {
    Millis rtt = std::chrono::duration_cast<Millis>(clock_.now() - r.first_sent);
    s->stats.rtt_last = rtt;
    s->stats.rtt_total += rtt;
    s->stats.rtt_count++;
  }
  mark_alive(*s);
  finish(h, Reply{std::move(*reply), std::move(msk), s->config.name});
}

void Client::on_timer() {
  TimePoint now = clock_.now();
  std::vector<uint64_t> due;
  for (auto& [h, r] : inflight_)
    if (r.sends > 0 && r.deadline <= now) due.push_back(h);
  for (uint64_t h : due) {
    auto it = inflight_.find(h);
    if (it == inflight_.end()) continue;
    Request& r = it->second;
    Server* s = r.server_index < r.group.size() ? server(r.group[r.server_index]) : nullptr;
    if (s && r.sends <= settings_.retransmit) {
      r.sends++;
      r.deadline = r.first_sent + wait_until(r.sends);
      s->stats.retransmissions++;
      transport_.send({s->config.address, r.port == Port::kAuth ? s->config.auth_port : s->config.acct_port},
                      r.datagram);
      continue;
    }
    give_up_on_server(r);
    if (!dispatch(r)) finish(h, fail(Errc::kIo, "no RADIUS server answered"));
  }
  for (auto& [name, s] : servers_) {
    if (!s.dead) continue;
    if (settings_.deadtime.count() > 0 && now >= s.dead_since + settings_.deadtime) {
      mark_alive(s);
      continue;
    }
    if (now >= s.next_probe) send_probe(s);
  }
}

std::optional<TimePoint> Client::next_deadline() const {
  std::optional<TimePoint> when;
  auto take = [&](TimePoint t) {
    if (!when || t < *when) when = t;
  };
  for (const auto& [h, r] : inflight_)
    if (r.sends > 0) take(r.deadline);
  for (const auto& [name, s] : servers_) {
    if (!s.dead) continue;
    take(s.next_probe);
    if (settings_.deadtime.count() > 0) take(s.dead_since + settings_.deadtime);
  }
  return when;
}

std::vector<Client::ServerView> Client::servers() const {
  std::vector<ServerView> out;
  for (const auto& [name, s] : servers_) {
    size_t n = 0;
    for (const auto& [h, r] : inflight_)
      if (r.sends > 0 && r.server_index < r.group.size() && r.group[r.server_index] == name) n++;
    out.push_back({&s.config, s.dead, s.dead ? std::optional<TimePoint>(s.dead_since) : std::nullopt, n, &s.stats});
  }
  return out;
}

}  // namespace kg::aaa::radius
