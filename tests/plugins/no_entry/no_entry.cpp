// A shared library that is not a neohebb plugin: it exports no entry point.
extern "C" __attribute__((visibility("default"))) int neohebb_test_not_a_plugin() {
  return 42;
}
