// The accounting spool: one 0600 file per unacknowledged record.
#include "aaa/radius/acct_spool.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

namespace kg::aaa::radius {
namespace {

using kg::radius::AttrType;
namespace fs = std::filesystem;

constexpr std::string_view kMagic = "keygate-acct 1\n";
constexpr std::string_view kSuffix = ".acct";

std::optional<uint64_t> seq_of(const fs::path& p) {
  std::string name = p.filename().string();
  if (name.size() != 16 + kSuffix.size() || !name.ends_with(kSuffix)) return std::nullopt;
  uint64_t v = 0;
  for (char c : name.substr(0, 16)) {
    int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
    if (d < 0) return std::nullopt;
    v = v << 4 | uint64_t(d);
  }
  return v;
}

std::optional<SpooledRecord> parse_file(const std::string& s) {
  if (!s.starts_with(kMagic)) return std::nullopt;
  size_t g_end = s.find('\n', kMagic.size());
  if (g_end == std::string::npos) return std::nullopt;
  size_t t_end = s.find('\n', g_end + 1);
  if (t_end == std::string::npos || t_end == g_end + 1) return std::nullopt;
  SpooledRecord r;
  r.group = s.substr(kMagic.size(), g_end - kMagic.size());
  for (size_t i = g_end + 1; i < t_end; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    r.queued = r.queued * 10 + (s[i] - '0');
  }
  auto body = as_bytes(std::string_view(s).substr(t_end + 1));
  auto p = kg::radius::Packet::parse(body);
  if (!p || p->code != uint8_t(kg::radius::Code::kAccountingRequest) || r.group.empty()) return std::nullopt;
  r.request = std::move(*p);
  return r;
}

Result<void> write_file(const fs::path& path, const std::string& data) {
  fs::path tmp = path;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return fail(Errc::kIo, "accounting spool: " + tmp.string() + ": " + std::strerror(errno));
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return fail(Errc::kIo, std::string("accounting spool: write: ") + std::strerror(e));
    }
    off += size_t(n);
  }
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return fail(Errc::kIo, "accounting spool: cannot store " + path.string());
  }
  return {};
}

}  // namespace

Result<AcctSpool> AcctSpool::open(fs::path dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fail(Errc::kIo, "accounting spool: " + dir.string() + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);
  AcctSpool s(std::move(dir));
  for (const auto& e : fs::directory_iterator(s.dir_, ec)) {
    auto seq = seq_of(e.path());
    if (!seq) continue;  // temporaries of an interrupted write, other files
    s.next_seq_ = std::max(s.next_seq_, *seq + 1);  // never write over a damaged record
    std::ifstream in(e.path(), std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto r = parse_file(data);
    if (!r) { s.unreadable_++; continue; }
    s.pending_[*seq] = std::move(*r);
  }
  if (ec) return fail(Errc::kIo, "accounting spool: " + s.dir_.string() + ": " + ec.message());
  return s;
}

fs::path AcctSpool::file(uint64_t seq) const {
  char name[40];
  std::snprintf(name, sizeof name, "%016llx%s", static_cast<unsigned long long>(seq), kSuffix.data());
  return dir_ / name;
}

Result<uint64_t> AcctSpool::add(SpooledRecord r) {
  r.request.identifier = 0;
  r.request.authenticator = {};
  auto d = r.request.write();
  if (!d) return std::unexpected(d.error());
  if (r.group.empty() || r.group.find('\n') != std::string::npos)
    return fail(Errc::kInvalidArgument, "accounting spool: bad server group name");
  std::string data(kMagic);
  data += r.group + "\n" + std::to_string(r.queued) + "\n";
  data.append(reinterpret_cast<const char*>(d->data()), d->size());
  uint64_t seq = next_seq_++;
  if (auto w = write_file(file(seq), data); !w) return std::unexpected(w.error());
  pending_[seq] = std::move(r);
  return seq;
}

void AcctSpool::remove(uint64_t seq) {
  if (!pending_.erase(seq)) return;
  std::error_code ec;
  fs::remove(file(seq), ec);
}

kg::radius::Packet with_delay(const SpooledRecord& r, std::time_t now) {
  kg::radius::Packet p = r.request;
  std::erase_if(p.attributes, [](const auto& a) { return a.type == uint8_t(AttrType::kAcctDelayTime); });
  uint32_t waited = now > r.queued ? uint32_t(now - r.queued) : 0;
  if (auto base = r.request.u32(AttrType::kAcctDelayTime)) waited += *base;
  if (waited) p.add_u32(AttrType::kAcctDelayTime, waited);
  return p;
}

}  // namespace kg::aaa::radius
