#include "config/session.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/log.h"
#include "config/output_filter.h"
#include "config/privilege.h"
#include "crypto/password.h"
#include "config/interface_names.h"

namespace kg::config {
namespace {

const char* mode_suffix(Mode m) {
  switch (m) {
    case Mode::kExec: return "";
    case Mode::kConfig: return "(config)";
    case Mode::kIkev2Proposal: return "(config-ikev2-proposal)";
    case Mode::kIkev2Policy: return "(config-ikev2-policy)";
    case Mode::kIkev2Keyring: return "(config-ikev2-keyring)";
    case Mode::kKeyringPeer: return "(config-ikev2-keyring-peer)";
    case Mode::kIkev2Profile: return "(config-ikev2-profile)";
    case Mode::kTransformSet: return "(cfg-crypto-trans)";
    case Mode::kIpsecProfile: return "(ipsec-profile)";
    case Mode::kInterface: return "(config-if)";
    case Mode::kIkev2Authorization: return "(config-ikev2-author-policy)";
    case Mode::kFlexvpnClient: return "(config-ikev2-flexvpn)";
    case Mode::kAccessList: return "(config-std-nacl)";
    case Mode::kPkiTrustpoint: return "(ca-trustpoint)";
    case Mode::kCertChain: return "(config-cert-chain)";
    case Mode::kCertHex: return "(config-pubkey)";
    case Mode::kCertMap: return "(ca-certificate-map)";
    case Mode::kConsentAuthority: return "(config-ctoken-authority)";
    case Mode::kIsakmpPolicy: return "(config-isakmp)";
    case Mode::kIsakmpPeer: return "(config-isakmp-peer)";
    case Mode::kIsakmpGroup: return "(config-isakmp-group)";
    case Mode::kIsakmpProfile: return "(conf-isa-prof)";
    case Mode::kCryptoKeyring: return "(conf-keyring)";
    case Mode::kAaaRadiusGroup: return "(config-sg-radius)";
    case Mode::kRadiusServer: return "(config-radius-server)";
    case Mode::kNameMangler: return "(config-ikev2-name-mangler)";
    case Mode::kAaaAttributeList: return "(config-attr-list)";
    case Mode::kPubkeyChain: return "(config-pubkey-chain)";
    case Mode::kPubkeyKey: return "(config-pubkey-key)";
    case Mode::kPubkeyHex: return "(config-pubkey)";
    case Mode::kExtAccessList: return "(config-ext-nacl)";
    case Mode::kCryptoMap: return "(config-crypto-map)";
    case Mode::kDynamicMap: return "(config-crypto-map)";
    case Mode::kAaaDynamicAuthor: return "(config-locsvr-da-radius)";
    case Mode::kIsakmpBrowserProxy: return "(config-ikmp-browser-proxy)";
    case Mode::kIsakmpClientFirewall: return "(config-ikmp-client-fw)";
  }
  return "";
}

Mode parent(Mode m) {
  if (m == Mode::kKeyringPeer) return Mode::kIkev2Keyring;
  if (m == Mode::kCertHex) return Mode::kCertChain;
  if (m == Mode::kPubkeyHex) return Mode::kPubkeyKey;
  if (m == Mode::kPubkeyKey) return Mode::kPubkeyChain;
  if (m == Mode::kExec || m == Mode::kConfig) return Mode::kExec;
  return Mode::kConfig;
}

}  // namespace

namespace {

size_t indent_of(std::string_view l) {
  size_t i = 0;
  while (i < l.size() && (l[i] == ' ' || l[i] == '\t')) ++i;
  return i;
}

// A line as it may be echoed in a report or a log: the words after a secret's
// keyword (key, pre-shared-key, secret, password) become '*', one for each
// character, so the '^' under a rejected word still lands where it did.
std::string redact_secrets(std::string_view line) {
  std::string out(line);
  bool hide = false;
  // (Everything after `crypto key` is hidden too: its passphrases.)
  for (auto& [pos, w] : split_words(line)) {
    if (hide) out.replace(pos, w.size(), std::string(w.size(), '*'));
    else if (w == "key" || w == "pre-shared-key" || w == "secret" || w == "password" || w == "passphrase") hide = true;
  }
  return out;
}

// `do LINE` in a configuration mode: the offset of LINE, or npos.
size_t do_rest(std::string_view line) {
  auto words = split_words(line);
  if (words.empty() || words[0].second != "do") return std::string_view::npos;
  size_t after = words[0].first + 2;
  if (words.size() == 1 && (after >= line.size())) return std::string_view::npos;
  return after;
}

// Where the output modifiers start: the last '|' that follows white space.
size_t last_bar(std::string_view line) {
  for (size_t i = line.size(); i-- > 1;)
    if (line[i] == '|' && (line[i - 1] == ' ' || line[i - 1] == '\t')) return i;
  return std::string_view::npos;
}

}  // namespace

Config::Config(std::string state_dir) : model_(default_model()), state_dir_(std::move(state_dir)), cipher_(state_dir_) {
  register_core_commands(table_);
}

void Config::register_exec(std::string_view grammar, std::vector<std::string> help,
                           std::function<Result<std::string>(const ParsedArgs&)> fn, bool json) {
  table_.add(Mode::kExec, grammar, std::move(help),
             [fn](CmdContext&, const ParsedArgs& a) { return fn(a); }, false, json);
}

void Config::register_exec_deferred(std::string_view grammar, std::vector<std::string> help,
                                    std::function<Result<Deferred>(const ParsedArgs&)> fn) {
  table_.add(Mode::kExec, grammar, std::move(help), [fn](CmdContext& c, const ParsedArgs& a) -> Result<std::string> {
    auto d = fn(a);
    if (!d) return std::unexpected(d.error());
    c.deferred = std::move(*d);
    return std::string();
  });
}

// The state directory's startup-config as saved by an earlier keygate: no
// marker line, and a tunnel without `tunnel mode` meant ipsec ipv4.
bool Config::legacy_startup(const std::string& path, const std::string& first_line) const {
  if (state_dir_.empty() || first_line == kStartupMarker) return false;
  std::error_code ec;
  return std::filesystem::equivalent(path, state_dir_ + "/startup-config", ec);
}

Result<std::string> Config::load_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail(Errc::kNotFound, "cannot open " + path);
  CliSession s(*this);
  s.terminal_.from_file = true;
  s.execute("configure terminal");
  std::string line, report;
  int n = 0;
  bool legacy = false;
  while (std::getline(in, line)) {
    if (++n == 1) legacy = legacy_startup(path, line);
    auto hash = line.find_first_not_of(" \t");
    if (hash == std::string::npos || line[hash] == '!') continue;
    // IOS leaves a sub-mode when a line does not belong to it; indentation
    // matters only under a rejected line (CliSession::execute).
    auto words = split_words(line);
    bool new_tunnel = legacy && words.size() == 2 && words[0].second.size() >= 3 &&
                      std::string_view("interface").starts_with(words[0].second) &&
                      is_tunnel(canonical_interface_name(words[1].second)) &&
                      !model_.interfaces.contains(canonical_interface_name(words[1].second));
    ExecResult r = s.execute(line);
    std::string where = "% line " + std::to_string(n) + ": ";
    if (r.ok && new_tunnel && s.mode() == Mode::kInterface) {
      // A later `tunnel mode` line in the file still wins.
      (void)s.execute("tunnel mode ipsec ipv4");
      report += where + "Note: " + canonical_interface_name(words[1].second) +
                ": startup-config saved by an earlier keygate, where a tunnel without tunnel mode was ipsec ipv4: "
                "kept so (write memory now saves the line)\n";
    }
    if (!r.ok) {
      // The line, the '^' under the word that was refused, then the reason.
      std::string msg = r.text;
      auto pct = msg.find('%');
      if (pct != std::string::npos) msg = msg.substr(pct);
      while (!msg.empty() && msg.back() == '\n') msg.pop_back();
      report += where + redact_secrets(line) + "\n";
      if (r.error_column != std::string::npos)
        report += std::string(where.size() + r.error_column, ' ') + "^\n";
      report += msg + "\n";
    } else if (!r.text.empty()) {
      // Warnings ("% Warning: ...") say which line they are about.
      std::string_view t = r.text;
      while (!t.empty()) {
        auto nl = t.find('\n');
        std::string_view l = t.substr(0, nl);
        report += (l.starts_with("% ") ? where + std::string(l.substr(2)) : std::string(l)) + "\n";
        if (nl == std::string_view::npos) break;
        t.remove_prefix(nl + 1);
      }
    }
  }
  return report;
}

bool Config::take_login_check(std::chrono::steady_clock::time_point now) {
  using namespace std::chrono;
  if (login_checks_at_ == steady_clock::time_point{}) login_checks_at_ = now;
  double refill = duration<double>(now - login_checks_at_) / kLoginCheckEvery;
  login_checks_ = std::min(double(kLoginCheckBurst), login_checks_ + refill);
  login_checks_at_ = now;
  if (login_checks_ < 1) return false;
  login_checks_ -= 1;
  return true;
}

Result<std::string> Config::key_from_config(const std::string& text) const {
  if (text.rfind("6 ", 0) == 0) return cipher_.open(text.substr(2));
  if (text.rfind("0 ", 0) == 0) return text.substr(2);
  if (text.empty()) return fail(Errc::kInvalidArgument, "Incomplete command.");
  return text;
}

// Written to a temporary file, flushed to the disk, then renamed over the old
// one and the directory flushed: at every moment the state directory holds
// either the old startup-config or the new one, whole. A full or read-only
// disk leaves the old one and no temporary file, and says why.
Result<void> Config::write_memory() {
  if (state_dir_.empty()) return fail(Errc::kInvalidArgument, "no state directory");
  std::string path = state_dir_ + "/startup-config";
  std::string tmp = path + ".tmp";
  std::string text = std::string(kStartupMarker) + "\n" + running_config_text();
  auto error = [&](bool created) {
    std::string why = std::strerror(errno);
    if (created) ::unlink(tmp.c_str());
    return fail(Errc::kIo, "Error writing " + path + " (" + why + "); the startup-config is unchanged");
  };
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return error(false);
  size_t off = 0;
  while (off < text.size()) {
    ssize_t w = ::write(fd, text.data() + off, text.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      if (w == 0) errno = ENOSPC;
      int e = errno;
      ::close(fd);
      errno = e;
      return error(true);
    }
    off += size_t(w);
  }
  if (::fsync(fd) != 0) {
    int e = errno;
    ::close(fd);
    errno = e;
    return error(true);
  }
  ::close(fd);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return error(true);
  // The rename itself reaches the disk with the directory.
  int dfd = ::open(state_dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

std::string CliSession::prompt() const {
  if (login_ == Login::kUsername) return "Username: ";
  if (login_ == Login::kPassword) return "Password: ";
  // IOS: '>' for user EXEC (levels 0 and 1), '#' from level 2 up.
  const char* end = mode_ == Mode::kExec && terminal_.privilege <= 1 ? ">" : "#";
  return cfg_.model_.hostname + mode_suffix(mode_) + end;
}

void CliSession::set_peer(unsigned uid) {
  if (uid == 0) return;  // root: level 15, as on the console
  peer_ = "local uid " + std::to_string(uid);
  terminal_.privilege = 0;
  login_ = Login::kUsername;
}

bool CliSession::visible(const Command& c) const {
  return login_ == Login::kDone && grammar_level(cfg_.model_, c) <= terminal_.privilege;
}

namespace {

// A typed user name as it may appear in a log line: printable, bounded.
std::string loggable(std::string_view s) {
  std::string out;
  for (char ch : s.substr(0, 64)) out += std::isprint(static_cast<unsigned char>(ch)) ? ch : '?';
  return out;
}

// Verifying against this keeps an unknown user name as slow as a wrong
// password, so timing does not tell which names exist.
constexpr std::string_view kNoSuchUser = "$9$nnnnnnnnnnnnnn$HQ3ZBxzfLlDpHV0LJfDmTUY2XGixDvCPk8bHQYhBWaM";

}  // namespace

ExecResult CliSession::login_step(std::string_view line) {
  if (login_ == Login::kUsername) {
    login_user_ = std::string(line.substr(indent_of(line)));
    while (!login_user_.empty() && std::isspace(static_cast<unsigned char>(login_user_.back())))
      login_user_.pop_back();
    if (login_user_.empty()) return {true, ""};
    login_ = Login::kPassword;
    return {true, "", std::string::npos, "Password: "};
  }
  auto it = cfg_.model_.users.find(login_user_);
  bool known = it != cfg_.model_.users.end() && !it->second.secret.empty();
  // One scrypt costs tens of ms on the daemon's event loop: password checks
  // are rationed across all sessions (IOS's `login block-for` in spirit), so
  // a local user who reconnects to guess cannot stall the daemon. An attempt
  // beyond the ration fails without being checked.
  bool throttled = !cfg_.take_login_check(std::chrono::steady_clock::now());
  bool ok = !throttled &&
            crypto::type9_verify(line, known ? std::string_view(it->second.secret) : kNoSuchUser) && known;
  std::string who = "[user: " + loggable(login_user_) + "] [Source: " + peer_ + "] [localport: control socket]";
  if (!ok) {
    log::event("SEC_LOGIN", log::Level::kWarning, "LOGIN_FAILED",
               "Login failed " + who + " [Reason: " +
                   (throttled ? "Too many login attempts, not checked" : "Login Authentication Failed") + "]");
    login_ = Login::kUsername;
    if (++login_failures_ >= 3) terminal_.closing = true;  // IOS hangs up after three tries
    return {false, "% Login invalid\n"};
  }
  log::event("SEC_LOGIN", log::Level::kNotice, "LOGIN_SUCCESS", "Login Success " + who);
  login_ = Login::kDone;
  terminal_.privilege = it->second.privilege;
  terminal_.user = login_user_;
  return {true, ""};
}


ExecResult CliSession::execute(std::string_view line) {
  if (login_ != Login::kDone) return login_step(line);
  if (question_) {
    // The secret a command asked for: never parsed as a command, never kept.
    auto q = std::move(*question_);
    question_.reset();
    if (q.open_stream) {
      auto s = q.open_stream(line);
      if (!s) return {false, "% " + s.error().message + "\n"};
      ExecResult r;
      r.stream = std::move(*s);
      return r;
    }
    if (q.then) {
      auto next = q.then(line);
      if (!next) return {false, "% " + next.error().message + "\n"};
      std::string ask = next->prompt;
      bool echo = next->echo;
      question_ = std::move(*next);
      return {true, "", std::string::npos, ask, echo};
    }
    bool more = q.again && q.again(line);
    auto r = q.answer(line);
    cfg_.pki_.update(cfg_.model_);  // the answer may have changed a key pair
    if (!r) return {false, "% " + r.error().message + "\n"};
    if (more) {
      question_ = std::move(q);
      return {true, *r, std::string::npos, std::string()};
    }
    return {true, *r};
  }
  size_t indent = indent_of(line);
  if (indent == line.size()) return {};
  if (rejected_indent_ && indent > *rejected_indent_)
    return {false, "% Not applied: it is indented under the rejected line \"" + rejected_line_ + "\"\n",
            indent};
  rejected_indent_.reset();
  bool configuring = mode_ != Mode::kExec;
  ExecResult r;
  size_t rest = configuring ? do_rest(line) : std::string_view::npos;
  if (rest != std::string_view::npos) r = run_exec(line.substr(rest), rest);
  else if (!configuring) r = run_exec(line, 0);
  else r = run(mode_, line, 0);
  if (!r.ok && configuring && rest == std::string_view::npos) {
    rejected_indent_ = indent;
    rejected_line_ = redact_secrets(line.substr(indent));
    while (!rejected_line_.empty() && std::isspace(static_cast<unsigned char>(rejected_line_.back())))
      rejected_line_.pop_back();
  }
  return r;
}

ExecResult CliSession::run_exec(std::string_view line, size_t column_shift) {
  auto piped = split_pipes(line);
  if (!piped) return {false, "% " + piped.error().message + "\n"};
  ExecResult r = run(Mode::kExec, piped->command, column_shift, piped->json);
  if (r.ok && !piped->filters.empty()) {
    r.text = apply_filters(std::move(r.text), piped->filters);
    if (r.deferred) {  // ping | include ...: the late answer is filtered too
      r.deferred = [inner = std::move(r.deferred), f = piped->filters](Reply reply) {
        inner([reply, f](ExecResult done) {
          done.text = apply_filters(std::move(done.text), f);
          reply(std::move(done));
        });
      };
    }
  }
  return r;
}

ExecResult CliSession::run(Mode start, std::string_view line, size_t column_shift, bool json) {
  Mode try_mode = start;
  Visible vis = [this](const Command& c) { return visible(c); };
  MatchResult m = cfg_.table_.match(try_mode, line, vis);
  if (m.status == MatchResult::Status::kEmpty) return {false, "% Incomplete command.\n"};
  // A command of an enclosing mode typed in a sub-mode leaves the sub-mode first.
  size_t furthest = 0;
  while (m.status == MatchResult::Status::kInvalid && try_mode != Mode::kConfig &&
         try_mode != Mode::kExec) {
    furthest = std::max(furthest, m.error_column);
    try_mode = parent(try_mode);
    MatchResult pm = cfg_.table_.match(try_mode, line, vis);
    if (pm.status != MatchResult::Status::kInvalid) { m = std::move(pm); break; }
    furthest = std::max(furthest, pm.error_column);
  }
  if (m.status == MatchResult::Status::kInvalid && try_mode != start) {
    // Refused everywhere: the '^' goes where the line got furthest (under
    // `isakmp` in `crypto isakmp policy 1`, typed in an IKEv2 proposal).
    m = cfg_.table_.match(start, line, vis);
    m.error_column = std::max(m.error_column, furthest);
    try_mode = start;
  }
  switch (m.status) {
    case MatchResult::Status::kInvalid: {
      size_t col = column_shift + m.error_column;
      std::string text = std::string(prompt().size() + col, ' ') + "^\n% Invalid input detected at '^' marker.\n";
      if (!m.expected_range.empty()) text += "% The number must be in the range " + m.expected_range + "\n";
      return {false, text, col};
    }
    case MatchResult::Status::kIncomplete: return {false, "% Incomplete command.\n"};
    case MatchResult::Status::kAmbiguous:
      return {false, "% Ambiguous command:  \"" + m.ambiguous_text + "\"\n"};
    default: break;
  }
  // A line above the shell's level looks as if there were no such command
  // (an argument's value may need more than the command: privilege.h).
  if (line_level(cfg_.model_, try_mode, m.args.words) > terminal_.privilege) {
    size_t col = column_shift + indent_of(line);
    return {false, std::string(prompt().size() + col, ' ') + "^\n% Invalid input detected at '^' marker.\n", col};
  }
  if (json) {
    if (!m.command->json)
      return {false, "% JSON output is not available for this command\n"};
    m.args.json = true;
  }
  // `do` runs an exec command from a configuration mode and stays there.
  bool keep_mode = start != mode_;
  Model copy = cfg_.model_;
  bool same_mode = try_mode == mode_;
  CmdContext ctx{cfg_, copy, try_mode, same_mode || try_mode == Mode::kIkev2Keyring ? object_ : "",
                 same_mode ? sub_object_ : "", try_mode, same_mode ? object_ : "",
                 same_mode ? sub_object_ : "", &terminal_, {}, {}};
  if (try_mode == Mode::kIkev2Keyring && mode_ == Mode::kKeyringPeer) ctx.next_object = object_;
  auto r = m.command->handler(ctx, m.args);
  if (!r) return {false, "% " + r.error().message + "\n"};
  if (ctx.question) {
    std::string ask = ctx.question->prompt;
    bool echo = ctx.question->echo;
    question_ = std::move(ctx.question);
    return {true, *r, std::string::npos, ask, echo};
  }
  if (!keep_mode) {
    mode_ = ctx.next_mode;
    object_ = ctx.next_object;
    sub_object_ = ctx.next_sub_object;
  }
  if (try_mode == Mode::kExec) cfg_.pki_.update(cfg_.model_);  // crypto key commands change key pairs
  if (try_mode != Mode::kExec) {
    Model before = std::move(cfg_.model_);
    cfg_.model_ = std::move(copy);
    cfg_.pki_.update(cfg_.model_);
    if (cfg_.on_change) cfg_.on_change(before, cfg_.model_);
  }
  return {true, *r, std::string::npos, std::nullopt, false, std::move(ctx.deferred)};
}

std::vector<std::string> CliSession::complete(std::string_view line) const {
  Mode m = mode_;
  if (m != Mode::kExec) {
    size_t rest = do_rest(line);
    if (rest != std::string_view::npos) { line = line.substr(rest); m = Mode::kExec; }
  }
  if (m == Mode::kExec) {
    size_t bar = last_bar(line);
    if (bar != std::string_view::npos) return pipe_complete(line.substr(bar + 1));
  }
  if (login_ != Login::kDone) return {};
  return cfg_.table_.complete(m, line, [this](const Command& c) { return visible(c); });
}

std::string CliSession::help(std::string_view line) const {
  Mode m = mode_;
  if (m != Mode::kExec) {
    size_t rest = do_rest(line);
    if (rest != std::string_view::npos) { line = line.substr(rest); m = Mode::kExec; }
  }
  if (login_ != Login::kDone) return "";
  Visible vis = [this](const Command& c) { return visible(c); };
  if (m != Mode::kExec) return cfg_.table_.help(m, line, vis);
  size_t bar = last_bar(line);
  if (bar != std::string_view::npos) return pipe_help(line.substr(bar + 1));
  // Every exec command's output can be filtered: IOS lists '|' before <cr>.
  std::string h = cfg_.table_.help(m, line, vis);
  static constexpr std::string_view kCr = "  <cr>\n";
  if (h.ends_with(kCr)) h.insert(h.size() - kCr.size(), "  |      Output modifiers\n");
  return h;
}

}  // namespace kg::config
