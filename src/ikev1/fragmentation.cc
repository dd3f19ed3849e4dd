// IKE fragmentation for IKEv1 (crypto isakmp fragmentation), the scheme
// Cisco defined and strongSwan speaks (there is no RFC for IKEv1):
//  - both sides announce it with the vendor ID MD5("FRAGMENTATION"), which
//    strongSwan follows with the capability word 0x80000000 (fragments of
//    Main and Aggressive Mode); a 16-byte form without it is accepted;
//  - a message too large for the path is cut, whole (header and ciphertext
//    included), into the data of FRAG payloads (type 132), each sent in an
//    ISAKMP message of its own: the SA's cookies, the Main (or Aggressive)
//    Mode exchange type, Message ID 0, not encrypted;
//  - the receiver joins the fragments of one Fragment ID in order of their
//    number once it has the one flagged last, and handles the result as if
//    it had arrived in one datagram.
// Used only when configured here and announced by the peer, as strongSwan's
// `fragmentation = yes` does; fragments are at most kFragmentMtu4/6 bytes
// as IP datagrams (IOS's 576/1280, as for crypto ikev2 fragmentation).
#include "common/log.h"
#include "ikev1/engine_impl.h"

namespace kg::ikev1 {

using isakmp::PayloadType;

namespace {

// MD5("FRAGMENTATION") | 0x80000000
const Bytes kVidFragmentation = *from_hex("4048b7d56ebce88525e7de7f00d6c2d380000000");
constexpr size_t kFragmentMtu4 = 576, kFragmentMtu6 = 1280;
constexpr size_t kMaxFragments = 64;        // per message, received
constexpr size_t kMaxReassembled = 65'535;  // bytes, received

bool is_fragmentation_vid(ByteView v) {
  if (v.size() < 16 || !std::equal(v.begin(), v.begin() + 16, kVidFragmentation.begin())) return false;
  return v.size() == 16 || (v.size() == 20 && (v[16] & 0x80));
}

}  // namespace

isakmp::VendorIdPayload fragmentation_vid() { return {kVidFragmentation}; }

bool sent_fragmentation_vid(const isakmp::Message& m) {
  for (auto& p : m.payloads)
    if (auto* v = std::get_if<isakmp::VendorIdPayload>(&p.body); v && is_fragmentation_vid(v->data)) return true;
  return false;
}

void EngineImpl::emit(IsakmpSa& sa, const Flight& f, std::vector<Action>& out) {
  const size_t ip = f.remote.addr.is_v4() ? 20 : 40;
  const size_t marker = f.local.port == 4500 || f.remote.port == 4500 ? 4 : 0;  // RFC 3948 non-ESP marker
  const size_t mtu = f.remote.addr.is_v4() ? kFragmentMtu4 : kFragmentMtu6;
  if (!sa.peer_frag || ip + 8 + marker + f.data.size() <= mtu || f.data.size() < isakmp::kHeaderSize) {
    ++stats_.tx_packets;
    out.push_back(ike::SendPacket{f.local, f.remote, f.data});
    return;
  }
  // Each fragment: IP, UDP, marker, ISAKMP header, FRAG payload header (8).
  const size_t room = mtu - ip - 8 - marker - isakmp::kHeaderSize - 8;
  const size_t count = (f.data.size() + room - 1) / room;
  isakmp::Header h;
  ByteReader r(ByteView(f.data).first(16));
  h.cookie_i = r.u64().value_or(0);
  h.cookie_r = r.u64().value_or(0);
  h.exchange = sa.aggressive ? isakmp::ExchangeType::kAggressive : isakmp::ExchangeType::kIdentityProtection;
  const uint16_t id = ++sa.fragment_id;
  for (size_t i = 0; i < count; ++i) {
    ByteView part = ByteView(f.data).subspan(i * room, std::min(room, f.data.size() - i * room));
    isakmp::FragmentPayload fp{id, uint8_t(i + 1), i + 1 == count, Bytes(part.begin(), part.end())};
    ++stats_.tx_packets;
    out.push_back(ike::SendPacket{f.local, f.remote, isakmp::encode_message(h, {{PayloadType::kFragment, std::move(fp)}})});
  }
  log::debug(fmt("IKEv1: message of {} bytes to {} sent in {} fragments (ID {})", f.data.size(), f.remote.str(), count, id));
}

std::optional<Bytes> EngineImpl::defragment(IsakmpSa& sa, const isakmp::Message& m) {
  auto* fp = isakmp::find_payload<isakmp::FragmentPayload>(m.payloads, PayloadType::kFragment);
  auto drop = [&](const std::string& why) -> std::optional<Bytes> {
    ++stats_.rx_dropped_malformed;
    log::debug(fmt("IKEv1: IKE fragment from {} dropped: {}", sa.remote.str(), why));
    sa.defrag = {};
    return std::nullopt;
  };
  if (!fp || fp->number == 0) return drop("no FRAG payload or fragment number 0");
  if (!policy_.fragmentation()) {
    ++stats_.rx_dropped_malformed;
    log::debug(fmt("IKEv1: IKE fragment from {} ignored: crypto isakmp fragmentation is not configured", sa.remote.str()));
    return std::nullopt;
  }
  Defrag& d = sa.defrag;
  if (d.parts.empty() || d.id != fp->id) d = Defrag{fp->id, 0, {}, 0};
  if (fp->number > kMaxFragments) return drop("more than " + std::to_string(kMaxFragments) + " fragments");
  if (fp->last) d.last = fp->number;
  if (!d.parts.contains(fp->number)) {
    d.size += fp->data.size();
    d.parts[fp->number] = fp->data;
  }
  if (d.size > kMaxReassembled) return drop("reassembled message too large");
  if (!d.last || d.parts.size() < d.last) return std::nullopt;
  if (d.parts.rbegin()->first != d.last) return drop("fragment numbered after the last one");
  Bytes whole;
  whole.reserve(d.size);
  for (auto& [n, b] : d.parts) whole.insert(whole.end(), b.begin(), b.end());
  // A fragment inside fragments would only nest the work: refused.
  if (whole.size() > 16 && whole[16] == uint8_t(PayloadType::kFragment)) return drop("fragments inside fragments");
  log::debug(fmt("IKEv1: reassembled {} fragments (ID {}) from {}: {} bytes", d.parts.size(), d.id, sa.remote.str(),
                 whole.size()));
  sa.defrag = {};
  return whole;
}

}  // namespace kg::ikev1
