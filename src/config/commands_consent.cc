// consent-token authority NAME: who may sign consent-token responses for this
// gateway (seed 003). The gateway holds only the authority's public key, one
// line in the sub-mode, as an IOS engineer pastes `key-hash` under
// `ip ssh pubkey-chain`:
//   consent-token authority tac
//    public-key ed25519 MCowBQYDK2VwAyEA...
// (the base 64 between BEGIN/END PUBLIC KEY that `keygate-consent keygen` or
// `openssl pkey -pubout` prints). Consent token itself is always on: there
// is no command to disable it.
#include "config/session.h"
#include "config/writer.h"
#include "consent/signature.h"

namespace kg::config {
namespace {

using A = const ParsedArgs&;
using C = CmdContext&;


void enter(C c, Mode m, std::string obj) {
  c.next_mode = m;
  c.next_object = std::move(obj);
}

}  // namespace

void register_consent_commands(CommandTable& t) {
  t.add(Mode::kConfig, "consent-token authority WORD",
        {"Consent token (two-party authorization)", "An authority that signs consent-token responses",
         "Authority name (the name its challenges carry)"},
        [](C c, A a) {
          const std::string& n = a.at(2);
          if (a.negated || a.defaulted) {
            if (c.model.consent_authorities.erase(n) == 0 && a.negated)
              return Result<std::string>(fail(Errc::kNotFound, "No consent-token authority " + n));
            return ok();
          }
          if (n.size() > 64) return Result<std::string>(fail(Errc::kInvalidArgument, "Authority name longer than 64 characters"));
          c.model.consent_authorities[n];
          enter(c, Mode::kConsentAuthority, n);
          return ok();
        })
      .writes(section::kAaa + 50, [](const WriteScope& s, std::string& out) {  // after AAA, before PKI
        for (const auto& [name, auth] : s.model.consent_authorities) {
          out += "consent-token authority " + name + "\n";
          s.sub(Mode::kConsentAuthority, name, out);
          out += "!\n";
        }
      });
  t.add(Mode::kConsentAuthority, "public-key ed25519 WORD",
        {"The authority's public key", "Ed25519 key (RFC 8032)",
         "The key's SubjectPublicKeyInfo in base 64 (the line between BEGIN/END PUBLIC KEY)"},
        [](C c, A a) -> Result<std::string> {
          auto& auth = c.model.consent_authorities[c.object];
          if (a.negated || a.defaulted) {
            auth.public_key.clear();
            return ok();
          }
          auto raw = consent::parse_public_key(a.at(2));
          if (!raw) return std::unexpected(raw.error());
          auth.public_key = consent::public_key_base64(*raw);
          return ok();
        })
      .writes(1, [](const WriteScope& s, std::string& out) {
        if (auto& k = s.model.consent_authorities.at(s.object).public_key; !k.empty())
          out += " public-key ed25519 " + k + "\n";
      });
  t.add(Mode::kConsentAuthority, "end", {"Exit to privileged EXEC mode"}, [](C c, A) { enter(c, Mode::kExec, ""); return ok(); })
      .not_persisted();
  t.add(Mode::kConsentAuthority, "exit", {"Exit from the current mode"}, [](C c, A) { enter(c, Mode::kConfig, ""); return ok(); })
      .not_persisted();
}

}  // namespace kg::config
