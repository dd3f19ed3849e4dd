// keygate-consent: the authority's side of Consent Token (seed 003).
//   keygate-consent keygen --key FILE [--name NAME]
//       makes an Ed25519 key pair: the private key into FILE (mode 0600), and
//       prints the `consent-token authority` block to paste on the gateway.
//   keygate-consent show CHALLENGE
//       decodes a challenge and says what it asks for.
//   keygate-consent sign --key FILE [--grant MINUTES] [--authority NAME]
//                        [--audit FILE] [--yes] CHALLENGE
//       shows the challenge, asks for confirmation (--yes: scripts), and
//       prints the response. Every decision (signed, declined, refused) is
//       appended to the audit log (default ./keygate-consent-audit.log).
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "consent/base64.h"
#include "consent/signature.h"
#include "consent/token.h"
#include "crypto/digest.h"

namespace {

using namespace kg;
using namespace kg::consent;

int usage() {
  std::cerr << "usage: keygate-consent keygen --key FILE [--name NAME]\n"
               "       keygate-consent show CHALLENGE\n"
               "       keygate-consent sign --key FILE [--grant MINUTES] [--authority NAME] [--audit FILE] [--yes] "
               "CHALLENGE\n";
  return 2;
}

struct Args {
  std::map<std::string, std::string> opts;  // --key FILE ... ("--yes" -> "")
  std::vector<std::string> positional;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 2; i < argc; ++i) {
    std::string s = argv[i];
    if (s == "--yes") a.opts[s] = "";
    else if (s.starts_with("--") && i + 1 < argc) a.opts[s] = argv[++i];
    else a.positional.push_back(s);
  }
  return a;
}

std::string sha256_hex(ByteView b) { return to_hex(crypto::sha256(b)); }

std::string minutes_text(uint32_t m) {
  std::string s = std::to_string(m) + " minutes";
  if (m >= 60) s += " (" + std::to_string(m / 60) + "h" + (m % 60 ? std::to_string(m % 60) + "m" : "") + ")";
  return s;
}

Result<std::pair<Bytes, Challenge>> read_challenge(const std::string& text) {
  auto raw = base64_decode(text);
  if (!raw) return fail(raw.error().code, "challenge is not valid base 64: " + raw.error().message);
  auto c = decode_challenge(*raw);
  if (!c) return fail(c.error().code, "malformed challenge: " + c.error().message);
  return std::pair{std::move(*raw), std::move(*c)};
}

void describe(const Challenge& c, const Bytes& raw) {
  std::time_t now = std::time(nullptr);
  long age = long(now) - long(c.created);
  std::cout << "Device:     " << c.hostname << " (serial " << c.serial << ")\n"
            << "Privilege:  " << privilege_keyword(c.privilege) << "\n"
            << "Timeout:    " << minutes_text(c.timeout_minutes) << "\n"
            << "Created:    " << consent::utc_text(int64_t(c.created)) << " (" << (age < 0 ? "in the future: check clocks" : std::to_string(age / 60) + " min ago") << ")\n"
            << "Authority:  " << c.authority << "\n"
            << "Nonce:      " << to_hex(c.nonce) << "\n"
            << "SHA-256:    " << sha256_hex(raw) << "\n";
  if (age > 30 * 60) std::cout << "Note: older than 30 minutes; the device has already expired this challenge.\n";
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail(Errc::kNotFound, "cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int keygen(const Args& a) {
  if (!a.opts.contains("--key")) return usage();
  const std::string& path = a.opts.at("--key");
  std::string name = a.opts.contains("--name") ? a.opts.at("--name") : "authority";
  auto k = SigningKey::generate();
  if (!k) { std::cerr << "keygate-consent: " << k.error().message << "\n"; return 1; }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) { std::cerr << "keygate-consent: cannot create " << path << " (exists?)\n"; return 1; }
  std::string pem = k->private_pem();
  bool ok = ::write(fd, pem.data(), pem.size()) == ssize_t(pem.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) { std::cerr << "keygate-consent: cannot write " << path << "\n"; return 1; }
  std::cout << "! Private key written to " << path << ". Configure the gateway with:\n"
            << "consent-token authority " << name << "\n"
            << " public-key ed25519 " << public_key_base64(k->public_raw()) << "\n";
  return 0;
}

int show(const Args& a) {
  if (a.positional.size() != 1) return usage();
  auto c = read_challenge(a.positional[0]);
  if (!c) { std::cerr << "keygate-consent: " << c.error().message << "\n"; return 1; }
  describe(c->second, c->first);
  return 0;
}

// One line per decision, appended (O_APPEND: concurrent runs do not interleave).
bool audit(const std::string& path, std::string_view decision, const Challenge& c, const Bytes& raw,
           uint32_t granted, std::string_view why) {
  const char* user = std::getenv("SUDO_USER") ? std::getenv("SUDO_USER") : std::getenv("USER");
  if (!user)
    if (const passwd* pw = ::getpwuid(::getuid())) user = pw->pw_name;
  std::string line = consent::utc_text(int64_t(std::time(nullptr))) + " decision=" + std::string(decision) + " by=" + (user ? user : "?") +
                     " device=" + c.hostname + " serial=" + c.serial + " privilege=" +
                     std::string(privilege_keyword(c.privilege)) + " asked=" + std::to_string(c.timeout_minutes) +
                     " granted=" + std::to_string(granted) + " authority=" + c.authority +
                     " challenge-sha256=" + sha256_hex(raw) + (why.empty() ? "" : " reason=\"" + std::string(why) + "\"") + "\n";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  bool ok = ::write(fd, line.data(), line.size()) == ssize_t(line.size()) && ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

int sign(const Args& a) {
  if (!a.opts.contains("--key") || a.positional.size() != 1) return usage();
  std::string log = a.opts.contains("--audit") ? a.opts.at("--audit") : "keygate-consent-audit.log";
  auto c = read_challenge(a.positional[0]);
  if (!c) { std::cerr << "keygate-consent: " << c.error().message << "\n"; return 1; }
  auto& [raw, ch] = *c;
  describe(ch, raw);
  uint32_t granted = ch.timeout_minutes;
  auto refuse = [&](const std::string& why) {
    std::cerr << "keygate-consent: refused: " << why << "\n";
    if (!audit(log, "refused", ch, raw, 0, why)) std::cerr << "keygate-consent: cannot append to " << log << "\n";
    return 1;
  };
  if (a.opts.contains("--grant")) {
    const std::string& g = a.opts.at("--grant");
    char* end = nullptr;
    unsigned long v = std::strtoul(g.c_str(), &end, 10);
    if (g.empty() || *end || v == 0 || v > ch.timeout_minutes)
      return refuse("--grant must be 1.." + std::to_string(ch.timeout_minutes) + " minutes (what the device asked)");
    granted = uint32_t(v);
  }
  if (a.opts.contains("--authority") && a.opts.at("--authority") != ch.authority)
    return refuse("the challenge expects authority " + ch.authority + ", not " + a.opts.at("--authority"));
  auto pem = read_file(a.opts.at("--key"));
  if (!pem) return refuse(pem.error().message);
  auto key = SigningKey::from_pem(*pem);
  if (!key) return refuse(key.error().message);
  std::cout << "Grant:      " << minutes_text(granted) << "\n";
  if (!a.opts.contains("--yes")) {
    std::cout << "Sign this challenge? [y/n] " << std::flush;
    std::string answer;
    if (!std::getline(std::cin, answer) || (answer != "y" && answer != "yes")) {
      audit(log, "declined", ch, raw, 0, "");
      std::cout << "Not signed.\n";
      return 1;
    }
  }
  auto sig = key->sign(response_signed_bytes(raw, granted));
  if (!sig) return refuse(sig.error().message);
  Response r;
  r.challenge_bytes = raw;
  r.challenge = ch;
  r.granted_minutes = granted;
  std::copy(sig->begin(), sig->end(), r.signature.begin());
  // The decision is on record before the response leaves this tool.
  if (!audit(log, "signed", ch, raw, granted, "")) {
    std::cerr << "keygate-consent: cannot append to the audit log " << log << ": not signed\n";
    return 1;
  }
  std::cout << "Response:\n" << base64_encode(encode_response(r)) << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  std::string cmd = argv[1];
  Args a = parse(argc, argv);
  if (cmd == "keygen") return keygen(a);
  if (cmd == "show") return show(a);
  if (cmd == "sign") return sign(a);
  return usage();
}
