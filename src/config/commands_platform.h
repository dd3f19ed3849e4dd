// platform interface-map (commands_platform.cc).
#pragma once
#include <string>

#include "config/command_table.h"
#include "config/model.h"

namespace kg::config {

class Config;

// "% Warning: ...\n" when `name` (canonical) names a port keygate cannot
// find: an IOS physical name with no `platform interface-map`, or a device
// the kernel does not have (Config::device_exists); empty otherwise.
std::string missing_device_warning(const Config& config, const Model& m, const std::string& name);

void register_platform_commands(CommandTable& t);

}  // namespace kg::config
