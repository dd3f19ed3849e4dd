// Creating one CHILD_SA (ESP, tunnel mode or, when both sides send
// N(USE_TRANSPORT_MODE) (RFC 7296 §1.3.1), transport mode; plain or
// UDP-encapsulated, RFC 3948):
//  - inside IKE_AUTH, keyed from the IKE SA's nonces (RFC 7296 §1.2, §2.17);
//  - in CREATE_CHILD_SA (§1.3.1), with fresh nonces and, with `set pfs` or
//    when the peer asks, a D-H exchange whose g^ir enters KEYMAT (§2.17);
//  - for a rekey (§1.3.3), wrapped by ChildRekey, which adds N(REKEY_SA) and
//    the collision rules.
// The responder of a CREATE_CHILD_SA installs its SA with deferred outbound
// (the initiator learns the SA only from our response).
#pragma once
#include <memory>

#include "crypto/dh.h"
#include "ike/task.h"

namespace kg::ike {

class ChildCreate final : public Task {
 public:
  enum class Mode { kIkeAuth, kCreateChildSa };
  ChildCreate(bool initiator, Mode mode) : initiator_(initiator), mode_(mode) {}
  const char* name() const override { return "CHILD_CREATE"; }
  ExchangeType exchange() const override {
    return mode_ == Mode::kIkeAuth ? ExchangeType::kIkeAuth : ExchangeType::kCreateChildSa;
  }
  // Only the IKE_AUTH initiator's CHILD_SA failure takes the IKE SA down.
  bool fatal() const override { return initiator_ && mode_ == Mode::kIkeAuth; }

  // Initiator of a rekey: propose the old SA's negotiated selectors.
  void rekeying(const ChildSa& old);

  Result<void> build_i(IkeSa& sa, TaskEnv& env, std::vector<TypedPayload>& out) override;
  TaskStatus process_i(IkeSa& sa, TaskEnv& env, const std::vector<TypedPayload>& in) override;
  TaskStatus process_r(IkeSa& sa, TaskEnv& env, const std::vector<TypedPayload>& in) override;
  void build_r(IkeSa& sa, TaskEnv& env, std::vector<TypedPayload>& out) override;

  // After the exchange.
  [[nodiscard]] uint32_t spi_in() const { return spi_in_; }
  [[nodiscard]] const Bytes& ni() const { return ni_; }
  [[nodiscard]] const Bytes& nr() const { return nr_; }
  // The D-H group whose g^ir entered KEYMAT (kNone: no PFS).
  [[nodiscard]] DhGroup pfs_group() const { return dh_ ? group_ : DhGroup::kNone; }
  // The error notify the peer answered our request with (initiator).
  [[nodiscard]] std::optional<NotifyType> refused() const { return refused_; }

 private:
  bool in_ike_auth() const { return mode_ == Mode::kIkeAuth; }
  bool install(IkeSa& sa, TaskEnv& env, const EspChoice& choice, const std::vector<TrafficSelector>& tsi,
               const std::vector<TrafficSelector>& tsr);
  TaskStatus answer_error(IkeSa& sa, TaskEnv& env, const NotifyPayload& n);

  bool initiator_;
  Mode mode_;
  uint32_t spi_in_ = 0;
  EspChoice chosen_;
  Bytes ni_, nr_;                              // CREATE_CHILD_SA nonces
  DhGroup group_ = DhGroup::kNone;             // PFS group of this exchange
  std::unique_ptr<crypto::KeyExchange> dh_;
  Secret g_ir_;
  std::vector<TrafficSelector> ts_local_, ts_remote_;  // proposed (initiator)
  std::optional<NotifyType> refused_;
  bool retried_ke_ = false;
  bool transport_ = false;  // both sides sent N(USE_TRANSPORT_MODE)
};

}  // namespace kg::ike
