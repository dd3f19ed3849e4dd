#include "flood_packet.h"

#include "ike/transform_ids.h"
#include "ike/policy.h"
#include "ike/proposals.h"
#include "ike/task.h"
#include "wire/ike/payloads.h"

namespace kg::tools {

using namespace kg::ike;

uint16_t inet_checksum(ByteView data, uint32_t sum) {
  for (size_t i = 0; i + 1 < data.size(); i += 2) sum += uint32_t(data[i]) << 8 | data[i + 1];
  if (data.size() % 2) sum += uint32_t(data.back()) << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return uint16_t(~sum);
}

Result<FloodPacketFactory> FloodPacketFactory::create(DhGroup group) {
  auto kx = key_exchange(group);
  if (!kx) return std::unexpected(kx.error());
  FloodPacketFactory f;
  f.group_ = group;
  f.ke_ = (*kx)->public_value();
  return f;
}

Bytes FloodPacketFactory::build(const Endpoint& src, const Endpoint& dst, Random& rng) const {
  // What a keygate or strongSwan default initiator would offer.
  IkeProposalConfig p{"flood", {{EncrId::kAesGcm16, 256}, {EncrId::kAesGcm16, 128}}, {},
                      {PrfId::kHmacSha2_256}, {group_}};
  Bytes nonce(32);
  rng.fill(nonce);
  Bytes natd(20);
  rng.fill(natd);  // any value: the responder only learns "NAT somewhere"
  Header h{.spi_i = rng.u64() | 1, .spi_r = 0, .exchange = ExchangeType::kIkeSaInit, .flags = kFlagInitiator};
  Bytes ike = encode_message(h, {{PayloadType::kSa, ike_sa_payload({p})},
                                 {PayloadType::kKe, KePayload{group_, ke_}},
                                 {PayloadType::kNonce, NoncePayload{nonce}},
                                 notify(NotifyType::kNatDetectionSourceIp, natd),
                                 notify(NotifyType::kNatDetectionDestinationIp, natd)});
  // UDP (RFC 768) with its pseudo-header checksum, then IPv4 (RFC 791).
  size_t udp_len = 8 + ike.size();
  ByteWriter u;
  u.u16(src.port);
  u.u16(dst.port);
  u.u16(uint16_t(udp_len));
  u.u16(0);
  u.bytes(ike);
  Bytes udp = u.take();
  uint32_t pseudo = 0;
  for (auto* a : {&src.addr, &dst.addr}) {
    auto b = a->bytes();
    pseudo += uint32_t(b[0]) << 8 | b[1];
    pseudo += uint32_t(b[2]) << 8 | b[3];
  }
  pseudo += 17 + uint32_t(udp_len);
  uint16_t cs = inet_checksum(udp, pseudo);
  if (cs == 0) cs = 0xffff;  // 0 would mean "no checksum"
  udp[6] = uint8_t(cs >> 8);
  udp[7] = uint8_t(cs);
  ByteWriter ip;
  ip.u8(0x45);
  ip.u8(0);
  ip.u16(uint16_t(20 + udp.size()));
  ip.u16(uint16_t(rng.u32()));  // identification
  ip.u16(0x4000);               // DF
  ip.u8(64);
  ip.u8(17);
  ip.u16(0);
  ip.bytes(src.addr.bytes());
  ip.bytes(dst.addr.bytes());
  Bytes pkt = ip.take();
  uint16_t hc = inet_checksum(pkt);
  pkt[10] = uint8_t(hc >> 8);
  pkt[11] = uint8_t(hc);
  pkt.insert(pkt.end(), udp.begin(), udp.end());
  return pkt;
}

}  // namespace kg::tools
