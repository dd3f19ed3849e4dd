// One piece of an exchange (strongSwan's task model): each task adds its
// payloads to a message and consumes its payloads from the peer's message.
// The role is fixed at construction: an initiator task runs build_i then
// process_i, a responder task process_r then build_r.
#pragma once
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "ike/ike_sa.h"

namespace kg::ike {

enum class TaskStatus {
  kDone,    // the task finished successfully
  kRetry,   // initiator: send the exchange again (INVALID_KE_PAYLOAD, COOKIE)
  kFailed,  // the exchange failed; the IKE SA goes down
  // The task put slow work in TaskEnv::wait. The driver hands it to the
  // daemon, passes its result to resume() and then calls the same method
  // again, which goes on from where it stopped. (build_i, which returns no
  // status, waits by setting TaskEnv::wait alone.)
  kPending,
  // The exchange needs another round trip (IKE_AUTH with EAP, RFC 7296
  // §2.16): the initiator sends another request of the same exchange, built
  // by this task alone; the responder answers with this task's payloads and
  // gives it the next request. The tasks after it see the exchange's last
  // response (initiator) or first request (responder) once it is done.
  kContinue,
};

class Task {
 public:
  virtual ~Task() = default;
  virtual const char* name() const = 0;
  // Initiator.
  virtual Result<void> build_i(IkeSa&, TaskEnv&, std::vector<TypedPayload>&) { return {}; }
  virtual TaskStatus process_i(IkeSa&, TaskEnv&, const std::vector<TypedPayload>&) { return TaskStatus::kDone; }
  // Responder. process_r may set `error` (the notify to answer with).
  virtual TaskStatus process_r(IkeSa&, TaskEnv&, const std::vector<TypedPayload>&) { return TaskStatus::kDone; }
  virtual void build_r(IkeSa&, TaskEnv&, std::vector<TypedPayload>&) {}
  // The result of the work this task waited for (kPending).
  virtual void resume(IkeSa&, TaskEnv&, WorkResult&) {}
  std::optional<NotifyType> error;
  // true when a failed task should only drop its part (CHILD_SA) and keep the IKE SA.
  virtual bool fatal() const { return true; }
  // The exchange this task runs in when it leads a queued request.
  virtual ExchangeType exchange() const { return ExchangeType::kInformational; }
  // A queued request whose purpose went away (its CHILD_SA was deleted or
  // rekeyed by the peer meanwhile) is skipped instead of sent.
  virtual bool obsolete(const IkeSa&) const { return false; }
};

using TaskList = std::vector<std::unique_ptr<Task>>;

// The tasks of one exchange; null entries (optional tasks) are skipped.
template <class... T>
TaskList tasks_of(T... tasks) {
  TaskList t;
  ((tasks ? t.push_back(std::move(tasks)) : void()), ...);
  return t;
}

std::unique_ptr<Task> make_ike_init(bool initiator);
std::unique_ptr<Task> make_ike_natd(bool initiator);
std::unique_ptr<Task> make_ike_auth(bool initiator);
std::unique_ptr<Task> make_ike_auth_caps();
std::unique_ptr<Task> make_ike_fragmentation();  // IKE_SA_INIT: N(IKEV2_FRAGMENTATION_SUPPORTED), RFC 7383  // IKE_SA_INIT: N(SIGNATURE_HASH_ALGORITHMS), CERTREQ
std::unique_ptr<Task> make_child_create(bool initiator);      // in IKE_AUTH
std::unique_ptr<Task> make_child_create_new(bool initiator);  // CREATE_CHILD_SA, a new CHILD_SA (§1.3.1)
std::unique_ptr<Task> make_child_rekey(uint32_t spi_in);      // initiator: rekey our child spi_in (§1.3.3)
std::unique_ptr<Task> make_child_rekey_responder();
std::unique_ptr<Task> make_ike_rekey(bool initiator);         // §1.3.2, §2.18
std::unique_ptr<Task> make_ike_delete(bool initiator);
std::unique_ptr<Task> make_child_delete();  // responder
std::unique_ptr<Task> make_child_delete(std::vector<uint32_t> spis_in);  // initiator, our inbound SPIs
std::unique_ptr<Task> make_ike_dpd();       // initiator: empty INFORMATIONAL (§1.4)
std::unique_ptr<Task> make_ike_contact(bool initiator);  // N(INITIAL_CONTACT) in IKE_AUTH (§2.4)
std::unique_ptr<Task> make_ike_config(bool initiator);

// Helpers shared by tasks.
TypedPayload notify(NotifyType t, Bytes data = {});
uint64_t spi_of(ByteView b);
void emit_remove_children(IkeSa& sa, TaskEnv& env);
// Up once per SA, down only after up (IkeSa::session_up), so the daemon can
// count the sessions of an interface across rekeys and replacements.
void emit_session(IkeSa& sa, TaskEnv& env, bool up);
// Responder, before creating the CHILD_SA: the peer's selectors are its
// assigned address and accepted subnets when the configuration exchange gave
// any (tasks/ike_config.cc).
void apply_config_selectors(const IkeSa& sa, ChildConfig& child);
Bytes spi_bytes(uint32_t spi);
// §2.8.1: octet by octet; a nonce that is a prefix of the other is lower.
bool nonce_less(ByteView a, ByteView b);
// Whether a task of this name is the exchange in flight.
bool in_flight(const IkeSa& sa, std::string_view task_name);

}  // namespace kg::ike
