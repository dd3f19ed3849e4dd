// nftables through libnftables (the library behind `nft`): a batch of nft
// commands is applied atomically, all or nothing, as `nft -f` does.
#pragma once
#include <memory>
#include <string>

#include "common/result.h"

struct nft_ctx;

namespace kg::io {

class Nftables {
 public:
  static Result<std::unique_ptr<Nftables>> open();
  ~Nftables();
  Nftables(const Nftables&) = delete;
  Nftables& operator=(const Nftables&) = delete;
  // Runs `commands` (nft syntax, one command a line) as one transaction;
  // the error is nft's own message.
  Result<void> run(const std::string& commands);
  // The output of a listing command ("list tables").
  Result<std::string> list(const std::string& command);

 private:
  Nftables() = default;
  nft_ctx* ctx_ = nullptr;
};

}  // namespace kg::io
