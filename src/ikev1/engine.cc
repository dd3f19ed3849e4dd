// The IKEv1 engine's driver: decode first, then find the ISAKMP SA by its
// cookies and hand the message to its exchange; timers for retransmission
// and lifetimes; operator commands; show data.
#include "common/log.h"
#include "ikev1/engine_impl.h"
#include "ikev1/transform_ids.h"

namespace kg::ikev1 {

using isakmp::ExchangeType;

std::unique_ptr<Engine> Engine::create(const PolicyProvider& policy, const Clock& clock, Random& rng,
                                       EngineOptions options) {
  return std::make_unique<EngineImpl>(policy, clock, rng, options);
}

Bytes EngineImpl::random_bytes(size_t n) {
  Bytes b(n);
  rng_.fill(b);
  return b;
}

// SPIs 0-255 are reserved (RFC 4303 §2.1).
uint32_t EngineImpl::random_spi() {
  uint32_t s = 0;
  while (s < 256) s = rng_.u32();
  return s;
}

IsakmpSa* EngineImpl::find(uint64_t cky_i, uint64_t cky_r) {
  return find_if(cky_i, [&](const IsakmpSa& sa) { return sa.cky_r == cky_r; });
}

IsakmpSa& EngineImpl::create_sa(bool initiator, const Endpoint& local, const Endpoint& remote, uint64_t cky_i) {
  auto sa = std::make_unique<IsakmpSa>();
  sa->conn_id = next_conn_id_++;
  sa->initiator = initiator;
  sa->local = local;
  sa->remote = remote;
  sa->created = clock_.now();
  sa->expires = sa->created + std::chrono::seconds(86400);
  sa->cky_i = cky_i;
  while (sa->cky_i == 0 && initiator) sa->cky_i = rng_.u64();
  while (sa->cky_r == 0 && !initiator) sa->cky_r = rng_.u64();
  by_cky_i_.emplace(sa->cky_i, sa->conn_id);
  auto& ref = *sa;
  sas_[sa->conn_id] = std::move(sa);
  return ref;
}

void EngineImpl::send(IsakmpSa& sa, Flight& f, Bytes data, bool awaiting, std::vector<Action>& out) {
  f.data = std::move(data);
  f.local = sa.local;
  f.remote = sa.remote;
  f.awaiting = awaiting;
  f.sent = 1;
  f.next = clock_.now() + kRetransmitBase;
  emit(sa, f, out);
}

void EngineImpl::session_status(const IsakmpSa& sa, bool up) const {
  log::event("CRYPTO", log::Level::kNotice, "SESSION_STATUS",
             fmt("Crypto tunnel is {}  .  Peer {}:{}       Id: {}", up ? "UP" : "DOWN", sa.remote.addr.str(),
                 sa.remote.port, sa.remote_id.empty() ? sa.remote.addr.str() : sa.remote_id));
  // crypto logging ezvpn: the Easy VPN server's connection log, as IOS
  // words it (User= is empty without XAUTH, Assigned_client_addr= without
  // mode configuration).
  if (sa.ez && sa.ez->peer.log_connections) {
    auto& a = sa.ez->config.address;
    log::event("CRYPTO", log::Level::kInfo, up ? "EZVPN_CONNECTION_UP" : "EZVPN_CONNECTION_DOWN",
               fmt("(Server) User={} Group={} Client_public_addr={} Server_public_addr={} Assigned_client_addr={}",
                   sa.ez->user, sa.ez->peer.group, sa.remote.addr.str(), sa.local.addr.str(),
                   a ? a->addr.str() : std::string()));
  }
}

void EngineImpl::session_change(IsakmpSa& sa, bool up, std::vector<Action>& out) {
  if (sa.session_up == up) return;
  sa.session_up = up;
  session_status(sa, up);
  ike::SessionEvent ev;
  ev.up = up;
  ev.interface = sa.child ? sa.child->interface : "";
  ev.local = sa.local;
  ev.remote = sa.remote;
  ev.remote_id = sa.remote_id;
  ev.tunnel_id = sa.conn_id;
  ev.ike_spi_i = sa.cky_i;
  ev.config = ezvpn_session(sa);
  out.push_back(std::move(ev));
}

void EngineImpl::remove_children(IsakmpSa& sa, std::vector<Action>& out) {
  for (auto& c : sa.children) out.push_back(ike::RemoveChildSa{sa.child ? sa.child->interface : "", c.spi_in, c.spi_out});
  sa.children.clear();
  session_change(sa, false, out);
}

void EngineImpl::remove_sa(IsakmpSa& sa, bool notify_peer, std::vector<Action>& out) {
  if (std::find(dead_.begin(), dead_.end(), sa.conn_id) != dead_.end()) return;
  if (notify_peer && sa.state == MmState::kReady) {
    std::vector<isakmp::TypedPayload> p;
    if (!sa.children.empty()) {
      isakmp::DeletePayload d;
      for (auto& c : sa.children) {
        ByteWriter w;
        w.u32(c.spi_in);
        d.spis.push_back(w.take());
      }
      p.push_back({isakmp::PayloadType::kDelete, std::move(d)});
      info_send(sa, std::move(p), out);
      p.clear();
    }
    ByteWriter w;
    w.u64(sa.cky_i);
    w.u64(sa.cky_r);
    p.push_back({isakmp::PayloadType::kDelete,
                 isakmp::DeletePayload{isakmp::kDoiIpsec, isakmp::ProtocolId::kIsakmp, 16, {w.take()}}});
    info_send(sa, std::move(p), out);
  }
  remove_children(sa, out);
  ezvpn_release(sa, out);
  dead_.push_back(sa.conn_id);
}

void EngineImpl::reap() {
  for (auto id : dead_) {
    auto it = sas_.find(id);
    if (it == sas_.end()) continue;
    auto [b, e] = by_cky_i_.equal_range(it->second->cky_i);
    for (auto x = b; x != e; ++x)
      if (x->second == id) {
        by_cky_i_.erase(x);
        break;
      }
    sas_.erase(it);
  }
  dead_.clear();
}

std::vector<Action> EngineImpl::on_packet(const Endpoint& local, const Endpoint& remote, ByteView data) {
  std::vector<Action> out;
  ++stats_.rx_packets;
  auto m = isakmp::parse_message(data);
  if (!m) {
    ++stats_.rx_dropped_malformed;
    log::debug(fmt("IKEv1: dropped malformed packet from {}: {}", remote.str(), m.error().message));
    return out;
  }
  const auto& h = m->header;
  IsakmpSa* sa = nullptr;
  if (h.next_payload == isakmp::PayloadType::kFragment && !h.encrypted()) {
    sa = find(h.cookie_i, h.cookie_r);
    if (!sa) {
      ++stats_.rx_dropped_unknown_sa;
      log::debug(fmt("IKEv1: IKE fragment from {} for no ISAKMP SA", remote.str()));
      return out;
    }
    auto whole = defragment(*sa, *m);
    if (!whole) return out;
    --stats_.rx_packets;  // counted again as the whole message
    return on_packet(local, remote, *whole);
  }
  if (h.cookie_r == 0) {
    // Main Mode message 1, or its retransmission.
    sa = find_if(h.cookie_i, [&](const IsakmpSa& s) { return !s.initiator && s.remote == remote; });
    if (!sa) {
      if (h.exchange == ExchangeType::kAggressive && h.message_id == 0 && !h.encrypted()) {
        if (policy_.aggressive_mode_disabled()) {
          aggressive_disabled_log(remote);
          ++stats_.rx_dropped_unknown_sa;
          return out;
        }
        auto& fresh = create_sa(false, local, remote, h.cookie_i);
        am_respond(fresh, *m, data, out);
        if (fresh.state == MmState::kKeDone) fresh.expires = clock_.now() + std::chrono::seconds(fresh.policy.lifetime_s);
        reap();
        return out;
      }
      if (h.exchange != ExchangeType::kIdentityProtection || h.message_id != 0 || h.encrypted()) {
        ++stats_.rx_dropped_unknown_sa;
        log::debug(fmt("IKEv1: {} from {} is neither a Main Mode nor an Aggressive Mode offer",
                       isakmp::exchange_name(h.exchange), remote.str()));
        return out;
      }
      auto& fresh = create_sa(false, local, remote, h.cookie_i);
      fresh.policy.lifetime_s = 86400;
      mm_respond_sa(fresh, *m, data, out);
      if (fresh.state == MmState::kSaChosen) fresh.expires = clock_.now() + std::chrono::seconds(fresh.policy.lifetime_s);
      reap();
      return out;
    }
  } else {
    sa = find(h.cookie_i, h.cookie_r);
    if (!sa) {  // the answer to our message 1 names the responder's cookie
      sa = find_if(h.cookie_i, [](const IsakmpSa& s) {
        return s.initiator && s.cky_r == 0 && s.state == MmState::kSaSent;
      });
      if (sa) sa->cky_r = h.cookie_r;
    }
  }
  if (!sa) {
    ++stats_.rx_dropped_unknown_sa;
    log::event("CRYPTO", log::Level::kWarning, "IKMP_NO_SA",
               fmt("IKE message from {} has no SA and is not an initialization offer", remote.addr.str()));
    return out;
  }
  // A repeat of the message our last one answered: the peer lost our answer.
  auto repeat = [&](Flight& f) {
    if (f.last_rx.empty() || !std::equal(f.last_rx.begin(), f.last_rx.end(), data.begin(), data.end())) return false;
    ++stats_.rx_retransmitted;
    if (!f.data.empty()) emit(*sa, f, out);
    return true;
  };
  switch (h.exchange) {
    case ExchangeType::kIdentityProtection:
      if (sa->dh_work) {  // message 3 again while its key exchange is out: message 4 answers it
        ++stats_.rx_retransmitted;
        break;
      }
      if (repeat(sa->flight)) break;
      // RFC 3947 §4: the initiator moves to 4500 at message 5; follow it.
      if (!sa->initiator && sa->state == MmState::kKeDone) {
        sa->local = local;
        sa->remote = remote;
      }
      mm_process(*sa, *m, data, out);
      break;
    case ExchangeType::kAggressive:
      if (repeat(sa->flight)) break;
      // RFC 3947 §4: the initiator moves to 4500 at message 3; follow it.
      // (Our own Aggressive Mode: am_process takes message 2.)
      if (!sa->initiator && sa->state == MmState::kKeDone) {
        sa->local = local;
        sa->remote = remote;
      }
      am_process(*sa, *m, data, out);
      break;
    case ExchangeType::kTransaction:
      cfg_process(*sa, *m, data, out);
      break;
    case ExchangeType::kQuickMode: {
      auto it = sa->quick.find(h.message_id);
      if (it != sa->quick.end() && repeat(it->second.flight)) break;
      qm_process(*sa, *m, data, out);
      break;
    }
    case ExchangeType::kInformational:
      info_process(*sa, *m, out);
      break;
    default:
      ++stats_.rx_dropped_unknown_sa;
      log::debug(fmt("IKEv1: {} from {} not implemented", isakmp::exchange_name(h.exchange), remote.str()));
  }
  reap();
  return out;
}

// The WorkRequests this engine emitted come back here: Main Mode's key
// exchange, an XAUTH password check.
std::vector<Action> EngineImpl::resume(uint64_t id, ike::WorkResult result) {
  std::vector<Action> out;
  auto it = waiting_.find(id);
  if (it == waiting_.end()) return out;
  auto sa_it = sas_.find(it->second);
  waiting_.erase(it);
  if (sa_it == sas_.end() || std::find(dead_.begin(), dead_.end(), sa_it->first) != dead_.end()) {
    log::debug(fmt("IKEv1: result of request {} dropped: its ISAKMP SA is gone", id));
    return out;
  }
  IsakmpSa& sa = *sa_it->second;
  if (sa.dh_work == id) {  // Main Mode message 3's key exchange (main_mode.cc)
    sa.dh_work = 0;
    auto* d = std::get_if<crypto::DhResponse>(&result);
    mm_respond_ke(sa, d ? std::move(*d) : crypto::DhResponse{nullptr, fail(Errc::kState, "no key exchange result")},
                  out);
  } else if (sa.ez && sa.ez->step == EzvpnState::Step::kGroupLookup && sa.ez->work == id) {  // aggressive_mode.cc
    auto* k = std::get_if<ike::PeerKeys>(&result);
    am_resume(sa, k ? std::move(*k) : ike::PeerKeys{{}, {}, "the lookup gave no keys"}, out);
  } else if (sa.ez && sa.ez->step == EzvpnState::Step::kXauthChecking && sa.ez->work == id) {  // xauth_mode_config.cc
    auto* v = std::get_if<ike::PasswordVerdict>(&result);
    xauth_verdict(sa, v ? std::move(*v) : ike::PasswordVerdict{"the password checker gave no verdict", {}}, out);
  }
  reap();
  return out;
}

std::vector<Action> EngineImpl::on_timer() {
  std::vector<Action> out;
  const TimePoint now = clock_.now();
  auto retransmit = [&](IsakmpSa& sa, Flight& f) -> bool {  // false: give up
    if (!f.awaiting || f.next > now) return true;
    const bool unanswered = &f == &sa.flight && sa.initiator && sa.state == MmState::kSaSent;
    if (f.sent >= (unanswered ? sa.tries : kMaxSends)) return false;
    ++f.sent;
    ++stats_.retransmits;
    f.next = now + kRetransmitBase * (1 << (f.sent - 1));
    emit(sa, f, out);
    return true;
  };
  for (auto& [id, p] : sas_) {
    IsakmpSa& sa = *p;
    bool alive = retransmit(sa, sa.flight);
    for (auto& [mid, q] : sa.quick) alive = alive && retransmit(sa, q.flight);
    if (!alive) {
      if (sa.state == MmState::kReady)
        log::event("CRYPTO", log::Level::kInfo, "IKMP_MODE_FAILURE",
                   fmt("Processing of Quick mode failed with peer at {}", sa.remote.addr.str()));
      else
        mode_failure(sa);
      log::warn(fmt("IKEv1: {} did not answer after {} tries; ISAKMP SA {} deleted", sa.remote.str(), kMaxSends,
                    sa.conn_id));
      // A failed phase-1 rekey is tried again while the old SA lives.
      if (sa.child && !(sa.replaces && p1_rekey_failed(sa)))
        out.push_back(ike::PeerDead{sa.child->interface, "", sa.local, sa.remote, sa.remote_id});
      remove_sa(sa, false, out);
      continue;
    }
    // IPsec SAs end at their lifetime (the initiator starts a new Quick
    // Mode at 90% of it, so traffic moves before).
    std::vector<size_t> rekey;
    for (auto& c : sa.children)
      if (!c.rekeyed && c.rekey_at <= now && sa.state == MmState::kReady && sa.child) {
        c.rekeyed = true;
        rekey.push_back(c.pair);
      }
    for (size_t pair : rekey) qm_initiate(sa, pair, out);
    bool expired = false;
    for (auto c = sa.children.begin(); c != sa.children.end();) {
      if (c->expires <= now) {
        out.push_back(ike::RemoveChildSa{sa.child ? sa.child->interface : "", c->spi_in, c->spi_out});
        c = sa.children.erase(c);
        expired = true;
      } else {
        ++c;
      }
    }
    // The session ends with its last IPsec SA, as when the peer deletes it.
    if (expired && sa.children.empty() && session_holder(sa).children.empty())
      session_change(session_holder(sa), false, out);
    dpd_check(sa, now, out);
    if (p1_rekey_due(sa) && p1_rekey_time(sa) <= now) p1_rekey(sa, out);
    if (sa.expires <= now) {
      log::debug(fmt("IKEv1: ISAKMP SA {} with {} expired", sa.conn_id, sa.remote.str()));
      if (!hand_over(sa)) p1_expired(sa);  // to its successor, if one is ready
      remove_sa(sa, true, out);
    }
  }
  reap();
  return out;
}

std::optional<TimePoint> EngineImpl::next_deadline() const {
  std::optional<TimePoint> t;
  auto at = [&](TimePoint x) { t = t ? std::min(*t, x) : x; };
  for (auto& [id, sa] : sas_) {
    if (sa->flight.awaiting) at(sa->flight.next);
    for (auto& [mid, q] : sa->quick)
      if (q.flight.awaiting) at(q.flight.next);
    for (auto& c : sa->children) {
      at(c.expires);
      if (!c.rekeyed) at(c.rekey_at);
    }
    at(sa->expires);
    if (auto d = dpd_deadline(*sa)) at(*d);
    if (p1_rekey_due(*sa)) at(p1_rekey_time(*sa));
  }
  return t;
}

std::vector<Action> EngineImpl::initiate(const InitiateRequest& req) {
  std::vector<Action> out;
  for (auto& [id, sa] : sas_)
    if (sa->child && sa->child->interface == req.child.interface && sa->remote.addr == req.remote.addr) {
      if (sa->state == MmState::kReady) qm_initiate_missing(*sa, out);
      return out;
    }
  auto& sa = create_sa(true, req.local, req.remote);
  sa.child = req.child;
  sa.profile = req.profile;
  if (req.tries > 0) sa.tries = req.tries;
  phase1_initiate(sa, req.aggressive, out);
  reap();
  return out;
}

std::vector<Action> EngineImpl::delete_sessions(const std::string& interface) {
  std::vector<Action> out;
  for (auto& [id, sa] : sas_)
    if (interface.empty() || (sa->child && sa->child->interface == interface)) remove_sa(*sa, true, out);
  reap();
  return out;
}

std::vector<Action> EngineImpl::clear_sa(uint32_t conn_id) {
  std::vector<Action> out;
  auto it = sas_.find(conn_id);
  if (it == sas_.end()) return out;
  remove_sa(*it->second, true, out);
  reap();
  return out;
}

namespace {

const char* state_word(MmState s) {
  switch (s) {
    case MmState::kSaSent: return "MM_NO_STATE";
    case MmState::kSaChosen:
    case MmState::kKeSent: return "MM_SA_SETUP";
    case MmState::kKeDone:
    case MmState::kAuthSent: return "MM_KEY_EXCH";
    case MmState::kReady: return "QM_IDLE";
  }
  return "MM_NO_STATE";
}

}  // namespace

std::vector<IsakmpSaInfo> EngineImpl::sas() const {
  std::vector<IsakmpSaInfo> v;
  const TimePoint now = clock_.now();
  for (auto& [id, sa] : sas_) {
    IsakmpSaInfo i;
    i.conn_id = sa->conn_id;
    i.local = sa->local;
    i.remote = sa->remote;
    i.cky_i = sa->cky_i;
    i.cky_r = sa->cky_r;
    i.initiator = sa->initiator;
    i.state = sa->aggressive && sa->state != MmState::kReady ? "AG_INIT_EXCH" : state_word(sa->state);
    i.status = sa->state == MmState::kReady ? "ACTIVE" : "";
    i.policy = sa->policy;
    i.remote_id = sa->remote_id;
    i.nat = sa->nat();
    i.expire_in_s = std::chrono::duration_cast<std::chrono::seconds>(sa->expires - now).count();
    i.interface = sa->child ? sa->child->interface : "";
    for (auto& c : sa->children) i.child_spis_in.push_back(c.spi_in);
    v.push_back(std::move(i));
  }
  return v;
}

std::vector<ike::NatKeepaliveTarget> EngineImpl::behind_nat() const {
  std::vector<ike::NatKeepaliveTarget> v;
  for (auto& [id, sa] : sas_) {
    if (!sa->nat_local || sa->state != MmState::kReady || sa->children.empty()) continue;
    ike::NatKeepaliveTarget t{sa->cky_i, sa->local, sa->remote, {}};
    for (auto& c : sa->children) t.child_spis_in.push_back(c.spi_in);
    v.push_back(std::move(t));
  }
  return v;
}

}  // namespace kg::ikev1
