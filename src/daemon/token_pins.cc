#include "daemon/token_pins.h"

#include <filesystem>
#include <fstream>

#include "common/log.h"

namespace kg::daemon {

TokenPins::TokenPins(const std::string& state_dir, const std::string& token_serial) {
  if (state_dir.empty()) return;
  std::string safe;
  for (char c : token_serial) safe += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
  if (safe.empty()) safe = "unnamed";
  std::error_code ec;
  std::filesystem::create_directories(state_dir + "/tokens", ec);
  path_ = state_dir + "/tokens/" + safe + ".pins";
  std::ifstream in(path_);
  std::string word;
  int n = 0;
  while (in >> word >> n) {
    if (word == "user") user_ = n;
    if (word == "admin") admin_ = n;
  }
}

void TokenPins::save() const {
  if (path_.empty()) return;
  std::string tmp = path_ + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "user " << user_ << "\nadmin " << admin_ << "\n";
    if (!out.flush()) {
      log::warn("tokens: cannot save the PIN counters to " + path_);
      return;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path_, ec);
  if (ec) log::warn("tokens: cannot save the PIN counters to " + path_ + ": " + ec.message());
}

}  // namespace kg::daemon
