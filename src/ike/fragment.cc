#include "ike/fragment.h"

#include "common/log.h"
#include "ike/fmt.h"
#include "ike/message.h"

namespace kg::ike {
namespace {

// IKE header, SKF generic header, Fragment Number and Total Fragments.
constexpr size_t kSkfOverhead = kHeaderSize + kGenericPayloadHeaderSize + kSkfFieldsSize;

}  // namespace

size_t datagram_overhead(const Endpoint& local, const Endpoint& remote) {
  size_t ip = remote.addr.is_v4() ? 20 : 40;
  return ip + 8 + (local.port == kNatTPort || remote.port == kNatTPort ? 4 : 0);
}

size_t fragment_mtu(const IkeLimits& limits, const Endpoint& remote) {
  if (limits.fragment_mtu) return limits.fragment_mtu;
  return remote.addr.is_v4() ? 576 : 1280;
}

Result<std::vector<Bytes>> protect_fragments(IkeSa& sa, Header h, const std::vector<TypedPayload>& inner,
                                             size_t max_ike_len, Random& rng) {
  ByteWriter iw;
  write_payload_chain(inner, iw);
  Bytes plain = iw.take();
  // The largest chunk whose sealed form (IV, padding, ICV) still fits.
  size_t chunk = max_ike_len > kSkfOverhead ? max_ike_len - kSkfOverhead : 0;
  while (chunk > 0 && kSkfOverhead + sa.out->sealed_size(chunk) > max_ike_len) --chunk;
  if (chunk == 0) return fail(Errc::kInvalidArgument, "fragment MTU too small for the cipher");
  size_t count = std::max<size_t>(1, (plain.size() + chunk - 1) / chunk);
  if (count > Reassembly::kMaxFragments) return fail(Errc::kInvalidArgument, "message needs too many fragments");
  std::vector<Bytes> out;
  for (size_t i = 0; i < count; ++i) {
    ByteView part = ByteView(plain).subspan(i * chunk, std::min(chunk, plain.size() - i * chunk));
    size_t sealed = sa.out->sealed_size(part.size());
    h.next_payload = PayloadType::kSkf;
    h.length = static_cast<uint32_t>(kSkfOverhead + sealed);
    ByteWriter w;
    h.write(w);
    // §2.5: Next Payload is the first inner payload's type in fragment 1, else 0.
    bool first = i == 0;
    w.u8(static_cast<uint8_t>(first && !inner.empty() ? inner.front().type : PayloadType::kNone));
    w.u8(0);
    w.u16(static_cast<uint16_t>(kGenericPayloadHeaderSize + kSkfFieldsSize + sealed));
    w.u16(static_cast<uint16_t>(i + 1));
    w.u16(static_cast<uint16_t>(count));
    // The AAD (or the data the ICV covers) runs up to Total Fragments (§2.5).
    Bytes msg = w.take();
    auto body = sa.out->seal(msg, part, rng);
    if (!body) return std::unexpected(body.error());
    msg.insert(msg.end(), body->begin(), body->end());
    out.push_back(std::move(msg));
  }
  return out;
}

Result<std::vector<Bytes>> protect_for_path(IkeSa& sa, Header h, const std::vector<TypedPayload>& inner,
                                            const IkeLimits& limits, Random& rng) {
  if (sa.frag.enabled && sa.keyed()) {
    size_t mtu = fragment_mtu(limits, sa.remote);
    size_t overhead = datagram_overhead(sa.local, sa.remote);
    ByteWriter iw;
    write_payload_chain(inner, iw);
    size_t whole = kHeaderSize + kGenericPayloadHeaderSize + sa.out->sealed_size(iw.size());
    if (whole + overhead > mtu) {
      Result<std::vector<Bytes>> f = fail(Errc::kInvalidArgument, "fragment MTU below the IP/UDP headers");
      if (mtu > overhead) f = protect_fragments(sa, h, inner, mtu - overhead, rng);
      if (f) return f;
      // An MTU too small for this cipher's overhead, or a message needing
      // more fragments than a receiver keeps: better whole (the IP layer
      // may still deliver it) than not at all.
      log::warn(fmt("IKEv2: sending {} to {} unfragmented: {}", exchange_name(h.exchange), sa.remote.str(),
                    f.error().message));
    }
  }
  auto p = protect(sa, h, inner, rng);
  if (!p) return std::unexpected(p.error());
  std::vector<Bytes> v;
  v.push_back(std::move(*p));
  return v;
}

}  // namespace kg::ike
