// The address-pool lease table in the state directory (<statedir>/pool-leases),
// so that leases survive a restart of keygated, SIGKILL included (issue 21):
// restored at start as held leases (aaa/ip_pool.h), a reconnecting client
// gets its address back and no address is handed out twice.
//
// The file is a journal: "+LEASE" sets a lease (Lease::encode), "-ID" ends
// one. Each change is one write(2) of one line with O_APPEND, so it is in the
// kernel before the address goes out in the IKE_AUTH answer and a SIGKILL
// cannot lose it or leave half a line (a torn last line, after a power loss,
// is ignored). It costs O(1) per setup, not a rewrite of the whole table. At
// start, and whenever the journal holds more than twice as many lines as
// there are leases, it is rewritten to one line per lease: a temporary file
// (mode 0600), fsync, rename, fsync of the directory.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "aaa/ip_pool.h"

namespace kg::daemon {

class PoolLeaseFile {
 public:
  explicit PoolLeaseFile(std::string path) : path_(std::move(path)) {}
  ~PoolLeaseFile();
  PoolLeaseFile(const PoolLeaseFile&) = delete;
  PoolLeaseFile& operator=(const PoolLeaseFile&) = delete;

  // The leases the journal holds now; `bad` counts lines that did not parse
  // (skipped). A missing file is an empty table.
  std::vector<aaa::Lease> load(size_t* bad = nullptr) const;
  // Rewrites the file to exactly these leases (atomic, 0600) and opens it
  // for appending. False (and a warning logged) if it cannot be written.
  bool rewrite(const std::vector<const aaa::Lease*>& leases);
  // One change, appended (see AddressPools::on_change).
  void record(const aaa::Lease& lease, bool gone);
  // True when the journal should be rewritten (more than 2 lines per lease).
  [[nodiscard]] bool wants_compaction(size_t live) const { return lines_ > 2 * live + 64; }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
  size_t lines_ = 0;
  bool warned_ = false;
};

}  // namespace kg::daemon
