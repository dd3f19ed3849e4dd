// keygated: wires the IOS configuration, the IKE engine, the ESP data path,
// the kernel (TUN devices, addresses, routes) and the control socket onto one
// event loop. The engine and the config code do no I/O; the daemon does.
//
// The parts, each with one job:
//   IkeSide             the ike::Engine (src/ike: datagrams in, actions out,
//                       no I/O) and the one place its actions are routed to
//                       the other parts (ike_side.h; tested with a fake
//                       Host, no sockets or threads).
//   io::WorkQueue       slow work off the loop (signatures, name lookups),
//                       completions posted back through an eventfd.
//   esp::Datapath       the sockets (UDP 500/4500, raw ESP) and the TUNs:
//                       ESP both ways, in batches (src/esp/datapath.h).
//   Interfaces          each config change applied to the kernel: addresses,
//                       links, tunnel devices (TUN, GRE) and MTU, IPv4 and
//                       IPv6 routes (interfaces.h; tested with a fake kernel).
//   Tunnels             the static tunnel interfaces' line protocol and when
//                       they (re)initiate: first tries, traffic with no SA,
//                       dead peers, config changes (tunnels.h; tested on a
//                       fake clock without sockets).
//   FlexvpnClients      crypto ikev2 client flexvpn: which peer each client
//                       tunnel goes to, fail-over, peer reactivate (probes
//                       are Engine::probe exchanges); flexvpn_clients.h,
//                       one client's peer selection in flexvpn_client.h;
//                       tested on a fake clock without sockets.
//   RemoteAccess        the hub side: pools, Virtual-Access sessions.
//   NatKeepalive        RFC 3948 keepalives for SAs behind a NAT (only those:
//                       Engine::behind_nat).
//   WebService          ip http secure-server: runs and supervises keygate-web
//                       (src/web), the end users' web page (web_service.h).
//   ConfigPolicy        the configuration as the engine's PolicyProvider.
//   RadiusService       the RADIUS client on the loop: the EAP relay's
//                       Access-Requests (aaa/radius_eap.h), retransmissions,
//                       fail-over and Status-Server probes at its deadline.
//   Tokens              PKCS#11 hardware tokens: insertion and removal, PIN
//                       logins, keys on the token and the removal timeout
//                       that takes their SAs down (tokens.h; daemon_tokens.cc).
// Each part reaches the daemon through a small Host that Daemon implements
// (daemon_lifetime.cc, daemon_flexvpn.cc, daemon_interfaces.cc). Daemon
// itself keeps the GRE devices' endpoints (daemon_gre.cc) and resolves a
// tunnel's source address and initiation request (daemon.cc).
//
// How data flows, one way (nothing re-enters a part in the middle of its work):
//   socket -> Datapath batch (ESP decrypted, TUN written) -> after the batch,
//     each IKE datagram -> IkeSide::on_packet -> Engine -> actions, routed:
//     SendPacket back to the Datapath (sent together after the batch),
//     InstallChildSa/RemoveChildSa to the Datapath, SessionEvent/PeerDead
//     to remote access, the tunnels and FlexVPN, PeerAnswered (a probe) to
//     FlexVPN.
//   TUN -> Datapath batch -> ESP out; a tunnel without an SA is reported
//     after the batch (on_no_sa) and Tunnels initiates.
//   WorkRequest -> WorkQueue worker -> completion on the loop -> Engine::resume.
//   timer -> Engine::on_timer, housekeeping (FlexVPN tick, tunnel retries,
//     keepalives).
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "common/clock.h"
#include "common/random.h"
#include "config/session.h"
#include "daemon/config_policy.h"
#include "daemon/consent_service.h"
#include "daemon/system_shell.h"
#include "daemon/debug_keys.h"
#include "daemon/control_server.h"
#include "daemon/crypto_maps.h"
#include "daemon/flexvpn_clients.h"
#include "daemon/ike_side.h"
#include "daemon/interfaces.h"
#include "daemon/isakmp_policy.h"
#include "daemon/nat_keepalive.h"
#include "daemon/pool_leases.h"
#include "daemon/radius_service.h"
#include "daemon/accounting_service.h"
#include "daemon/dynamic_author_service.h"
#include "daemon/remote_access.h"
#include "daemon/tokens.h"
#include "daemon/tunnels.h"
#include "daemon/web_service.h"
#include "esp/datapath.h"
#include "esp/gre_device.h"
#include "ike/engine.h"
#include "ikev1/engine.h"
#include "io/event_loop.h"
#include "io/netlink.h"
#include "io/nftables.h"
#include "io/work_queue.h"

namespace kg::daemon {

struct Options {
  std::string config_file;  // -f
  std::string socket_path = "/run/keygate/keygated.sock";  // -S
  std::string state_dir = "/var/lib/keygate";              // -d
  bool debug = false;
};

class Daemon {
 public:
  static Result<std::unique_ptr<Daemon>> create(const Options& o);
  ~Daemon();
  int run();

  // For show commands.
  const ike::Engine& engine() const { return ike_->engine(); }
  // The IKEv1 engine: ISAKMP datagrams (major version 1) on the same ports.
  ikev1::Engine& isakmp() { return *ikev1_; }
  const ikev1::Engine& isakmp() const { return *ikev1_; }
  // Runs IKEv1 engine actions through the same routing as IKEv2's.
  // Its WorkRequests (XAUTH through RADIUS) come back to it.
  void isakmp_actions(std::vector<ikev1::Action> a) {
    ike_->execute(std::move(a), [this](uint64_t id, ike::WorkResult r) { return ikev1_->resume(id, std::move(r)); });
  }
  const esp::Datapath& datapath() const { return *datapath_; }
  const config::Model& model() const { return policy_.model(); }
  const ConfigPolicy& config_policy() const { return policy_; }
  const aaa::AddressPools& pools() const { return ra_->pools(); }
  const RemoteAccess& remote_access() const { return *ra_; }
  const RadiusService* radius() const { return radius_.get(); }
  // For show ip route / show ip interface brief and ping (show_system.cc).
  io::Netlink& netlink() { return *netlink_; }
  io::EventLoop& loop() { return *loop_; }
  bool tunnel_up(const std::string& name) const;
  // Consent Token (consent_service.h): what a second party has authorized.
  const ConsentService& consent() const { return *consent_; }
  std::string profile_for_tunnel(const std::string& name) const { return policy_.profile_for_tunnel(name); }
  // clear crypto session: delete IKE SAs (all when interface is empty).
  void clear_sessions(const std::string& interface);
  void clear_ikev2_stats() { ike_->engine().clear_stats(); }

  // Called for every ike::PeerDead: DPD (or an unanswered request) declared
  // the peer dead; its IKE SA and CHILD_SAs are already gone and the line
  // protocol is down. A handler returning true has dealt with the tunnel
  // (a FlexVPN client moving on to its next peer); otherwise a static tunnel
  // re-initiates to its tunnel destination. Handlers run in the order added.
  using PeerDeadHandler = std::function<bool(const ike::PeerDead&)>;
  void add_peer_dead_handler(PeerDeadHandler h) { peer_dead_handlers_.push_back(std::move(h)); }

 private:
  // The data path's per-SA activity, for DPD (daemon_lifetime.cc).
  struct DatapathTraffic final : ike::TrafficSource {
    const esp::Datapath* dp = nullptr;
    std::optional<ike::ChildActivity> activity(uint32_t spi_in) const override;
  };
  Daemon() = default;
  void apply_config(const config::Model& before, const config::Model& after);
  // tunnel mode gre (daemon_gre.cc): the TUN behind a GreDevice.
  Result<void> add_gre_tunnel(const std::string& name, const config::Interface& itf);
  void set_gre_endpoints(const std::string& name, const config::Interface& itf);
  void set_gre_tunnel(const std::string& name, const IpAddress& src, const IpAddress& dst);
  void remove_gre_tunnel(const std::string& name);
  void gre_sa_installed(const ike::InstallChildSa& sa);  // tunnel or transport mode
  // What the interfaces part asks of the kernel, the data path and the
  // other parts (daemon_interfaces.cc).
  struct InterfacesHost final : Interfaces::Host {
    explicit InterfacesHost(Daemon& daemon) : d(daemon) {}
    bool device_exists(const std::string& dev) const override;
    Result<void> set_link_up(const std::string& dev, bool up) override;
    Result<void> set_mtu(const std::string& dev, uint32_t mtu) override;
    Result<void> add_address(const std::string& dev, const Prefix& p) override;
    Result<void> del_address(const std::string& dev, const Prefix& p) override;
    Result<void> add_route(const Prefix& dst, const std::string& dev, std::optional<IpAddress> via) override;
    Result<void> del_route(const Prefix& dst, const std::string& dev) override;
    Result<void> add_ipsec_tunnel(const std::string& name) override;
    Result<void> add_gre_tunnel(const std::string& name, const config::Interface& itf) override;
    void remove_tunnel(const std::string& name) override;
    void delete_sessions(const std::string& tunnel) override;
    void tunnel_configured(const std::string& tunnel, const config::Interface* old,
                           const config::Interface& itf) override;
    void tunnel_removed(const std::string& tunnel) override;
    Daemon& d;
  };
  // Where the IKE side sends the engine's actions (daemon_lifetime.cc).
  struct IkeHost final : IkeSide::Host {
    explicit IkeHost(Daemon& daemon) : d(daemon) {}
    void send(const ike::SendPacket& p) override;
    void install(const ike::InstallChildSa& sa) override;
    void update_peer(const ike::UpdateChildSaPeer& u) override;
    void remove(const ike::RemoveChildSa& sa) override;
    void retire(const ike::RetireChildSa& sa) override;
    void release(const ike::ReleaseConfig& rc) override;
    void session(const ike::SessionEvent& ev) override;
    void peer_dead(const ike::PeerDead& ev) override;
    void peer_answered(const ike::PeerAnswered& a) override;
    void off_loop(std::function<std::function<void()>()> job) override;
    void compute(std::function<std::function<void()>()> job) override;
    void actions_done() override;
    Daemon& d;
  };
  void session_event(const ike::SessionEvent& ev);
  void peer_dead(const ike::PeerDead& ev);
  void housekeeping();
  void try_initiate(const std::string& tunnel);
  void initiate_to(const std::string& tunnel, const IpAddress& dst);
  // What the FlexVPN part asks of the daemon (daemon_flexvpn.cc).
  struct FlexvpnHost final : FlexvpnClients::Host {
    explicit FlexvpnHost(Daemon& daemon) : d(daemon) {}
    bool tunnel_enabled(const std::string& tunnel) const override;
    bool tunnel_up(const std::string& tunnel) const override;
    std::vector<ike::IkeSaInfo> tunnel_sas(const std::string& tunnel) const override;
    std::optional<IpAddress> tunnel_source(const std::string& tunnel) override;
    void initiate(const std::string& tunnel, const IpAddress& to) override;
    void delete_sessions(const std::string& tunnel) override;
    void probe(uint64_t id, const Endpoint& local, const Endpoint& remote) override;
    void lookup(const std::string& name, std::function<void(std::optional<IpAddress>)> done) override;
    void wake() override;
    Daemon& d;
  };
  void register_flexvpn_show();
  // What the tunnels part asks of the daemon (daemon_lifetime.cc).
  struct TunnelsHost final : Tunnels::Host {
    explicit TunnelsHost(Daemon& daemon) : d(daemon) {}
    const config::Model& model() const override;
    void initiate(const std::string& tunnel) override;
    void delete_sessions(const std::string& tunnel) override;
    std::set<std::string> tunnels_with_sas() const override;
    bool flexvpn_tunnel(const std::string& tunnel) const override;
    Daemon& d;
  };
  // What the tokens part asks of the daemon (daemon_tokens.cc).
  struct TokensHost final : Tokens::Host {
    explicit TokensHost(Daemon& daemon) : d(daemon) {}
    const config::Model& model() const override;
    void keys_changed() override;
    void keys_deactivated(const std::set<std::string>& trustpoints) override;
    void watch_fd(int fd) override;
    Daemon& d;
  };
  void start_tokens();
  // Crypto maps (daemon_cryptomap.cc, crypto_maps.h).
  void apply_crypto_maps();
  bool initiate_crypto_map(const std::string& device);  // false: not a crypto map's device
  void crypto_map_sa_installed(const ike::InstallChildSa& sa);
  void crypto_map_sa_removed(uint32_t spi_in);
  bool crypto_map_peer_dead(const ike::PeerDead& ev);
  void apply_crypto_steering();
  void remove_crypto_steering();
  void sweep_stale_crypto_steering();
  std::optional<IpAddress> tunnel_source(const config::Interface& itf);
  void reschedule();
  void register_show_commands();
  // CoA changes beyond accounting (daemon_coa.cc).
  void setup_coa();
  void shutdown();

  Options opts_;
  SteadyClock clock_;
  SystemRandom rng_;
  std::unique_ptr<io::EventLoop> loop_;
  std::unique_ptr<io::Netlink> netlink_;
  std::unique_ptr<config::Config> config_;
  ConfigPolicy policy_;
  IkeHost ike_host_{*this};
  std::unique_ptr<IkeSide> ike_;  // the engine and where its actions go
  IsakmpPolicy isakmp_policy_{policy_};
  std::unique_ptr<ikev1::Engine> ikev1_;  // its actions go through ike_ too
  // Slow work the engine waits for (ike::WorkRequest), after ike_: it is
  // stopped, and its pending completions dropped, before the engine goes.
  std::unique_ptr<io::WorkQueue> work_;
  // The responder's Diffie-Hellman of both engines (ike::DhWork), one
  // thread per core (KEYGATE_CRYPTO_WORKERS overrides; 0, or one core:
  // none, and the engines compute it inline).
  std::unique_ptr<io::WorkQueue> crypto_;
  // The RADIUS client (EAP relay, accounting); null if its socket failed.
  std::shared_ptr<RadiusService> radius_;
  std::unique_ptr<AccountingService> acct_;  // after radius_, which it uses; null without RADIUS
  std::unique_ptr<DynamicAuthorService> da_;  // RFC 5176, over acct_'s sessions; null without accounting
  Millis exchange_wait_{0};  // the engine's pending_timeout (apply_config)
  std::optional<TimePoint> stop_at_;  // shutting down: the loop ends when accounting is done or then
  std::unique_ptr<esp::Datapath> datapath_;
  std::unique_ptr<control::ControlServer> control_;
  std::unique_ptr<ConsentService> consent_;  // in memory only: a restart expires it
  std::unique_ptr<DebugKeys> debug_keys_;     // behind consent-token debug-keys
  std::unique_ptr<SystemShell> system_shell_;  // behind consent-token shell-access
  std::unique_ptr<WebService> web_;           // ip http secure-server: keygate-web
  std::unique_ptr<RemoteAccess> ra_;  // pools, Virtual-Access sessions, negotiated addresses
  // The pool leases in the state directory (pool_leases.h); leases restored
  // at start are held until a session of their user takes them back, or
  // until leases_held_until_, when what is left is freed.
  std::unique_ptr<PoolLeaseFile> lease_file_;
  std::optional<TimePoint> leases_held_until_;
  TimePoint lease_compact_after_{};  // after a failed rewrite: not before this
  void restore_pool_leases();
  void pool_lease_tick();
  DatapathTraffic traffic_;
  std::vector<PeerDeadHandler> peer_dead_handlers_;
  NatKeepalive nat_keepalive_;
  NatKeepalive nat_keepalive_v1_;  // crypto isakmp nat keepalive
  FlexvpnHost flexvpn_host_{*this};
  FlexvpnClients flexvpn_{flexvpn_host_, clock_};  // crypto ikev2 client flexvpn
  // crypto isakmp peer fqdn NAME: ip host, else looked up on the worker, as
  // FlexVPN peers' names (the table given in apply_config).
  PeerNames isakmp_names_{clock_,
                          [this](const std::string& n, PeerNames::Done done) {
                            flexvpn_host_.lookup(n, std::move(done));
                          },
                          "crypto isakmp peer fqdn"};
  TunnelsHost tunnels_host_{*this};
  Tunnels tunnels_{tunnels_host_, clock_, rng_};  // static tunnels' line protocol and retries
  TokensHost tokens_host_{*this};
  std::unique_ptr<Tokens> tokens_;  // hardware tokens; nothing loaded until configured or used
  InterfacesHost interfaces_host_{*this};
  Interfaces interfaces_{interfaces_host_};  // the configuration applied to the kernel
  std::map<std::string, esp::GreDevice*> gre_;  // GRE tunnels' devices (owned by datapath_)
  std::map<std::string, std::shared_ptr<esp::GreCounters>> gre_counters_;
  TimePoint next_housekeeping_{};
  std::vector<CryptoMapPlan> crypto_plans_;  // the applied crypto map entries
  std::map<uint32_t, std::vector<std::pair<std::string, Prefix>>> crypto_sa_routes_;  // dynamic entries' SAs
  std::map<std::pair<std::string, Prefix>, int> crypto_route_refs_;
  std::map<std::string, size_t> crypto_peer_index_;  // static entries: the set peer in use
  std::unique_ptr<io::Nftables> nft_;  // the crypto maps' steering tables; null: no nftables here
  std::map<std::string, uint32_t> crypto_marks_;  // static entries' devices: their mark and table
  std::map<std::string, std::string> crypto_nft_;  // map: the steering table applied
};

}  // namespace kg::daemon
