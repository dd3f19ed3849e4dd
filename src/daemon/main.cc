// keygated: the keygate daemon.
//   keygated [-f CONFIG] [-S SOCKET] [-d STATEDIR] [-u USER] [-v]
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "daemon/daemon.h"
#include "daemon/privileges.h"

namespace {

void usage() {
  std::fprintf(stderr,
               "usage: keygated [-f CONFIG] [-S SOCKET] [-d STATEDIR] [-u USER] [-v]\n"
               "  -f CONFIG    startup configuration (default: STATEDIR/startup-config)\n"
               "  -S SOCKET    control socket (default /run/keygate/keygated.sock)\n"
               "  -d STATEDIR  state directory (default /var/lib/keygate)\n"
               "  -u USER      once started, run as USER with only CAP_NET_ADMIN, CAP_NET_RAW\n"
               "               and CAP_NET_BIND_SERVICE (STATEDIR and SOCKET become USER's)\n"
               "  -v           debug logging\n");
}

// keygated holds keys (IKE and ESP keys, PSKs, the master key of the state
// directory) in its memory: no core dump may carry them to disk, and no
// other process of the same user may read its memory. IOS has no cores to
// leak; strongSwan leaves this to the administrator.
void keep_memory_private() {
  rlimit none{0, 0};
  (void)::setrlimit(RLIMIT_CORE, &none);
  (void)::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

}  // namespace

int main(int argc, char** argv) {
  keep_memory_private();
  kg::daemon::Options o;
  std::string user;
  int c;
  while ((c = getopt(argc, argv, "f:S:d:u:vh")) != -1) {
    switch (c) {
      case 'f': o.config_file = optarg; break;
      case 'S': o.socket_path = optarg; break;
      case 'd': o.state_dir = optarg; break;
      case 'u': user = optarg; break;
      case 'v': o.debug = true; break;
      default: usage(); return c == 'h' ? 0 : 2;
    }
  }
  if (!user.empty() && ::geteuid() != 0) {
    std::fprintf(stderr, "keygated: -u %s needs keygated started as root\n", user.c_str());
    return 2;
  }
  auto d = kg::daemon::Daemon::create(o);
  if (!d) {
    std::fprintf(stderr, "keygated: %s\n", d.error().message.c_str());
    return 1;
  }
  // Sockets, TUN devices and the startup-config are open: the rest runs
  // unprivileged (daemon/privileges.h).
  if (!user.empty()) {
    if (auto r = kg::daemon::drop_privileges(user, {o.state_dir, o.socket_path}); !r) {
      std::fprintf(stderr, "keygated: %s\n", r.error().message.c_str());
      return 1;
    }
  }
  return (*d)->run();
}
