#include "ike/admission.h"

#include "common/log.h"
#include "crypto/prf.h"
#include "ike/fmt.h"

namespace kg::ike {

void CookieJar::rotate_if_due() {
  auto now = clock_.now();
  if (started_ && now < next_rotation_) return;
  if (started_) previous_ = std::move(current_);
  Generation g;
  g.version = started_ ? uint8_t(previous_->version + 1) : uint8_t(rng_.u32());
  g.key = Secret(size_t(32));
  rng_.fill(g.key.mut());
  current_ = std::move(g);
  next_rotation_ = now + kSecretLifetime;
  started_ = true;
}

Bytes CookieJar::compute(const Generation& g, ByteView ni, const IpAddress& ipi, uint64_t spi_i) {
  ByteWriter w;
  w.bytes(ni);
  w.bytes(ipi.bytes());
  w.u64(spi_i);
  Bytes in = w.take();
  auto mac = crypto::prf(crypto::Prf::kHmacSha2_256, g.key.view(), in);
  if (!mac) {
    log::error("IKEv2: HMAC-SHA256 unavailable for cookies");
    std::abort();  // impossible environment failure
  }
  Bytes c{g.version};
  c.insert(c.end(), mac->view().begin(), mac->view().end());
  return c;
}

Bytes CookieJar::make(ByteView ni, const IpAddress& ipi, uint64_t spi_i) {
  rotate_if_due();
  return compute(current_, ni, ipi, spi_i);
}

bool CookieJar::valid(ByteView cookie, ByteView ni, const IpAddress& ipi, uint64_t spi_i) {
  rotate_if_due();
  if (cookie.size() != kCookieSize) return false;
  // The version byte says which secret made it: the current or the previous.
  const Generation* g = cookie[0] == current_.version                 ? &current_
                        : previous_ && cookie[0] == previous_->version ? &*previous_
                                                                       : nullptr;
  if (!g) return false;
  return Secret(compute(*g, ni, ipi, spi_i)).equals(cookie);
}

Admission AdmissionControl::incoming(const IkeLimits& lim, const IncomingInit& in, EngineStats& st,
                                     Bytes& cookie) {
  // §2.6: cookies only while the half-open count says we are under attack.
  bool need_cookie = lim.cookie_challenge && in.half_open >= lim.cookie_challenge;
  if (need_cookie != cookies_on_) {
    cookies_on_ = need_cookie;
    log::info(need_cookie ? fmt("IKEv2: {} half-open IKE SAs (cookie-challenge {}): cookies required",
                                in.half_open, lim.cookie_challenge)
                          : fmt("IKEv2: {} half-open IKE SAs: cookies no longer required", in.half_open));
  }
  if (need_cookie) {
    if (!in.cookie) {
      st.cookie_missing++;
      cookie = cookies_.make(in.ni, in.from, in.spi_i);
      return Admission::kSendCookie;
    }
    if (!cookies_.valid(in.cookie->data, in.ni, in.from, in.spi_i)) {
      // A stale cookie (secret changed) or a forged one: a fresh challenge
      // costs nothing and lets a genuine initiator retry.
      st.cookie_rejected++;
      cookie = cookies_.make(in.ni, in.from, in.spi_i);
      return Admission::kSendCookie;
    }
    st.cookie_accepted++;
  }
  // The peer has proved its address (or no cookies are needed): now the limits.
  st.in_requests++;
  bool over = (lim.max_in_negotiation_in && in.half_open >= lim.max_in_negotiation_in) ||
              (lim.max_sa && in.total >= lim.max_sa);
  if (over) {
    st.in_rejected++;
    st.rejected_sa_limit++;
    unlogged_limit_++;
    note("incoming", lim.max_sa && in.total >= lim.max_sa ? lim.max_sa : lim.max_in_negotiation_in,
         unlogged_limit_);
    return Admission::kDrop;
  }
  st.in_accepted++;
  return Admission::kAccept;
}

bool AdmissionControl::outgoing(const IkeLimits& lim, size_t negotiating_out, size_t total, EngineStats& st) {
  st.out_requests++;
  if ((lim.max_in_negotiation_out && negotiating_out >= lim.max_in_negotiation_out) ||
      (lim.max_sa && total >= lim.max_sa)) {
    st.out_rejected++;
    st.rejected_sa_limit++;
    unlogged_limit_++;
    note("outgoing", lim.max_sa && total >= lim.max_sa ? lim.max_sa : lim.max_in_negotiation_out,
         unlogged_limit_);
    return false;
  }
  st.out_accepted++;
  return true;
}

void AdmissionControl::note(const char* what, uint32_t limit, uint64_t& pending) {
  auto now = clock_.now();
  if (last_log_ != TimePoint{} && now < last_log_ + kLogInterval) return;
  last_log_ = now;
  log::warn(fmt("IKEv2: {} new IKE SA(s) refused ({}): limit {} reached (crypto ikev2 limit)", pending, what,
                limit));
  pending = 0;
}

}  // namespace kg::ike
