// One piece of an exchange (strongSwan's task model): each task adds its
// payloads to a message and consumes its payloads from the peer's message.
// The role is fixed at construction: an initiator task runs build_i then
// process_i, a responder task process_r then build_r.
#pragma once
#include <memory>
#include <optional>
#include <vector>

#include "ike/ike_sa.h"

namespace kg::ike {

enum class TaskStatus {
  kDone,    // the task finished successfully
  kRetry,   // initiator: send the exchange again (INVALID_KE_PAYLOAD, COOKIE)
  kFailed,  // the exchange failed; the IKE SA goes down
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
  std::optional<NotifyType> error;
  // true when a failed task should only drop its part (CHILD_SA) and keep the IKE SA.
  virtual bool fatal() const { return true; }
};

using TaskList = std::vector<std::unique_ptr<Task>>;

std::unique_ptr<Task> make_ike_init(bool initiator);
std::unique_ptr<Task> make_ike_natd(bool initiator);
std::unique_ptr<Task> make_ike_auth(bool initiator);
std::unique_ptr<Task> make_child_create(bool initiator);
std::unique_ptr<Task> make_ike_delete(bool initiator);
std::unique_ptr<Task> make_child_delete();  // responder only
std::unique_ptr<Task> make_ike_config(bool initiator);

// Helpers shared by tasks.
TypedPayload notify(NotifyType t, Bytes data = {});
uint64_t spi_of(ByteView b);
void emit_remove_children(IkeSa& sa, TaskEnv& env);
void emit_session(IkeSa& sa, TaskEnv& env, bool up);
// Responder, before creating the CHILD_SA: the peer's selectors are its
// assigned address and accepted subnets when the configuration exchange gave
// any (tasks/ike_config.cc).
void apply_config_selectors(const IkeSa& sa, ChildConfig& child);

}  // namespace kg::ike
