#include "config/isakmp_defaults.h"

namespace kg::config {

const std::map<int, IsakmpPolicy>& isakmp_default_table() {
  static const std::map<int, IsakmpPolicy> t = [] {
    std::map<int, IsakmpPolicy> m;
    int prio = 65507;
    for (const char* enc : {"aes", "3des"})
      for (const char* hash : {"sha", "md5"})
        for (const char* auth : {"rsa-sig", "pre-share"}) {
          IsakmpPolicy p;
          p.encryption = enc;
          p.key_bits = std::string(enc) == "aes" ? 128 : 192;
          p.hash = hash;
          p.authentication = auth;
          p.group = std::string(enc) == "aes" ? 5 : 2;
          m[prio++] = p;
        }
    return m;
  }();
  return t;
}

std::string isakmp_encryption_text(const IsakmpPolicy& p) {
  if (p.encryption == "3des") return "Three key triple DES";
  return "AES - Advanced Encryption Standard (" + std::to_string(p.key_bits) + " bit key.";
}

std::string isakmp_hash_text(const std::string& h) {
  if (h == "sha") return "Secure Hash Standard";
  if (h == "md5") return "Message Digest 5";
  return "Secure Hash Standard 2 (" + h.substr(3) + " bit)";
}

std::string isakmp_group_text(int g) {
  switch (g) {
    case 2: return "#2 (1024 bit)";
    case 5: return "#5 (1536 bit)";
    case 14: return "#14 (2048 bit)";
    case 15: return "#15 (3072 bit)";
    case 16: return "#16 (4096 bit)";
    case 19: return "#19 (256 bit)";
    case 20: return "#20 (384 bit)";
    case 21: return "#21 (521 bit)";
  }
  return "#" + std::to_string(g);
}

}  // namespace kg::config
