// show crypto engine: which library runs the ESP data path's cryptography
// (crypto/crypto_engine.h), in the shape of IOS's "crypto engine name /
// type / state" blocks, one block per engine.
#pragma once
#include <functional>
#include <string>

#include "config/session.h"

namespace kg::daemon {

// `esp_io` says how plain ESP packets leave and arrive (AF_XDP or the raw
// socket, esp/esp_socket.h): shown after the engine blocks when set.
void register_crypto_engine_show(config::Config& cfg, std::function<std::string()> esp_io = {});
// The command's answer, IOS text or (json) a JSON document.
std::string show_crypto_engine(bool json, const std::string& esp_io = {});

}  // namespace kg::daemon
