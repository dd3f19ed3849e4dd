// keygate-bench esp-crypto [--rounds N]: OpenSSL against the IPsec
// Multi-Buffer library for ESP AES-GCM, in one process (esp_crypto.cc).
#pragma once

namespace kg::bench {

int esp_crypto_main(int argc, char** argv);

}  // namespace kg::bench
