# `ember-client`, the SMART client command line over the ember_client library (module `client`).
# Included from CMakeLists.txt AFTER `ember_module(client ...)`.
add_executable(ember-client src/client_cli/main.cc src/client_cli/cli.cc)
target_include_directories(ember-client PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
target_link_libraries(ember-client PRIVATE ember_client CLI11::CLI11)
target_compile_options(ember-client PRIVATE ${EMBER_WARNINGS})
