// Request/Response Authenticators and Message-Authenticator (RFC 2865 §3,
// RFC 2866 §3, RFC 3579 §3.2, RFC 5176 §2.3, RFC 5997 §3).
#include "aaa/radius/authenticator.h"

#include <openssl/crypto.h>

#include <algorithm>

#include "aaa/radius/md5.h"
#include "common/try.h"

namespace kg::aaa::radius {

namespace {

using kg::radius::AttrType;
using kg::radius::Code;
constexpr size_t kAuthAt = 4;  // the Authenticator field's offset

bool computed_request_authenticator(uint8_t code) {
  return code == uint8_t(Code::kAccountingRequest) || code == uint8_t(Code::kDisconnectRequest) ||
         code == uint8_t(Code::kCoaRequest);
}

// Index of the Message-Authenticator among p.attributes, added (zero) if absent.
size_t ensure_message_authenticator(Packet& p) {
  for (size_t i = 0; i < p.attributes.size(); ++i)
    if (p.attributes[i].type == uint8_t(AttrType::kMessageAuthenticator)) {
      p.attributes[i].value.assign(16, 0);
      return i;
    }
  p.attributes.push_back({uint8_t(AttrType::kMessageAuthenticator), Bytes(16, 0)});
  return p.attributes.size() - 1;
}

// Offset in the datagram of attribute i's value.
size_t value_offset(const Packet& p, size_t i) {
  size_t off = kg::radius::kHeaderSize;
  for (size_t k = 0; k < i; ++k) off += 2 + p.attributes[k].value.size();
  return off + 2;
}

bool same(ByteView a, ByteView b) { return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0; }

// Fills the Message-Authenticator (index i, value at `off`) over `d`, whose
// Authenticator field holds what RFC 3579 §3.2 says it must for this packet.
void fill_message_authenticator(Packet& p, size_t i, Bytes& d, const Secret& secret) {
  size_t off = value_offset(p, i);
  auto ma = hmac_md5(secret.view(), d);
  std::copy(ma.begin(), ma.end(), d.begin() + off);
  p.attributes[i].value.assign(ma.begin(), ma.end());
}

// Checks the packet's Message-Authenticator, if any, with `field` in the
// Authenticator field; `present` says whether there was one.
Result<void> check_message_authenticator(const Packet& p, ByteView d, ByteView field, const Secret& secret,
                                         bool& present) {
  present = false;
  size_t at = 0;
  for (size_t i = 0; i < p.attributes.size(); ++i) {
    if (p.attributes[i].type != uint8_t(AttrType::kMessageAuthenticator)) continue;
    if (present) return fail(Errc::kInvalidSyntax, "RADIUS: two Message-Authenticators");
    if (p.attributes[i].value.size() != 16) return fail(Errc::kInvalidSyntax, "RADIUS: Message-Authenticator not 16 octets");
    present = true;
    at = value_offset(p, i);
  }
  if (!present) return {};
  Bytes copy(d.begin(), d.end());
  std::copy(field.begin(), field.end(), copy.begin() + kAuthAt);
  std::fill_n(copy.begin() + at, 16, 0);
  auto want = hmac_md5(secret.view(), copy);
  if (!same(want, d.subspan(at, 16))) return fail(Errc::kAuthFailed, "RADIUS: bad Message-Authenticator");
  return {};
}

// The datagram as far as its Length (octets past it are padding, RFC 2865 §3).
ByteView within_length(ByteView datagram) {
  return datagram.first(size_t(datagram[2]) << 8 | datagram[3]);
}

}  // namespace

Result<Bytes> seal_request(Packet& p, const Secret& secret) {
  bool computed = computed_request_authenticator(p.code);
  if (computed) p.authenticator.fill(0);
  size_t i = ensure_message_authenticator(p);
  TRY(d, p.write());
  fill_message_authenticator(p, i, *d, secret);
  if (computed) {
    p.authenticator = md5({*d, secret.view()});
    std::copy(p.authenticator.begin(), p.authenticator.end(), d->begin() + kAuthAt);
  }
  return std::move(*d);
}

Result<Packet> open_reply(ByteView datagram, const Authenticator& request_authenticator, const Secret& secret,
                          bool require_message_authenticator) {
  TRY(p, Packet::parse(datagram));
  ByteView d = within_length(datagram);
  auto want = md5({d.first(kAuthAt), request_authenticator, d.subspan(kg::radius::kHeaderSize), secret.view()});
  if (!same(want, p->authenticator)) return fail(Errc::kAuthFailed, "RADIUS: bad Response Authenticator");
  bool present = false;
  TRY(ma, check_message_authenticator(*p, d, request_authenticator, secret, present));
  if (require_message_authenticator && !present) return fail(Errc::kAuthFailed, "RADIUS: no Message-Authenticator");
  return std::move(*p);
}

Result<Bytes> seal_reply(Packet& p, const Authenticator& request_authenticator, const Secret& secret) {
  p.authenticator = request_authenticator;
  size_t i = ensure_message_authenticator(p);
  TRY(d, p.write());
  fill_message_authenticator(p, i, *d, secret);
  p.authenticator = md5({*d, secret.view()});
  std::copy(p.authenticator.begin(), p.authenticator.end(), d->begin() + kAuthAt);
  return std::move(*d);
}

Result<Packet> open_computed_request(ByteView datagram, const Secret& secret) {
  TRY(p, Packet::parse(datagram));
  if (!computed_request_authenticator(p->code)) return fail(Errc::kInvalidSyntax, "RADIUS: not a computed-authenticator request");
  ByteView d = within_length(datagram);
  static const uint8_t kZero[16] = {};
  auto want = md5({d.first(kAuthAt), kZero, d.subspan(kg::radius::kHeaderSize), secret.view()});
  if (!same(want, p->authenticator)) return fail(Errc::kAuthFailed, "RADIUS: bad Request Authenticator");
  bool present = false;
  TRY(ma, check_message_authenticator(*p, d, kZero, secret, present));
  return std::move(*p);
}

}  // namespace kg::aaa::radius
