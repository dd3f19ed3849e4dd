// keygate: IOS-style shell talking to keygated over its control socket.
//   keygate [-S SOCKET]                  interactive: '?' help, Tab, history, --More--
//   keygate [-S SOCKET] -c "cmd" [-c ..] run commands, exit 1 on the first error
//   ... < script                         non-tty stdin: one command per line
// Root starts at privilege level 15; another local user logs in first with a
// keygate username and secret (the line after the username, or after
// `enable`, answers the password prompt in -c and script use too).
// A command may turn the line into a byte stream (the system shell):
// stream_relay.h relays it with the terminal in raw mode.
//
// The daemon owns the command table, the modes and the help texts; this
// program only edits a line and shows what the daemon answers. It uses
// libedit's own interface (histedit.h) rather than its readline emulation,
// because the emulation's rl_bind_key binds nothing but self-insertion:
// '?' was typed into the line instead of asking for help.
#include <histedit.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cwchar>
#include <cstring>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/stream_relay.h"
#include "daemon/control_client.h"

namespace {

using kg::control::ControlClient;
using kg::control::Request;

std::optional<ControlClient> g_client;
std::string g_prompt;

// A request whose reply is plain text; nullopt when the daemon has gone
// (it closes the socket after `exit` in exec mode).
std::optional<std::string> ask(Request t, const std::string& line) {
  auto r = g_client->request(t, line);
  if (!r) return std::nullopt;
  return r->text;
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

// One key from the terminal without echo or Enter (for --More--).
int read_key() {
  termios old{};
  if (::tcgetattr(STDIN_FILENO, &old) != 0) return 'q';
  termios raw = old;
  raw.c_lflag &= ~tcflag_t(ICANON | ECHO);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  ::tcsetattr(STDIN_FILENO, TCSANOW, &raw);
  unsigned char c = 'q';
  if (::read(STDIN_FILENO, &c, 1) != 1) c = 'q';
  ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
  return c;
}

// IOS paging: a screen less one line, then " --More-- ". Space shows the
// next screen, Enter the next line, any other key ends the output.
void page(const std::string& text, int length) {
  if (length <= 0) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return;
  }
  int budget = length - 1;
  size_t p = 0;
  while (p < text.size()) {
    size_t nl = text.find('\n', p);
    size_t end = nl == std::string::npos ? text.size() : nl + 1;
    if (budget == 0) {
      std::fputs(" --More-- ", stdout);
      std::fflush(stdout);
      int k = read_key();
      std::fputs("\r          \r", stdout);
      if (k == ' ') budget = length - 1;
      else if (k == '\r' || k == '\n') budget = 1;
      else return;
    }
    std::fwrite(text.data() + p, 1, end - p, stdout);
    p = end;
    --budget;
  }
}

// A line from the terminal: without echo (passwords), or with it (a [y/n]
// question).
std::optional<std::string> read_answer_from_tty(bool echo) {
  termios old{};
  bool tty = ::tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    termios quiet = old;
    if (!echo) quiet.c_lflag &= ~tcflag_t(ECHO);
    else quiet.c_lflag |= ECHO;
    quiet.c_lflag |= ICANON;
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  char ch;
  bool got = false;
  while (::read(STDIN_FILENO, &ch, 1) == 1) {
    got = true;
    if (ch == '\n' || ch == '\r') break;
    line += ch;
  }
  if (tty) ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
  if (!echo || !tty) std::fputs("\n", stdout);  // an echoed Enter has moved on already
  if (!got) return std::nullopt;
  return line;
}

// Where the answer to a prompt comes from: the terminal (without echo for a
// secret), the next -c argument, or the next line of a script.
std::function<std::optional<std::string>(bool echo)> g_next_answer = read_answer_from_tty;

// Runs one line; on error prints the echoed line (for the '^' marker) to stderr.
bool run(const std::string& line, bool echo_on_error, bool paged) {
  std::string prompt = ask(Request::kPrompt, "").value_or("");
  auto r = g_client->request(Request::kExec, line);
  // Login and enable ask for a secret: its prompt, then the line, unechoed.
  // A question ([y/n]) is answered the same way, but visibly.
  while (r && (r->secret || r->ask)) {
    std::fputs(r->text.c_str(), stdout);
    std::fflush(stdout);
    auto answer = g_next_answer(r->ask);
    if (!answer) return false;
    r = g_client->request(Request::kExec, *answer);
  }
  // The system shell: the line is a byte stream until the daemon ends it.
  if (r && r->stream_open) {
    std::fputs(r->text.c_str(), stdout);
    r = kg::cli::relay_stream(*g_client);
  }
  if (!r) {
    std::cerr << "% " << r.error().message << "\n";
    return false;
  }
  if (r->ok) {
    int length = 0;
    if (paged) length = std::atoi(ask(Request::kTerminal, "").value_or("0").c_str());
    page(r->text, length);
    std::fflush(stdout);
    return true;
  }
  if (echo_on_error) std::cerr << prompt << line << "\n";
  std::cerr << r->text;
  return false;
}

std::string text_to_cursor(EditLine* el) {
  const LineInfo* li = el_line(el);
  return std::string(li->buffer, size_t(li->cursor - li->buffer));
}

// '?': the daemon's help for the text before the cursor, at once, and the
// line stays as typed (CC_REDISPLAY draws the prompt and line again).
unsigned char on_question(EditLine* el, int) {
  std::string help = ask(Request::kHelp, text_to_cursor(el)).value_or("% keygated has gone\n");
  std::fputs("?\n", stdout);
  std::fputs(help.c_str(), stdout);
  std::fflush(stdout);
  return CC_REDISPLAY;
}

// Tab: completes the word before the cursor when one word fits (adding a
// space, as IOS does), extends it to the longest common prefix when several
// do, and lists them when it cannot extend.
unsigned char on_tab(EditLine* el, int) {
  std::string line = text_to_cursor(el);
  std::string words = ask(Request::kComplete, line).value_or("");
  std::vector<std::string> m;
  for (size_t p = 0, nl; (nl = words.find('\n', p)) != std::string::npos; p = nl + 1)
    m.push_back(words.substr(p, nl - p));
  size_t start = line.find_last_of(" \t");
  std::string partial = line.substr(start == std::string::npos ? 0 : start + 1);
  if (m.empty()) return CC_REFRESH_BEEP;
  std::string common = m[0];
  for (const auto& w : m) {
    size_t i = 0;
    while (i < common.size() && i < w.size() && common[i] == w[i]) ++i;
    common.resize(i);
  }
  if (m.size() == 1) common += ' ';
  if (common.size() > partial.size() || m.size() == 1) {
    el_deletestr(el, int(partial.size()));
    el_insertstr(el, common.c_str());
    return CC_REFRESH;
  }
  std::string list = "\n";
  for (const auto& w : m) list += w + "  ";
  list += "\n";
  std::fputs(list.c_str(), stdout);
  std::fflush(stdout);
  return CC_REDISPLAY;
}

char* prompt_fn(EditLine*) { return g_prompt.data(); }

// Bound to libedit's ed-redisplay: returned by read_char after monitor lines
// were printed, so the prompt and the line being typed are drawn again below.
constexpr char kRedisplay = 0x1d;  // ^]

// libedit's character source: the terminal, and meanwhile the daemon's
// socket, whose `terminal monitor` lines are printed above the line being
// typed as they come.
int read_char(EditLine*, wchar_t* out) {
  std::mbstate_t st{};
  while (true) {
    pollfd p[2] = {{STDIN_FILENO, POLLIN, 0}, {g_client->fd(), POLLIN, 0}};
    if (::poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (p[1].revents) {
      std::fputs("\r\033[K", stdout);
      auto any = g_client->poll_monitor();
      if (!any) return 0;  // the daemon has gone: end of input
      *out = kRedisplay;
      return 1;
    }
    if (!p[0].revents) continue;
    char c;
    ssize_t n = ::read(STDIN_FILENO, &c, 1);
    if (n <= 0) return int(n);
    size_t r = std::mbrtowc(out, &c, 1, &st);
    if (r == size_t(-2)) continue;      // more bytes of this character
    if (r == size_t(-1)) { *out = wchar_t(static_cast<unsigned char>(c)); st = {}; }
    return 1;
  }
}

// Token commands carry PINs (crypto pki token NAME login PIN, user-pin PIN
// ...): such a line is never kept in the history. Any abbreviation of
// `crypto ... token` counts, whatever follows.
bool holds_pin(const std::string& line) {
  std::vector<std::string> w;
  for (size_t p = 0; p < line.size();) {
    size_t b = line.find_first_not_of(" \t", p);
    if (b == std::string::npos) break;
    size_t e = line.find_first_of(" \t", b);
    if (e == std::string::npos) e = line.size();
    w.push_back(line.substr(b, e - b));
    p = e;
  }
  auto abbrev = [](const std::string& word, std::string_view full) {
    return word.size() >= 2 && full.starts_with(word);
  };
  size_t i = !w.empty() && abbrev(w[0], "do") && w[0].size() == 2 ? 1 : 0;  // `do` from config mode
  if (w.size() < i + 3 || !abbrev(w[i], "crypto")) return false;
  for (size_t k = i + 1; k < w.size(); ++k)
    if (abbrev(w[k], "token")) return true;
  return false;
}

int interactive(const char* argv0) {
  EditLine* el = el_init(argv0, stdin, stdout, stderr);
  History* hist = history_init();
  HistEvent ev;
  history(hist, &ev, H_SETSIZE, 200);
  el_set(el, EL_HIST, history, hist);
  el_set(el, EL_EDITOR, "emacs");
  el_set(el, EL_PROMPT, prompt_fn);
  el_set(el, EL_ADDFN, "kg-help", "IOS help for the line so far", on_question);
  el_set(el, EL_ADDFN, "kg-complete", "IOS completion of the current word", on_tab);
  el_set(el, EL_BIND, "?", "kg-help", nullptr);
  el_set(el, EL_BIND, "\t", "kg-complete", nullptr);
  el_set(el, EL_BIND, "^]", "ed-redisplay", nullptr);
  el_set(el, EL_GETCFN, read_char);
  while (true) {
    auto prompt = ask(Request::kPrompt, "");
    if (!prompt) break;  // the daemon closed the session (exit) or went away
    g_prompt = *prompt;
    int n = 0;
    const char* l = el_gets(el, &n);
    if (l == nullptr || n <= 0) break;  // Ctrl-D
    std::string line(l, size_t(n));
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (!holds_pin(line)) history(hist, &ev, H_ENTER, line.c_str());
    run(line, false, true);
  }
  history_end(hist);
  el_end(el);
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
  g_client->on_monitor = [](const std::string& line) {
    std::fputs(line.c_str(), stdout);
    std::fflush(stdout);
  };
  if (!cmds.empty()) {
    size_t next = 0;
    g_next_answer = [&](bool) -> std::optional<std::string> {
      if (next >= cmds.size()) return std::nullopt;
      return cmds[next++];
    };
    while (next < cmds.size()) {
      const std::string& l = cmds[next++];
      if (l.find_first_not_of(" \t") != std::string::npos && !run(l, true, false)) return 1;
    }
    return 0;
  }
  if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) return interactive(argv[0]);
  g_next_answer = [](bool) -> std::optional<std::string> {
    std::string l;
    if (!std::getline(std::cin, l)) return std::nullopt;
    return l;
  };
  bool ok = true;
  std::string line;
  while (std::getline(std::cin, line))
    if (line.find_first_not_of(" \t") != std::string::npos) ok = run(line, true, false) && ok;
  return ok ? 0 : 1;
}
