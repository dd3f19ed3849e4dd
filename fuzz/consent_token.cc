// Fuzz target: the consent-token challenge and response decoders
// (consent/token.h), the authority key's text form, and the device's whole
// check of a response (consent/consent_state.h). The first byte picks:
//   0: decode_challenge, 1: decode_response, 2: base 64 (whatever decodes
//      must encode back to exactly the same bytes: one encoding per token);
//   3: `public-key ed25519 BASE64` (parse_public_key; a key that parses
//      prints back to text that parses to the same key);
//   4: a signed response: a pending challenge is made on a fake clock, the
//      rest of the input (optionally spliced into the real challenge's
//      bytes) is the response's challenge, signed with the configured
//      authority's key, so accept_response's checks after the signature are
//      reached. Whatever it grants must be what it says it grants.
#include <cstdint>
#include <cstdlib>
#include <optional>

#include "common/clock.h"
#include "common/log.h"
#include "common/random.h"
#include "consent/base64.h"
#include "consent/consent_state.h"
#include "consent/signature.h"
#include "consent/token.h"

namespace {

using namespace kg::consent;

struct Authority {
  std::optional<SigningKey> key;
  Authorities authorities;
  Authority() {
    kg::log::set_sink([](kg::log::Level, std::string_view) {});
    auto k = SigningKey::generate();
    if (!k) std::abort();
    key.emplace(std::move(*k));
    authorities["tac"] = key->public_raw();
  }
};

void signed_response(kg::ByteView in) {
  static Authority* a = new Authority;
  if (in.size() < 3) return;
  kg::FakeClock clock;
  kg::FakeRandom rng{in[0]};
  ConsentState state(clock, rng);
  DeviceIdentity device{"hub1", "KGABCDEFGHJK"};
  Privilege p = in[1] & 1 ? Privilege::kDebugKeys : Privilege::kShellAccess;
  auto challenge = state.generate_challenge(p, 1 + in[2] % 100, "", device, a->authorities);
  if (!challenge) std::abort();
  kg::Bytes raw = *base64_decode(*challenge);
  kg::ByteView rest = in.subspan(3);
  Response r;
  if (in[1] & 2) {
    // The real challenge with the input written over part of it.
    r.challenge_bytes = raw;
    if (!rest.empty()) {
      size_t at = rest[0] % raw.size();
      for (size_t i = 1; i < rest.size() && at < raw.size(); ++i, ++at) r.challenge_bytes[at] = rest[i];
    }
  } else {
    r.challenge_bytes.assign(rest.begin(), rest.end());
  }
  auto decoded = decode_challenge(r.challenge_bytes);
  if (!decoded) return;  // encode_response wants a well-formed challenge
  r.challenge = *decoded;
  r.granted_minutes = in[1] & 4 ? r.challenge.timeout_minutes : uint32_t(in[2]) << (in[1] >> 4);
  auto sig = a->key->sign(response_signed_bytes(r.challenge_bytes, r.granted_minutes));
  if (!sig) std::abort();
  std::copy(sig->begin(), sig->end(), r.signature.begin());
  clock.advance(kg::Millis(int64_t(in[2]) * 1000));
  auto ok = state.accept_response(p, base64_encode(encode_response(r)), device, a->authorities, "admin");
  if (bool(ok) != state.authorized(p)) std::abort();
  if (ok) {
    // Only the challenge it made, unchanged, with no more time than it asked.
    if (r.challenge_bytes != raw || r.granted_minutes > r.challenge.timeout_minutes || r.granted_minutes == 0)
      std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  kg::ByteView in(data + 1, size - 1);
  std::string_view text(reinterpret_cast<const char*>(in.data()), in.size());
  switch (data[0] % 5) {
    case 0:
      if (auto c = decode_challenge(in); c && encode_challenge(*c) != kg::Bytes(in.begin(), in.end())) std::abort();
      break;
    case 1:
      if (auto r = decode_response(in); r && encode_response(*r) != kg::Bytes(in.begin(), in.end())) std::abort();
      break;
    case 2:
      if (auto b = base64_decode(text); b && base64_encode(*b) != text) std::abort();
      break;
    case 3:
      if (auto k = parse_public_key(text)) {
        auto again = parse_public_key(public_key_base64(*k));
        if (!again || *again != *k) std::abort();
      }
      break;
    default: signed_response(in);
  }
  return 0;
}
