// keygate: IOS-style shell talking to keygated over its control socket.
//   keygate [-S SOCKET]                 interactive (libedit; '?' help, Tab)
//   keygate [-S SOCKET] -c "cmd" [-c ..] run commands, exit 1 on the first error
//   ... < script                         non-tty stdin: one command per line
#include <editline/readline.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "daemon/control_client.h"

namespace {

using kg::control::ControlClient;
using kg::control::Request;

std::optional<ControlClient> g_client;
std::vector<std::string> g_matches;

std::string ask(Request t, const std::string& line) {
  auto r = g_client->request(t, line);
  return r ? r->text : std::string();
}

// Split on real newlines and on a literal backslash-n, so both
// -c $'a\nb' and -c "a\nb" work from scripts.
std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' || (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == 'n')) {
      out.push_back(cur);
      cur.clear();
      if (s[i] == '\\') ++i;
    } else {
      cur += s[i];
    }
  }
  out.push_back(cur);
  return out;
}

// Runs one line; on error prints the echoed line (for the '^' marker) to stderr.
bool run(const std::string& line, bool echo_on_error) {
  std::string prompt = ask(Request::kPrompt, "");
  auto r = g_client->request(Request::kExec, line);
  if (!r) {
    std::cerr << "% " << r.error().message << "\n";
    return false;
  }
  if (r->ok) {
    std::cout << r->text << std::flush;
    return true;
  }
  if (echo_on_error) std::cerr << prompt << line << "\n";
  std::cerr << r->text;
  return false;
}

int on_question(int, int) {
  std::string line(rl_line_buffer, size_t(rl_point));
  std::cout << "?\n" << ask(Request::kHelp, line) << std::flush;
  rl_on_new_line();
  rl_forced_update_display();
  return 0;
}

char* generator(const char*, int state) {
  static size_t i;
  if (state == 0) i = 0;
  return i < g_matches.size() ? strdup(g_matches[i++].c_str()) : nullptr;
}

char** on_complete(const char* text, int, int end) {
  rl_attempted_completion_over = 1;
  std::string words = ask(Request::kComplete, std::string(rl_line_buffer, size_t(end)));
  g_matches.clear();
  size_t p = 0, nl;
  while ((nl = words.find('\n', p)) != std::string::npos) {
    g_matches.push_back(words.substr(p, nl - p));
    p = nl + 1;
  }
  return rl_completion_matches(text, generator);
}

int interactive() {
  rl_attempted_completion_function = on_complete;
  rl_bind_key('?', on_question);
  while (true) {
    std::string prompt = ask(Request::kPrompt, "");
    char* l = readline(prompt.c_str());
    if (l == nullptr) break;  // Ctrl-D
    std::string line(l);
    free(l);
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    add_history(line.c_str());
    run(line, false);
    if (!g_client) break;
  }
  std::cout << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string sock = "/run/keygate/keygated.sock";
  std::vector<std::string> cmds;
  int opt;
  while ((opt = getopt(argc, argv, "S:c:h")) != -1) {
    if (opt == 'S') sock = optarg;
    else if (opt == 'c') for (auto& l : split_lines(optarg)) cmds.push_back(l);
    else {
      std::cerr << "usage: keygate [-S SOCKET] [-c COMMAND]...\n";
      return opt == 'h' ? 0 : 2;
    }
  }
  auto c = ControlClient::connect(sock);
  if (!c) {
    std::cerr << "% cannot reach keygated: " << c.error().message << "\n";
    return 1;
  }
  g_client.emplace(std::move(*c));
  if (!cmds.empty()) {
    for (auto& l : cmds)
      if (l.find_first_not_of(" \t") != std::string::npos && !run(l, true)) return 1;
    return 0;
  }
  if (isatty(STDIN_FILENO)) return interactive();
  bool ok = true;
  std::string line;
  while (std::getline(std::cin, line))
    if (line.find_first_not_of(" \t") != std::string::npos) ok = run(line, true) && ok;
  return ok ? 0 : 1;
}
