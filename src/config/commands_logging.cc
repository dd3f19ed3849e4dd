// logging buffered [SIZE] [LEVEL] / no logging buffered (IOS). The daemon
// keeps its log lines in a buffer of SIZE bytes (common/log_buffer.h) that
// `show logging` prints. keygate's default is off: nothing is kept unless
// configured, and configurations without the line are unchanged.
#include "config/logging.h"

#include <array>

#include "config/session.h"
#include "config/writer.h"

namespace kg::config {
namespace {

using A = const ParsedArgs&;
using C = CmdContext&;

// IOS severity names, by level 0-7.
constexpr std::array<const char*, 8> kLevelNames = {"emergencies", "alerts",        "critical",     "errors",
                                                    "warnings",    "notifications", "informational", "debugging"};
constexpr std::array<const char*, 8> kLevelHelp = {
    "System is unusable                (severity=0)", "Immediate action needed           (severity=1)",
    "Critical conditions               (severity=2)", "Error conditions                  (severity=3)",
    "Warning conditions                (severity=4)", "Normal but significant conditions (severity=5)",
    "Informational messages            (severity=6)", "Debugging messages                (severity=7)"};

int parse_level(const std::string& w) {
  for (size_t i = 0; i < kLevelNames.size(); ++i)
    if (w == kLevelNames[i]) return int(i);
  return std::stoi(w);  // <0-7>: the grammar checked the range
}

// Every form ends here: SIZE and LEVEL are optional and either may come
// alone; what is not given keeps its current value.
Result<std::string> set_buffered(C c, A a) {
  auto& lb = c.model.logging_buffered;
  if (a.negated || a.defaulted) {
    lb.reset();
    return std::string();
  }
  LoggingBuffered v = lb.value_or(LoggingBuffered{});
  for (size_t i = 2; i < a.size(); ++i) {
    const std::string& w = a.at(i);
    bool number = !w.empty() && w.find_first_not_of("0123456789") == std::string::npos;
    if (number && w.size() >= 4) v.size = std::stol(w);
    else v.level = parse_level(w);
  }
  lb = v;
  return std::string();
}

}  // namespace

std::string level_name(int level) {
  return level >= 0 && level < int(kLevelNames.size()) ? kLevelNames[size_t(level)] : std::to_string(level);
}

void write_logging(const WriteScope& s, std::string& out) {
  const Model& m = s.model;
  if (!m.logging_buffered) return;
  std::string line = "logging buffered";
  if (m.logging_buffered->size) line += " " + std::to_string(*m.logging_buffered->size);
  if (m.logging_buffered->level) line += " " + level_name(*m.logging_buffered->level);
  out += line + "\n!\n";
}

void register_logging_commands(CommandTable& t) {
  const std::string head = "Modify message logging facilities", buf = "Set buffered logging parameters";
  const std::string size = "Logging buffer size", lvl = "Logging severity level";
  auto line = t.add(Mode::kConfig, "logging buffered [<4096-2147483647>]", {head, buf, size}, set_buffered)
                  .writes(section::kHostname + 2, write_logging);
  t.add(Mode::kConfig, "logging buffered <4096-2147483647> <0-7>", {head, buf, size, lvl}, set_buffered).writes(line);
  t.add(Mode::kConfig, "logging buffered <0-7>", {head, buf, lvl}, set_buffered).writes(line);
  // One command per severity name, so that `?` shows each with its own help.
  for (size_t i = 0; i < kLevelNames.size(); ++i) {
    std::string name = kLevelNames[i];
    t.add(Mode::kConfig, "logging buffered " + name, {head, buf, kLevelHelp[i]}, set_buffered).writes(line);
    t.add(Mode::kConfig, "logging buffered <4096-2147483647> " + name, {head, buf, size, kLevelHelp[i]}, set_buffered)
        .writes(line);
  }
}

}  // namespace kg::config
