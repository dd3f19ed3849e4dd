// Independent check with Wireshark's ESP dissector: packets sealed by
// OutboundSa are written to a pcap (raw IPv4 | UDP 4500 | ESP) and decoded
// by tshark with the SA keys; every ICV must be reported correct and the
// inner packet decrypted. Skipped when tshark is not installed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "esp/sa.h"

namespace kg::esp {
namespace {

void put_u32(std::ofstream& f, uint32_t v) { f.write(reinterpret_cast<const char*>(&v), 4); }

// IPv4 header with checksum in front of `payload` (protocol `proto`).
Bytes ipv4(const uint8_t src[4], const uint8_t dst[4], uint8_t proto, const Bytes& payload) {
  Bytes p(20 + payload.size(), 0);
  p[0] = 0x45;
  p[2] = uint8_t(p.size() >> 8);
  p[3] = uint8_t(p.size());
  p[8] = 64;
  p[9] = proto;
  std::copy_n(src, 4, p.begin() + 12);
  std::copy_n(dst, 4, p.begin() + 16);
  uint32_t sum = 0;
  for (size_t i = 0; i < 20; i += 2) sum += uint32_t(p[i] << 8 | p[i + 1]);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  p[10] = uint8_t(~sum >> 8);
  p[11] = uint8_t(~sum);
  std::copy(payload.begin(), payload.end(), p.begin() + 20);
  return p;
}

TEST(Tshark, DecodesAndVerifiesOurEspInUdp) {
  if (system("command -v tshark >/dev/null 2>&1") != 0) GTEST_SKIP() << "tshark not installed";
  auto dir = std::filesystem::temp_directory_path() / ("kg-tshark-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string k20(40, '1'), k16(32, '1'), k32(64, '2');
  {
    std::ofstream sa(dir / "esp_sa");
    sa << "\"IPv4\",\"192.0.2.1\",\"192.0.2.2\",\"0xc0ffee01\",\"AES-GCM with 16 octet ICV [RFC4106]\",\"0x" << k20
       << "\",\"NULL\",\"\"\n";
    sa << "\"IPv4\",\"192.0.2.1\",\"192.0.2.2\",\"0xc0ffee02\",\"AES-CBC [RFC3602]\",\"0x" << k16
       << "\",\"HMAC-SHA-256-128 [RFC4868]\",\"0x" << k32 << "\"\n";
    std::ofstream pref(dir / "preferences");
    pref << "esp.enable_encryption_decode: TRUE\nesp.enable_authentication_check: TRUE\n";
  }
  auto gcm = OutboundSa::create(0xc0ffee01, {crypto::Cipher::kAesGcm16, 128, crypto::Mac::kNone},
                                Secret(Bytes(20, 0x11)), Secret());
  auto cbc = OutboundSa::create(0xc0ffee02, {crypto::Cipher::kAesCbc, 128, crypto::Mac::kHmacSha2_256_128},
                                Secret(Bytes(16, 0x11)), Secret(Bytes(32, 0x22)));
  ASSERT_TRUE(gcm && cbc);
  const uint8_t outer_s[4] = {192, 0, 2, 1}, outer_d[4] = {192, 0, 2, 2};
  const uint8_t inner_s[4] = {198, 51, 100, 7}, inner_d[4] = {203, 0, 113, 9};
  std::ofstream pcap(dir / "esp.pcap", std::ios::binary);
  for (uint32_t v : {0xa1b2c3d4u, 0x00040002u, 0u, 0u, 65535u, 101u}) put_u32(pcap, v);  // LINKTYPE_RAW
  int packets = 0;
  for (int round = 0; round < 3; ++round) {
    for (OutboundSa* o : {gcm->get(), cbc->get()}) {
      // ICMP echo request of growing size, so the padding varies.
      Bytes icmp(8 + size_t(round) * 5, 0);
      icmp[0] = 8;
      Bytes inner = ipv4(inner_s, inner_d, 1, icmp);
      Bytes buf(kHeadroom + inner.size() + kTailroom);
      std::copy(inner.begin(), inner.end(), buf.begin() + kHeadroom);
      auto esp = o->seal(buf, inner.size());
      ASSERT_TRUE(esp);
      Bytes udp(8 + esp->size(), 0);
      udp[0] = udp[2] = 4500 >> 8;
      udp[1] = udp[3] = 4500 & 0xff;
      udp[4] = uint8_t(udp.size() >> 8);
      udp[5] = uint8_t(udp.size());
      std::copy(esp->begin(), esp->end(), udp.begin() + 8);
      Bytes outer = ipv4(outer_s, outer_d, 17, udp);
      for (uint32_t v : {1u, 0u, uint32_t(outer.size()), uint32_t(outer.size())}) put_u32(pcap, v);
      pcap.write(reinterpret_cast<const char*>(outer.data()), long(outer.size()));
      ++packets;
    }
  }
  pcap.close();
  std::string cmd = "WIRESHARK_CONFIG_DIR=" + dir.string() + " tshark -r " + (dir / "esp.pcap").string() +
                    " -V 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char line[512];
  while (fgets(line, sizeof line, p)) out += line;
  pclose(p);
  std::filesystem::remove_all(dir);
  auto count = [&](const std::string& needle) {
    int n = 0;
    for (size_t at = out.find(needle); at != std::string::npos; at = out.find(needle, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("[correct]"), packets) << out;
  EXPECT_EQ(count("Echo (ping) request"), packets);
  EXPECT_EQ(count("Next header: IPIP (0x04)"), packets);
}

}  // namespace
}  // namespace kg::esp
