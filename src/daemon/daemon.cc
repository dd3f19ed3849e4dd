#include "daemon/daemon.h"

#include <net/if.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/stat.h>

#include <filesystem>

#include "common/log.h"
#include "config/interface_names.h"
#include "daemon/debug_lines.h"
#include "daemon/show_crypto_engine.h"
#include "daemon/show_ra.h"
#include "daemon/show_runtime.h"
#include "daemon/show_system.h"
#include "esp/dual_stack.h"

namespace kg::daemon {

namespace {
constexpr Millis kRetryInterval{10'000};
constexpr Millis kTrafficRetry{3'000};
constexpr Millis kHousekeeping{1'000};
constexpr uint32_t kDefaultTunnelMtu = 1400;  // 1500 minus ESP-in-UDP overhead, rounded down

bool is_tunnel(const std::string& n) { return n.rfind("Tunnel", 0) == 0; }
bool is_loopback(const std::string& n) { return n.rfind("Loopback", 0) == 0; }
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
  d->config_ = std::make_unique<config::Config>(o.state_dir);
  d->policy_.set_pki(&d->config_->pki());
  d->engine_ = ike::Engine::create(d->policy_, d->clock_, d->rng_);
  auto wq = io::WorkQueue::create(*d->loop_);
  if (!wq) return std::unexpected(wq.error());
  d->work_ = std::move(*wq);
  Daemon* self = d.get();
  auto dp = esp::open_dual_stack([self](const Endpoint& l, const Endpoint& r, ByteView m) {
    debug_ike_packet(false, l, r, m);
    self->execute(self->engine_->on_packet(l, r, m));
  }, esp::kIkePort, esp::kNattPort, esp::DatapathOptions::from_env());
  if (!dp) return std::unexpected(dp.error());
  d->datapath_ = std::move(*dp);
  d->datapath_->set_clock(d->clock_);
  // Plain ESP (no NAT between the peers) needs a raw socket: without
  // CAP_NET_RAW only ESP in UDP 4500 works.
  if (auto raw = esp::open_raw_esp_dual_stack())
    d->datapath_->set_esp_socket(std::move(*raw));
  else
    log::warn("keygated: no plain ESP (" + raw.error().message + "); only peers behind a NAT will work");
  d->datapath_->on_peer_moved(
      [self](uint32_t spi, const Endpoint& r) { self->execute(self->engine_->peer_moved(spi, r)); });
  if (auto r = d->datapath_->attach(*d->loop_); !r) return std::unexpected(r.error());
  d->traffic_.dp = d->datapath_.get();
  d->engine_->set_traffic_source(&d->traffic_);
  d->datapath_->on_sa_limit(
      [self](uint32_t spi_in, bool hard) { self->execute(self->engine_->on_child_limit(spi_in, hard)); });
  d->ra_ = std::make_unique<RemoteAccess>(*d->datapath_, *d->netlink_, d->clock_, [self](const std::string& itf) {
    self->execute(self->engine_->delete_sessions(itf));
  });
  d->policy_.set_remote_access(&d->ra_->pools(), [self](const std::string& n) -> std::optional<Prefix> {
    auto a = self->netlink_->first_address(config::linux_device(self->policy_.model().interface_map, n),
                                           IpAddress::Family::kV4);
    if (!a) return std::nullopt;
    return Prefix{*a, 32};  // only the address is known: a host route
  });
  d->datapath_->on_no_sa([self](const std::string& t) {
    if (config::is_virtual_template(t)) return;  // a hub does not initiate to its clients
    auto& st = self->tunnels_[t];
    // Also while the tunnel is up: its IKE SA may have lost its CHILD_SA (a
    // hard lifetime reached while the peer was unreachable, a rekey both
    // sides refused); the engine then creates a new one on it (§1.3.1), as
    // IOS does on the next packet. With a CHILD_SA in place it does nothing.
    if (self->clock_.now() >= st.next_try) {
      self->try_initiate(t);
      st.next_try = self->clock_.now() + kTrafficRetry;
    }
  });
  d->add_peer_dead_handler([self](const ike::PeerDead& ev) { return self->flexvpn_.on_peer_dead(ev); });
  d->register_show_commands();
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
    self->execute(self->engine_->on_timer());
    self->housekeeping();
    self->reschedule();
  });
  for (int sig : {SIGINT, SIGTERM})
    (void)d->loop_->add_signal(sig, [self] { self->shutdown(); });
  signal(SIGPIPE, SIG_IGN);
  d->reschedule();
  return d;
}

Daemon::~Daemon() { log::set_monitor(nullptr); }

int Daemon::run() {
  log::info("keygated: control socket " + opts_.socket_path + ", state " + opts_.state_dir);
  loop_->run();
  return 0;
}

void Daemon::shutdown() {
  log::info("keygated: shutting down, deleting IKE SAs");
  execute(engine_->delete_sessions(""));
  loop_->stop();
}

void Daemon::reschedule() {
  auto d = engine_->next_deadline();
  TimePoint when = next_housekeeping_;
  if (d && *d < when) when = *d;
  for (auto& [name, st] : tunnels_)
    if (!st.up && st.auto_retry && st.next_try < when) when = st.next_try;
  loop_->set_deadline(when);
}

void Daemon::execute(std::vector<ike::Action> actions) {
  for (auto& a : actions) {
    if (auto* s = std::get_if<ike::SendPacket>(&a)) {
      debug_ike_packet(true, s->local, s->remote, s->data);
      if (auto r = datapath_->send_ike(s->local, s->remote, s->data); !r)
        log::warn("IKE send to " + s->remote.str() + ": " + r.error().message);
    } else if (auto* i = std::get_if<ike::InstallChildSa>(&a)) {
      auto r = datapath_->install_sa(*i);
      if (!r) log::error("cannot install CHILD_SA on " + i->interface + ": " + r.error().message);
      else { debug_ipsec_created(*i); gre_sa_installed(*i); }
    } else if (auto* up = std::get_if<ike::UpdateChildSaPeer>(&a)) {
      datapath_->update_peer(up->spi_in, up->local, up->remote);
    } else if (auto* rm = std::get_if<ike::RemoveChildSa>(&a)) {
      debug_ipsec_deleted(rm->interface, rm->spi_in, rm->spi_out);
      datapath_->remove_sa(rm->spi_in, rm->spi_out);
    } else if (auto* rt = std::get_if<ike::RetireChildSa>(&a)) {
      datapath_->retire_sa(rt->spi_in);
    } else if (auto* rc = std::get_if<ike::ReleaseConfig>(&a)) {
      ra_->on_release(rc->lease);
    } else if (auto* ev = std::get_if<ike::SessionEvent>(&a)) {
      if (!ra_->on_session(*ev)) session_event(*ev);  // else a Virtual-Access session
    } else if (auto* pd = std::get_if<ike::PeerDead>(&a)) {
      peer_dead(*pd);
    } else if (auto* w = std::get_if<ike::WorkRequest>(&a)) {
      run_work(std::move(*w));
    } else if (auto* pa = std::get_if<ike::PeerAnswered>(&a)) {
      flexvpn_.on_peer_answered(*pa);
    }
  }
  reschedule();
}

// Today only a signer, EAP back end or authorizer that declares itself slow
// gets here (none of keygate's own do yet: PKCS#11 and RADIUS come later);
// the common case is signed or authorized inline by the engine and never
// hops threads. Local authorization must stay inline: it leases from pools
// that only the event loop touches.
void Daemon::run_work(ike::WorkRequest w) {
  work_->submit([self = this, w = std::move(w)]() -> io::WorkQueue::Completion {
    auto result = std::make_shared<ike::WorkResult>(ike::do_work(w.work));  // blocking, on the worker
    return [self, id = w.id, result] { self->execute(self->engine_->resume(id, std::move(*result))); };
  });
}

// The source address of the tunnel's family (that of its destination).
std::optional<IpAddress> Daemon::tunnel_source(const config::Interface& itf) {
  if (auto a = IpAddress::parse(itf.tunnel_source)) return a;
  auto dst = IpAddress::parse(itf.tunnel_destination);
  bool v6 = dst && !dst->is_v4();
  auto& m = policy_.model();
  auto it = m.interfaces.find(itf.tunnel_source);
  if (it != m.interfaces.end()) {
    if (!v6)
      if (auto p = parse_addr_mask(it->second.ip_address)) return p->addr;
    if (v6)
      for (auto& a : it->second.ipv6_addresses)
        if (auto p = parse_addr_mask(a)) return p->addr;
  }
  if (!itf.tunnel_source.empty())
    if (auto a = netlink_->first_address(config::linux_device(m.interface_map, itf.tunnel_source),
                                         v6 ? IpAddress::Family::kV6 : IpAddress::Family::kV4))
      return *a;
  return std::nullopt;
}

void Daemon::try_initiate(const std::string& tunnel) {
  auto& m = policy_.model();
  auto it = m.interfaces.find(tunnel);
  if (it == m.interfaces.end() || it->second.shutdown) return;
  auto dst = IpAddress::parse(it->second.tunnel_destination);
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
  ike::InitiateRequest req;
  req.local = {*src, 500};
  req.remote = {dst, 500};
  req.profile = policy_.profile_for_tunnel(tunnel);
  req.child = std::move(*child);
  execute(engine_->initiate(req));
}

void Daemon::housekeeping() {
  next_housekeeping_ = clock_.now() + kHousekeeping;
  if (auto ka = policy_.model().ikev2.nat_keepalive)
    nat_keepalive_.tick(clock_.now(), uint32_t(*ka), engine_->sas(), *datapath_);
  for (auto& [name, dev] : gre_)  // a tunnel source address that appeared later
    if (!dev->tunnel())
      if (auto it = policy_.model().interfaces.find(name); it != policy_.model().interfaces.end())
        set_gre_endpoints(name, it->second);
  flexvpn_.tick();  // before the static tunnels' retries below skip its tunnels
  // A snapshot of the IKE SAs only when a tunnel is due to retry, once: a
  // hub's tick must not copy every SA.
  std::optional<std::vector<ike::IkeSaInfo>> sas;
  for (auto& [name, st] : tunnels_) {
    if (st.up || !st.auto_retry || clock_.now() < st.next_try) continue;
    if (flexvpn_.for_tunnel(name)) continue;  // its client chooses when and where
    if (!sas) sas = engine_->sas();
    bool negotiating = false;
    for (auto& sa : *sas) negotiating = negotiating || sa.interface == name;
    st.next_try = clock_.now() + kRetryInterval;
    if (!negotiating) try_initiate(name);
  }
}

void Daemon::clear_sessions(const std::string& interface) {
  execute(engine_->delete_sessions(interface));
}

bool Daemon::tunnel_up(const std::string& name) const {
  auto it = tunnels_.find(name);
  return it != tunnels_.end() && it->second.up;
}

void Daemon::apply_interfaces(const config::Model& before, const config::Model& after) {
  for (auto& [name, itf] : before.interfaces) {
    if (config::is_virtual_template(name)) continue;  // RemoteAccess::apply
    if (after.interfaces.count(name)) continue;
    if (is_tunnel(name)) {
      execute(engine_->delete_sessions(name));
      remove_gre_tunnel(name);
      datapath_->remove_tunnel(name);
      tunnels_.erase(name);
    } else if (auto p = parse_addr_mask(itf.ip_address)) {
      (void)netlink_->del_address(config::linux_device(before.interface_map, name), *p);
    }
  }
  for (auto& [name, itf] : after.interfaces) {
    if (config::is_virtual_template(name)) continue;
    auto old = before.interfaces.find(name);
    std::string dev = config::linux_device(after.interface_map, name);
    // The map moved the interface to another device (or unmapped it): its
    // address leaves the old one.
    std::string old_dev = config::linux_device(before.interface_map, name);
    if (old != before.interfaces.end() && old_dev != dev)
      if (auto p = parse_addr_mask(old->second.ip_address)) (void)netlink_->del_address(old_dev, *p);
    if (!is_tunnel(name) && !is_loopback(name) && ::if_nametoindex(dev.c_str()) == 0) {
      // An IOS port with no map entry, or a device the kernel does not have:
      // the load report warned; nothing to change, and it is never shown up.
      bool was_missing = old != before.interfaces.end() && old_dev == dev;
      if (!was_missing) log::warn("interface " + name + ": no Linux device " + dev + "; not applied");
      continue;
    }
    if (is_tunnel(name)) {
      // A change of tunnel mode between ipsec and gre replaces the device.
      if (old != before.interfaces.end() && is_gre(name, old->second) != is_gre(name, itf)) {
        execute(engine_->delete_sessions(name));
        if (is_gre(name, old->second)) remove_gre_tunnel(name);
        else datapath_->remove_tunnel(name);
      }
      if (auto r = is_gre(name, itf) ? add_gre_tunnel(name, itf) : datapath_->add_tunnel(name); !r) {
        log::error("interface " + name + ": " + r.error().message);
        continue;
      }
      // GRE's delivery header comes out of the same 1400 bytes.
      uint32_t gre = is_gre(name, itf) ? (itf.tunnel_mode == "gre ipv6" ? 44 : 24) : 0;
      (void)netlink_->set_mtu(name, itf.mtu ? uint32_t(*itf.mtu) : kDefaultTunnelMtu - gre);
    }
    if (old != before.interfaces.end() && old->second.ip_address != itf.ip_address)
      if (auto p = parse_addr_mask(old->second.ip_address)) (void)netlink_->del_address(dev, *p);
    if (auto p = parse_addr_mask(itf.ip_address)) {
      if (auto r = netlink_->add_address(dev, *p); !r) log::warn("interface " + name + ": " + r.error().message);
    }
    if (!is_loopback(name)) {
      bool was_up = old == before.interfaces.end() ? false : !old->second.shutdown;
      (void)netlink_->set_link_up(dev, !itf.shutdown);
      if (is_tunnel(name) && was_up != !itf.shutdown)
        log::event("LINK", log::Level::kNotice, "UPDOWN",
                   "Interface " + name + ", changed state to " + (itf.shutdown ? "administratively down" : "up"));
    }
    if (is_tunnel(name)) {
      bool changed = old == before.interfaces.end() || old->second.tunnel_destination != itf.tunnel_destination ||
                     old->second.tunnel_protection != itf.tunnel_protection ||
                     old->second.tunnel_source != itf.tunnel_source || old->second.shutdown != itf.shutdown;
      if (itf.shutdown && old != before.interfaces.end() && !old->second.shutdown)
        execute(engine_->delete_sessions(name));
      if (changed && !itf.shutdown) {
        auto& st = tunnels_[name];
        st.auto_retry = true;
        // A little jitter so two peers configured at the same moment rarely
        // both initiate (which would give two IKE SAs for one tunnel).
        st.next_try = clock_.now() + Millis(rng_.u32() % 1000);
      }
    }
  }
}

void Daemon::apply_routes(const config::Model& before, const config::Model& after) {
  // The device a route goes out of in model m (the port map may change it).
  auto device = [](const config::Model& m, const config::Route& r) {
    std::string dev = config::linux_device(m.interface_map, r.target);
    if (auto via = IpAddress::parse(r.target)) {
      // Next hop: find the interface whose subnet holds it.
      for (auto& [n, itf] : m.interfaces)
        if (auto ip = parse_addr_mask(itf.ip_address); ip && Prefix{ip->first(), ip->len}.contains(*via))
          dev = config::linux_device(m.interface_map, n);
    }
    return dev;
  };
  auto install = [&](const config::Model& m, const config::Route& r, bool add) {
    auto p = parse_addr_mask(r.prefix + " " + r.mask);
    if (!p) return;
    std::string dev = device(m, r);
    // Out of a port without a Linux device: apply_interfaces logged it once.
    if (!IpAddress::parse(r.target) && ::if_nametoindex(dev.c_str()) == 0) return;
    auto res = add ? netlink_->add_route(*p, dev, IpAddress::parse(r.target)) : netlink_->del_route(*p, dev);
    if (!res) log::warn(std::string(add ? "route " : "delete route ") + p->str() + ": " + res.error().message);
  };
  for (auto& r : before.routes)
    if (std::find(after.routes.begin(), after.routes.end(), r) == after.routes.end() || device(before, r) != device(after, r))
      install(before, r, false);
  for (auto& r : after.routes) install(after, r, true);
}

void Daemon::apply_config(const config::Model& before, const config::Model& after) {
  policy_.set_model(after);
  ra_->apply(before, after);
  flexvpn_.apply(after);
  log::set_prefix(after.hostname);
  if (before.logging_buffered != after.logging_buffered) apply_logging(after);
  apply_interfaces(before, after);
  apply_routes(before, after);
  apply_ipv6(before, after);
  // New certificates (crypto pki import): tunnels still down try again now
  // instead of at their next retry.
  if (before.cert_chains != after.cert_chains || before.trustpoints != after.trustpoints)
    for (auto& [name, st] : tunnels_)
      if (!st.up) st.auto_retry = true, st.next_try = clock_.now();
  next_housekeeping_ = clock_.now();
  if (loop_) reschedule();
}

void Daemon::register_show_commands() {
  register_runtime_commands(*config_, *this);
  register_ra_show_commands(*config_, *this);
  register_flexvpn_show();
  register_system_commands(*config_, *this);
  register_crypto_engine_show(*config_);
}

}  // namespace kg::daemon
