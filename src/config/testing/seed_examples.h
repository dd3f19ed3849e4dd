// For the seed example tests (seed001_test.cc, seed004_test.cc): a seed's
// configuration examples as printed (testdata/seedNNN/*.cfg, addresses moved
// to the test ranges) each load through Config::load_file with no rejected
// line except those on the test's reviewed list of features still to come
// (or of the seed's own mistakes, which IOS refuses too). A rejection that is
// not on the list fails the test, and so does an entry no file needs any more
// (the feature arrived: take it off the list). KG_SEEDNNN_VERBOSE=1 prints
// each file's load report.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "config/session.h"

namespace kg::config::testing {

struct FutureLine {
  const char* file;    // "" = any file
  const char* prefix;  // the rejected line, trimmed, starts with this
  const char* waits_for;
  bool seed_error = false;  // the seed's own mistake: IOS refuses the line too
};

inline std::string trim_blank(std::string s) {
  s.erase(0, s.find_first_not_of(" \t"));
  s.erase(s.find_last_not_of(" \t\r") + 1);
  return s;
}

struct Rejection {
  int line;
  std::string text, reason;
};

// "% line N: TEXT" (then maybe the caret line) then "% REASON", as
// Config::load_file writes a rejected line; warnings and notes are one line.
inline std::vector<Rejection> rejections(const std::string& report) {
  std::vector<std::string> lines;
  for (size_t p = 0; p < report.size();) {
    size_t e = report.find('\n', p);
    if (e == std::string::npos) e = report.size();
    lines.push_back(report.substr(p, e - p));
    p = e + 1;
  }
  std::vector<Rejection> out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!lines[i].starts_with("% line ")) continue;
    auto colon = lines[i].find(": ");
    std::string text = lines[i].substr(colon + 2);
    if (text.starts_with("Warning:") || text.starts_with("Note:")) continue;
    size_t j = i + 1;
    if (j < lines.size() && trim_blank(lines[j]) == "^") ++j;
    Rejection r{std::stoi(lines[i].substr(7, colon - 7)), trim_blank(text), j < lines.size() ? lines[j] : ""};
    out.push_back(r);
    i = j;
  }
  return out;
}

// Loads every testdata/<seed>/*.cfg and checks its rejections against
// `future`; prints the figures and how often each entry was used.
inline void check_seed_examples(const std::string& seed, std::span<const FutureLine> future, size_t min_files) {
  std::vector<std::filesystem::path> files;
  for (auto& f : std::filesystem::directory_iterator(std::string(KG_SOURCE_DIR) + "/testdata/" + seed))
    if (f.path().extension() == ".cfg") files.push_back(f.path());
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), min_files);
  std::string verbose_env = "KG_" + seed + "_VERBOSE";
  std::transform(verbose_env.begin(), verbose_env.end(), verbose_env.begin(), ::toupper);
  std::map<const FutureLine*, int> used;
  int total = 0, rejected = 0, under_parent = 0, seed_errors = 0;
  for (auto& path : files) {
    std::string name = path.filename().string();
    std::ifstream in(path);
    std::vector<std::string> text;
    for (std::string l; std::getline(in, l);) text.push_back(l);
    for (auto& l : text)
      if (auto t = trim_blank(l); !t.empty() && t[0] != '!') ++total;
    Config c;
    auto rep = c.load_file(path.string());
    ASSERT_TRUE(rep) << name;
    if (std::getenv(verbose_env.c_str())) std::cout << "== " << name << "\n" << *rep;
    bool parent_allowed = false;
    for (auto& r : rejections(*rep)) {
      ASSERT_LE(size_t(r.line), text.size()) << name;
      if (r.reason.starts_with("% Not applied: it is indented under the rejected line")) {
        EXPECT_TRUE(parent_allowed) << name << ":" << r.line << ": " << r.text << "\n" << r.reason;
        ++rejected, ++under_parent;
        continue;
      }
      const FutureLine* hit = nullptr;
      for (const FutureLine& f : future)
        if ((*f.file == 0 || name == f.file) && r.text.starts_with(f.prefix)) hit = &f;
      parent_allowed = hit != nullptr;
      if (!hit) {
        ADD_FAILURE() << name << ":" << r.line << ": unexpected rejection: " << r.text << "\n" << r.reason;
        continue;
      }
      ++used[hit], ++rejected;
      if (hit->seed_error) ++seed_errors;
    }
  }
  for (const FutureLine& f : future)
    EXPECT_TRUE(used.contains(&f)) << "allow-list entry no longer needed: \"" << f.prefix << "\" (" << f.waits_for << ")";
  std::cout << seed << ": " << files.size() << " files, " << total << " lines, " << total - rejected << " accepted, "
            << rejected - seed_errors << " rejected as future features (" << under_parent
            << " of them under a rejected parent), " << seed_errors << " rejected as IOS rejects them (seed errors)\n";
  for (const FutureLine& f : future) std::cout << "  " << used[&f] << "  " << f.prefix << "  -- " << f.waits_for << "\n";
}

}  // namespace kg::config::testing
