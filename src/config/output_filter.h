// IOS output modifiers: `show ... | include|exclude|begin|section|count REGEX`,
// and NX-OS's `| json` for commands that can answer with a JSON document.
// The session splits them off an exec line before matching it and runs the
// command's text through them afterwards, so every show command gets them
// without knowing about them. Several may follow each other (`| i a | e b`).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace kg::config {

struct OutputFilter {
  enum class Kind { kInclude, kExclude, kBegin, kSection, kCount, kJson } kind;
  std::string regex;
};

// Splits "show x | include a b | count" into the command ("show x") and its
// filters. A '|' counts only after white space, as on IOS, so words that hold
// one (a regex, a password) are left alone. Errors name the bad modifier.
struct PipedLine {
  std::string_view command;
  std::vector<OutputFilter> filters;
  bool json = false;  // `| json` (NX-OS): the command answers in JSON; alone, last
};
Result<PipedLine> split_pipes(std::string_view line);

// Applies the filters in order. The regex must have been checked by
// split_pipes (an invalid one is rejected there).
std::string apply_filters(std::string text, const std::vector<OutputFilter>& filters);

// `?` after a '|': the modifiers, or the REGEX argument, as IOS lists them.
std::string pipe_help(std::string_view after_bar);
// Tab after a '|': the modifiers that start with the partial word.
std::vector<std::string> pipe_complete(std::string_view after_bar);

}  // namespace kg::config
