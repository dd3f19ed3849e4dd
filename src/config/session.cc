#include "config/session.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

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
  }
  return "";
}

Mode parent(Mode m) {
  if (m == Mode::kKeyringPeer) return Mode::kIkev2Keyring;
  if (m == Mode::kCertHex) return Mode::kCertChain;
  if (m == Mode::kExec || m == Mode::kConfig) return Mode::kExec;
  return Mode::kConfig;
}

}  // namespace

Config::Config(std::string state_dir) : model_(default_model()), state_dir_(std::move(state_dir)), cipher_(state_dir_) {
  register_core_commands(table_);
}

void Config::register_exec(std::string_view grammar, std::vector<std::string> help,
                           std::function<Result<std::string>(const ParsedArgs&)> fn) {
  table_.add(Mode::kExec, grammar, std::move(help),
             [fn](CmdContext&, const ParsedArgs& a) { return fn(a); });
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
  s.execute("configure terminal");
  std::string line, report;
  int n = 0;
  bool legacy = false;
  while (std::getline(in, line)) {
    if (++n == 1) legacy = legacy_startup(path, line);
    auto hash = line.find_first_not_of(" \t");
    if (hash == std::string::npos || line[hash] == '!') continue;
    // Indentation does not matter: IOS leaves a sub-mode when a line does not
    // belong to it.
    auto words = split_words(line);
    bool new_tunnel = legacy && words.size() == 2 && words[0].second.size() >= 3 &&
                      std::string_view("interface").starts_with(words[0].second) &&
                      is_tunnel(canonical_interface_name(words[1].second)) &&
                      !model_.interfaces.contains(canonical_interface_name(words[1].second));
    ExecResult r = s.execute(line);
    if (r.ok && new_tunnel && s.mode() == Mode::kInterface) {
      // A later `tunnel mode` line in the file still wins.
      (void)s.execute("tunnel mode ipsec ipv4");
      report += "% Note: " + canonical_interface_name(words[1].second) +
                ": startup-config saved by an earlier keygate, where a tunnel without tunnel mode was ipsec ipv4: "
                "kept so (write memory now saves the line)\n";
    }
    if (!r.ok) {
      std::string msg = r.text;
      auto pct = msg.find('%');
      if (pct != std::string::npos) msg = msg.substr(pct + 1);
      while (!msg.empty() && (msg.back() == '\n')) msg.pop_back();
      report += "% line " + std::to_string(n) + ":" + msg + "\n";
    } else if (!r.text.empty()) {
      report += r.text;
    }
  }
  return report;
}

Result<std::string> Config::key_from_config(const std::string& text) const {
  if (text.rfind("6 ", 0) == 0) return cipher_.open(text.substr(2));
  if (text.rfind("0 ", 0) == 0) return text.substr(2);
  if (text.empty()) return fail(Errc::kInvalidArgument, "Incomplete command.");
  return text;
}

Result<void> Config::write_memory() {
  if (state_dir_.empty()) return fail(Errc::kInvalidArgument, "no state directory");
  std::string path = state_dir_ + "/startup-config";
  std::string tmp = path + ".tmp";
  std::string text = std::string(kStartupMarker) + "\n" + running_config_text();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return fail(Errc::kIo, "open " + tmp);
  size_t off = 0;
  while (off < text.size()) {
    ssize_t w = ::write(fd, text.data() + off, text.size() - off);
    if (w <= 0) { ::close(fd); return fail(Errc::kIo, "write " + tmp); }
    off += size_t(w);
  }
  if (::fsync(fd) != 0) { ::close(fd); return fail(Errc::kIo, "fsync"); }
  ::close(fd);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return fail(Errc::kIo, "rename");
  return {};
}

std::string CliSession::prompt() const {
  return cfg_.model_.hostname + mode_suffix(mode_) + "#";
}

ExecResult CliSession::execute(std::string_view line) {
  Mode try_mode = mode_;
  MatchResult m = cfg_.table_.match(try_mode, line);
  if (m.status == MatchResult::Status::kEmpty) return {};
  // A command of an enclosing mode typed in a sub-mode leaves the sub-mode first.
  while (m.status == MatchResult::Status::kInvalid && try_mode != Mode::kConfig &&
         try_mode != Mode::kExec) {
    try_mode = parent(try_mode);
    MatchResult pm = cfg_.table_.match(try_mode, line);
    if (pm.status != MatchResult::Status::kInvalid) { m = std::move(pm); break; }
  }
  if (m.status == MatchResult::Status::kInvalid && try_mode != mode_) {
    m = cfg_.table_.match(mode_, line);
    try_mode = mode_;
  }
  switch (m.status) {
    case MatchResult::Status::kInvalid:
      return {false, std::string(prompt().size() + m.error_column, ' ') +
                         "^\n% Invalid input detected at '^' marker.\n"};
    case MatchResult::Status::kIncomplete: return {false, "% Incomplete command.\n"};
    case MatchResult::Status::kAmbiguous:
      return {false, "% Ambiguous command:  \"" + m.ambiguous_text + "\"\n"};
    default: break;
  }
  Model copy = cfg_.model_;
  bool same_mode = try_mode == mode_;
  CmdContext ctx{cfg_, copy, try_mode, same_mode || try_mode == Mode::kIkev2Keyring ? object_ : "",
                 same_mode ? sub_object_ : "", try_mode, same_mode ? object_ : "",
                 same_mode ? sub_object_ : ""};
  if (try_mode == Mode::kIkev2Keyring && mode_ == Mode::kKeyringPeer) ctx.next_object = object_;
  auto r = m.command->handler(ctx, m.args);
  if (!r) return {false, "% " + r.error().message + "\n"};
  mode_ = ctx.next_mode;
  object_ = ctx.next_object;
  sub_object_ = ctx.next_sub_object;
  if (try_mode != Mode::kExec) {
    Model before = std::move(cfg_.model_);
    cfg_.model_ = std::move(copy);
    cfg_.pki_.update(cfg_.model_);
    if (cfg_.on_change) cfg_.on_change(before, cfg_.model_);
  }
  return {true, *r};
}

std::vector<std::string> CliSession::complete(std::string_view partial_line) const {
  return cfg_.table_.complete(mode_, partial_line);
}

std::string CliSession::help(std::string_view line) const {
  return cfg_.table_.help(mode_, line);
}

}  // namespace kg::config
