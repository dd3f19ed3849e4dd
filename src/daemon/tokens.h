// The daemon's hardware tokens (seed 000's eTokens, any PKCS#11 token):
// which are inserted, who is logged in, and whether their keys are active.
//
// Tokens come from the PKCS#11 modules p11-kit registers plus those named by
// `crypto pki token NAME module PATH` (src/pkcs11). Each slot is named
// usbtoken0, usbtoken1 ... in the order the modules list them; a token is
// also named by its label or by a pkcs11: URI. A watch thread sees
// insertions and removals (pkcs11/slot_watch.h) and wakes the loop through
// event_fd(); everything else runs on the daemon's loop.
//
// The life of a token's keys: a user login (the exec command, or the
// configured user-pin on insertion) opens the token's session and makes
// its keys active, so trustpoints whose rsakeypair/eckeypair names them
// sign with them (token_storage.h: the tokens are a KeyStorage of the
// KeyStore like the state directory). Removal, logout or lock starts
// the removal timeout (%CRYPTO-4-TOKENKEYTIMEOUT); when it runs out the keys
// are deactivated (%CRYPTO-4-TOKENKEYSDEACTIVATED) and the IKE and CHILD SAs
// they authenticated are deleted. Without a removal timeout the keys stay
// as IOS keeps them: no new signature can be made while the token is out,
// but established SAs live on. Reinsertion and login bring them back.
//
// PINs: keygate counts wrong PINs itself (token_pins.h) and never spends a
// token's final try (CKF_USER_PIN_FINAL_TRY) on an automatic login. PINs
// arrive as Secrets and are wiped after use; none is logged or shown.
#pragma once
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/secret.h"
#include "config/key_storage.h"
#include "config/model.h"
#include "daemon/token_pins.h"
#include "pkcs11/module.h"
#include "pkcs11/slot.h"
#include "pkcs11/slot_watch.h"
#include "pkcs11/token_link.h"
#include "pkcs11/token_signer.h"

namespace kg::daemon {

class Tokens {
 public:
  class Host {
   public:
    virtual ~Host() = default;
    [[nodiscard]] virtual const config::Model& model() const = 0;
    // The active keys changed (a login, a deactivation): rebuild the
    // trustpoints; tunnels still down may try again.
    virtual void keys_changed() = 0;
    // These trustpoints' keys were deactivated: delete the SAs they signed.
    virtual void keys_deactivated(const std::set<std::string>& trustpoints) = 0;
    // The tokens part started: call on_events() when this fd is readable.
    virtual void watch_fd(int fd) = 0;
  };

  Tokens(Host& host, const Clock& clock, std::string state_dir);
  ~Tokens();
  Tokens(const Tokens&) = delete;
  Tokens& operator=(const Tokens&) = delete;

  // Loads the modules and starts watching (once: the first configuration
  // line or command that needs tokens). Without it nothing is loaded, so a
  // gateway without tokens never touches PKCS#11.
  void ensure_started();
  [[nodiscard]] bool started() const { return started_; }
  // Readable when the watch thread saw something; then call on_events().
  [[nodiscard]] int event_fd() const { return efd_; }
  void on_events();
  // The configuration changed: new modules, a user-pin to log in with.
  void apply(const config::Model& m);
  // Removal timeouts that ran out.
  void tick();
  [[nodiscard]] std::optional<TimePoint> next_deadline() const;

  // Exec commands: the text to print, or why not.
  [[nodiscard]] Result<std::string> login(const std::string& name, const Secret& pin);
  [[nodiscard]] Result<std::string> logout(const std::string& name);
  [[nodiscard]] Result<std::string> change_pin(const std::string& name, const Secret& old_pin, const Secret& new_pin);
  [[nodiscard]] Result<std::string> admin_login(const std::string& name, const Secret& pin);
  [[nodiscard]] Result<std::string> admin_logout(const std::string& name);
  [[nodiscard]] Result<std::string> admin_change_pin(const std::string& name, const Secret& old_pin, const Secret& new_pin);
  // C_InitPIN as the admin: a new user PIN, the token unblocked.
  [[nodiscard]] Result<std::string> admin_reset_pin(const std::string& name, const Secret& new_pin);
  // lock: log out and stay out (no automatic login) until unlock.
  [[nodiscard]] Result<std::string> lock(const std::string& name);
  [[nodiscard]] Result<std::string> unlock(const std::string& name, const Secret& pin);
  // Key pairs of a logged-in token (token_storage.h is how the crypto key
  // commands reach these): generated inside it, brought in from a PKCS#8
  // key (crypto key move), destroyed (crypto key zeroize). Empty `name` in
  // remove_keys: every logged-in token.
  [[nodiscard]] Result<void> generate(const std::string& name, const std::string& label, bool rsa, int bits);
  [[nodiscard]] Result<void> import_key(const std::string& name, const std::string& label, ByteView pkcs8,
                                        bool exportable);
  [[nodiscard]] Result<size_t> remove_keys(const std::string& name, const std::string& label, bool ec);
  // The active keys as show crypto key mypubkey lists them (Storage Device
  // "usbtoken0 (label=eToken)"); of one token when `name` is given.
  [[nodiscard]] std::vector<config::KeyEntry> key_entries(const std::string& name) const;
  [[nodiscard]] std::string show(const std::string& name, bool detail) const;
  // Is this name one of a token's (label, usbtokenN, matching URI)?
  [[nodiscard]] bool known(const std::string& name) const;

  // An active key for a trustpoint's key label ("label" or
  // "pkcs11:token=T;object=label"); null when none.
  [[nodiscard]] std::shared_ptr<const crypto::Signer> signer(const std::string& label) const;

 private:
  struct Slot {
    std::shared_ptr<pkcs11::Module> module;
    CK_SLOT_ID id = 0;
    std::string name;  // usbtoken0
    bool present = false;
    pkcs11::TokenInfo info;  // the last token seen in it
    std::shared_ptr<pkcs11::TokenLink> link;  // the user login (keys sign through it)
    std::optional<pkcs11::Session> admin;     // the admin (SO) login
    bool locked = false;
    bool keys_active = false;
    std::optional<TimePoint> deactivate_at;
    std::map<std::string, std::shared_ptr<pkcs11::TokenSigner>> keys;  // label -> key, while active
    TokenPins pins;
  };
  struct Event {
    pkcs11::Module* module;
    pkcs11::TokenSlot slot;
  };

  void load_module(const std::string& path);
  void watch();
  void inserted(Slot& s, const pkcs11::TokenSlot& now);
  void removed(Slot& s);
  void auto_login(Slot& s);
  [[nodiscard]] Result<std::string> do_login(Slot& s, const Secret& pin, bool automatic);
  // The user session went (logout, lock, removal): the keys go after the
  // removal timeout.
  void start_timeout(Slot& s, const std::string& why);
  void deactivate(Slot& s);
  void activate(Slot& s);
  [[nodiscard]] Result<Slot*> find(const std::string& name);
  // find(), and the token inserted and logged in.
  [[nodiscard]] Result<Slot*> find_logged_in(const std::string& name);
  [[nodiscard]] const Slot* find_const(const std::string& name) const;
  [[nodiscard]] const config::TokenConfig* settings(const Slot& s) const;
  [[nodiscard]] int max_retries(const Slot& s) const;
  [[nodiscard]] std::optional<int> removal_timeout(const Slot& s) const;
  [[nodiscard]] config::PinPolicy pin_policy(const Slot& s) const;
  // A new user PIN against the token's pin-policy (and never empty):
  // the one place both change-pin and admin reset-pin check it.
  [[nodiscard]] Result<void> check_new_pin(const Slot& s, const Secret& pin, const std::string& what) const;
  [[nodiscard]] std::string who(const Slot& s) const;  // "usbtoken0(eToken)"
  [[nodiscard]] std::set<std::string> trustpoints_of(const Slot& s) const;

  Host& host_;
  const Clock& clock_;
  std::string state_dir_;
  bool started_ = false;
  int efd_ = -1;
  std::vector<std::shared_ptr<pkcs11::Module>> modules_;
  std::set<std::string> module_paths_;
  std::set<std::string> failed_paths_;  // modules that did not load
  std::vector<std::unique_ptr<Slot>> slots_;
  std::unique_ptr<pkcs11::SlotWatch> watch_;
  std::mutex mu_;
  std::deque<Event> events_;  // guarded by mu_
};

}  // namespace kg::daemon
