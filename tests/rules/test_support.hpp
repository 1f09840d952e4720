#pragma once
// Shared fixtures for the rules tests: the shipped configuration and instant parsing.
#include <gtest/gtest.h>

#include <string_view>

#include "nnw/rules/calendar.hpp"
#include "nnw/rules/config.hpp"

namespace nnw::rules::testing {

inline const RulesConfig& default_config() {
  static const RulesConfig config = load_config(default_config_json()).value();
  return config;
}

inline UtcSeconds at(std::string_view utc) {
  const auto parsed = parse_utc(utc);
  EXPECT_TRUE(parsed.has_value()) << utc;
  return parsed.value_or(UtcSeconds{});
}

}  // namespace nnw::rules::testing
