#include "daemon/peer_names.h"

#include "common/log.h"

namespace kg::daemon {

PeerNames::Answer PeerNames::resolve(const std::string& name) {
  Entry& e = names_[name];
  if (auto h = hosts_.find(name); h != hosts_.end()) {
    // Logged once per address; a lookup still under way (begun before the
    // entry was configured) is left to finish: the table wins meanwhile.
    if (!e.pending && (!e.answered || e.address != h->second)) answered(name, h->second, " (ip host)");
    return {h->second, false};
  }
  if (e.pending) return {e.address, !e.answered};
  const Millis life = e.address ? kLife : kRetry;
  if (e.answered && clock_.now() - e.at < life) return {e.address, false};
  e.pending = true;
  lookup_(name, [this, name](std::optional<IpAddress> a) {
    if (hosts_.contains(name)) names_[name].pending = false;  // configured meanwhile: the table answers
    else answered(name, a);
  });
  // The lookup may have answered at once (a fake in tests).
  const Entry& now = names_[name];
  return {now.address, now.pending && !now.answered};
}

void PeerNames::set_hosts(const HostTable& table) {
  std::map<std::string, IpAddress> next;
  for (auto& [name, addresses] : table)
    // IOS tries a host's addresses in order; keygated takes the first of
    // the family it reaches peers in (IPv4, as the lookup: resolve_v4).
    for (auto& text : addresses)
      if (auto a = IpAddress::parse(text); a && a->is_v4()) {
        next.emplace(name, *a);
        break;
      }
  auto changed = [&](const std::string& name) {
    auto o = hosts_.find(name), n = next.find(name);
    return (o == hosts_.end()) != (n == next.end()) || (o != hosts_.end() && o->second != n->second);
  };
  std::erase_if(names_, [&](auto& kv) { return !kv.second.pending && changed(kv.first); });
  hosts_ = std::move(next);
}

void PeerNames::answered(const std::string& name, std::optional<IpAddress> a, std::string_view how) {
  Entry& e = names_[name];
  if (what_.empty()) {
  } else if (!a) {
    log::warn("keygated: " + what_ + " " + name + " does not resolve; asking again in " +
              std::to_string(kRetry.count() / 1000) + " s");
  } else if (e.address != a) {
    log::info("keygated: " + what_ + " " + name + " resolves to " + a->str() + std::string(how));
  }
  e.pending = false;
  e.answered = true;
  e.address = a;
  e.at = clock_.now();
}

}  // namespace kg::daemon
