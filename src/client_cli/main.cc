// Entry point of `ember-client`; the commands live in cli.cc.
#include <iostream>

#include "client_cli/cli.h"

int main(int argc, char** argv) {
  return ember::client_cli::run(argc, argv, std::cout, std::cerr);
}
