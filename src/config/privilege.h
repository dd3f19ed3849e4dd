// Privilege levels of exec commands, as on IOS: a shell runs at a level from
// 0 to 15 and sees only the commands at or below it. Every command needs 15
// unless `privilege exec level N COMMAND` says otherwise, except the few that
// every user needs (enable, disable, exit, logout, terminal, show privilege,
// show version, show clock, ping), which need 1. Configuration-mode commands
// need 15.
//
// keygate reads `privilege exec level N WORDS` as IOS reads `privilege exec
// all level N WORDS`: it applies to every command that starts with WORDS
// (arguments included, so `crypto pki token usbtoken0 login` grants that
// token only). The longest entry that fits wins; entries win over the
// built-in levels, so `privilege exec level 15 show` also raises `show version`.
#pragma once
#include <string>
#include <vector>

#include "config/command_table.h"
#include "config/model.h"

namespace kg::config {

inline constexpr int kMaxPrivilege = 15;

// The level a command needs as far as its grammar tells: the lowest level at
// which some line it accepts may run. Decides what `?`, Tab and matching see.
int grammar_level(const Model& m, const Command& c);
// The level one line needs, from its words as matched (keywords spelled out).
int line_level(const Model& m, Mode mode, const std::vector<std::string>& words);

}  // namespace kg::config
