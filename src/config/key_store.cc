#include "config/key_store.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "common/log.h"

namespace kg::config {

bool KeyStore::valid_label(const std::string& label) {
  if (label.empty() || label.size() > 64 || label[0] == '.') return false;
  for (char c : label)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') return false;
  return true;
}

std::string KeyStore::path(const std::string& label) const { return dir_ + "/pki/" + label + ".key"; }

Result<void> KeyStore::put(const std::string& label, const crypto::KeySigner& key) {
  if (!valid_label(label)) return fail(Errc::kInvalidArgument, "Invalid key pair label " + label);
  auto der = key.to_pkcs8();
  if (!der) return std::unexpected(der.error());
  std::string clear(reinterpret_cast<const char*>(der->view().data()), der->size());
  std::string sealed = cipher_.seal(clear);
  OPENSSL_cleanse(clear.data(), clear.size());
  if (dir_.empty()) {
    memory_[label] = sealed;
  } else {
    ::mkdir((dir_ + "/pki").c_str(), 0700);
    std::string tmp = path(label) + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return fail(Errc::kIo, "cannot write " + tmp);
    bool ok = ::write(fd, sealed.data(), sealed.size()) == ssize_t(sealed.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok || std::rename(tmp.c_str(), path(label).c_str()) != 0) return fail(Errc::kIo, "cannot write " + path(label));
  }
  cache_.erase(label);
  ++generation_;
  return {};
}

std::shared_ptr<const crypto::Signer> KeyStore::get(const std::string& label) const {
  if (external_)
    if (auto k = external_(label)) return k;
  if (auto it = cache_.find(label); it != cache_.end()) return it->second;
  if (!valid_label(label)) return nullptr;
  std::string sealed;
  if (dir_.empty()) {
    auto it = memory_.find(label);
    if (it == memory_.end()) return nullptr;
    sealed = it->second;
  } else {
    std::ifstream in(path(label));
    if (!in) return nullptr;
    std::stringstream ss;
    ss << in.rdbuf();
    sealed = ss.str();
  }
  auto clear = cipher_.open(sealed);
  if (!clear) {
    log::warn("key pair " + label + ": " + clear.error().message);
    return nullptr;
  }
  auto s = crypto::KeySigner::from_pkcs8(as_bytes(*clear));
  OPENSSL_cleanse(clear->data(), clear->size());
  if (!s) {
    log::warn("key pair " + label + ": " + s.error().message);
    return nullptr;
  }
  cache_[label] = *s;
  return *s;
}

}  // namespace kg::config
