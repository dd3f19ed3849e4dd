#include "daemon/flexvpn_client.h"

#include "common/log.h"

namespace kg::daemon {
namespace {

std::string tag(const std::string& name) { return "FlexVPN(" + name + ")"; }

}  // namespace

FlexvpnClient::FlexvpnClient(std::string name, const config::FlexvpnClient& cfg, Resolver resolve)
    : name_(std::move(name)), cfg_(cfg), resolve_(std::move(resolve)) {
  for (auto& [seq, spec] : cfg_.peers) peers_.emplace_back(seq, spec);  // std::map: by sequence number
}

std::optional<IpAddress> FlexvpnClient::destination() const {
  if (state_ == State::kConnecting || state_ == State::kConnected) return addr_;
  return std::nullopt;
}

void FlexvpnClient::on_up(const Endpoint& local, const Endpoint& remote) {
  if (state_ == State::kConnected) return;
  state_ = State::kConnected;
  // Up before this client was (re)configured: find which peer it is.
  if (addr_ != remote.addr)
    for (size_t i = 0; i < peers_.size(); ++i)
      if (IpAddress::parse(peers_[i].second) == remote.addr) cur_ = i;
  addr_ = remote.addr;
  local_ = local;
  remote_ = remote;
  failed_in_row_ = 0;
  if (reactivating_) probe_interval_ = kProbeInterval;
  reactivating_ = false;
  log::event("FLEXVPN", log::Level::kInfo, "FLEXVPN_CONNECTION_UP",
             tag(name_) + " Client_public_addr = " + local.addr.str() + " Server_public_addr = " + remote.addr.str());
}

void FlexvpnClient::reset() {
  if (state_ == State::kIdle && cur_ == 0) return;
  state_ = State::kIdle;
  cur_ = failed_in_row_ = 0;
  pause_until_ = next_probe_ = {};
  pending_initiate_ = reactivating_ = false;
  probe_interval_ = kProbeInterval;
}

void FlexvpnClient::on_down() {
  if (state_ != State::kConnected) return;  // a failing attempt is seen by tick()
  log::event("FLEXVPN", log::Level::kInfo, "FLEXVPN_CONNECTION_DOWN",
             tag(name_) + " Client_public_addr = " + local_.addr.str() + " Server_public_addr = " + remote_.addr.str());
  state_ = State::kLost;
}

void FlexvpnClient::on_dead() {
  // The session-down of a dead peer comes first (on_down); a peer dead while
  // we were still connecting is a failed attempt.
  if (state_ == State::kConnected) on_down();
  if (state_ == State::kConnecting) state_ = State::kLost;
}

bool FlexvpnClient::tick(TimePoint now, bool negotiating) {
  if (peers_.empty() || cfg_.connect.empty()) return false;
  switch (state_) {
    case State::kConnected:
      return false;
    case State::kIdle:
      if (now < pause_until_) return false;
      return select(now, cur_);
    case State::kConnecting:
      if (pending_initiate_ && !negotiating) {  // the session left behind is gone
        pending_initiate_ = false;
        attempt_start_ = now;
        return true;
      }
      if (negotiating && now - attempt_start_ < kConnectTimeout) return false;
      pending_initiate_ = false;
      if (reactivating_) {  // do not come back too soon to a peer that fails
        probe_interval_ = std::min(probe_interval_ * 2, kMaxProbeInterval);
        reactivating_ = false;
      }
      log::warn(tag(name_) + ": " + cfg_.connect + ": connection to peer " + std::to_string(peer_seq()) + " " +
                (addr_ ? addr_->str() : std::string("?")) + " failed");
      break;
    case State::kLost:
      log::info(tag(name_) + ": " + cfg_.connect + ": lost peer " + std::to_string(peer_seq()) + " " +
                (addr_ ? addr_->str() : std::string("?")));
      break;
  }
  failed_in_row_++;
  return select(now, cur_ + 1);
}

// The first peer from `from` (wrapping) whose address is known. After a
// whole round of failures, pause before starting the next one.
bool FlexvpnClient::select(TimePoint now, size_t from) {
  size_t n = peers_.size();
  for (size_t i = 0; i < n; ++i) {
    if (failed_in_row_ >= n) {
      log::warn(tag(name_) + ": " + cfg_.connect + ": no peer answered; trying again in " +
                std::to_string(kRoundPause.count() / 1000) + " s");
      failed_in_row_ = 0;
      state_ = State::kIdle;
      cur_ = (from + i) % n;
      pause_until_ = now + kRoundPause;
      return false;
    }
    size_t idx = (from + i) % n;
    auto& [seq, spec] = peers_[idx];
    Resolution r = resolve(idx);
    if (r.pending) {  // its name is being looked up: this peer again on a later tick
      cur_ = idx;
      state_ = State::kIdle;
      return false;
    }
    std::optional<IpAddress> a = r.address;
    if (!a) {
      failed_in_row_++;
      continue;
    }
    cur_ = idx;
    addr_ = a;
    state_ = State::kConnecting;
    attempt_start_ = now;
    log::info(tag(name_) + ": " + cfg_.connect + ": connecting to peer " + std::to_string(seq) + " " + a->str());
    return true;
  }
  // Every peer failed to resolve: the loop's first check pauses next time.
  state_ = State::kIdle;
  pause_until_ = now + kRoundPause;
  failed_in_row_ = 0;
  return false;
}

FlexvpnClient::Resolution FlexvpnClient::resolve(size_t idx) {
  auto& [seq, spec] = peers_[idx];
  if (auto a = IpAddress::parse(spec)) return a;
  if (spec.rfind("fqdn ", 0) != 0) return std::nullopt;
  std::string host = spec.substr(5, spec.find(' ', 5) - 5);
  Resolution r = resolve_ ? resolve_(host) : Resolution(std::nullopt);
  if (!r.pending && !r.address)
    log::warn(tag(name_) + ": peer " + std::to_string(seq) + " " + host + " does not resolve");
  return r;
}

std::vector<IpAddress> FlexvpnClient::probes_due(TimePoint now) {
  std::vector<IpAddress> v;
  if (!cfg_.peer_reactivate || state_ != State::kConnected || cur_ == 0 || now < next_probe_) return v;
  next_probe_ = now + probe_interval_;
  probed_.clear();
  for (size_t i = 0; i < cur_; ++i)
    if (auto a = resolve(i).address) {  // a name still being looked up: next time
      probed_.emplace_back(i, *a);
      v.push_back(*a);
    }
  return v;
}

bool FlexvpnClient::on_probe_answer(TimePoint now, const IpAddress& from) {
  if (state_ != State::kConnected) return false;
  for (auto& [idx, a] : probed_) {
    if (a != from || idx >= cur_) continue;
    log::info(tag(name_) + ": " + cfg_.connect + ": peer " + std::to_string(peers_[idx].first) + " " + a.str() +
              " answers again; returning to it (peer reactivate)");
    on_down();
    cur_ = idx;
    addr_ = a;
    state_ = State::kConnecting;
    attempt_start_ = now;
    pending_initiate_ = reactivating_ = true;
    probed_.clear();
    return true;
  }
  return false;
}

// IOS layout (FlexVPN client configuration guide):
//   Profile : default
//   Current state:Tunnel0 up
//   Peer : 198.51.100.1
//   Backup group: None
//   Tunnel0 : 198.18.1.10
std::string show_flexvpn_client(const FlexvpnClient& c, bool tunnel_up, const std::optional<Prefix>& assigned) {
  std::string s = "Profile : " + c.name() + "\n";
  s += "Current state:" + c.tunnel() + (tunnel_up ? " up" : " down") + "\n";
  auto d = c.destination();
  s += "Peer : " + (d ? d->str() : std::string("None")) + "\n";
  s += "Backup group: None\n";
  s += c.tunnel() + " : " + (assigned ? assigned->addr.str() : std::string("unassigned")) + "\n";
  return s;
}

}  // namespace kg::daemon
