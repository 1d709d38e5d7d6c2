#include "app/commands/command.hpp"

namespace neohebb::app {

const CLI::Validator& non_empty_directory() {
  static const CLI::Validator v(
      [](std::string& s) { return s.empty() ? std::string("the directory name is empty") : ""; },
      "DIR");
  return v;
}

void add_set_option(CLI::App& sub, std::vector<std::string>& overrides) {
  sub.add_option("--set", overrides, "override a value: section.key=value (repeatable)")
      ->allow_extra_args(false);
}

void add_threads_option(CLI::App& sub, int& threads) {
  sub.add_option("--threads", threads, "worker threads (default: one per core)")
      ->check(CLI::Range(0, 1024));
}

}  // namespace neohebb::app
