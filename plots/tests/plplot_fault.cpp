// Stands in for PLplot's plinit in tests, through LD_PRELOAD. NEOHEBB_PLPLOT_FAULT=exit ends
// the drawing as PLplot does when memory runs out (plexit: "*** PLPLOT ERROR, IMMEDIATE EXIT
// ***"); =hang makes it wait, for a Ctrl-C, after writing its process id to the file
// $NEOHEBB_PLPLOT_FAULT_MARK.
// Anything else: PLplot's own plinit.
#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>

#include <plplot.h>

namespace {

template <class F>
F next_definition(const char* name) {
  void* symbol = ::dlsym(RTLD_NEXT, name);
  F f = nullptr;
  std::memcpy(&f, &symbol, sizeof f);
  return f;
}

bool fault_is(const char* what) {
  const char* fault = std::getenv("NEOHEBB_PLPLOT_FAULT");
  return fault && std::strcmp(fault, what) == 0;
}

}  // namespace

extern "C" void c_plinit(void) {
  next_definition<void (*)()>("c_plinit")();
  if (fault_is("exit"))
    next_definition<void (*)(const char*)>("plexit")("Out of memory (injected by the test)");
  if (fault_is("hang")) {
    if (const char* mark = std::getenv("NEOHEBB_PLPLOT_FAULT_MARK"))
      std::ofstream(mark) << ::getpid() << "\n";
    for (;;) ::pause();
  }
}
