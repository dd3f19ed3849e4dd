# A real terminal for the interactive shell (tmux on a private server), for
# tests of what a user sees: '?', Tab, paging, login prompts, monitor lines.
#   tmux_start CMD [COLS ROWS]   the shell in window 0 (its server is stopped
#                                by lib_cleanup like any other test process)
#   tmux_window CMD              another window (1, 2 ...)
#   screen [WINDOW]              what the window shows, history included
#   type_ TEXT, keys KEY...      typed literally / named keys (Enter, Tab, C-u)
#   expect_screen REGEX WHAT [SECONDS]   wait for the screen to match, else fail
#   last_line                    the last non-empty line of window 0
#   clear_screen                 empty the line, the history and the screen
command -v tmux >/dev/null || fail "tmux is not installed (scripts/setup.sh installs it)"
# The server's socket is in the test's directory, removed with it (named
# servers left their sockets in /tmp/tmux-UID).
TMUX_SOCK=$WORK/tmux.sock
tmux_start() {
  tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -x "${2:-160}" -y "${3:-50}" "$1" || fail "tmux"
  LIB_PIDS+=("$(tmux -S "$TMUX_SOCK" display-message -p '#{pid}')")
}
tmux_window() { tmux -S "$TMUX_SOCK" new-window -d "$1"; }
tmux_() { tmux -S "$TMUX_SOCK" "$@"; }
screen() { tmux_ capture-pane -p -J -S -500 -t "${1:-0}"; }
keys() { tmux_ send-keys -t 0 "$@"; }
type_() { tmux_ send-keys -t 0 -l "$1"; }
expect_screen() { wait_for "screen | grep -qE -- '$1'" "${3:-5}" || { screen | tail -30; fail "$2"; }; }
last_line() { screen | sed 's/[[:space:]]*$//' | grep -v '^$' | tail -1; }
clear_screen() { keys C-u; tmux_ clear-history -t 0; keys C-l; sleep 0.2; }
