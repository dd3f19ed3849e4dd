#include "ike/config_share.h"

#include <openssl/evp.h>

#include <algorithm>

namespace kg::ike {

// A field added to one of these structs must be compared below, or two SAs
// with different configurations would share one: these sizes are a reminder
// (x86-64, libstdc++).
static_assert(sizeof(void*) != 8 || sizeof(IkeProposalConfig) == 128, "compare the new field in same()");
static_assert(sizeof(void*) != 8 || sizeof(ProfileConfig) == 352, "compare the new field in same()");
static_assert(sizeof(void*) != 8 || sizeof(ChildConfig) == 360, "compare the new field in same()");

namespace {

bool same_secret(const Secret& a, const Secret& b) { return a.size() == b.size() && a.equals(b.view()); }

template <class T, class Eq>
bool same_list(const std::vector<T>& a, const std::vector<T>& b, Eq eq) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), eq);
}

// The kept copy equal to `v`, else `v` made shared and kept (most recent first).
template <class T, class Eq>
std::shared_ptr<const T> intern(std::vector<std::shared_ptr<const T>>& list, T&& v, Eq eq) {
  for (size_t i = 0; i < list.size(); ++i) {
    if (!eq(*list[i], v)) continue;
    auto hit = list[i];
    std::rotate(list.begin(), list.begin() + ptrdiff_t(i), list.begin() + ptrdiff_t(i) + 1);
    return hit;
  }
  auto p = std::make_shared<const T>(std::move(v));
  if (list.size() == ConfigShare::kKeep) list.pop_back();
  list.insert(list.begin(), p);
  return p;
}

}  // namespace

const std::shared_ptr<const std::vector<IkeProposalConfig>>& SharedProposals::none() {
  static const auto e = std::make_shared<const std::vector<IkeProposalConfig>>();
  return e;
}

bool same(const IkeProposalConfig& a, const IkeProposalConfig& b) {
  return a.name == b.name &&
         same_list(a.encr, b.encr, [](auto& x, auto& y) { return x.id == y.id && x.key_bits == y.key_bits; }) &&
         a.integ == b.integ && a.prf == b.prf && a.groups == b.groups;
}

bool same(const ProfileConfig& a, const ProfileConfig& b) {
  return a.name == b.name && a.local_id == b.local_id && a.local_auth == b.local_auth &&
         a.remote_auth == b.remote_auth && same_secret(a.local_psk, b.local_psk) &&
         same_secret(a.remote_psk, b.remote_psk) && a.ike_lifetime_s == b.ike_lifetime_s &&
         a.sign_trustpoints == b.sign_trustpoints && a.verify_trustpoints == b.verify_trustpoints &&
         a.rsa_pss == b.rsa_pss && a.dpd == b.dpd && a.nat_force_encap == b.nat_force_encap &&
         a.psk_missing == b.psk_missing &&
         a.eap_username == b.eap_username && same_secret(a.eap_password, b.eap_password) && a.eap == b.eap &&
         a.aaa_keys == b.aaa_keys &&
         a.eap_method == b.eap_method &&
         same_list(a.peer_raw_keys, b.peer_raw_keys, [](auto& x, auto& y) {
           return x.address == y.address && x.identity == y.identity && EVP_PKEY_eq(x.key.get(), y.key.get()) == 1;
         });
}

bool same(const ChildConfig& a, const ChildConfig& b) {
  // An initiator's configuration request is never shared (no comparison of it).
  return !a.config_request && !b.config_request && a.interface == b.interface &&
         same_list(a.transforms, b.transforms,
                   [](auto& x, auto& y) {
                     return x.name == y.name && x.encr == y.encr && x.key_bits == y.key_bits && x.integ == y.integ;
                   }) &&
         a.local_ts == b.local_ts && a.remote_ts == b.remote_ts && a.pfs == b.pfs && a.lifetime_s == b.lifetime_s &&
         a.lifetime_kb == b.lifetime_kb && a.replay_window == b.replay_window && a.transport == b.transport && a.acl == b.acl;
}

std::shared_ptr<const std::vector<IkeProposalConfig>> ConfigShare::share(std::vector<IkeProposalConfig> v) {
  return intern(proposals_, std::move(v), [](auto& a, auto& b) {
    return same_list(a, b, [](auto& x, auto& y) { return same(x, y); });
  });
}

std::shared_ptr<const ProfileConfig> ConfigShare::share(std::optional<ProfileConfig> v) {
  if (!v) return nullptr;
  return intern(profiles_, std::move(*v), [](auto& a, auto& b) { return same(a, b); });
}

std::shared_ptr<const ChildConfig> ConfigShare::share(std::optional<ChildConfig> v) {
  if (!v) return nullptr;
  return intern(children_, std::move(*v), [](auto& a, auto& b) { return same(a, b); });
}

}  // namespace kg::ike
