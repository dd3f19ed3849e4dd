#include "consent/device_serial.h"

#include <cstdio>
#include <fstream>

namespace kg::consent {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";  // no I, O, 0, 1

bool valid(const std::string& s) {
  if (s.size() != 12 || !s.starts_with("KG")) return false;
  for (size_t i = 2; i < s.size(); ++i)
    if (kAlphabet.find(s[i]) == std::string_view::npos) return false;
  return true;
}

}  // namespace

Result<std::string> load_device_serial(const std::string& state_dir, Random& rng) {
  std::string path = state_dir + "/consent-serial";
  if (std::ifstream in(path); in) {
    std::string s;
    std::getline(in, s);
    if (!valid(s)) return fail(Errc::kInvalidSyntax, path + ": not a keygate device serial");
    return s;
  }
  std::string s = "KG";
  uint8_t r[10];
  rng.fill(r);
  for (uint8_t b : r) s += kAlphabet[b % kAlphabet.size()];  // 32 divides 256: no bias
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << s << "\n";
    if (!out.flush()) return fail(Errc::kIo, "cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return fail(Errc::kIo, "cannot rename " + tmp);
  return s;
}

}  // namespace kg::consent
