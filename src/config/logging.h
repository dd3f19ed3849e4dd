// logging buffered (commands_logging.cc): IOS severity names.
#pragma once
#include <string>

namespace kg::config {

// "debugging" for 7 ... "emergencies" for 0 (IOS's names).
std::string level_name(int level);

}  // namespace kg::config
