// keygate-bench ike: an IKEv2 load generator for `make bench`. It runs
// keygate's own IKE engine as the initiator of many IKE SAs towards one
// responder (keygated or strongSwan), each IKE_SA_INIT + IKE_AUTH with its
// first CHILD_SA (PSK, X25519, AES-GCM-128 for IKE and ESP), keeping up to
// --window exchanges in flight, and reports how many setups per second the
// responder completed. Each SA is a separate client as a hub sees them: its
// own identity (c<N>.<--id-domain>), its own inner address (TSi = the N-th
// address of --local-ts, /32) and one of --sources consecutive outer source
// addresses from --local (one socket pair on the wildcard address, UDP 500
// and 4500, sends from each with IP_PKTINFO). The SAs are kept
// (the responder's memory per SA is measured with them in place) and not
// deleted; the generator exits without deleting them (the bench stops the
// responder afterwards).
//
//   keygate-bench ike --local ADDR --remote ADDR [--sources K] [--count N]
//                     [--window W] [--psk KEY] [--id-domain DOMAIN]
//                     [--remote-id FQDN] [--local-ts PREFIX] [--remote-ts PREFIX]
//                     [--timeout S] [--hold S] [--teardown]
//                     [--cert PEM --key PEM --ca PEM --cert-id FQDN]
//                     [--eap-user NAME --eap-password PASSWORD [--eap-method md5|mschapv2|gtc]]
//
// One JSON object on stdout: setups, failed, seconds, rate (setups/s over the
// whole run), rate_min (the slowest window of --count/10 setups), retransmits.
// --hold S: stay up S seconds after the last setup (answering the
// responder's DPD/liveness checks) before printing, e.g. while the bench
// reads the responder's memory.
// --first N: number the clients from N (identity, inner address, source
// address), and --bind-each: a socket pair on each of the --sources
// addresses instead of one on the wildcard address; together they let
// several generators (the bench runs one per core) share one responder,
// each with its own addresses and clients.
// --teardown: delete each client's IKE SA (INFORMATIONAL Delete) as soon as
// it is up, so the responder sees setup after setup and teardown after
// teardown (make soak: its memory and descriptors must return to their
// baseline); "torn_down" in the JSON counts the sessions so ended.
// --cert/--key/--ca: certificate authentication both ways instead of PSK (the
// method follows the key: RSA or ECDSA); every client then shows the one
// certificate's identity --cert-id (its subjectAltName).
// --eap-user/--eap-password: every client authenticates with EAP (RFC 7296
// §2.16) as that one user, which the responder checks against RADIUS; the
// responder still authenticates with --psk. The engine's own supplicant
// (ike/eap_peer.h) answers: --eap-method names the one method it accepts
// (a Nak asks the server for it); without it, whichever the server proposes.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "common/clock.h"
#include "common/log.h"
#include "common/random.h"
#include "crypto/signer.h"
#include "crypto/trust_store.h"
#include "crypto/trustpoint.h"
#include "crypto/x509.h"
#include "esp/datapath.h"
#include "esp_crypto.h"
#include "ikev1_load.h"
#include "setup_tally.h"
#include "udp_packets.h"
#include "ike/engine.h"
#include "io/event_loop.h"
#include "wire/eap/eap.h"

namespace kg::bench {
namespace {

using namespace kg::ike;

struct Options {
  IpAddress local, remote;
  size_t sources = 1;
  size_t count = 20000;
  size_t window = 32;
  std::string psk = "bench-psk";
  std::string id_domain = "bench.example.net";
  std::string remote_id = "hub.example.net";
  Prefix local_ts = *Prefix::parse("198.18.0.0/15");
  Prefix remote_ts = *Prefix::parse("203.0.113.0/24");
  int timeout_s = 30;  // an attempt not up by then counts as failed
  int hold_s = 0;
  bool teardown = false;
  size_t first = 0;        // --first: the first client's number (several generators side by side)
  bool bind_each = false;  // --bind-each: a socket pair on each source address, not the wildcard
  std::string cert, key, ca, cert_id;
  std::string eap_user, eap_password;
  uint8_t eap_method = 0;  // EAP Type; 0: any
};

std::optional<std::string> slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The generator's own trustpoint from PEM files: its certificate and key, and
// the CA it accepts the responder's certificate from.
Result<std::shared_ptr<const crypto::Trustpoint>> load_trustpoint(const Options& o) {
  auto ca = slurp(o.ca), cert = slurp(o.cert), key = slurp(o.key);
  if (!ca || !cert || !key) return fail(Errc::kNotFound, "cannot read --ca/--cert/--key");
  auto tp = std::make_shared<crypto::Trustpoint>();
  tp->name = "bench";
  tp->crl_check = false;
  auto cas = crypto::Certificate::from_pem(*ca);
  if (!cas || cas->empty()) return fail(Errc::kInvalidArgument, "--ca: no certificate");
  tp->ca_certs = *cas;
  auto store = crypto::TrustStore::create(tp->ca_certs);
  if (!store) return std::unexpected(store.error());
  tp->trust = *store;
  auto leaf = crypto::Certificate::from_pem(*cert);
  if (!leaf || leaf->empty()) return fail(Errc::kInvalidArgument, "--cert: no certificate");
  tp->cert = leaf->front();
  auto signer = crypto::KeySigner::from_pem(ByteView(reinterpret_cast<const uint8_t*>(key->data()), key->size()), "");
  if (!signer) return std::unexpected(signer.error());
  tp->signer = *signer;
  return std::shared_ptr<const crypto::Trustpoint>(tp);
}

Identity fqdn(const std::string& s) { return Identity{IdType::kFqdn, Bytes(s.begin(), s.end())}; }

TrafficSelector ts(const Prefix& p) {
  TrafficSelector t;
  t.start = p.first();
  t.end = p.last();
  return t;
}

// The generator's whole configuration: one proposal, one profile per client
// (its identity), one CHILD_SA per client, no admission limits.
class BenchPolicy final : public PolicyProvider {
 public:
  explicit BenchPolicy(const Options& o) : o_(o) {
    profile_.name = "bench";
    profile_.local_psk = Secret(Bytes(o.psk.begin(), o.psk.end()));
    profile_.remote_psk = profile_.local_psk;
  }
  void use_certificate(std::shared_ptr<const crypto::Trustpoint> tp) {
    auto kind = tp->signer->key().type == crypto::KeyType::kRsa ? AuthKind::kRsaSig : AuthKind::kEcdsaSig;
    profile_.local_auth = kind;
    profile_.remote_auth = kind;
    profile_.sign_trustpoints = profile_.verify_trustpoints = {tp};
    profile_.local_psk = profile_.remote_psk = Secret();
    cert_ = true;
  }
  void use_eap(const std::string& user, const std::string& password, uint8_t method) {
    profile_.local_auth = AuthKind::kEap;
    profile_.eap_method = method;
    profile_.eap_username = user;
    profile_.eap_password = Secret(Bytes(password.begin(), password.end()));
  }
  IkeLimits limits() const override { return {0, 0, 0, 0}; }
  std::vector<IkeProposalConfig> ike_proposals(const IpAddress&) const override {
    return {{"bench", {{EncrId::kAesGcm16, 128}}, {}, {PrfId::kHmacSha2_256}, {DhGroup::kCurve25519}}};
  }
  std::optional<ProfileConfig> profile_for_peer(const Identity& id, const IpAddress&,
                                                const IpAddress&) const override {
    if (id != fqdn(o_.remote_id)) return std::nullopt;
    return profile_;
  }
  // The profile name is the client's identity (see Generator::fill_window).
  std::optional<ProfileConfig> profile_by_name(const std::string& name, const IpAddress&) const override {
    ProfileConfig p = profile_;
    p.name = name;
    p.local_id = fqdn(cert_ ? o_.cert_id : name);
    return p;
  }
  std::optional<ChildConfig> child_for_peer(const std::string&, const IpAddress&, const IpAddress&) const override {
    return std::nullopt;  // the generator only initiates
  }
  ChildConfig child(size_t i) const {
    ChildConfig c;
    c.interface = "b" + std::to_string(i);
    c.transforms = {{"bench", EncrId::kAesGcm16, 128, IntegId::kNone}};
    // Client i's inner address: the i-th of --local-ts (wrapping).
    uint32_t span = o_.local_ts.len >= 32 ? 1 : uint32_t(1) << (32 - o_.local_ts.len);
    IpAddress inner = IpAddress::v4(o_.local_ts.first().v4_host_order() + uint32_t(i % span));
    TrafficSelector l;
    l.start = l.end = inner;
    c.local_ts = {l};
    c.remote_ts = {ts(o_.remote_ts)};
    return c;
  }
  std::string client_id(size_t i) const { return "c" + std::to_string(i) + "." + o_.id_domain; }

 private:
  const Options& o_;
  ProfileConfig profile_;
  bool cert_ = false;
};

class Generator {
 public:
  explicit Generator(const Options& o) : o_(o), policy_(o) {}

  int run() {
    auto loop = io::EventLoop::create();
    if (!loop) return fail_msg(loop.error().message);
    loop_ = std::move(*loop);
    if (!o_.cert.empty()) {
      auto tp = load_trustpoint(o_);
      if (!tp) return fail_msg(tp.error().message);
      policy_.use_certificate(*tp);
    }
    if (!o_.eap_user.empty()) policy_.use_eap(o_.eap_user, o_.eap_password, o_.eap_method);
    engine_ = Engine::create(policy_, clock_, rng_);
    // One socket pair on the wildcard address for all --sources addresses:
    // each message leaves from its SA's own source address (IP_PKTINFO) and
    // an arriving one says which address it came to, so the answers to a
    // whole receive batch leave in one sendmmsg (Datapath queues them).
    // With --bind-each, one pair on each source address instead, so that
    // several generators (each its own --local range) run side by side.
    for (size_t k = 0; k < (o_.bind_each ? o_.sources : 1); ++k) {
      IpAddress at = o_.bind_each ? IpAddress::v4(o_.local.v4_host_order() + uint32_t(k)) : IpAddress::v4(0);
      auto dp = esp::Datapath::open(at, [this](const Endpoint& l, const Endpoint& r, ByteView m) {
        execute(engine_->on_packet(l, r, m));
      });
      if (!dp) return fail_msg(at.str() + ": " + dp.error().message);
      if (auto r = (*dp)->attach(*loop_); !r) return fail_msg(r.error().message);
      dps_.push_back(std::move(*dp));
    }
    loop_->on_deadline([this] {
      execute(engine_->on_timer());
      expire_attempts();
      if (stop_at_ && clock_.now() >= *stop_at_) loop_->stop();
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
      size_t i = o_.first + tally_.next();
      InitiateRequest req;
      req.local = {IpAddress::v4(o_.local.v4_host_order() + uint32_t(i % o_.sources)), 500};
      req.remote = {o_.remote, 500};
      req.profile = policy_.client_id(i);
      req.child = policy_.child(i);
      tally_.started(req.child.interface);
      execute(engine_->initiate(req));
    }
  }

  void finished(const std::string& itf, bool ok) {
    if (!tally_.finish(itf, ok) || !tally_.all_done()) return;
    const TimePoint end = tally_.end();
    if (o_.teardown) stop_at_ = end + std::chrono::seconds(std::max(o_.hold_s, o_.timeout_s));
    else if (o_.hold_s <= 0) loop_->stop();
    else stop_at_ = end + std::chrono::seconds(o_.hold_s);
  }

  void execute(std::vector<Action> actions) {
    ++depth_;  // deletes asked for while handling actions go out after them
    for (auto& a : actions) {
      if (auto* s = std::get_if<SendPacket>(&a)) {
        (void)datapath(s->local.addr).send_ike(s->local, s->remote, s->data);
      } else if (auto* ev = std::get_if<SessionEvent>(&a)) {
        if (!ev->up && tearing_.erase(ev->interface)) {
          ++torn_down_;
          continue;
        }
        bool was_pending = tally_.pending(ev->interface);
        finished(ev->interface, ev->up);
        if (o_.teardown && ev->up && was_pending) {
          tearing_.insert(ev->interface);
          deletes_.push_back(ev->interface);
        }
      } else if (auto* d = std::get_if<PeerDead>(&a)) {
        if (!tearing_.erase(d->interface)) finished(d->interface, false);
      }
    }
    --depth_;
    if (depth_ == 0)
      while (!deletes_.empty()) {
        std::string itf = std::move(deletes_.front());
        deletes_.pop_front();
        execute(engine_->delete_sessions(itf));
      }
    fill_window();
    if (tally_.all_done() && o_.teardown && tearing_.empty() && !stopping_) {
      stopping_ = true;
      end_teardown_ = clock_.now();
      if (o_.hold_s <= 0) loop_->stop();
    }
  }

  // An attempt the engine gave up on without a session event.
  void expire_attempts() {
    for (auto& itf : tally_.late(std::chrono::seconds(o_.timeout_s))) finished(itf, false);
    fill_window();
  }

  void reschedule() {
    auto d = engine_->next_deadline();
    TimePoint tick = clock_.now() + std::chrono::seconds(1);  // expire_attempts
    loop_->set_deadline(d && *d < tick ? *d : tick);
  }

  // The socket pair a message leaves from: its source address's with --bind-each.
  esp::Datapath& datapath(const IpAddress& from) {
    if (dps_.size() == 1) return *dps_[0];
    uint32_t k = from.v4_host_order() - o_.local.v4_host_order();
    return *dps_[k < dps_.size() ? k : 0];
  }

  void report() {
    std::printf("{%s, \"retransmits\": %llu, \"torn_down\": %zu, \"generator_cpu_s\": %.3f}\n",
                tally_.json_members().c_str(), static_cast<unsigned long long>(engine_->stats().retransmits),
                torn_down_, SetupTally::cpu_seconds());
  }

  const Options& o_;
  BenchPolicy policy_;
  SteadyClock clock_;
  SystemRandom rng_;
  std::unique_ptr<io::EventLoop> loop_;
  std::unique_ptr<Engine> engine_;
  std::vector<std::unique_ptr<esp::Datapath>> dps_;  // one, or one per source address (--bind-each)
  std::optional<TimePoint> stop_at_;  // --hold
  // --teardown: sessions whose delete is on its way, deletes still to send.
  std::set<std::string> tearing_;
  std::deque<std::string> deletes_;
  size_t torn_down_ = 0;
  int depth_ = 0;
  bool stopping_ = false;
  TimePoint end_teardown_{};
  SetupTally tally_{clock_, o_.count};
};

int usage() {
  std::fprintf(stderr,
               "usage: keygate-bench ike --local ADDR --remote ADDR [--sources K] [--count N] [--window W]\n"
               "                         [--psk KEY] [--id-domain DOMAIN] [--remote-id FQDN] [--local-ts PREFIX]\n"
               "                         [--remote-ts PREFIX] [--timeout S] [--hold S] [--teardown]\n"
               "                         [--first N] [--bind-each]\n"
               "                         [--cert PEM --key PEM --ca PEM --cert-id FQDN]\n"
               "                         [--eap-user NAME --eap-password PASSWORD [--eap-method md5|mschapv2|gtc]]\n"
               "       keygate-bench ikev1 --local ADDR --remote ADDR [--sources K] [--count N] [--window W]\n"
               "                           [--psk KEY] [--local-ts PREFIX] [--remote-ts PREFIX] [--timeout S]\n"
               "       keygate-bench esp-crypto [--rounds N]\n"
               "       keygate-bench udp-send --local ADDR --remote ADDR --port P [--size B] [--seconds T]\n"
               "       keygate-bench udp-recv --bind ADDR --port P [--seconds T]\n");
  return 2;
}

int ike_main(int argc, char** argv) {
  Options o;
  bool have_local = false, have_remote = false;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--teardown") {
      o.teardown = true;
      continue;
    }
    if (a == "--bind-each") {
      o.bind_each = true;
      continue;
    }
    if (i + 1 >= argc) return usage();
    std::string v = argv[++i];
    if (a == "--local" && IpAddress::parse(v)) o.local = *IpAddress::parse(v), have_local = true;
    else if (a == "--remote" && IpAddress::parse(v)) o.remote = *IpAddress::parse(v), have_remote = true;
    else if (a == "--count") o.count = std::stoul(v);
    else if (a == "--window") o.window = std::max<size_t>(1, std::stoul(v));
    else if (a == "--psk") o.psk = v;
    else if (a == "--id-domain") o.id_domain = v;
    else if (a == "--sources") o.sources = std::max<size_t>(1, std::stoul(v));
    else if (a == "--hold") o.hold_s = std::stoi(v);
    else if (a == "--cert") o.cert = v;
    else if (a == "--key") o.key = v;
    else if (a == "--ca") o.ca = v;
    else if (a == "--cert-id") o.cert_id = v;
    else if (a == "--eap-user") o.eap_user = v;
    else if (a == "--eap-password") o.eap_password = v;
    else if (a == "--eap-method" && v == "md5") o.eap_method = uint8_t(kg::eap::Type::kMd5Challenge);
    else if (a == "--eap-method" && v == "mschapv2") o.eap_method = uint8_t(kg::eap::Type::kMsChapV2);
    else if (a == "--eap-method" && v == "gtc") o.eap_method = uint8_t(kg::eap::Type::kGtc);
    else if (a == "--remote-id") o.remote_id = v;
    else if (a == "--local-ts" && Prefix::parse(v)) o.local_ts = *Prefix::parse(v);
    else if (a == "--remote-ts" && Prefix::parse(v)) o.remote_ts = *Prefix::parse(v);
    else if (a == "--timeout") o.timeout_s = std::stoi(v);
    else if (a == "--first") o.first = std::stoul(v);
    else return usage();
  }
  if (!have_local || !have_remote || !o.local.is_v4() || !o.local_ts.addr.is_v4()) return usage();
  log::set_level(log::Level::kWarning);
  return Generator(o).run();
}

}  // namespace
}  // namespace kg::bench

int main(int argc, char** argv) {
  try {
    if (argc >= 2 && std::strcmp(argv[1], "ike") == 0) return kg::bench::ike_main(argc - 2, argv + 2);
    if (argc >= 2 && std::strcmp(argv[1], "ikev1") == 0) {
      int rc = kg::bench::ikev1_main(argc - 2, argv + 2);
      return rc < 0 ? kg::bench::usage() : rc;
    }
    if (argc >= 2 && std::strcmp(argv[1], "esp-crypto") == 0) return kg::bench::esp_crypto_main(argc - 2, argv + 2);
    if (argc >= 2 && std::strcmp(argv[1], "udp-send") == 0) return kg::bench::udp_send_main(argc - 2, argv + 2);
    if (argc >= 2 && std::strcmp(argv[1], "udp-recv") == 0) return kg::bench::udp_recv_main(argc - 2, argv + 2);
  } catch (const std::exception&) {  // std::stoul on a bad number
  }
  return kg::bench::usage();
}
