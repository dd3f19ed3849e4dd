#include "config/output_filter.h"

#include <regex>

#include "config/command_table.h"

namespace kg::config {
namespace {

struct Modifier {
  const char* word;
  OutputFilter::Kind kind;
  const char* help;
};
constexpr Modifier kModifiers[] = {
    {"begin", OutputFilter::Kind::kBegin, "Begin with the line that matches"},
    {"count", OutputFilter::Kind::kCount, "Count number of lines which match regexp"},
    {"exclude", OutputFilter::Kind::kExclude, "Exclude lines that match"},
    {"include", OutputFilter::Kind::kInclude, "Include lines that match"},
    {"json", OutputFilter::Kind::kJson, "Output in JSON format (show commands that support it)"},
    {"section", OutputFilter::Kind::kSection, "Filter a section of output"},
};

// Positions of the '|' characters that start a modifier.
std::vector<size_t> bars(std::string_view line) {
  std::vector<size_t> out;
  for (size_t i = 1; i < line.size(); ++i)
    if (line[i] == '|' && (line[i - 1] == ' ' || line[i - 1] == '\t')) out.push_back(i);
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> lines_of(const std::string& text) {
  std::vector<std::string_view> out;
  std::string_view t(text);
  while (!t.empty()) {
    auto nl = t.find('\n');
    out.push_back(t.substr(0, nl));
    if (nl == std::string_view::npos) break;
    t.remove_prefix(nl + 1);
  }
  return out;
}

bool indented(std::string_view l) { return !l.empty() && (l[0] == ' ' || l[0] == '\t'); }

}  // namespace

Result<PipedLine> split_pipes(std::string_view line) {
  auto at = bars(line);
  PipedLine p{line, {}};
  if (at.empty()) return p;
  // Leading white space stays: error columns count from the line's start.
  p.command = line.substr(0, at[0]);
  while (!p.command.empty() && (p.command.back() == ' ' || p.command.back() == '\t'))
    p.command.remove_suffix(1);
  for (size_t k = 0; k < at.size(); ++k) {
    size_t end = k + 1 < at.size() ? at[k + 1] : line.size();
    std::string_view part = trim(line.substr(at[k] + 1, end - at[k] - 1));
    auto sp = part.find_first_of(" \t");
    std::string_view word = part.substr(0, sp);
    std::string_view rest = sp == std::string_view::npos ? "" : trim(part.substr(sp));
    const Modifier* hit = nullptr;
    int hits = 0;
    for (const auto& m : kModifiers)
      if (!word.empty() && std::string_view(m.word).starts_with(word)) { hit = &m; ++hits; }
    if (hits != 1) {
      if (word.empty()) return fail(Errc::kInvalidArgument, "Incomplete command.");
      return fail(Errc::kInvalidArgument,
                  hits ? "Ambiguous command:  \"" + std::string(trim(line)) + "\""
                       : "Invalid output modifier '" + std::string(word) + "'");
    }
    if (hit->kind == OutputFilter::Kind::kJson) {
      if (!rest.empty() || k + 1 != at.size() || !p.filters.empty())
        return fail(Errc::kInvalidArgument, "| json stands alone, at the end of the line");
      p.json = true;
      continue;
    }
    if (rest.empty() && hit->kind != OutputFilter::Kind::kCount)
      return fail(Errc::kInvalidArgument, "Incomplete command.");
    try {
      std::regex check{std::string(rest)};
    } catch (const std::regex_error&) {
      return fail(Errc::kInvalidArgument, "Invalid regular expression '" + std::string(rest) + "'");
    }
    p.filters.push_back({hit->kind, std::string(rest)});
  }
  return p;
}

std::string apply_filters(std::string text, const std::vector<OutputFilter>& filters) {
  for (const auto& f : filters) {
    std::regex re(f.regex);
    auto lines = lines_of(text);
    auto hit = [&](std::string_view l) { return std::regex_search(l.begin(), l.end(), re); };
    std::string out;
    auto put = [&](std::string_view l) { out.append(l).push_back('\n'); };
    switch (f.kind) {
      case OutputFilter::Kind::kInclude:
        for (auto l : lines) if (hit(l)) put(l);
        break;
      case OutputFilter::Kind::kExclude:
        for (auto l : lines) if (!hit(l)) put(l);
        break;
      case OutputFilter::Kind::kBegin: {
        bool on = false;
        for (auto l : lines) if (on || (on = hit(l))) put(l);
        break;
      }
      case OutputFilter::Kind::kCount: {
        size_t n = 0;
        for (auto l : lines) n += hit(l);
        out = "Number of lines which match regexp = " + std::to_string(n) + "\n";
        break;
      }
      case OutputFilter::Kind::kJson:
        out = text;  // never a filter: split_pipes sets PipedLine::json
        break;
      case OutputFilter::Kind::kSection:
        // A section is a line that is not indented and the indented lines
        // under it; it is shown whole when any of its lines matches.
        for (size_t i = 0; i < lines.size();) {
          size_t j = i + 1;
          while (j < lines.size() && indented(lines[j])) ++j;
          bool any = false;
          for (size_t k = i; k < j && !any; ++k) any = hit(lines[k]);
          if (any && !(j == i + 1 && trim(lines[i]) == "!"))
            for (size_t k = i; k < j; ++k) put(lines[k]);
          i = j;
        }
        break;
    }
    text = std::move(out);
  }
  return text;
}

std::string pipe_help(std::string_view after_bar) {
  auto words = split_words(after_bar);
  bool mid_word = !after_bar.empty() && after_bar.back() != ' ' && after_bar.back() != '\t';
  if (words.empty() || (words.size() == 1 && mid_word)) {
    std::string partial = words.empty() ? "" : words[0].second;
    std::string out;
    for (const auto& m : kModifiers) {
      if (!std::string_view(m.word).starts_with(partial)) continue;
      if (mid_word) out += std::string(m.word) + "  ";
      else out += "  " + std::string(m.word) + std::string(9 - std::string_view(m.word).size(), ' ') + m.help + "\n";
    }
    if (out.empty()) return "% Unrecognized command\n";
    return mid_word ? out + "\n" : out;
  }
  if (words[0].second == "json") return words.size() == 1 && !mid_word ? "  <cr>\n" : "% Unrecognized command\n";
  if (words.size() == 1 || (words.size() == 2 && mid_word)) return "  LINE  Regular Expression\n";
  return "  LINE  Regular Expression\n  <cr>\n";
}

std::vector<std::string> pipe_complete(std::string_view after_bar) {
  auto words = split_words(after_bar);
  bool mid_word = !after_bar.empty() && after_bar.back() != ' ' && after_bar.back() != '\t';
  if (words.size() > 1 || (words.size() == 1 && !mid_word)) return {};
  std::string partial = words.empty() ? "" : words[0].second;
  std::vector<std::string> out;
  for (const auto& m : kModifiers)
    if (std::string_view(m.word).starts_with(partial)) out.emplace_back(m.word);
  return out;
}

}  // namespace kg::config
