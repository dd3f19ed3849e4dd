// Outbound SA choice on a tunnel device shared by several IKE sessions (the
// Virtual-Access sessions of one Virtual-Template share its TUN): the SA whose
// remote traffic selectors hold the packet's destination, as the kernel's
// routing would choose a per-session interface.
//
// Host selectors (a remote-access client's assigned address) are found by
// hash; wider ones (a spoke's LAN, or a peer that narrowed nothing) by a scan
// of the few that exist, the most specific first. Among the SAs of one
// destination (old and new SA during a CHILD_SA rekey) the preference is
// SaTable::current_outbound's: newest active, then pending, then retired.
// Where SAs of one destination carry different selectors (two crypto map
// ACL lines to one network, one for TCP port 5001 and one for 5002: IOS
// gives each its own SA pair), or any SA there names a protocol, the packet
// takes one whose selectors hold it whole (source, protocol, ports:
// ChildSa::out_selectors), else the next wider destination's; held by none
// (its line's SA is not up yet, or was lost), it has no SA: the peer would
// drop it on another line's SA, and the data path's no-SA report lets the
// daemon negotiate the missing one. Other destinations (one SA, or old and
// new of one rekey) are chosen by address alone, the packet never read
// further.
// The data path adds each new SA and removes each SA before it is freed
// (rebuilding it per change cost O(SAs) per setup: a hub with 100,000
// sessions spent most of its handshake time there), so it never holds a
// pointer to a removed SA; lookups do not allocate.
#pragma once
#include <unordered_map>
#include <vector>

#include "common/bytes.h"
#include "common/ip.h"
#include "esp/sa_table.h"

namespace kg::esp {

class DestinationIndex {
 public:
  // The SAs of `tunnel` among `all` (oldest first, as SaTable keeps them).
  void rebuild(const std::vector<std::unique_ptr<ChildSa>>& all, uint32_t tunnel);
  // One SA newer than all indexed ones; one about to be removed.
  void add(ChildSa* sa);
  void remove(const ChildSa* sa);
  // The SA for the destination of the IPv4/IPv6 packet; nullptr if none.
  [[nodiscard]] ChildSa* find(ByteView ip_packet) const;
  [[nodiscard]] ChildSa* find(const IpAddress& dst) const;

 private:
  struct AddrHash {
    size_t operator()(const IpAddress& a) const noexcept;
  };
  // The SAs of one destination, oldest first.
  struct Candidates {
    std::vector<ChildSa*> sas;
    bool by_selectors = false;  // chosen by the whole packet (see above)
    void add(ChildSa* sa);
    void remove(const ChildSa* sa);
  };
  struct Range {
    IpAddress lo, hi;
    Candidates c;
  };
  // Among `sas`, the preferred one that `admits` takes.
  template <typename Admits>
  static ChildSa* prefer(const std::vector<ChildSa*>& sas, Admits admits);
  static ChildSa* prefer(const std::vector<ChildSa*>& sas);
  std::unordered_map<IpAddress, Candidates, AddrHash> hosts_;
  std::vector<Range> ranges_;  // narrowest first
};

}  // namespace kg::esp
