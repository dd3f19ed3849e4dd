// show crypto engine: which library runs the ESP data path's cryptography
// (crypto/crypto_engine.h), in the shape of IOS's "crypto engine name /
// type / state" blocks, one block per engine.
#pragma once
#include <string>

#include "config/session.h"

namespace kg::daemon {

void register_crypto_engine_show(config::Config& cfg);
// The command's answer, IOS text or (json) a JSON document.
std::string show_crypto_engine(bool json);

}  // namespace kg::daemon
