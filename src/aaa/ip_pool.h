// IOS local address pools (`ip local pool`, `ipv6 local pool`): the
// addresses remote-access peers get in the configuration payload. Pure
// bookkeeping, no I/O: the daemon allocates when a peer is authorized and
// releases when its IKE SA ends (ReleaseConfig), so an address is never
// handed out twice and always comes back.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/ip.h"
#include "common/result.h"
#include "config/model.h"

namespace kg::aaa {

// One session's addresses (one lease may hold an IPv4 and an IPv6 address).
struct Lease {
  uint64_t id = 0;
  std::string pool, pool6;
  std::optional<IpAddress> addr;   // from `pool`
  std::optional<Prefix> prefix6;   // from `pool6`: a block of its assigned length
  uint64_t block6 = 0;             // index of that block in the pool
  std::string user;                // the peer's IKE identity
  std::string interface;           // Virtual-AccessN, once the session is up
};

// `show ip local pool` figures for one range.
struct PoolRangeStats {
  std::string pool;
  IpAddress begin, end;
  uint64_t free = 0, in_use = 0;
};

class AddressPools {
 public:
  // Takes the pools of the configuration. Leases survive a reconfiguration;
  // an address of a removed range stays in use until released.
  void configure(const config::Model& m);

  // Lowest free address of the pool (errors: kNotFound no such pool, kLimit
  // the pool is exhausted). A new lease is made when lease == 0.
  Result<uint64_t> allocate(const std::string& pool, const std::string& user, uint64_t lease = 0);
  Result<uint64_t> allocate6(const std::string& pool, const std::string& user, uint64_t lease = 0);
  // Frees every address of the lease; unknown ids are ignored.
  void release(uint64_t lease);
  void set_interface(uint64_t lease, const std::string& interface);

  [[nodiscard]] const Lease* lease(uint64_t id) const;
  [[nodiscard]] std::vector<PoolRangeStats> stats(const std::string& pool = "") const;
  [[nodiscard]] std::vector<const Lease*> leases(const std::string& pool = "") const;  // by address
  [[nodiscard]] std::vector<IpAddress> free_addresses(const std::string& pool, size_t limit) const;
  [[nodiscard]] bool has_pool(const std::string& pool) const;

 private:
  struct Range {
    uint32_t lo, hi;  // host order, inclusive
  };
  struct Pool6 {
    Prefix prefix;
    int assigned_len = 128;
    std::set<uint64_t> used;  // block indexes
  };
  Lease& make_lease(uint64_t id, const std::string& user);

  std::map<std::string, std::vector<Range>> pools_;
  std::map<std::string, Pool6> pools6_;
  std::map<std::string, std::set<uint32_t>> used_;  // per pool, host order
  std::map<uint64_t, Lease> leases_;
  uint64_t next_id_ = 1;
};

}  // namespace kg::aaa
