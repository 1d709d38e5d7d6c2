// libFuzzer target for what a resumed run reads back from its run directory: the first byte of
// the input, modulo 3, chooses the reader, the rest is the file.
//   0: checkpoint.json text, parsed against the shape of a fixed small meta-learning experiment
//      (the command-line tests' tiny DNMS experiment), as `run --resume` reads it;
//   1: .npy bytes, as theta.npy is read;
//   2: checkpoint.json text checked only for its own consistency (no experiment to match).
// Every input must be read or refused with RunError; any other exception, a crash, a leak or
// undefined behaviour is a finding, and so is a file that was read but whose rewrite (by the
// writer of that file) does not read back to the same value.
//
// With NEOHEBB_FUZZ_WRITE_SEEDS=DIR in the environment the target writes its seeds to DIR and
// exits instead: checkpoints that the code itself wrote (the start of a run and after one and two
// meta-steps) and .npy arrays of several shapes, each behind its selector byte.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <typeinfo>

#include <Eigen/Core>

#include "core/config/experiment.hpp"
#include "core/engine/setup.hpp"
#include "core/io/npy.hpp"
#include "core/io/npy_reader.hpp"
#include "core/loader/plugin_registry.hpp"
#include "core/meta/checkpoint.hpp"
#include "core/meta/meta_learner.hpp"
#include "core/support/errors.hpp"

namespace {
namespace fs = std::filesystem;
using namespace neohebb;

constexpr char kCheckpoint = 0, kNpy = 1, kCheckpointAlone = 2;

void write(const fs::path& file, std::string_view bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

[[noreturn]] void finding(const char* what, const std::string& detail) {
  std::fprintf(stderr, "%s: %s\n", what, detail.c_str());
  std::abort();
}

// The fixed experiment whose shape checkpoints are read against, loaded once.
struct Fixed {
  core::PluginRegistry registry;
  core::Experiment experiment;
  core::Setup<sdk::Real> setup;
  core::CheckpointShape shape;
  Fixed()
      : experiment(load(registry)),
        setup(core::make_setup<sdk::Real>(experiment)),
        shape(core::checkpoint_shape(experiment, setup)) {}

  static core::Experiment load(core::PluginRegistry& registry) {
    const fs::path dir =
        fs::temp_directory_path() / ("neohebb-fuzz-checkpoint-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::ifstream in(NEOHEBB_TINY_DNMS, std::ios::binary);
    if (!in) finding("cannot read", NEOHEBB_TINY_DNMS);
    std::string text(std::istreambuf_iterator<char>(in), {});
    text += "\n[experiment]\ntrials = 10\n\n[meta]\nsteps = 3\nbatch = 2\n";
    write(dir / "experiment.toml", text);
    core::Experiment e = core::load_experiment(dir / "experiment.toml", {}, registry);
    fs::remove_all(dir);
    return e;
  }
};
const Fixed& fixed() {
  static const Fixed f;
  return f;
}

// With `against_fixed`, as a resumed run of the fixed experiment reads it; else on its own.
void read_checkpoint(const std::string& text, bool against_fixed) {
  const core::CheckpointShape& shape = fixed().shape;
  core::MetaState s;
  try {
    s = core::parse_checkpoint(text, against_fixed ? &shape : nullptr);
  } catch (const core::RunError&) {
    return;
  } catch (const std::exception& e) {
    finding("unexpected exception from parse_checkpoint",
            std::string(typeid(e).name()) + ": " + e.what());
  }
  if (!against_fixed) return;  // its own shape is not returned: nothing to write it with
  const std::string again = core::checkpoint_json(s, shape);
  try {
    if (core::checkpoint_json(core::parse_checkpoint(again, &shape), shape) != again)
      finding("a checkpoint read and written again reads back to another one", again);
  } catch (const std::exception& e) {
    finding("a checkpoint read and written again does not read back", e.what());
  }
}

void read_npy(const std::string& bytes) {
  Eigen::MatrixXd m;
  try {
    m = core::parse_npy(bytes, "theta.npy");
  } catch (const core::RunError&) {
    return;
  } catch (const std::exception& e) {
    finding("unexpected exception from parse_npy", std::string(typeid(e).name()) + ": " + e.what());
  }
  const std::string again = core::npy_bytes(m);
  try {
    const Eigen::MatrixXd back = core::parse_npy(again, "theta.npy");
    // Bitwise: NaN payloads and signed zeros must survive too.
    if (back.rows() != m.rows() || back.cols() != m.cols() ||
        (m.size() > 0 &&
         std::memcmp(back.data(), m.data(), sizeof(double) * std::size_t(m.size())) != 0))
      finding("an array read and written again reads back to another one", again);
  } catch (const std::exception& e) {
    finding("an array read and written again does not read back", e.what());
  }
}

// A .npy file as numpy.save writes it: format VERSION (1: 2-byte header length, 2: 4 bytes),
// the header dict padded with spaces to a multiple of 64 bytes, then DATA.
std::string npy_file(int version, const std::string& shape, bool fortran_order,
                     const std::string& data) {
  std::string header =
      "{'descr': '<f8', 'fortran_order': " + std::string(fortran_order ? "True" : "False") +
      ", 'shape': " + shape + ", }";
  const std::size_t length_bytes = version == 1 ? 2 : 4;
  const std::size_t unpadded = 8 + length_bytes + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::string out("\x93NUMPY", 6);
  out += static_cast<char>(version);
  out += '\0';
  for (std::size_t i = 0; i < length_bytes; ++i)
    out += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  return out + header + data;
}

void write_seed(const fs::path& dir, const std::string& name, char selector,
                const std::string& bytes) {
  write(dir / name, std::string(1, selector) + bytes);
}

void write_seeds(const fs::path& dir) {
  fs::create_directories(dir);
  const Fixed& f = fixed();
  const core::MetaLearner learner(f.setup, f.experiment.meta);
  core::MetaState s = learner.initial_state();
  for (int step = 0; step <= 2; ++step) {
    if (step > 0) learner.step(s, 1);
    const std::string json = core::checkpoint_json(s, f.shape);
    write_seed(dir, "checkpoint_step" + std::to_string(step) + ".json", kCheckpoint, json);
    write_seed(dir, "alone_step" + std::to_string(step) + ".json", kCheckpointAlone, json);
  }
  write_seed(dir, "theta.npy", kNpy, core::npy_bytes(s.theta));
  write_seed(dir, "scalar.npy", kNpy, core::npy_bytes(Eigen::MatrixXd::Constant(1, 1, 0.5)));
  write_seed(dir, "vector.npy", kNpy, core::npy_bytes(Eigen::VectorXd::LinSpaced(5, 0, 1)));
  write_seed(dir, "empty.npy", kNpy, core::npy_bytes(Eigen::MatrixXd(0, 3)));
  // What numpy.save writes and npy_bytes does not: C order, one and zero dimensions, version 2.
  const double six[] = {1, 2, 3, 4, 5, 6};
  const std::string data(reinterpret_cast<const char*>(six), sizeof six);
  write_seed(dir, "c_order.npy", kNpy, npy_file(1, "(2, 3)", false, data));
  write_seed(dir, "one_dimension.npy", kNpy, npy_file(1, "(6,)", false, data));
  write_seed(dir, "zero_dimensions.npy", kNpy, npy_file(1, "()", false, data.substr(0, 8)));
  write_seed(dir, "version2.npy", kNpy, npy_file(2, "(3, 2)", true, data));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("NEOHEBB_FUZZ_WRITE_SEEDS")) {
    write_seeds(dir);
    std::exit(0);
  }
  fixed();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string file(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case kCheckpoint:
      read_checkpoint(file, true);
      break;
    case kNpy:
      read_npy(file);
      break;
    default:
      read_checkpoint(file, false);
  }
  return 0;
}
