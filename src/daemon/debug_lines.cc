#include "daemon/debug_lines.h"

#include <cstdio>

#include "common/log.h"
#include "wire/ike/payloads.h"

namespace kg::daemon {
namespace {

std::string hex_spi(uint32_t spi) {
  char b[32];
  std::snprintf(b, sizeof b, "0x%08X(%u)", spi, spi);
  return b;
}

}  // namespace

void debug_ike_packet(bool sent, const Endpoint& local, const Endpoint& remote, ByteView m) {
  if (!log::debugging(log::Debug::kIkev2Packet)) return;
  // ESP in UDP 4500 starts with a zero non-ESP marker before the IKE header.
  ByteView body = m;
  if (body.size() >= 4 && body[0] == 0 && body[1] == 0 && body[2] == 0 && body[3] == 0) body = body.subspan(4);
  ByteReader r(body);
  auto h = ike::Header::parse(r);
  const Endpoint& from = sent ? local : remote;
  const Endpoint& to = sent ? remote : local;
  std::string head = std::string("IKEv2:") + (sent ? "Sending Packet [To " + to.str() + "/From " + from.str()
                                                    : "Received Packet [From " + from.str() + "/To " + to.str()) +
                     "]";
  if (!h) {
    log::debug(log::Debug::kIkev2Packet, head + " not an IKEv2 message (" + std::to_string(m.size()) + " bytes)");
    return;
  }
  char spis[96];
  std::snprintf(spis, sizeof spis, " Initiator SPI : %016llX - Responder SPI : %016llX Message id: %u",
                static_cast<unsigned long long>(h->spi_i), static_cast<unsigned long long>(h->spi_r),
                h->message_id);
  log::debug(log::Debug::kIkev2Packet, head + spis + " IKEv2 " + ike::exchange_name(h->exchange) +
                                           " Exchange " + (h->is_response() ? "RESPONSE" : "REQUEST"));
}

void debug_ipsec_created(const ike::ChildSaParams& sa) {
  if (!log::debugging(log::Debug::kIpsec)) return;
  std::string proto = sa.udp_encap ? "50 (in UDP " + std::to_string(sa.remote.port) + ")" : "50";
  log::debug(log::Debug::kIpsec, "IPSEC(create_sa): sa created, (sa) sa_dest= " + sa.remote.addr.str() +
                                     ", sa_proto= " + proto + ", sa_spi= " + hex_spi(sa.spi_out) +
                                     ", interface " + sa.interface);
  log::debug(log::Debug::kIpsec, "IPSEC(create_sa): sa created, (sa) sa_dest= " + sa.local.addr.str() +
                                     ", sa_proto= " + proto + ", sa_spi= " + hex_spi(sa.spi_in) +
                                     ", interface " + sa.interface);
}

void debug_ipsec_deleted(const std::string& interface, uint32_t spi_in, uint32_t spi_out) {
  if (!log::debugging(log::Debug::kIpsec)) return;
  log::debug(log::Debug::kIpsec, "IPSEC(delete_sa): deleting SA, (sa) sa_spi= " + hex_spi(spi_in) + " and " +
                                     hex_spi(spi_out) + ", interface " + interface);
}

}  // namespace kg::daemon
