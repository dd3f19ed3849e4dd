// Encoder and strict decoder of the formats drawn in token.h.
#include "consent/token.h"

#include <algorithm>
#include <ctime>

#include "common/try.h"

namespace kg::consent {

namespace {

constexpr std::string_view kChallengeMagic = "KGCT", kResponseMagic = "KGCR";
constexpr std::string_view kSignContext = "keygate consent-token response v1";

// Field types (token.h).
enum : uint8_t { kPrivilege = 1, kCreated, kNonce, kTimeout, kHostname, kSerial, kAuthority };
enum : uint8_t { kChallengeField = 1, kGranted, kSignature };

void put_field(ByteWriter& w, uint8_t type, ByteView value) {
  w.u8(type);
  w.u16(uint16_t(value.size()));
  w.bytes(value);
}

void put_u32(ByteWriter& w, uint8_t type, uint32_t v) {
  w.u8(type);
  w.u16(4);
  w.u32(v);
}

void header(ByteWriter& w, std::string_view magic) {
  w.bytes(as_bytes(magic));
  w.u8(kVersion);
}

Result<void> expect_header(ByteReader& r, std::string_view magic, const char* what) {
  TRY(m, r.bytes(magic.size()));
  if (!std::equal(m->begin(), m->end(), magic.begin(), magic.end()))
    return fail(Errc::kInvalidSyntax, std::string("not a keygate consent-token ") + what + " (bad magic)");
  TRY(v, r.u8());
  if (*v != kVersion)
    return fail(Errc::kUnsupported, std::string(what) + " version " + std::to_string(*v) + " (this keygate reads version 1)");
  return {};
}

// The next TLV, which must be `type`; its value must be within [min, max] bytes.
Result<ByteView> field(ByteReader& r, uint8_t type, size_t min, size_t max, const char* name) {
  if (r.empty()) return fail(Errc::kInvalidSyntax, std::string("field ") + name + " missing");
  TRY(t, r.u8());
  if (*t != type)
    return fail(Errc::kInvalidSyntax, "field type " + std::to_string(*t) + " where " + name + " (type " +
                                          std::to_string(type) + ") belongs");
  TRY(len, r.u16());
  if (*len < min || *len > max)
    return fail(Errc::kInvalidSyntax, std::string("field ") + name + ": bad length " + std::to_string(*len));
  auto v = r.bytes(*len);
  if (!v) return fail(Errc::kTruncated, std::string("field ") + name + " cut short");
  return *v;
}

Result<uint32_t> u32_field(ByteReader& r, uint8_t type, const char* name) {
  TRY(v, field(r, type, 4, 4, name));
  ByteReader fr(*v);
  return fr.u32();
}

// Names travel into the CLI and logs: printable ASCII without spaces.
Result<std::string> name_field(ByteReader& r, uint8_t type, size_t max, const char* name) {
  TRY(v, field(r, type, 1, max, name));
  for (uint8_t ch : *v)
    if (ch <= 0x20 || ch >= 0x7f)
      return fail(Errc::kInvalidSyntax, std::string("field ") + name + ": not printable ASCII");
  return std::string(v->begin(), v->end());
}

Result<void> minutes_in_range(uint32_t m, const char* name) {
  if (m == 0 || m > kMaxTimeoutMinutes)
    return fail(Errc::kInvalidSyntax, std::string(name) + " " + std::to_string(m) +
                                          " minutes is outside 1.." + std::to_string(kMaxTimeoutMinutes) + " (7 days)");
  return {};
}

}  // namespace

std::string_view privilege_keyword(Privilege p) {
  return p == Privilege::kShellAccess ? "shell-access" : "debug-keys";
}

std::string_view privilege_title(Privilege p) {
  return p == Privilege::kShellAccess ? "Shell access" : "Debug keys";
}

Bytes encode_challenge(const Challenge& c) {
  ByteWriter w;
  header(w, kChallengeMagic);
  uint8_t priv = uint8_t(c.privilege);
  put_field(w, kPrivilege, ByteView(&priv, 1));
  w.u8(kCreated);
  w.u16(8);
  w.u64(c.created);
  put_field(w, kNonce, c.nonce);
  put_u32(w, kTimeout, c.timeout_minutes);
  put_field(w, kHostname, as_bytes(c.hostname));
  put_field(w, kSerial, as_bytes(c.serial));
  put_field(w, kAuthority, as_bytes(c.authority));
  return w.take();
}

Result<Challenge> decode_challenge(ByteView b) {
  if (b.size() > kMaxChallengeSize) return fail(Errc::kInvalidSyntax, "challenge longer than 512 bytes");
  ByteReader r(b);
  TRY(h, expect_header(r, kChallengeMagic, "challenge"));
  Challenge c;
  TRY(priv, field(r, kPrivilege, 1, 1, "privilege"));
  if ((*priv)[0] != uint8_t(Privilege::kShellAccess) && (*priv)[0] != uint8_t(Privilege::kDebugKeys))
    return fail(Errc::kInvalidSyntax, "unknown privilege " + std::to_string((*priv)[0]));
  c.privilege = Privilege((*priv)[0]);
  TRY(created, field(r, kCreated, 8, 8, "created"));
  ByteReader cr(*created);
  TRY(secs, cr.u64());
  c.created = *secs;
  TRY(nonce, field(r, kNonce, kNonceSize, kNonceSize, "nonce"));
  std::copy(nonce->begin(), nonce->end(), c.nonce.begin());
  TRY(timeout, u32_field(r, kTimeout, "timeout"));
  TRY(in_range, minutes_in_range(*timeout, "timeout"));
  c.timeout_minutes = *timeout;
  TRY(host, name_field(r, kHostname, 63, "hostname"));
  TRY(serial, name_field(r, kSerial, 64, "serial"));
  TRY(authority, name_field(r, kAuthority, 64, "authority"));
  c.hostname = std::move(*host);
  c.serial = std::move(*serial);
  c.authority = std::move(*authority);
  if (!r.empty()) return fail(Errc::kInvalidSyntax, "unexpected bytes after the last challenge field");
  return c;
}

Bytes response_signed_bytes(ByteView challenge_bytes, uint32_t granted_minutes) {
  ByteWriter w;
  w.bytes(as_bytes(kSignContext));
  w.u8(0);
  header(w, kResponseMagic);
  put_field(w, kChallengeField, challenge_bytes);
  put_u32(w, kGranted, granted_minutes);
  return w.take();
}

Bytes encode_response(const Response& r) {
  ByteWriter w;
  header(w, kResponseMagic);
  put_field(w, kChallengeField, r.challenge_bytes);
  put_u32(w, kGranted, r.granted_minutes);
  put_field(w, kSignature, r.signature);
  return w.take();
}

Result<Response> decode_response(ByteView b) {
  ByteReader r(b);
  TRY(h, expect_header(r, kResponseMagic, "response"));
  Response out;
  TRY(ch, field(r, kChallengeField, 1, kMaxChallengeSize, "challenge"));
  auto c = decode_challenge(*ch);
  if (!c) return fail(c.error().code, "its challenge: " + c.error().message);
  out.challenge_bytes.assign(ch->begin(), ch->end());
  out.challenge = std::move(*c);
  TRY(granted, u32_field(r, kGranted, "granted"));
  TRY(in_range, minutes_in_range(*granted, "granted"));
  if (*granted > out.challenge.timeout_minutes)
    return fail(Errc::kInvalidSyntax, "grants " + std::to_string(*granted) + " minutes, more than the " +
                                          std::to_string(out.challenge.timeout_minutes) + " asked for");
  out.granted_minutes = *granted;
  TRY(sig, field(r, kSignature, kSignatureSize, kSignatureSize, "signature"));
  std::copy(sig->begin(), sig->end(), out.signature.begin());
  if (!r.empty()) return fail(Errc::kInvalidSyntax, "unexpected bytes after the signature");
  return out;
}

std::string utc_text(int64_t unix_seconds) {
  char buf[32];
  std::tm tm{};
  std::time_t t = std::time_t(unix_seconds);
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

}  // namespace kg::consent
