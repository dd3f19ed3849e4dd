#include "io/xdp_program.h"

#include <linux/bpf.h>
#include <linux/if_link.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace kg::io {
namespace {

long bpf(int cmd, bpf_attr& attr) { return syscall(__NR_bpf, cmd, &attr, sizeof attr); }

std::string err(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// Instruction encoders (the subset the filter needs; see the kernel's
// Documentation/bpf/standardization/instruction-set.rst).
bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
  bpf_insn i{};
  i.code = code;
  i.dst_reg = dst & 0xf;
  i.src_reg = src & 0xf;
  i.off = off;
  i.imm = imm;
  return i;
}
bpf_insn mov_reg(uint8_t d, uint8_t s) { return insn(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0); }
bpf_insn mov_imm(uint8_t d, int32_t k) { return insn(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, k); }
bpf_insn add_imm(uint8_t d, int32_t k) { return insn(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, k); }
bpf_insn and_imm(uint8_t d, int32_t k) { return insn(BPF_ALU64 | BPF_AND | BPF_K, d, 0, 0, k); }
bpf_insn load(uint8_t size, uint8_t d, uint8_t s, int16_t off) { return insn(BPF_LDX | BPF_MEM | size, d, s, off, 0); }
bpf_insn store(uint8_t size, uint8_t d, int16_t off, uint8_t s) { return insn(BPF_STX | BPF_MEM | size, d, s, off, 0); }
bpf_insn call(int32_t helper) { return insn(BPF_JMP | BPF_CALL, 0, 0, 0, helper); }
bpf_insn exit_insn() { return insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0); }

// Builds the program; jumps to "pass" are patched once its place is known.
class Assembler {
 public:
  void emit(bpf_insn i) { code_.push_back(i); }
  void map_fd(uint8_t d, int fd) {  // two-slot load of a map reference
    emit(insn(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_FD, 0, fd));
    emit(insn(0, 0, 0, 0, 0));
  }
  // Jump to "pass" on a condition against a register or a constant.
  void to_pass_reg(uint8_t op, uint8_t d, uint8_t s) { mark(insn(BPF_JMP | op | BPF_X, d, s, 0, 0)); }
  void to_pass_imm(uint8_t op, uint8_t d, int32_t k) { mark(insn(BPF_JMP | op | BPF_K, d, 0, 0, k)); }
  std::vector<bpf_insn> finish_with_pass() {
    size_t pass = code_.size();
    for (size_t at : fixups_) code_[at].off = int16_t(pass - at - 1);
    emit(mov_imm(BPF_REG_0, XDP_PASS));
    emit(exit_insn());
    return std::move(code_);
  }

 private:
  void mark(bpf_insn i) {
    fixups_.push_back(code_.size());
    emit(i);
  }
  std::vector<bpf_insn> code_;
  std::vector<size_t> fixups_;
};

std::vector<bpf_insn> filter(int locals_fd, int xsks_fd) {
  Assembler a;
  // r6 = ctx; r2 = data; r3 = data_end (struct xdp_md)
  a.emit(mov_reg(BPF_REG_6, BPF_REG_1));
  a.emit(load(BPF_W, BPF_REG_2, BPF_REG_1, offsetof(xdp_md, data)));
  a.emit(load(BPF_W, BPF_REG_3, BPF_REG_1, offsetof(xdp_md, data_end)));
  // Ethernet (14) + IPv4 header without options (20) present, frame short enough.
  a.emit(mov_reg(BPF_REG_4, BPF_REG_2));
  a.emit(add_imm(BPF_REG_4, 14 + 20));
  a.to_pass_reg(BPF_JGT, BPF_REG_4, BPF_REG_3);
  a.emit(mov_reg(BPF_REG_4, BPF_REG_2));
  a.emit(add_imm(BPF_REG_4, kXdpMaxFrame));
  a.to_pass_reg(BPF_JLT, BPF_REG_4, BPF_REG_3);
  // EtherType 0x0800 (loaded little-endian), version 4 / IHL 5, protocol 50.
  a.emit(load(BPF_H, BPF_REG_5, BPF_REG_2, 12));
  a.to_pass_imm(BPF_JNE, BPF_REG_5, 0x0008);
  a.emit(load(BPF_B, BPF_REG_5, BPF_REG_2, 14));
  a.to_pass_imm(BPF_JNE, BPF_REG_5, 0x45);
  a.emit(load(BPF_B, BPF_REG_5, BPF_REG_2, 14 + 9));
  a.to_pass_imm(BPF_JNE, BPF_REG_5, 50);
  // Not a fragment: MF and the offset (0x3fff of the field, little-endian 0xff3f).
  a.emit(load(BPF_H, BPF_REG_5, BPF_REG_2, 14 + 6));
  a.emit(and_imm(BPF_REG_5, 0xff3f));
  a.to_pass_imm(BPF_JNE, BPF_REG_5, 0);
  // Destination one of ours: locals[dst] exists.
  a.emit(load(BPF_W, BPF_REG_5, BPF_REG_2, 14 + 16));
  a.emit(store(BPF_W, BPF_REG_10, -4, BPF_REG_5));
  a.map_fd(BPF_REG_1, locals_fd);
  a.emit(mov_reg(BPF_REG_2, BPF_REG_10));
  a.emit(add_imm(BPF_REG_2, -4));
  a.emit(call(BPF_FUNC_map_lookup_elem));
  a.to_pass_imm(BPF_JEQ, BPF_REG_0, 0);
  // return bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS)
  a.emit(load(BPF_W, BPF_REG_2, BPF_REG_6, offsetof(xdp_md, rx_queue_index)));
  a.map_fd(BPF_REG_1, xsks_fd);
  a.emit(mov_imm(BPF_REG_3, XDP_PASS));
  a.emit(call(BPF_FUNC_redirect_map));
  a.emit(exit_insn());
  return a.finish_with_pass();
}

Result<BpfFd> map_create(bpf_map_type type, uint32_t key, uint32_t value, uint32_t entries) {
  bpf_attr attr{};
  attr.map_type = type;
  attr.key_size = key;
  attr.value_size = value;
  attr.max_entries = entries;
  long fd = bpf(BPF_MAP_CREATE, attr);
  if (fd < 0) return fail(Errc::kIo, err("BPF map"));
  return BpfFd(int(fd));
}

Result<void> map_update(int map, const void* key, const void* value) {
  bpf_attr attr{};
  attr.map_fd = uint32_t(map);
  attr.key = reinterpret_cast<uint64_t>(key);
  attr.value = reinterpret_cast<uint64_t>(value);
  attr.flags = BPF_ANY;
  if (bpf(BPF_MAP_UPDATE_ELEM, attr) < 0) return fail(Errc::kIo, err("BPF map update"));
  return {};
}

}  // namespace

BpfFd& BpfFd::operator=(BpfFd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

BpfFd::~BpfFd() {
  if (fd_ >= 0) close(fd_);
}

Result<XdpEspProgram> XdpEspProgram::load(std::span<const uint32_t> local_v4, uint32_t queues) {
  XdpEspProgram p;
  auto xsks = map_create(BPF_MAP_TYPE_XSKMAP, 4, 4, queues ? queues : 1);
  if (!xsks) return std::unexpected(xsks.error());
  auto locals = map_create(BPF_MAP_TYPE_HASH, 4, 4, 64);
  if (!locals) return std::unexpected(locals.error());
  p.xsks = std::move(*xsks);
  p.locals = std::move(*locals);
  uint32_t one = 1;
  for (uint32_t a : local_v4)
    if (auto r = map_update(p.locals.get(), &a, &one); !r) return std::unexpected(r.error());
  std::vector<bpf_insn> code = filter(p.locals.get(), p.xsks.get());
  static char license[] = "Dual BSD/GPL";
  std::vector<char> log(65536);
  bpf_attr attr{};
  attr.prog_type = BPF_PROG_TYPE_XDP;
  attr.expected_attach_type = BPF_XDP;
  attr.insns = reinterpret_cast<uint64_t>(code.data());
  attr.insn_cnt = uint32_t(code.size());
  attr.license = reinterpret_cast<uint64_t>(license);
  attr.log_buf = reinterpret_cast<uint64_t>(log.data());
  attr.log_size = uint32_t(log.size());
  attr.log_level = 1;
  long fd = bpf(BPF_PROG_LOAD, attr);
  if (fd < 0) {
    std::string why = err("XDP program");
    log.back() = 0;
    if (log[0]) why += std::string(" (verifier: ") + log.data() + ")";
    return fail(Errc::kIo, why);
  }
  p.prog = BpfFd(int(fd));
  return p;
}

Result<void> XdpEspProgram::set_socket(uint32_t queue, int xsk_fd) const {
  return map_update(xsks.get(), &queue, &xsk_fd);
}

Result<BpfFd> xdp_attach(int prog_fd, int ifindex) {
  bpf_attr attr{};
  attr.link_create.prog_fd = uint32_t(prog_fd);
  attr.link_create.target_ifindex = uint32_t(ifindex);
  attr.link_create.attach_type = BPF_XDP;
  attr.link_create.flags = XDP_FLAGS_DRV_MODE;
  long fd = bpf(BPF_LINK_CREATE, attr);
  if (fd < 0) return fail(Errc::kIo, err("native XDP attach"));
  return BpfFd(int(fd));
}

}  // namespace kg::io
