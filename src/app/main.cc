// Entry point of the `ember` binary; everything else lives in app/commands.cc.
#include "app/commands.h"

int main(int argc, char** argv) {
  return ember::app::run_cli(argc, argv);
}
