#include "io/nftables.h"

#include <nftables/libnftables.h>

#include <cstring>

namespace kg::io {
namespace {

class LibNftables final : public Nftables {
 public:
  explicit LibNftables(nft_ctx* ctx) : ctx_(ctx) {}
  ~LibNftables() override { nft_ctx_free(ctx_); }

  Result<void> run(const std::string& script) override {
    if (nft_run_cmd_from_buffer(ctx_, script.c_str()) == 0) return {};
    std::string why = nft_ctx_get_error_buffer(ctx_) ? nft_ctx_get_error_buffer(ctx_) : "";
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return fail(Errc::kIo, "nftables: " + (why.empty() ? std::string("rejected") : why));
  }

 private:
  nft_ctx* ctx_;
};

}  // namespace

Result<std::unique_ptr<Nftables>> Nftables::open() {
  nft_ctx* ctx = nft_ctx_new(NFT_CTX_DEFAULT);
  if (!ctx) return fail(Errc::kIo, "nftables: cannot create a context");
  // Errors into a buffer for our log line, not onto keygated's stderr.
  if (nft_ctx_buffer_error(ctx) != 0 || nft_ctx_buffer_output(ctx) != 0) {
    nft_ctx_free(ctx);
    return fail(Errc::kIo, "nftables: cannot buffer output");
  }
  return std::unique_ptr<Nftables>(new LibNftables(ctx));
}

}  // namespace kg::io
