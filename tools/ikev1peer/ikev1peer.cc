// ikev1peer: the IKEv1 engine (src/ikev1) on real UDP sockets, for
// interoperability tests against strongSwan before the daemon serves IKEv1
// (tests/integration/t_ikev1_engine_strongswan.sh). One peer, one tunnel:
//
//   ikev1peer --local A --remote B --psk KEY --local-net P --remote-net P
//             [--initiate] [--pfs GROUP] [--esp aes-cbc-128|aes-gcm-256...]
//             [--integ sha1|sha256|none] [--ike aes-cbc-256:sha256:14]
//             [--keys FILE] [--seconds N] [--delete-after N]
//
// It serves UDP 500 and 4500 (RFC 3948 non-ESP marker) on A, prints one line
// per event (INSTALLED, REMOVED, SESSION UP/DOWN) and exits after --seconds.
// --keys writes the ESP keys of installed SAs to FILE, in tshark's esp_sa
// table format, so a test can have tshark check the peer's ESP ICVs with
// them: a test tool's temporary file, never a daemon's.
#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "common/log.h"
#include "ike/transform_ids.h"
#include "ikev1/engine.h"

using namespace kg;

namespace {

struct Args {
  IpAddress local, remote;
  std::string psk;
  Prefix local_net, remote_net;
  bool initiate = false;
  ike::DhGroup pfs = ike::DhGroup::kNone;
  ike::EncrId esp = ike::EncrId::kAesCbc;
  uint16_t esp_bits = 128;
  ike::IntegId integ = ike::IntegId::kHmacSha1_96;
  ikev1::IsakmpPolicy ike{1, crypto::Cipher::kAesCbc, 256, crypto::Prf::kHmacSha2_256, crypto::Group::kModp2048};
  std::string keys_file;
  int seconds = 20;
  int delete_after = -1;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr, "ikev1peer: %s\n", why);
  std::exit(2);
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value for " + k).c_str());
      return argv[++i];
    };
    if (k == "--local") a.local = *IpAddress::parse(next());
    else if (k == "--remote") a.remote = *IpAddress::parse(next());
    else if (k == "--psk") a.psk = next();
    else if (k == "--local-net") a.local_net = *Prefix::parse(next());
    else if (k == "--remote-net") a.remote_net = *Prefix::parse(next());
    else if (k == "--initiate") a.initiate = true;
    else if (k == "--pfs") a.pfs = ike::DhGroup(std::stoi(next()));
    else if (k == "--esp") {
      std::string v = next();
      a.esp = v.starts_with("aes-gcm") ? ike::EncrId::kAesGcm16 : ike::EncrId::kAesCbc;
      a.esp_bits = uint16_t(std::stoi(v.substr(v.rfind('-') + 1)));
      if (a.esp == ike::EncrId::kAesGcm16) a.integ = ike::IntegId::kNone;
    } else if (k == "--integ") {
      std::string v = next();
      a.integ = v == "sha256" ? ike::IntegId::kHmacSha2_256_128 : v == "none" ? ike::IntegId::kNone : ike::IntegId::kHmacSha1_96;
    } else if (k == "--ike") {
      std::string v = next();  // aes-cbc-256:sha256:14 or 3des:sha:2
      auto c1 = v.find(':'), c2 = v.rfind(':');
      std::string e = v.substr(0, c1), h = v.substr(c1 + 1, c2 - c1 - 1);
      a.ike.encr = e == "3des" ? crypto::Cipher::k3des : crypto::Cipher::kAesCbc;
      a.ike.key_bits = e == "3des" ? 192 : uint16_t(std::stoi(e.substr(e.rfind('-') + 1)));
      a.ike.hash = h == "sha256" ? crypto::Prf::kHmacSha2_256 : h == "md5" ? crypto::Prf::kHmacMd5 : crypto::Prf::kHmacSha1;
      a.ike.group = *ike::crypto_group(ike::DhGroup(std::stoi(v.substr(c2 + 1))));
    } else if (k == "--keys") a.keys_file = next();
    else if (k == "--seconds") a.seconds = std::stoi(next());
    else if (k == "--delete-after") a.delete_after = std::stoi(next());
    else usage(("unknown option " + k).c_str());
  }
  if (a.psk.empty()) usage("--psk is required");
  return a;
}

TrafficSelector selector(const Prefix& p) {
  TrafficSelector t;
  t.start = p.first();
  t.end = p.last();
  return t;
}

struct Policy final : ikev1::PolicyProvider {
  const Args& a;
  ike::ChildConfig child;
  explicit Policy(const Args& args) : a(args) {
    child.interface = "Tunnel0";
    child.transforms = {{"ts", a.esp, a.esp_bits, a.integ}};
    child.local_ts = {selector(a.local_net)};
    child.remote_ts = {selector(a.remote_net)};
    child.pfs = a.pfs;
  }
  std::vector<ikev1::IsakmpPolicy> policies() const override { return {a.ike}; }
  std::optional<Secret> psk(const IpAddress&, const IpAddress& remote) const override {
    if (remote != a.remote) return std::nullopt;
    return Secret(a.psk);
  }
  std::optional<ike::ChildConfig> child_for_peer(const IpAddress&, const IpAddress&) const override { return child; }
};

int udp_socket(const IpAddress& a, uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_storage ss{};
  size_t len = Endpoint{a, port}.to_sockaddr(ss);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&ss), socklen_t(len)) != 0) {
    std::perror("bind");
    std::exit(1);
  }
  return fd;
}

std::string hex(ByteView v) { return "0x" + to_hex(v); }

// tshark's esp_sa UAT line for one direction.
std::string esp_sa_line(const ike::InstallChildSa& sa, bool inbound) {
  const Endpoint& src = inbound ? sa.remote : sa.local;
  const Endpoint& dst = inbound ? sa.local : sa.remote;
  uint32_t spi = inbound ? sa.spi_in : sa.spi_out;
  const Secret& ek = inbound ? sa.encr_in : sa.encr_out;
  const Secret& ik = inbound ? sa.integ_in : sa.integ_out;
  char spi_s[16];
  std::snprintf(spi_s, sizeof spi_s, "0x%08x", spi);
  std::string encr, integ;
  if (sa.suite.encr == crypto::Cipher::kAesGcm16) {
    encr = sa.suite.key_bits == 256 ? "AES-GCM with 16 octet ICV [RFC4106]" : "AES-GCM with 16 octet ICV [RFC4106]";
    integ = "NULL";
  } else {
    encr = "AES-CBC [RFC3602]";
    integ = sa.suite.integ == crypto::Mac::kHmacSha2_256_128 ? "HMAC-SHA-256-128 [RFC4868]" : "HMAC-SHA-1-96 [RFC2404]";
  }
  return "\"IPv4\",\"" + src.addr.str() + "\",\"" + dst.addr.str() + "\",\"" + spi_s + "\",\"" + encr + "\",\"" +
         hex(ek.view()) + "\",\"" + integ + "\",\"" + (ik.empty() ? std::string("") : hex(ik.view())) + "\"\n";
}

}  // namespace

int main(int argc, char** argv) {
  Args a = parse(argc, argv);
  log::set_level(log::Level::kDebug);
  SteadyClock clock;
  SystemRandom rng;
  Policy policy(a);
  auto engine = ikev1::Engine::create(policy, clock, rng);
  int s500 = udp_socket(a.local, 500), s4500 = udp_socket(a.local, 4500);
  auto act = [&](std::vector<ikev1::Action> acts) {
    for (auto& x : acts) {
      if (auto* p = std::get_if<ike::SendPacket>(&x)) {
        Bytes d;
        if (p->local.port == 4500) d = {0, 0, 0, 0};  // RFC 3948 §2.2 non-ESP marker
        d.insert(d.end(), p->data.begin(), p->data.end());
        sockaddr_storage ss{};
        size_t len = p->remote.to_sockaddr(ss);
        ::sendto(p->local.port == 4500 ? s4500 : s500, d.data(), d.size(), 0, reinterpret_cast<sockaddr*>(&ss),
                 socklen_t(len));
      } else if (auto* i = std::get_if<ike::InstallChildSa>(&x)) {
        std::printf("INSTALLED spi_in=%08x spi_out=%08x udp_encap=%d remote=%s\n", i->spi_in, i->spi_out,
                    int(i->udp_encap), i->remote.str().c_str());
        if (!a.keys_file.empty()) {
          std::ofstream k(a.keys_file, std::ios::app);
          k << esp_sa_line(*i, true) << esp_sa_line(*i, false);
        }
      } else if (auto* r = std::get_if<ike::RemoveChildSa>(&x)) {
        std::printf("REMOVED spi_in=%08x\n", r->spi_in);
      } else if (auto* e = std::get_if<ike::SessionEvent>(&x)) {
        std::printf("SESSION %s remote_id=%s\n", e->up ? "UP" : "DOWN", e->remote_id.c_str());
      }
      std::fflush(stdout);
    }
  };
  if (a.initiate) {
    ikev1::InitiateRequest r{{a.local, 500}, {a.remote, 500}, policy.child};
    act(engine->initiate(r));
  }
  const TimePoint start = clock.now(), end = start + std::chrono::seconds(a.seconds);
  bool deleted = false;
  while (clock.now() < end) {
    if (a.delete_after >= 0 && !deleted && clock.now() >= start + std::chrono::seconds(a.delete_after)) {
      deleted = true;
      act(engine->delete_sessions(""));
    }
    TimePoint wake = end;
    if (auto d = engine->next_deadline(); d && *d < wake) wake = *d;
    int ms = int(std::max<int64_t>(0, std::chrono::duration_cast<Millis>(wake - clock.now()).count()));
    pollfd fds[2] = {{s500, POLLIN, 0}, {s4500, POLLIN, 0}};
    if (::poll(fds, 2, std::min(ms, 200)) > 0) {
      for (int k = 0; k < 2; ++k) {
        if (!(fds[k].revents & POLLIN)) continue;
        uint8_t buf[65536];
        sockaddr_storage from{};
        socklen_t fl = sizeof from;
        ssize_t n = ::recvfrom(fds[k].fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &fl);
        if (n <= 0) continue;
        auto remote = Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&from));
        if (!remote) continue;
        ByteView d(buf, size_t(n));
        if (k == 1) {  // 4500: IKE behind the marker; ESP and keepalives are not ours here
          if (d.size() < 4 || d[0] || d[1] || d[2] || d[3]) continue;
          d = d.subspan(4);
        }
        act(engine->on_packet({a.local, uint16_t(k ? 4500 : 500)}, *remote, d));
      }
    }
    act(engine->on_timer());
  }
  auto& st = engine->stats();
  std::printf("STATS rx=%llu tx=%llu malformed=%llu auth=%llu retransmits=%llu\n",
              (unsigned long long)st.rx_packets, (unsigned long long)st.tx_packets,
              (unsigned long long)st.rx_dropped_malformed, (unsigned long long)st.rx_dropped_auth,
              (unsigned long long)st.retransmits);
  return 0;
}
