#include "esp/sa.h"

#include <cstring>

#include "common/bytes.h"
#include "crypto/algorithms.h"
#include "wire/esp/esp_packet.h"

namespace kg::esp {

uint32_t peek_spi(std::span<const uint8_t> esp) {
  ByteReader r(esp);
  auto s = r.u32();
  return s ? *s : 0;
}

uint32_t peek_seq(std::span<const uint8_t> esp) {
  if (esp.size() < 8) return 0;
  return uint32_t(esp[4]) << 24 | uint32_t(esp[5]) << 16 | uint32_t(esp[6]) << 8 | esp[7];
}

size_t esp_overhead(const crypto::CipherSuite& s) {
  size_t icv = 16, iv = 8, block = 4;  // AES-GCM (RFC 4106) if the suite is unknown
  if (const crypto::EncrAlgorithm* a = s.algorithm()) {
    iv = a->iv_size;
    block = a->block_size;
    icv = a->icv_size;
    if (!a->aead) {
      const crypto::IntegAlgorithm* i = crypto::find_integ(s.integ);
      icv = i ? i->icv_size : 12;
    }
  }
  return kEspHeaderSize + iv + (block - 1) + 2 + icv;
}

Result<std::unique_ptr<OutboundSa>> OutboundSa::create(uint32_t spi, const crypto::CipherSuite& s,
                                                       const Secret& encr, const Secret& integ) {
  auto c = EspCipher::create(s, encr, integ, true);
  if (!c) return std::unexpected(c.error());
  auto sa = std::make_unique<OutboundSa>();
  sa->spi_ = spi;
  sa->cipher_ = std::move(*c);
  return sa;
}

PacketResult<std::span<uint8_t>> OutboundSa::seal(std::span<uint8_t> buf, size_t inner_len,
                                                  crypto::IpsecMbCbc::Batch* batch, uint32_t index) {
  if (inner_len == 0 || buf.size() < kHeadroom + inner_len + kTailroom) {
    ++c_.errors;
    return std::unexpected(Drop::kBuffer);
  }
  // RFC 4303 §3.3.3: never let the counter cycle; rekey is due long before.
  if (seq_ == UINT32_MAX) {
    ++c_.errors;
    return std::unexpected(Drop::kExhausted);
  }
  uint8_t next = transport_proto_ ? transport_proto_ : (buf[kHeadroom] >> 4) == 6 ? kNextIpv6 : kNextIpv4;
  EspCipher& c = *cipher_;
  size_t ivs = c.iv_size();
  // Padding to the block size (and 4-byte alignment), bytes 1, 2, 3, ...
  // then pad length and next header (RFC 4303 §2.4).
  size_t padded = padded_size(inner_len, c.block_size());
  uint8_t* inner = buf.data() + kHeadroom;
  write_trailer(std::span<uint8_t>(inner, padded), inner_len, c.block_size(), next);
  uint8_t* start = inner - ivs - kEspHeaderSize;
  ++seq_;
  EspHeader{spi_, seq_}.write(std::span<uint8_t, kEspHeaderSize>(start, kEspHeaderSize));
  std::span<uint8_t> iv(start + 8, ivs);
  std::span<uint8_t> payload(inner, padded);
  std::span<uint8_t> icv(inner + padded, c.icv_size());
  auto r = c.seal(std::span<const uint8_t, 8>(start, 8), iv, seq_, payload, icv, batch, index);
  if (!r) {
    ++c_.errors;
    return std::unexpected(r.error());
  }
  ++c_.packets;
  c_.bytes += inner_len;
  return std::span<uint8_t>(start, 8 + ivs + padded + c.icv_size());
}

Result<std::unique_ptr<InboundSa>> InboundSa::create(uint32_t spi, const crypto::CipherSuite& s,
                                                     const Secret& encr, const Secret& integ,
                                                     uint32_t replay_window) {
  auto c = EspCipher::create(s, encr, integ, false);
  if (!c) return std::unexpected(c.error());
  auto sa = std::make_unique<InboundSa>();
  sa->spi_ = spi;
  sa->cipher_ = std::move(*c);
  sa->window_ = ReplayWindow(replay_window);
  return sa;
}

PacketResult<std::span<uint8_t>> InboundSa::open(std::span<uint8_t> esp) {
  EspCipher& c = *cipher_;
  size_t ivs = c.iv_size(), icvs = c.icv_size();
  ByteReader r(esp);
  auto hdr = EspHeader::parse(r);
  if (!hdr || hdr->spi != spi_ || esp.size() < kEspHeaderSize + ivs + icvs + c.block_size()) {
    ++c_.malformed;
    return std::unexpected(Drop::kMalformed);
  }
  const uint32_t seq = hdr->seq;
  if (!window_.check(seq)) {
    ++c_.replay_failures;
    return std::unexpected(Drop::kReplay);
  }
  size_t payload_len = esp.size() - 8 - ivs - icvs;
  std::span<uint8_t> payload = esp.subspan(8 + ivs, payload_len);
  auto ok = c.open(std::span<const uint8_t, 8>(esp.data(), 8), esp.subspan(8, ivs), payload,
                   esp.subspan(esp.size() - icvs));
  if (!ok) {
    if (ok.error() == Drop::kAuth) ++c_.auth_failures;
    else ++c_.malformed;
    return std::unexpected(ok.error());
  }
  window_.update(seq);
  auto tr = EspTrailer::parse(payload);
  if (!tr) {
    ++c_.malformed;
    return std::unexpected(Drop::kMalformed);
  }
  size_t inner_len = tr->inner_len;
  uint8_t next = tr->next_header;
  std::span<uint8_t> inner = payload.first(inner_len);
  if (next == kNextHeaderNone) return inner.first(0);  // dummy packet (RFC 4303 §2.6): drop silently
  if (transport_proto_) {
    if (next != transport_proto_ || inner.empty()) {
      ++c_.malformed;
      return std::unexpected(Drop::kMalformed);
    }
    ++c_.packets;
    c_.bytes += inner_len;
    return inner;
  }
  if ((next != kNextIpv4 && next != kNextIpv6) || inner.empty() ||
      (inner[0] >> 4) != (next == kNextIpv4 ? 4 : 6)) {
    ++c_.malformed;
    return std::unexpected(Drop::kMalformed);
  }
  if (!selectors_.admits(inner)) {
    ++c_.policy_drops;
    return std::unexpected(Drop::kPolicy);
  }
  ++c_.packets;
  c_.bytes += inner_len;
  return inner;
}

}  // namespace kg::esp
