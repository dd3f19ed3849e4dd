#include "daemon/privileges.h"

#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace kg::daemon {

namespace {

Result<void> os_fail(const std::string& what) {
  return fail(Errc::kIo, "cannot drop privileges: " + what + ": " + std::strerror(errno));
}

Result<void> give_to(const std::string& path, uid_t uid, gid_t gid) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(path, ec))) return {};
  if (::lchown(path.c_str(), uid, gid) != 0) return os_fail("chown " + path);
  if (!fs::is_directory(fs::symlink_status(path, ec))) return {};
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (::lchown(it->path().c_str(), uid, gid) != 0) return os_fail("chown " + it->path().string());
  if (ec) return fail(Errc::kIo, "cannot drop privileges: " + path + ": " + ec.message());
  return {};
}

// The kernel's highest capability number (it knows more than our headers).
int last_capability() {
  int last = CAP_LAST_CAP;
  if (FILE* f = std::fopen("/proc/sys/kernel/cap_last_cap", "r")) {
    if (std::fscanf(f, "%d", &last) != 1) last = CAP_LAST_CAP;
    std::fclose(f);
  }
  return last;
}

// capset(2) directly: the kernel API is two 32-bit words per set (version 3).
Result<void> set_capabilities(uint64_t keep) {
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  for (int i = 0; i < 2; ++i) {
    data[i].effective = data[i].permitted = uint32_t(keep >> (32 * i));
    data[i].inheritable = 0;
  }
  if (::syscall(SYS_capset, &hdr, data) != 0) return os_fail("capset");
  return {};
}

}  // namespace

uint64_t kept_capabilities() {
  return 1ull << CAP_NET_ADMIN | 1ull << CAP_NET_RAW | 1ull << CAP_NET_BIND_SERVICE;
}

Result<void> drop_privileges(const std::string& user, const std::vector<std::string>& give) {
  passwd pw{}, *found = nullptr;
  std::vector<char> buf(16384);
  if (::getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || !found)
    return fail(Errc::kNotFound, "cannot drop privileges: no user " + user);
  if (::geteuid() != 0) return fail(Errc::kState, "cannot drop privileges: -u needs keygated started as root");
  uid_t uid = pw.pw_uid;
  gid_t gid = pw.pw_gid;
  if (uid == 0) return fail(Errc::kInvalidArgument, "cannot drop privileges: " + user + " is root");
  for (const auto& p : give)
    if (auto r = give_to(p, uid, gid); !r) return r;
  // The bounding set first: dropping from it needs CAP_SETPCAP, which goes
  // with the uid change.
  uint64_t keep = kept_capabilities();
  for (int cap = 0; cap <= last_capability(); ++cap)
    if (!(keep >> cap & 1) && ::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
      return os_fail("PR_CAPBSET_DROP");
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
    return os_fail("PR_CAP_AMBIENT_CLEAR_ALL");
  // Keep the permitted set across setuid; the effective set is set again below.
  if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) return os_fail("PR_SET_KEEPCAPS");
  if (::initgroups(pw.pw_name, gid) != 0) return os_fail("initgroups");
  if (::setresgid(gid, gid, gid) != 0) return os_fail("setresgid");
  if (::setresuid(uid, uid, uid) != 0) return os_fail("setresuid");
  if (auto r = set_capabilities(keep); !r) return r;
  (void)::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return os_fail("PR_SET_NO_NEW_PRIVS");
  // A credential change resets it; no core and no ptrace by the same user
  // (see keep_memory_private in main.cc).
  (void)::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (::setuid(0) == 0) return fail(Errc::kState, "cannot drop privileges: root is still reachable");
  return {};
}

}  // namespace kg::daemon
