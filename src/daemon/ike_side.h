// The daemon's IKE side: the engine (src/ike), fed its inputs, and the one
// place where its actions are sent on to the part each is for:
//   SendPacket, InstallChildSa, UpdateChildSaPeer, RemoveChildSa,
//     RetireChildSa          -> the data path
//   ReleaseConfig            -> remote access (a pool lease ends)
//   SessionEvent, PeerDead   -> remote access, the tunnels, FlexVPN
//   PeerAnswered             -> FlexVPN (a peer reactivate probe)
//   WorkRequest              -> off the event loop (the daemon's work queue, or
//                               its crypto workers for a DhWork); its result
//                               comes back here, to Engine::resume.
// It reaches those parts only through Host, so the routing is tested with a
// fake Host on a fake clock, without sockets or threads.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ike/engine.h"

namespace kg::daemon {

class IkeSide {
 public:
  // Where the engine's actions go.
  class Host {
   public:
    virtual ~Host() = default;
    // The data path.
    virtual void send(const ike::SendPacket& p) = 0;
    virtual void install(const ike::InstallChildSa& sa) = 0;
    virtual void update_peer(const ike::UpdateChildSaPeer& u) = 0;
    virtual void remove(const ike::RemoveChildSa& sa) = 0;
    virtual void retire(const ike::RetireChildSa& sa) = 0;
    // Remote access.
    virtual void release(const ike::ReleaseConfig& rc) = 0;
    // Sessions and peers, for remote access, the tunnels and FlexVPN.
    virtual void session(const ike::SessionEvent& ev) = 0;
    virtual void peer_dead(const ike::PeerDead& ev) = 0;
    virtual void peer_answered(const ike::PeerAnswered& a) = 0;
    // Runs `job` off the event loop (it may block); the completion it
    // returns runs on the loop.
    virtual void off_loop(std::function<std::function<void()>()> job) = 0;
    // The same for CPU work (a Diffie-Hellman: ike::DhWork), on the crypto
    // workers, one per core, so that other peers' exchanges go on meanwhile.
    virtual void compute(std::function<std::function<void()>()> job) = 0;
    // A batch of actions is done: the engine's next deadline may have moved.
    virtual void actions_done() = 0;
  };

  IkeSide(std::unique_ptr<ike::Engine> engine, Host& host) : engine_(std::move(engine)), host_(host) {}

  [[nodiscard]] ike::Engine& engine() { return *engine_; }
  [[nodiscard]] const ike::Engine& engine() const { return *engine_; }

  // The engine's inputs (engine.h); each carries out the actions that follow.
  void on_packet(const Endpoint& local, const Endpoint& remote, ByteView data) {
    execute(engine_->on_packet(local, remote, data));
  }
  void on_timer() { execute(engine_->on_timer()); }
  void initiate(const ike::InitiateRequest& req) { execute(engine_->initiate(req)); }
  void probe(uint64_t id, const Endpoint& local, const Endpoint& remote) { execute(engine_->probe(id, local, remote)); }
  void peer_moved(uint32_t spi_in, const Endpoint& remote) { execute(engine_->peer_moved(spi_in, remote)); }
  void delete_sessions(const std::string& interface) { execute(engine_->delete_sessions(interface)); }
  void delete_sessions_signed_with(const std::set<std::string>& trustpoints) {
    execute(engine_->delete_sessions_signed_with(trustpoints));
  }
  void delete_sessions_to(const Endpoint& remote) { execute(engine_->delete_sessions_to(remote)); }
  void on_child_limit(uint32_t spi_in, bool hard) { execute(engine_->on_child_limit(spi_in, hard)); }

  // Sends each action on to its part, in order.
  void execute(std::vector<ike::Action> actions) { execute(std::move(actions), own_resume()); }
  // The same for another engine's actions (the IKEv1 engine shares the data
  // path and the work queue): its WorkRequests come back through `resume`.
  using Resume = std::function<std::vector<ike::Action>(uint64_t id, ike::WorkResult result)>;
  void execute(std::vector<ike::Action> actions, const Resume& resume);

 private:
  // A WorkRequest: done off the loop, resumed on it.
  void run_work(ike::WorkRequest w, const Resume& resume);
  template <class Answer, class Begin>
  void resume_on_loop(uint64_t id, const Resume& resume, Begin begin);
  Resume own_resume() {
    return [this](uint64_t id, ike::WorkResult r) { return engine_->resume(id, std::move(r)); };
  }

  std::unique_ptr<ike::Engine> engine_;
  Host& host_;
};

}  // namespace kg::daemon
