// Test helper: a private SoftHSM2 token directory with one initialized token
// (SOFTHSM2_CONF points at it for this process), removed afterwards.
#pragma once
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace kg::pkcs11::testing {

inline constexpr const char* kSoftHsm = "/usr/lib/softhsm/libsofthsm2.so";

class SoftToken {
 public:
  SoftToken(const std::string& label, const std::string& user_pin, const std::string& so_pin) {
    char tmpl[] = "/tmp/kg-softhsm-XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp");
    dir_ = tmpl;
    std::filesystem::create_directory(dir_ / "tokens");
    std::filesystem::create_directory(dir_ / "control");
    std::ofstream(dir_ / "softhsm2.conf") << "directories.tokendir = " << (dir_ / "tokens").string()
                                          << "\nobjectstore.backend = file\nlog.level = ERROR\n";
    ::setenv("SOFTHSM2_CONF", (dir_ / "softhsm2.conf").c_str(), 1);
    ::setenv("P11_DETACH_DIR", (dir_ / "control").c_str(), 1);
    std::string cmd = "softhsm2-util --init-token --free --label '" + label + "' --pin '" + user_pin +
                      "' --so-pin '" + so_pin + "' >/dev/null";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("softhsm2-util --init-token failed");
    label_ = label;
  }
  ~SoftToken() { std::filesystem::remove_all(dir_); }
  SoftToken(const SoftToken&) = delete;
  SoftToken& operator=(const SoftToken&) = delete;

  // Pull the token out of p11-detach's slot, or put it back.
  void pull() const { std::ofstream(dir_ / "control" / (label_ + ".pulled")) << "pulled\n"; }
  void insert() const { std::filesystem::remove(dir_ / "control" / (label_ + ".pulled")); }
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  std::string label_;
};

}  // namespace kg::pkcs11::testing
