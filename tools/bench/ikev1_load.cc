// keygate-bench ikev1: the IKEv1 load generator for `make bench` (parts
// hs1_kg and hs1_sw). It runs keygate's own IKEv1 engine (src/ikev1) as the
// initiator of many site-to-site peers towards one responder (keygated with
// a dynamic crypto map, or strongSwan), each a Main Mode with a pre-shared
// key followed by one Quick Mode, keeping up to --window setups in flight.
//
// Each client is a peer as an IOS head-end sees one: its own outer address
// (the i-th of --sources consecutive addresses from --local, which in Main
// Mode with a pre-shared key is also its identity) and its own inner address
// (the i-th of --local-ts, /32, proposed with --remote-ts as the Quick Mode
// proxy identities). One outer address per client, not a shared few as for
// IKEv2: an IKEv1 peer is known by its address, and the INITIAL-CONTACT every
// Main Mode carries (as IOS sends it) makes a responder forget the other SAs
// from that address. The SAs are kept; the bench stops the responder after.
//
// Algorithms, the same for both responders: phase 1 AES-128-CBC, HMAC-SHA-256,
// MODP-2048 (group 14), pre-shared key; Quick Mode ESP AES-128-CBC with
// HMAC-SHA1-96, no PFS (IOS's default).
//
// One JSON object on stdout, as keygate-bench ike prints it: setups, failed,
// seconds, rate, rate_min, retransmits, generator_cpu_s.
#include <chrono>
#include <cstdio>
#include <string>

#include "common/clock.h"
#include "common/log.h"
#include "common/random.h"
#include "esp/datapath.h"
#include "ikev1/engine.h"
#include "io/event_loop.h"
#include "ikev1_load.h"
#include "setup_tally.h"

namespace kg::bench {
namespace {

struct Options {
  IpAddress local, remote;
  size_t sources = 1;
  size_t count = 5000;
  size_t window = 64;
  std::string psk = "bench-psk";
  Prefix local_ts = *Prefix::parse("198.18.0.0/16");
  Prefix remote_ts = *Prefix::parse("203.0.113.0/24");
  int timeout_s = 60;  // an attempt not up by then counts as failed
};

// The initiators' whole configuration: one ISAKMP policy, one key for the
// responder, one Quick Mode per client.
class Ikev1BenchPolicy final : public ikev1::PolicyProvider {
 public:
  explicit Ikev1BenchPolicy(const Options& o) : o_(o) {}
  std::vector<ikev1::IsakmpPolicy> policies() const override {
    return {{10, crypto::Cipher::kAesCbc, 128, crypto::Prf::kHmacSha2_256, crypto::Group::kModp2048}};
  }
  std::optional<Secret> psk(const IpAddress&, const IpAddress& remote) const override {
    if (remote != o_.remote) return std::nullopt;
    return Secret(o_.psk);
  }
  std::optional<ike::ChildConfig> child_for_peer(const IpAddress&, const IpAddress&) const override {
    return std::nullopt;  // the generator only initiates
  }
  ike::ChildConfig child(size_t i) const {
    ike::ChildConfig c;
    c.interface = "b" + std::to_string(i);
    c.transforms = {{"bench", ike::EncrId::kAesCbc, 128, ike::IntegId::kHmacSha1_96}};
    uint32_t span = o_.local_ts.len >= 32 ? 1 : uint32_t(1) << (32 - o_.local_ts.len);
    TrafficSelector l;
    l.start = l.end = IpAddress::v4(o_.local_ts.first().v4_host_order() + uint32_t(i % span));
    TrafficSelector r;
    r.start = o_.remote_ts.first();
    r.end = o_.remote_ts.last();
    c.local_ts = {l};
    c.remote_ts = {r};
    return c;
  }

 private:
  const Options& o_;
};

class Ikev1Generator {
 public:
  explicit Ikev1Generator(const Options& o) : o_(o), policy_(o) {}

  int run() {
    auto loop = io::EventLoop::create();
    if (!loop) return fail_msg(loop.error().message);
    loop_ = std::move(*loop);
    engine_ = ikev1::Engine::create(policy_, clock_, rng_);
    // One socket pair on the wildcard address: each client's messages leave
    // from its own address (IP_PKTINFO).
    auto dp = esp::Datapath::open(IpAddress::v4(0), [this](const Endpoint& l, const Endpoint& r, ByteView m) {
      execute(engine_->on_packet(l, r, m));
    });
    if (!dp) return fail_msg("0.0.0.0: " + dp.error().message);
    if (auto r = (*dp)->attach(*loop_); !r) return fail_msg(r.error().message);
    dp_ = std::move(*dp);
    loop_->on_deadline([this] {
      execute(engine_->on_timer());
      expire_attempts();
      reschedule();
    });
    tally_.start();
    fill_window();
    reschedule();
    loop_->run();
    report();
    return tally_.all_up() ? 0 : 1;
  }

 private:
  static int fail_msg(const std::string& m) {
    std::fprintf(stderr, "keygate-bench: %s\n", m.c_str());
    return 2;
  }

  void fill_window() {
    while (tally_.may_start(o_.window)) {
      size_t i = tally_.next();
      ikev1::InitiateRequest req;
      req.local = {IpAddress::v4(o_.local.v4_host_order() + uint32_t(i % o_.sources)), 500};
      req.remote = {o_.remote, 500};
      req.child = policy_.child(i);
      tally_.started(req.child.interface);
      execute(engine_->initiate(req));
    }
  }

  void finished(const std::string& itf, bool ok) {
    if (tally_.finish(itf, ok) && tally_.all_done()) loop_->stop();
  }

  void execute(std::vector<ike::Action> actions) {
    for (auto& a : actions) {
      if (auto* s = std::get_if<ike::SendPacket>(&a)) (void)dp_->send_ike(s->local, s->remote, s->data);
      else if (auto* ev = std::get_if<ike::SessionEvent>(&a)) finished(ev->interface, ev->up);
      else if (auto* d = std::get_if<ike::PeerDead>(&a)) finished(d->interface, false);
    }
    fill_window();
  }

  void expire_attempts() {
    for (auto& itf : tally_.late(std::chrono::seconds(o_.timeout_s))) finished(itf, false);
    fill_window();
  }

  void reschedule() {
    auto d = engine_->next_deadline();
    TimePoint tick = clock_.now() + std::chrono::seconds(1);  // expire_attempts
    loop_->set_deadline(d && *d < tick ? *d : tick);
  }

  void report() {
    std::printf("{%s, \"retransmits\": %llu, \"generator_cpu_s\": %.3f}\n", tally_.json_members().c_str(),
                static_cast<unsigned long long>(engine_->stats().retransmits), SetupTally::cpu_seconds());
  }

  const Options& o_;
  Ikev1BenchPolicy policy_;
  SteadyClock clock_;
  SystemRandom rng_;
  std::unique_ptr<io::EventLoop> loop_;
  std::unique_ptr<ikev1::Engine> engine_;
  std::unique_ptr<esp::Datapath> dp_;
  SetupTally tally_{clock_, o_.count};
};

}  // namespace

int ikev1_main(int argc, char** argv) {
  Options o;
  bool have_local = false, have_remote = false;
  for (int i = 0; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--local" && IpAddress::parse(v)) o.local = *IpAddress::parse(v), have_local = true;
    else if (a == "--remote" && IpAddress::parse(v)) o.remote = *IpAddress::parse(v), have_remote = true;
    else if (a == "--sources") o.sources = std::max<size_t>(1, std::stoul(v));
    else if (a == "--count") o.count = std::stoul(v);
    else if (a == "--window") o.window = std::max<size_t>(1, std::stoul(v));
    else if (a == "--psk") o.psk = v;
    else if (a == "--local-ts" && Prefix::parse(v)) o.local_ts = *Prefix::parse(v);
    else if (a == "--remote-ts" && Prefix::parse(v)) o.remote_ts = *Prefix::parse(v);
    else if (a == "--timeout") o.timeout_s = std::stoi(v);
    else return -1;
  }
  if (argc % 2 || !have_local || !have_remote || !o.local.is_v4() || !o.local_ts.addr.is_v4()) return -1;
  log::set_level(log::Level::kWarning);
  return Ikev1Generator(o).run();
}

}  // namespace kg::bench
