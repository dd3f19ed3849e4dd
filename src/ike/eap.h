// EAP inside IKE_AUTH (RFC 7296 §2.16): the responder is the EAP
// authenticator and asks a back end, chosen by its profile, what to answer.
// The back end is an interface (STYLE.md §7): an in-process method with a
// local user table (aaa/eap_md5.h) answers at once; a RADIUS relay will
// answer later, so a step may be handed to the daemon (engine.h EapWork)
// and its result come back through Engine::resume.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/secret.h"

namespace kg::ike {

// What the back end answers to one EAP message of the peer.
struct EapStep {
  enum class Kind { kRequest, kSuccess, kFailure };
  Kind kind = Kind::kFailure;
  Bytes message;       // the EAP packet for the peer (Request, Success or Failure)
  Secret msk;          // kSuccess of a key-generating method; empty for EAP-MD5
  std::string user;    // the EAP identity, once known (logs)
  std::string reason;  // kFailure: why, for the log (never a secret)
};

// One EAP conversation: one per IKE SA, on the responder.
class EapConversation {
 public:
  virtual ~EapConversation() = default;
  // Does step() answer without blocking or waiting for the network? Then
  // the engine calls it inline; otherwise the daemon does (EapWork).
  [[nodiscard]] virtual bool completes_at_once() const { return true; }
  // The peer's EAP packet; empty: begin the conversation (the first Request).
  virtual EapStep step(ByteView response) = 0;

  // A back end that waits for the network without blocking (the RADIUS
  // relay, aaa/radius_eap.h) answers on the daemon's event loop: the daemon
  // calls begin_step there instead of step() on its worker thread, and
  // `done` brings the answer later, on the loop, never from inside
  // begin_step.
  using StepDone = std::function<void(EapStep)>;
  [[nodiscard]] virtual bool answers_on_loop() const { return false; }
  virtual void begin_step(ByteView response, StepDone done) { done(step(response)); }
};

class EapAuthenticator {
 public:
  virtual ~EapAuthenticator() = default;
  // A conversation with the peer whose IKE identity is `ike_id` (printable).
  [[nodiscard]] virtual std::shared_ptr<EapConversation> start(std::string_view ike_id) const = 0;
};

}  // namespace kg::ike
