// The token commands that act on keygated's tokens (tokens.h): exec
// `crypto pki token NAME login|logout|change-pin|admin ...|label|lock|unlock`,
// `show crypto pki token [NAME] [detail]`, and configuration-mode
// `crypto key generate rsa|ec ... storage TOKEN` (an action, not saved).
// A PIN left off the line is asked without echo.
#pragma once
#include "config/session.h"
#include "daemon/tokens.h"

namespace kg::daemon {

void register_token_commands(config::Config& config, Tokens& tokens);

}  // namespace kg::daemon
