// Test helper: reads testdata/vectors/<file>, records of `name = value` lines
// separated by blank lines ('#' starts a comment line).
#pragma once
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/bytes.h"

namespace kg::crypto::testing {

struct VectorRecord {
  std::map<std::string, std::string> fields;
  [[nodiscard]] const std::string& str(const std::string& k) const { return fields.at(k); }
  [[nodiscard]] Bytes hex(const std::string& k) const {
    auto b = from_hex(fields.at(k));
    EXPECT_TRUE(b.has_value()) << k;
    return b.value_or(Bytes{});
  }
};

inline std::vector<VectorRecord> load_vectors(const std::string& file) {
  std::ifstream in(std::string(KG_SOURCE_DIR) + "/testdata/vectors/" + file);
  EXPECT_TRUE(in.good()) << file;
  std::vector<VectorRecord> out;
  VectorRecord cur;
  auto trim = [](std::string s) {
    s.erase(0, s.find_first_not_of(" \t\r"));
    s.erase(s.find_last_not_of(" \t\r") + 1);
    return s;
  };
  for (std::string line; std::getline(in, line);) {
    line = trim(line);
    if (line.starts_with('#')) continue;
    if (line.empty()) {
      if (!cur.fields.empty()) out.push_back(std::move(cur));
      cur = {};
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    cur.fields[trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
  }
  if (!cur.fields.empty()) out.push_back(std::move(cur));
  return out;
}

}  // namespace kg::crypto::testing
