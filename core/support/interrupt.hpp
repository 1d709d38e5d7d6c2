#pragma once
// SIGINT/SIGTERM ask a run to stop at its next safe point (after a trial of a plain run, after
// the current meta-step of a meta-learning run, which is then checkpointed and resumable).
// SIGXFSZ is ignored, so that a file size limit is a failed write, reported as such.
namespace neohebb::core {

void install_interrupt_handler();
bool interrupted();
// As if Ctrl-C had been pressed (another rank of the job was interrupted).
void request_interrupt();

}  // namespace neohebb::core
