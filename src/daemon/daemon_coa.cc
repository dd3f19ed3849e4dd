// RFC 5176 CoA-Requests that change more than accounting
// (dynamic_author_service.h): an ip access-group on the session's
// Virtual-Access, and Cisco's subscriber:command=reauthenticate.
//
// reauthenticate: the session's user is authorized again by the RADIUS
// group its accounting goes to, with IOS's authorization password "cisco"
// (as every RADIUS authorization here, ra_policy.cc), and what can change
// on a live session is applied when the Accept comes: Session-Timeout,
// Acct-Interim-Interval and ip:interface-config's ip access-group. A
// different address cannot change live: it is logged and not applied.
#include "aaa/interface_config.h"
#include "common/log.h"
#include "daemon/daemon.h"

namespace kg::daemon {
namespace {

// The values of ip:interface-config that are ip access-group commands alone.
std::vector<std::string> access_groups(const aaa::RadiusAuthorization& r) {
  std::vector<std::string> v;
  if (const auto* ic = r.attributes.find("ip:interface-config"))
    for (const auto& x : ic->values) {
      auto c = aaa::parse_interface_config({x});
      if (c.refused.empty() && !c.mtu && c.unnumbered.empty() && !(c.access_group_in.empty() && c.access_group_out.empty()))
        v.push_back(x);
    }
  return v;
}

}  // namespace

void Daemon::setup_coa() {
  if (!da_) return;
  da_->set_coa(
      [this](uint32_t session, const std::vector<std::string>& c) { return ra_->change_access_groups(session, c); },
      [this](uint32_t session) -> Result<void> {
        auto u = acct_->session_user(session);
        if (!u) return fail(Errc::kNotFound, "no such accounted session");
        const auto& lookup = policy_.radius_lookup();
        if (!lookup) return fail(Errc::kUnsupported, "no RADIUS client");
        lookup(u->group, u->user, Secret(std::string_view("cisco")), "reauthorization of " + u->user,
               [this, session, u = *u](Result<aaa::RadiusAuthorization> r) {
                 std::string who = "CoA reauthenticate of " + u.user;
                 if (!r) {
                   log::warn("RADIUS: " + who + ": " + r.error().message + "; the session keeps its authorization");
                   return;
                 }
                 std::string applied;
                 auto said = [&](const std::string& x) { applied += (applied.empty() ? "" : ", ") + x; };
                 if (r->framed_ip && r->framed_ip != u.framed_ip)
                   log::event("AAA", log::Level::kWarning, "COA",
                              who + ": Framed-IP-Address " + r->framed_ip->str() +
                                  " cannot change on a live session, not applied");
                 if (auto groups = access_groups(*r); !groups.empty()) {
                   if (auto x = ra_->change_access_groups(session, groups); !x)
                     log::warn("RADIUS: " + who + ": " + x.error().message);
                   else
                     said("ip access-group");
                 }
                 if (r->session_timeout) {
                   acct_->set_session_timeout(session, *r->session_timeout);
                   said("Session-Timeout " + std::to_string(*r->session_timeout) + "s");
                 }
                 if (r->interim_interval) {
                   acct_->set_interim_interval(session, *r->interim_interval);
                   said("Acct-Interim-Interval " + std::to_string(*r->interim_interval) + "s");
                 }
                 log::info("RADIUS: " + who + ": applied " + (applied.empty() ? std::string("nothing new") : applied));
               });
        return {};
      });
}

}  // namespace kg::daemon
