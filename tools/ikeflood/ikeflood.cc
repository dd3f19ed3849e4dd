// keygate-ikeflood: sends IKE_SA_INIT requests from random spoofed source
// addresses (a raw IPv4 socket, IP_HDRINCL) at a steady rate, to test that a
// responder's DoS protection (RFC 7296 §2.6 cookies, in-negotiation limits)
// holds. For test namespaces only: sources must be in 198.18.0.0/15.
//
//   keygate-ikeflood -d 198.51.100.1 [-s 198.18.0.0/16] [-r PPS] [-t SECONDS]
//                    [-p PORT] [-g GROUP]
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "flood_packet.h"

namespace {

using namespace kg;

struct Options {
  std::optional<IpAddress> dst;
  std::optional<Prefix> sources = Prefix::parse("198.18.0.0/16");
  uint32_t rate = 2000;
  double seconds = 10;
  uint16_t port = 500;
  ike::DhGroup group = ike::DhGroup::kEcp256;
};

volatile sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

int usage() {
  std::fprintf(stderr, "usage: keygate-ikeflood -d DST [-s PREFIX in 198.18.0.0/15] [-r PPS] [-t SECONDS] "
                       "[-p PORT] [-g GROUP]\n");
  return 2;
}

bool in_benchmark_range(const Prefix& p) {
  auto bench = *Prefix::parse("198.18.0.0/15");
  return p.addr.is_v4() && p.len >= bench.len && bench.contains(p.first()) && bench.contains(p.last());
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int c; (c = getopt(argc, argv, "d:s:r:t:p:g:")) != -1;) {
    switch (c) {
      case 'd': o.dst = IpAddress::parse(optarg); break;
      case 's': o.sources = Prefix::parse(optarg); break;
      case 'r': o.rate = uint32_t(std::stoul(optarg)); break;
      case 't': o.seconds = std::stod(optarg); break;
      case 'p': o.port = uint16_t(std::stoul(optarg)); break;
      case 'g': o.group = static_cast<ike::DhGroup>(std::stoi(optarg)); break;
      default: return usage();
    }
  }
  if (!o.dst || !o.dst->is_v4() || !o.sources || o.rate == 0) return usage();
  if (!in_benchmark_range(*o.sources)) {
    std::fprintf(stderr, "keygate-ikeflood: sources must lie in 198.18.0.0/15 (RFC 2544 benchmarking range)\n");
    return 2;
  }
  auto factory = tools::FloodPacketFactory::create(o.group);
  if (!factory) {
    std::fprintf(stderr, "keygate-ikeflood: %s\n", factory.error().message.c_str());
    return 1;
  }
  int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);  // implies IP_HDRINCL
  if (fd < 0) {
    std::fprintf(stderr, "keygate-ikeflood: raw socket: %s (needs root)\n", std::strerror(errno));
    return 1;
  }
  signal(SIGINT, on_signal);  // stop early, still print the summary
  signal(SIGTERM, on_signal);
  SystemRandom rng;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  std::memcpy(&to.sin_addr, o.dst->b.data(), 4);
  uint32_t host_bits = 32 - o.sources->len;
  uint32_t base = o.sources->first().v4_host_order();
  // Steady pacing in 10 ms ticks: rate/100 packets per tick.
  using clock = std::chrono::steady_clock;
  auto start = clock::now();
  auto end = start + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(o.seconds));
  uint64_t sent = 0, errors = 0;
  for (auto tick = start; tick < end && !g_stop; tick += std::chrono::milliseconds(10)) {
    uint64_t due = uint64_t(double(o.rate) * std::chrono::duration<double>(tick - start).count()) + 1;
    for (; sent + errors < due; ) {
      uint32_t host = host_bits ? rng.u32() & ((1u << host_bits) - 1) : 0;
      if (host == 0) host = 1;
      Endpoint src{IpAddress::v4(base + host), o.port}, dst{*o.dst, o.port};
      Bytes p = factory->build(src, dst, rng);
      if (sendto(fd, p.data(), p.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0) errors++;
      else sent++;
    }
    std::this_thread::sleep_until(tick + std::chrono::milliseconds(10));
  }
  double took = std::chrono::duration<double>(clock::now() - start).count();
  std::printf("keygate-ikeflood: sent %llu IKE_SA_INIT (%llu errors) to %s in %.1f s from %s\n",
              static_cast<unsigned long long>(sent), static_cast<unsigned long long>(errors),
              o.dst->str().c_str(), took, o.sources->str().c_str());
  close(fd);
  return sent ? 0 : 1;
}
