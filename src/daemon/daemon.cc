#include "daemon/daemon.h"

#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "aaa/radius_eap.h"
#include "aaa/radius_pap.h"
#include "common/log.h"
#include "config/interface_names.h"
#include "consent/device_serial.h"
#include "daemon/debug_lines.h"
#include "daemon/show_crypto_engine.h"
#include "daemon/show_isakmp.h"
#include "wire/isakmp/payloads.h"
#include "daemon/show_ra.h"
#include "daemon/show_radius.h"
#include "daemon/show_aaa_sessions.h"
#include "daemon/show_runtime.h"
#include "daemon/show_system.h"
#include "esp/dual_stack.h"
#include "esp/esp_socket.h"

namespace kg::daemon {

namespace {
constexpr Millis kHousekeeping{1'000};
// How long leases restored after a restart wait for their users: longer than
// any client's dead-peer detection and retransmits take to notice the restart
// and connect again; what is left after that is freed.
constexpr Millis kLeaseHold{600'000};
// How long an exchange may wait for slow work (engine.h WorkRequest) at the
// least; RADIUS timing configured beyond it raises it (apply_config).
constexpr Millis kExchangeWaitFloor{60'000};

// Threads for the responder's Diffie-Hellman: one per core this process may
// run on, so that a setup's largest CPU cost (libcrypto: 58% of the hub's samples)
// spreads over the cores while the event loop goes on with other peers;
// none on one core (computed inline, as in the engines' tests).
// KEYGATE_CRYPTO_WORKERS=N overrides (0: inline). On a quiet 2-core machine
// the pool gave 1.5-1.9x the setups/s at the same CPU per setup; on one
// loaded by a dozen other runnable threads it gave no more setups/s and
// cost 20-27% more CPU per setup (README, Benchmarks).
size_t crypto_workers() {
  if (const char* e = std::getenv("KEYGATE_CRYPTO_WORKERS"); e && *e) {
    char* end = nullptr;
    unsigned long n = std::strtoul(e, &end, 10);
    if (end && !*end) return std::min<size_t>(n, 64);
    log::warn(std::string("keygated: KEYGATE_CRYPTO_WORKERS=") + e + " is not a number; ignored");
  }
  cpu_set_t set;
  size_t cores = sched_getaffinity(0, sizeof set, &set) == 0 ? size_t(CPU_COUNT(&set)) : 1;
  return cores > 1 ? cores : 0;
}
}  // namespace

Result<std::unique_ptr<Daemon>> Daemon::create(const Options& o) {
  std::unique_ptr<Daemon> d(new Daemon());
  d->opts_ = o;
  log::set_level(o.debug ? log::Level::kDebug : log::Level::kInfo);
  log::set_buffered(true);  // written before the event loop waits
  std::error_code ec;
  std::filesystem::create_directories(o.state_dir, ec);
  std::filesystem::create_directories(std::filesystem::path(o.socket_path).parent_path(), ec);
  auto loop = io::EventLoop::create();
  if (!loop) return std::unexpected(loop.error());
  d->loop_ = std::move(*loop);
  auto nl = io::Netlink::open();
  if (!nl) return std::unexpected(nl.error());
  d->netlink_ = std::move(*nl);
  if (auto nft = io::Nftables::open()) {
    d->nft_ = std::move(*nft);
    d->sweep_stale_crypto_steering();
  } else {
    log::warn("keygated: " + nft.error().message + ": crypto maps cannot steer traffic");
  }
  d->config_ = std::make_unique<config::Config>(o.state_dir);
  d->start_tokens();
  d->policy_.set_pki(&d->config_->pki());
  const size_t workers = crypto_workers();
  d->ike_ = std::make_unique<IkeSide>(
      ike::Engine::create(d->policy_, d->clock_, d->rng_, ike::EngineOptions{kExchangeWaitFloor, workers > 0}),
      d->ike_host_);
  d->exchange_wait_ = kExchangeWaitFloor;
  d->ikev1_ = ikev1::Engine::create(d->isakmp_policy_, d->clock_, d->rng_, ikev1::EngineOptions{workers > 0});
  auto wq = io::WorkQueue::create(*d->loop_);
  if (!wq) return std::unexpected(wq.error());
  d->work_ = std::move(*wq);
  if (workers > 0) {
    auto cq = io::WorkQueue::create(*d->loop_, workers);
    if (!cq) return std::unexpected(cq.error());
    d->crypto_ = std::move(*cq);
    log::info("keygated: " + std::to_string(workers) + " crypto workers for the responder's Diffie-Hellman");
  }
  Daemon* self = d.get();
  auto dp = esp::open_dual_stack([self](const Endpoint& l, const Endpoint& r, ByteView m) {
    // The version in the IKE header picks the engine (ISAKMP is 1.0, IKEv2 2.0).
    if (isakmp::major_version(m) == 1) {
      if (!self->policy_.model().isakmp.enabled) {  // no crypto isakmp enable
        log::debug("ISAKMP packet from " + r.str() + " dropped: no crypto isakmp enable");
        return;
      }
      self->isakmp_actions(self->ikev1_->on_packet(l, r, m));
      return;
    }
    debug_ike_packet(false, l, r, m);
    self->ike_->on_packet(l, r, m);
  }, esp::kIkePort, esp::kNattPort, esp::DatapathOptions::from_env());
  if (!dp) return std::unexpected(dp.error());
  d->datapath_ = std::move(*dp);
  d->datapath_->set_clock(d->clock_);
  // Plain ESP (no NAT between the peers) needs a raw socket: without
  // CAP_NET_RAW only ESP in UDP 4500 works.
  if (auto raw = esp::open_esp_socket())
    d->datapath_->set_esp_socket(std::move(*raw));
  else
    log::warn("keygated: no plain ESP (" + raw.error().message + "); only peers behind a NAT will work");
  d->datapath_->on_peer_moved(
      [self](uint32_t spi, const Endpoint& r) { self->ike_->peer_moved(spi, r); });
  d->datapath_->on_unknown_spi([self](uint32_t spi, const Endpoint& l, const Endpoint& r) {
    self->isakmp_actions(self->ikev1_->on_unknown_spi(l, r, spi));
  });
  if (auto r = d->datapath_->attach(*d->loop_); !r) return std::unexpected(r.error());
  d->traffic_.dp = d->datapath_.get();
  d->ike_->engine().set_traffic_source(&d->traffic_);
  d->ikev1_->set_traffic_source(&d->traffic_);
  d->datapath_->on_sa_limit(
      [self](uint32_t spi_in, bool hard) { self->ike_->on_child_limit(spi_in, hard); });
  d->ra_ = std::make_unique<RemoteAccess>(*d->datapath_, *d->netlink_, d->clock_, [self](const std::string& itf) {
    if (self->acct_) self->acct_->set_cause(aaa::radius::TerminateCause::kLostCarrier);  // its template went away
    self->ike_->delete_sessions(itf);
    if (self->acct_) self->acct_->set_cause(std::nullopt);
  });
  d->policy_.set_remote_access(&d->ra_->pools(), [self](const std::string& n) -> std::optional<Prefix> {
    auto a = self->netlink_->first_address(config::linux_device(self->policy_.model().interface_map, n),
                                           IpAddress::Family::kV4);
    if (!a) return std::nullopt;
    return Prefix{*a, 32};  // only the address is known: a host route
  });
  if (auto radius = RadiusService::create(*d->loop_, d->clock_, d->rng_)) {
    d->radius_ = std::move(*radius);
    d->radius_->on_activity([self] { self->reschedule(); });
  } else {
    log::warn("keygated: no RADIUS client (" + radius.error().message + ")");
  }
  d->acct_ = AccountingService::create(d->radius_, d->clock_, d->rng_, o.state_dir);
  if (d->acct_) {
    d->policy_.set_accounting([self](ConfigPolicy::AccountedUser u) { self->acct_->expect(std::move(u)); });
    d->acct_->set_end_session([self](const Endpoint& remote) { self->ike_->delete_sessions_to(remote); });
    d->acct_->set_live_counters([self](const Endpoint& remote) {
      aaa::radius::AcctCounters c;
      for (const auto& s : self->datapath_->sa_stats())
        if (s.remote == remote) {
          c.input_octets += s.bytes_decaps;
          c.input_packets += s.pkts_decaps;
          c.output_octets += s.bytes_encaps;
          c.output_packets += s.pkts_encaps;
        }
      return c;
    });
    d->da_ = std::make_unique<DynamicAuthorService>(*d->loop_, *d->acct_);
    d->da_->on_activity([self] { self->reschedule(); });
  }
  auto accepted = std::make_shared<aaa::AcceptedUsers>();
  d->policy_.set_accepted_users(accepted);
  d->policy_.set_eap_backend(
      [self, accepted](const std::string& group, bool query_identity) -> std::shared_ptr<const ike::EapAuthenticator> {
        if (!self->radius_ || !self->radius_->has_group(group)) return nullptr;
        return std::make_shared<aaa::RadiusEapAuthenticator>(self->radius_, group, query_identity, accepted);
      });
  d->isakmp_policy_.set_peer_names(&d->isakmp_names_);
  // XAUTH with `aaa authentication login LIST group G [local]`: PAP.
  d->isakmp_policy_.set_radius_passwords([self](const std::string& group, const IpAddress& remote,
                                                std::shared_ptr<ike::PasswordChecker> fallback)
                                             -> std::shared_ptr<ike::PasswordChecker> {
    if (!self->radius_ || !self->radius_->has_group(group)) return nullptr;
    return std::make_shared<aaa::RadiusPasswordChecker>(self->radius_, group, remote, std::move(fallback));
  });
  // aaa authorization ... list L with `aaa authorization network L group G`:
  // an Access-Request for the user or group name with IOS's password "cisco"
  // (seed 004, "AAA Pre-Shared Keys – Packet Flow"; keyring aaa's may be
  // configured); the Accept's attributes.
  d->policy_.set_radius_lookup([self](const std::string& group, const std::string& user, const Secret& password,
                                      const std::string& source,
                                      std::function<void(Result<aaa::RadiusAuthorization>)> done) {
    if (!self->radius_ || !self->radius_->has_group(group))
      return done(fail(Errc::kNotFound, "no aaa group server radius " + group));
    kg::radius::Packet req{uint8_t(kg::radius::Code::kAccessRequest), 0, {}, {}};
    req.add_text(kg::radius::AttrType::kUserName, user);
    req.add(kg::radius::AttrType::kUserPassword, password.view());
    req.add_u32(kg::radius::AttrType::kServiceType, kg::radius::kServiceTypeFramed);
    req.add_text(kg::radius::AttrType::kNasIdentifier, self->radius_->nas_identifier());
    self->radius_->submit(group, aaa::radius::Port::kAuth, std::move(req),
                          [done = std::move(done), user, source](Result<aaa::radius::Reply> r) {
                            if (!r) return done(std::unexpected(r.error()));
                            if (r->packet.code != uint8_t(kg::radius::Code::kAccessAccept))
                              return done(fail(Errc::kAuthFailed, std::string(kg::radius::code_name(r->packet.code)) +
                                                                      " from RADIUS server " + r->server + " for " + user));
                            done(aaa::radius_authorization(r->packet, source));
                          });
  });
  d->datapath_->on_no_sa([self](const std::string& t) { self->tunnels_.on_no_sa(t); });
  d->add_peer_dead_handler([self](const ike::PeerDead& ev) { return self->flexvpn_.on_peer_dead(ev); });
  d->add_peer_dead_handler([self](const ike::PeerDead& ev) { return self->crypto_map_peer_dead(ev); });
  d->register_show_commands();
  d->setup_coa();
  auto serial = consent::load_device_serial(o.state_dir, d->rng_);
  if (!serial) return std::unexpected(serial.error());
  d->consent_ = std::make_unique<ConsentService>(*d->config_, d->clock_, d->rng_, *serial);
  d->consent_->register_commands();
  d->debug_keys_ = std::make_unique<DebugKeys>(*d->consent_, [self] { return self->ike_->engine().sa_keys(); });
  d->debug_keys_->register_commands(*d->config_);
  d->system_shell_ = std::make_unique<SystemShell>(*d->consent_, *d->loop_, o.state_dir);
  d->system_shell_->register_commands(*d->config_);
  d->consent_->shell_sessions = [self] { return self->system_shell_->sessions(); };
  // keygate-web is installed next to keygated.
  std::error_code exe_err;
  auto exe_dir = std::filesystem::read_symlink("/proc/self/exe", exe_err).parent_path();
  d->web_ = std::make_unique<WebService>(*d->config_, (exe_dir / "keygate-web").string(), o.socket_path);
  d->config_->device_exists = [](const std::string& dev) { return ::if_nametoindex(dev.c_str()) != 0; };
  d->config_->on_change = [self](const config::Model& before, const config::Model& after) {
    self->apply_config(before, after);
    if (self->control_ && before.users.empty() != after.users.empty())
      self->control_->open_to_users(!after.users.empty());
  };
  // Load the startup configuration (a file given with -f, else the state
  // directory's startup-config), reporting bad lines as IOS does and going on.
  std::string file = o.config_file;
  if (file.empty() && std::filesystem::exists(o.state_dir + "/startup-config"))
    file = o.state_dir + "/startup-config";
  // on_change applies each loaded line to the kernel as it is accepted.
  if (!file.empty()) {
    auto rep = d->config_->load_file(file);
    if (!rep) return std::unexpected(rep.error());
    for (size_t p = 0; p < rep->size();) {
      size_t e = rep->find('\n', p);
      if (e == std::string::npos) e = rep->size();
      if (e > p) log::warn(file + ": " + rep->substr(p, e - p));
      p = e + 1;
    }
  }
  d->policy_.set_model(d->config_->model());
  d->restore_pool_leases();
  mode_t old = umask(077);
  auto ctl = control::ControlServer::create(
      o.socket_path, [self] { return std::make_unique<config::CliSession>(*self->config_); },
      [self](int fd, uint32_t events) {
        io::EventLoop& ev_loop = *self->loop_;
        if (events == 0) ev_loop.remove_fd(fd);
        else if (ev_loop.has_fd(fd)) (void)ev_loop.set_fd_events(fd, events);
        else (void)ev_loop.add_fd(fd, events, [self, fd](uint32_t) { self->control_->on_ready(fd); });
      });
  umask(old);
  if (!ctl) return std::unexpected(ctl.error());
  d->control_ = std::move(*ctl);
  d->control_->open_to_users(!d->config_->model().users.empty());
  log::set_monitor([self](std::string_view line) { self->control_->monitor_line(line); });
  int lfd = d->control_->listen_fd();
  (void)d->loop_->add_fd(lfd, EPOLLIN, [self, lfd](uint32_t) { self->control_->on_ready(lfd); });
  d->loop_->on_deadline([self] {
    self->ike_->on_timer();
    self->isakmp_actions(self->ikev1_->on_timer());
    if (self->radius_) self->radius_->on_timer();
    if (self->acct_) self->acct_->on_timer();
    if (self->stop_at_ && (self->clock_.now() >= *self->stop_at_ || !self->acct_ || !self->acct_->accountant().owed())) {
      self->loop_->stop();
      return;
    }
    self->housekeeping();
    self->reschedule();
  });
  for (int sig : {SIGINT, SIGTERM})
    (void)d->loop_->add_signal(sig, [self] { self->shutdown(); });
  signal(SIGPIPE, SIG_IGN);
  d->reschedule();
  return d;
}

Daemon::~Daemon() {
  remove_crypto_steering();
  log::set_monitor(nullptr);
}

int Daemon::run() {
  log::info("keygated: control socket " + opts_.socket_path + ", state " + opts_.state_dir);
  if (acct_) acct_->system_on();  // RFC 2866 Accounting-On: sessions a crash left open are over
  reschedule();
  loop_->run();
  return 0;
}

void Daemon::shutdown() {
  if (stop_at_) { loop_->stop(); return; }  // a second signal: now
  log::info("keygated: shutting down, deleting IKE SAs");
  if (acct_) acct_->set_cause(aaa::radius::TerminateCause::kNasReboot);
  ike_->delete_sessions("");
  isakmp_actions(ikev1_->delete_sessions(""));
  if (!acct_) { loop_->stop(); return; }
  acct_->set_cause(std::nullopt);
  acct_->settle();
  acct_->system_off();
  // The Stops and the Accounting-Off get a moment to be acknowledged (what
  // is not stays in the spool for the next start).
  stop_at_ = clock_.now() + Millis(3000);
  reschedule();
}

void Daemon::reschedule() {
  auto d = ike_->engine().next_deadline();
  TimePoint when = next_housekeeping_;
  if (d && *d < when) when = *d;
  if (auto v1 = ikev1_->next_deadline(); v1 && *v1 < when) when = *v1;
  if (auto r = tunnels_.next_retry(); r && *r < when) when = *r;
  if (auto r = radius_ ? radius_->next_deadline() : std::nullopt; r && *r < when) when = *r;
  if (auto r = acct_ ? acct_->next_deadline() : std::nullopt; r && *r < when) when = *r;
  if (stop_at_) when = acct_ && acct_->accountant().owed() ? std::min(when, *stop_at_) : clock_.now();
  if (auto t = tokens_->next_deadline(); t && *t < when) when = *t;
  loop_->set_deadline(when);
}

// The source address of the tunnel's family (that of its destination).
std::optional<IpAddress> Daemon::tunnel_source(const config::Interface& itf) {
  if (itf.tunnel_source.address) return itf.tunnel_source.address;
  auto& dst = itf.tunnel_destination.address;
  bool v6 = dst && !dst->is_v4();
  auto& m = policy_.model();
  auto it = m.interfaces.find(itf.tunnel_source.word);
  if (it != m.interfaces.end()) {
    if (!v6)
      if (auto& p = it->second.ip_address.address) return p->addr;
    if (v6 && !it->second.ipv6_addresses.empty()) return it->second.ipv6_addresses.front().addr;
  }
  if (!itf.tunnel_source.empty())
    if (auto a = netlink_->first_address(config::linux_device(m.interface_map, itf.tunnel_source.word),
                                         v6 ? IpAddress::Family::kV6 : IpAddress::Family::kV4))
      return *a;
  return std::nullopt;
}

void Daemon::try_initiate(const std::string& tunnel) {
  if (initiate_crypto_map(tunnel)) return;
  auto& m = policy_.model();
  auto it = m.interfaces.find(tunnel);
  if (it == m.interfaces.end() || it->second.shutdown) return;
  std::optional<IpAddress> dst = it->second.tunnel_destination.address;
  // tunnel destination dynamic: the FlexVPN client's current peer, if any.
  if (!dst)
    if (auto* fc = flexvpn_.for_tunnel(tunnel)) dst = fc->destination();
  if (dst) initiate_to(tunnel, *dst);
}

void Daemon::initiate_to(const std::string& tunnel, const IpAddress& dst) {
  auto& m = policy_.model();
  auto it = m.interfaces.find(tunnel);
  if (it == m.interfaces.end() || it->second.shutdown) return;
  auto src = tunnel_source(it->second);
  auto child = policy_.child_for_tunnel(tunnel);
  if (!src || !child) return;
  if (is_gre(tunnel, it->second)) {  // the GRE flow from the source in use
    set_gre_local(*child, *src);
    set_gre_tunnel(tunnel, *src, dst);
  }
  if (isakmp_policy_.tunnel_uses_isakmp(tunnel)) {
    if (m.isakmp.enabled) isakmp_actions(ikev1_->initiate({{*src, 500}, {dst, 500}, std::move(*child)}));
    return;
  }
  ike::InitiateRequest req;
  req.local = {*src, 500};
  req.remote = {dst, 500};
  req.profile = policy_.profile_for_tunnel(tunnel);
  req.child = std::move(*child);
  ike_->initiate(req);
}

void Daemon::housekeeping() {
  next_housekeeping_ = clock_.now() + kHousekeeping;
  consent_->tick();  // the 10-minute warnings and expiries
  system_shell_->tick();  // after it: a shell whose authorization ended closes
  web_->tick(clock_.now());
  if (auto ka = policy_.model().ikev2.nat_keepalive)
    nat_keepalive_.tick(clock_.now(), uint32_t(*ka), ike_->engine().behind_nat(), *datapath_);
  // IKEv1's (crypto isakmp nat keepalive): its own timers, by CKY-I.
  nat_keepalive_v1_.tick(clock_.now(), uint32_t(policy_.model().isakmp.nat_keepalive.value_or(0)), ikev1_->behind_nat(),
                         *datapath_);
  for (auto& [name, dev] : gre_)  // a tunnel source address that appeared later
    if (!dev->tunnel())
      if (auto it = policy_.model().interfaces.find(name); it != policy_.model().interfaces.end())
        set_gre_endpoints(name, it->second);
  tokens_->tick();  // removal timeouts: keys deactivated, their SAs deleted
  pool_lease_tick();
  flexvpn_.tick();  // before the static tunnels' retries, which skip its tunnels
  tunnels_.tick();
}

void Daemon::restore_pool_leases() {
  lease_file_ = std::make_unique<PoolLeaseFile>(opts_.state_dir + "/pool-leases");
  aaa::AddressPools& pools = ra_->pools();
  size_t bad = 0;
  auto old = lease_file_->load(&bad);
  if (bad) log::warn("keygated: " + std::to_string(bad) + " unreadable line(s) in " + lease_file_->path() + " skipped");
  if (size_t n = pools.restore(old)) {
    log::info("keygated: " + std::to_string(n) + " pool lease(s) from before the restart held for their users for " +
              std::to_string(kLeaseHold.count() / 1000) + " s");
    leases_held_until_ = clock_.now() + kLeaseHold;
  }
  if (!lease_file_->rewrite(pools.leases())) lease_compact_after_ = clock_.now() + Millis(60'000);
  pools.on_change = [this](const aaa::Lease& l, bool gone) { lease_file_->record(l, gone); };
}

void Daemon::pool_lease_tick() {
  aaa::AddressPools& pools = ra_->pools();
  if (leases_held_until_ && clock_.now() >= *leases_held_until_) {
    leases_held_until_.reset();
    if (size_t n = pools.release_held())
      log::info("keygated: " + std::to_string(n) + " pool lease(s) from before the restart not taken back; freed");
  }
  if (lease_file_ && lease_file_->wants_compaction(pools.lease_count()) && clock_.now() >= lease_compact_after_ &&
      !lease_file_->rewrite(pools.leases()))
    lease_compact_after_ = clock_.now() + Millis(60'000);
}

void Daemon::clear_sessions(const std::string& interface) {
  if (acct_) acct_->set_cause(aaa::radius::TerminateCause::kAdminReset);
  ike_->delete_sessions(interface);
  isakmp_actions(ikev1_->delete_sessions(interface));
  if (acct_) acct_->set_cause(std::nullopt);
}

bool Daemon::tunnel_up(const std::string& name) const { return tunnels_.up(name); }

void Daemon::apply_config(const config::Model& before, const config::Model& after) {
  policy_.set_model(after);
  if (radius_) radius_->configure(after);
  // An exchange waiting for RADIUS (EAP, authorization, keyring aaa) must
  // outlast the client's fail-over through the largest group, plus a second
  // for the loop; other work (a token's signature, a CRL) gets the floor.
  Millis wait = std::max(kExchangeWaitFloor, radius_ ? radius_->longest_request() + Millis(1'000) : Millis(0));
  if (wait != exchange_wait_) {
    exchange_wait_ = wait;
    ike_->engine().set_pending_timeout(wait);
    log::info("IKEv2: an exchange waits up to " + std::to_string(wait.count() / 1000) + " s for slow work (RADIUS: " +
              std::to_string(radius_ ? radius_->widest_group() : 0) + " servers x " + std::to_string(after.radius.timeout) +
              " s x " + std::to_string(std::min(after.radius.retransmit, 20) + 1) + " transmissions)");
  }
  if (acct_) acct_->configure(after, radius_ ? radius_->source_address() : std::nullopt);
  if (da_) da_->configure(after);
  if (acct_) acct_->flush();  // what a previous run (or an outage) left, to the servers now configured
  ra_->apply(before, after);
  isakmp_names_.set_hosts(after.ip_hosts);
  flexvpn_.apply(after);
  log::set_prefix(after.hostname);
  if (before.logging_buffered != after.logging_buffered) apply_logging(after);
  interfaces_.apply(before, after);
  apply_crypto_maps();
  if (web_) web_->apply(after, clock_.now());
  tokens_->apply(after);
  // New certificates (crypto pki import): tunnels still down try again now
  // instead of at their next retry.
  if (before.cert_chains != after.cert_chains || before.trustpoints != after.trustpoints)
    tunnels_.credentials_changed();
  next_housekeeping_ = clock_.now();
  if (loop_) reschedule();
}

void Daemon::register_show_commands() {
  register_runtime_commands(*config_, *this);
  register_ra_show_commands(*config_, *this);
  register_flexvpn_show();
  register_system_commands(*config_, *this);
  register_crypto_engine_show(*config_, [this] { return datapath_ ? datapath_->esp_socket_description() : std::string("none"); });
  register_isakmp_show_commands(*config_, *this);
  const DynamicAuthorService* da = da_.get();
  register_radius_show_commands(*config_, radius_.get(), clock_, [da]() -> std::string {
    return da ? dynamic_author_statistics(da->stats(), da->listening(), da->port()) : std::string();
  });
  register_aaa_sessions_show(*config_, acct_.get());
}

}  // namespace kg::daemon
