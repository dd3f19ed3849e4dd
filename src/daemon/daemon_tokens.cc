// The daemon side of the tokens part (tokens.h): its keys as a KeyStorage
// (token_storage.h), its event fd on the loop, and what a deactivation does to the
// IKE SAs.
#include <sys/epoll.h>

#include "common/log.h"
#include "daemon/daemon.h"
#include "daemon/token_commands.h"
#include "daemon/token_storage.h"

namespace kg::daemon {

void Daemon::start_tokens() {
  tokens_ = std::make_unique<Tokens>(tokens_host_, clock_, opts_.state_dir);
  config_->keys().add_storage(std::make_shared<TokenStorage>(*tokens_));
  register_token_commands(*config_, *tokens_);
}

const config::Model& Daemon::TokensHost::model() const { return d.config_->model(); }

void Daemon::TokensHost::watch_fd(int fd) {
  Daemon* self = &d;
  (void)d.loop_->add_fd(fd, EPOLLIN, [self](uint32_t) {
    self->tokens_->on_events();
    self->reschedule();
  });
}

void Daemon::TokensHost::keys_changed() {
  d.config_->refresh_keys();
  d.tunnels_.credentials_changed();
}

void Daemon::TokensHost::keys_deactivated(const std::set<std::string>& trustpoints) {
  std::string names;
  for (auto& n : trustpoints) names += (names.empty() ? "" : ", ") + n;
  log::info("tokens: deleting the IKE SAs signed with trustpoint(s) " + names);
  d.ike_->delete_sessions_signed_with(trustpoints);
}

}  // namespace kg::daemon
