// NAT detection (RFC 7296 §2.23): N(NAT_DETECTION_SOURCE_IP) and
// N(NAT_DETECTION_DESTINATION_IP) carry SHA1(SPIi | SPIr | IP | port). We
// record whether a NAT sits on either side; the initiator floats to UDP 4500
// for IKE_AUTH regardless (allowed by §2.23), which also matches strongSwan
// with encap=yes.
//
// nat force-encap: like strongSwan's encap=yes we send a NAT-D source hash
// that cannot match, so the peer sees us behind a NAT, and we treat our side
// as NATed: IKE floats to 4500 and both sides put ESP in UDP (RFC 3948).
// The initiator knows its profile; the responder's is chosen only at
// IKE_AUTH, so it asks the policy (PolicyProvider::responder_force_encap).
// Both peers configured with it and initiating at once then agree on ESP in
// UDP on both IKE SAs, whichever one's CHILD_SA carries the traffic.
#include <openssl/evp.h>

#include "ike/fmt.h"

#include "common/log.h"
#include "ike/task.h"

namespace kg::ike {
namespace {

// Fetched once: EVP_sha1() is a legacy handle that EVP_Digest would fetch
// by name on every call.
const EVP_MD* sha1() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  return md;
}

Bytes natd_hash(uint64_t spi_i, uint64_t spi_r, const Endpoint& ep) {
  ByteWriter w;
  w.u64(spi_i);
  w.u64(spi_r);
  w.bytes(ep.addr.bytes());
  w.u16(ep.port);
  Bytes in = w.take();
  Bytes out(20);
  unsigned len = 0;
  if (sha1() == nullptr || EVP_Digest(in.data(), in.size(), out.data(), &len, sha1(), nullptr) != 1 || len != 20) {
    log::error("IKEv2: SHA1 unavailable for NAT detection");
    std::abort();  // impossible environment failure
  }
  return out;
}

class IkeNatd final : public Task {
 public:
  explicit IkeNatd(bool initiator) : initiator_(initiator) {}
  const char* name() const override { return "IKE_NATD"; }

  Result<void> build_i(IkeSa& sa, TaskEnv&, std::vector<TypedPayload>& out) override {
    forced_ = sa.profile && sa.profile->nat_force_encap;
    add(sa, out);
    return {};
  }
  TaskStatus process_i(IkeSa& sa, TaskEnv&, const std::vector<TypedPayload>& in) override {
    check(sa, in, sa.spi_r);
    return TaskStatus::kDone;
  }
  TaskStatus process_r(IkeSa& sa, TaskEnv& env, const std::vector<TypedPayload>& in) override {
    peer_supports_ = find_notify(in, NotifyType::kNatDetectionSourceIp) != nullptr;
    forced_ = peer_supports_ && env.policy.responder_force_encap(sa.local.addr, sa.remote.addr);
    check(sa, in, 0);  // the request's header carries SPIr = 0 (§2.23: SPIs as in the header)
    return TaskStatus::kDone;
  }
  void build_r(IkeSa& sa, TaskEnv&, std::vector<TypedPayload>& out) override {
    if (peer_supports_) add(sa, out);
  }
  bool fatal() const override { return false; }

 private:
  void add(const IkeSa& sa, std::vector<TypedPayload>& out) {
    // Forced: hash port 0, which no packet comes from (strongSwan hashes random data).
    Endpoint src = sa.local;
    if (forced_) src.port = 0;
    out.push_back(notify(NotifyType::kNatDetectionSourceIp, natd_hash(sa.spi_i, sa.spi_r, src)));
    out.push_back(notify(NotifyType::kNatDetectionDestinationIp, natd_hash(sa.spi_i, sa.spi_r, sa.remote)));
  }
  // Source hashes from the peer describe its address as it sent it; if none
  // matches what we see, the peer is behind a NAT. Our own side likewise.
  void check(IkeSa& sa, const std::vector<TypedPayload>& in, uint64_t spi_r) {
    bool saw_src = false, src_match = false, saw_dst = false, dst_match = false;
    Bytes expect_src = natd_hash(sa.spi_i, spi_r, sa.remote);
    Bytes expect_dst = natd_hash(sa.spi_i, spi_r, sa.local);
    for (auto& p : in) {
      auto* n = std::get_if<NotifyPayload>(&p.body);
      if (!n) continue;
      if (n->type == uint16_t(NotifyType::kNatDetectionSourceIp)) {
        saw_src = true;
        src_match |= n->data == expect_src;
      } else if (n->type == uint16_t(NotifyType::kNatDetectionDestinationIp)) {
        saw_dst = true;
        dst_match |= n->data == expect_dst;
      }
    }
    sa.nat_remote = saw_src && !src_match;
    sa.nat_local = (saw_dst && !dst_match) || (forced_ && saw_src);  // forced: only if the peer does NAT-T
    if (sa.nat_remote || sa.nat_local)
      log::info(fmt("IKEv2: NAT detected ({} side) with {}", sa.nat_local ? "local" : "remote",
                            sa.remote.str()));
  }
  bool initiator_;
  bool peer_supports_ = false;
  bool forced_ = false;  // nat force-encap applies to this SA
};

}  // namespace

std::unique_ptr<Task> make_ike_natd(bool initiator) { return std::make_unique<IkeNatd>(initiator); }

}  // namespace kg::ike
