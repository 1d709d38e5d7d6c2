# neohebb_add_plugin(<name> SOURCES <files...> [TEST <test sources...>])
#
# Builds the plugin library `neohebb-<name>.so` (a MODULE linking only the SDK) into
# NEOHEBB_PLUGIN_OUTPUT_DIR (default: <build>/plugins), and, when TEST sources are given and
# GoogleTest is available (find_package(GTest)), a test executable `test_<name>` that compiles
# against the same SDK. If NEOHEBB_PLUGIN_INSTALL_DIR is set, `cmake --install` puts the plugin
# there. Works in the neohebb tree and out of it, after find_package(neohebb).
include_guard(GLOBAL)

function(neohebb_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES;TEST" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "neohebb_add_plugin(${name}): no SOURCES")
  endif()
  if(NOT DEFINED NEOHEBB_PLUGIN_OUTPUT_DIR)
    set(NEOHEBB_PLUGIN_OUTPUT_DIR ${CMAKE_BINARY_DIR}/plugins)
  endif()
  add_library(${name} MODULE ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE neohebb::sdk)
  set_target_properties(${name} PROPERTIES
    PREFIX "" OUTPUT_NAME "neohebb-${name}"
    LIBRARY_OUTPUT_DIRECTORY ${NEOHEBB_PLUGIN_OUTPUT_DIR}
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  # (Not in a fuzzing build: clang's sanitizer runtimes live in the executable that loads it.)
  if(NOT NEOHEBB_FUZZ)
    target_link_options(${name} PRIVATE -Wl,--no-undefined)
  endif()
  # Function-local statics of libstdc++ templates (e.g. std::to_string's digit table) otherwise
  # become STB_GNU_UNIQUE symbols, which make glibc refuse to ever unload the library.
  target_compile_options(${name} PRIVATE $<$<CXX_COMPILER_ID:GNU>:-fno-gnu-unique>)
  if(NEOHEBB_PLUGIN_INSTALL_DIR)
    install(TARGETS ${name} LIBRARY DESTINATION ${NEOHEBB_PLUGIN_INSTALL_DIR})
  endif()
  if(ARG_TEST AND TARGET GTest::gtest_main)
    include(GoogleTest)
    add_executable(test_${name} ${ARG_TEST})
    target_link_libraries(test_${name} PRIVATE neohebb::sdk GTest::gtest_main)
    target_include_directories(test_${name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    gtest_discover_tests(test_${name} DISCOVERY_TIMEOUT 60)
  endif()
endfunction()
