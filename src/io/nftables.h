// nftables through libnftables (the library the `nft` tool is built on), in
// the daemon's own process: it keeps CAP_NET_ADMIN after the privilege drop
// (daemon/privileges.h), which an exec'd `nft` would not get back. Each
// run() is one nft script applied as one transaction, all of it or nothing,
// as `nft -f` does. Users: crypto map steering (daemon/crypto_map_steering.h)
// and ip access-group on a Virtual-Access (daemon/session_filters.h).
#pragma once
#include <memory>
#include <string>

#include "common/result.h"

namespace kg::io {

class Nftables {
 public:
  virtual ~Nftables() = default;
  // An nft script, one command a line ("add table inet keygate\n..."); the
  // error carries nft's own message.
  virtual Result<void> run(const std::string& script) = 0;
  // The output of a listing command ("list tables").
  virtual Result<std::string> list(const std::string& command) = 0;
  static Result<std::unique_ptr<Nftables>> open();
};

}  // namespace kg::io
