// Fuzz target: arbitrary bytes, split into lines, fed to one CliSession as
// exec/config commands plus '?' help and Tab completion. Must never crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/session.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kg::config::Config cfg;
  kg::config::CliSession s(cfg);
  std::string in(reinterpret_cast<const char*>(data), size);
  size_t p = 0;
  while (p <= in.size()) {
    size_t nl = in.find('\n', p);
    std::string line = in.substr(p, nl == std::string::npos ? std::string::npos : nl - p);
    (void)s.help(line);
    (void)s.complete(line);
    (void)s.execute(line);
    (void)s.prompt();
    if (nl == std::string::npos) break;
    p = nl + 1;
  }
  (void)cfg.running_config_text();
  return 0;
}
