// `ember clients add|list|show|rm` and `ember keys list|rotate`: managing registered apps and
// signing keys without the UI, straight in the store (a running server sees the changes).
#pragma once
#include <CLI/CLI.hpp>
#include <functional>

namespace ember::app {

// Adds the subcommands to `app`; the returned function runs whichever was parsed (or returns
// -1 when none of them was), given the store URL.
std::function<int(const std::string& store_url)> add_admin_commands(CLI::App& app);

}  // namespace ember::app
