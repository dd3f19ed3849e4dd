// The layers of STYLE.md's layout, checked on the include lines so that a
// shortcut fails here rather than in review: src/crypto names algorithms by
// its own identifiers and knows nothing of IKE, and the ESP data path knows
// nothing of IKE either (IKE and IKEv1 both drive it). What they share with
// src/ike lives in src/common (e.g. TrafficSelector).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace kg {
namespace {

namespace fs = std::filesystem;

// "file:line: include" for every #include in `dir` that starts with one of `banned`.
std::vector<std::string> banned_includes(const std::string& dir, const std::vector<std::string>& banned) {
  std::vector<std::string> found;
  for (auto& e : fs::recursive_directory_iterator(fs::path(KG_SOURCE_DIR) / dir)) {
    if (!e.is_regular_file()) continue;
    auto ext = e.path().extension();
    if (ext != ".h" && ext != ".cc") continue;
    std::ifstream in(e.path());
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      auto p = line.find("#include \"");
      if (p == std::string::npos) continue;
      std::string target = line.substr(p + 10);
      for (auto& b : banned)
        if (target.starts_with(b))
          found.push_back(fs::relative(e.path(), KG_SOURCE_DIR).string() + ":" + std::to_string(n) + ": " + line);
    }
  }
  return found;
}

std::string lines(const std::vector<std::string>& v) {
  std::string s;
  for (auto& x : v) s += x + "\n";
  return s;
}

TEST(Layering, CryptoKnowsNothingOfIke) {
  auto f = banned_includes("src/crypto", {"wire/", "ike/", "esp/", "config/", "daemon/", "aaa/"});
  EXPECT_TRUE(f.empty()) << lines(f);
}

TEST(Layering, EspKnowsNothingOfIke) {
  auto f = banned_includes("src/esp", {"wire/ike/", "ike/", "config/", "daemon/", "aaa/"});
  EXPECT_TRUE(f.empty()) << lines(f);
}

}  // namespace
}  // namespace kg
