#include "daemon/pool_leases.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include "common/log.h"

namespace kg::daemon {
namespace {

bool write_all(int fd, const std::string& s) {
  for (size_t off = 0; off < s.size();) {
    ssize_t w = ::write(fd, s.data() + off, s.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    off += size_t(w);
  }
  return true;
}

}  // namespace

PoolLeaseFile::~PoolLeaseFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::vector<aaa::Lease> PoolLeaseFile::load(size_t* bad) const {
  std::map<uint64_t, aaa::Lease> by_id;
  size_t n_bad = 0;
  std::ifstream in(path_, std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (size_t p = 0; p < all.size();) {
    size_t e = all.find('\n', p);
    if (e == std::string::npos) {  // a torn last line: not a change that happened
      ++n_bad;
      break;
    }
    std::string_view line(all.data() + p, e - p);
    p = e + 1;
    if (line.empty()) continue;
    if (line[0] == '+') {
      if (auto l = aaa::Lease::decode(line.substr(1))) by_id[l->id] = std::move(*l);
      else ++n_bad;
    } else if (line[0] == '-') {
      uint64_t id = 0;
      bool ok = line.size() > 1;
      for (char c : line.substr(1)) {
        if (c < '0' || c > '9' || id > (UINT64_MAX - 9) / 10) ok = false;
        else id = id * 10 + uint64_t(c - '0');
      }
      if (ok) by_id.erase(id);
      else ++n_bad;
    } else {
      ++n_bad;
    }
  }
  if (bad) *bad = n_bad;
  std::vector<aaa::Lease> v;
  for (auto& [id, l] : by_id) v.push_back(std::move(l));
  return v;
}

bool PoolLeaseFile::rewrite(const std::vector<const aaa::Lease*>& leases) {
  std::string text;
  for (const aaa::Lease* l : leases) text += "+" + l->encode() + "\n";
  std::string tmp = path_ + ".tmp";
  auto fail = [&](const char* what) {
    log::warn("keygated: cannot write the pool leases to " + path_ + " (" + what + ": " + std::strerror(errno) +
              "); leases will not survive a restart");
    ::unlink(tmp.c_str());
    return false;
  };
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return fail("open");
  bool ok = ::fchmod(fd, 0600) == 0 && write_all(fd, text) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return fail("write");
  if (::rename(tmp.c_str(), path_.c_str()) != 0) return fail("rename");
  std::string dir = std::filesystem::path(path_).parent_path().string();
  if (int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) return fail("open for append");
  lines_ = leases.size();
  warned_ = false;
  return true;
}

void PoolLeaseFile::record(const aaa::Lease& lease, bool gone) {
  if (fd_ < 0) return;
  std::string line = gone ? "-" + std::to_string(lease.id) + "\n" : "+" + lease.encode() + "\n";
  // One write of the whole line: with O_APPEND it lands at the end whole.
  ssize_t w;
  do w = ::write(fd_, line.data(), line.size());
  while (w < 0 && errno == EINTR);
  if (w != ssize_t(line.size())) {
    if (!warned_)
      log::warn("keygated: cannot append to " + path_ + " (" + (w < 0 ? std::strerror(errno) : "short write") +
                "); it is rewritten at the next chance");
    warned_ = true;
    lines_ = SIZE_MAX / 4;  // forces a rewrite (wants_compaction)
    return;
  }
  ++lines_;
}

}  // namespace kg::daemon
