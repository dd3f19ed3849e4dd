// Accounting records kept on disk until the server acknowledges them
// (issue 16: "a RADIUS outage loses none"). One file per record under the
// spool directory (the state directory's radacct/), mode 0600 in a 0700
// directory, written to a temporary name and renamed so that a crash
// leaves either the whole record or none. A record is removed only when
// its Accounting-Response arrived; after a restart the files left are the
// records still owed, in the order they were made.
//
// File "<sequence, 16 hex digits>.acct":
//   "keygate-acct 1\n" <server group> "\n" <unix seconds queued> "\n"
//   <the Accounting-Request as written by Packet::write, Identifier and
//    Authenticator zero>
#pragma once
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <map>
#include <string>

#include "common/result.h"
#include "wire/radius/packet.h"

namespace kg::aaa::radius {

struct SpooledRecord {
  std::string group;
  std::time_t queued = 0;
  kg::radius::Packet request;
};

class AcctSpool {
 public:
  // Creates the directory if needed and loads the records in it. Files
  // that do not parse are left in place, not loaded, and counted.
  [[nodiscard]] static Result<AcctSpool> open(std::filesystem::path dir);

  // Writes the record; returns its sequence number.
  [[nodiscard]] Result<uint64_t> add(SpooledRecord r);
  // The record was acknowledged: its file goes.
  void remove(uint64_t seq);

  [[nodiscard]] const std::map<uint64_t, SpooledRecord>& pending() const { return pending_; }
  [[nodiscard]] uint64_t unreadable() const { return unreadable_; }
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }

 private:
  explicit AcctSpool(std::filesystem::path dir) : dir_(std::move(dir)) {}
  [[nodiscard]] std::filesystem::path file(uint64_t seq) const;

  std::filesystem::path dir_;
  std::map<uint64_t, SpooledRecord> pending_;
  uint64_t next_seq_ = 1;
  uint64_t unreadable_ = 0;
};

// The Accounting-Request of a spooled record as sent `now`: its
// Acct-Delay-Time (RFC 2866 §5.2) set to the seconds it has waited.
[[nodiscard]] kg::radius::Packet with_delay(const SpooledRecord& r, std::time_t now);

}  // namespace kg::aaa::radius
