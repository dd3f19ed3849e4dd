// For the config tests' assertions: typed model values back as text.
#pragma once
#include <optional>
#include <string>

#include "common/secret.h"
#include "config/model.h"

namespace kg::config::testing {

// A secret's clear text (never printed by keygate itself).
inline std::string clear_text(const Secret& s) { return std::string(s.view().begin(), s.view().end()); }
// An optional identity's IOS words ("" when none).
inline std::string words_of(const std::optional<IkeIdentity>& id) { return id ? id->words() : std::string(); }

}  // namespace kg::config::testing
