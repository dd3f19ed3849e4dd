#include "ike/task.h"

#include <algorithm>

#include "ike/fmt.h"

#include "common/log.h"

namespace kg::ike {

IkeSa::IkeSa() = default;
IkeSa::~IkeSa() = default;

namespace {
// Empties `v` and gives its memory back (clear() keeps the capacity).
template <class T>
void release(T& v) {
  T().swap(v);
}
}  // namespace

void IkeSa::forget_handshake() {
  dh.reset();
  release(ni);
  release(nr);
  release(init_request);
  release(init_response);
  release(cookie);
  for (Secret* k : {&keys.sk_ai, &keys.sk_ar, &keys.sk_ei, &keys.sk_er, &keys.sk_pi, &keys.sk_pr}) *k = Secret();
  release(auth.peer_sign_hashes);
  release(auth.peer_certreq);
  auth.peer_cert.reset();
}

void IkeSa::keep_sk_keys() {
  sk_kept.sk_ei = keys.sk_ei;
  sk_kept.sk_er = keys.sk_er;
  sk_kept.sk_ai = keys.sk_ai;
  sk_kept.sk_ar = keys.sk_ar;
}

TypedPayload notify(NotifyType t, Bytes data) {
  NotifyPayload n;
  n.type = static_cast<uint16_t>(t);
  n.data = std::move(data);
  return {PayloadType::kNotify, std::move(n)};
}

uint64_t spi_of(ByteView b) {
  uint64_t v = 0;
  for (auto x : b) v = v << 8 | x;
  return v;
}

void emit_remove_children(IkeSa& sa, TaskEnv& env) {
  for (auto& c : sa.children) env.actions.push_back(RemoveChildSa{c.sa.interface, c.sa.spi_in, c.sa.spi_out});
  sa.children.clear();
}

// %CRYPTO-5-IKEV2_SESSION_STATUS, as IOS words it.
void emit_session(IkeSa& sa, TaskEnv& env, bool up) {
  if (sa.session_up == up) return;
  sa.session_up = up;
  // The session keeps its first IKE SA's number through IKE rekeys (the
  // config moves to the new SA), so the daemon matches its up and down.
  if (!sa.config.session_id) sa.config.session_id = sa.tunnel_id;
  log::event("CRYPTO", log::Level::kNotice, "IKEV2_SESSION_STATUS",
             fmt("Crypto tunnel v2 is {}.  Peer {} Id: {}", up ? "UP" : "DOWN", sa.remote.str(),
                         sa.remote_id.str()));
  env.actions.push_back(
      SessionEvent{up, sa.interface(), sa.local, sa.remote, sa.remote_id.str(), sa.tunnel_id, sa.spi_i, sa.config});
}

Bytes spi_bytes(uint32_t s) { return Bytes{uint8_t(s >> 24), uint8_t(s >> 16), uint8_t(s >> 8), uint8_t(s)}; }

bool nonce_less(ByteView a, ByteView b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}

bool in_flight(const IkeSa& sa, std::string_view task_name) {
  for (auto& t : sa.active)
    if (t && task_name == t->name()) return true;
  return false;
}

}  // namespace kg::ike
