// Spool, send, acknowledge, retry (accountant.h).
#include "aaa/radius/accountant.h"

#include "common/log.h"

namespace kg::aaa::radius {

using kg::radius::Code;

Accountant::~Accountant() {
  for (auto& [seq, handle] : in_flight_) requester_.cancel(handle);
}

void Accountant::record(const std::string& group, const AcctRecord& r) {
  stats_.records++;
  SpooledRecord rec{group, clock_.wall_time(), accounting_request(r)};
  auto seq = spool_.add(rec);
  if (!seq) {
    // Still sent once; only its durability is lost.
    stats_.not_spooled++;
    log::warn("accounting: record not kept on disk: " + seq.error().message);
    stats_.sent++;
    requester_.submit(group, Port::kAcct, with_delay(rec, clock_.wall_time()), [](Result<Reply>) {});
    return;
  }
  if (in_flight_.size() < kMaxInFlight) send(*seq);
}

void Accountant::flush() {
  for (const auto& [seq, rec] : spool_.pending()) {
    if (in_flight_.size() >= kMaxInFlight) break;
    if (!in_flight_.contains(seq)) send(seq);
  }
}

void Accountant::send(uint64_t seq) {
  const SpooledRecord& rec = spool_.pending().at(seq);
  stats_.sent++;
  in_flight_[seq] = 0;
  uint64_t h = requester_.submit(rec.group, Port::kAcct, with_delay(rec, clock_.wall_time()),
                                 [this, seq](Result<Reply> r) { answered(seq, std::move(r)); });
  if (auto it = in_flight_.find(seq); it != in_flight_.end()) it->second = h;
}

void Accountant::answered(uint64_t seq, Result<Reply> r) {
  in_flight_.erase(seq);
  if (r && r->packet.code == uint8_t(Code::kAccountingResponse)) {
    stats_.acknowledged++;
    spool_.remove(seq);
    flush();  // a server answers: what waited goes now
    return;
  }
  stats_.unanswered++;
  if (!retry_at_) retry_at_ = clock_.now() + retry_;
}

void Accountant::on_timer() {
  if (!retry_at_ || clock_.now() < *retry_at_) return;
  retry_at_.reset();
  flush();
}

std::optional<TimePoint> Accountant::next_deadline() const { return retry_at_; }

}  // namespace kg::aaa::radius
