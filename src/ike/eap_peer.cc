#include "ike/eap_peer.h"

#include <openssl/evp.h>

#include <cstdlib>

#include "ike/fmt.h"

namespace kg::ike {

Bytes eap_md5_value(uint8_t identifier, ByteView secret, ByteView challenge) {
  Bytes out(16);
  unsigned len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_md5(), nullptr) == 1 &&
            EVP_DigestUpdate(ctx, &identifier, 1) == 1 &&
            EVP_DigestUpdate(ctx, secret.data(), secret.size()) == 1 &&
            EVP_DigestUpdate(ctx, challenge.data(), challenge.size()) == 1 &&
            EVP_DigestFinal_ex(ctx, out.data(), &len) == 1 && len == 16;
  EVP_MD_CTX_free(ctx);
  if (!ok) {  // MD5 missing from the OpenSSL build: an impossible environment
    std::fputs("keygate: OpenSSL has no MD5 (needed by EAP-MD5)\n", stderr);
    std::abort();
  }
  return out;
}

Result<Bytes> EapPeer::respond(const eap::Packet& req) {
  if (req.code != eap::Code::kRequest) return fail(Errc::kInvalidArgument, "not an EAP Request");
  eap::Packet resp{eap::Code::kResponse, req.identifier, req.type, {}};
  switch (static_cast<eap::Type>(req.type)) {
    case eap::Type::kIdentity:
      resp.data.assign(username_.begin(), username_.end());
      break;
    case eap::Type::kNotification:  // §5.2: acknowledged with an empty Response
      break;
    case eap::Type::kMd5Challenge: {
      auto c = eap::Md5Challenge::parse(req.data);
      if (!c) return std::unexpected(c.error());
      eap::Md5Challenge answer;
      answer.value = eap_md5_value(req.identifier, password_.view(), c->value);
      answer.name.assign(username_.begin(), username_.end());
      resp.data = answer.write();
      break;
    }
    case eap::Type::kNak:
      return fail(Errc::kInvalidSyntax, "EAP Request of type Nak");
    default:  // §5.3.1: the only method we do
      resp.type = uint8_t(eap::Type::kNak);
      resp.data = {uint8_t(eap::Type::kMd5Challenge)};
      break;
  }
  return resp.write();
}

}  // namespace kg::ike
