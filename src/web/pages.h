// The HTML of keygate-web's pages: plain server-rendered forms, no script, no
// external asset (the router has no internet and the CSP allows only 'self').
// Every value that came from a user or from keygated is escaped.
#pragma once
#include <string>
#include <vector>

#include "web/token_list.h"

namespace kg::web {

std::string html_escape(const std::string& s);

// The stylesheet served at /style.css.
const std::string& stylesheet();

struct LoginView {
  std::string hostname, csrf, error;
};
std::string login_page(const LoginView& v);

// The one page after login: the token (status, PIN entry, PIN change) and
// the VPN sessions, as keygated shows them to this user.
struct HomeView {
  std::string hostname, user, csrf, message;
  bool message_ok = true;
  std::vector<std::string> tokens;  // the tokens the forms may act on (none: no forms)
  std::string token_status;   // show crypto pki token, or why it is not shown
  std::string vpn_status;     // show crypto session, or why it is not shown
  std::vector<TokenFacts> facts;  // per token: its PIN policy and attempts left
};
std::string home_page(const HomeView& v);

std::string error_page(const std::string& hostname, int status, const std::string& message);

}  // namespace kg::web
