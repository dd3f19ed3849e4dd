// Rekeying a CHILD_SA (RFC 7296 §1.3.3, §2.8) and the collision rules of
// §2.8.1 and §2.25.1.
//
// Initiator: CREATE_CHILD_SA { N(REKEY_SA, old inbound SPI) SA Ni [KEi] TSi TSr }.
// On success the new SA carries our outbound traffic at once and the old one
// is deleted by an INFORMATIONAL Delete; its inbound half stays until that
// Delete is answered, so the peer's in-flight packets still arrive.
//
// Simultaneous rekeys: each side answers the other's request as usual (and
// records it on the old child). When our own exchange completes, the SA made
// by the exchange with the lowest of the four nonces is redundant: if it is
// ours we delete it and leave the old SA to the peer; otherwise we delete the
// old SA and the peer deletes its redundant one. A rekey request for a child
// we are deleting gets TEMPORARY_FAILURE, for one we do not have
// CHILD_SA_NOT_FOUND.
#include "common/log.h"
#include "ike/fmt.h"
#include "ike/tasks/child_create.h"

namespace kg::ike {
namespace {

constexpr int kRetryMinS = 2, kRetryMaxS = 6;     // after TEMPORARY_FAILURE (§2.25)
constexpr int kRetryAfterErrorS = 20;              // after another refusal, until the hard lifetime

TimePoint retry_time(TaskEnv& env, int lo, int hi) {
  return env.clock.now() + Millis(1000 * lo + env.rng.u32() % uint32_t(1000 * (hi - lo) + 1));
}

std::string hex(uint32_t spi) { return fmt("0x{}", fmt("{:016x}", spi).substr(8)); }

std::string pfs_text(DhGroup g) { return g == DhGroup::kNone ? "" : std::string(" (PFS ") + group_name(g) + ")"; }

// The rekey of one of our CHILD_SAs, identified by its inbound SPI.
class ChildRekey final : public Task {
 public:
  explicit ChildRekey(uint32_t old_spi) : old_(old_spi), create_(true, ChildCreate::Mode::kCreateChildSa) {}
  const char* name() const override { return "CHILD_REKEY"; }
  ExchangeType exchange() const override { return ExchangeType::kCreateChildSa; }
  bool fatal() const override { return false; }
  bool obsolete(const IkeSa& sa) const override {
    for (auto& c : sa.children)
      if (c.sa.spi_in == old_) return c.state != ChildState::kRekeying;
    return true;
  }
  uint32_t old_spi() const { return old_; }

  Result<void> build_i(IkeSa& sa, TaskEnv& env, std::vector<TypedPayload>& out) override {
    ChildSa* old = sa.child(old_);
    if (!old) return fail(Errc::kState, "rekeyed CHILD_SA is gone");
    create_.rekeying(*old);
    NotifyPayload n;
    n.protocol = uint8_t(ProtocolId::kEsp);
    n.spi = spi_bytes(old_);
    n.type = uint16_t(NotifyType::kRekeySa);
    out.push_back({PayloadType::kNotify, std::move(n)});
    return create_.build_i(sa, env, out);
  }

  TaskStatus process_i(IkeSa& sa, TaskEnv& env, const std::vector<TypedPayload>& in) override {
    auto st = create_.process_i(sa, env, in);
    if (st == TaskStatus::kRetry) return st;
    ChildSa* old = sa.child(old_);
    if (st != TaskStatus::kDone) {
      refused(sa, env, old);
      return TaskStatus::kDone;
    }
    ChildSa* fresh = sa.child(create_.spi_in());
    if (env.stats) env.stats->child_rekeys++;
    if (!old) return TaskStatus::kDone;  // the peer deleted it meanwhile: the new one stays
    if (fresh) fresh->rekeys = old->rekeys + 1;
    log::info(fmt("IKEv2: CHILD_SA on {} rekeyed: inbound SPI {} -> {}{}", old->sa.interface, hex(old_),
                  hex(create_.spi_in()), pfs_text(create_.pfs_group())));
    if (old->peer_rekey && resolve_collision(sa, env, *old, fresh)) return TaskStatus::kDone;
    delete_child(sa, *old);  // the old SA: outbound already moved to the newest
    return TaskStatus::kDone;
  }

 private:
  // §2.8.1. Returns true when our new SA lost and the old one is the peer's to delete.
  bool resolve_collision(IkeSa& sa, TaskEnv& env, ChildSa& old, ChildSa* fresh) {
    const PeerRekey pr = *old.peer_rekey;
    if (env.stats) env.stats->rekey_collisions++;
    ByteView lowest_ours = nonce_less(create_.ni(), create_.nr()) ? ByteView(create_.ni()) : ByteView(create_.nr());
    ByteView lowest_peer = nonce_less(pr.ni, pr.nr) ? ByteView(pr.ni) : ByteView(pr.nr);
    bool ours_lost = nonce_less(lowest_ours, lowest_peer);
    ChildSa* theirs = sa.child(pr.new_spi_in);
    log::info(fmt("IKEv2: simultaneous CHILD_SA rekey on {}: the {} rekey (SPI {}) has the lowest nonce and is "
                  "redundant",
                  old.sa.interface, ours_lost ? "local" : "peer's", hex(ours_lost ? create_.spi_in() : pr.new_spi_in)));
    if (!ours_lost) {
      // The peer deletes its redundant SA; we delete the old one.
      if (theirs) {
        theirs->state = ChildState::kRekeyed;
        theirs->rekey_at = kNever;
      }
      return false;
    }
    // Ours is redundant: move our traffic off it and delete it; the peer
    // (initiator of the surviving rekey) deletes the old SA.
    if (theirs) theirs->rekeys = old.rekeys + 1;
    old.state = ChildState::kRekeyed;
    old.rekey_at = kNever;
    if (fresh) {
      env.actions.push_back(RetireChildSa{fresh->sa.interface, fresh->sa.spi_in});
      delete_child(sa, *fresh);
    }
    return true;
  }

  static void delete_child(IkeSa& sa, ChildSa& c) {
    c.state = ChildState::kDeleting;
    c.rekey_at = kNever;
    TaskList t;
    t.push_back(make_child_delete({c.sa.spi_in}));
    sa.queued.push_front(std::move(t));  // before anything else: it holds resources
  }

  void refused(IkeSa& sa, TaskEnv& env, ChildSa* old) {
    if (!old) return;
    auto why = create_.refused();
    if (old->peer_rekey) {
      // The peer's rekey (answered by us) survives; it deletes the old SA.
      old->state = ChildState::kRekeyed;
      old->rekey_at = kNever;
    } else if (why == NotifyType::kChildSaNotFound) {
      // The peer has no such SA (§2.25): ours is useless.
      env.actions.push_back(RemoveChildSa{old->sa.interface, old->sa.spi_in, old->sa.spi_out});
      std::erase_if(sa.children, [&](const ChildSa& c) { return c.sa.spi_in == old_; });
    } else {
      old->state = ChildState::kInstalled;
      old->rekey_at = why == NotifyType::kTemporaryFailure ? retry_time(env, kRetryMinS, kRetryMaxS)
                                                          : retry_time(env, kRetryAfterErrorS, kRetryAfterErrorS + 5);
    }
  }

  uint32_t old_;
  ChildCreate create_;
};

// --> CREATE_CHILD_SA { N(REKEY_SA) SA Ni [KEi] TSi TSr } received
class ChildRekeyResponder final : public Task {
 public:
  ChildRekeyResponder() : create_(false, ChildCreate::Mode::kCreateChildSa) {}
  const char* name() const override { return "CHILD_REKEY"; }
  ExchangeType exchange() const override { return ExchangeType::kCreateChildSa; }
  bool fatal() const override { return false; }

  TaskStatus process_r(IkeSa& sa, TaskEnv& env, const std::vector<TypedPayload>& in) override {
    auto* n = find_notify(in, NotifyType::kRekeySa);
    if (!n || n->spi.size() != 4 || n->protocol != uint8_t(ProtocolId::kEsp)) {
      error = NotifyType::kInvalidSyntax;
      return TaskStatus::kFailed;
    }
    spi_ = n->spi;
    auto peer_spi = static_cast<uint32_t>(spi_of(n->spi));
    ChildSa* old = nullptr;
    for (auto& c : sa.children)
      if (c.sa.spi_out == peer_spi) old = &c;
    if (!old) {
      log::info(fmt("IKEv2: {} rekeys CHILD_SA {} which we do not have: CHILD_SA_NOT_FOUND", sa.remote.addr.str(),
                    hex(peer_spi)));
      error = NotifyType::kChildSaNotFound;
      return TaskStatus::kFailed;
    }
    // §2.25.1: not while we are deleting it (or the IKE SA is being rekeyed).
    if (old->state == ChildState::kDeleting || old->state == ChildState::kRekeyed || in_flight(sa, "IKE_REKEY")) {
      log::info(fmt("IKEv2: {} rekeys CHILD_SA {} while it is being deleted or replaced: TEMPORARY_FAILURE",
                    sa.remote.addr.str(), hex(peer_spi)));
      error = NotifyType::kTemporaryFailure;
      return TaskStatus::kFailed;
    }
    uint32_t old_in = old->sa.spi_in;
    uint32_t rekeys = old->rekeys;
    bool collision = old->state == ChildState::kRekeying && rekey_in_flight(sa, old_in);
    auto st = create_.process_r(sa, env, in);  // may reallocate sa.children
    if (st != TaskStatus::kDone) return st;
    old = sa.child(old_in);
    if (ChildSa* fresh = sa.child(create_.spi_in())) fresh->rekeys = rekeys + 1;
    if (env.stats) env.stats->child_rekeys++;
    if (collision) {
      log::info(fmt("IKEv2: {} rekeys CHILD_SA {} on {} while our rekey of it is in flight (simultaneous rekey)",
                    sa.remote.addr.str(), hex(peer_spi), old->sa.interface));
      old->peer_rekey = PeerRekey{create_.spi_in(), create_.ni(), create_.nr()};
    } else {
      // Replaced; the peer deletes it. A rekey of ours still queued is now moot.
      old->state = ChildState::kRekeyed;
      old->rekey_at = kNever;
      log::info(fmt("IKEv2: CHILD_SA on {} rekeyed by {}: inbound SPI {} -> {}{}", old->sa.interface,
                    sa.remote.addr.str(), hex(old_in), hex(create_.spi_in()), pfs_text(create_.pfs_group())));
    }
    return TaskStatus::kDone;
  }

  void build_r(IkeSa& sa, TaskEnv& env, std::vector<TypedPayload>& out) override {
    if (error) {
      NotifyPayload n;
      n.type = uint16_t(*error);
      if (*error == NotifyType::kChildSaNotFound) {
        n.protocol = uint8_t(ProtocolId::kEsp);
        n.spi = spi_;
      }
      out.push_back({PayloadType::kNotify, std::move(n)});
      return;
    }
    create_.build_r(sa, env, out);
  }

 private:
  static bool rekey_in_flight(const IkeSa& sa, uint32_t spi_in) {
    for (auto& t : sa.active)
      if (auto* r = dynamic_cast<const ChildRekey*>(t.get()); r && r->old_spi() == spi_in) return true;
    return false;
  }

  Bytes spi_;
  ChildCreate create_;
};

}  // namespace

std::unique_ptr<Task> make_child_rekey(uint32_t spi_in) { return std::make_unique<ChildRekey>(spi_in); }
std::unique_ptr<Task> make_child_rekey_responder() { return std::make_unique<ChildRekeyResponder>(); }

}  // namespace kg::ike
