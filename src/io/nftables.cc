#include "io/nftables.h"

#include <nftables/libnftables.h>

namespace kg::io {
namespace {

class LibNftables final : public Nftables {
 public:
  explicit LibNftables(nft_ctx* ctx) : ctx_(ctx) {}
  ~LibNftables() override { nft_ctx_free(ctx_); }
  LibNftables(const LibNftables&) = delete;
  LibNftables& operator=(const LibNftables&) = delete;

  Result<void> run(const std::string& script) override {
    if (auto r = list(script); !r) return std::unexpected(r.error());
    return {};
  }

  Result<std::string> list(const std::string& command) override {
    int rc = nft_run_cmd_from_buffer(ctx_, command.c_str());
    std::string out = nft_ctx_get_output_buffer(ctx_);
    std::string why = nft_ctx_get_error_buffer(ctx_);
    if (rc == 0) return out;
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
  // Output and errors into buffers (for our log lines), nothing on
  // keygated's stdout or stderr.
  if (nft_ctx_buffer_error(ctx) != 0 || nft_ctx_buffer_output(ctx) != 0) {
    nft_ctx_free(ctx);
    return fail(Errc::kIo, "nftables: cannot buffer output");
  }
  return std::unique_ptr<Nftables>(new LibNftables(ctx));
}

}  // namespace kg::io
