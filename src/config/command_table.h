// One command table drives parsing, `?` help and Tab completion (FRR vtysh
// model). A command is a token grammar such as
//   "crypto ikev2 proposal WORD"  or  "set pfs {group14|group19}"  or  "x [y]"
// Token kinds: keyword, WORD, A.B.C.D, <lo-hi>, LINE (rest of line),
// {a|b} alternatives of single tokens, and optional trailing groups [t],
// [a|b] or [t WORD] (all of a group's words or none; expanded at
// registration into one variant per prefix). A required word after an
// optional group, or unbalanced brackets, throw std::logic_error when the
// command is added.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace kg::config {

struct Model;
struct WriteContext;
struct WriteScope;
// Appends a command's line(s) of `show running-config` for the model and the
// sub-mode object in scope (config/writer.h).
using LineWriter = std::function<void(const WriteScope&, std::string&)>;
// How a command appears in the running config. `order` places its lines
// among the other commands of its mode (configuration mode: the section
// numbers of writer.h); equal orders keep the table's order.
struct WriteBack {
  int order;
  LineWriter write;
};
using WriteBackRef = std::shared_ptr<const WriteBack>;

enum class Mode {
  kExec, kConfig, kIkev2Proposal, kIkev2Policy, kIkev2Keyring, kKeyringPeer,
  kIkev2Profile, kTransformSet, kIpsecProfile, kInterface,
  kIkev2Authorization, kFlexvpnClient, kAccessList,  // commands_ra.cc
  kPkiTrustpoint, kCertChain, kCertHex, kCertMap,  // crypto pki (commands_pki.cc)
  kConsentAuthority,  // consent-token authority (commands_consent.cc)
  kIsakmpPolicy,      // crypto isakmp policy N (commands_isakmp.cc)
  kIsakmpPeer,        // crypto isakmp peer address A (commands_isakmp.cc)
  kIsakmpGroup, kIsakmpProfile, kCryptoKeyring,  // Easy VPN (commands_ezvpn.cc)
  kAaaRadiusGroup, kRadiusServer,  // aaa group server radius, radius server (commands_aaa.cc)
  kNameMangler, kAaaAttributeList,  // crypto ikev2 name-mangler, aaa attribute list (commands_mangler.cc)
  kPubkeyChain, kPubkeyKey, kPubkeyHex,  // crypto key pubkey-chain rsa (commands_pubkey_chain.cc)
  kExtAccessList, kCryptoMap, kDynamicMap,  // ip access-list extended, crypto map / dynamic-map (commands_acl.cc, commands_cryptomap.cc)
  kAaaDynamicAuthor,  // aaa server radius dynamic-author (commands_aaa_dynamic.cc)
  kIsakmpBrowserProxy, kIsakmpClientFirewall,  // Easy VPN client policies (commands_ezvpn_policy.cc)
};

// Matched words: keywords expanded to their full spelling, arguments verbatim.
struct ParsedArgs {
  std::vector<std::string> words;
  bool negated = false;   // "no ..." form
  bool defaulted = false;  // "default ..." form
  bool json = false;       // `| json`: answer with JSON (only commands registered with json)
  const std::string& at(size_t i) const { return words.at(i); }
  size_t size() const { return words.size(); }
};

struct CmdContext;  // defined by the session
using Handler = std::function<Result<std::string>(CmdContext&, const ParsedArgs&)>;
// What a handler returns: the text to print (usually none), or a refusal
// whose message the user sees under the IOS marker.
inline Result<std::string> ok(std::string s = {}) { return s; }
inline Result<std::string> invalid(const std::string& why) { return fail(Errc::kInvalidArgument, why); }

struct Token {
  enum class Kind { kKeyword, kWord, kIpv4, kIpv6, kIpv6Prefix, kRange, kLine, kAlt } kind;
  std::vector<std::string> words;  // keyword or alternatives
  long lo = 0, hi = 0;
  std::string help;
};

struct Command {
  Mode mode;
  std::vector<Token> tokens;
  Handler handler;
  bool hidden = false;
  bool json = false;  // the handler can answer `| json` (ParsedArgs::json)
  // Its running-config text. Commands that set the same field share one
  // (written once); the variants of one grammar ("x [y]") share it too.
  WriteBackRef write_back;
  bool not_persisted = false;  // an action or a mode change: nothing to write
};

// Outcome of matching one line in one mode.
struct MatchResult {
  enum class Status { kOk, kInvalid, kIncomplete, kAmbiguous, kEmpty } status;
  const Command* command = nullptr;
  ParsedArgs args;
  size_t error_column = 0;   // byte offset for the '^' marker
  std::string ambiguous_text;
  // kInvalid at a number that a <lo-hi> token refused: that range ("<0-512>"),
  // so the error can say what is allowed.
  std::string expected_range;
};

// Which commands a shell may see: one above its privilege level is absent
// from matching, `?` and Tab alike (privilege.h). Empty: all of them.
using Visible = std::function<bool(const Command&)>;

class CommandTable {
 public:
  // What add() registered (every variant of one grammar), to say how it is
  // written back.
  class Registration {
   public:
    Registration(CommandTable& t, size_t first, size_t end) : t_(t), first_(first), end_(end) {}
    // The command writes its own line(s).
    WriteBackRef writes(int order, LineWriter w);
    // Another command's writer prints what this one sets (same field).
    void writes(const WriteBackRef& w);
    // Nothing to write back: an action, a mode change, an exec command.
    void not_persisted();

   private:
    CommandTable& t_;
    size_t first_, end_;
  };
  // help: one help string per space-separated grammar element (missing = "").
  Registration add(Mode mode, std::string_view grammar, std::vector<std::string> help, Handler h,
                   bool hidden = false, bool json = false);
  MatchResult match(Mode mode, std::string_view line, const Visible& visible = {}) const;
  // Completions of the last (partial) word of `line`.
  std::vector<std::string> complete(Mode mode, std::string_view line, const Visible& visible = {}) const;
  // IOS `?` output for `line` (text before the '?').
  std::string help(Mode mode, std::string_view line, const Visible& visible = {}) const;
  // `line`'s words with keywords spelled out ("sh cry sess" -> show crypto
  // session), as far as some command of `mode` accepts them; an error names
  // the first word that none accepts.
  Result<std::vector<std::string>> expand(Mode mode, std::string_view line) const;
  // The whole running config: the configuration mode's commands write
  // themselves in order (those that open a sub-mode write its commands
  // through WriteScope::sub), then "end".
  std::string write(const Model& m, const WriteContext& ctx) const;
  // The lines of one mode for the object in `scope`.
  void write_mode(Mode mode, const WriteScope& scope, std::string& out) const;
  // Configuration commands (any mode but exec) that neither write themselves
  // back nor are declared not persisted, as "MODE: GRAMMAR" (a table check).
  std::vector<std::string> unwritten() const;
  // The writer of a registered command, for a command in another file that
  // sets the same field (null if none).
  WriteBackRef write_back_of(Mode mode, std::string_view grammar) const;
  // The grammar of a command as the table holds it ("ip address A.B.C.D A.B.C.D").
  static std::string grammar(const Command& c);
  const std::vector<Command>& commands() const { return commands_; }

 private:
  std::vector<Command> commands_;
};

std::vector<std::pair<size_t, std::string>> split_words(std::string_view line);

}  // namespace kg::config
