// Config (model + command table + file load) and CliSession (one shell).
#pragma once
#include <functional>
#include <memory>
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
};

struct ExecResult {
  bool ok = true;
  std::string text;
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
  std::string running_config_text() const {
    return table_.write(model_, WriteContext{[this](const std::string& k) { return cipher_.seal(k); }});
  }
  // Key text as typed after "pre-shared-key": "0 KEY", "6 SEALED" or "KEY".
  Result<std::string> key_from_config(const std::string& text) const;
  // Load a startup-config style file; errors are reported with "% line N: ..."
  // and loading continues (IOS behaviour). Returns the error report text.
  Result<std::string> load_file(const std::string& path);
  // Atomic save to <state_dir>/startup-config (temp + fsync + rename).
  Result<void> write_memory();
  // The daemon registers runtime exec commands (show crypto ikev2 sa...).
  void register_exec(std::string_view grammar, std::vector<std::string> help,
                     std::function<Result<std::string>(const ParsedArgs&)> fn);
  // Called after every successful config change.
  std::function<void(const Model& before, const Model& after)> on_change;
  const std::string& state_dir() const { return state_dir_; }
  // Router key pairs (sealed in the state directory) and the parsed
  // trustpoints built from the model and those keys.
  KeyStore& keys() { return keys_; }
  const PkiStore& pki() const { return pki_; }

 private:
  friend class CliSession;
  bool legacy_startup(const std::string& path, const std::string& first_line) const;
  Model model_;
  CommandTable table_;
  std::string state_dir_;
  KeyCipher cipher_;
  KeyStore keys_{state_dir_, cipher_};
  PkiStore pki_{keys_};
};

class CliSession {
 public:
  explicit CliSession(Config& cfg) : cfg_(cfg) {}
  std::string prompt() const;
  ExecResult execute(std::string_view line);
  std::vector<std::string> complete(std::string_view partial_line) const;
  std::string help(std::string_view line_up_to_question_mark) const;
  Mode mode() const { return mode_; }

 private:
  Config& cfg_;
  Mode mode_ = Mode::kExec;
  std::string object_, sub_object_;
};

void register_core_commands(CommandTable& t);

}  // namespace kg::config
