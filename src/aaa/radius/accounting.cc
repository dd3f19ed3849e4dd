// Accounting-Request attributes (RFC 2866 §5, RFC 2869 §5.1-5.2).
#include "aaa/radius/accounting.h"

#include <cstdio>

#include "wire/radius/vendor.h"

namespace kg::aaa::radius {

using kg::radius::AttrType;
using kg::radius::Code;
using kg::radius::Packet;

namespace {

void add_av_pair(Packet& p, const std::string& text) {
  kg::radius::add_vendor(p, kg::radius::kVendorCisco, kg::radius::kCiscoAvPair, as_bytes(text));
}

void add_octets(Packet& p, AttrType low, AttrType giga, uint64_t v) {
  p.add_u32(low, uint32_t(v & 0xffffffffu));
  if (v >> 32) p.add_u32(giga, uint32_t(v >> 32));
}

}  // namespace

Packet accounting_request(const AcctRecord& r) {
  Packet p;
  p.code = uint8_t(Code::kAccountingRequest);
  p.add_u32(AttrType::kAcctStatusType, uint32_t(r.status));
  bool on_off = r.status == AcctStatus::kAccountingOn || r.status == AcctStatus::kAccountingOff;
  if (!on_off) {
    p.add_text(AttrType::kAcctSessionId, r.session_id);
    if (!r.user_name.empty()) p.add_text(AttrType::kUserName, r.user_name);
  }
  if (r.nas_ip && r.nas_ip->is_v4()) p.add(AttrType::kNasIpAddress, r.nas_ip->bytes());
  p.add_u32(AttrType::kNasPortType, kg::radius::kNasPortTypeVirtual);
  if (r.delay_time) p.add_u32(AttrType::kAcctDelayTime, r.delay_time);
  if (on_off) return p;
  p.add_u32(AttrType::kServiceType, kg::radius::kServiceTypeFramed);
  if (r.framed_ip && r.framed_ip->is_v4()) p.add(AttrType::kFramedIpAddress, r.framed_ip->bytes());
  for (const Bytes& c : r.classes) p.add(AttrType::kClass, c);
  if (!r.phase1_id.empty()) add_av_pair(p, "isakmp-phase1-id=" + r.phase1_id);
  if (r.initiator) add_av_pair(p, "isakmp-initiator-ip=" + r.initiator->str());
  if (r.progress) add_av_pair(p, "connect-progress=No Progress");
  if (r.status == AcctStatus::kStart) return p;
  p.add_u32(AttrType::kAcctSessionTime, r.session_time);
  add_octets(p, AttrType::kAcctInputOctets, AttrType::kAcctInputGigawords, r.counters.input_octets);
  add_octets(p, AttrType::kAcctOutputOctets, AttrType::kAcctOutputGigawords, r.counters.output_octets);
  p.add_u32(AttrType::kAcctInputPackets, uint32_t(r.counters.input_packets));
  p.add_u32(AttrType::kAcctOutputPackets, uint32_t(r.counters.output_packets));
  if (r.status == AcctStatus::kStop) {
    auto cause = r.cause.value_or(TerminateCause::kNasRequest);
    p.add_u32(AttrType::kAcctTerminateCause, uint32_t(cause));
    if (r.progress) add_av_pair(p, std::string("disc-cause-ext=") + disc_cause_ext(cause));
  }
  return p;
}

const char* disc_cause_ext(TerminateCause c) {
  switch (c) {
    case TerminateCause::kUserRequest: return "User Ends Session";
    case TerminateCause::kLostCarrier: return "Lost Carrier";
    case TerminateCause::kIdleTimeout: return "Idle Timeout";
    case TerminateCause::kSessionTimeout: return "Session Timeout";
    case TerminateCause::kAdminReset: return "Admin Reset";
    case TerminateCause::kAdminReboot: return "Admin Reboot";
    case TerminateCause::kNasReboot: return "NAS Reboot";
    case TerminateCause::kNasError: return "NAS Error";
    case TerminateCause::kNasRequest: return "No Reason";
  }
  return "No Reason";
}

const char* terminate_cause_name(TerminateCause c) {
  switch (c) {
    case TerminateCause::kUserRequest: return "User-Request";
    case TerminateCause::kLostCarrier: return "Lost-Carrier";
    case TerminateCause::kIdleTimeout: return "Idle-Timeout";
    case TerminateCause::kSessionTimeout: return "Session-Timeout";
    case TerminateCause::kAdminReset: return "Admin-Reset";
    case TerminateCause::kAdminReboot: return "Admin-Reboot";
    case TerminateCause::kNasReboot: return "NAS-Reboot";
    case TerminateCause::kNasError: return "NAS-Error";
    case TerminateCause::kNasRequest: return "NAS-Request";
  }
  return "NAS-Request";
}

std::string AcctSessionIds::next() {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%08X-%08X", prefix_, ++counter_);
  return buf;
}

}  // namespace kg::aaa::radius
