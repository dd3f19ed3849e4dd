// keygate-consent: the authority's side of Consent Token (seed 003).
//   keygate-consent keygen --key FILE [--name NAME]
//       makes an Ed25519 key pair: the private key into FILE (mode 0600), and
//       prints the `consent-token authority` block to paste on the gateway.
//   keygate-consent keygen --pkcs11 URI [--module PATH] [--pin-file FILE] [--name NAME]
//       the same, with the key pair made inside a PKCS#11 token (sensitive,
//       never extractable); URI names the token and the key's label, e.g.
//       pkcs11:token=authority;object=tac.
//   keygate-consent show CHALLENGE
//       decodes a challenge and says what it asks for.
//   keygate-consent sign --key FILE [--grant MINUTES] [--authority NAME]
//                        [--audit FILE] [--yes] CHALLENGE
//       shows the challenge, asks for confirmation (--yes: scripts), and
//       prints the response. Every decision (signed, declined, refused) is
//       appended to the audit log (default ./keygate-consent-audit.log).
//       --pkcs11 URI [--module PATH] [--pin-file FILE] instead of --key: the
//       token signs (CKM_EDDSA). The PIN is asked on the terminal without
//       echo, or read from --pin-file (scripts); never on the command line.
//       Modules: those registered with p11-kit, or the one --module names.
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "consent/base64.h"
#include "consent/signature.h"
#include "consent/token.h"
#include "crypto/digest.h"
#include "pkcs11/token_keys.h"
#include "pkcs11/token_open.h"

namespace {

using namespace kg;
using namespace kg::consent;

int usage() {
  std::cerr << "usage: keygate-consent keygen (--key FILE | --pkcs11 URI) [--name NAME]\n"
               "       keygate-consent show CHALLENGE\n"
               "       keygate-consent sign (--key FILE | --pkcs11 URI) [--grant MINUTES] [--authority NAME] [--audit FILE] "
               "[--yes] CHALLENGE\n"
               "  with --pkcs11: [--module PATH] [--pin-file FILE] (else the PIN is asked on the terminal)\n";
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

// The PIN: the first line of --pin-file, or typed on the terminal without echo.
Result<Secret> read_pin(const Args& a, const std::string& token) {
  if (a.opts.contains("--pin-file")) {
    auto text = read_file(a.opts.at("--pin-file"));
    if (!text) return std::unexpected(text.error());
    std::string_view v(*text);
    v = v.substr(0, v.find('\n'));
    Secret pin(v);
    std::fill(text->begin(), text->end(), '\0');
    return pin;
  }
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) return fail(Errc::kState, "no terminal to ask the PIN on: give --pin-file FILE");
  std::string prompt = "PIN for token " + token + ": ";
  (void)!::write(fd, prompt.data(), prompt.size());
  termios old{};
  bool tty = ::tcgetattr(fd, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~tcflag_t(ECHO);
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  Secret buf(size_t(256));
  size_t n = 0;
  char ch;
  while (n < buf.size() && ::read(fd, &ch, 1) == 1 && ch != '\n' && ch != '\r') buf.mut()[n++] = uint8_t(ch);
  if (tty) ::tcsetattr(fd, TCSAFLUSH, &old);
  (void)!::write(fd, "\n", 1);
  ::close(fd);
  return buf.slice(0, n);
}

// A logged-in session on the token --pkcs11 names, and the key's label (its
// object=). Clear messages for a missing module, token or label and a wrong PIN.
struct TokenKey {
  pkcs11::Session session;
  std::string label;
};
Result<TokenKey> open_token_key(const Args& a) {
  auto uri = pkcs11::TokenUri::parse(a.opts.at("--pkcs11"));
  if (!uri) return std::unexpected(uri.error());
  if (uri->object().empty())
    return fail(Errc::kInvalidArgument, "the URI names no key: add ;object=LABEL (e.g. pkcs11:token=authority;object=tac)");
  std::string module = a.opts.contains("--module") ? a.opts.at("--module") : "";
  auto s = pkcs11::open_token(*uri, module);
  if (!s) return std::unexpected(s.error());
  auto pin = read_pin(a, uri->text());
  if (!pin) return std::unexpected(pin.error());
  auto in = s->login(pkcs11::UserType::kUser, *pin);
  if (!in) {
    const std::string& m = in.error().message;
    if (m.find("CKR_PIN_INCORRECT") != std::string::npos) return fail(Errc::kAuthFailed, "wrong PIN for " + uri->text());
    if (m.find("CKR_PIN_LOCKED") != std::string::npos) return fail(Errc::kAuthFailed, "the token's PIN is locked: " + uri->text());
    return std::unexpected(in.error());
  }
  return TokenKey{std::move(*s), uri->object()};
}

void print_authority(const std::string& name, ByteView pub) {
  std::cout << "consent-token authority " << name << "\n"
            << " public-key ed25519 " << public_key_base64(pub) << "\n";
}

int keygen_token(const Args& a, const std::string& name) {
  auto t = open_token_key(a);
  if (!t) { std::cerr << "keygate-consent: " << t.error().message << "\n"; return 1; }
  auto existing = pkcs11::find_private_key(t->session, t->label);
  if (!existing) { std::cerr << "keygate-consent: " << existing.error().message << "\n"; return 1; }
  if (*existing != CK_INVALID_HANDLE) {
    std::cerr << "keygate-consent: the token already holds a key labelled " << t->label << "\n";
    return 1;
  }
  auto g = pkcs11::generate_ed25519(t->session, t->label);
  if (!g) { std::cerr << "keygate-consent: " << g.error().message << "\n"; return 1; }
  auto pub = pkcs11::read_ed25519_public(t->session, t->label);
  if (!pub) { std::cerr << "keygate-consent: " << pub.error().message << "\n"; return 1; }
  std::cout << "! Key " << t->label << " made inside the token (never extractable). Configure the gateway with:\n";
  print_authority(name, *pub);
  return 0;
}

int keygen(const Args& a) {
  std::string name = a.opts.contains("--name") ? a.opts.at("--name") : "authority";
  if (a.opts.contains("--pkcs11") && !a.opts.contains("--key")) return keygen_token(a, name);
  if (!a.opts.contains("--key")) return usage();
  const std::string& path = a.opts.at("--key");
  auto k = SigningKey::generate();
  if (!k) { std::cerr << "keygate-consent: " << k.error().message << "\n"; return 1; }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) { std::cerr << "keygate-consent: cannot create " << path << " (exists?)\n"; return 1; }
  std::string pem = k->private_pem();
  bool ok = ::write(fd, pem.data(), pem.size()) == ssize_t(pem.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) { std::cerr << "keygate-consent: cannot write " << path << "\n"; return 1; }
  std::cout << "! Private key written to " << path << ". Configure the gateway with:\n";
  print_authority(name, k->public_raw());
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
  if (a.opts.contains("--key") == a.opts.contains("--pkcs11") || a.positional.size() != 1) return usage();
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
  // The signer: the key file's key, or the token's (logged in before the
  // question, so a wrong PIN or a missing token is known first).
  std::function<Result<Bytes>(ByteView)> signer;
  std::optional<SigningKey> file_key;
  std::optional<TokenKey> token_key;
  if (a.opts.contains("--key")) {
    auto pem = read_file(a.opts.at("--key"));
    if (!pem) return refuse(pem.error().message);
    auto key = SigningKey::from_pem(*pem);
    if (!key) return refuse(key.error().message);
    file_key.emplace(std::move(*key));
    signer = [&](ByteView m) { return file_key->sign(m); };
  } else {
    auto t = open_token_key(a);
    if (!t) return refuse(t.error().message);
    token_key.emplace(std::move(*t));
    auto pub = pkcs11::read_ed25519_public(token_key->session, token_key->label);
    if (!pub) return refuse(pub.error().message);
    std::cout << "Key:        " << token_key->label << " on the token, " << public_key_base64(*pub) << "\n";
    signer = [&](ByteView m) { return pkcs11::sign_ed25519(token_key->session, token_key->label, m); };
  }
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
  auto sig = signer(response_signed_bytes(raw, granted));
  if (!sig) return refuse(sig.error().message);
  if (sig->size() != kSignatureSize) return refuse("the signature is not 64 bytes");
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
  if (a.opts.contains("--pin")) {
    std::cerr << "keygate-consent: the PIN is never given on the command line: type it when asked, or --pin-file FILE\n";
    return 2;
  }
  if (cmd == "keygen") return keygen(a);
  if (cmd == "show") return show(a);
  if (cmd == "sign") return sign(a);
  return usage();
}
