// User-Password (RFC 2865 §5.2) and MS-MPPE keys (RFC 2548 §2.4.2-3).
#include "aaa/radius/hiding.h"

#include "aaa/radius/md5.h"
#include "wire/radius/vendor.h"
#include "common/try.h"

namespace kg::aaa::radius {

namespace {

// XORs `data` (a multiple of 16 octets) in place with the chain started by
// MD5(secret | first); `encrypt` says whether data is plaintext (the chain
// then continues from the output) or ciphertext (from the input).
void md5_chain(std::span<uint8_t> data, const Secret& secret, ByteView first, bool encrypt) {
  kg::radius::Authenticator b = md5({secret.view(), first});
  for (size_t off = 0; off < data.size(); off += 16) {
    uint8_t c[16];
    for (size_t k = 0; k < 16; ++k) {
      uint8_t in = data[off + k];
      data[off + k] = uint8_t(in ^ b[k]);
      c[k] = encrypt ? data[off + k] : in;
    }
    b = md5({secret.view(), c});
  }
}

}  // namespace

Result<Bytes> hide_user_password(ByteView password, const Secret& secret, const Authenticator& request) {
  if (password.size() > 128) return fail(Errc::kLimit, "User-Password longer than 128 octets");
  Bytes p(password.begin(), password.end());
  p.resize(std::max<size_t>(16, (p.size() + 15) / 16 * 16), 0);
  md5_chain(p, secret, request, true);
  return p;
}

Result<Secret> reveal_user_password(ByteView hidden, const Secret& secret, const Authenticator& request) {
  if (hidden.empty() || hidden.size() % 16 || hidden.size() > 128)
    return fail(Errc::kInvalidSyntax, "User-Password: not 16..128 octets in blocks of 16");
  Secret p(hidden);
  md5_chain(p.mut(), secret, request, false);
  size_t n = p.size();
  while (n > 0 && p.view()[n - 1] == 0) --n;  // §5.2: padded with nulls
  return p.slice(0, n);
}

Result<Bytes> encode_mppe_key(ByteView key, uint16_t salt, const Secret& secret, const Authenticator& request) {
  if (key.size() > 240) return fail(Errc::kLimit, "MPPE key too long");
  salt |= 0x8000;  // RFC 2548 §2.4.2: the most significant bit MUST be set
  uint8_t s[2] = {uint8_t(salt >> 8), uint8_t(salt)};
  Bytes p{uint8_t(key.size())};
  p.insert(p.end(), key.begin(), key.end());
  p.resize((p.size() + 15) / 16 * 16, 0);
  Bytes first(request.begin(), request.end());
  first.insert(first.end(), s, s + 2);
  md5_chain(p, secret, first, true);
  Bytes out(s, s + 2);
  out.insert(out.end(), p.begin(), p.end());
  return out;
}

Result<Secret> decode_mppe_key(ByteView value, const Secret& secret, const Authenticator& request) {
  if (value.size() < 2 + 16 || (value.size() - 2) % 16)
    return fail(Errc::kInvalidSyntax, "MPPE key: not Salt + blocks of 16 octets");
  if (!(value[0] & 0x80)) return fail(Errc::kInvalidSyntax, "MPPE key: Salt without its high bit");
  Bytes first(request.begin(), request.end());
  first.insert(first.end(), value.begin(), value.begin() + 2);
  Secret p(value.subspan(2));
  md5_chain(p.mut(), secret, first, false);
  size_t len = p.view()[0];
  if (len + 1 > p.size()) return fail(Errc::kInvalidSyntax, "MPPE key: Key-Length past the data (wrong secret?)");
  return p.slice(1, len);
}

Result<Secret> msk_from_accept(const kg::radius::Packet& accept, const Secret& secret, const Authenticator& request) {
  using namespace kg::radius;
  TRY(recv, vendor_values(accept, kVendorMicrosoft, kMsMppeRecvKey));
  TRY(send, vendor_values(accept, kVendorMicrosoft, kMsMppeSendKey));
  if (recv->empty() && send->empty()) return Secret();
  if (recv->size() != 1 || send->size() != 1) return fail(Errc::kInvalidSyntax, "Access-Accept: not one MS-MPPE-Recv-Key and one MS-MPPE-Send-Key");
  TRY(rk, decode_mppe_key(recv->front(), secret, request));
  TRY(sk, decode_mppe_key(send->front(), secret, request));
  Secret msk(rk->size() + sk->size());
  std::copy(rk->view().begin(), rk->view().end(), msk.mut().begin());
  std::copy(sk->view().begin(), sk->view().end(), msk.mut().begin() + rk->size());
  return msk;
}

}  // namespace kg::aaa::radius
