#include "daemon/show_crypto_engine.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "crypto/crypto_engine.h"

namespace kg::daemon {
namespace {

using crypto::CryptoEngine;

// The engine in use for ESP AES-GCM is the one whose block lists esp-gcm 128.
TEST(ShowCryptoEngine, NamesTheEngineOfEspGcm) {
  const CryptoEngine before = crypto::esp_engine();
  for (CryptoEngine e : {CryptoEngine::kIpsecMb, CryptoEngine::kOpenSsl}) {
    if (!crypto::select_esp_engine(e)) continue;
    const std::string text = show_crypto_engine(false);
    const std::string head = "crypto engine name:  " + crypto::engine_name(e) +
                             "\ncrypto engine type:  software\ncrypto engine state: installed\n"
                             "crypto engine used for: ";
    const size_t at = text.find(head);
    ASSERT_NE(at, std::string::npos) << text;
    const std::string used = text.substr(at + head.size(), text.find('\n', at + head.size()) - at - head.size());
    EXPECT_NE(used.find("esp-gcm 128, esp-gcm 256"), std::string::npos) << text;
    auto j = nlohmann::json::parse(show_crypto_engine(true));
    int gcm_blocks = 0;
    for (const auto& b : j.at("engines")) {
      EXPECT_EQ(b.at("type"), "software");
      for (const auto& u : b.at("used_for"))
        if (u == "esp-gcm 128") {
          ++gcm_blocks;
          EXPECT_EQ(b.at("name"), crypto::engine_name(e));
          EXPECT_EQ(b.at("state"), "installed");
        }
    }
    EXPECT_EQ(gcm_blocks, 1);
  }
  ASSERT_TRUE(crypto::select_esp_engine(before));
}

}  // namespace
}  // namespace kg::daemon
