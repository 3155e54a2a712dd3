// Entry point of the `ember` binary; everything else lives in app/commands.cc.
#include <malloc.h>

#include "app/commands.h"

int main(int argc, char** argv) {
  // glibc raises its mmap threshold to the size of any mmapped block freed (up to 32 MiB), so
  // after the first sign-in argon2id's 19 MiB working area would come from the heap and stay
  // resident in every malloc arena that ever hashed a password. A fixed threshold keeps blocks
  // of 1 MiB and more in mmap, returned to the kernel when freed (docs/performance.md, "Memory").
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  return ember::app::run_cli(argc, argv);
}
