#include "crypto/x509.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cctype>
#include <cstring>

#include "crypto/ossl.h"

namespace kg::crypto {

namespace {

struct X509Free { void operator()(X509* x) const { X509_free(x); } };
struct NameFree { void operator()(X509_NAME* n) const { X509_NAME_free(n); } };
using detail::BioFree;
struct GensFree { void operator()(GENERAL_NAMES* g) const { GENERAL_NAMES_free(g); } };

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> rdns(const X509_NAME* n) {
  std::vector<std::string> out;
  for (int i = 0; i < X509_NAME_entry_count(n); ++i) {
    const X509_NAME_ENTRY* e = X509_NAME_get_entry(n, i);
    int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
    const char* sn = nid == NID_undef ? nullptr : OBJ_nid2sn(nid);
    char oid[80];
    if (!sn) {
      OBJ_obj2txt(oid, sizeof oid, X509_NAME_ENTRY_get_object(e), 1);
      sn = oid;
    }
    unsigned char* utf8 = nullptr;
    int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
    std::string v = len >= 0 ? std::string(reinterpret_cast<char*>(utf8), size_t(len)) : "?";
    OPENSSL_free(utf8);
    // IOS prints "hostname=" for unstructuredName and lower-case short names.
    std::string key = nid == NID_pkcs9_unstructuredName ? "hostname" : lower(sn);
    if (nid == NID_pkcs9_emailAddress) key = "ea";
    out.push_back(key + "=" + v);
  }
  return out;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (auto& x : v) s += (s.empty() ? "" : ",") + x;
  return s;
}


template <class F>
void each_san(X509* x, int type, F f) {
  std::unique_ptr<GENERAL_NAMES, GensFree> gens(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x, NID_subject_alt_name, nullptr, nullptr)));
  if (!gens) return;
  for (int i = 0; i < sk_GENERAL_NAME_num(gens.get()); ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(gens.get(), i);
    if (g->type != type) continue;
    const ASN1_STRING* s = g->type == GEN_IPADD ? g->d.iPAddress : g->d.ia5;
    f(ByteView(ASN1_STRING_get0_data(s), size_t(ASN1_STRING_length(s))));
  }
}

bool iequal(std::string_view a, ByteView b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(b[i])) return false;
  return true;
}

std::unique_ptr<X509_NAME, NameFree> parse_name(ByteView der) {
  const unsigned char* p = der.data();
  X509_NAME* n = d2i_X509_NAME(nullptr, &p, long(der.size()));
  if (n && p != der.data() + der.size()) {
    X509_NAME_free(n);
    n = nullptr;
  }
  return std::unique_ptr<X509_NAME, NameFree>(n);
}

}  // namespace

struct Certificate::Impl {
  std::unique_ptr<X509, X509Free> x;
  Bytes der;
};

std::string KeyInfo::str() const {
  switch (type) {
    case KeyType::kRsa: return "RSA " + std::to_string(bits);
    case KeyType::kEcP256: return "ECDSA P-256";
    case KeyType::kEcP384: return "ECDSA P-384";
    case KeyType::kEcP521: return "ECDSA P-521";
    case KeyType::kUnknown: break;
  }
  return "unsupported key";
}

KeyInfo key_info(const EVP_PKEY* k) {
  KeyInfo i;
  if (!k) return i;
  i.bits = EVP_PKEY_get_bits(k);
  if (EVP_PKEY_is_a(k, "RSA")) {
    i.type = KeyType::kRsa;
  } else if (EVP_PKEY_is_a(k, "EC")) {
    char curve[64] = {};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(k, "group", curve, sizeof curve, &len) == 1) {
      std::string_view c(curve, len);
      if (c == "prime256v1" || c == "P-256") i.type = KeyType::kEcP256;
      else if (c == "secp384r1" || c == "P-384") i.type = KeyType::kEcP384;
      else if (c == "secp521r1" || c == "P-521") i.type = KeyType::kEcP521;
    }
  }
  return i;
}

Result<Certificate> Certificate::from_der(ByteView der) {
  const unsigned char* p = der.data();
  X509* x = d2i_X509(nullptr, &p, long(der.size()));
  if (!x) return fail(Errc::kInvalidSyntax, "certificate does not parse as X.509");
  auto impl = std::make_shared<Impl>();
  impl->x.reset(x);
  if (p != der.data() + der.size()) return fail(Errc::kInvalidSyntax, "trailing bytes after certificate");
  impl->der.assign(der.begin(), der.end());
  return Certificate(std::move(impl));
}

Result<std::vector<Certificate>> Certificate::from_pem(std::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), int(pem.size())));
  std::vector<Certificate> out;
  while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    unsigned char* buf = nullptr;
    int n = i2d_X509(x, &buf);
    X509_free(x);
    if (n <= 0) return fail(Errc::kCrypto, "certificate re-encoding failed");
    auto c = from_der(ByteView(buf, size_t(n)));
    OPENSSL_free(buf);
    if (!c) return std::unexpected(c.error());
    out.push_back(std::move(*c));
  }
  if (out.empty()) return fail(Errc::kInvalidSyntax, "no PEM certificate found");
  return out;
}

ByteView Certificate::der() const { return p_->der; }
X509* Certificate::x509() const { return p_->x.get(); }
EVP_PKEY* Certificate::public_key() const { return X509_get0_pubkey(p_->x.get()); }
KeyInfo Certificate::key() const { return key_info(public_key()); }

Bytes Certificate::subject_der() const {
  unsigned char* buf = nullptr;
  int n = i2d_X509_NAME(X509_get_subject_name(x509()), &buf);
  Bytes out = n > 0 ? Bytes(buf, buf + n) : Bytes();
  OPENSSL_free(buf);
  return out;
}

std::vector<std::string> Certificate::subject_rdns() const { return rdns(X509_get_subject_name(x509())); }
std::vector<std::string> Certificate::issuer_rdns() const { return rdns(X509_get_issuer_name(x509())); }
std::string Certificate::subject() const { return join(subject_rdns()); }
std::string Certificate::issuer() const { return join(issuer_rdns()); }

std::string Certificate::serial_hex() const {
  const ASN1_INTEGER* s = X509_get0_serialNumber(x509());
  std::string hex = to_hex(ByteView(ASN1_STRING_get0_data(s), size_t(ASN1_STRING_length(s))));
  for (char& c : hex) c = char(std::toupper(static_cast<unsigned char>(c)));
  return hex.empty() ? "00" : hex;
}

std::time_t Certificate::not_before() const { return asn1_time(X509_get0_notBefore(x509())); }
std::time_t Certificate::not_after() const { return asn1_time(X509_get0_notAfter(x509())); }

std::vector<std::string> Certificate::dns_names() const {
  std::vector<std::string> v;
  each_san(x509(), GEN_DNS, [&](ByteView b) { v.emplace_back(b.begin(), b.end()); });
  return v;
}
std::vector<std::string> Certificate::emails() const {
  std::vector<std::string> v;
  each_san(x509(), GEN_EMAIL, [&](ByteView b) { v.emplace_back(b.begin(), b.end()); });
  return v;
}
std::vector<Bytes> Certificate::ip_addresses() const {
  std::vector<Bytes> v;
  each_san(x509(), GEN_IPADD, [&](ByteView b) { v.emplace_back(b.begin(), b.end()); });
  return v;
}

bool Certificate::is_ca() const { return X509_check_ca(x509()) != 0; }
bool Certificate::self_issued() const {
  return X509_NAME_cmp(X509_get_subject_name(x509()), X509_get_issuer_name(x509())) == 0;
}
bool Certificate::has_crl_distribution_point() const {
  return X509_get_ext_by_NID(x509(), NID_crl_distribution_points, -1) >= 0;
}
bool Certificate::key_usage_allows_signing() const {
  uint32_t ku = X509_get_key_usage(x509());
  return ku == UINT32_MAX || (ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) != 0;
}

Bytes Certificate::spki_sha1() const {
  unsigned char* buf = nullptr;
  int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x509()), &buf);
  Bytes out(SHA_DIGEST_LENGTH);
  if (n <= 0 || !SHA1(buf, size_t(n), out.data())) out.clear();
  OPENSSL_free(buf);
  return out;
}

Bytes Certificate::fingerprint_sha1() const {
  Bytes out(SHA_DIGEST_LENGTH);
  SHA1(p_->der.data(), p_->der.size(), out.data());
  return out;
}

uint32_t Certificate::key_usage() const { return X509_get_key_usage(x509()); }

bool Certificate::has_identity(NameKind kind, ByteView data) const {
  bool found = false;
  switch (kind) {
    case NameKind::kDn: {
      Bytes s = subject_der();
      return dn_equal(s, data);
    }
    case NameKind::kDnsName:
      for (auto& d : dns_names()) found = found || iequal(d, data);
      return found;
    case NameKind::kEmail:
      for (auto& e : emails()) found = found || iequal(e, data);
      return found;
    case NameKind::kIpAddress:
      for (auto& a : ip_addresses()) found = found || (a.size() == data.size() && std::equal(a.begin(), a.end(), data.begin()));
      return found;
    case NameKind::kOther:
      return false;
  }
  return false;
}

bool Certificate::operator==(const Certificate& o) const { return p_->der == o.p_->der; }

std::optional<std::string> dn_text(ByteView der) {
  auto n = parse_name(der);
  if (!n) return std::nullopt;
  return join(rdns(n.get()));
}

bool dn_equal(ByteView a, ByteView b) {
  auto na = parse_name(a), nb = parse_name(b);
  return na && nb && X509_NAME_cmp(na.get(), nb.get()) == 0;
}

std::time_t asn1_time(const ASN1_TIME* t) {
  struct tm tm {};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return timegm(&tm);
}

std::string ios_time(std::time_t t) {
  struct tm tm {};
  gmtime_r(&t, &tm);
  char b[64];
  std::strftime(b, sizeof b, "%H:%M:%S UTC %b %e %Y", &tm);
  std::string s = b;
  // "%e" pads the day with a space; IOS prints "Mar 1 2025".
  if (auto p = s.find("  "); p != std::string::npos) s.erase(p, 1);
  return s;
}

}  // namespace kg::crypto
