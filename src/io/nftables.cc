#include "io/nftables.h"

#include <nftables/libnftables.h>

namespace kg::io {

Result<std::unique_ptr<Nftables>> Nftables::open() {
  std::unique_ptr<Nftables> n(new Nftables());
  n->ctx_ = nft_ctx_new(NFT_CTX_DEFAULT);
  if (!n->ctx_) return fail(Errc::kIo, "nft_ctx_new");
  // Output and errors into buffers: nothing on keygated's stdout/stderr.
  if (nft_ctx_buffer_output(n->ctx_) != 0 || nft_ctx_buffer_error(n->ctx_) != 0)
    return fail(Errc::kIo, "nft_ctx_buffer_output");
  return n;
}

Nftables::~Nftables() {
  if (ctx_) nft_ctx_free(ctx_);
}

Result<void> Nftables::run(const std::string& commands) {
  if (auto r = list(commands); !r) return std::unexpected(r.error());
  return {};
}

Result<std::string> Nftables::list(const std::string& command) {
  int rc = nft_run_cmd_from_buffer(ctx_, command.c_str());
  std::string out = nft_ctx_get_output_buffer(ctx_);
  std::string err = nft_ctx_get_error_buffer(ctx_);
  if (rc != 0) {
    while (!err.empty() && err.back() == '\n') err.pop_back();
    return fail(Errc::kIo, "nft: " + (err.empty() ? std::string("failed") : err));
  }
  return out;
}

}  // namespace kg::io
