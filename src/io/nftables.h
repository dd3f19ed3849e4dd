// nftables through libnftables (the library the `nft` tool is built on), in
// the daemon's own process: it keeps CAP_NET_ADMIN after the privilege drop
// (daemon/privileges.h), which an exec'd `nft` would not get back. Each
// run() is one nft script applied as one transaction: all of it or nothing.
#pragma once
#include <memory>
#include <string>

#include "common/result.h"

struct nft_ctx;

namespace kg::io {

class Nftables {
 public:
  virtual ~Nftables() = default;
  // An nft script ("add table inet keygate\n..."); the error carries nft's
  // own message.
  virtual Result<void> run(const std::string& script) = 0;
  static Result<std::unique_ptr<Nftables>> open();
};

}  // namespace kg::io
