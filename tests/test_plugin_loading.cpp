#include <dlfcn.h>
#include <elf.h>

#include <fstream>
#include <iterator>

#include "core/engine/setup.hpp"
#include "test_support.hpp"

using namespace neohebb;
namespace fs = std::filesystem;

namespace {
const fs::path kPlugins = NEOHEBB_PLUGIN_DIR;
const fs::path kTestPlugins = NEOHEBB_TEST_PLUGIN_DIR;

std::string load_error(const fs::path& file) {
  core::PluginRegistry registry;
  try {
    registry.load(file);
  } catch (const core::PluginLoadError& e) {
    return e.what();
  }
  return "";
}

std::string bytes_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
}  // namespace

TEST(PluginLoading, GoodPluginRegistersItsComponent) {
  core::PluginRegistry registry;
  registry.load(kPlugins / "neohebb-dnms.so");
  const auto* c = registry.find(sdk::Kind::Task, "dnms");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->plugin, "dnms");
  EXPECT_EQ(c->plugin_version, "1.0.0");
  EXPECT_EQ(registry.find(sdk::Kind::PlasticityRule, "dnms"), nullptr);
  auto task = core::instantiate<sdk::Task<double>, double>(*c, sdk::defaults_of(c->info->params));
  task->setup({1.0});
  EXPECT_EQ(task->layout().steps, 1000);
}

// The object keeps its library loaded after the registry is gone; releasing it unloads it. (A
// test plugin: the build's own plugins may be held by other tests of this executable.)
TEST(PluginLoading, InstanceKeepsItsLibraryAlive) {
  const std::string file = (kTestPlugins / "neohebb-faulty.so").string();
  std::shared_ptr<sdk::Task<double>> task;
  {
    core::PluginRegistry registry;
    registry.load(file);
    const auto* c = registry.find(sdk::Kind::Task, "faulty_task");
    sdk::ParamSet p;
    p.set("level", 1.0);
    task = core::instantiate<sdk::Task<double>, double>(*c, sdk::defaults_of(c->info->params, p));
  }
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_NOLOAD);
  ASSERT_NE(handle, nullptr) << "library unloaded while an instance lives";
  dlclose(handle);
  EXPECT_EQ(task->layout().steps, 10);
  task.reset();
  handle = dlopen(file.c_str(), RTLD_NOW | RTLD_NOLOAD);
  EXPECT_EQ(handle, nullptr) << "library still loaded after the last instance went";
  if (handle) dlclose(handle);
}

TEST(PluginLoading, MissingFileIsAClearError) {
  EXPECT_EQ(load_error("/nonexistent/neohebb-x.so"),
            "/nonexistent/neohebb-x.so: no such plugin file");
}

TEST(PluginLoading, FileThatIsNotASharedLibrary) {
  test_support::TempDir dir;
  const auto file = dir.write("neohebb-text.so", "this is not an ELF file\n");
  const std::string msg = load_error(file);
  EXPECT_NE(msg.find("neohebb-text.so: is not a shared library (no ELF header)"), std::string::npos)
      << msg;
}

TEST(PluginLoading, ALoopOfSymbolicLinksSaysSo) {
  test_support::TempDir dir;
  fs::create_symlink("neohebb-loop.so", dir.path() / "neohebb-loop.so");
  EXPECT_EQ(load_error(dir.path() / "neohebb-loop.so"),
            (dir.path() / "neohebb-loop.so").string() +
                ": cannot be accessed (Too many levels of symbolic links)");
  // Two such files are two failures, not one file tried once.
  fs::create_symlink("neohebb-loop2.so", dir.path() / "neohebb-loop2.so");
  core::PluginRegistry registry;
  EXPECT_EQ(registry.load_path(dir.path()).size(), 2u);
}

TEST(PluginLoading, AProgramIsNotASharedLibrary) {
  test_support::TempDir dir;
  const fs::path program = dir.path() / "neohebb-ls.so";
  fs::copy_file("/bin/ls", program);
  EXPECT_EQ(load_error(program), program.string() +
                                     ": is a program, not a shared library; a plugin is a .so "
                                     "built with neohebb_add_plugin");
}

// The loader maps a truncated library and the process dies of SIGBUS: refused before.
TEST(PluginLoading, ATruncatedLibraryIsRefusedNotLoaded) {
  test_support::TempDir dir;
  const auto truncated =
      dir.write("neohebb-cut.so", bytes_of(kPlugins / "neohebb-dnms.so").substr(0, 4096));
  EXPECT_THAT(load_error(truncated),
              ::testing::StartsWith(truncated.string() + ": is truncated (4096 bytes of the "));
}

TEST(PluginLoading, TheLoadersOwnReasonWhenItRefusesALibrary) {
  test_support::TempDir dir;
  std::string bytes = bytes_of(kPlugins / "neohebb-dnms.so");
  bytes[EI_CLASS] = ELFCLASS32;
  const auto other_class = dir.write("neohebb-32.so", bytes);
  EXPECT_EQ(load_error(other_class), other_class.string() +
                                         ": cannot be loaded as a shared library (wrong ELF "
                                         "class: ELFCLASS32)");
}

TEST(PluginLoading, SharedLibraryWithoutEntryPoints) {
  const std::string msg = load_error(kTestPlugins / "neohebb-no_entry.so");
  EXPECT_NE(msg.find("not a neohebb plugin: it exports no 'neohebb_abi' entry point"),
            std::string::npos)
      << msg;
}

TEST(PluginLoading, WrongAbiVersionIsRefusedBeforeTheManifest) {
  const std::string msg = load_error(kTestPlugins / "neohebb-bad_abi.so");
  EXPECT_NE(msg.find("built against neohebb SDK ABI version 999, but this host uses version 7; "
                     "rebuild the plugin against the installed SDK"),
            std::string::npos)
      << msg;
}

TEST(PluginLoading, ThrowingConstructorIsATypedErrorNotACrash) {
  core::PluginRegistry registry;
  registry.load(kTestPlugins / "neohebb-faulty.so");
  const auto* c = registry.find(sdk::Kind::Task, "faulty_task");
  ASSERT_NE(c, nullptr);
  sdk::ParamSet p;
  p.set("fail", std::string("constructor"));
  p.set("level", 1.0);
  try {
    core::instantiate<sdk::Task<double>, double>(*c, p);
    FAIL() << "expected sdk::ParameterError";
  } catch (const sdk::ParameterError& e) {
    EXPECT_EQ(e.parameter(), "fail");
    EXPECT_STREQ(e.what(), "asked to fail in the constructor");
  }
}

TEST(PluginLoading, BrokenFilesInASearchFolderDoNotHideGoodOnes) {
  core::PluginRegistry registry;
  registry.load_path(kTestPlugins);
  EXPECT_NE(registry.find(sdk::Kind::Task, "faulty_task"), nullptr);
  EXPECT_EQ(registry.failures().size(), 2u);  // bad_abi and no_entry
}

// Two files that register the same kind and name: the second is refused, naming both, so the
// meaning of an experiment never depends on the search order.
TEST(PluginLoading, TwoFilesRegisteringTheSameComponentAreAnErrorNamingBoth) {
  test_support::TempDir dir;
  const fs::path copy = dir.path() / "neohebb-dnms.so";
  fs::copy_file(kPlugins / "neohebb-dnms.so", copy);
  core::PluginRegistry registry;
  registry.load(kPlugins / "neohebb-dnms.so");
  try {
    registry.load(copy);
    FAIL() << "a second dnms was accepted";
  } catch (const core::DuplicateComponentError& e) {
    EXPECT_EQ(std::string(e.what()),
              copy.string() + ": registers task 'dnms', which " +
                  fs::canonical(kPlugins / "neohebb-dnms.so").string() +
                  " registers already; give one of the two another name, or remove one from the "
                  "plugin search path");
  }
  EXPECT_EQ(registry.find(sdk::Kind::Task, "dnms")->file,
            fs::canonical(kPlugins / "neohebb-dnms.so"));

  // In an experiment, the copy named by [plugins] path comes first; the build's own dnms is then
  // the duplicate, and the experiment is refused.
  const auto errs = test_support::config_errors(
      dir, "[plugins]\npath = [\"" + copy.string() + "\"]\n" + test_support::small_experiment());
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_THAT(errs[0], ::testing::HasSubstr("registers task 'dnms', which " + copy.string() +
                                            " registers already"));
}
