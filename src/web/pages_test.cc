#include "web/pages.h"

#include <gtest/gtest.h>

namespace kg::web {
namespace {

TEST(Pages, EverythingFromOutsideIsEscaped) {
  EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  std::string p = home_page({"r<1>", "eve\"", "c", "<script>", false, {"tok\"en"}, "<b>inserted</b>", "<i>"});
  EXPECT_EQ(p.find("<script>"), std::string::npos);
  EXPECT_EQ(p.find("<b>inserted"), std::string::npos);
  EXPECT_NE(p.find("&lt;b&gt;inserted"), std::string::npos);
  EXPECT_NE(p.find("value=\"tok&quot;en\""), std::string::npos);
  EXPECT_NE(p.find("role=\"alert\""), std::string::npos);  // a failure is announced to screen readers
}

TEST(Pages, EveryInputHasItsLabelAndEveryFormItsCsrfToken) {
  for (const std::string& p : {login_page({"r1", "CSRF1", ""}), home_page({"r1", "u", "CSRF1", "", true, {"t1", "t2"}, "", ""})}) {
    size_t forms = 0, tokens = 0;
    for (size_t i = p.find("<form"); i != std::string::npos; i = p.find("<form", i + 1)) ++forms;
    for (size_t i = p.find("name=\"csrf\" value=\"CSRF1\""); i != std::string::npos;
         i = p.find("name=\"csrf\" value=\"CSRF1\"", i + 1))
      ++tokens;
    EXPECT_GT(forms, 0u);
    EXPECT_EQ(forms, tokens);
    for (size_t i = p.find("<input type=\"password\" id=\""); i != std::string::npos;
         i = p.find("<input type=\"password\" id=\"", i + 1)) {
      size_t s = i + 27, e = p.find('"', s);
      std::string id = p.substr(s, e - s);
      EXPECT_NE(p.find("<label for=\"" + id + "\">"), std::string::npos) << id;
    }
    for (size_t i = p.find("<select id=\""); i != std::string::npos; i = p.find("<select id=\"", i + 1)) {
      size_t s = i + 12, e = p.find('"', s);
      EXPECT_NE(p.find("<label for=\"" + p.substr(s, e - s) + "\">"), std::string::npos);
    }
    EXPECT_EQ(p.find("http://"), std::string::npos);  // no external asset
    EXPECT_EQ(p.find("https://"), std::string::npos);
  }
}

TEST(Pages, PinChangeShowsEachTokensRuleAndAttempts) {
  HomeView v{"r1", "u", "c", "", true, {"eToken"}, "", "", {{"etoken (At least 8 characters, <x>)", "1 failed attempt, 9 left"}}};
  std::string p = home_page(v);
  EXPECT_NE(p.find("New PIN: at least 8 characters, &lt;x&gt;."), std::string::npos) << p;
  EXPECT_NE(p.find("Current PIN: 1 failed attempt, 9 left before the token blocks."), std::string::npos) << p;
  v.facts = {{"none", ""}};
  p = home_page(v);
  EXPECT_NE(p.find("New PIN: any PIN the token accepts."), std::string::npos) << p;
  EXPECT_EQ(p.find("No spaces"), std::string::npos);  // a PIN may hold spaces, | and ? now
}

}  // namespace
}  // namespace kg::web
