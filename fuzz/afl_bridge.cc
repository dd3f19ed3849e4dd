// Coverage for AFL++ from GCC's own instrumentation (make fuzz).
//
// Debian 12's AFL++ GCC plugin refuses to load into Debian's GCC 12 ("GCC and
// plugin have incompatible versions"), and clang 14 cannot compile this tree.
// GCC itself can instrument every basic block with -fsanitize-coverage=trace-pc,
// which calls __sanitizer_cov_trace_pc(); this file turns each call into an
// edge hit in AFL++'s shared coverage map (__afl_area_ptr, set up by AFL++'s
// runtime, afl-compiler-rt.o, which also runs the fork server and the
// persistent loop of libAFLDriver.a). An edge is the pair (previous block,
// this block), hashed as AFL's own instrumentation does: the current block's
// id xor the previous one shifted, so A->B and B->A differ.
#include <cstdint>

extern "C" uint8_t* __afl_area_ptr;  // AFL++'s map (64 KiB unless AFL_MAP_SIZE)

namespace {
constexpr uintptr_t kMapMask = (1u << 16) - 1;
thread_local uintptr_t prev_block = 0;
}  // namespace

// Not instrumented itself (it would call itself), and kept out of the
// sanitizers: it runs at every basic block of the target.
extern "C" [[gnu::no_sanitize_coverage, gnu::no_sanitize("address", "undefined")]] void
__sanitizer_cov_trace_pc() {
  auto pc = reinterpret_cast<uintptr_t>(__builtin_return_address(0));
  uintptr_t block = ((pc ^ (pc >> 12)) * 0x9e3779b1u) & kMapMask;
  __afl_area_ptr[block ^ prev_block]++;
  prev_block = block >> 1;
}
