#include "daemon/peer_names.h"

#include "common/log.h"

namespace kg::daemon {

PeerNames::Answer PeerNames::resolve(const std::string& name) {
  Entry& e = names_[name];
  if (e.pending) return {e.address, !e.answered};
  const Millis life = e.address ? kLife : kRetry;
  if (e.answered && clock_.now() - e.at < life) return {e.address, false};
  e.pending = true;
  lookup_(name, [this, name](std::optional<IpAddress> a) { answered(name, a); });
  // The lookup may have answered at once (a fake in tests).
  const Entry& now = names_[name];
  return {now.address, now.pending && !now.answered};
}

void PeerNames::answered(const std::string& name, std::optional<IpAddress> a) {
  Entry& e = names_[name];
  if (!a)
    log::warn("keygated: crypto isakmp peer fqdn " + name + " does not resolve; asking again in " +
              std::to_string(kRetry.count() / 1000) + " s");
  else if (e.address != a)
    log::info("keygated: crypto isakmp peer fqdn " + name + " resolves to " + a->str());
  e.pending = false;
  e.answered = true;
  e.address = a;
  e.at = clock_.now();
}

}  // namespace kg::daemon
