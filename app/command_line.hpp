#pragma once
#include "app/commands/command.hpp"

namespace neohebb::app {

// Parses the command line and runs the subcommand it names; returns the exit status: 0, that of
// a command that fails without an exception, or 2 for a command line that does not parse.
// Exceptions from the commands propagate.
int run_command_line(int argc, char** argv, Context& ctx);

}  // namespace neohebb::app
