// A small "{}" formatter for log lines: g++ 12 ships no <format>. Supports
// "{}" (strings, C strings, integers) and "{:016x}" (zero-padded hex).
#pragma once
#include <cstdio>
#include <string>
#include <string_view>
#include <type_traits>

namespace kg::ike {
namespace detail {

inline std::string arg_str(std::string_view spec, std::string_view s) { (void)spec; return std::string(s); }
inline std::string arg_str(std::string_view spec, const std::string& s) { (void)spec; return s; }
inline std::string arg_str(std::string_view spec, const char* s) { (void)spec; return s ? s : "(null)"; }
template <class T>
  requires std::is_integral_v<T>
std::string arg_str(std::string_view spec, T v) {
  if (spec == ":016x") {
    char b[24];
    std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(v));
    return b;
  }
  return std::to_string(v);
}

inline void format_to(std::string& out, std::string_view p) { out += p; }
template <class A, class... R>
void format_to(std::string& out, std::string_view p, const A& a, const R&... rest) {
  auto open = p.find('{');
  auto close = open == std::string_view::npos ? open : p.find('}', open);
  if (close == std::string_view::npos) {
    out += p;
    return;
  }
  out += p.substr(0, open);
  out += arg_str(p.substr(open + 1, close - open - 1), a);
  format_to(out, p.substr(close + 1), rest...);
}

}  // namespace detail

template <class... A>
std::string fmt(std::string_view pattern, const A&... args) {
  std::string out;
  detail::format_to(out, pattern, args...);
  return out;
}

}  // namespace kg::ike
