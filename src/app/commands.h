// The `ember` command line: `serve` (HTTP server with FHIR API, health and metrics) and `seed`
// (synthetic sample data). Exit codes: 0 ok, 1 runtime failure, 2 bad usage or configuration.
#pragma once
#include <cstdint>
#include <string_view>

#include "app/config.h"

namespace ember::app {

inline constexpr std::string_view kVersion = "0.1.0";

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct SeedCommandOptions {
  int patients = 25;
  std::uint64_t seed = 1;
};

// Parses argv and runs the chosen subcommand; returns the process exit code.
int run_cli(int argc, char** argv);

// Runs the server until SIGINT/SIGTERM.
int run_serve(const Config& config);
// Seeds the configured store with `options.patients` sample patients.
int run_seed(const Config& config, const SeedCommandOptions& options);

}  // namespace ember::app
