// Tunnels shared by several IKE sessions (Datapath::select_by_destination):
// the outbound pipeline of datapath.cc (tun_round), except that the SA is
// chosen per packet by destination (DestinationIndex, which reads the whole
// packet where a destination's SAs differ in protocol, ports or source)
// instead of once per batch. A packet no SA holds is dropped and counted,
// and on_no_sa is called after the batches, as for a tunnel without SA: on
// a crypto map's device the daemon then negotiates the missing line's SA
// (IKEv1 Quick Mode on the ISAKMP SA that is up).
#include "esp/datapath.h"

namespace kg::esp {

void Datapath::select_by_destination(const std::string& name) {
  auto it = by_name_.find(name);
  if (it == by_name_.end() || tunnels_[it->second].by_destination) return;
  tunnels_[it->second].by_destination = std::make_unique<DestinationIndex>();
  tunnels_[it->second].by_destination->rebuild(sas_.all(), it->second);
  refresh_current(it->second);
}

void Datapath::seal_by_destination(Tunnel& t, size_t n) {
  size_t m = 0;
  for (size_t i = 0; i < n; ++i) {
    ChildSa* sa = t.by_destination->find(ByteView(tx_buffer(i).subspan(kHeadroom, tx_lens_[i])));
    if (!sa) {  // no session for this destination (the kernel route outlived it), or no line's SA
      ++t.no_sa_drops;
      ++counters_.no_outbound_sa;
      shared_no_sa_ = true;
      continue;
    }
    auto esp = sa->out->seal(tx_buffer(i), tx_lens_[i], cbc_batch_.get(), uint32_t(m));  // failures counted by the SA
    if (!esp) continue;
    owners_[m] = sa;
    send_[m++] = {*esp, sa->remote, sa->local.addr};
  }
  m = finish_seals(m, nullptr);
  bool all_udp = true;  // sessions without a NAT use plain ESP (raw socket)
  for (size_t i = 0; i < m; ++i) all_udp = all_udp && owners_[i]->udp_encap;
  if (all_udp) {
    size_t sent = natt_->send_batch(std::span<const io::SendSlot>(send_.data(), m));
    counters_.udp_send_errors += m - sent;
    for (size_t i = sent; i < m; ++i) owners_[i]->out->counters().errors++;
  } else {
    for (size_t i = 0; i < m; ++i) {
      DatagramSocket* s = owners_[i]->udp_encap ? natt_.get() : esp_.get();
      if (s && s->send_batch(std::span<const io::SendSlot>(&send_[i], 1)) == 1) continue;
      if (!s) ++counters_.no_esp_socket;
      ++counters_.udp_send_errors;
      owners_[i]->out->counters().errors++;
    }
  }
  for (size_t i = 0; i < m; ++i) {
    ChildSa* sa = owners_[i];
    sa->last_out = now_;  // tun_round's batch time
    if (sa->out->counters().bytes >= sa->next_bytes_mark || sa->out->seq() >= sa->next_seq_mark) check_limits(*sa);
  }
}

}  // namespace kg::esp
