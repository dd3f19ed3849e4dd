#include "esp/sa.h"

#include <openssl/rand.h>

#include <cstring>

#include "common/bytes.h"

namespace kg::esp {

uint32_t peek_spi(std::span<const uint8_t> esp) {
  ByteReader r(esp);
  auto s = r.u32();
  return s ? *s : 0;
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

Result<std::span<uint8_t>> OutboundSa::seal(std::span<uint8_t> buf, size_t inner_len) {
  if (inner_len == 0 || buf.size() < kHeadroom + inner_len + kTailroom) {
    ++c_.errors;
    return fail(Errc::kInvalidArgument, "packet buffer");
  }
  // RFC 4303 §3.3.3: never let the counter cycle; rekey is due long before.
  if (seq_ == UINT32_MAX) {
    ++c_.errors;
    return fail(Errc::kLimit, "sequence number exhausted");
  }
  uint8_t next = (buf[kHeadroom] >> 4) == 6 ? kNextIpv6 : kNextIpv4;
  EspCipher& c = *cipher_;
  size_t ivs = c.iv_size(), bs = c.block_size();
  // Padding: plaintext | pad | pad length | next header is a multiple of the
  // block size (and of 4). Pad bytes are 1, 2, 3, ... (RFC 4303 §2.4).
  size_t plain = inner_len + 2;
  size_t padded = (plain + bs - 1) / bs * bs;
  size_t pad = padded - plain;
  uint8_t* inner = buf.data() + kHeadroom;
  for (size_t i = 0; i < pad; ++i) inner[inner_len + i] = uint8_t(i + 1);
  inner[inner_len + pad] = uint8_t(pad);
  inner[inner_len + pad + 1] = next;
  uint8_t* start = inner - ivs - 8;
  ++seq_;
  ByteWriter hdr;
  uint8_t h[8] = {uint8_t(spi_ >> 24), uint8_t(spi_ >> 16), uint8_t(spi_ >> 8), uint8_t(spi_),
                  uint8_t(seq_ >> 24), uint8_t(seq_ >> 16), uint8_t(seq_ >> 8), uint8_t(seq_)};
  std::memcpy(start, h, 8);
  std::span<uint8_t> iv(start + 8, ivs);
  if (!c.aead() && RAND_bytes(iv.data(), int(ivs)) != 1) return fail(Errc::kCrypto, "IV");
  std::span<uint8_t> payload(inner, padded);
  std::span<uint8_t> icv(inner + padded, c.icv_size());
  auto r = c.seal(std::span<const uint8_t, 8>(start, 8), iv, seq_, payload, icv);
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

Result<std::span<uint8_t>> InboundSa::open(std::span<uint8_t> esp) {
  EspCipher& c = *cipher_;
  size_t ivs = c.iv_size(), icvs = c.icv_size();
  ByteReader r(esp);
  auto spi = r.u32();
  auto seq = r.u32();
  if (!spi || !seq || *spi != spi_ || esp.size() < 8 + ivs + icvs + c.block_size()) {
    ++c_.malformed;
    return fail(Errc::kInvalidSyntax, "ESP header");
  }
  if (!window_.check(*seq)) {
    ++c_.replay_failures;
    return fail(Errc::kState, "replayed or old sequence number");
  }
  size_t payload_len = esp.size() - 8 - ivs - icvs;
  std::span<uint8_t> payload = esp.subspan(8 + ivs, payload_len);
  auto ok = c.open(std::span<const uint8_t, 8>(esp.data(), 8), esp.subspan(8, ivs), payload,
                   esp.subspan(esp.size() - icvs));
  if (!ok) {
    if (ok.error().code == Errc::kAuthFailed) ++c_.auth_failures;
    else ++c_.malformed;
    return std::unexpected(ok.error());
  }
  window_.update(*seq);
  // Trailer: ... padding | pad length | next header (RFC 4303 §2.4-2.6)
  uint8_t pad = payload[payload_len - 2];
  uint8_t next = payload[payload_len - 1];
  if (size_t(pad) + 2 > payload_len) {
    ++c_.malformed;
    return fail(Errc::kInvalidSyntax, "pad length");
  }
  size_t inner_len = payload_len - 2 - pad;
  for (size_t i = 0; i < pad; ++i) {
    if (payload[inner_len + i] != uint8_t(i + 1)) {
      ++c_.malformed;
      return fail(Errc::kInvalidSyntax, "padding bytes");
    }
  }
  std::span<uint8_t> inner = payload.first(inner_len);
  if (next == 59) return inner.first(0);  // dummy packet (RFC 4303 §2.6): drop silently
  if ((next != kNextIpv4 && next != kNextIpv6) || inner.empty() ||
      (inner[0] >> 4) != (next == kNextIpv4 ? 4 : 6)) {
    ++c_.malformed;
    return fail(Errc::kInvalidSyntax, "inner packet");
  }
  if (!allowed(inner)) {
    ++c_.policy_drops;
    return fail(Errc::kState, "inner packet outside the traffic selectors");
  }
  ++c_.packets;
  c_.bytes += inner_len;
  return inner;
}

bool InboundSa::allowed(std::span<const uint8_t> inner) const {
  if (remote_.empty() && local_.empty()) return true;
  std::optional<IpAddress> src, dst;
  if ((inner[0] >> 4) == 4 && inner.size() >= 20) {
    src = IpAddress::from_bytes(inner.subspan(12, 4));
    dst = IpAddress::from_bytes(inner.subspan(16, 4));
  } else if ((inner[0] >> 4) == 6 && inner.size() >= 40) {
    src = IpAddress::from_bytes(inner.subspan(8, 16));
    dst = IpAddress::from_bytes(inner.subspan(24, 16));
  } else {
    return false;
  }
  auto in = [](const std::vector<AddrRange>& v, const IpAddress& a) {
    for (auto& r : v)
      if (r.contains(a)) return true;
    return false;
  };
  return in(remote_, *src) && in(local_, *dst);
}

}  // namespace kg::esp
