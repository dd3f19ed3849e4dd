// SA lifetimes and their timers (RFC 7296 §2.8; RFC 4301 §4.4.2.1).
//
// Soft lifetime: an SA is rekeyed at 90% of its lifetime minus a random
// jitter of up to 5% (so between 85% and 90%): IOS rekeys "before the
// lifetime expires", and the jitter keeps two peers with the same lifetime
// from rekeying in the same instant (a collision, which §2.8.1 resolves, but
// costs an extra exchange). The same rule applies to the kilobyte lifetime,
// where both peers count the same bytes. Hard lifetime: the SA is deleted.
//
// Every timer is a deadline of one IkeSa (its own and its children's), so
// next_deadline(sa) says when the engine must next look at that SA.
#pragma once
#include "common/random.h"
#include "ike/ike_sa.h"

namespace kg::ike {

// When the soft lifetime of something that lives `life` ends.
Millis soft_after(Millis life, Random& rng);
// Soft volume limit for a `kb` kilobyte lifetime (0: none).
uint64_t soft_kb(uint64_t kb, Random& rng);

// Arm a CHILD_SA installed at `now` (lifetime_s/lifetime_kb in c.sa).
void arm_child(ChildSa& c, TimePoint now, Random& rng);
// Arm an IKE SA established at `now` (profile lifetime, DPD).
void arm_ike(IkeSa& sa, TimePoint now, Random& rng);

// The earliest lifetime, DPD or reap deadline of the SA (not counting
// retransmissions and the half-open timeout, which the driver owns).
TimePoint lifetime_deadline(const IkeSa& sa);

// Seconds from `now` until `t`, or -1 for kNever.
int64_t seconds_until(TimePoint t, TimePoint now);

}  // namespace kg::ike
