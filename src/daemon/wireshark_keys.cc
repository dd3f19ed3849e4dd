#include "daemon/wireshark_keys.h"

#include <cstdio>

#include "crypto/algorithms.h"

namespace kg::daemon {
namespace {

using EncrId = crypto::Cipher;
using IntegId = crypto::Mac;

std::string hex(ByteView v) { return to_hex(v); }

std::string spi64(uint64_t v) {
  char b[20];
  std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(v));
  return b;
}

std::string spi32(uint32_t v) {
  char b[12];
  std::snprintf(b, sizeof b, "0x%08x", v);
  return b;
}

std::string quoted(const std::vector<std::string>& fields) {
  std::string out;
  for (auto& f : fields) out += (out.empty() ? "\"" : ",\"") + f + "\"";
  return out + "\n";
}

// Wireshark's IKEv2 UAT names (packet-isakmp.c); "" if it cannot decrypt it.
std::string ike_encr_name(const crypto::CipherSuite& c) {
  const crypto::EncrAlgorithm* a = c.algorithm();
  std::string bits = std::to_string(a ? a->key_size * 8 : c.key_bits);
  if (c.encr == EncrId::kAesCbc) return "AES-CBC-" + bits + " [RFC3602]";
  if (c.encr == EncrId::kAesGcm16) return "AES-GCM-" + bits + " with 16 octet ICV [RFC5282]";
  if (c.encr == EncrId::kAesGcm12) return "AES-GCM-" + bits + " with 12 octet ICV [RFC5282]";
  if (c.encr == EncrId::kAesGcm8) return "AES-GCM-" + bits + " with 8 octet ICV [RFC5282]";
  if (c.encr == EncrId::k3des) return "3DES [RFC2451]";
  return "";
}

std::string ike_integ_name(IntegId i) {
  switch (i) {
    case IntegId::kNone: return "NONE [RFC4306]";
    case IntegId::kHmacMd5_96: return "HMAC_MD5_96 [RFC2403]";
    case IntegId::kHmacSha1_96: return "HMAC_SHA1_96 [RFC2404]";
    case IntegId::kHmacSha2_256_128: return "HMAC_SHA2_256_128 [RFC4868]";
    case IntegId::kHmacSha2_384_192: return "HMAC_SHA2_384_192 [RFC4868]";
    case IntegId::kHmacSha2_512_256: return "HMAC_SHA2_512_256 [RFC4868]";
  }
  return "";
}

// Wireshark's ESP UAT names (packet-ipsec.c).
std::string esp_encr_name(const crypto::CipherSuite& c) {
  if (c.encr == EncrId::kAesCbc) return "AES-CBC [RFC3602]";
  if (c.encr == EncrId::kAesGcm16) return "AES-GCM with 16 octet ICV [RFC4106]";
  if (c.encr == EncrId::kAesGcm12) return "AES-GCM with 12 octet ICV [RFC4106]";
  if (c.encr == EncrId::kAesGcm8) return "AES-GCM with 8 octet ICV [RFC4106]";
  if (c.encr == EncrId::k3des) return "TripleDES-CBC [RFC2451]";
  return "";
}

std::string esp_integ_name(IntegId i) {
  switch (i) {
    case IntegId::kNone: return "NULL";
    case IntegId::kHmacMd5_96: return "HMAC-MD5-96 [RFC2403]";
    case IntegId::kHmacSha1_96: return "HMAC-SHA-1-96 [RFC2404]";
    case IntegId::kHmacSha2_256_128: return "HMAC-SHA-256-128 [RFC4868]";
    case IntegId::kHmacSha2_384_192: return "HMAC-SHA-384-192 [RFC4868]";
    case IntegId::kHmacSha2_512_256: return "HMAC-SHA-512-256 [RFC4868]";
  }
  return "";
}

// An IKEv2 record: Wireshark's UAT files write byte fields (SPIs, keys) as
// bare hex and text fields (the algorithm names) quoted.
std::string ike_record(const ike::IkeSaKeys& k, const std::string& encr) {
  return spi64(k.spi_i) + "," + spi64(k.spi_r) + "," + hex(k.sk_ei.view()) + "," + hex(k.sk_er.view()) + ",\"" +
         encr + "\"," + hex(k.sk_ai.view()) + "," + hex(k.sk_ar.view()) + ",\"" + ike_integ_name(k.cipher.integ) +
         "\"\n";
}

std::string cipher_text(const crypto::CipherSuite& c) {
  const crypto::IntegAlgorithm* i = crypto::find_integ(c.integ);
  return crypto::encr_label(c.encr, c.key_bits) + (i ? std::string("/") + i->name : "");
}

}  // namespace

std::string ikev2_decryption_table(const std::vector<ike::IkeSaKeys>& sas) {
  std::string out = "# keygate: IKEv2 SA keys (consent-token debug-keys). Wireshark: ikev2_decryption_table\n";
  for (auto& k : sas) {
    std::string encr = ike_encr_name(k.cipher);
    if (encr.empty()) {
      out += "# " + spi64(k.spi_i) + "/" + spi64(k.spi_r) + ": " + cipher_text(k.cipher) + " not decryptable by Wireshark\n";
      continue;
    }
    out += ike_record(k, encr);
  }
  return out;
}

std::string esp_sa_table(const std::vector<ChildSaKeys>& sas) {
  std::string out = "# keygate: ESP SA keys (consent-token debug-keys). Wireshark: esp_sa\n";
  for (auto& s : sas) {
    std::string encr = esp_encr_name(s.suite);
    if (encr.empty()) {
      out += "# " + spi32(s.spi_in) + "/" + spi32(s.spi_out) + ": " + cipher_text(s.suite) + " not decryptable by Wireshark\n";
      continue;
    }
    std::string proto = s.local.addr.is_v4() ? "IPv4" : "IPv6";
    std::string integ = esp_integ_name(s.suite.integ);
    // Outbound: we send to the peer's SPI; inbound: the peer sends to ours.
    out += quoted({proto, s.local.addr.str(), s.remote.addr.str(), spi32(s.spi_out), encr, "0x" + hex(s.encr_out.view()),
                   integ, s.integ_out.empty() ? "" : "0x" + hex(s.integ_out.view())});
    out += quoted({proto, s.remote.addr.str(), s.local.addr.str(), spi32(s.spi_in), encr, "0x" + hex(s.encr_in.view()),
                   integ, s.integ_in.empty() ? "" : "0x" + hex(s.integ_in.view())});
  }
  return out;
}

std::string keys_text(const std::vector<ike::IkeSaKeys>& ike, const std::vector<ChildSaKeys>& child) {
  std::string out = "IKEv2 SA keys (consent-token debug-keys authorized)\n";
  for (auto& k : ike) {
    out += "\n Local " + k.local.str() + ", Remote " + k.remote.str() + (k.initiator ? ", initiator" : ", responder") + "\n";
    out += "  SPIi " + spi64(k.spi_i) + "  SPIr " + spi64(k.spi_r) + "  (" + cipher_text(k.cipher) + ")\n";
    out += "  SK_ei " + hex(k.sk_ei.view()) + "\n  SK_er " + hex(k.sk_er.view()) + "\n";
    if (!k.sk_ai.empty()) out += "  SK_ai " + hex(k.sk_ai.view()) + "\n  SK_ar " + hex(k.sk_ar.view()) + "\n";
  }
  out += "\nESP SA keys\n";
  for (auto& s : child) {
    out += "\n " + s.interface + ": local " + s.local.addr.str() + ", remote " + s.remote.addr.str() + "\n";
    out += "  inbound  spi " + spi32(s.spi_in) + "  encr " + hex(s.encr_in.view()) +
           (s.integ_in.empty() ? "" : "  integ " + hex(s.integ_in.view())) + "\n";
    out += "  outbound spi " + spi32(s.spi_out) + "  encr " + hex(s.encr_out.view()) +
           (s.integ_out.empty() ? "" : "  integ " + hex(s.integ_out.view())) + "\n";
  }
  return out;
}

}  // namespace kg::daemon
