// IOS local address pools (`ip local pool`, `ipv6 local pool`): the
// addresses remote-access peers get in the configuration payload. Pure
// bookkeeping, no I/O: the daemon allocates when a peer is authorized and
// releases when its IKE SA ends (ReleaseConfig), so an address is never
// handed out twice and always comes back.
//
// Leases outlive a restart of keygated (SIGKILL included): the daemon keeps
// them in the state directory (daemon/pool_leases.h) and gives them back with
// restore(). A restored lease is *held*: its addresses stay in use, no IKE SA
// owns it, and the first session of the same user (IKE identity) from the
// same pool takes it over, so a client that reconnects gets its address
// again and no address is handed out twice while the old owner may still be
// using it. release_held() frees what nobody took back.
#pragma once
#include <cstdint>
#include <functional>
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
  bool held = false;               // restored after a restart, not yet taken over

  // One line of the lease table (no newline): id, pools, addresses and the
  // user, tab-separated, the user last with tabs, newlines and backslashes
  // escaped. The interface is not kept (sessions do not survive a restart).
  [[nodiscard]] std::string encode() const;
  [[nodiscard]] static std::optional<Lease> decode(std::string_view line);
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

  // Leases from before a restart, all held (see above); an address that is
  // already in use, or a lease id already known, is skipped. Returns how
  // many were restored.
  size_t restore(const std::vector<Lease>& leases);
  // Frees every lease still held; returns how many.
  size_t release_held();
  [[nodiscard]] size_t held_count() const { return held_.size(); }
  [[nodiscard]] size_t lease_count() const { return leases_.size(); }

  // Told after every change of the lease table: the lease as it is now, or
  // `gone` when it was released.
  std::function<void(const Lease& lease, bool gone)> on_change;

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
  // The held lease of `user` with an address from `pool` (v4) or a block
  // from `pool6`, or nullptr.
  Lease* held_of(const std::string& user, const std::string& pool, bool v6);
  void changed(const Lease& l, bool gone = false) {
    if (on_change) on_change(l, gone);
  }

  std::map<std::string, std::vector<Range>> pools_;
  std::map<std::string, Pool6> pools6_;
  std::map<std::string, std::set<uint32_t>> used_;  // per pool, host order
  std::map<uint64_t, Lease> leases_;
  std::multimap<std::string, uint64_t> held_;  // user -> held lease (an index: no scan per allocation)
  uint64_t next_id_ = 1;
  void unhold(Lease& l);
};

}  // namespace kg::aaa
