#include "daemon/tokens.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/x509.h>

#include <algorithm>

#include "common/log.h"
#include "config/pki_store.h"
#include "pkcs11/rv.h"
#include "pkcs11/token_keys.h"
#include "pkcs11/token_uri.h"

namespace kg::daemon {

using pkcs11::Session;
using pkcs11::TokenUri;
using pkcs11::UserType;

namespace {

std::string plural(int n, const char* what) { return std::to_string(n) + " " + what + (n == 1 ? "" : "s"); }

bool rv_is(const Error& e, const char* name) { return e.message.find(name) != std::string::npos; }

// A token that holds something: SoftHSM keeps an empty, uninitialized token
// in a spare slot for softhsm2-util --init-token.
bool holds_token(const pkcs11::TokenSlot& s) { return s.present && (s.token.flags & CKF_TOKEN_INITIALIZED); }

}  // namespace

Tokens::Tokens(Host& host, const Clock& clock, std::string state_dir)
    : host_(host), clock_(clock), state_dir_(std::move(state_dir)) {}

Tokens::~Tokens() {
  watch_.reset();  // the thread stops before the modules go
  for (auto& s : slots_) {
    if (s->link) s->link->detach();
    s->admin.reset();
  }
  slots_.clear();
  modules_.clear();
  if (efd_ >= 0) ::close(efd_);
}

void Tokens::ensure_started() {
  if (started_) return;
  started_ = true;
  efd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (efd_ >= 0) host_.watch_fd(efd_);
  std::vector<std::string> skipped;
  for (auto& m : pkcs11::Module::load_registered(&skipped)) {
    module_paths_.insert(m->name());
    modules_.push_back(m);
  }
  for (auto& why : skipped) log::warn("tokens: PKCS#11 module " + why);
  for (auto& [name, tc] : host_.model().tokens)
    if (!tc.module.empty()) load_module(tc.module);
  // The slots of every module, named in order.
  for (auto& m : modules_) {
    auto slots = pkcs11::list_slots(m);
    if (!slots) {
      log::warn("tokens: " + m->name() + ": " + slots.error().message);
      continue;
    }
    for (auto& ts : *slots) {
      auto s = std::make_unique<Slot>();
      s->module = m;
      s->id = ts.id;
      s->name = "usbtoken" + std::to_string(slots_.size());
      slots_.push_back(std::move(s));
      if (holds_token(ts)) inserted(*slots_.back(), ts);
    }
  }
  watch();
}

void Tokens::load_module(const std::string& path) {
  if (module_paths_.contains(path) || failed_paths_.contains(path)) return;
  auto m = pkcs11::Module::load_path(path);
  if (!m) {
    log::warn("tokens: " + m.error().message);
    failed_paths_.insert(path);  // said once, not at every configuration change
    return;
  }
  module_paths_.insert(path);
  modules_.push_back(*m);
}

void Tokens::watch() {
  watch_.reset();
  watch_ = std::make_unique<pkcs11::SlotWatch>(modules_, [this](const pkcs11::TokenSlot& s) {
    {
      std::lock_guard lock(mu_);
      events_.push_back({s.module.get(), s});
    }
    uint64_t one = 1;
    (void)!::write(efd_, &one, sizeof one);
  });
}

void Tokens::on_events() {
  uint64_t n = 0;
  (void)!::read(efd_, &n, sizeof n);
  std::deque<Event> evs;
  {
    std::lock_guard lock(mu_);
    evs.swap(events_);
  }
  for (auto& ev : evs) {
    auto it = std::find_if(slots_.begin(), slots_.end(),
                           [&](auto& s) { return s->module.get() == ev.module && s->id == ev.slot.id; });
    if (it == slots_.end()) {  // a reader plugged in later: a new slot
      auto s = std::make_unique<Slot>();
      s->module = ev.slot.module;
      s->id = ev.slot.id;
      s->name = "usbtoken" + std::to_string(slots_.size());
      slots_.push_back(std::move(s));
      it = slots_.end() - 1;
    }
    Slot& s = **it;
    if (holds_token(ev.slot) && !s.present) inserted(s, ev.slot);
    else if (!holds_token(ev.slot) && s.present) removed(s);
  }
}

void Tokens::inserted(Slot& s, const pkcs11::TokenSlot& now) {
  s.present = true;
  s.info = now.token;
  s.locked = false;
  s.pins = TokenPins(state_dir_, s.info.serial.empty() ? s.info.label : s.info.serial);
  log::event("USB_TOKEN_FILESYS", log::Level::kInfo, "USB_TOKEN_INSERTED", "USB Token device inserted: " + s.name + ".");
  log::event("CRYPTO", log::Level::kInfo, "TOKENINSERTED",
             "Cryptographic token " + s.info.label + " inserted in " + s.name);
  auto_login(s);
}

void Tokens::removed(Slot& s) {
  s.present = false;
  if (s.link) s.link->detach();  // its session went with the token
  s.admin.reset();
  log::event("USB_TOKEN_FILESYS", log::Level::kInfo, "USB_TOKEN_REMOVED", "USB Token device removed: " + s.name + ".");
  log::event("CRYPTO", log::Level::kInfo, "TOKENREMOVED",
             "Cryptographic token " + s.info.label + " removed from " + s.name);
  start_timeout(s, "removed");
}

void Tokens::auto_login(Slot& s) {
  const config::TokenConfig* tc = settings(s);
  if (!tc || tc->user_pin.empty() || s.locked || (s.link && s.link->active())) return;
  auto r = do_login(s, tc->user_pin, true);
  if (!r) log::warn("tokens: automatic login to " + who(s) + " failed: " + r.error().message);
}

const config::TokenConfig* Tokens::settings(const Slot& s) const {
  const auto& tokens = host_.model().tokens;
  for (const auto& [key, tc] : tokens) {
    if (key == "default") continue;
    if (key == s.name || (s.present && key == s.info.label) || (!s.present && key == s.info.label)) return &tc;
    if (TokenUri::looks_like_uri(key))
      if (auto u = TokenUri::parse(key); u && u->matches(s.info.raw)) return &tc;
  }
  auto d = tokens.find("default");
  return d == tokens.end() ? nullptr : &d->second;
}

int Tokens::max_retries(const Slot& s) const {
  const config::TokenConfig* tc = settings(s);
  if (tc && tc->max_retries) return *tc->max_retries;
  auto d = host_.model().tokens.find("default");
  if (d != host_.model().tokens.end() && d->second.max_retries) return *d->second.max_retries;
  return config::kDefaultUserPinRetries;
}

config::PinPolicy Tokens::pin_policy(const Slot& s) const {
  const config::TokenConfig* tc = settings(s);
  if (tc && tc->pin_policy) return *tc->pin_policy;
  auto d = host_.model().tokens.find("default");
  if (d != host_.model().tokens.end() && d->second.pin_policy) return *d->second.pin_policy;
  return config::PinPolicy::kNone;
}

Result<void> Tokens::check_new_pin(const Slot& s, const Secret& pin, const std::string& what) const {
  if (pin.empty()) return fail(Errc::kInvalidArgument, what + " on " + who(s) + " failed: the new PIN is empty");
  std::string broken = config::pin_policy_check(pin_policy(s), pin);
  if (!broken.empty())
    return fail(Errc::kInvalidArgument, what + " on " + who(s) + " refused by pin-policy " +
                                            config::pin_policy_name(pin_policy(s)) + ": " + broken);
  return {};
}

std::optional<int> Tokens::removal_timeout(const Slot& s) const {
  const config::TokenConfig* tc = settings(s);
  if (tc && tc->removal_timeout) return tc->removal_timeout;
  auto d = host_.model().tokens.find("default");
  if (d != host_.model().tokens.end()) return d->second.removal_timeout;
  return std::nullopt;
}

std::string Tokens::who(const Slot& s) const { return s.name + "(" + s.info.label + ")"; }

Result<Tokens::Slot*> Tokens::find(const std::string& name) {
  ensure_started();
  if (auto* s = find_const(name)) return const_cast<Slot*>(s);
  if (auto it = host_.model().tokens.find(name); it != host_.model().tokens.end() && !it->second.module.empty() &&
                                                 !module_paths_.contains(it->second.module))
    return fail(Errc::kNotFound, "Token " + name + " not found: its PKCS#11 module " + it->second.module +
                                     " did not load (see the log)");
  return fail(Errc::kNotFound, "Token " + name + " not found");
}

const Tokens::Slot* Tokens::find_const(const std::string& name) const {
  // A token configured with its own module is looked for there only.
  std::string module;
  if (auto it = host_.model().tokens.find(name); it != host_.model().tokens.end()) module = it->second.module;
  auto in_module = [&](const Slot& s) { return module.empty() || s.module->name() == module; };
  std::optional<TokenUri> uri;
  if (TokenUri::looks_like_uri(name)) {
    auto u = TokenUri::parse(name);
    if (!u) return nullptr;
    uri = std::move(*u);
  }
  const Slot* absent = nullptr;
  for (const auto& s : slots_) {
    if (!in_module(*s)) continue;
    bool match = uri ? s->present && uri->matches(s->info.raw) : (s->name == name || s->info.label == name);
    if (!match) continue;
    if (s->present) return s.get();
    if (!absent) absent = s.get();
  }
  return absent;
}

bool Tokens::known(const std::string& name) const { return find_const(name) != nullptr; }

Result<std::string> Tokens::do_login(Slot& s, const Secret& pin, bool automatic) {
  std::string head = "Token " + s.info.label + " is " + s.name + "\n";
  if (!s.present) return fail(Errc::kState, "Token " + who(s) + " is not inserted");
  if (s.link && s.link->active()) return head + "Token " + who(s) + " is already logged in\n";
  if (s.pins.admin_failures() >= config::kAdminPinRetries)
    return fail(Errc::kLimit, "Token " + who(s) + " is unusable: " + plural(s.pins.admin_failures(), "wrong admin PIN"));
  int max = max_retries(s);
  if (s.pins.user_failures() >= max)
    return fail(Errc::kLimit, "Token " + who(s) + " is blocked after " + plural(s.pins.user_failures(), "wrong PIN") +
                                  "; the admin must reset the user PIN (crypto pki token " + s.info.label +
                                  " admin login, then admin reset-pin)");
  // What the token itself says about its PIN (PKCS#11 v2.40 §5.5.5).
  if (auto now = pkcs11::read_slot(s.module, s.id); now && now->present) {
    s.info = now->token;
    if (s.info.flags & CKF_USER_PIN_LOCKED)
      return fail(Errc::kLimit, "Token " + who(s) + " has locked its user PIN; the admin must reset it");
    if (automatic && (s.info.flags & CKF_USER_PIN_FINAL_TRY))
      return fail(Errc::kLimit, "Token " + who(s) + " has one PIN try left: not spent on an automatic login; "
                                "log in by hand (crypto pki token " + s.info.label + " login)");
  }
  auto session = Session::open(s.module, s.id);
  if (!session) return fail(session.error().code, "Token login to " + who(s) + " failed: " + session.error().message);
  auto r = session->login(UserType::kUser, pin);
  if (!r) {
    if (!rv_is(r.error(), "CKR_PIN_INCORRECT"))
      return fail(r.error().code, "Token login to " + who(s) + " failed: " + r.error().message);
    s.pins.user_failed();
    int left = std::max(0, max - s.pins.user_failures());
    if (left == 0)
      log::event("CRYPTO", log::Level::kWarning, "TOKEN_PIN_BLOCKED",
                 "Token " + who(s) + " blocked after " + plural(s.pins.user_failures(), "wrong user PIN"));
    return fail(Errc::kAuthFailed, "Token login to " + who(s) + " failed: wrong PIN (" +
                                       plural(s.pins.user_failures(), "failed attempt") + ", " +
                                       std::to_string(left) + " left)");
  }
  s.pins.user_ok();
  s.link = std::make_shared<pkcs11::TokenLink>(s.info.label);
  s.link->attach(std::move(*session));
  activate(s);
  return head + "Token login to " + who(s) + " successful\n";
}

void Tokens::activate(Slot& s) {
  s.keys.clear();
  auto labels = s.link->with_session([](Session& ses) { return pkcs11::private_key_labels(ses); });
  if (labels) {
    for (auto& l : *labels) {
      auto pub = s.link->with_session([&](Session& ses) { return pkcs11::read_public_key(ses, l); });
      if (!pub) {
        log::warn("tokens: key " + l + " on " + who(s) + ": " + pub.error().message);
        continue;
      }
      s.keys[l] = std::make_shared<pkcs11::TokenSigner>(s.link, l, std::move(*pub));
    }
  } else {
    log::warn("tokens: keys on " + who(s) + ": " + labels.error().message);
  }
  s.keys_active = true;
  s.deactivate_at.reset();
  host_.keys_changed();
}

void Tokens::start_timeout(Slot& s, const std::string& why) {
  if (!s.keys_active || s.deactivate_at) return;
  auto t = removal_timeout(s);
  if (!t) {
    log::info("tokens: " + who(s) + " " + why + "; no removal timeout: its keys stay configured");
    return;
  }
  log::event("CRYPTO", log::Level::kWarning, "TOKENKEYTIMEOUT",
             "RSA keypairs for token " + s.info.label + " and associated IPSEC sessions will be deactivated in " +
                 std::to_string(*t) + " seconds");
  s.deactivate_at = clock_.now() + std::chrono::seconds(*t);
  if (*t == 0) deactivate(s);
}

void Tokens::deactivate(Slot& s) {
  log::event("CRYPTO", log::Level::kWarning, "TOKENKEYSDEACTIVATED",
             "RSA keypairs from token " + s.info.label + " and associated IPSEC sessions being deactivated now");
  auto tps = trustpoints_of(s);
  if (s.link) s.link->detach();
  s.keys.clear();
  s.keys_active = false;
  s.deactivate_at.reset();
  host_.keys_changed();
  if (!tps.empty()) host_.keys_deactivated(tps);
}

std::set<std::string> Tokens::trustpoints_of(const Slot& s) const {
  std::set<std::string> out;
  for (const auto& [name, tp] : host_.model().trustpoints) {
    std::string label = config::key_label(name, tp);
    if (TokenUri::looks_like_uri(label)) {
      auto u = TokenUri::parse(label);
      if (u && u->matches(s.info.raw) && s.keys.contains(u->object())) out.insert(name);
    } else if (s.keys.contains(label)) {
      out.insert(name);
    }
  }
  return out;
}

void Tokens::apply(const config::Model& m) {
  if (!started_ && (m.tokens.empty() && m.key_storage.empty())) return;
  bool fresh = !started_;
  ensure_started();
  if (fresh) return;  // ensure_started loaded the modules and logged in
  size_t before = modules_.size();
  for (auto& [name, tc] : m.tokens)
    if (!tc.module.empty()) load_module(tc.module);
  if (modules_.size() != before) {
    for (size_t i = before; i < modules_.size(); ++i) {
      auto slots = pkcs11::list_slots(modules_[i]);
      if (!slots) continue;
      for (auto& ts : *slots) {
        auto s = std::make_unique<Slot>();
        s->module = modules_[i];
        s->id = ts.id;
        s->name = "usbtoken" + std::to_string(slots_.size());
        slots_.push_back(std::move(s));
        if (holds_token(ts)) inserted(*slots_.back(), ts);
      }
    }
    watch();
  }
}

void Tokens::tick() {
  auto now = clock_.now();
  for (auto& s : slots_)
    if (s->deactivate_at && *s->deactivate_at <= now) deactivate(*s);
}

std::optional<TimePoint> Tokens::next_deadline() const {
  std::optional<TimePoint> best;
  for (auto& s : slots_)
    if (s->deactivate_at && (!best || *s->deactivate_at < *best)) best = s->deactivate_at;
  return best;
}

Result<std::string> Tokens::login(const std::string& name, const Secret& pin) {
  auto s = find(name);
  if (!s) return std::unexpected(s.error());
  (*s)->locked = false;
  return do_login(**s, pin, false);
}

Result<std::string> Tokens::logout(const std::string& name) {
  auto s = find(name);
  if (!s) return std::unexpected(s.error());
  Slot& t = **s;
  std::string head = "Token " + t.info.label + " is " + t.name + "\n";
  if (t.link && t.link->active()) {
    (void)t.link->with_session([](Session& ses) { return ses.logout(); });
    t.link->detach();
    start_timeout(t, "logged out");
  }
  return head + "Token logout from " + who(t) + " successful\n";
}

Result<std::string> Tokens::change_pin(const std::string& name, const Secret& old_pin, const Secret& new_pin) {
  auto s = find(name);
  if (!s) return std::unexpected(s.error());
  Slot& t = **s;
  if (!t.present) return fail(Errc::kState, "Token " + who(t) + " is not inserted");
  int max = max_retries(t);
  if (t.pins.user_failures() >= max)
    return fail(Errc::kLimit, "Token " + who(t) + " is blocked; the admin must reset the user PIN");
  // Before the current PIN is tried: a PIN the rule refuses costs no attempt.
  if (auto ok = check_new_pin(t, new_pin, "Token PIN change"); !ok) return std::unexpected(ok.error());
  auto set = [&](Session& ses) { return ses.set_pin(old_pin, new_pin); };
  Result<void> r;
  if (t.link && t.link->active()) {
    r = t.link->with_session(set);
  } else {
    auto ses = Session::open(t.module, t.id);
    if (!ses) return fail(ses.error().code, "Token PIN change on " + who(t) + " failed: " + ses.error().message);
    r = set(*ses);
  }
  if (!r) {
    if (rv_is(r.error(), "CKR_PIN_INCORRECT")) {
      t.pins.user_failed();
      return fail(Errc::kAuthFailed, "Token PIN change on " + who(t) + " failed: wrong PIN (" +
                                         plural(t.pins.user_failures(), "failed attempt") + ", " +
                                         std::to_string(std::max(0, max - t.pins.user_failures())) + " left)");
    }
    return fail(r.error().code, "Token PIN change on " + who(t) + " failed: " + r.error().message);
  }
  t.pins.user_ok();
  return "Token " + t.info.label + " is " + t.name + "\nToken PIN change on " + who(t) + " successful\n";
}

Result<std::string> Tokens::admin_login(const std::string& name, const Secret& pin) {
  auto s = find(name);
  if (!s) return std::unexpected(s.error());
  Slot& t = **s;
  if (!t.present) return fail(Errc::kState, "Token " + who(t) + " is not inserted");
  if (t.pins.admin_failures() >= config::kAdminPinRetries)
    return fail(Errc::kLimit, "Token " + who(t) + " is unusable: " + plural(t.pins.admin_failures(), "wrong admin PIN"));
  if (t.admin) return "Token " + who(t) + ": admin already logged in\n";
  auto ses = Session::open(t.module, t.id);
  if (!ses) return fail(ses.error().code, "Token admin login to " + who(t) + " failed: " + ses.error().message);
  auto r = ses->login(UserType::kSecurityOfficer, pin);
  if (!r) {
    if (rv_is(r.error(), "CKR_USER_ANOTHER_ALREADY_LOGGED_IN"))
      return fail(Errc::kState, "Token " + who(t) + ": the user is logged in; log out first (crypto pki token " +
                                    t.info.label + " logout)");
    if (rv_is(r.error(), "CKR_PIN_INCORRECT")) {
      t.pins.admin_failed();
      int left = std::max(0, config::kAdminPinRetries - t.pins.admin_failures());
      if (left == 0)
        log::event("CRYPTO", log::Level::kWarning, "TOKEN_ADMIN_PIN_BLOCKED",
                   "Token " + who(t) + " unusable after " + plural(t.pins.admin_failures(), "wrong admin PIN"));
      return fail(Errc::kAuthFailed, "Token admin login to " + who(t) + " failed: wrong admin PIN (" +
                                         plural(t.pins.admin_failures(), "failed attempt") + ", " +
                                         std::to_string(left) + " left)");
    }
    return fail(r.error().code, "Token admin login to " + who(t) + " failed: " + r.error().message);
  }
  t.pins.admin_ok();
  t.admin.emplace(std::move(*ses));
  return "Token " + t.info.label + " is " + t.name + "\nToken admin login to " + who(t) + " successful\n";
}

Result<std::string> Tokens::admin_logout(const std::string& name) {
  auto s = find(name);
  if (!s) return std::unexpected(s.error());
  Slot& t = **s;
  if (t.admin) (void)t.admin->logout();
  t.admin.reset();
  return "Token admin logout from " + who(t) + " successful\n";
}

Result<std::string> Tokens::admin_change_pin(const std::string& name, const Secret& old_pin, const Secret& new_pin) {
  auto s = find(name);
  if (!s) return std::unexpected(s.error());
  Slot& t = **s;
  if (!t.admin) return fail(Errc::kState, "Token " + who(t) + ": log in as admin first (crypto pki token " + name + " admin login)");
  auto r = t.admin->set_pin(old_pin, new_pin);
  if (!r) {
    if (rv_is(r.error(), "CKR_PIN_INCORRECT")) {
      t.pins.admin_failed();
      return fail(Errc::kAuthFailed, "Token admin PIN change on " + who(t) + " failed: wrong admin PIN (" +
                                         std::to_string(std::max(0, config::kAdminPinRetries - t.pins.admin_failures())) +
                                         " left)");
    }
    return fail(r.error().code, "Token admin PIN change on " + who(t) + " failed: " + r.error().message);
  }
  t.pins.admin_ok();
  return "Token admin PIN change on " + who(t) + " successful\n";
}

Result<std::string> Tokens::admin_reset_pin(const std::string& name, const Secret& new_pin) {
  auto s = find(name);
  if (!s) return std::unexpected(s.error());
  Slot& t = **s;
  if (!t.admin) return fail(Errc::kState, "Token " + who(t) + ": log in as admin first (crypto pki token " + name + " admin login)");
  if (auto ok = check_new_pin(t, new_pin, "Token user PIN reset"); !ok) return std::unexpected(ok.error());
  auto r = t.admin->init_pin(new_pin);
  if (!r) return fail(r.error().code, "Token user PIN reset on " + who(t) + " failed: " + r.error().message);
  t.pins.user_ok();
  return "Token user PIN reset on " + who(t) + " successful; the token is unblocked\n";
}

Result<std::string> Tokens::lock(const std::string& name) {
  auto s = find(name);
  if (!s) return std::unexpected(s.error());
  Slot& t = **s;
  auto out = logout(name);
  if (!out) return out;
  t.locked = true;
  return "Token " + who(t) + " locked: logged out, and no automatic login until unlock\n";
}

Result<std::string> Tokens::unlock(const std::string& name, const Secret& pin) {
  auto s = find(name);
  if (!s) return std::unexpected(s.error());
  Slot& t = **s;
  t.locked = false;
  if (!pin.empty()) return do_login(t, pin, false);
  const config::TokenConfig* tc = settings(t);
  if (!tc || tc->user_pin.empty())
    return fail(Errc::kInvalidArgument, "No user-pin configured for token " + t.info.label + ": give the PIN");
  return do_login(t, tc->user_pin, true);
}

Result<Tokens::Slot*> Tokens::find_logged_in(const std::string& name) {
  auto s = find(name);
  if (!s) return s;
  Slot& t = **s;
  if (!t.present) return fail(Errc::kState, "Token " + who(t) + " is not inserted");
  if (!t.link || !t.link->active())
    return fail(Errc::kState, "Token " + who(t) + " is not logged in (crypto pki token " + t.info.label + " login)");
  return s;
}

Result<void> Tokens::generate(const std::string& name, const std::string& label, bool rsa, int bits) {
  auto s = find_logged_in(name);
  if (!s) return std::unexpected(s.error());
  Slot& t = **s;
  if (t.keys.contains(label))
    return fail(Errc::kState, std::string("You already have ") + (rsa ? "RSA" : "EC") + " keys defined named " + label);
  auto r = t.link->with_session([&](Session& ses) {
    return rsa ? pkcs11::generate_rsa(ses, label, bits) : pkcs11::generate_ec(ses, label, bits);
  });
  if (!r) return fail(r.error().code, "Key generation on " + who(t) + " failed: " + r.error().message);
  activate(t);
  return {};
}

Result<void> Tokens::import_key(const std::string& name, const std::string& label, ByteView pkcs8, bool exportable) {
  auto s = find_logged_in(name);
  if (!s) return std::unexpected(s.error());
  Slot& t = **s;
  if (t.keys.contains(label)) return fail(Errc::kState, "Token " + who(t) + " already holds a key pair named " + label);
  auto r = t.link->with_session([&](Session& ses) { return pkcs11::import_key(ses, label, pkcs8, exportable); });
  if (!r) return fail(r.error().code, "Moving key pair " + label + " to " + who(t) + " failed: " + r.error().message);
  log::info("tokens: key pair " + label + " moved to " + who(t));
  activate(t);
  return {};
}

Result<size_t> Tokens::remove_keys(const std::string& name, const std::string& label, bool ec) {
  size_t n = 0;
  for (auto& sp : slots_) {
    Slot& t = *sp;
    if (!name.empty() && find_const(name) != &t) continue;
    if (!t.keys_active || !t.link || !t.link->active()) continue;
    std::vector<std::string> doomed;
    for (auto& [l, k] : t.keys)
      if ((label.empty() || l == label) && k->key().ecdsa() == ec) doomed.push_back(l);
    for (auto& l : doomed) {
      auto r = t.link->with_session([&](Session& ses) { return pkcs11::destroy_key_pair(ses, l); });
      if (!r) return fail(r.error().code, "Removing key pair " + l + " from " + who(t) + " failed: " + r.error().message);
      ++n;
    }
    if (!doomed.empty()) activate(t);
  }
  return n;
}

std::vector<config::KeyEntry> Tokens::key_entries(const std::string& name) const {
  std::vector<config::KeyEntry> out;
  for (const auto& sp : slots_) {
    const Slot& s = *sp;
    if (!s.keys_active || (!name.empty() && find_const(name) != &s)) continue;
    for (const auto& [l, k] : s.keys) {
      config::KeyEntry e;
      e.label = l;
      e.info = k->key();
      e.exportable = false;  // sensitive: the clear key never leaves the token
      unsigned char* der = nullptr;
      int len = i2d_PUBKEY(const_cast<EVP_PKEY*>(k->public_key()), &der);
      if (len > 0) e.public_der.assign(der, der + len);
      OPENSSL_free(der);
      e.device = s.name + " (label=" + s.info.label + ")";
      out.push_back(std::move(e));
    }
  }
  return out;
}

std::shared_ptr<const crypto::Signer> Tokens::signer(const std::string& label) const {
  if (TokenUri::looks_like_uri(label)) {
    auto u = TokenUri::parse(label);
    if (!u) return nullptr;
    for (const auto& s : slots_)
      if (s->keys_active && s->present && u->matches(s->info.raw))
        if (auto it = s->keys.find(u->object()); it != s->keys.end()) return it->second;
    return nullptr;
  }
  for (const auto& s : slots_)
    if (s->keys_active)
      if (auto it = s->keys.find(label); it != s->keys.end()) return it->second;
  return nullptr;
}

std::string Tokens::show(const std::string& name, bool detail) const {
  std::string out;
  for (const auto& sp : slots_) {
    const Slot& s = *sp;
    if (!name.empty() && find_const(name) != &s) continue;
    if (s.info.label.empty() && !s.present) continue;  // an empty slot that never held a token
    bool logged_in = s.link && s.link->active();
    int max = max_retries(s);
    out += "Token " + (s.info.label.empty() ? std::string("(none)") : s.info.label) + " is " + s.name + "\n";
    out += "  Inserted: " + std::string(s.present ? "yes" : "no") + "\n";
    out += "  Login: " + std::string(logged_in ? "user logged in" : s.locked ? "locked" : "not logged in") +
           (s.admin ? ", admin logged in" : "") + "\n";
    out += "  Keys: " + std::string(s.keys_active ? "active" : "not active");
    if (s.deactivate_at) {
      auto left = std::chrono::duration_cast<std::chrono::seconds>(*s.deactivate_at - clock_.now()).count();
      out += ", deactivated in " + std::to_string(std::max<long>(0, left)) + " s";
    }
    out += "\n";
    for (const auto& [l, k] : s.keys) out += "    " + l + " (" + k->key().str() + ")\n";
    out += "  User PIN: " + plural(s.pins.user_failures(), "failed attempt") + ", " +
           std::to_string(std::max(0, max - s.pins.user_failures())) + " left" +
           (s.pins.user_failures() >= max ? " (blocked)" : "") + "\n";
    out += "  Admin PIN: " + plural(s.pins.admin_failures(), "failed attempt") + ", " +
           std::to_string(std::max(0, config::kAdminPinRetries - s.pins.admin_failures())) + " left\n";
    auto policy = pin_policy(s);
    out += "  PIN policy: " + std::string(config::pin_policy_name(policy)) +
           (policy == config::PinPolicy::kNone || !detail ? "" : " (" + config::pin_policy_text(policy) + ")") + "\n";
    auto t = removal_timeout(s);
    out += "  Removal timeout: " + (t ? std::to_string(*t) + " s" : std::string("none (keys stay)")) + "\n";
    if (detail) {
      out += "  Slot: " + std::to_string(s.id) + " in module " + s.module->name() + "\n";
      out += "  Manufacturer: " + s.info.manufacturer + ", model: " + s.info.model + ", serial: " + s.info.serial + "\n";
      std::string flags;
      if (s.info.flags & CKF_USER_PIN_COUNT_LOW) flags += " user-PIN-count-low";
      if (s.info.flags & CKF_USER_PIN_FINAL_TRY) flags += " user-PIN-final-try";
      if (s.info.flags & CKF_USER_PIN_LOCKED) flags += " user-PIN-locked";
      if (s.info.flags & CKF_SO_PIN_LOCKED) flags += " admin-PIN-locked";
      out += "  Token PIN flags:" + (flags.empty() ? std::string(" none") : flags) + "\n";
    }
  }
  if (out.empty()) return name.empty() ? "No tokens\n" : "Token " + name + " not found\n";
  return out;
}

}  // namespace kg::daemon
