// Our side of IKE_AUTH (RFC 7296 §1.2, §2.15): the ID payload, our
// certificates and the AUTH payload for the profile's local method, a
// pre-shared key or a signature with a trustpoint's key.
#pragma once
#include <vector>

#include "ike/ike_sa.h"

namespace kg::ike {

// InitiatorSignedOctets / ResponderSignedOctets (§2.15) of the side that
// signs: RealMessage | peer's nonce | prf(SK_px, ID body).
Result<Bytes> auth_octets(const IkeSa& sa, bool signer_is_initiator, const Identity& id);

// AUTH = prf(prf(PSK, "Key Pad for IKEv2"), octets) for that side.
Result<Bytes> psk_auth(const IkeSa& sa, bool signer_is_initiator, const Identity& id, const Secret& psk);

// After EAP (RFC 7296 §2.16): the AUTH data of that side, keyed with the
// method's MSK, or with SK_pi / SK_pr when the method makes none (EAP-MD5).
Result<Bytes> eap_auth(const IkeSa& sa, bool signer_is_initiator, const Identity& id, const Secret& msk);

struct LocalAuth {
  TypedPayload id;
  std::vector<TypedPayload> certs;  // CERT payloads: our certificate, then intermediates
  TypedPayload auth;
  // A signer that does not complete at once: the AUTH data is still to be
  // made by this work (the caller waits for it, then set_auth_data).
  std::optional<SignWork> sign;
  void set_auth_data(Bytes data) { std::get<AuthPayload>(auth.body).data = std::move(data); }
};

// The identity we send (IDi/IDr): the profile's `identity local`, else
// IOS's default: the local address of the SA (ID_IPV4_ADDR/ID_IPV6_ADDR), or
// the DN of the certificate we sign with (identity local dn, also the
// default with rsa-sig/ecdsa-sig). `signer` is that certificate's trustpoint.
Identity local_identity(const ProfileConfig& p, const IpAddress& local, const crypto::Trustpoint* signer);
// The same for show commands, with the signer a new SA would pick.
Identity local_identity(const ProfileConfig& p, const IpAddress& local);

// Can the profile's local method be served at all (a key, a certificate of
// the right kind)? Checked before initiating, so that a router without its
// certificate does not leave half-open SAs on its peer.
Result<void> local_auth_ready(const ProfileConfig& p);

// Builds our ID, CERT and AUTH payloads and records the method in sa.auth.
// A signer that does not complete at once is not called: see LocalAuth::sign.
// kState when the profile's local method cannot be served (no key, no
// certificate of the right kind), with a message for the log.
Result<LocalAuth> local_auth(IkeSa& sa, bool initiator);

// CERTREQ payload naming the CAs of the profile's verify trustpoints, when
// the peer is to authenticate with a certificate (nullopt otherwise).
std::optional<TypedPayload> cert_request(const ProfileConfig& p);

}  // namespace kg::ike
