#include "esp/sa_table.h"

namespace kg::esp {

Result<ChildSa*> SaTable::insert(std::unique_ptr<ChildSa> sa) {
  if (!sa || !sa->in || !sa->out) return fail(Errc::kInvalidArgument, "incomplete SA");
  uint32_t spi = sa->in->spi();
  if (spi == 0) return fail(Errc::kInvalidArgument, "inbound SPI 0");
  if (sas_.size() >= kMaxSas) return fail(Errc::kLimit, "SA table full");
  if (find_inbound(spi)) return fail(Errc::kState, "inbound SPI already installed");
  size_t slots = slots_.size();
  while (2 * (sas_.size() + 1) > slots) slots *= 2;
  if (slots != slots_.size() || tombstones_ > slots / 4) rebuild_index(slots);
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash(spi);; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.spi == 0 || s.sa == nullptr) {
      if (s.spi != 0) --tombstones_;
      s.spi = spi;
      s.sa = sa.get();
      break;
    }
  }
  sas_.push_back(std::move(sa));
  return sas_.back().get();
}

ChildSa* SaTable::find_inbound(uint32_t spi) const {
  if (spi == 0) return nullptr;
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash(spi), n = 0; n <= mask; i = (i + 1) & mask, ++n) {
    const Slot& s = slots_[i];
    if (s.spi == 0) return nullptr;
    if (s.spi == spi && s.sa) return s.sa;
  }
  return nullptr;
}

bool SaTable::remove(uint32_t spi_in, uint32_t spi_out) {
  ChildSa* sa = find_inbound(spi_in);
  if (!sa || (spi_out != 0 && sa->out->spi() != spi_out)) return false;
  for (size_t i = hash(spi_in);; i = (i + 1) & (slots_.size() - 1)) {
    if (slots_[i].sa == sa) {
      slots_[i].sa = nullptr;  // tombstone keeps later probes working
      ++tombstones_;
      break;
    }
  }
  std::erase_if(sas_, [sa](const std::unique_ptr<ChildSa>& p) { return p.get() == sa; });
  return true;
}

void SaTable::remove_tunnel(uint32_t tunnel) {
  std::vector<uint32_t> spis;
  for (auto& sa : sas_)
    if (sa->tunnel == tunnel) spis.push_back(sa->in->spi());
  for (uint32_t s : spis) remove(s, 0);
}

ChildSa* SaTable::current_outbound(uint32_t tunnel) const {
  ChildSa* best = nullptr;
  for (auto it = sas_.rbegin(); it != sas_.rend(); ++it) {
    ChildSa* sa = it->get();
    if (sa->tunnel != tunnel) continue;
    if (sa->outbound == ChildSa::Outbound::kActive) return sa;
    if (!best || (sa->outbound == ChildSa::Outbound::kPending && best->outbound == ChildSa::Outbound::kRetired))
      best = sa;
  }
  return best;
}

void SaTable::rebuild_index(size_t slots) {
  slots_.assign(slots, Slot{});
  tombstones_ = 0;
  const size_t mask = slots - 1;
  for (auto& sa : sas_) {
    for (size_t i = hash(sa->in->spi());; i = (i + 1) & mask) {
      if (slots_[i].spi == 0) {
        slots_[i] = {sa->in->spi(), sa.get()};
        break;
      }
    }
  }
}

}  // namespace kg::esp
