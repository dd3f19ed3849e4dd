// MS-CHAPv2 (RFC 2759) as EAP-MSCHAPv2 uses it, and the MPPE keys of
// RFC 3079 §3 from which the EAP method's MSK is made. MD4 and DES are
// only in OpenSSL 3's legacy provider: they are fetched from a private
// library context that loads it, so the rest of the process keeps the
// default providers only. Pure functions over spans (STYLE.md §5); an error
// means the legacy provider is missing (an environment failure the caller
// logs: the method is then unavailable).
#pragma once
#include <array>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "common/secret.h"

namespace kg::crypto::mschapv2 {

constexpr size_t kChallengeSize = 16;   // AuthenticatorChallenge, PeerChallenge
constexpr size_t kNtResponseSize = 24;
constexpr size_t kMskSize = 32;         // MasterSendKey | MasterReceiveKey, 16 each

// RFC 2759 §8.3 NtPasswordHash: MD4 of the password in UTF-16LE (the
// password is UTF-8 here; malformed UTF-8 is an error).
[[nodiscard]] Result<Secret> nt_password_hash(const Secret& password);
// §8.4 HashNtPasswordHash: MD4 of the hash.
[[nodiscard]] Result<Secret> hash_nt_password_hash(const Secret& password_hash);
// §8.2 ChallengeHash: the first 8 octets of SHA1(PeerChallenge |
// AuthenticatorChallenge | UserName), the user name without any domain.
[[nodiscard]] Bytes challenge_hash(ByteView peer_challenge, ByteView auth_challenge, std::string_view user);
// §8.5 ChallengeResponse: the 8-octet challenge DES-encrypted under the
// three 7-octet thirds of the zero-padded password hash.
[[nodiscard]] Result<Bytes> challenge_response(ByteView challenge, const Secret& password_hash);
// §8.1 GenerateNTResponse.
[[nodiscard]] Result<Bytes> nt_response(ByteView auth_challenge, ByteView peer_challenge, std::string_view user,
                                        const Secret& password);
// §8.7 GenerateAuthenticatorResponse: "S=" and 40 upper-case hex digits.
[[nodiscard]] Result<std::string> authenticator_response(const Secret& password, ByteView nt_response,
                                                         ByteView peer_challenge, ByteView auth_challenge,
                                                         std::string_view user);
// RFC 3079 §3.4 GetMasterKey and GetAsymmetricStartKey (128-bit keys).
[[nodiscard]] Secret master_key(const Secret& password_hash_hash, ByteView nt_response);
[[nodiscard]] Secret asymmetric_start_key(const Secret& master_key, bool is_send, bool is_server);
// The peer's MSK: its send key then its receive key (the server's
// MS-MPPE-Recv-Key | MS-MPPE-Send-Key, which is how a RADIUS relay builds
// the same MSK from the Access-Accept).
[[nodiscard]] Result<Secret> peer_msk(const Secret& password, ByteView nt_response);

}  // namespace kg::crypto::mschapv2
