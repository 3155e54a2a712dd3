// Test support for the configuration tests: `load` resolves `ember serve ARGS` with a given
// environment, the way `ember serve` does (flags over variables over file over defaults).
#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/config.h"

namespace ember::app::testing {

using Env = std::map<std::string, std::string, std::less<>>;

inline EnvLookup env_of(Env env) {
  return [env = std::move(env)](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
}

inline Result<Config, ConfigError> load(std::vector<std::string> args, Env env = {}) {
  CLI::App app{"test", "ember"};
  auto* serve = app.add_subcommand("serve");
  ConfigSource source;
  source.add_options(*serve);
  args.insert(args.begin(), "serve");
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  app.parse(reversed);  // CLI11 takes the vector form in reverse order
  return source.resolve(env_of(std::move(env)));
}

}  // namespace ember::app::testing
