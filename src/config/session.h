// Config (model + command table + file load) and CliSession (one shell).
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/command_table.h"
#include "config/key_cipher.h"
#include "config/key_store.h"
#include "config/pki_store.h"
#include "config/model.h"
#include "config/writer.h"

namespace kg::config {

class Config;
struct ExecResult;

// A command that answers later (ping waits for echo replies while the
// daemon's event loop keeps running): it is started with the function that
// takes its answer, and calls that once, from the event loop.
using Reply = std::function<void(ExecResult)>;
using Deferred = std::function<void(Reply)>;

// A command that turns the line into a raw byte stream (the system shell on a
// pty, relayed by the control server): it is opened with the sink that takes
// its output and returns what the server feeds it. The stream ends when it
// calls sink.close (once, from the event loop); its ExecResult is the reply
// that ends the stream on the client.
struct StreamSink {
  // false: the client is far behind; stop reading output until `resume`.
  std::function<bool(std::string_view bytes)> output;
  std::function<void(ExecResult end)> close;
};
struct StreamHandle {
  std::function<void(std::string_view bytes)> input;  // typed by the user
  std::function<void(uint16_t rows, uint16_t cols)> resize;
  std::function<void()> resume;  // the client has taken the output waiting for it
  std::function<void()> hangup;  // the client has gone: end without calling close
};
using StreamOpen = std::function<StreamHandle(StreamSink)>;

// Per-shell settings that exec commands change (terminal length, monitor).
struct TerminalState {
  int length = 24;  // terminal length: lines per page, 0 = no paging (IOS default 24)
  bool closing = false;  // exit/logout in exec mode: the server ends the session
  bool monitor = false;  // terminal monitor: log and debug lines stream to this shell
  int privilege = 15;    // the shell's privilege level (privilege.h)
  std::string user;      // who logged in; empty for root on the control socket
  bool from_file = false;  // a configuration file being loaded: nobody to answer a question
};

// A command that needs a secret typed without echo (enable's password) asks
// this; the shell reads it and the session hands the next line to `answer`.
struct SecretQuestion {
  std::string prompt;  // "Password: "
  std::function<Result<std::string>(std::string_view secret)> answer;
  bool echo = false;  // a plain question ("[y/n] "): the answer is typed visibly
  // Used instead of `answer` when set: an accepted answer opens a byte
  // stream (request platform software system shell).
  std::function<Result<StreamOpen>(std::string_view answer)> open_stream;
  // Asked again after this answer when it says so (the lines of a pasted
  // private key, until "quit"), with an empty prompt.
  std::function<bool(std::string_view secret)> again;
  // Used instead of `answer` when set: this answer leads to a further
  // question, asked next (change-pin's new PIN after the current one, then
  // its confirmation); an error ends the command.
  std::function<Result<SecretQuestion>(std::string_view secret)> then;
};

// What a handler sees: a COPY of the model (committed only on success) and the
// mode it may enter.
struct CmdContext {
  Config& config;
  Model& model;
  Mode mode;
  std::string object;      // current sub-mode object (proposal name, interface...)
  std::string sub_object;  // keyring peer name
  Mode next_mode;
  std::string next_object, next_sub_object;
  TerminalState* terminal = nullptr;  // the shell's own settings (null when loading a file)
  std::optional<SecretQuestion> question;  // set by a handler that needs a secret
  Deferred deferred;  // set by a command that answers later
};

struct ExecResult {
  bool ok = true;
  std::string text;
  // For "% Invalid input": the byte offset in the line where the '^' goes
  // (text already holds it placed after the prompt); npos for other errors.
  size_t error_column = std::string::npos;
  // Set: the shell must read a secret with this prompt (possibly empty),
  // without echo, and send it as the next line (login and enable passwords,
  // a pasted private key).
  std::optional<std::string> secret_prompt;
  bool prompt_echo = false;  // secret_prompt is a plain question, answered visibly
  // Set when the answer comes later (text is then what to print first, if
  // anything): the control server starts it and replies when it is called.
  Deferred deferred;
  // Set when the line becomes a byte stream (text: what to print first).
  StreamOpen stream;
};

// First line of a startup-config written by write memory. Its absence marks
// one saved by a keygate from before a tunnel without `tunnel mode` became
// GRE/IP (IOS's default): loading it keeps such tunnels ipsec ipv4.
inline constexpr const char* kStartupMarker = "! keygate startup-config: no tunnel mode line means gre ip";

class Config {
 public:
  explicit Config(std::string state_dir = "");
  const Model& model() const { return model_; }
  CommandTable& table() { return table_; }
  // `all`: the smart-default blocks too (show running-config all).
  std::string running_config_text(bool all = false) const {
    return table_.write(model_, WriteContext{[this](const std::string& k) { return cipher_.seal(k); }, all});
  }
  // Key text as typed after "pre-shared-key": "0 KEY", "6 SEALED" or "KEY".
  Result<std::string> key_from_config(const std::string& text) const;
  // Load a startup-config style file; each rejected line is reported with
  // "% line N: TEXT", the '^' under the bad word and the reason, warnings with
  // "% line N:", and loading continues (IOS behaviour). Lines indented under a
  // rejected line are rejected too (see CliSession::execute). Returns the
  // report text.
  Result<std::string> load_file(const std::string& path);
  // Atomic save to <state_dir>/startup-config (temp + fsync + rename).
  Result<void> write_memory();
  // The daemon registers runtime exec commands (show crypto ikev2 sa...).
  // With `json`, fn also answers `| json` (ParsedArgs::json set) with a JSON
  // document instead of the IOS text.
  void register_exec(std::string_view grammar, std::vector<std::string> help,
                     std::function<Result<std::string>(const ParsedArgs&)> fn, bool json = false);
  // An exec command that answers later: fn checks the arguments (an error is
  // the answer at once) and returns what starts the work.
  void register_exec_deferred(std::string_view grammar, std::vector<std::string> help,
                              std::function<Result<Deferred>(const ParsedArgs&)> fn);
  // Does the kernel have this network device? Set by the daemon (netlink);
  // unset (unit tests, offline checks): only unmapped IOS port names warn.
  std::function<bool(const std::string& device)> device_exists;
  // Called after every successful config change.
  std::function<void(const Model& before, const Model& after)> on_change;
  const std::string& state_dir() const { return state_dir_; }
  // Router key pairs (sealed in the state directory) and the parsed
  // trustpoints built from the model and those keys.
  KeyStore& keys() { return keys_; }
  // A storage's keys changed (a token logged in or its keys
  // deactivated): the trustpoints are rebuilt with what it now answers.
  void refresh_keys() {
    keys_.touch();
    pki_.update(model_);
  }
  const PkiStore& pki() const { return pki_; }
  // Login password checks, rationed across all sessions (a token bucket:
  // bursts of 5, then one each 250 ms): false when none is left.
  bool take_login_check(std::chrono::steady_clock::time_point now);

 private:
  friend class CliSession;
  bool legacy_startup(const std::string& path, const std::string& first_line) const;
  Model model_;
  CommandTable table_;
  std::string state_dir_;
  KeyCipher cipher_;
  KeyStore keys_{state_dir_, cipher_};
  PkiStore pki_{keys_};
  static constexpr int kLoginCheckBurst = 5;
  static constexpr std::chrono::milliseconds kLoginCheckEvery{250};
  double login_checks_ = kLoginCheckBurst;
  std::chrono::steady_clock::time_point login_checks_at_{};
};

class CliSession {
 public:
  explicit CliSession(Config& cfg) : cfg_(cfg) {}
  std::string prompt() const;
  // Runs one line as typed or pasted. In a configuration mode, `do LINE` runs
  // an exec command and stays in the mode. An exec command may end in output
  // modifiers (`| include REGEX`, output_filter.h). A line indented deeper
  // than the last rejected line is rejected without being applied: it belongs
  // to that line's block, and applying it would change whatever object the
  // shell was still in (a pasted `crypto isakmp policy 1` block merged into
  // the previous IKEv2 proposal).
  ExecResult execute(std::string_view line);
  std::vector<std::string> complete(std::string_view partial_line) const;
  std::string help(std::string_view line_up_to_question_mark) const;
  Mode mode() const { return mode_; }
  const TerminalState& terminal() const { return terminal_; }
  // Who is on the other end of the control socket (SO_PEERCRED). Root gets
  // level 15 at once; any other user first logs in with a local username
  // and secret ("Username: ", "Password: "), and gets that user's level.
  void set_peer(unsigned uid);

 private:
  friend class Config;  // load_file marks its session as reading a file
  enum class Login { kDone, kUsername, kPassword };
  ExecResult login_step(std::string_view line);
  bool visible(const Command& c) const;
  ExecResult run(Mode mode, std::string_view line, size_t column_shift, bool json = false);
  ExecResult run_exec(std::string_view line, size_t column_shift);
  Config& cfg_;
  Mode mode_ = Mode::kExec;
  std::string object_, sub_object_;
  TerminalState terminal_;
  // The last rejected line and its indentation, while lines below it are
  // indented deeper (its block).
  std::optional<size_t> rejected_indent_;
  std::string rejected_line_;
  std::optional<SecretQuestion> question_;  // asked; the next line answers it
  Login login_ = Login::kDone;
  std::string login_user_, peer_;
  int login_failures_ = 0;
};

void register_core_commands(CommandTable& t);

}  // namespace kg::config
