#include "aaa/attribute_set.h"

#include <algorithm>

namespace kg::aaa {

bool secret_attribute(const std::string& name) { return name.find("password") != std::string::npos; }

void AttributeSet::set(const std::string& name, std::string value, const std::string& source) {
  items_[name] = AttributeValue{{std::move(value)}, source};
}

void AttributeSet::add(const std::string& name, std::string value, const std::string& source) {
  auto& v = items_[name];
  if (v.values.empty()) v.source = source;
  if (std::find(v.values.begin(), v.values.end(), value) == v.values.end()) v.values.push_back(std::move(value));
}

const AttributeValue* AttributeSet::find(const std::string& name) const {
  auto it = items_.find(name);
  return it == items_.end() ? nullptr : &it->second;
}

std::string AttributeSet::first(const std::string& name) const {
  const auto* v = find(name);
  return v && !v->values.empty() ? v->values.front() : std::string();
}

std::vector<std::string> AttributeSet::all(const std::string& name) const {
  const auto* v = find(name);
  return v ? v->values : std::vector<std::string>{};
}

std::vector<std::string> AttributeSet::lines() const {
  std::vector<std::string> out;
  for (const auto& [name, v] : items_)
    for (const auto& x : v.values) out.push_back(name + " = " + (secret_attribute(name) ? "<hidden>" : x) + "  (" + v.source + ")");
  return out;
}

AttributeSet overlay(const AttributeSet& preferred, const AttributeSet& other) {
  AttributeSet r = other;
  for (const auto& [name, v] : preferred.items()) {
    if (name == "ipsec:route-set" && r.find(name)) {
      AttributeValue u = v;
      for (const auto& x : r.find(name)->values)
        if (std::find(u.values.begin(), u.values.end(), x) == u.values.end()) u.values.push_back(x);
      if (r.find(name)->source != v.source) u.source = v.source + " + " + r.find(name)->source;
      r.set(name, "", "");
      for (size_t i = 0; i < u.values.size(); ++i)
        i == 0 ? r.set(name, u.values[i], u.source) : r.add(name, u.values[i], u.source);
      continue;
    }
    for (size_t i = 0; i < v.values.size(); ++i)
      i == 0 ? r.set(name, v.values[i], v.source) : r.add(name, v.values[i], v.source);
  }
  return r;
}

AttributeSet merge_attributes(const std::optional<AttributeSet>& cached, const std::optional<AttributeSet>& user,
                              const std::optional<AttributeSet>& group, bool group_override) {
  AttributeSet merged_user = cached ? *cached : AttributeSet{};
  if (user) merged_user = overlay(*user, merged_user);
  if (!group) return merged_user;
  return group_override ? overlay(*group, merged_user) : overlay(merged_user, *group);
}

}  // namespace kg::aaa
