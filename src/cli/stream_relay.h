// The keygate side of a byte stream the daemon opened on the line (the
// system shell, control_protocol.h STREAM OPEN): the terminal goes to raw
// mode (every key, Ctrl-C included, is the remote shell's) and back when the
// stream ends, its size goes to the daemon at once and after each SIGWINCH,
// typed bytes go out as STREAM requests and the stream's output comes back
// to stdout. Standard input that is not a terminal is copied as it is, and
// its end is sent as Ctrl-D.
#pragma once
#include "daemon/control_client.h"

namespace kg::cli {

// Returns the reply that ended the stream (its text: what to print now).
Result<control::Reply> relay_stream(control::ControlClient& client);

}  // namespace kg::cli
