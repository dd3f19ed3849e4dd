#include "web/pages.h"

#include <cctype>

namespace kg::web {

std::string html_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

const std::string& stylesheet() {
  // The router's look: IOS's dark blue bar, plain forms, large targets for
  // touch, contrast above WCAG AA, visible keyboard focus.
  static const std::string css = R"(:root{--bar:#04395e;--ink:#1b1b1b;--muted:#4a4a4a;--ok:#0b6b2b;--bad:#a4000f;--line:#c7ccd1}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#f4f6f8}
header{background:var(--bar);color:#fff;padding:.75rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;justify-content:space-between}
header h1{font-size:1.15rem;margin:0}
header form{margin:0}
main{max-width:46rem;margin:0 auto;padding:1rem}
section{background:#fff;border:1px solid var(--line);border-radius:6px;padding:1rem;margin:0 0 1rem}
h2{font-size:1.1rem;margin:0 0 .5rem}
label{display:block;font-weight:600;margin:.5rem 0 .2rem}
input[type=text],input[type=password]{width:100%;max-width:24rem;padding:.55rem;font-size:1rem;border:1px solid #6b7580;border-radius:4px}
button{margin-top:.75rem;padding:.55rem 1.1rem;font-size:1rem;border:0;border-radius:4px;background:var(--bar);color:#fff;cursor:pointer}
header button{margin:0;background:#fff;color:var(--bar)}
:focus-visible{outline:3px solid #f2a900;outline-offset:2px}
pre{background:#0f1419;color:#e6e6e6;padding:.75rem;border-radius:4px;overflow-x:auto;font-size:.85rem;white-space:pre}
.msg{padding:.6rem .8rem;border-radius:4px;margin:0 0 1rem;font-weight:600}
.msg.ok{background:#e3f4e8;color:var(--ok);border:1px solid var(--ok)}
.msg.bad{background:#fbe5e7;color:var(--bad);border:1px solid var(--bad)}
.hint{color:var(--muted);font-size:.9rem;margin:.25rem 0 0}
)";
  return css;
}

namespace {

std::string layout(const std::string& hostname, const std::string& title, const std::string& header_extra,
                   const std::string& body) {
  return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
         "<title>" + html_escape(title) + " - " + html_escape(hostname) + "</title>"
         "<link rel=\"stylesheet\" href=\"/style.css\"></head><body>"
         "<header><h1>" + html_escape(hostname) + " &middot; " + html_escape(title) + "</h1>" + header_extra +
         "</header><main>" + body + "</main></body></html>\n";
}

std::string csrf_field(const std::string& csrf) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + html_escape(csrf) + "\">";
}

std::string message(const std::string& text, bool ok) {
  if (text.empty()) return "";
  return std::string("<p class=\"msg ") + (ok ? "ok" : "bad") + "\" role=\"" + (ok ? "status" : "alert") + "\">" +
         html_escape(text) + "</p>";
}

}  // namespace

std::string login_page(const LoginView& v) {
  std::string body = message(v.error, false) +
                     "<section><h2>Log in</h2>"
                     "<form method=\"post\" action=\"/login\" autocomplete=\"off\">" +
                     csrf_field(v.csrf) +
                     "<label for=\"username\">Username</label>"
                     "<input type=\"text\" id=\"username\" name=\"username\" autocomplete=\"username\" required autofocus>"
                     "<label for=\"password\">Password</label>"
                     "<input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>"
                     "<button type=\"submit\">Log in</button></form></section>";
  return layout(v.hostname, "VPN", "", body);
}

// Which token a form acts on: fixed when there is one, chosen when several.
std::string token_field(const std::vector<std::string>& tokens, const std::string& id) {
  if (tokens.size() == 1)
    return "<input type=\"hidden\" name=\"token\" value=\"" + html_escape(tokens[0]) + "\">";
  std::string f = "<label for=\"" + id + "\">Token</label><select id=\"" + id + "\" name=\"token\">";
  for (const auto& t : tokens) f += "<option>" + html_escape(t) + "</option>";
  return f + "</select>";
}

// The change form's hints: each token's PIN rule and the attempts left.
std::string pin_rules(const HomeView& v) {
  auto rule = [](const TokenFacts& f) {
    std::string p = f.pin_policy;
    if (p.empty() || p == "none") return std::string("any PIN the token accepts");
    auto open = p.find(" ("), close = p.rfind(')');
    if (open != std::string::npos && close != std::string::npos && close > open)
      p = p.substr(open + 2, close - open - 2);
    if (!p.empty()) p[0] = char(std::tolower(static_cast<unsigned char>(p[0])));
    return p;
  };
  std::string out = "<div class=\"hint\" id=\"pin-rules\">";
  for (size_t i = 0; i < v.tokens.size(); ++i) {
    TokenFacts f = i < v.facts.size() ? v.facts[i] : TokenFacts{};
    std::string who = v.tokens.size() > 1 ? html_escape(v.tokens[i]) + ": " : "";
    out += "<p>" + who + "New PIN: " + html_escape(rule(f)) + ".</p>";
    if (!f.user_pin.empty()) out += "<p>" + who + "Current PIN: " + html_escape(f.user_pin) + " before the token blocks.</p>";
  }
  return out + "</div>";
}

std::string home_page(const HomeView& v) {
  std::string logout = "<form method=\"post\" action=\"/logout\">" + csrf_field(v.csrf) +
                       "<span>" + html_escape(v.user) + "</span> <button type=\"submit\">Log out</button></form>";
  std::string body = message(v.message, v.message_ok) +
                     "<section aria-labelledby=\"tok\"><h2 id=\"tok\">VPN token</h2><pre id=\"token-status\">" +
                     html_escape(v.token_status) + "</pre>";
  if (!v.tokens.empty()) {
    body += "<form method=\"post\" action=\"/token/login\" autocomplete=\"off\">" + csrf_field(v.csrf) +
            token_field(v.tokens, "token-login") +
            "<label for=\"pin\">Token PIN</label>"
            "<input type=\"password\" id=\"pin\" name=\"pin\" autocomplete=\"off\" required>"
            "<p class=\"hint\">Unlocks the VPN keys on the token after it is inserted or the router restarts.</p>"
            "<button type=\"submit\">Unlock token</button></form></section>"
            "<section aria-labelledby=\"chg\"><h2 id=\"chg\">Change the token PIN</h2>"
            "<form method=\"post\" action=\"/token/change-pin\" autocomplete=\"off\">" + csrf_field(v.csrf) +
            token_field(v.tokens, "token-change") +
            "<label for=\"old\">Current PIN</label>"
            "<input type=\"password\" id=\"old\" name=\"old\" autocomplete=\"off\" required>"
            "<label for=\"new\">New PIN</label>"
            "<input type=\"password\" id=\"new\" name=\"new\" autocomplete=\"new-password\" "
            "aria-describedby=\"pin-rules\" required>"
            "<label for=\"confirm\">New PIN again</label>"
            "<input type=\"password\" id=\"confirm\" name=\"confirm\" autocomplete=\"new-password\" required>" +
            pin_rules(v) +
            "<button type=\"submit\">Change PIN</button></form>";
  }
  body += "</section><section aria-labelledby=\"vpn\"><h2 id=\"vpn\">VPN status</h2><pre id=\"vpn-status\">" +
          html_escape(v.vpn_status) + "</pre></section>";
  return layout(v.hostname, "VPN", logout, body);
}

std::string error_page(const std::string& hostname, int status, const std::string& text) {
  return layout(hostname, "Error " + std::to_string(status), "",
                message(text, false) + "<p><a href=\"/\">Back</a></p>");
}

}  // namespace kg::web
